//! Equality saturation with egg: a rewrite ruleset for the search language, every rule proved.
//!
//! [`BvLang`] is the search language's word fragment (the bit-vector operations of
//! [`super::grammar`], leaves as symbols `$0 $1 … 0 1 ones smin smax`). [`RULES`] are
//! width-generic identities (commutativity, associativity, units, absorption, De Morgan, the
//! two's-complement laws …). Each rule is a claim `lhs = rhs` for every width and every value
//! of its variables; [`check_rule`] proves it with z3 at 64 bits and exhaustively at 4 bits
//! (the test `every_rule_is_proved` runs both for every rule), so saturating with them never
//! changes a term's meaning.
//!
//! Two uses:
//! - [`simplify`]: saturate one term and extract the smallest equivalent (operations count 1,
//!   leaves 0); the final operator's fields are simplified so.
//! - [`prune_equal`]: before a level of candidates is evaluated, add them and the kept terms to
//!   one e-graph, saturate (with iteration and node limits), and drop every candidate whose
//!   e-class already holds a kept term or an earlier candidate.

use super::grammar::{Leaf, Term};
use crate::ir::op::{BinaryOp, UnaryOp};
use crate::smt::Z3Word;
use absint::word::{width_mask, Bit, Word};
use egg::{CostFunction, EGraph, Id, Language, Pattern, RecExpr, Rewrite, Runner, Symbol};
use std::collections::HashMap;
use std::sync::Arc;

/// The language, in a module of its own: egg's macro cannot document the variants, which are
/// the operations of [`crate::ir::op`] by their IR names.
mod lang {
    #![allow(missing_docs)]
    use egg::{define_language, Id, Symbol};
    define_language! {
        /// The word fragment of the search language, for egg.
        pub enum BvLang {
            "bvadd" = Add([Id; 2]),
            "bvsub" = Sub([Id; 2]),
            "bvmul" = Mul([Id; 2]),
            "bvand" = And([Id; 2]),
            "bvor" = Or([Id; 2]),
            "bvxor" = Xor([Id; 2]),
            "bvshl" = Shl([Id; 2]),
            "bvlshr" = Lshr([Id; 2]),
            "bvashr" = Ashr([Id; 2]),
            "bvumin" = Umin([Id; 2]),
            "bvumax" = Umax([Id; 2]),
            "bvsmin" = Smin([Id; 2]),
            "bvsmax" = Smax([Id; 2]),
            "bvnot" = Not([Id; 1]),
            "bvneg" = Neg([Id; 1]),
            Leaf(Symbol),
        }
    }
}
pub use lang::BvLang;

