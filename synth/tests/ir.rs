//! The operator IR: operation tables, text syntax, JSON, meet and the compiled path.

use absint::domain::Tnum;
use absint::word::{width_mask, Bv, Word};
use proptest::prelude::*;
use synth::ir::op::{BinaryOp, CompareOp, UnaryOp};
use synth::ir::{library, Builder, Domain, Op, Operator, ParseError, Sort};

/// Each table's `u64` semantics (the compiled path) agrees with its `Word` semantics on `Bv`
/// (what z3 also runs), exhaustively at widths 1 to 5.
#[test]
fn fast_semantics_agree_with_word_semantics_exhaustively_at_small_widths() {
    for w in 1..=5u32 {
        let mask = width_mask(w);
        for x in 0..=mask {
            let a = Bv::new(w, x);
            for &o in UnaryOp::ALL {
                assert_eq!(
                    o.fast(x, w) & mask,
                    o.eval(&a).get(),
                    "{} {x} at {w}",
                    o.name()
                );
            }
            for y in 0..=mask {
                let b = Bv::new(w, y);
                for &o in BinaryOp::ALL {
                    let fast = o.fast(x, y, w) & mask;
                    assert_eq!(fast, o.eval(&a, &b).get(), "{} {x} {y} at {w}", o.name());
                }
                for &o in CompareOp::ALL {
                    assert_eq!(
                        o.fast(x, y, w),
                        o.eval(&a, &b),
                        "{} {x} {y} at {w}",
                        o.name()
                    );
                }
            }
        }
    }
}

proptest! {
    /// The same agreement at 64 and 32 bits, on random words.
    #[test]
    fn fast_semantics_agree_with_word_semantics_at_64_and_32_bits(
        x in any::<u64>(), y in any::<u64>(), small in 0u64..70, narrow in any::<bool>()
    ) {
        let w = if narrow { 32 } else { 64 };
        let mask = width_mask(w);
        for (x, y) in [(x & mask, y & mask), (x & mask, small), (small, y & mask)] {
            let (a, b) = (Bv::new(w, x), Bv::new(w, y));
            for &o in UnaryOp::ALL {
                prop_assert_eq!(o.fast(x, w) & mask, o.eval(&a).get());
            }
            for &o in BinaryOp::ALL {
                prop_assert_eq!(o.fast(x, y, w) & mask, o.eval(&a, &b).get(), "{}", o.name());
            }
            for &o in CompareOp::ALL {
                prop_assert_eq!(o.fast(x, y, w), o.eval(&a, &b), "{}", o.name());
            }
        }
    }
}

/// Printing tnum.add: the text users read (also included in the book).
#[test]
fn tnum_add_prints_as_the_snapshot() {
    let add = library::build("tnum.add", 64).expect("tnum.add exists");
    insta::assert_snapshot!("tnum_add_64", add.to_text());
}

/// The kernel's shift of a tnum by a word, at 8 bits, with its constant folded.
#[test]
fn tnum_neg_prints_as_the_snapshot() {
    let neg = library::build("tnum.neg", 8).expect("tnum.neg exists");
    insta::assert_snapshot!("tnum_neg_8", neg.to_text());
}

/// Every library operator at 8 bits (and the scalar ones at 64) prints, parses back to the same
/// operator, and survives JSON.
#[test]
fn every_library_operator_round_trips_through_text_and_json() {
    for name in library::names() {
        let width = if library::only_at_64(&name) { 64 } else { 8 };
        let op = library::build(&name, width).unwrap_or_else(|| panic!("{name} builds"));
        let text = op.to_text();
        let back = Operator::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        assert_eq!(back, op, "{name} text round trip");
        let json = serde_json::to_string(&op).expect("serializes");
        let back: Operator = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, op, "{name} JSON round trip");
    }
}

