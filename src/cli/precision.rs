//! `vernier precision`: how precise an abstract operator is, against the best transformer or
//! against another operator, exhaustively on small inputs or on seeded random wide ones; or a z3
//! proof that one operator is at least as precise as another.

use super::Failure;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::time::Duration;
use synth::precision::prove::{self, Verdict};
use synth::precision::{measure, Against, BinaryOp, Grid, Inputs};

/// Arguments of `vernier precision`.
#[derive(clap::Args, Debug, Clone)]
pub struct PrecisionArgs {
    /// The operator, by catalog name (`tnum.mul`, `tnum.mul.v5_13`, `tnum.mul.pre_v5_13`,
    /// `tnum.add`, `uint.mul`, `sint.add`, …).
    pub op: String,
    /// Compare with this operator, pair by pair (better / worse / equal / incomparable).
    #[arg(long, value_name = "OP2", conflicts_with = "best")]
    pub against: Option<String>,
    /// Compare with the best transformer (the default).
    #[arg(long)]
    pub best: bool,
    /// Width of the words in bits [default: 8, or 64 with --sample].
    #[arg(long)]
    pub width: Option<u32>,
    /// Exhaustive grids: bits of the inputs' members, the upper bits known zero [default: the
    /// width]. With `--width 64 --input-bits 6`, products of the inputs do not wrap.
    #[arg(long, value_name = "K", conflicts_with = "sample")]
    pub input_bits: Option<u32>,
    /// Measure on N seeded random pairs instead of every pair.
    #[arg(long, value_name = "N")]
    pub sample: Option<u64>,
    /// Seed of the random pairs.
    #[arg(long, value_name = "S", default_value_t = 0, requires = "sample")]
    pub seed: u64,
    /// Random pairs against the best transformer: at most this many unknown bits (tnums) or
    /// this log2 of the sizes (intervals) between the two inputs, since the best result is
    /// found by enumeration.
    #[arg(long, value_name = "BITS", default_value_t = 16, requires = "sample")]
    pub budget_bits: u32,
    /// Prove with z3 that OP is at least as precise as OP2 (`--against`) on every input.
    #[arg(long, requires = "against", conflicts_with_all = ["sample", "input_bits"])]
    pub prove: bool,
    /// z3's time budget for `--prove`, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, requires = "prove")]
    pub timeout: u64,
}

/// Run the measurement (or proof) and print its report.
pub fn precision(args: &PrecisionArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let input = |e: synth::precision::PrecisionError| Failure::Input(e.to_string());
    let op = BinaryOp::by_name(&args.op).map_err(input)?;
    let other = match &args.against {
        Some(name) => Some(BinaryOp::by_name(name).map_err(input)?),
        None => None,
    };
    let width = args
        .width
        .unwrap_or(if args.sample.is_some() { 64 } else { 8 });

    if args.prove {
        // clap ensures --against with --prove.
        let Some(other) = other else {
            return Err(Failure::Input("--prove needs --against OP2".into()));
        };
        let timeout = Duration::from_secs(args.timeout);
        writeln!(
            out,
            "{} at least as precise as {} on every {width}-bit input:",
            op.name(),
            other.name()
        )?;
        let verdict = prove::at_least_as_precise(&op, &other, width, timeout).map_err(input)?;
        match verdict {
            Verdict::Valid => writeln!(out, "valid")?,
            Verdict::Counterexample(ex) => writeln!(
                out,
                "counterexample\n  a = {}\n  b = {}\n  {} = {}\n  {} = {}",
                ex.a,
                ex.b,
                op.name(),
                ex.result,
                other.name(),
                ex.reference
            )?,
            Verdict::Unknown(reason) => writeln!(out, "unknown ({reason})")?,
        }
        return Ok(());
    }

    let inputs = match args.sample {
        Some(samples) => Inputs::Sampled {
            width,
            samples,
            seed: args.seed,
            budget_bits: args.budget_bits,
        },
        None => {
            Inputs::Exhaustive(Grid::new(width, args.input_bits.unwrap_or(width)).map_err(input)?)
        }
    };
    let against = match &other {
        Some(o) => Against::Operator(o.clone()),
        None => Against::Best,
    };
    let pairs = inputs.pairs(op.domain());
    writeln!(out, "{}", heading(&op, &against, &inputs, pairs))?;

    // On stderr, and drawn only when it is a terminal.
    let bar = ProgressBar::new(pairs);
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40} {percent:>3}% {human_pos}/{human_len} pairs, eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let report = measure(&op, &against, &inputs, &|n| bar.inc(n));
    bar.finish_and_clear();
    write!(out, "{}", report.map_err(input)?)?;
    Ok(())
}

