//! Chart geometry shared by the SVG and the PDF charts: the value range,
//! the y ticks, the x categories and where every point goes inside a plot
//! box. Coordinates grow downwards (SVG convention); the PDF flips them.

use crate::ChartSeries;

/// The plot box: the area inside the axes, in the target's units.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PlotBox {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

/// One drawable point of a line.
#[derive(Debug, Clone)]
pub(crate) struct PlacedPoint {
    pub x: f64,
    pub y: f64,
    pub label: String,
    pub value: f64,
}

/// Where everything of one chart goes.
#[derive(Debug, Clone)]
pub(crate) struct Geometry {
    pub plot: PlotBox,
    /// The y range actually drawn (the series' `min..max` unless unusable).
    pub lo: f64,
    pub hi: f64,
    /// Y ticks: value and y coordinate, from `lo` up to `hi`.
    pub ticks: Vec<(f64, f64)>,
    /// X categories (labels), with their x coordinate.
    pub categories: Vec<(String, f64)>,
    /// Indexes into `categories` whose label is written under the axis.
    pub shown_labels: Vec<usize>,
    pub first: Vec<PlacedPoint>,
    pub second: Vec<PlacedPoint>,
}

/// The y range to draw: `min..max` when both are finite and `min < max`;
/// otherwise the range of the finite values (widened by one unit each way
/// when they are all equal), or `0..1` when there is nothing.
pub(crate) fn value_range(series: &ChartSeries) -> (f64, f64) {
    if series.min.is_finite()
        && series.max.is_finite()
        && series.min < series.max
        && (series.max - series.min).is_finite()
    {
        return (series.min, series.max);
    }
    let values = series
        .points
        .iter()
        .chain(series.second.iter().flat_map(|(_, pts)| pts.iter()))
        .map(|p| p.value)
        .filter(|v| v.is_finite());
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if lo < hi && (hi - lo).is_finite() {
        (lo, hi)
    } else if (hi - lo).is_finite() {
        (lo - 1.0, hi + 1.0)
    } else {
        (0.0, 1.0)
    }
}

/// Tick values from `lo` to `hi`: both ends, and the multiples of a round
/// step (1, 2, 2.5 or 5 times a power of ten, giving 3 to 6 intervals) that
/// are not crowding an end.
pub(crate) fn tick_values(lo: f64, hi: f64) -> Vec<f64> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return vec![lo, hi];
    }
    let raw = span / 4.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    if !(magnitude.is_finite() && magnitude > 0.0) {
        return vec![lo, hi];
    }
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| span / s <= 6.0)
        .unwrap_or(10.0 * magnitude);
    let mut ticks = vec![lo];
    let mut k = (lo / step).floor() + 1.0;
    for _ in 0..12 {
        let v = k * step;
        if v >= hi {
            break;
        }
        if (v - lo) / span > 0.08 && (hi - v) / span > 0.08 {
            ticks.push(v);
        }
        k += 1.0;
    }
    ticks.push(hi);
    ticks
}

impl Geometry {
    /// Lays out `series` in `plot`. `label_width` estimates how wide one x
    /// label is (in the same units), to decide how many labels fit.
    pub(crate) fn new(series: &ChartSeries, plot: PlotBox, label_width: f64) -> Self {
        let (lo, hi) = value_range(series);
        let y_of = |v: f64| {
            let t = ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
            let t = if t.is_finite() { t } else { 0.0 };
            plot.bottom - t * (plot.bottom - plot.top)
        };

        // Categories: the first line's labels in order, then any label only
        // the second line has.
        let mut labels: Vec<String> = Vec::new();
        let index_of = |label: &str, labels: &mut Vec<String>| -> usize {
            match labels.iter().position(|l| l == label) {
                Some(i) => i,
                None => {
                    labels.push(label.to_string());
                    labels.len() - 1
                }
            }
        };
        let first_idx: Vec<usize> = series.points.iter().map(|p| index_of(&p.label, &mut labels)).collect();
        let second_idx: Vec<usize> = series
            .second
            .iter()
            .flat_map(|(_, pts)| pts.iter())
            .map(|p| index_of(&p.label, &mut labels))
            .collect();

        let n = labels.len();
        let width = plot.right - plot.left;
        let pad = (width * 0.05).min(18.0);
        let x_of = |i: usize| {
            if n <= 1 {
                plot.left + width / 2.0
            } else {
                plot.left + pad + (width - 2.0 * pad) * (i as f64) / ((n - 1) as f64)
            }
        };
        let categories: Vec<(String, f64)> = labels.into_iter().enumerate().map(|(i, l)| (l, x_of(i))).collect();

        let place = |pts: &[crate::ChartPoint], idx: &[usize]| -> Vec<PlacedPoint> {
            pts.iter()
                .zip(idx)
                .filter(|(p, _)| p.value.is_finite())
                .map(|(p, &i)| PlacedPoint {
                    x: x_of(i),
                    y: y_of(p.value),
                    label: p.label.clone(),
                    value: p.value,
                })
                .collect()
        };
        let first = place(&series.points, &first_idx);
        let second = match &series.second {
            Some((_, pts)) => place(pts, &second_idx),
            None => Vec::new(),
        };

        let ticks = tick_values(lo, hi).into_iter().map(|v| (v, y_of(v))).collect();
        let shown_labels = shown_labels(n, width, label_width);
        Geometry {
            plot,
            lo,
            hi,
            ticks,
            categories,
            shown_labels,
            first,
            second,
        }
    }
}

