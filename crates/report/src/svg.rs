//! The SVG line chart for the web pages.
//!
//! The markup is made for a strict Content-Security-Policy: no `style`
//! attributes or elements and no script; looks come from class names (for
//! the site's CSS) and presentation attributes (`stroke`, `fill`,
//! `font-size` ...), which CSP does not govern and CSS can still override.
//! The chart has no `id`s, so several can sit on one page.

use std::fmt::Write as _;

use crate::ChartSeries;
use crate::scale::{Geometry, PlacedPoint, PlotBox, direction, format_number, with_unit};

const WIDTH: f64 = 640.0;
const PLOT: PlotBox = PlotBox {
    left: 56.0,
    right: 624.0,
    top: 56.0,
    bottom: 232.0,
};
const FIRST_COLOUR: &str = "#0f766e";
const SECOND_COLOUR: &str = "#b45309";
const AXIS_COLOUR: &str = "#6b7280";
const GRID_COLOUR: &str = "#e5e7eb";
const TEXT_COLOUR: &str = "#374151";
/// Rough width of one character of the 11px labels, to thin out x labels.
const LABEL_CHAR_WIDTH: f64 = 6.2;

/// Escapes text for XML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow at all.
            c if (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {
                out.push(' ')
            }
            c => out.push(c),
        }
    }
    out
}

fn num(v: f64) -> String {
    format!("{v:.1}")
}

/// The legend of the first line: its own name, or the chart's title when a
/// second line needs telling apart and the first has no name.
fn first_legend(series: &ChartSeries) -> Option<String> {
    match (&series.first_legend, &series.second) {
        (Some(l), _) => Some(l.clone()),
        (None, Some(_)) => Some(series.title.clone()),
        (None, None) => None,
    }
}

/// One line's sentence for the accessible name.
fn describe(name: Option<&str>, points: &[PlacedPoint], unit: &str) -> String {
    let prefix = name.map(|n| format!("{n}: ")).unwrap_or_default();
    match points {
        [] => format!("{prefix}no measurements"),
        [only] => format!("{prefix}{} on {}", with_unit(only.value, unit), only.label),
        [first, .., last] => format!(
            "{prefix}{} measurements, from {} on {} to {} on {}",
            points.len(),
            with_unit(first.value, unit),
            first.label,
            with_unit(last.value, unit),
            last.label
        ),
    }
}

fn aria_label(series: &ChartSeries, g: &Geometry) -> String {
    let first_name = first_legend(series);
    let mut parts = vec![describe(
        first_name.as_deref().filter(|_| series.second.is_some()),
        &g.first,
        &series.unit,
    )];
    if let Some((legend, _)) = &series.second {
        parts.push(describe(Some(legend), &g.second, &series.unit));
    }
    format!(
        "{}. {}. Scale {} to {}; {}.",
        series.title,
        parts.join("; "),
        format_number(g.lo),
        format_number(g.hi),
        direction(series).to_lowercase()
    )
}

fn write_line(out: &mut String, class: &str, legend: Option<&str>, points: &[PlacedPoint], unit: &str, dashed: bool) {
    let colour = if dashed { SECOND_COLOUR } else { FIRST_COLOUR };
    let _ = writeln!(out, "<g class=\"chart-series {class}\">");
    if points.len() > 1 {
        let coords: Vec<String> = points.iter().map(|p| format!("{},{}", num(p.x), num(p.y))).collect();
        let dash = if dashed { " stroke-dasharray=\"6 4\"" } else { "" };
        let _ = writeln!(
            out,
            "<polyline class=\"chart-line\" points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\" stroke-linejoin=\"round\" stroke-linecap=\"round\"{dash}/>",
            coords.join(" ")
        );
    }
    if let [only] = points {
        let _ = writeln!(
            out,
            "<text class=\"chart-value\" x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\" fill=\"{colour}\">{}</text>",
            num(only.x),
            num(if only.y - 10.0 < PLOT.top + 8.0 {
                only.y + 20.0
            } else {
                only.y - 10.0
            }),
            escape(&with_unit(only.value, unit))
        );
    }
    for p in points {
        let (fill, stroke) = if dashed {
            ("#ffffff", colour)
        } else {
            (colour, "#ffffff")
        };
        let who = legend.map(|l| format!(" ({l})")).unwrap_or_default();
        let _ = writeln!(
            out,
            "<circle class=\"chart-point\" cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"2\"><title>{}{}: {}</title></circle>",
            num(p.x),
            num(p.y),
            escape(&p.label),
            escape(&who),
            escape(&with_unit(p.value, unit))
        );
    }
    out.push_str("</g>\n");
}

