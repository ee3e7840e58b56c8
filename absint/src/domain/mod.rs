//! Abstract domains: one file per domain, each opening with its concretization.

pub mod best;
pub mod interval;
pub mod kernel;
pub mod scalar;
pub mod tnum;

pub use scalar::Scalar;
pub use tnum::Tnum;