/// Which of `n` evenly spaced labels to write so that none overlap: every
/// label when they fit, else every `s`-th from the first, where `s` is the
/// smallest stride that leaves room (preferring one that lands on the last
/// label); the last label is always written, replacing the one before it
/// when the two would collide.
fn shown_labels(n: usize, width: f64, label_width: f64) -> Vec<usize> {
    if n <= 1 {
        return (0..n).collect();
    }
    let spacing = width / (n - 1) as f64;
    let slot = label_width * 1.2;
    if !(spacing > 0.0 && slot.is_finite()) || slot <= spacing {
        return (0..n).collect();
    }
    let last = n - 1;
    let min_stride = ((slot / spacing).ceil() as usize).clamp(1, last);
    let stride = (min_stride..=(2 * min_stride).min(last))
        .find(|s| last.is_multiple_of(*s))
        .unwrap_or(min_stride);
    let mut out: Vec<usize> = (0..=last).step_by(stride).collect();
    if out.last() != Some(&last) {
        if let Some(&prev) = out.last()
            && out.len() > 1
            && ((last - prev) as f64) * spacing < slot
        {
            out.pop();
        }
        out.push(last);
    }
    out
}

/// A number as people write it: at most two decimals, no trailing zeros.
pub(crate) fn format_number(v: f64) -> String {
    if !v.is_finite() {
        return "-".to_string();
    }
    if v.abs() >= 1e9 {
        return format!("{v:.3e}");
    }
    let s = format!("{v:.2}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".to_string() } else { s }
}

/// A value with its unit: `42%`, `6/10`, `12 points`, `3.4 kg/cm²`.
pub(crate) fn with_unit(v: f64, unit: &str) -> String {
    let n = format_number(v);
    let unit = unit.trim();
    if unit.is_empty() {
        n
    } else if unit.starts_with('%') || unit.starts_with('/') {
        format!("{n}{unit}")
    } else {
        format!("{n} {unit}")
    }
}

/// "Higher is better" or "Lower is better".
pub(crate) fn direction(series: &ChartSeries) -> &'static str {
    if series.higher_is_better {
        "Higher is better"
    } else {
        "Lower is better"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_include_the_ends() {
        assert_eq!(tick_values(0.0, 100.0), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(tick_values(0.0, 10.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(tick_values(0.0, 80.0), vec![0.0, 20.0, 40.0, 60.0, 80.0]);
        assert_eq!(tick_values(0.0, 24.0), vec![0.0, 5.0, 10.0, 15.0, 20.0, 24.0]);
        assert_eq!(tick_values(5.0, 5.0), vec![5.0, 5.0]);
    }

    #[test]
    fn numbers_are_written_plainly() {
        assert_eq!(format_number(42.0), "42");
        assert_eq!(format_number(3.5), "3.5");
        assert_eq!(format_number(3.456), "3.46");
        assert_eq!(format_number(-0.001), "0");
        assert_eq!(with_unit(6.0, "/10"), "6/10");
        assert_eq!(with_unit(42.0, "%"), "42%");
        assert_eq!(with_unit(3.4, "kg/cm²"), "3.4 kg/cm²");
        assert_eq!(with_unit(12.0, ""), "12");
    }

    #[test]
    fn labels_thin_out_when_crowded() {
        assert_eq!(shown_labels(3, 500.0, 60.0), vec![0, 1, 2]);
        assert_eq!(shown_labels(1, 500.0, 60.0), vec![0]);
        assert_eq!(shown_labels(0, 500.0, 60.0), Vec::<usize>::new());
        // 8 labels 30 apart, 36 wide: every other one, and the last.
        assert_eq!(shown_labels(8, 210.0, 30.0), vec![0, 2, 4, 7]);
        // 9 labels: a stride of 2 lands on the last one.
        assert_eq!(shown_labels(9, 240.0, 30.0), vec![0, 2, 4, 6, 8]);
        for n in 2..60 {
            let shown = shown_labels(n, 500.0, 60.0);
            assert_eq!(shown.first(), Some(&0));
            assert_eq!(shown.last(), Some(&(n - 1)));
            let spacing = 500.0 / (n - 1) as f64;
            for w in shown.windows(2) {
                assert!(
                    (w[1] - w[0]) as f64 * spacing >= 60.0 || shown.len() == 2,
                    "{n}: {shown:?}"
                );
            }
        }
    }
}
