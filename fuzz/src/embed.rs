//! State embedding: concrete runs of verified programs, checked against the verifier's states and
//! the model's.
//!
//! For a program the kernel accepts, every concrete value a register holds at a program point must
//! lie in the concretization γ of the state the verifier computed for that register there; a value
//! outside it is a soundness bug of the verifier. The same holds for Vernier's model.
//!
//! The check ([`run`]):
//! 1. [`generate::generate`] draws a random register-only computation on three packet inputs
//!    with a tree-shaped, forward-only control flow; [`generate::lower`] instruments it (every
//!    written register, and both operands at the start of each jump edge, are stored to a record
//!    map, with a flag saying the point was reached) and builds its register-only twin.
//! 2. The instrumented socket filter is loaded at log level 2 with `BPF_F_TEST_REG_INVARIANTS`.
//!    The state of the recorded register `rX` at record point `p` is printed on the line of
//!    `p`'s store instruction (the store does not change `rX`), once per verifier visit.
//! 3. The twin is explored by [`absint::explore`] without pruning; the **model's states at `p`**
//!    are `rX`'s states each time the explorer reaches the twin instruction after the point.
//! 4. The program is run with `BPF_PROG_TEST_RUN` on packets chosen, among seeded candidates, to
//!    reach as many record points as possible ([`choose_packets`]). For every point a run reached,
//!    with recorded value `v`:
//!    - **path check** (the kernel soundness check): the run is matched against the verifier's
//!      exploration tree rebuilt from the log ([`tree`]): the run's slots, in order, must be a path
//!      of verifier visits, and `v` must lie in the state the verifier printed *on that path* at
//!      `p`. A value outside is [`FindingKind::OutsideKernel`]; a run leaving the explored tree
//!      is [`FindingKind::UnprintedPointReached`]. When the verifier pruned the run's path (at a
//!      revisit after an AND/OR fork, the only join a tree has), the values after the pruning
//!      point are counted as unchecked: the verifier only guarantees that the pruned state is
//!      covered on the registers it tracks as live and precise, so the later states it printed
//!      for the other path need not contain them.
//!    - **union check** (figures only): `v` lies in the union of every state printed at `p`; a
//!      miss is counted as [`FindingKind::OutsideKernelAfterPruning`] and is always explained
//!      by the path check as a value after pruning.
//!    - **model check**: `v` lies in the union of the model's states at `p`. The model explores
//!      without pruning, so every path is there: a miss is [`FindingKind::OutsideModel`].
//!    - `v` equals the reference semantics ([`absint::semantics`]) run on the same packet, and
//!      the run reached exactly the points the reference run reaches
//!      ([`FindingKind::SemanticsMismatch`]).
//!    - at each jump edge the run took, the condition evaluated on the recorded operands selects
//!      that edge ([`FindingKind::WrongEdge`]). The verifier hard-wires the branches it decides
//!      (root loads: `opt_hard_wire_dead_code_branches`, then dead code removal), so a wrongly
//!      decided jump shows up as a run taking the edge the condition does not select.
//!
//! Why the instrumentation leaves the recorded registers' states alone: a store of a scalar to a
//! map value writes no register and marks nothing precise; `r9`, reserved for the map, is never
//! read by the computation; and `LD_ABS` sets the verifier's registers as the twin's helper call
//! does (`r0` a fully unknown scalar, `r1`–`r5` uninitialised). The extra reads change liveness,
//! which matters only for pruning.

pub mod generate;
pub mod map;
pub mod tree;

use crate::kernel::{self, KernelError, LoadOptions};
use crate::log::{Line, Log, LogError, Value};
use crate::sample::Rng;
use absint::domain::Scalar;
use absint::explore::{self, Options, Pruning};
use absint::isa::{Insn, LdImm64, Operand, Size};
use absint::logfmt::{format_scalar, Bound};
use absint::word::Bv;
use generate::{Generated, Lowered, LINK_HEADER, MAX_POINTS, RECORD_BASE};
use map::{MapError, RecordMap};
use std::collections::BTreeMap;
use std::fmt;

/// What a check found wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingKind {
    /// No verifier path fits the run: a recorded value lies outside the state the verifier
    /// printed for its point on the path the run followed. A kernel soundness bug.
    OutsideKernel,
    /// Not a bug: a recorded value outside every state printed at its point, which the path
    /// check places after the pruning of the run's path (see the module documentation).
    OutsideKernelAfterPruning,
    /// No verifier path fits the run: the run executed an instruction the verifier never
    /// visited on that path (and did not prune there).
    UnprintedPointReached,
    /// A run took a jump edge its condition does not select on the recorded operands.
    WrongEdge,
    /// A recorded value outside every state the model computed at its point: a model bug.
    OutsideModel,
    /// A recorded value differs from the reference semantics, or the reached points differ.
    SemanticsMismatch,
    /// Not a check of this harness: the kernel rejected a program with `REG INVARIANTS
    /// VIOLATION`, its own report of a verifier bug (bounds that describe no value).
    KernelInvariantViolation,
}

