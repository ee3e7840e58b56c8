//! The meet targets and their pools of candidate pieces.
//!
//! A [`MeetTarget`] is a binary operation on one domain (`tnum.mul`, `uint.udiv` …) with a pool
//! of [`PoolPiece`]s: catalog operators of the target's signature that may each be sound —
//! the kernel's operator, the historical kernel operators, the hand-designed pieces of
//! [`crate::pieces`] (including variants not in the catalog, such as asymmetric split ranges),
//! and the bound pieces the enumerative search finds ([`super::bounds`]). Nothing in a pool is
//! trusted: the search checks every piece before it may enter a meet. Each piece names how it
//! is proved at 64 and 32 bits ([`ProofMethod`]): plain z3, or an existing composite proof.

use crate::catalog::{Catalog, Operator};
use crate::pieces::divmod::{DivModOperator, Piece as DivModPiece};
use crate::pieces::mul::{MulEntry, MulPiece};
use crate::precision::Grid;
use crate::synthesis::targets::TargetDomain;
use std::sync::Arc;

/// Where a piece comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Origin {
    /// The kernel's (or absint's reference) operator.
    Reference,
    /// A historical kernel operator.
    Historical,
    /// A hand-designed piece of [`crate::pieces`].
    Hand,
    /// Found by the enumerative search (a bound that always holds).
    Enumerated,
    /// A deliberately broken operator (tests: must be rejected).
    Mutant,
}

impl Origin {
    /// A word for tables.
    pub fn label(self) -> &'static str {
        match self {
            Origin::Reference => "reference",
            Origin::Historical => "historical",
            Origin::Hand => "hand",
            Origin::Enumerated => "enumerated",
            Origin::Mutant => "mutant",
        }
    }
}

/// How a piece is proved sound at a wide width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum ProofMethod {
    /// One z3 query on the whole piece ([`crate::verify::prove`]).
    Z3,
    /// The inductive proof of a kernel multiplication ([`crate::induction::inductive_proof`]).
    Inductive,
    /// The compositional proof of the multiplication pieces splitting on up to this many bits
    /// ([`crate::pieces::mul::proof::prove_pieces_compositional`]).
    MulCompositional(u32),
}

impl ProofMethod {
    /// A short description.
    pub fn label(self) -> String {
        match self {
            ProofMethod::Z3 => "z3".into(),
            ProofMethod::Inductive => "inductive (kernel multiplication)".into(),
            ProofMethod::MulCompositional(k) => format!("compositional (splits ≤ {k} bits)"),
        }
    }
}

/// One candidate piece.
#[derive(Clone)]
pub struct PoolPiece {
    /// The operator.
    pub op: Arc<dyn Operator>,
    /// Where it comes from.
    pub origin: Origin,
    /// How it is proved at wide widths.
    pub proof: ProofMethod,
    /// Its output fields as grammar terms, when it is one (enumerated pieces): what a rejected
    /// record's `fields` holds; otherwise the record names the operator.
    pub terms: Option<[String; 2]>,
}

impl std::fmt::Debug for PoolPiece {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PoolPiece({}, {:?})", self.op.name(), self.origin)
    }
}

impl PoolPiece {
    /// A piece.
    pub fn new(op: Arc<dyn Operator>, origin: Origin, proof: ProofMethod) -> Self {
        PoolPiece {
            op,
            origin,
            proof,
            terms: None,
        }
    }

    /// The same piece, whose output fields are the grammar terms `terms`.
    pub fn with_terms(mut self, terms: [String; 2]) -> Self {
        self.terms = Some(terms);
        self
    }

    /// The `fields` of a rejected record of this piece: its terms, or its name.
    pub fn fields(&self) -> Vec<String> {
        match &self.terms {
            Some(t) => t.to_vec(),
            None => vec![self.op.name().to_string()],
        }
    }
}

