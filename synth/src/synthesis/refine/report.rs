//! The refinement search's outcome as markdown: one target ([`to_markdown`]) or a table of
//! targets ([`table`]). The data itself serializes to JSON ([`RefineSynthesis`]).

use super::search::{GridFigures, RefineSynthesis};
use std::fmt::Write as _;

fn seconds(s: f64) -> String {
    format!("{s:.2} s")
}

fn first_line(d: &Option<String>) -> String {
    d.as_deref()
        .and_then(|d| d.lines().next())
        .unwrap_or_default()
        .replace('|', "\\|")
}

/// The proof verdict at `width`: `valid` when every proof there is, otherwise the first other
/// verdict; `—` when nothing was proved there.
pub fn verdict_at(s: &RefineSynthesis, width: u32) -> String {
    let at: Vec<_> = s.proofs.iter().filter(|p| p.width == width).collect();
    if at.is_empty() {
        return "—".into();
    }
    at.iter()
        .find(|p| p.verdict != "valid")
        .map_or("valid".into(), |p| p.verdict.clone())
}

/// The exactness certificate's verdict at `width` (`—` when not asked).
pub fn exact_at(s: &RefineSynthesis, width: u32) -> String {
    s.facts
        .iter()
        .find(|f| f.width == width && f.statement.starts_with("exact"))
        .map_or("—".into(), |f| f.verdict.clone())
}

fn grid_section(out: &mut String, title: &str, f: &GridFigures) {
    let _ = writeln!(
        out,
        "\n## {title}: every {0}-bit tnum × every {0}-bit interval\n",
        f.width
    );
    let _ = writeln!(
        out,
        "- pairs: {} ({} with S = ∅, not scored; {} scored)",
        f.pairs, f.empty, f.scored
    );
    let _ = writeln!(
        out,
        "- exact: {}/{} ({:.3}%), unsound: {}",
        f.exact, f.scored, f.exact_percent, f.unsound
    );
    let _ = writeln!(
        out,
        "- distance to the best transformer: mean {:.4} bits, max {:.2} bits",
        f.distance_mean, f.distance_max
    );
    let hist: Vec<String> = f
        .histogram
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    let _ = writeln!(out, "- histogram (bits, rounded up): {}", hist.join(", "));
    if let Some(v) = &f.versus {
        let _ = writeln!(
            out,
            "- against `{}`: better {}, worse {}, equal {}, incomparable {}",
            v.against, v.better, v.worse, v.equal, v.incomparable
        );
    }
}

/// A markdown report of one search.
pub fn to_markdown(s: &RefineSynthesis) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}: the tnum ↔ range refinement\n", s.target);
    let _ = writeln!(out, "- outcome: {}", s.status.label());
    let _ = writeln!(out, "- meet: {}", s.selected.join(" ∧ "));
    let _ = writeln!(
        out,
        "- cost: {} IR operations (the kernel's refinement: {})",
        s.cost, s.reference_cost
    );
    if let (Some(ours), Some(theirs)) = (s.ns_per_call, s.reference_ns_per_call) {
        let _ = writeln!(
            out,
            "- time per call (generic code on `Bv`, one thread): {ours:.0} ns; kernel's: {theirs:.0} ns ({:.2}×)",
            ours / theirs.max(1e-9)
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
    let _ = writeln!(
        out,
        "- IR: traced from the meet operator; inputs `a.value a.mask` (the tnum) and `b.lo b.hi` (the interval)"
    );
    let _ = writeln!(out, "\n## Selection path\n");
    let _ = writeln!(
        out,
        "| step | piece | exact (S ≠ ∅) | share | cost (IR ops) |"
    );
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
        "| piece | origin | check ({} bits, then the selection grid) | exact alone | cost | selected |",
        s.check_width
    );
    let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- |");
    for p in &s.pool {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            p.name,
            p.origin.label(),
            p.check.replace('|', "\\|"),
            p.exact_alone.map_or("—".into(), |e| e.to_string()),
            p.cost,
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
            Some(_) => format!("{} ({})", p.verdict, first_line(&p.detail)),
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
            seconds(p.seconds)
        );
    }
    if !s.facts.is_empty() {
        let _ = writeln!(out, "\n## Facts about the result (z3)\n");
        let _ = writeln!(out, "| statement | width | verdict | time |");
        let _ = writeln!(out, "| --- | --- | --- | --- |");
        for f in &s.facts {
            let verdict = match &f.detail {
                Some(_) => format!("{} ({})", f.verdict, first_line(&f.detail)),
                None => f.verdict.clone(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                f.statement,
                f.width,
                verdict,
                seconds(f.seconds)
            );
        }
    }
    if let Some(f) = &s.selection {
        grid_section(&mut out, "Selection grid", f);
    }
    if let Some(f) = &s.report {
        grid_section(&mut out, "Report grid", f);
    }
    if let Some(f) = &s.reference_report {
        grid_section(&mut out, "The kernel's refinement alone, report grid", f);
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
pub fn table(searches: &[RefineSynthesis]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| target | outcome | pieces chosen | cost (IR ops) | report grid exact | kernel's exact | vs kernel (better/worse) | z3 64 | z3 32 | exact (z3 64) | rejected | ns/call (kernel) | total |"
    );
    let _ = writeln!(
        out,
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    for s in searches {
        let rep = s.report.as_ref().map_or("—".into(), |f| {
            format!("{:.3}% ({} bits)", f.exact_percent, f.width)
        });
        let kern = s
            .reference_report
            .as_ref()
            .map_or("—".into(), |f| format!("{:.3}%", f.exact_percent));
        let vs = s
            .report
            .as_ref()
            .and_then(|f| f.versus.as_ref())
            .map_or("—".into(), |v| format!("{}/{}", v.better, v.worse));
        let ns = match (s.ns_per_call, s.reference_ns_per_call) {
            (Some(a), Some(b)) => format!("{a:.0} ({b:.0})"),
            _ => "—".into(),
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            s.target,
            s.status.label(),
            s.selected
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(" ∧ "),
            s.cost,
            rep,
            kern,
            vs,
            verdict_at(s, 64),
            verdict_at(s, 32),
            exact_at(s, 64),
            s.suite.len(),
            ns,
            seconds(s.total_seconds)
        );
    }
    out
}