/// A random well-sorted program for the round-trip property: each step picks an operation and
/// operands among the earlier nodes of fitting sorts.
fn random_operator(width: u32, steps: &[(u8, u16, u16, u16, u64)], candidates: usize) -> Operator {
    let mut b = Builder::new();
    let mut words = vec![
        b.input("a.value", width).expect("fresh input"),
        b.input("a.mask", width).expect("fresh input"),
        b.input("k", width).expect("fresh input"),
    ];
    let mut conds = vec![];
    for &(kind, i, j, k, value) in steps {
        let pick = |v: &Vec<u32>, n: u16| v[n as usize % v.len()];
        let (x, y, z) = (pick(&words, i), pick(&words, j), pick(&words, k));
        let made = match kind % 8 {
            0 => b.constant(width, value),
            1 | 2 => {
                let o = BinaryOp::ALL[value as usize % BinaryOp::ALL.len()];
                b.node(Op::Binary(o), &[x, y])
            }
            3 => {
                let o = UnaryOp::ALL[value as usize % UnaryOp::ALL.len()];
                b.node(Op::Unary(o), &[x])
            }
            4 => {
                let o = CompareOp::ALL[value as usize % CompareOp::ALL.len()];
                let c = b.node(Op::Compare(o), &[x, y]).expect("well-sorted");
                conds.push(c);
                continue;
            }
            5 if !conds.is_empty() => b.node(Op::Ite, &[pick(&conds, i), y, z]),
            6 if width <= 32 => {
                let lo = b
                    .node(
                        Op::Extract {
                            hi: width - 1,
                            lo: 0,
                        },
                        &[x],
                    )
                    .expect("fits");
                let wide = b.node(Op::Concat, &[y, lo]).expect("fits");
                let shifted = b.node(Op::Sext(2 * width), &[lo]).expect("fits");
                let sum = b
                    .node(Op::Binary(BinaryOp::Xor), &[wide, shifted])
                    .expect("fits");
                b.node(
                    Op::Extract {
                        hi: width + (value as u32 % width),
                        lo: value as u32 % width,
                    },
                    &[sum],
                )
                .and_then(|e| b.node(Op::Zext(2 * width), &[e]))
                .and_then(|e| {
                    b.node(
                        Op::Extract {
                            hi: width - 1,
                            lo: 0,
                        },
                        &[e],
                    )
                })
            }
            _ => {
                let (c1, c2) = (
                    b.node(Op::Compare(CompareOp::Ult), &[x, y]),
                    b.node(Op::Compare(CompareOp::Slt), &[y, z]),
                );
                let (c1, c2) = (c1.expect("fits"), c2.expect("fits"));
                let both = b
                    .node(Op::Logic(synth::ir::op::LogicOp::Or), &[c1, c2])
                    .expect("fits");
                let not = b.node(Op::Not, &[both]).expect("fits");
                b.node(Op::Ite, &[not, x, z])
            }
        };
        words.push(made.expect("well-sorted by construction"));
    }
    let n = words.len();
    let cands: Vec<Vec<u32>> = (0..candidates)
        .map(|c| vec![words[n - 1 - (c % n)], words[(n / 2 + c) % n]])
        .collect();
    b.finish(
        "random",
        Domain::Tnum,
        vec!["value".into(), "mask".into()],
        cands,
    )
    .expect("valid")
}

proptest! {
    /// print ∘ parse is the identity on built operators, and so is JSON; both evaluate alike.
    #[test]
    fn random_operators_round_trip(
        width in prop::sample::select(vec![1u32, 7, 8, 32, 64]),
        steps in prop::collection::vec((any::<u8>(), any::<u16>(), any::<u16>(), any::<u16>(), any::<u64>()), 1..40),
        candidates in 1usize..3,
        inputs in prop::array::uniform3(any::<u64>()),
    ) {
        let op = random_operator(width, &steps, candidates);
        let text = op.to_text();
        let back = Operator::parse(&text);
        prop_assert_eq!(back.as_ref(), Ok(&op), "{}", text);
        let json = serde_json::to_string(&op).expect("serializes");
        let from_json: Operator = serde_json::from_str(&json).expect("deserializes");
        prop_assert_eq!(&from_json, &op);
        // Evaluated generically on Bv and compiled, the operator gives the same result.
        let words: Vec<Bv> = inputs.iter().map(|&x| Bv::new(width, x)).collect();
        let generic: Vec<u64> = op.eval(&words).expect("evaluates").iter().map(|w| w.get()).collect();
        let compiled = op.compile();
        let mut machine = compiled.machine();
        prop_assert_eq!(machine.run(&inputs).to_vec(), generic);
    }
}