/// The rules: name, left side, right side (variables `?x ?y ?z`).
pub const RULES: &[(&str, &str, &str)] = &[
    ("add-comm", "(bvadd ?x ?y)", "(bvadd ?y ?x)"),
    ("and-comm", "(bvand ?x ?y)", "(bvand ?y ?x)"),
    ("or-comm", "(bvor ?x ?y)", "(bvor ?y ?x)"),
    ("xor-comm", "(bvxor ?x ?y)", "(bvxor ?y ?x)"),
    (
        "add-assoc",
        "(bvadd (bvadd ?x ?y) ?z)",
        "(bvadd ?x (bvadd ?y ?z))",
    ),
    (
        "and-assoc",
        "(bvand (bvand ?x ?y) ?z)",
        "(bvand ?x (bvand ?y ?z))",
    ),
    (
        "or-assoc",
        "(bvor (bvor ?x ?y) ?z)",
        "(bvor ?x (bvor ?y ?z))",
    ),
    (
        "xor-assoc",
        "(bvxor (bvxor ?x ?y) ?z)",
        "(bvxor ?x (bvxor ?y ?z))",
    ),
    ("add-0", "(bvadd ?x 0)", "?x"),
    ("sub-0", "(bvsub ?x 0)", "?x"),
    ("or-0", "(bvor ?x 0)", "?x"),
    ("xor-0", "(bvxor ?x 0)", "?x"),
    ("and-ones", "(bvand ?x ones)", "?x"),
    ("and-0", "(bvand ?x 0)", "0"),
    ("or-ones", "(bvor ?x ones)", "ones"),
    ("and-idem", "(bvand ?x ?x)", "?x"),
    ("or-idem", "(bvor ?x ?x)", "?x"),
    ("xor-self", "(bvxor ?x ?x)", "0"),
    ("sub-self", "(bvsub ?x ?x)", "0"),
    ("not-not", "(bvnot (bvnot ?x))", "?x"),
    ("neg-neg", "(bvneg (bvneg ?x))", "?x"),
    ("xor-ones", "(bvxor ?x ones)", "(bvnot ?x)"),
    ("not-0", "(bvnot 0)", "ones"),
    ("not-ones", "(bvnot ones)", "0"),
    ("sub-neg", "(bvsub ?x ?y)", "(bvadd ?x (bvneg ?y))"),
    ("neg-not", "(bvneg ?x)", "(bvadd (bvnot ?x) 1)"),
    ("sub-0-x", "(bvsub 0 ?x)", "(bvneg ?x)"),
    ("add-sub-cancel", "(bvsub (bvadd ?x ?y) ?y)", "?x"),
    ("sub-add-cancel", "(bvadd (bvsub ?x ?y) ?y)", "?x"),
    ("and-or-absorb", "(bvand ?x (bvor ?x ?y))", "?x"),
    ("or-and-absorb", "(bvor ?x (bvand ?x ?y))", "?x"),
    (
        "demorgan-and",
        "(bvnot (bvand ?x ?y))",
        "(bvor (bvnot ?x) (bvnot ?y))",
    ),
    (
        "demorgan-or",
        "(bvnot (bvor ?x ?y))",
        "(bvand (bvnot ?x) (bvnot ?y))",
    ),
    ("and-not-self", "(bvand ?x (bvnot ?x))", "0"),
    ("or-not-self", "(bvor ?x (bvnot ?x))", "ones"),
    ("xor-not", "(bvxor ?x (bvnot ?y))", "(bvnot (bvxor ?x ?y))"),
    (
        "and-or-distrib",
        "(bvand ?x (bvor ?y ?z))",
        "(bvor (bvand ?x ?y) (bvand ?x ?z))",
    ),
    (
        "or-and-distrib",
        "(bvor ?x (bvand ?y ?z))",
        "(bvand (bvor ?x ?y) (bvor ?x ?z))",
    ),
    (
        "xor-and-or",
        "(bvxor (bvor ?x ?y) (bvand ?x ?y))",
        "(bvxor ?x ?y)",
    ),
    (
        "or-xor-and",
        "(bvor (bvxor ?x ?y) (bvand ?x ?y))",
        "(bvor ?x ?y)",
    ),
    (
        "add-xor-and",
        "(bvadd (bvxor ?x ?y) (bvand ?x ?y))",
        "(bvor ?x ?y)",
    ),
    ("shl-0", "(bvshl ?x 0)", "?x"),
    ("lshr-0", "(bvlshr ?x 0)", "?x"),
    ("ashr-0", "(bvashr ?x 0)", "?x"),
    ("umin-comm", "(bvumin ?x ?y)", "(bvumin ?y ?x)"),
    ("umax-comm", "(bvumax ?x ?y)", "(bvumax ?y ?x)"),
];

/// The egg rewrites of [`RULES`].
pub fn rewrites() -> Vec<Rewrite<BvLang, ()>> {
    RULES
        .iter()
        .filter_map(|(name, l, r)| {
            let l: Pattern<BvLang> = l.parse().ok()?;
            let r: Pattern<BvLang> = r.parse().ok()?;
            Rewrite::new(*name, l, r).ok()
        })
        .collect()
}

