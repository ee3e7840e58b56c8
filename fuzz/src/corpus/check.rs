//! Checking a corpus against the running kernel: every label is confirmed or reported.
//!
//! Each case's raw program is loaded (socket filter, log level 2, `BPF_F_TEST_REG_INVARIANTS`);
//! the kernel's verdict, its rejection message, the register states after every processed
//! instruction and the processed count are read from the log ([`super::label::kernel_prediction`])
//! and compared with the case's `expected` label. An accepted case with a recorded run is then run
//! with `BPF_PROG_TEST_RUN` on its packet and its `retval` compared. Any difference is a
//! [`Finding`]: a bug in the model (the labels are the model's) or in the kernel, to be shrunk
//! and kept as a regression.

use super::export::from_hex;
use super::label::kernel_prediction;
use super::record::{Case, Prediction, Verdict};
use crate::kernel::{self, LoadOptions};
use crate::log::Log;
use rayon::prelude::*;

/// What disagrees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Aspect {
    /// Accepted by one, rejected by the other.
    Verdict,
    /// Both reject, with different messages or at different instructions.
    Rejection,
    /// The states after instruction `n` (the `n`-th printed instruction line) differ.
    States(usize),
    /// The number of state lines differs.
    StateCount,
    /// The processed count differs.
    Processed,
    /// The test run returned another value.
    Retval,
    /// The case could not be checked (bad bytes, a failing system call, an unparsable log).
    Harness,
}

/// A label the kernel contradicts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The case.
    pub id: String,
    /// What differs.
    pub aspect: Aspect,
    /// The label.
    pub expected: String,
    /// The kernel's answer.
    pub kernel: String,
}

/// Counts of a check.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Cases checked.
    pub cases: usize,
    /// Cases the kernel accepted.
    pub accepted: usize,
    /// Cases the kernel rejected.
    pub rejected: usize,
    /// Cases whose every label the kernel confirmed.
    pub confirmed: usize,
    /// Instruction states compared.
    pub states_compared: usize,
    /// Test runs made.
    pub runs: usize,
    /// The findings, in case order.
    pub findings: Vec<Finding>,
}

fn verdict_text(p: &Prediction) -> String {
    match &p.verdict {
        Verdict::Accept => "accept".into(),
        Verdict::Reject { insn, message } => format!(
            "reject at {}: {message}",
            insn.map_or("?".to_string(), |i| i.to_string())
        ),
    }
}

/// Compares a label with the kernel's prediction.
pub fn compare(id: &str, expected: &Prediction, kernel: &Prediction) -> Vec<Finding> {
    let finding = |aspect, e: String, k: String| Finding {
        id: id.to_string(),
        aspect,
        expected: e,
        kernel: k,
    };
    let mut out = Vec::new();
    let (ea, ka) = (
        matches!(expected.verdict, Verdict::Accept),
        matches!(kernel.verdict, Verdict::Accept),
    );
    if ea != ka {
        out.push(finding(
            Aspect::Verdict,
            verdict_text(expected),
            verdict_text(kernel),
        ));
        return out;
    }
    if expected.verdict != kernel.verdict {
        out.push(finding(
            Aspect::Rejection,
            verdict_text(expected),
            verdict_text(kernel),
        ));
    }
    if let Some(n) = expected
        .states
        .iter()
        .zip(&kernel.states)
        .position(|(a, b)| a != b)
    {
        let (a, b) = (&expected.states[n], &kernel.states[n]);
        out.push(finding(
            Aspect::States(n),
            format!("{}: {}", a.insn, a.regs),
            format!("{}: {}", b.insn, b.regs),
        ));
    } else if expected.states.len() != kernel.states.len() {
        out.push(finding(
            Aspect::StateCount,
            expected.states.len().to_string(),
            kernel.states.len().to_string(),
        ));
    }
    if let (Some(a), Some(b)) = (expected.processed, kernel.processed) {
        if a != b {
            out.push(finding(Aspect::Processed, a.to_string(), b.to_string()));
        }
    }
    out
}

/// The outcome of one case.
#[derive(Clone, Debug, Default)]
struct One {
    accepted: bool,
    states: usize,
    runs: usize,
    findings: Vec<Finding>,
}

fn check_case(case: &Case) -> One {
    let harness = |what: String| One {
        findings: vec![Finding {
            id: case.id.clone(),
            aspect: Aspect::Harness,
            expected: String::new(),
            kernel: what,
        }],
        ..One::default()
    };
    let code = match from_hex(&case.raw) {
        Ok(c) => c,
        Err(e) => return harness(format!("raw bytes: {e}")),
    };
    let load = match kernel::load(&code, &LoadOptions::default()) {
        Ok(l) => l,
        Err(e) => return harness(e.to_string()),
    };
    let log = match Log::parse(&load.log) {
        Ok(l) => l,
        Err(e) => return harness(format!("log: {e}")),
    };
    let kernel_side = kernel_prediction(&log, load.accepted());
    let mut one = One {
        accepted: load.accepted(),
        states: kernel_side.states.len().min(case.expected.states.len()),
        ..One::default()
    };
    one.findings = compare(&case.id, &case.expected, &kernel_side);
    if let (Some(prog), Some(run)) = (&load.prog, &case.run) {
        let data = match from_hex(&run.data_in) {
            Ok(d) => d,
            Err(e) => return harness(format!("data_in: {e}")),
        };
        one.runs = 1;
        match prog.test_run(&data) {
            Ok(r) if r == run.retval => {}
            Ok(r) => one.findings.push(Finding {
                id: case.id.clone(),
                aspect: Aspect::Retval,
                expected: run.retval.to_string(),
                kernel: r.to_string(),
            }),
            Err(e) => one.findings.extend(harness(e.to_string()).findings),
        }
    }
    one
}

/// Checks every case against the running kernel (the caller checks [`kernel::probe`] first);
/// `progress` is called after each case with the number done.
pub fn check(cases: &[Case], progress: &(dyn Fn(usize) + Sync)) -> CheckReport {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let ones: Vec<One> = cases
        .par_iter()
        .map(|c| {
            let one = check_case(c);
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n);
            one
        })
        .collect();
    let mut report = CheckReport {
        cases: cases.len(),
        ..CheckReport::default()
    };
    for one in ones {
        if one.accepted {
            report.accepted += 1;
        } else {
            report.rejected += 1;
        }
        report.states_compared += one.states;
        report.runs += one.runs;
        if one.findings.is_empty() {
            report.confirmed += 1;
        }
        report.findings.extend(one.findings);
    }
    report
}