/// One finding, with what is needed to reproduce it.
#[derive(Clone, Debug)]
pub struct Finding {
    /// What is wrong.
    pub kind: FindingKind,
    /// The program's number in the run.
    pub program: usize,
    /// The program's seed: `generate::generate(&mut Rng::new(program_seed))` rebuilds it.
    pub program_seed: u64,
    /// The record point, its register and store slot.
    pub point: Option<(usize, u8, usize)>,
    /// The recorded value.
    pub value: u64,
    /// The test-run data.
    pub packet: Vec<u8>,
    /// The states the value was checked against, as the log prints them.
    pub states: Vec<String>,
    /// What else is known (the edge, the expected value).
    pub detail: String,
    /// The instrumented program.
    pub listing: String,
    /// The verifier log.
    pub log: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:?} in program #{} (seed {:#x})",
            self.kind, self.program, self.program_seed
        )?;
        if let Some((p, r, slot)) = self.point {
            writeln!(f, "point {p}: r{r} at the store in slot {slot}")?;
        }
        writeln!(f, "value {:#x} ({})", self.value, self.value as i64)?;
        writeln!(f, "states: [{}]", self.states.join(", "))?;
        if !self.detail.is_empty() {
            writeln!(f, "{}", self.detail)?;
        }
        let hex: String = self.packet.iter().map(|b| format!("{b:02x}")).collect();
        writeln!(f, "packet: {hex}")?;
        writeln!(f, "program:\n{}", self.listing)?;
        write!(f, "log:\n{}", self.log)
    }
}

/// Counts of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    /// Programs generated.
    pub programs: u64,
    /// Programs the kernel accepted.
    pub accepted: u64,
    /// Accepted programs whose log shows pruning.
    pub pruned_logs: u64,
    /// Accepted programs the model explored to the end (its states are checked).
    pub model_explored: u64,
    /// Test runs.
    pub runs: u64,
    /// Recorded values checked against the kernel's states.
    pub kernel_checked: u64,
    /// Recorded values checked against the state of the verifier path the run followed.
    pub path_checked: u64,
    /// Recorded values after the point where the run's verifier path was pruned (unchecked).
    pub path_after_pruning: u64,
    /// Recorded values checked against the model's states.
    pub model_checked: u64,
    /// Of the kernel checks, those against a state other than the fully unknown scalar.
    pub kernel_bounded: u64,
    /// Of the kernel checks, those where the value equals one of the state's bounds that is not
    /// at its default (the value is on the state's edge).
    pub kernel_at_bound: u64,
    /// Jump edges taken by runs and checked against their conditions.
    pub edges_checked: u64,
    /// Jumps the kernel left undecided (it printed states on both edges).
    pub undecided_jumps: u64,
    /// Undecided jumps whose two edges were both taken by runs.
    pub jumps_both_ways: u64,
    /// Findings by kind.
    pub findings: BTreeMap<FindingKind, u64>,
    /// Rejected programs by the verifier's first message.
    pub rejections: BTreeMap<String, u64>,
    /// Rejected programs the model rejects too (exploring the twin without pruning).
    pub rejections_model_agrees: u64,
    /// Accepted programs the model did not explore to the end, by reason.
    pub model_unavailable: BTreeMap<String, u64>,
}

impl Figures {
    /// The number of findings of `kind`.
    pub fn count(&self, kind: FindingKind) -> u64 {
        self.findings.get(&kind).copied().unwrap_or(0)
    }
}

impl fmt::Display for Figures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "programs generated        {}", self.programs)?;
        writeln!(f, "accepted by the kernel    {}", self.accepted)?;
        writeln!(f, "  with pruning in the log {}", self.pruned_logs)?;
        writeln!(f, "  explored by the model   {}", self.model_explored)?;
        writeln!(f, "test runs                 {}", self.runs)?;
        writeln!(f, "values checked (kernel)   {}", self.kernel_checked)?;
        writeln!(f, "values checked (path)     {}", self.path_checked)?;
        writeln!(f, "  unchecked after pruning {}", self.path_after_pruning)?;
        writeln!(f, "values checked (model)    {}", self.model_checked)?;
        writeln!(f, "  against bounded states  {}", self.kernel_bounded)?;
        writeln!(f, "  equal to a bound        {}", self.kernel_at_bound)?;
        writeln!(f, "jump edges checked        {}", self.edges_checked)?;
        writeln!(f, "undecided jumps           {}", self.undecided_jumps)?;
        writeln!(f, "  run both ways           {}", self.jumps_both_ways)?;
        for kind in [
            FindingKind::OutsideKernel,
            FindingKind::OutsideKernelAfterPruning,
            FindingKind::UnprintedPointReached,
            FindingKind::WrongEdge,
            FindingKind::OutsideModel,
            FindingKind::SemanticsMismatch,
            FindingKind::KernelInvariantViolation,
        ] {
            writeln!(f, "{:<26}{}", format!("{kind:?}"), self.count(kind))?;
        }
        for (reason, n) in &self.rejections {
            writeln!(f, "rejected: {reason}: {n}")?;
        }
        if !self.rejections.is_empty() {
            writeln!(
                f,
                "  rejected by the model too {}",
                self.rejections_model_agrees
            )?;
        }
        for (reason, n) in &self.model_unavailable {
            writeln!(f, "model unavailable: {reason}: {n}")?;
        }
        Ok(())
    }
}

