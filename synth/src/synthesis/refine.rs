//! The refinement between a tnum and an unsigned range (the kernel's synchronisation of a
//! register's two descriptions) as a synthesis target of its own.
//!
//! Given a tnum `t` and an interval `[lo, hi]` of one width that describe the same value, the
//! value lies in `S = γ(t) ∩ [lo, hi]`. Three targets: `tnum.refine` returns a tnum containing
//! `S`, `uint.refine` an interval containing `S`, and `sint.refine` does the same from a
//! *signed* interval (the unsigned refinement under the flip of the sign bit, which maps the
//! signed order onto the unsigned one). Their pieces ([`pieces`]: the kernel's
//! refinement, the exact one built on `tnum_step`, cheaper ones, and plausible unsound
//! candidates) are catalog operators of arguments (Tnum, UInt) with the precondition `x = y`
//! on the members; [`search()`] runs a meet search over them like the binary meet search
//! ([`super::meet`]): every piece checked exhaustively, a greedy selection by exact pairs per
//! IR operation ([`grid`]: every tnum × every interval of a small width, the best transformer
//! by enumeration), the selected pieces and the meet step proved with z3 at 64 and 32 bits
//! (compositionally where one query does not finish, [`proof`]), the result certified exact
//! ([`lemma`]) and measured against the best transformer and the kernel's; [`report`] renders
//! the outcome as markdown (it serializes to JSON as it is).
//!
//! The book's page "The tnum ↔ range refinement" has the derivation and the figures.
//!
//! "Exact" when `S` is empty: any result is sound there, and the best transformer (bottom) is
//! not a tnum or an interval, so those pairs are counted apart (`empty`) and the exact share is
//! over the pairs with `S ≠ ∅`.

pub mod grid;
pub mod lemma;
pub mod pieces;
pub mod proof;
pub mod report;
pub mod search;

pub use search::{
    by_name, search, search_with, targets, GridFigures, RefineConfig, RefineSynthesis, RefineTarget,
};

use crate::catalog::Operator;
use pieces::{sound_pieces, Output, RefinePiece};
use std::sync::Arc;

/// The refinement pieces as catalog operators (the sound ones: the unsound candidates are in
/// [`unsound_operators`]).
pub fn operators() -> Vec<Arc<dyn Operator>> {
    [Output::Tnum, Output::UInt, Output::SInt]
        .into_iter()
        .flat_map(|o| {
            sound_pieces(o)
                .into_iter()
                .map(move |p| RefinePiece::new(p, o).arc())
        })
        .collect()
}

/// The plausible but unsound refinement candidates (`mutant.tnum.refine.step_lo` …), which
/// every check must refute.
pub fn unsound_operators() -> Vec<Arc<dyn Operator>> {
    [Output::Tnum, Output::UInt, Output::SInt]
        .into_iter()
        .flat_map(|o| {
            pieces::unsound_pieces(o)
                .into_iter()
                .map(move |p| RefinePiece::new(p, o).arc())
        })
        .collect()
}