/// Renders `series` as a standalone `<svg>` element for an HTML page.
///
/// The chart is 640 units wide (the `progress-chart` class should give it
/// `width: 100%; height: auto`), with the title and the direction of
/// improvement on top, y ticks at the scale's ends and round values in
/// between, the labels of the x axis (thinned out when crowded), the first
/// line solid with filled markers, the optional second line dashed with
/// hollow markers, and a legend when a line has a name. Every marker has a
/// `<title>` tooltip `label: value`; the root has `role="img"`, a `<title>`
/// and an `aria-label` summing the chart up. All text is XML-escaped.
///
/// Values outside `min..=max` are drawn at the nearest end (the tooltip
/// keeps the real value); non-finite values are left out; an unusable range
/// (`min >= max`, not finite) falls back to the data's own range.
pub fn svg_chart(series: &ChartSeries) -> String {
    let label_width = series
        .points
        .iter()
        .chain(series.second.iter().flat_map(|(_, p)| p.iter()))
        .map(|p| p.label.chars().count())
        .max()
        .unwrap_or(0) as f64
        * LABEL_CHAR_WIDTH;
    let g = Geometry::new(series, PLOT, label_width);
    let first_name = first_legend(series);
    let has_legend = first_name.is_some() || series.second.is_some();
    let height = if has_legend { 292.0 } else { 262.0 };

    let mut out = String::with_capacity(4096);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"progress-chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\">",
        format_number(WIDTH),
        format_number(height),
        escape(&aria_label(series, &g))
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&series.title));
    let _ = writeln!(
        out,
        "<text class=\"chart-title\" x=\"16\" y=\"24\" font-size=\"16\" font-weight=\"600\" fill=\"{TEXT_COLOUR}\">{}</text>",
        escape(&series.title)
    );
    let _ = writeln!(
        out,
        "<text class=\"chart-direction\" x=\"16\" y=\"43\" font-size=\"12\" fill=\"{AXIS_COLOUR}\">{}</text>",
        escape(direction(series))
    );

    // Grid, ticks and axes.
    out.push_str("<g class=\"chart-axes\">\n");
    for (v, y) in &g.ticks {
        let _ = writeln!(
            out,
            "<line class=\"chart-grid\" x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{GRID_COLOUR}\" stroke-width=\"1\"/>",
            num(g.plot.left),
            num(g.plot.right),
            y = num(*y)
        );
        let _ = writeln!(
            out,
            "<text class=\"chart-tick\" x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\" fill=\"{AXIS_COLOUR}\">{}</text>",
            num(g.plot.left - 8.0),
            num(y + 4.0),
            escape(&format_number(*v))
        );
    }
    let _ = writeln!(
        out,
        "<line class=\"chart-axis\" x1=\"{l}\" y1=\"{t}\" x2=\"{l}\" y2=\"{b}\" stroke=\"{AXIS_COLOUR}\" stroke-width=\"1\"/>",
        l = num(g.plot.left),
        t = num(g.plot.top),
        b = num(g.plot.bottom)
    );
    let _ = writeln!(
        out,
        "<line class=\"chart-axis\" x1=\"{l}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"{AXIS_COLOUR}\" stroke-width=\"1\"/>",
        l = num(g.plot.left),
        r = num(g.plot.right),
        b = num(g.plot.bottom)
    );
    for &i in &g.shown_labels {
        if let Some((label, x)) = g.categories.get(i) {
            let _ = writeln!(
                out,
                "<line class=\"chart-tick-mark\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{AXIS_COLOUR}\" stroke-width=\"1\"/>",
                num(g.plot.bottom),
                num(g.plot.bottom + 4.0),
                x = num(*x)
            );
            // Keep the first and last labels inside the picture.
            let half = label.chars().count() as f64 * LABEL_CHAR_WIDTH / 2.0;
            let lx = if 2.0 * half + 8.0 >= WIDTH {
                WIDTH / 2.0
            } else {
                x.clamp(4.0 + half, WIDTH - 4.0 - half)
            };
            let _ = writeln!(
                out,
                "<text class=\"chart-label\" x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{AXIS_COLOUR}\">{}</text>",
                num(lx),
                num(g.plot.bottom + 18.0),
                escape(label)
            );
        }
    }
    out.push_str("</g>\n");

    if g.first.is_empty() && g.second.is_empty() {
        let _ = writeln!(
            out,
            "<text class=\"chart-empty\" x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"middle\" fill=\"{AXIS_COLOUR}\">No measurements yet</text>",
            num((g.plot.left + g.plot.right) / 2.0),
            num((g.plot.top + g.plot.bottom) / 2.0)
        );
    }
    let second_name = series.second.as_ref().map(|(l, _)| l.as_str());
    if series.second.is_some() {
        write_line(
            &mut out,
            "chart-series-second",
            second_name,
            &g.second,
            &series.unit,
            true,
        );
    }
    let first_tooltip_name = first_name.as_deref().filter(|_| series.second.is_some());
    write_line(
        &mut out,
        "chart-series-first",
        first_tooltip_name,
        &g.first,
        &series.unit,
        false,
    );

    if has_legend {
        out.push_str("<g class=\"chart-legend\">\n");
        let y = height - 14.0;
        let mut x = g.plot.left;
        let entries = first_name
            .iter()
            .map(|n| (n.as_str(), false))
            .chain(second_name.map(|n| (n, true)));
        for (name, dashed) in entries {
            let colour = if dashed { SECOND_COLOUR } else { FIRST_COLOUR };
            let dash = if dashed { " stroke-dasharray=\"6 4\"" } else { "" };
            let _ = writeln!(
                out,
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash}/>",
                num(x),
                num(x + 26.0),
                y = num(y - 4.0)
            );
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"{TEXT_COLOUR}\">{}</text>",
                num(x + 32.0),
                num(y),
                escape(name)
            );
            x += 32.0 + name.chars().count() as f64 * 6.8 + 24.0;
        }
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out
}