/// The result of a run: figures and the first findings of each kind.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// The counts.
    pub figures: Figures,
    /// Findings, at most [`Report::KEPT_PER_KIND`] of each kind.
    pub findings: Vec<Finding>,
}

impl Report {
    /// How many findings of one kind are kept in full.
    pub const KEPT_PER_KIND: u64 = 10;

    fn add(&mut self, finding: impl FnOnce() -> Finding, kind: FindingKind) {
        let n = self.figures.findings.entry(kind).or_insert(0);
        *n += 1;
        if *n <= Self::KEPT_PER_KIND {
            self.findings.push(finding());
        }
    }
}

/// Failures of the harness (not findings).
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// Loading or running failed.
    #[error(transparent)]
    Kernel(#[from] KernelError),
    /// A map call failed.
    #[error(transparent)]
    Map(#[from] MapError),
    /// The log did not parse.
    #[error("program #{program}: {source}")]
    Log {
        /// The program.
        program: usize,
        /// The parse error.
        source: LogError,
    },
}

/// The seed of program `index` of a run seeded with `seed`.
pub fn program_seed(seed: u64, index: usize) -> u64 {
    Rng::new(seed ^ (index as u64).wrapping_mul(0xd1b5_4a32_d192_ed03)).next_u64()
}

/// The record map's value size: 16 bytes per point.
pub const RECORD_BYTES: usize = 16 * MAX_POINTS;

/// Generates `programs` programs from `seed`, checks each accepted one on `runs_per_program`
/// packets, and adds the figures and findings to `report`.
pub fn run(
    seed: u64,
    programs: usize,
    runs_per_program: usize,
    report: &mut Report,
) -> Result<(), EmbedError> {
    let map = RecordMap::create(RECORD_BYTES)?;
    for index in 0..programs {
        check_program(&map, seed, index, runs_per_program, report)?;
    }
    Ok(())
}

/// Generates program `index` of the run seeded `seed` and checks it (see the module docs).
pub fn check_program(
    map: &RecordMap,
    seed: u64,
    index: usize,
    runs: usize,
    report: &mut Report,
) -> Result<(), EmbedError> {
    let program_seed = program_seed(seed, index);
    let mut rng = Rng::new(program_seed);
    let program = generate::generate(&mut rng);
    let lowered = generate::lower(&program, map.fd());
    report.figures.programs += 1;
    let load = kernel::load(
        &absint::isa::encode(&lowered.kernel),
        &LoadOptions::default(),
    )?;
    let Some(prog) = load.prog.as_ref() else {
        rejected(index, program_seed, &lowered, &load, report);
        return Ok(());
    };
    report.figures.accepted += 1;
    let log = Log::parse(&load.log).map_err(|source| EmbedError::Log {
        program: index,
        source,
    })?;
    if log
        .lines
        .iter()
        .any(|(_, l)| matches!(l, Line::Safe(_) | Line::From { state: None, .. }))
    {
        report.figures.pruned_logs += 1;
    }
    let model_states = match model_states(&lowered) {
        Ok(states) => {
            report.figures.model_explored += 1;
            Some(states)
        }
        Err(reason) => {
            *report.figures.model_unavailable.entry(reason).or_insert(0) += 1;
            None
        }
    };
    let checked = Checked {
        index,
        program_seed,
        kernel_states: kernel_states(&lowered, &log),
        tree: tree::Tree::from_log(&log),
        model_states,
        lowered: &lowered,
        log: &load.log,
    };
    let mut edges_taken = vec![false; lowered.edges.len()];
    for packet in choose_packets(&program, &lowered, &mut rng, runs) {
        map.clear()?;
        prog.test_run(&packet)?;
        report.figures.runs += 1;
        let record = map.read()?;
        let word = |at: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&record[at..at + 8]);
            u64::from_le_bytes(b)
        };
        let recorded: Vec<Option<u64>> = (0..lowered.points.len())
            .map(|p| (word(16 * p + 8) == 1).then(|| word(16 * p)))
            .collect();
        let run = Run {
            packet: &packet,
            recorded: &recorded,
        };
        let semantics_agree = checked.semantics(&run, report);
        checked.values(&run, report);
        if semantics_agree {
            checked.path(&run, report);
        }
        checked.edges(&run, &mut edges_taken, report);
    }
    checked.jump_coverage(&edges_taken, report);
    Ok(())
}