/// Parse errors name the line and column of the fault.
#[test]
fn parse_errors_name_line_and_column() {
    let cases = [
        ("no header", "in x : bv8\n"),
        ("unknown domain", "operator f : bits\nend\n"),
        (
            "unknown operation",
            "operator f : words\n  in x : bv8\n  y = bvfoo x x\n  out r = y\nend\n",
        ),
        (
            "unknown name",
            "operator f : words\n  in x : bv8\n  y = bvadd x z\n  out r = y\nend\n",
        ),
        (
            "width mismatch",
            "operator f : words\n  in x : bv8\n  in y : bv16\n  z = bvadd x y\n  out r = z\nend\n",
        ),
        ("bad sort", "operator f : words\n  in x : int\nend\n"),
        (
            "constant too wide",
            "operator f : words\n  in x : bv8\n  y = bvadd x 300:8\n  out r = y\nend\n",
        ),
        (
            "redefined",
            "operator f : words\n  in x : bv8\n  x = bvnot x\nend\n",
        ),
        (
            "bad character",
            "operator f : words\n  in x : bv8\n  y = bvnot x!\nend\n",
        ),
        (
            "missing end",
            "operator f : words\n  in x : bv8\n  out r = x\n",
        ),
        (
            "wrong outputs",
            "operator f : tnum\n  in x : bv8\n  out lo = x, hi = x\nend\n",
        ),
        (
            "bool output",
            "operator f : words\n  in x : bv8\n  c = bvult x x\n  out r = c\nend\n",
        ),
        (
            "extract out of range",
            "operator f : words\n  in x : bv8\n  y = extract 8 0 x\n  out r = y\nend\n",
        ),
        (
            "two results without meet",
            "operator f : words\n  in x : bv8\n  out r = x\n  out r = x\nend\n",
        ),
        (
            "missing immediate",
            "operator f : words\n  in x : bv8\n  y = zext x\n  out r = y\nend\n",
        ),
    ];
    let report: Vec<String> = cases
        .iter()
        .map(|(what, text)| match Operator::parse(text) {
            Ok(op) => format!("{what}: unexpectedly parsed {}", op.name()),
            Err(e) => format!("{what}: {e}"),
        })
        .collect();
    insta::assert_snapshot!("parse_errors", report.join("\n"));
    // Every case fails, with a position.
    for (what, text) in cases {
        let e = Operator::parse(text).expect_err(what);
        let pos = match &e {
            ParseError::Expected { pos, .. }
            | ParseError::BadChar { pos, .. }
            | ParseError::BadNumber { pos, .. }
            | ParseError::UnknownOp { pos, .. }
            | ParseError::UnknownDomain { pos, .. }
            | ParseError::UnknownName { pos, .. }
            | ParseError::Redefined { pos, .. }
            | ParseError::Invalid { pos, .. } => *pos,
        };
        assert!(pos.line >= 1 && pos.column >= 1, "{what}: {e}");
    }
}

/// Deserializing JSON validates: a forward reference or an ill-sorted node is rejected.
#[test]
fn json_of_an_invalid_operator_is_rejected() {
    let op = library::build("tnum.add", 8).expect("exists");
    let mut json: serde_json::Value = serde_json::to_value(&op).expect("serializes");
    json["nodes"][5]["args"][0] = serde_json::json!(99);
    let err = serde_json::from_value::<Operator>(json).expect_err("forward reference");
    assert!(err.to_string().contains("not defined before it"), "{err}");
    let mut json: serde_json::Value = serde_json::to_value(&op).expect("serializes");
    json["inputs"][1]["width"] = serde_json::json!(16);
    let err = serde_json::from_value::<Operator>(json).expect_err("width mismatch");
    assert!(err.to_string().contains("different widths"), "{err}");
}

