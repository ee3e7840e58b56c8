//! (being written)

use crate::catalog::Operator;
use std::sync::Arc;

/// The catalog operators of this module.
pub fn operators() -> Vec<Arc<dyn Operator>> {
    Vec::new()
}