/// The symbol of a leaf.
fn leaf_symbol(l: Leaf) -> Symbol {
    match l {
        Leaf::Input(i) => Symbol::from(format!("${i}")),
        Leaf::Zero => "0".into(),
        Leaf::One => "1".into(),
        Leaf::Ones => "ones".into(),
        Leaf::SMin => "smin".into(),
        Leaf::SMax => "smax".into(),
    }
}

/// The leaf of a symbol; `vars` numbers pattern variables and unknown names as inputs.
fn symbol_leaf(s: &str, vars: &mut HashMap<String, u8>) -> Leaf {
    match s {
        "0" => Leaf::Zero,
        "1" => Leaf::One,
        "ones" => Leaf::Ones,
        "smin" => Leaf::SMin,
        "smax" => Leaf::SMax,
        s => {
            if let Some(i) = s.strip_prefix('$').and_then(|d| d.parse::<u8>().ok()) {
                return Leaf::Input(i);
            }
            let n = vars.len() as u8;
            Leaf::Input(*vars.entry(s.to_string()).or_insert(n))
        }
    }
}

/// Add `t` to `expr`, returning its id; `None` for terms outside the word fragment (`ite`).
pub fn add_term(expr: &mut RecExpr<BvLang>, t: &Term) -> Option<Id> {
    Some(match t {
        Term::Leaf(l) => expr.add(BvLang::Leaf(leaf_symbol(*l))),
        Term::Un(op, x) => {
            let x = add_term(expr, x)?;
            expr.add(match op {
                UnaryOp::Not => BvLang::Not([x]),
                UnaryOp::Neg => BvLang::Neg([x]),
                UnaryOp::Clz => return None,
            })
        }
        Term::Bin(op, x, y) => {
            let (x, y) = (add_term(expr, x)?, add_term(expr, y)?);
            let c = [x, y];
            expr.add(match op {
                BinaryOp::Add => BvLang::Add(c),
                BinaryOp::Sub => BvLang::Sub(c),
                BinaryOp::Mul => BvLang::Mul(c),
                BinaryOp::And => BvLang::And(c),
                BinaryOp::Or => BvLang::Or(c),
                BinaryOp::Xor => BvLang::Xor(c),
                BinaryOp::Shl => BvLang::Shl(c),
                BinaryOp::Lshr => BvLang::Lshr(c),
                BinaryOp::Ashr => BvLang::Ashr(c),
                BinaryOp::Umin => BvLang::Umin(c),
                BinaryOp::Umax => BvLang::Umax(c),
                BinaryOp::Smin => BvLang::Smin(c),
                BinaryOp::Smax => BvLang::Smax(c),
                _ => return None,
            })
        }
        Term::Ite(..) => return None,
    })
}

/// The term of node `id` of `nodes` (a `RecExpr`'s nodes, operands before users).
fn term_of(nodes: &[BvLang], id: Id, vars: &mut HashMap<String, u8>) -> Arc<Term> {
    let node = &nodes[usize::from(id)];
    let kids: Vec<Arc<Term>> = node
        .children()
        .iter()
        .map(|&c| term_of(nodes, c, vars))
        .collect();
    let bin = |op| Term::bin(op, &kids[0], &kids[1]);
    match node {
        BvLang::Leaf(s) => Term::leaf(symbol_leaf(s.as_str(), vars)),
        BvLang::Not(_) => Term::un(UnaryOp::Not, &kids[0]),
        BvLang::Neg(_) => Term::un(UnaryOp::Neg, &kids[0]),
        BvLang::Add(_) => bin(BinaryOp::Add),
        BvLang::Sub(_) => bin(BinaryOp::Sub),
        BvLang::Mul(_) => bin(BinaryOp::Mul),
        BvLang::And(_) => bin(BinaryOp::And),
        BvLang::Or(_) => bin(BinaryOp::Or),
        BvLang::Xor(_) => bin(BinaryOp::Xor),
        BvLang::Shl(_) => bin(BinaryOp::Shl),
        BvLang::Lshr(_) => bin(BinaryOp::Lshr),
        BvLang::Ashr(_) => bin(BinaryOp::Ashr),
        BvLang::Umin(_) => bin(BinaryOp::Umin),
        BvLang::Umax(_) => bin(BinaryOp::Umax),
        BvLang::Smin(_) => bin(BinaryOp::Smin),
        BvLang::Smax(_) => bin(BinaryOp::Smax),
    }
}

