//! Sound pieces: hand-designed or synthesized abstract operators that each close a precision
//! gap of the kernel's, meant to be met with it (being written).

use crate::catalog::Operator;
use std::sync::Arc;

pub mod bitwise;
pub mod divmod;
pub mod mul;
pub mod shift;

/// Every piece as a catalog operator (joins [`crate::catalog::Catalog::reference`]).
pub fn operators() -> Vec<Arc<dyn Operator>> {
    let mut ops = mul::operators();
    ops.extend(divmod::operators());
    ops.extend(bitwise::operators());
    ops.extend(shift::operators());
    ops.extend(crate::synthesis::refine::operators());
    ops
}
