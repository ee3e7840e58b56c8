//! Exporters of corpus records (being written).