/// The term of a whole `RecExpr` (its last node is the root).
pub fn from_expr(expr: &RecExpr<BvLang>) -> Arc<Term> {
    let nodes = expr.as_ref();
    let mut vars = HashMap::new();
    term_of(nodes, Id::from(nodes.len() - 1), &mut vars)
}

/// Operations cost 1, leaves 0 (the search's size).
struct OpCount;

impl CostFunction<BvLang> for OpCount {
    type Cost = u32;
    fn cost<C: FnMut(Id) -> u32>(&mut self, enode: &BvLang, mut costs: C) -> u32 {
        let own = u32::from(!matches!(enode, BvLang::Leaf(_)));
        enode.fold(own, |sum, id| sum.saturating_add(costs(id)))
    }
}

/// The smallest term egg finds equal to `t` (under [`RULES`], with limits); `t` itself if it
/// is not smaller or `t` is outside the word fragment. Descends into `ite`s.
pub fn simplify(t: &Arc<Term>) -> Arc<Term> {
    if let Term::Ite(c, x, y) = &**t {
        return Term::ite(c, &simplify(x), &simplify(y));
    }
    let mut expr = RecExpr::default();
    let Some(_) = add_term(&mut expr, t) else {
        return t.clone();
    };
    let runner = Runner::default()
        .with_expr(&expr)
        .with_iter_limit(8)
        .with_node_limit(20_000)
        .with_time_limit(std::time::Duration::from_millis(500))
        .run(&rewrites());
    let root = runner.roots[0];
    let extractor = egg::Extractor::new(&runner.egraph, OpCount);
    let (cost, best) = extractor.find_best(root);
    if cost < t.size() {
        from_expr(&best)
    } else {
        t.clone()
    }
}

/// Of `candidates` (terms of size `size`), the indices of those egg does not prove equal to a
/// kept term of the bank (of a smaller size) or to an earlier candidate.
pub fn prune_equal(
    bank: &super::enumerate::Bank,
    candidates: Vec<Arc<Term>>,
    size: u32,
) -> Vec<usize> {
    let mut egraph: EGraph<BvLang, ()> = EGraph::default();
    let end = bank.sizes[size as usize];
    let mut kept_ids = Vec::with_capacity(end);
    for t in &bank.terms[..end] {
        let mut e = RecExpr::default();
        if add_term(&mut e, t).is_some() {
            kept_ids.push(egraph.add_expr(&e));
        }
    }
    let mut cand_ids = Vec::with_capacity(candidates.len());
    for t in &candidates {
        let mut e = RecExpr::default();
        cand_ids.push(add_term(&mut e, t).map(|_| egraph.add_expr(&e)));
    }
    let runner = Runner::default()
        .with_egraph(egraph)
        .with_iter_limit(2)
        .with_node_limit(400_000)
        .with_time_limit(std::time::Duration::from_secs(5))
        .run(&rewrites());
    let g = &runner.egraph;
    let mut taken: std::collections::HashSet<Id> = kept_ids.iter().map(|&i| g.find(i)).collect();
    let mut out = Vec::new();
    for (k, id) in cand_ids.iter().enumerate() {
        match id {
            Some(id) => {
                if taken.insert(g.find(*id)) {
                    out.push(k);
                }
            }
            None => out.push(k),
        }
    }
    out
}