/// Counts a rejected program, and keeps it when the verifier reported an invariant violation.
fn rejected(
    index: usize,
    program_seed: u64,
    lowered: &Lowered,
    load: &kernel::Load,
    report: &mut Report,
) {
    let reason = load
        .log
        .lines()
        .rev()
        .find(|l| !l.starts_with("processed") && !l.trim().is_empty())
        .map(rejection_reason)
        .unwrap_or_else(|| format!("errno {:?}", load.errno));
    *report.figures.rejections.entry(reason).or_insert(0) += 1;
    let model = model_states(lowered);
    if matches!(&model, Err(r) if r.starts_with("model rejects")) {
        report.figures.rejections_model_agrees += 1;
    }
    if load.log.contains("REG INVARIANTS VIOLATION") {
        let kind = FindingKind::KernelInvariantViolation;
        report.add(
            || Finding {
                kind,
                program: index,
                program_seed,
                point: None,
                value: 0,
                packet: Vec::new(),
                states: Vec::new(),
                detail: format!("model: {}", model.err().unwrap_or_else(|| "accepts".into())),
                listing: absint::isa::disasm_program(&lowered.kernel),
                log: load.log.clone(),
            },
            kind,
        );
    }
}

/// One test run: its data and the value recorded at each point (`None`: not reached).
struct Run<'a> {
    packet: &'a [u8],
    recorded: &'a [Option<u64>],
}

/// An accepted program and the states its runs are checked against.
struct Checked<'a> {
    index: usize,
    program_seed: u64,
    lowered: &'a Lowered,
    log: &'a str,
    /// Every state the verifier printed at each point.
    kernel_states: Vec<Vec<Scalar<Bv>>>,
    /// The verifier's exploration.
    tree: tree::Tree,
    /// The model's states at each point, when the model explored the twin to the end.
    model_states: Option<Vec<Vec<Scalar<Bv>>>>,
}