/// A target of the meet search.
#[derive(Clone, Debug)]
pub struct MeetTarget {
    /// The domain.
    pub domain: TargetDomain,
    /// The operation's short name (`mul`, `udiv` …).
    pub op: &'static str,
    /// The catalog operator the result is compared with and never less precise than: the
    /// kernel's. `None` when the kernel's result is unknown (division, remainder): then the
    /// comparison is with top.
    pub reference: Option<&'static str>,
    /// Must the reference be the meet's first piece? (It then bounds the result by
    /// construction.)
    pub reference_first: bool,
    /// The grid the greedy selection scores on.
    pub selection_grid: Grid,
    /// The grid of the final measurement (figures of the report).
    pub report_grid: Grid,
    /// Width of the exhaustive soundness check of each piece (every argument, every member).
    pub check_width: u32,
    /// The pieces offered.
    pub pool: Vec<PoolPiece>,
    /// Grow the pool with the enumerated bound pieces ([`super::bounds`]; intervals only).
    pub enumerate_bounds: bool,
}

impl MeetTarget {
    /// The full name, `tnum.mul`.
    pub fn name(&self) -> String {
        format!("{}.{}", self.domain.name(), self.op)
    }

    /// The z3 budget per query the search uses unless told otherwise: 60 s, and 300 s for
    /// `sint.sdiv`, whose structured proof (`synth::bounds_proof`) has a 64-bit lemma that
    /// takes 80–240 s on this machine; with 60 s absint's operator is excluded and the result
    /// falls from 99.976% to 51.194% exact.
    pub fn default_z3_timeout(&self) -> std::time::Duration {
        let seconds = match (self.domain, self.op) {
            (TargetDomain::SInt, "sdiv") => 300,
            _ => 60,
        };
        std::time::Duration::from_secs(seconds)
    }

    /// The catalog operator whose concrete operation defines the target (the pool's first).
    pub fn concrete(&self) -> Option<&Arc<dyn Operator>> {
        self.pool.first().map(|p| &p.op)
    }
}

fn catalog_piece(
    catalog: &Catalog,
    name: &str,
    origin: Origin,
    proof: ProofMethod,
) -> Option<PoolPiece> {
    catalog
        .get(name)
        .map(|op| PoolPiece::new(op.clone(), origin, proof))
}

fn mul_piece(piece: MulPiece) -> PoolPiece {
    let split = match piece {
        MulPiece::SplitRanges(a, b) => a.max(b),
        _ => 0,
    };
    PoolPiece::new(
        Arc::new(MulEntry::new(piece)),
        Origin::Hand,
        ProofMethod::MulCompositional(split),
    )
}

/// The asymmetric and symmetric split-range pieces offered to the search: every split of at
/// most three bits per operand and at most 16 range pieces (`ka + kb ≤ 4`), and 3+3.
pub const MUL_SPLITS: [(u32, u32); 13] = [
    (0, 0),
    (1, 0),
    (0, 1),
    (1, 1),
    (2, 0),
    (0, 2),
    (2, 1),
    (1, 2),
    (3, 1),
    (1, 3),
    (2, 2),
    (3, 2),
    (3, 3),
];