/// Why a rule failed its check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleCheck {
    /// Proved: z3 at 64 bits and every assignment at 4 bits.
    Proved,
    /// A pattern does not parse.
    Malformed(String),
    /// Sides differ on this assignment at this width.
    Refuted {
        /// The width.
        width: u32,
        /// The values of the variables, in order of first appearance.
        values: Vec<u64>,
    },
    /// z3 gave up.
    Unknown(String),
}

/// Both sides of a rule as terms over the same variables (numbered by first appearance on
/// the left).
pub fn rule_terms(lhs: &str, rhs: &str) -> Result<(Arc<Term>, Arc<Term>, usize), String> {
    let parse = |s: &str, vars: &mut HashMap<String, u8>| -> Result<Arc<Term>, String> {
        let p: Pattern<BvLang> = s.parse().map_err(|e| format!("{s}: {e}"))?;
        let nodes = p.ast.as_ref();
        // Pattern variables become leaves named by the variable.
        let plain: Vec<BvLang> = nodes
            .iter()
            .map(|n| match n {
                egg::ENodeOrVar::ENode(n) => n.clone(),
                egg::ENodeOrVar::Var(v) => BvLang::Leaf(Symbol::from(v.to_string())),
            })
            .collect();
        Ok(term_of(&plain, Id::from(plain.len() - 1), vars))
    };
    let mut vars = HashMap::new();
    let l = parse(lhs, &mut vars)?;
    let r = parse(rhs, &mut vars)?;
    Ok((l, r, vars.len()))
}

/// Prove `lhs = rhs` at every width: z3 at 64 bits and exhaustively at 4 bits.
pub fn check_rule(lhs: &str, rhs: &str) -> RuleCheck {
    let (l, r, n) = match rule_terms(lhs, rhs) {
        Ok(x) => x,
        Err(e) => return RuleCheck::Malformed(e),
    };
    let n = n.max(1);
    // Exhaustive at 4 bits.
    let w = 4u32;
    let total = 1u64 << (w * n as u32);
    for code in 0..total {
        let vals: Vec<u64> = (0..n)
            .map(|i| (code >> (w * i as u32)) & width_mask(w))
            .collect();
        if l.eval(&vals, w) != r.eval(&vals, w) {
            return RuleCheck::Refuted {
                width: w,
                values: vals,
            };
        }
    }
    // z3 at 64 bits.
    let vars: Vec<Z3Word> = (0..n)
        .map(|i| Z3Word::fresh(&format!("v{i}"), 64))
        .collect();
    let claim = l.eval_word(&vars).eq(&r.eval_word(&vars));
    let s = z3::Solver::new_for_logic("QF_BV").unwrap_or_default();
    s.assert(claim.not().0);
    match s.check() {
        z3::SatResult::Unsat => RuleCheck::Proved,
        z3::SatResult::Sat => {
            let values = s
                .get_model()
                .map(|m| vars.iter().map(|v| v.eval(&m).unwrap_or(0)).collect())
                .unwrap_or_default();
            RuleCheck::Refuted { width: 64, values }
        }
        z3::SatResult::Unknown => RuleCheck::Unknown(s.get_reason_unknown().unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplify_removes_a_cancelled_addition() {
        let x = Term::leaf(Leaf::Input(0));
        let y = Term::leaf(Leaf::Input(1));
        let t = Term::bin(BinaryOp::Sub, &Term::bin(BinaryOp::Add, &x, &y), &y);
        assert_eq!(simplify(&t).to_string(), "$0");
    }

    #[test]
    fn a_false_rule_is_refuted() {
        assert!(matches!(
            check_rule("(bvadd ?x ?y)", "(bvor ?x ?y)"),
            RuleCheck::Refuted { width: 4, .. }
        ));
        assert_eq!(check_rule("(bvxor ?x ?x)", "0"), RuleCheck::Proved);
    }
}
