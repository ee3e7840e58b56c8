//! Standalone SVG bar charts of precision histograms.
//!
//! [`histogram`] draws one bar per distance bucket of a
//! [`BestReport`](crate::precision::BestReport)'s histogram (distance to the best transformer →
//! number of pairs), every bucket from the smallest to the largest present (empty ones as gaps,
//! so the x axis is linear), on a linear count axis with five ticks. The SVG is hand-written
//! (no crate), deterministic, and needs no fonts or scripts beyond a generic `sans-serif`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Width of the drawing, in pixels.
const WIDTH: f64 = 640.0;
/// Height of the drawing, in pixels.
const HEIGHT: f64 = 360.0;
/// Margins: left (count labels), right, top (title), bottom (bucket labels and axis title).
const MARGIN: (f64, f64, f64, f64) = (72.0, 16.0, 36.0, 52.0);

/// Text with `&`, `<`, `>` and quotes escaped for XML.
fn escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&apos;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// A tick step for an axis up to `max`: 1, 2 or 5 times a power of ten, about a fifth of it.
fn tick_step(max: u64) -> u64 {
    let raw = (max as f64 / 5.0).max(1.0);
    let pow = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * pow)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * pow);
    step.round().max(1.0) as u64
}

/// A bar chart of `histogram` (distance bucket → pairs) as a standalone SVG document, titled
/// `title`, with `x_label` under the bucket axis. An empty histogram gives the axes and a
/// "no pairs" note.
pub fn histogram(title: &str, histogram: &BTreeMap<u32, u64>, x_label: &str) -> String {
    let (ml, mr, mt, mb) = MARGIN;
    let (plot_w, plot_h) = (WIDTH - ml - mr, HEIGHT - mt - mb);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         viewBox=\"0 0 {WIDTH} {HEIGHT}\" font-family=\"sans-serif\" font-size=\"12\">"
    );
    let _ = writeln!(s, "<title>{}</title>", escape(title));
    let _ = writeln!(
        s,
        "<rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"white\"/>"
    );
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{}</text>",
        WIDTH / 2.0,
        escape(title)
    );
    let max = histogram.values().copied().max().unwrap_or(0);
    let step = tick_step(max);
    let top = max.div_ceil(step).max(1) * step;
    let y_of = |count: u64| mt + plot_h - plot_h * count as f64 / top as f64;
    // Count axis: grid lines and labels.
    let mut tick = 0;
    while tick <= top {
        let y = y_of(tick);
        let _ = writeln!(
            s,
            "<line x1=\"{ml}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/>",
            ml + plot_w
        );
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{tick}</text>",
            ml - 6.0,
            y + 4.0
        );
        tick += step;
    }
    let _ = writeln!(
        s,
        "<text x=\"14\" y=\"{:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {:.1})\">pairs</text>",
        mt + plot_h / 2.0,
        mt + plot_h / 2.0
    );
    match (histogram.keys().next(), histogram.keys().next_back()) {
        (Some(&first), Some(&last)) => {
            let buckets = u64::from(last - first) + 1;
            let slot = plot_w / buckets as f64;
            let bar = (slot * 0.8).max(1.0);
            // Label at most about 16 buckets, evenly.
            let label_every = buckets.div_ceil(16).max(1);
            for (i, bucket) in (first..=last).enumerate() {
                let x = ml + slot * i as f64;
                let count = histogram.get(&bucket).copied().unwrap_or(0);
                if count > 0 {
                    let y = y_of(count);
                    let _ = writeln!(
                        s,
                        "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"#4472c4\"><title>{bucket}: {count} pairs</title></rect>",
                        x + (slot - bar) / 2.0,
                        mt + plot_h - y
                    );
                }
                if (i as u64).is_multiple_of(label_every) {
                    let _ = writeln!(
                        s,
                        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{bucket}</text>",
                        x + slot / 2.0,
                        mt + plot_h + 16.0
                    );
                }
            }
        }
        _ => {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#888\">no pairs</text>",
                ml + plot_w / 2.0,
                mt + plot_h / 2.0
            );
        }
    }
    // Axes.
    let _ = writeln!(
        s,
        "<line x1=\"{ml}\" y1=\"{mt}\" x2=\"{ml}\" y2=\"{:.1}\" stroke=\"black\"/>",
        mt + plot_h
    );
    let _ = writeln!(
        s,
        "<line x1=\"{ml}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"black\"/>",
        mt + plot_h,
        ml + plot_w,
        mt + plot_h
    );
    let _ = writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
        ml + plot_w / 2.0,
        HEIGHT - 10.0,
        escape(x_label)
    );
    s.push_str("</svg>\n");
    s
}
