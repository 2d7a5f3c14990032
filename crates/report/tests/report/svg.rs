//! The SVG chart: snapshots of fixed series, and properties over any data.

use myomap_report::{ChartPoint, ChartSeries, svg_chart};
use proptest::prelude::*;

/// Parses `svg` as XML and checks the parts every chart must have.
fn check_chart(svg: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2000/svg"));
    assert_eq!(root.attribute("role"), Some("img"));
    assert_eq!(root.attribute("class"), Some("progress-chart"));
    assert!(root.attribute("viewBox").is_some());
    assert!(root.attribute("aria-label").is_some_and(|l| !l.is_empty()));
    let first = root.children().find(|n| n.is_element()).expect("a first element");
    assert_eq!(first.tag_name().name(), "title", "<title> comes first");
    for node in doc.descendants() {
        assert!(
            node.attribute("style").is_none(),
            "inline style on <{}>",
            node.tag_name().name()
        );
        assert_ne!(node.tag_name().name(), "style");
        assert_ne!(node.tag_name().name(), "script");
        assert!(
            node.attribute("id").is_none(),
            "ids would clash with a second chart on the page"
        );
    }
    doc
}

fn tooltips(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("circle"))
        .filter_map(|c| c.children().find(|n| n.has_tag_name("title")))
        .filter_map(|t| t.text().map(str::to_string))
        .collect()
}

#[test]
fn ndi_over_four_visits() {
    let svg = svg_chart(&crate::fixture::ndi());
    let doc = check_chart(&svg);
    assert_eq!(
        tooltips(&doc),
        vec![
            "2026-09-01: 42%",
            "2026-09-15: 38%",
            "2026-10-13: 30%",
            "2026-11-20: 24%"
        ]
    );
    insta::assert_snapshot!("ndi_four_visits", svg);
}

#[test]
fn a_single_measurement() {
    let series = ChartSeries {
        title: "Lower Extremity Functional Scale (points)".into(),
        unit: "points".into(),
        points: vec![ChartPoint {
            label: "2026-10-02".into(),
            value: 51.0,
        }],
        min: 0.0,
        max: 80.0,
        higher_is_better: true,
        second: None,
        first_legend: None,
    };
    let svg = svg_chart(&series);
    let doc = check_chart(&svg);
    assert_eq!(tooltips(&doc), vec!["2026-10-02: 51 points"]);
    assert!(!svg.contains("<polyline"), "one point draws no line");
    insta::assert_snapshot!("single_point", svg);
}

#[test]
fn pain_before_and_after_each_session() {
    let svg = svg_chart(&crate::fixture::nprs());
    let doc = check_chart(&svg);
    let tips = tooltips(&doc);
    assert_eq!(tips.len(), 16);
    assert!(tips.contains(&"2026-09-01 (Before session): 7/10".to_string()));
    assert!(tips.contains(&"2026-11-20 (After session): 1/10".to_string()));
    let dashed = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .filter(|n| n.attribute("stroke-dasharray").is_some())
        .count();
    assert_eq!(dashed, 1, "the second line is dashed");
    let legend: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("chart-legend"))
        .flat_map(|g| {
            g.descendants()
                .filter(|n| n.has_tag_name("text"))
                .filter_map(|t| t.text())
        })
        .collect();
    assert_eq!(legend, vec!["Before session", "After session"]);
    insta::assert_snapshot!("before_and_after", svg);
}

#[test]
fn no_points_still_draws_the_axes() {
    let series = ChartSeries {
        title: "NDI (%)".into(),
        unit: "%".into(),
        min: 0.0,
        max: 100.0,
        ..ChartSeries::default()
    };
    let svg = svg_chart(&series);
    check_chart(&svg);
    assert!(svg.contains("No measurements yet"));
}

#[test]
fn text_is_escaped() {
    let series = ChartSeries {
        title: "<script>alert('x')</script> & \"NDI\"".into(),
        unit: "<b>%</b>".into(),
        points: vec![ChartPoint {
            label: "<img src=x onerror=alert(1)>".into(),
            value: 10.0,
        }],
        min: 0.0,
        max: 100.0,
        higher_is_better: false,
        second: Some(("</g><script>".into(), vec![])),
        first_legend: Some("a&b".into()),
    };
    let svg = svg_chart(&series);
    let doc = check_chart(&svg);
    assert!(!svg.contains("<script"));
    assert!(!svg.contains("<img"));
    assert!(!svg.contains("<b>"));
    assert!(svg.contains("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;NDI&quot;"));
    let title = doc.root_element().children().find(|n| n.has_tag_name("title")).unwrap();
    assert_eq!(title.text(), Some("<script>alert('x')</script> & \"NDI\""));
}

#[test]
fn values_outside_the_scale_are_drawn_at_its_ends() {
    let series = ChartSeries {
        title: "PPT".into(),
        unit: "kg/cm²".into(),
        points: vec![
            ChartPoint {
                label: "a".into(),
                value: -5.0,
            },
            ChartPoint {
                label: "b".into(),
                value: 50.0,
            },
            ChartPoint {
                label: "c".into(),
                value: f64::NAN,
            },
        ],
        min: 0.0,
        max: 10.0,
        higher_is_better: true,
        ..ChartSeries::default()
    };
    let svg = svg_chart(&series);
    let doc = check_chart(&svg);
    let ys: Vec<f64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .map(|c| c.attribute("cy").unwrap().parse().unwrap())
        .collect();
    assert_eq!(ys.len(), 2, "the NaN is left out");
    assert!(ys[0] > ys[1]);
    assert_eq!(tooltips(&doc), vec!["a: -5 kg/cm²", "b: 50 kg/cm²"]);
}