/// A hand-written operator with two results is their meet (the book's example): each result
/// keeps one nibble of the argument and knows the other is zero, so the meet knows every bit.
#[test]
fn several_results_are_met_in_the_domain() {
    let op = Operator::parse(include_str!("fixtures/ir/nibbles.ir")).expect("parses");
    assert_eq!(op.candidates().len(), 2);
    let compiled = op.compile();
    let mut machine = compiled.machine();
    // The unknown byte (0x00; 0xff): each nibble is unknown in one result and known zero in the
    // other; the kernel's intersect keeps the known bits of both.
    assert_eq!(machine.run(&[0, 0xff]), &[0, 0][..]);
    let generic = op
        .eval(&[Bv::new(8, 0x10), Bv::new(8, 0x0f)])
        .expect("evaluates");
    assert_eq!(generic, vec![Bv::new(8, 0x10), Bv::new(8, 0)]);
    assert_eq!(machine.run(&[0x10, 0x0f]), &[0x10, 0][..]);
}

/// A loop written by hand unrolls to the very DAG that tracing absint's `Tnum::mul` gives.
#[test]
fn hand_written_loop_equals_the_traced_multiplication() {
    let text = include_str!("fixtures/ir/tnum_mul_loop.ir");
    let parsed = Operator::parse(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parsed, library::build("tnum.mul", 8).expect("exists"));
}

/// Loop and nesting errors are positioned like the others.
#[test]
fn loop_errors_name_line_and_column() {
    let head = "operator f : words\n  in x : bv8\n";
    let cases = [
        ("unterminated", "  loop 2\n    carry a = x\n"),
        ("nested", "  loop 2\n    loop 2\n  endloop\n"),
        (
            "not carried",
            "  loop 2\n    carry a = x\n    next b = x\n  endloop\n",
        ),
        ("too many trips", "  loop 100000\n  endloop\n"),
        ("unbalanced", "  y = bvadd (bvnot x x\n"),
    ];
    let report: Vec<String> = cases
        .iter()
        .map(
            |(what, body)| match Operator::parse(&format!("{head}{body}  out r = x\nend\n")) {
                Ok(_) => format!("{what}: unexpectedly parsed"),
                Err(e) => format!("{what}: {e}"),
            },
        )
        .collect();
    insta::assert_snapshot!("loop_errors", report.join("\n"));
}

/// The book's evaluation example: build from absint's code, evaluate three ways.
#[test]
fn book_example_evaluates_an_operator_three_ways() {
    // ANCHOR: evaluate
    use absint::domain::Tnum;
    use absint::word::Bv;
    use synth::ir::{library, Tracer};

    // 1. The IR of absint's tnum multiplication at 8 bits, by tracing the kernel's code.
    let mul = library::build("tnum.mul", 8).expect("a library operator");
    // The same, by hand: run absint's generic code on traced words.
    let t = Tracer::new();
    let (a, b) = (t.tnum_input("a", 8), t.tnum_input("b", 8));
    let by_hand = t.finish_tnum("tnum.mul", &[a.mul(&b)]).expect("valid");
    assert_eq!(by_hand, mul);

    // 2. Evaluate generically, here on concrete words (z3 words would give the SMT term).
    let (x, y) = (
        Tnum::u64(0, 0).truncate(8),
        Tnum::from_parts(8, 0b10, 0b01).expect("ok"),
    );
    let inputs = [x.value, x.mask, y.value, y.mask];
    assert_eq!(
        mul.eval::<Bv>(&inputs).expect("4 inputs"),
        vec![Bv::new(8, 0), Bv::new(8, 0)]
    );

    // 3. Compile to the u64 register machine for fast repeated calls.
    let compiled = mul.compile();
    let mut machine = compiled.machine();
    let three = Tnum::from_parts(8, 3, 0).expect("ok");
    let product = machine.run(&[y.v(), y.m(), three.v(), three.m()]);
    let native = y.mul(&three);
    assert_eq!(product, &[native.v(), native.m()][..]);
    // ANCHOR_END: evaluate
}

