//! The meet search's outcome as markdown: one target ([`to_markdown`]) or a table of targets
//! ([`table`]). The data itself serializes to JSON ([`super::MeetSynthesis`]).

use super::MeetSynthesis;
use std::fmt::Write as _;

fn seconds(s: f64) -> String {
    format!("{s:.2} s")
}

/// The proof verdict of the meet at `width`: `valid` when every proof there is, otherwise the
/// first other verdict; `—` when nothing was proved there.
pub fn verdict_at(s: &MeetSynthesis, width: u32) -> String {
    let at: Vec<_> = s.proofs.iter().filter(|p| p.width == width).collect();
    if at.is_empty() {
        return "—".into();
    }
    at.iter()
        .find(|p| p.verdict != "valid")
        .map_or("valid".into(), |p| p.verdict.clone())
}

/// A markdown report of one search.
pub fn to_markdown(s: &MeetSynthesis) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}: meet of sound pieces\n", s.target);
    let _ = writeln!(out, "- outcome: {}", s.status.label());
    let _ = writeln!(out, "- meet: {}", s.selected.join(" ∧ "));
    let _ = writeln!(out, "- cost: {} IR operations", s.cost);
    if let (Some(ours), Some(theirs)) = (s.ns_per_call, s.reference_ns_per_call) {
        let _ = writeln!(
            out,
            "- time per call (generic code on `Bv`, one thread): {ours:.0} ns; kernel's: {theirs:.0} ns ({:.1}×)",
            ours / theirs.max(1e-9)
        );
    }
    if s.enumerated > 0 {
        let _ = writeln!(
            out,
            "- enumerated bound pieces in the pool: {}",
            s.enumerated
        );
    }
    let _ = writeln!(
        out,
        "- times: checks {}, selection {}, proofs {}, measure {}, total {}",
        seconds(s.check_seconds),
        seconds(s.search_seconds),
        seconds(s.prove_seconds),
        seconds(s.measure_seconds),
        seconds(s.total_seconds)
    );
    let _ = writeln!(out, "\n## Selection path\n");
    let _ = writeln!(out, "| step | piece | exact | share | cost (IR ops) |");
    let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
    for st in &s.path {
        let _ = writeln!(
            out,
            "| {} | `{}` | {}/{} | {:.3}% | {} |",
            st.action, st.piece, st.exact, st.pairs, st.exact_percent, st.cost
        );
    }
    let _ = writeln!(out, "\n## Pool\n");
    let _ = writeln!(
        out,
        "| piece | origin | check | exact alone | cost | proof | selected |"
    );
    let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- | --- |");
    for p in &s.pool {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            p.name,
            p.origin.label(),
            p.check.replace('|', "\\|"),
            p.exact_alone.map_or("—".into(), |e| e.to_string()),
            p.cost,
            p.proof_method,
            if p.selected { "yes" } else { "" }
        );
    }
    let _ = writeln!(out, "\n## Proofs (meet of proved pieces)\n");
    let _ = writeln!(
        out,
        "| subject | width | method | verdict | lemmas | time |"
    );
    let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- |");
    for p in &s.proofs {
        let verdict = match &p.detail {
            Some(d) => format!(
                "{} ({})",
                p.verdict,
                d.lines().next().unwrap_or_default().replace('|', "\\|")
            ),
            None => p.verdict.clone(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            p.subject,
            p.width,
            p.method,
            verdict,
            p.lemmas,
            if p.seconds > 0.0 {
                seconds(p.seconds)
            } else {
                "(shared)".into()
            }
        );
    }
    for (title, f) in [("Selection grid", &s.selection), ("Report grid", &s.report)] {
        let Some(f) = f else { continue };
        let _ = writeln!(
            out,
            "\n## {title}: {}-bit elements, {}-bit members\n",
            f.width, f.input_bits
        );
        let _ = writeln!(
            out,
            "- exact: {}/{} ({:.3}%), unsound: {}",
            f.exact, f.pairs, f.exact_percent, f.unsound
        );
        let _ = writeln!(
            out,
            "- distance to the best transformer: mean {:.4} bits, max {:.2} bits",
            f.distance_mean, f.distance_max
        );
        if let Some(v) = &f.versus {
            let _ = writeln!(
                out,
                "- against `{}`: better {}, worse {}, equal {}, incomparable {}",
                v.against, v.better, v.worse, v.equal, v.incomparable
            );
        }
    }
    if !s.suite.is_empty() {
        let _ = writeln!(
            out,
            "\n{} piece(s) rejected with a counterexample (rejected.jsonl).",
            s.suite.len()
        );
    }
    out
}

/// One markdown table row per search.
pub fn table(searches: &[MeetSynthesis]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| target | outcome | pieces chosen | cost (IR ops) | selection grid exact | report grid exact | distance (bits) | vs kernel (better/worse) | z3 64 | z3 32 | rejected | ns/call (kernel) | search | proofs | total |"
    );
    let _ = writeln!(
        out,
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    for s in searches {
        let sel = s
            .selection
            .as_ref()
            .map_or("—".into(), |f| format!("{:.3}%", f.exact_percent));
        let (rep, dist, vs) = match &s.report {
            Some(f) => (
                format!("{:.3}% ({}-bit members)", f.exact_percent, f.input_bits),
                format!("{:.4}", f.distance_mean),
                f.versus
                    .as_ref()
                    .map_or("—".into(), |v| format!("{}/{}", v.better, v.worse)),
            ),
            None => ("—".into(), "—".into(), "—".into()),
        };
        let ns = match (s.ns_per_call, s.reference_ns_per_call) {
            (Some(a), Some(b)) => format!("{a:.0} ({b:.0})"),
            _ => "—".into(),
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            s.target,
            s.status.label(),
            s.selected
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(" ∧ "),
            s.cost,
            sel,
            rep,
            dist,
            vs,
            verdict_at(s, 64),
            verdict_at(s, 32),
            s.suite.len(),
            ns,
            seconds(s.check_seconds + s.search_seconds),
            seconds(s.prove_seconds),
            seconds(s.total_seconds)
        );
    }
    out
}