/// `tnum.mul against the best transformer: every pair of 6-bit inputs as 64-bit words (531441
/// pairs)`.
fn heading(op: &BinaryOp, against: &Against, inputs: &Inputs, pairs: u64) -> String {
    let what = match against {
        Against::Best => "the best transformer".to_string(),
        Against::Operator(o) => o.name().to_string(),
    };
    let which = match inputs {
        Inputs::Exhaustive(g) if g.input_bits == g.width => {
            format!("every pair of {}-bit inputs", g.width)
        }
        Inputs::Exhaustive(g) => format!(
            "every pair of {}-bit inputs as {}-bit words",
            g.input_bits, g.width
        ),
        Inputs::Sampled {
            width,
            seed,
            budget_bits,
            ..
        } => match against {
            Against::Best => format!(
                "random {width}-bit pairs, seed {seed}, at most {budget_bits} unknown bits per pair"
            ),
            Against::Operator(_) => format!("random {width}-bit pairs, seed {seed}"),
        },
    };
    format!("{} against {what}: {which} ({pairs} pairs)", op.name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        args: PrecisionArgs,
    }

    /// Run `vernier precision ARGS…`, returning the output or the error's message.
    fn run(args: &str) -> Result<String, String> {
        let cli = Cli::try_parse_from(std::iter::once("precision").chain(args.split_whitespace()))
            .map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        match precision(&cli.args, &mut out) {
            Ok(()) => Ok(String::from_utf8_lossy(&out).into_owned()),
            Err(Failure::Input(msg)) => Err(msg),
            Err(other) => Err(format!("{other:?}")),
        }
    }

    #[test]
    fn against_the_best_transformer() {
        insta::assert_snapshot!(run("tnum.mul --width 4").unwrap(), @r"
        tnum.mul against the best transformer: every pair of 4-bit inputs (6561 pairs)
        pairs       6561
        exact       6334 (96.540%)
        unsound     0
        distance    mean 0.0370 bits, max 2 bits
        histogram   0: 6334, 1: 211, 2: 16
        worst       a = (0x2; 0x1), b = (0xf; 0x0): (0x0; 0xf) vs (0xc; 0x3)
        ");
    }

    #[test]
    fn against_another_operator() {
        insta::assert_snapshot!(run("tnum.mul --against tnum.mul.v5_13 --width 4").unwrap(), @r"
        tnum.mul against tnum.mul.v5_13: every pair of 4-bit inputs (6561 pairs)
        pairs         6561
        equal         6485 (98.842%)
        better        74 (1.128%)
        worse         2 (0.030%)
        incomparable  0 (0.000%)
        better at       a = (0x1; 0x2), b = (0x3; 0x0): (0x1; 0xa) vs (0x1; 0xe)
        worse at        a = (0x6; 0x1), b = (0x3; 0x0): (0x0; 0xf) vs (0x0; 0x7)
        ");
    }

    #[test]
    fn proofs_print_the_verdict() {
        let out = run("mutant.tnum.mul.no_union --against tnum.mul --prove --width 6").unwrap();
        assert!(out.ends_with(":\nvalid\n"), "{out}");
        let out = run("tnum.mul --against tnum.mul.v5_13 --prove --width 6").unwrap();
        assert!(out.contains("\ncounterexample\n  a = ("), "{out}");
    }

    #[test]
    fn bad_requests_are_input_errors_naming_the_problem() {
        let e = run("tnum.div").unwrap_err();
        assert!(
            e.starts_with("unknown operator `tnum.div` (known: tnum.add,"),
            "{e}"
        );
        let e = run("tnum.mul --width 64 --input-bits 11").unwrap_err();
        assert!(e.contains("11-bit inputs at width 64"), "{e}");
        let e = run("tnum.add --against uint.add").unwrap_err();
        assert!(e.contains("different domains"), "{e}");
        let e = run("tnum.intersect --width 3").unwrap_err();
        assert!(e.contains("precondition"), "{e}");
        let e = run("tnum.neg").unwrap_err();
        assert!(e.contains("two arguments of one domain"), "{e}");
        // --prove needs --against (clap)
        assert!(run("tnum.mul --prove").is_err());
    }
}