impl Checked<'_> {
    fn finding(
        &self,
        run: &Run<'_>,
        kind: FindingKind,
        point: Option<usize>,
        value: u64,
        states: &[Scalar<Bv>],
        detail: String,
    ) -> Finding {
        Finding {
            kind,
            program: self.index,
            program_seed: self.program_seed,
            point: point.map(|p| {
                let rp = self.lowered.points[p];
                (p, rp.reg, rp.store_slot)
            }),
            value,
            packet: run.packet.to_vec(),
            states: states.iter().map(format_scalar).collect(),
            detail,
            listing: absint::isa::disasm_program(&self.lowered.kernel),
            log: self.log.to_string(),
        }
    }

    /// The recorded values against the reference semantics; `true` when they agree.
    fn semantics(&self, run: &Run<'_>, report: &mut Report) -> bool {
        let expected = reference_run(self.lowered, run.packet);
        if expected == run.recorded {
            return true;
        }
        let p = (0..expected.len()).find(|&p| expected[p] != run.recorded[p]);
        let detail = format!(
            "reference semantics: {:x?}\nrecorded:            {:x?}",
            expected, run.recorded
        );
        let value = p.and_then(|p| run.recorded[p]).unwrap_or(0);
        let kind = FindingKind::SemanticsMismatch;
        report.add(|| self.finding(run, kind, p, value, &[], detail), kind);
        false
    }

    /// Each recorded value against the union of the kernel's states and of the model's.
    fn values(&self, run: &Run<'_>, report: &mut Report) {
        for (p, value) in run.recorded.iter().enumerate() {
            let Some(value) = *value else { continue };
            let x = Bv::u64(value);
            let states = &self.kernel_states[p];
            report.figures.kernel_checked += 1;
            match states.iter().find(|s| s.contains(&x)) {
                Some(s) => {
                    report.figures.kernel_bounded += u64::from(*s != Scalar::unknown());
                    report.figures.kernel_at_bound += u64::from(on_edge(s, value));
                }
                None => {
                    // The path check places such a value after the pruning of its path.
                    let kind = FindingKind::OutsideKernelAfterPruning;
                    report.add(
                        || self.finding(run, kind, Some(p), value, states, String::new()),
                        kind,
                    );
                }
            }
            let Some(model) = &self.model_states else {
                continue;
            };
            report.figures.model_checked += 1;
            if !model[p].iter().any(|s| s.contains(&x)) {
                let kernel: Vec<String> = states.iter().map(format_scalar).collect();
                let detail = format!("kernel states: [{}]", kernel.join(", "));
                let kind = FindingKind::OutsideModel;
                report.add(
                    || self.finding(run, kind, Some(p), value, &model[p], detail),
                    kind,
                );
            }
        }
    }

    /// The run against the one verifier path it follows (its slots are the reference run's,
    /// which the caller has checked against the recorded values).
    fn path(&self, run: &Run<'_>, report: &mut Report) {
        let (_, trace) = reference_trace(self.lowered, run.packet);
        let probes: BTreeMap<usize, tree::Probe> = run
            .recorded
            .iter()
            .enumerate()
            .filter_map(|(p, v)| {
                let rp = self.lowered.points[p];
                v.map(|value| (rp.store_slot, tree::Probe { reg: rp.reg, value }))
            })
            .collect();
        match self.tree.follow(&trace, &probes) {
            tree::Outcome::Complete { checked } => report.figures.path_checked += checked,
            tree::Outcome::Pruned {
                checked, unchecked, ..
            } => {
                report.figures.path_checked += checked;
                report.figures.path_after_pruning += unchecked;
            }
            tree::Outcome::Mismatch { slot, state, .. } => {
                let p = self
                    .lowered
                    .points
                    .iter()
                    .position(|rp| rp.store_slot == slot);
                let kind = if state.is_some() {
                    FindingKind::OutsideKernel
                } else {
                    FindingKind::UnprintedPointReached
                };
                let value = p.and_then(|p| run.recorded[p]).unwrap_or(0);
                let states: Vec<Scalar<Bv>> = state.into_iter().collect();
                let detail =
                    format!("no verifier path fits the run; deepest failure at slot {slot}");
                report.add(|| self.finding(run, kind, p, value, &states, detail), kind);
            }
        }
    }

    /// Each jump edge the run took against the jump's condition on the recorded operands.
    fn edges(&self, run: &Run<'_>, edges_taken: &mut [bool], report: &mut Report) {
        for (e, edge) in self.lowered.edges.iter().enumerate() {
            let Some(dst) = run.recorded[edge.dst_point] else {
                continue;
            };
            edges_taken[e] = true;
            let Insn::Jump {
                width, cond, src, ..
            } = edge.jump
            else {
                continue;
            };
            let src = match (src, edge.src_point) {
                (Operand::Imm(k), _) => k as i64 as u64,
                (Operand::Reg(_), Some(p)) => match run.recorded[p] {
                    Some(v) => v,
                    None => continue,
                },
                (Operand::Reg(_), None) => continue,
            };
            report.figures.edges_checked += 1;
            let holds = absint::semantics::cond(cond, width, &Bv::u64(dst), &Bv::u64(src));
            if holds != edge.taken {
                let detail = format!(
                    "slot {}: {} took the {} edge with dst {dst:#x}, src {src:#x}",
                    edge.jump_slot,
                    edge.jump,
                    if edge.taken { "taken" } else { "fall-through" }
                );
                let kind = FindingKind::WrongEdge;
                report.add(
                    || self.finding(run, kind, Some(edge.dst_point), dst, &[], detail),
                    kind,
                );
            }
        }
    }

    /// Counts the jumps the verifier left undecided and those the runs took both ways.
    fn jump_coverage(&self, edges_taken: &[bool], report: &mut Report) {
        let mut run: BTreeMap<usize, [bool; 2]> = BTreeMap::new();
        let mut explored: BTreeMap<usize, [bool; 2]> = BTreeMap::new();
        for (edge, taken) in self.lowered.edges.iter().zip(edges_taken) {
            let side = usize::from(edge.taken);
            run.entry(edge.jump_slot).or_default()[side] |= *taken;
            explored.entry(edge.jump_slot).or_default()[side] |=
                !self.kernel_states[edge.dst_point].is_empty();
        }
        let both = |m: &BTreeMap<usize, [bool; 2]>| {
            m.values().filter(|b| **b == [true, true]).count() as u64
        };
        report.figures.undecided_jumps += both(&explored);
        report.figures.jumps_both_ways += both(&run);
    }
}

/// Is `value` equal to one of `state`'s bounds that is not at its default (and `state` not a
/// constant)? Such values sit on the state's edge, where an off-by-one would show.
fn on_edge(state: &Scalar<Bv>, value: u64) -> bool {
    let unknown = Scalar::unknown();
    state.as_const().is_none()
        && Bound::ALL.iter().any(|b| {
            let bound = b.get(state);
            let at = if b.name().ends_with("32") {
                value & 0xffff_ffff
            } else {
                value
            };
            bound != b.get(&unknown) && bound == at
        })
}