/// `Operator::meet` of the three kernel multiplications equals the intersection of their
/// native results, exhaustively at 4 bits; the traced `tnum.mul_meet` is the same operator.
#[test]
fn meet_of_operators_is_the_intersection_of_their_results() {
    let w = 4;
    let mul = library::build("tnum.mul", w).expect("exists");
    let old = library::build("tnum.mul_v5_13", w).expect("exists");
    let older = library::build("tnum.mul_pre_v5_13", w).expect("exists");
    let met = mul
        .meet(&old)
        .and_then(|m| m.meet(&older))
        .expect("same signature");
    let traced = library::build("tnum.mul_meet", w).expect("exists");
    let compiled = met.compile();
    let mut machine = compiled.machine();
    let traced_compiled = traced.compile();
    let mut traced_machine = traced_compiled.machine();
    for a in Tnum::all(w) {
        for b in Tnum::all(w) {
            let want = a
                .mul(&b)
                .intersect(&a.mul_v5_13(&b))
                .intersect(&a.mul_pre_v5_13(&b));
            let inputs = [a.v(), a.m(), b.v(), b.m()];
            assert_eq!(machine.run(&inputs), &[want.v(), want.m()][..], "{a} * {b}");
            assert_eq!(
                traced_machine.run(&inputs),
                &[want.v(), want.m()][..],
                "{a} * {b}"
            );
        }
    }
    assert!(mul
        .meet(&library::build("uinterval.add", w).expect("exists"))
        .is_err());
}

/// Sorts print as SMT-LIB writes them.
#[test]
fn sorts_print_like_smt_lib() {
    assert_eq!(Sort::Bv(64).to_string(), "bv64");
    assert_eq!(Sort::Bool.to_string(), "bool");
    let op = library::build("tnum.add", 8).expect("exists");
    assert_eq!(
        op.signature(),
        "tnum.add(a.value: bv8, a.mask: bv8, b.value: bv8, b.mask: bv8) -> tnum(value, mask)"
    );
    let _ = Word::width(&Bv::u64(0));
}

/// Each domain's meet, on concrete words, is absint's lattice meet wherever that is non-empty
/// (exhaustively at 4 bits), and the scalar meet takes the tighter bound of every field.
#[test]
fn domain_meets_are_the_lattice_meets() {
    use absint::domain::interval::{SInterval, UInterval};
    for a in Tnum::all(4) {
        for b in Tnum::all(4) {
            let got = Domain::Tnum.meet(&[a.value, a.mask], &[b.value, b.mask]);
            if let Some(m) = a.meet(&b) {
                assert_eq!(got, vec![m.value, m.mask], "{a} ⊓ {b}");
            }
        }
    }
    for a in UInterval::all(4) {
        for b in UInterval::all(4) {
            let got = Domain::UInterval.meet(&[a.lo, a.hi], &[b.lo, b.hi]);
            if let Some(m) = a.meet(&b) {
                assert_eq!(got, vec![m.lo, m.hi], "{a} ⊓ {b}");
            }
        }
    }
    for a in SInterval::all(4) {
        for b in SInterval::all(4) {
            let got = Domain::SInterval.meet(&[a.lo, a.hi], &[b.lo, b.hi]);
            if let Some(m) = a.meet(&b) {
                assert_eq!(got, vec![m.lo, m.hi], "{a} ⊓ {b}");
            }
        }
    }
    let w64 = |x: u64| Bv::u64(x);
    let w32 = |x: u64| Bv::new(32, x);
    // var_off, then smin smax umin umax (64-bit), then s32_min s32_max u32_min u32_max.
    let a = [
        w64(0),
        w64(0xff),
        w64(-5i64 as u64),
        w64(100),
        w64(0),
        w64(200),
        w32(-7i32 as u32 as u64),
        w32(9),
        w32(1),
        w32(50),
    ];
    let b = [
        w64(0x10),
        w64(0x0f),
        w64(3),
        w64(-1i64 as u64),
        w64(10),
        w64(u64::MAX),
        w32(-9i32 as u32 as u64),
        w32(-2i32 as u32 as u64),
        w32(0),
        w32(70),
    ];
    let want = [
        w64(0x10),
        w64(0x0f),
        w64(3),
        w64(-1i64 as u64),
        w64(10),
        w64(200),
        w32(-7i32 as u32 as u64),
        w32(-2i32 as u32 as u64),
        w32(1),
        w32(50),
    ];
    assert_eq!(Domain::Scalar.meet(&a, &b), want.to_vec());
}