fn label() -> BoxedStrategy<String> {
    prop_oneof![
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        any::<String>(),
        Just("<script>alert(1)</script>".to_string()),
        Just("a & b \"c\" 'd' <e>".to_string()),
    ]
    .boxed()
}

/// A scale and values within it.
fn in_range_series() -> impl Strategy<Value = ChartSeries> {
    (-1e6f64..1e6, 1e-3f64..1e6, any::<bool>(), label(), label()).prop_flat_map(|(min, span, hib, title, unit)| {
        let max = min + span;
        let point = (label(), min..=max)
            .prop_map(|(label, value)| ChartPoint { label, value })
            .boxed();
        (
            prop::collection::vec(point.clone(), 0..30),
            prop::option::of((label(), prop::collection::vec(point, 0..30))),
            prop::option::of(label()),
        )
            .prop_map(move |(points, second, first_legend)| ChartSeries {
                title: title.clone(),
                unit: unit.clone(),
                points,
                min,
                max,
                higher_is_better: hib,
                second,
                first_legend,
            })
    })
}

/// Anything at all, including NaN, infinities and an inverted scale.
fn any_series() -> impl Strategy<Value = ChartSeries> {
    let point = (label(), any::<f64>())
        .prop_map(|(label, value)| ChartPoint { label, value })
        .boxed();
    (
        any::<String>(),
        any::<String>(),
        prop::collection::vec(point.clone(), 0..20),
        any::<f64>(),
        any::<f64>(),
        any::<bool>(),
        prop::option::of((any::<String>(), prop::collection::vec(point, 0..20))),
        prop::option::of(any::<String>()),
    )
        .prop_map(
            |(title, unit, points, min, max, higher_is_better, second, first_legend)| ChartSeries {
                title,
                unit,
                points,
                min,
                max,
                higher_is_better,
                second,
                first_legend,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn values_within_the_scale_give_well_formed_svg(series in in_range_series()) {
        let svg = svg_chart(&series);
        let doc = check_chart(&svg);
        let finite = series.points.len() + series.second.as_ref().map_or(0, |(_, p)| p.len());
        prop_assert_eq!(tooltips(&doc).len(), finite);
        // Every marker sits inside the plot.
        for c in doc.descendants().filter(|n| n.has_tag_name("circle")) {
            let cx: f64 = c.attribute("cx").unwrap().parse().unwrap();
            let cy: f64 = c.attribute("cy").unwrap().parse().unwrap();
            prop_assert!((56.0..=624.0).contains(&cx), "cx {}", cx);
            prop_assert!((56.0..=232.0).contains(&cy), "cy {}", cy);
        }
        let root_title = doc.root_element().children().find(|n| n.has_tag_name("title")).unwrap();
        // XML normalises line ends and cannot carry most control characters.
        let expected: String = series
            .title
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .chars()
            .map(|c| if (c.is_control() && !matches!(c, '\t' | '\n')) || matches!(c, '\u{FFFE}' | '\u{FFFF}') { ' ' } else { c })
            .collect();
        prop_assert_eq!(root_title.text().unwrap_or(""), expected.as_str());
    }

    #[test]
    fn any_data_gives_well_formed_svg_without_panicking(series in any_series()) {
        let svg = svg_chart(&series);
        let doc = check_chart(&svg);
        for node in doc.descendants().filter(|n| n.is_element()) {
            for attr in ["x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r"] {
                if let Some(v) = node.attribute(attr) {
                    let v: f64 = v.parse().unwrap_or(f64::NAN);
                    prop_assert!(v.is_finite(), "{}={}", attr, v);
                }
            }
            if let Some(points) = node.attribute("points") {
                for v in points.split([' ', ',']) {
                    prop_assert!(v.parse::<f64>().is_ok_and(f64::is_finite), "points {}", points);
                }
            }
        }
    }

    #[test]
    fn markup_in_text_is_always_escaped(payload in "[a-z ]{0,8}<(script|img|svg|style)[^>]{0,12}>[a-z ]{0,8}") {
        let series = ChartSeries {
            title: payload.clone(),
            unit: payload.clone(),
            points: vec![ChartPoint { label: payload.clone(), value: 1.0 }],
            min: 0.0,
            max: 10.0,
            second: Some((payload.clone(), vec![ChartPoint { label: payload.clone(), value: 2.0 }])),
            first_legend: Some(payload.clone()),
            ..ChartSeries::default()
        };
        let svg = svg_chart(&series);
        let doc = check_chart(&svg);
        for tag in ["<script", "<img", "<style"] {
            prop_assert!(!svg.contains(tag));
        }
        prop_assert!(!doc.descendants().any(|n| n.has_tag_name("script") || n.has_tag_name("img") || n.has_tag_name("style")));
        let svg_elements = doc.descendants().filter(|n| n.has_tag_name("svg")).count();
        prop_assert_eq!(svg_elements, 1);
    }
}