/// Candidate packets drawn per run the check makes.
pub const CANDIDATES_PER_RUN: usize = 8;

/// `runs` packets for `program`: of [`CANDIDATES_PER_RUN`] times as many candidates, first those
/// that reach a record point no earlier candidate reached (by the reference semantics, so both
/// edges of as many jumps as possible are run), then the others in order.
pub fn choose_packets(
    program: &Generated,
    lowered: &Lowered,
    rng: &mut Rng,
    runs: usize,
) -> Vec<Vec<u8>> {
    let mut covered = vec![false; lowered.points.len()];
    let mut chosen = Vec::with_capacity(runs);
    let mut others = Vec::new();
    for _ in 0..runs * CANDIDATES_PER_RUN {
        let candidate = generate::packet(program, rng);
        let reached = reference_run(lowered, &candidate);
        let mut new = false;
        for (p, v) in reached.iter().enumerate() {
            if v.is_some() && !covered[p] {
                covered[p] = true;
                new = true;
            }
        }
        if new {
            chosen.push(candidate);
        } else {
            others.push(candidate);
        }
    }
    chosen.truncate(runs);
    let missing = runs - chosen.len();
    chosen.extend(others.into_iter().take(missing));
    chosen
}

/// A verifier error line without its register numbers and values, so that rejections group.
fn rejection_reason(line: &str) -> String {
    line.split(|c: char| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .join("N")
        .chars()
        .take(80)
        .collect()
}

/// The kernel's states of each point's register: those printed on its store's lines.
fn kernel_states(lowered: &Lowered, log: &Log) -> Vec<Vec<Scalar<Bv>>> {
    let by_slot: BTreeMap<usize, usize> = lowered
        .points
        .iter()
        .enumerate()
        .map(|(p, rp)| (rp.store_slot, p))
        .collect();
    let mut states = vec![Vec::new(); lowered.points.len()];
    for (_, line) in &log.lines {
        let Line::Insn {
            idx,
            state: Some(state),
            ..
        } = line
        else {
            continue;
        };
        let Some(&p) = by_slot.get(idx) else { continue };
        if let Some(Value::Scalar(v)) = state.reg(lowered.points[p].reg) {
            if !states[p].contains(&v.scalar) {
                states[p].push(v.scalar);
            }
        }
    }
    states
}

/// The model's states of each point's register, from an exploration of the twin without
/// pruning; `Err` with the reason when the explorer did not finish.
fn model_states(lowered: &Lowered) -> Result<Vec<Vec<Scalar<Bv>>>, String> {
    let mut by_twin: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (p, rp) in lowered.points.iter().enumerate() {
        by_twin.entry(rp.twin_slot).or_default().push(p);
    }
    let mut states = vec![Vec::new(); lowered.points.len()];
    let options = Options {
        pruning: Pruning::Never,
        ..Options::default()
    };
    let exploration = explore::explore_with(&lowered.twin, &options, &mut |visit| {
        if let Some(points) = by_twin.get(&visit.idx) {
            for &p in points {
                let r = lowered.points[p].reg as usize;
                if let Some(s) = visit.regs.0[r].as_scalar() {
                    if !states[p].contains(&s.scalar) {
                        states[p].push(s.scalar);
                    }
                }
            }
        }
        false
    });
    match exploration.verdict {
        Ok(()) => Ok(states),
        Err(e) if e.is_rejection() => Err(format!(
            "model rejects: {}",
            rejection_reason(&e.to_string())
        )),
        Err(e) => Err(format!("unsupported: {}", rejection_reason(&e.to_string()))),
    }
}

/// The instrumented program run on `packet` by the reference semantics: the value each record
/// point would hold, `None` where the run does not pass.
pub fn reference_run(lowered: &Lowered, packet: &[u8]) -> Vec<Option<u64>> {
    reference_trace(lowered, packet).0
}

/// [`reference_run`], with the slots the run executes, in order.
pub fn reference_trace(lowered: &Lowered, packet: &[u8]) -> (Vec<Option<u64>>, Vec<usize>) {
    use absint::semantics as sem;
    let mut out = vec![None; lowered.points.len()];
    let mut trace = Vec::new();
    let mut regs = [Bv::u64(0); 11];
    let mut slot_of = Vec::with_capacity(lowered.kernel.len());
    let mut at_slot = BTreeMap::new();
    let mut slot = 0;
    for (i, insn) in lowered.kernel.iter().enumerate() {
        slot_of.push(slot);
        at_slot.insert(slot, i);
        slot += insn.slots();
    }
    let skb = packet.get(LINK_HEADER..).unwrap_or(&[]);
    let mut pc = 0usize;
    // A tree-shaped program runs each instruction at most once.
    for _ in 0..=lowered.kernel.len() {
        let Some(insn) = lowered.kernel.get(pc) else {
            break;
        };
        trace.push(slot_of[pc]);
        let operand = |src: &Operand, regs: &[Bv; 11]| match src {
            Operand::Imm(k) => Bv::u64(*k as i64 as u64),
            Operand::Reg(r) => regs[r.index() as usize],
        };
        let mut next = pc + 1;
        match insn {
            Insn::Alu {
                width,
                op,
                dst,
                src,
            } => {
                let d = dst.index() as usize;
                regs[d] = sem::alu(*op, *width, &regs[d], &operand(src, &regs));
            }
            Insn::Neg { width, dst } => {
                let d = dst.index() as usize;
                regs[d] = sem::neg(*width, &regs[d]);
            }
            Insn::Mov { width, dst, src } => {
                regs[dst.index() as usize] = sem::mov(*width, &operand(src, &regs));
            }
            Insn::MovSx {
                width,
                dst,
                src,
                from_bits,
            } => {
                regs[dst.index() as usize] =
                    sem::movsx(*width, u32::from(*from_bits), &regs[src.index() as usize]);
            }
            Insn::End { kind, dst, bits } => {
                let d = dst.index() as usize;
                regs[d] = sem::end(*kind, u32::from(*bits), &regs[d]);
            }
            Insn::LdImm64 {
                dst,
                src: LdImm64::Imm(v),
            } => regs[dst.index() as usize] = Bv::u64(*v),
            Insn::LdImm64 { .. } => {}
            Insn::LoadPacket {
                size,
                index: None,
                imm,
            } => {
                let n = size.bytes() as usize;
                let start = *imm as usize;
                let Some(bytes) = skb.get(start..start + n) else {
                    break;
                };
                regs[0] = Bv::u64(bytes.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b)));
            }
            Insn::Store {
                size: Size::DW,
                base,
                off,
                src,
            } if base.index() == RECORD_BASE => {
                let p = (*off as usize) / 16;
                if *off % 16 == 0 {
                    if let Some(o) = out.get_mut(p) {
                        *o = Some(operand(src, &regs).get());
                    }
                }
            }
            Insn::Jump {
                width,
                cond,
                dst,
                src,
                off,
            } => {
                if sem::cond(
                    *cond,
                    *width,
                    &regs[dst.index() as usize],
                    &operand(src, &regs),
                ) {
                    let target = (slot_of[pc] as i64 + 1 + i64::from(*off)) as usize;
                    match at_slot.get(&target) {
                        Some(&i) => next = i,
                        None => break,
                    }
                }
            }
            _ => break,
        }
        pc = next;
    }
    (out, trace)
}

