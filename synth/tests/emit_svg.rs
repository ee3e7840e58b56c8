//! The SVG histogram: well-formed, one bar per non-empty bucket, escaped text, deterministic.

use std::collections::BTreeMap;
use synth::emit::svg;

fn sample() -> BTreeMap<u32, u64> {
    BTreeMap::from([(0, 432_406), (1, 61_000), (2, 20_500), (4, 3), (9, 1)])
}

#[test]
fn histogram_has_one_bar_per_nonempty_bucket_and_balanced_tags() {
    let s = svg::histogram("tnum.mul <vs> best", &sample(), "distance");
    assert!(s.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(s.trim_end().ends_with("</svg>"));
    assert_eq!(s.matches("fill=\"#4472c4\"").count(), 5, "{s}");
    assert!(s.contains("tnum.mul &lt;vs&gt; best"));
    assert!(!s.contains("<vs>"));
    // Every bucket from 0 to 9 gets a slot, labelled.
    assert!(s.contains(">9</text>"));
    assert_eq!(s.matches("<text").count(), s.matches("</text>").count());
    assert_eq!(s.matches("<rect x=").count(), 5);
}

#[test]
fn the_tallest_bar_reaches_the_top_tick() {
    let h = BTreeMap::from([(0, 10), (1, 5)]);
    let s = svg::histogram("t", &h, "x");
    // The count axis rounds up to a tick: 10 with a step of 2.
    assert!(s.contains(">10</text>"), "{s}");
    assert!(s.contains("<title>0: 10 pairs</title>"));
}

#[test]
fn an_empty_histogram_says_so() {
    let s = svg::histogram("none", &BTreeMap::new(), "distance");
    assert!(s.contains("no pairs"));
    assert_eq!(s.matches("fill=\"#4472c4\"").count(), 0);
}

#[test]
fn histogram_svg_snapshot() {
    insta::assert_snapshot!(
        "svg_histogram",
        svg::histogram(
            "uint.udiv.pieces at 6 bits",
            &sample(),
            "distance to the best transformer"
        )
    );
}