/// `tnum.mul`: the kernel's multiplication first, then the historical ones, the swapped
/// kernel multiplication and the (split) range pieces.
pub fn tnum_mul() -> MeetTarget {
    let catalog = Catalog::reference();
    let mut pool: Vec<PoolPiece> = [
        catalog_piece(
            &catalog,
            "tnum.mul",
            Origin::Reference,
            ProofMethod::Inductive,
        ),
        catalog_piece(
            &catalog,
            "tnum.mul.v5_13",
            Origin::Historical,
            ProofMethod::Inductive,
        ),
        catalog_piece(
            &catalog,
            "tnum.mul.pre_v5_13",
            Origin::Historical,
            ProofMethod::Inductive,
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    pool.push(mul_piece(MulPiece::Swapped));
    pool.extend(MUL_SPLITS.iter().map(|&(a, b)| {
        mul_piece(if (a, b) == (0, 0) {
            MulPiece::Range
        } else {
            MulPiece::SplitRanges(a, b)
        })
    }));
    MeetTarget {
        domain: TargetDomain::Tnum,
        op: "mul",
        reference: Some("tnum.mul"),
        reference_first: true,
        // 64-bit tnums with 6-bit members: products never wrap, as on the multiplication
        // page's grids; the report uses 7-bit members.
        selection_grid: Grid {
            width: 64,
            input_bits: 6,
        },
        report_grid: Grid {
            width: 64,
            input_bits: 7,
        },
        check_width: 4,
        pool,
        enumerate_bounds: false,
    }
}

/// A division or remainder target: the divmod pieces of the operation.
fn divmod(domain: TargetDomain, op: &'static str) -> MeetTarget {
    // absint's own operator of the operation (proved by `synth::bounds_proof`) is a piece too.
    let catalog = Catalog::reference();
    let reference = catalog_piece(
        &catalog,
        &format!("{}.{op}", domain.name()),
        Origin::Reference,
        ProofMethod::Z3,
    );
    let mut pool: Vec<PoolPiece> = reference.into_iter().collect();
    pool.extend(
        DivModPiece::ALL
            .into_iter()
            .filter(|p| {
                let name = format!("{:?}", p.op()).to_lowercase();
                name == op
            })
            .map(|p| {
                PoolPiece::new(
                    Arc::new(DivModOperator::piece(p)),
                    Origin::Hand,
                    ProofMethod::Z3,
                )
            }),
    );
    MeetTarget {
        domain,
        op,
        reference: None,
        reference_first: false,
        selection_grid: Grid {
            width: 5,
            input_bits: 5,
        },
        report_grid: Grid {
            width: 6,
            input_bits: 6,
        },
        check_width: 4,
        pool,
        enumerate_bounds: true,
    }
}

/// An interval target whose only given piece is absint's catalog operator `name` (proved by
/// `synth::bounds_proof`), the kernel's result, kept first; the enumerated bound pieces may
/// refine it.
fn interval_refinement(domain: TargetDomain, op: &'static str, name: &'static str) -> MeetTarget {
    let catalog = Catalog::reference();
    let pool: Vec<PoolPiece> = catalog_piece(&catalog, name, Origin::Reference, ProofMethod::Z3)
        .into_iter()
        .collect();
    MeetTarget {
        domain,
        op,
        reference: Some(name),
        reference_first: true,
        selection_grid: Grid {
            width: 5,
            input_bits: 5,
        },
        report_grid: Grid {
            width: 6,
            input_bits: 6,
        },
        check_width: 4,
        pool,
        enumerate_bounds: true,
    }
}

/// Division or remainder in the other order (`uint.sdiv` …): absint's lifted operator (proved
/// by `synth::bounds_proof` from the natural order's proof) and the enumerated bound pieces,
/// compared with the kernel's unknown result.
fn divmod_other_order(domain: TargetDomain, op: &'static str, name: &'static str) -> MeetTarget {
    MeetTarget {
        reference: None,
        reference_first: false,
        ..interval_refinement(domain, op, name)
    }
}

/// Every meet target, in the order `vernier synth --all` runs them.
pub fn all() -> Vec<MeetTarget> {
    let mut targets = vec![
        tnum_mul(),
        divmod(TargetDomain::UInt, "udiv"),
        divmod(TargetDomain::UInt, "urem"),
        divmod(TargetDomain::SInt, "sdiv"),
        divmod(TargetDomain::SInt, "srem"),
        interval_refinement(TargetDomain::UInt, "mul", "uint.mul"),
        interval_refinement(TargetDomain::SInt, "mul", "sint.mul"),
        interval_refinement(TargetDomain::UInt, "shl", "uint.shl"),
        interval_refinement(TargetDomain::UInt, "lshr", "uint.lshr"),
        interval_refinement(TargetDomain::SInt, "ashr", "sint.ashr"),
        // The same shifts in the other order: the verifier keeps both ranges of a register.
        interval_refinement(TargetDomain::SInt, "shl", "sint.shl"),
        interval_refinement(TargetDomain::SInt, "lshr", "sint.lshr"),
        interval_refinement(TargetDomain::UInt, "ashr", "uint.ashr"),
        divmod_other_order(TargetDomain::SInt, "udiv", "sint.udiv"),
        divmod_other_order(TargetDomain::SInt, "urem", "sint.urem"),
        divmod_other_order(TargetDomain::UInt, "sdiv", "uint.sdiv"),
        divmod_other_order(TargetDomain::UInt, "srem", "uint.srem"),
    ];
    targets.extend(crate::pieces::bitwise::meet_targets());
    targets.extend(crate::pieces::shift::meet_targets());
    targets
}

/// The meet target named `domain.op`.
pub fn by_name(domain: &str, op: &str) -> Option<MeetTarget> {
    all()
        .into_iter()
        .find(|t| t.domain.name() == domain && t.op == op)
}