/// Program `index` of the run seeded `seed`, lowered with a placeholder map descriptor (for the
/// throughput benchmarks and for inspecting a program without loading it).
pub fn generate_lowered(seed: u64, index: usize) -> (Generated, Lowered) {
    let mut rng = Rng::new(program_seed(seed, index));
    let program = generate::generate(&mut rng);
    let lowered = generate::lower(&program, 0);
    (program, lowered)
}

/// Explores a twin with the model, without pruning, and returns the number of log lines (for the
/// throughput benchmarks).
pub fn explore_twin(lowered: &Lowered) -> usize {
    let options = Options {
        pruning: Pruning::Never,
        ..Options::default()
    };
    explore::explore(&lowered.twin, &options).lines.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use absint::isa::{AluOp, Cond, Reg, Width};
    use generate::RecordPoint;

    fn r(n: u8) -> Reg {
        Reg::new(n).unwrap()
    }

    fn store(p: i16, reg: u8) -> [Insn; 2] {
        [
            Insn::Store {
                size: Size::DW,
                base: r(RECORD_BASE),
                off: 16 * p,
                src: Operand::Reg(r(reg)),
            },
            Insn::Store {
                size: Size::DW,
                base: r(RECORD_BASE),
                off: 16 * p + 8,
                src: Operand::Imm(1),
            },
        ]
    }

    /// `r0 = skb[0] (u8); r0 &= 0xf0; record r0; if r0 > 0x10 goto +3 (record r0; exit); record
    /// r0; exit`, by hand.
    fn small() -> Lowered {
        let mut kernel = vec![
            Insn::LdImm64 {
                dst: r(RECORD_BASE),
                src: LdImm64::MapValue { fd: 0, off: 0 },
            },
            Insn::Mov {
                width: Width::W64,
                dst: r(6),
                src: Operand::Reg(r(1)),
            },
            Insn::LoadPacket {
                size: Size::B,
                index: None,
                imm: 0,
            },
            Insn::Alu {
                width: Width::W64,
                op: AluOp::And,
                dst: r(0),
                src: Operand::Imm(0xf0),
            },
        ];
        kernel.extend(store(0, 0));
        kernel.push(Insn::Jump {
            width: Width::W64,
            cond: Cond::Gt,
            dst: r(0),
            src: Operand::Imm(0x10),
            off: 3,
        });
        kernel.extend(store(1, 0));
        kernel.push(Insn::Exit);
        kernel.extend(store(2, 0));
        kernel.push(Insn::Exit);
        let point = |store_slot| RecordPoint {
            reg: 0,
            store_slot,
            twin_slot: 0,
        };
        Lowered {
            kernel,
            twin: Vec::new(),
            points: vec![point(5), point(8), point(11)],
            edges: Vec::new(),
        }
    }

    #[test]
    fn reference_run_follows_the_packet() {
        let l = small();
        let mut data = vec![0u8; 64];
        data[LINK_HEADER] = 0x3c;
        assert_eq!(reference_run(&l, &data), [Some(0x30), None, Some(0x30)]);
        data[LINK_HEADER] = 0x1f;
        assert_eq!(reference_run(&l, &data), [Some(0x10), Some(0x10), None]);
    }

    #[test]
    fn kernel_states_are_read_from_store_lines() {
        let l = small();
        let log = Log::parse(
            "5: (7b) *(u64 *)(r9 +0) = r0        ; R0=scalar(smin=smin32=0,smax=umax=smax32=umax32=240,var_off=(0x0; 0xf0)) R9=map_value(ks=4,vs=64)\n\
             8: (7b) *(u64 *)(r9 +16) = r0       ; R0=16 R9=map_value(ks=4,vs=64)\n\
             8: (7b) *(u64 *)(r9 +16) = r0       ; R0=0 R9=map_value(ks=4,vs=64)\n",
        )
        .unwrap();
        let states = kernel_states(&l, &log);
        assert_eq!(states[0].len(), 1);
        assert!(states[0][0].contains(&Bv::u64(0xf0)));
        assert!(!states[0][0].contains(&Bv::u64(0x100)));
        assert!(!states[0][0].contains(&Bv::u64(0x18)));
        assert_eq!(states[1], [Scalar::known(16), Scalar::known(0)]);
        assert!(states[2].is_empty());
    }

    /// Broken states and a run that contradicts its jump are reported, each under its kind.
    #[test]
    fn wrong_states_and_edges_are_findings() {
        let mut l = small();
        let jump = l.kernel[6];
        for (taken, point) in [(false, 1), (true, 2)] {
            l.edges.push(generate::EdgeCheck {
                jump_slot: 7,
                jump,
                taken,
                dst_point: point,
                src_point: None,
            });
        }
        let checked = Checked {
            index: 0,
            program_seed: 0,
            lowered: &l,
            log: "",
            kernel_states: vec![vec![Scalar::known(0x30)], vec![], vec![]],
            tree: tree::Tree::default(),
            model_states: Some(vec![vec![Scalar::known(0x31)], vec![], vec![]]),
        };
        let mut data = vec![0u8; 64];
        data[LINK_HEADER] = 0x3c;
        // The reference run takes the jump (0x30 > 0x10); this run claims the fall-through.
        let recorded = [Some(0x30), Some(0x30), None];
        let run = Run {
            packet: &data,
            recorded: &recorded,
        };
        let mut report = Report::default();
        assert!(!checked.semantics(&run, &mut report));
        checked.values(&run, &mut report);
        let mut taken = [false; 2];
        checked.edges(&run, &mut taken, &mut report);
        let f = &report.figures;
        assert_eq!(f.count(FindingKind::SemanticsMismatch), 1);
        // Point 0 is in the kernel's state but not the model's; point 1 is in neither.
        assert_eq!(f.count(FindingKind::OutsideModel), 2);
        assert_eq!(f.count(FindingKind::OutsideKernelAfterPruning), 1);
        assert_eq!(f.count(FindingKind::WrongEdge), 1);
        assert_eq!((f.kernel_checked, f.edges_checked), (2, 1));
        assert_eq!(taken, [true, false]);
    }

    #[test]
    fn chosen_packets_cover_both_edges() {
        let l = small();
        let program = Generated {
            nodes: Vec::new(),
            landmarks: vec![0x10],
        };
        let packets = choose_packets(&program, &l, &mut Rng::new(1), 4);
        assert_eq!(packets.len(), 4);
        let reached: Vec<_> = packets.iter().map(|p| reference_run(&l, p)).collect();
        assert!(reached.iter().any(|r| r[1].is_some()));
        assert!(reached.iter().any(|r| r[2].is_some()));
    }
}
