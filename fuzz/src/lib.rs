//! The kernel as oracle. (being written)
