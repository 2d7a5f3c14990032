//! The body chart (`assets/body-chart.svg`, one shape per area and side),
//! split once into fixed text and area shapes so a page can mark areas with
//! CSS classes. Classes, not inline styles: the content security policy
//! forbids inline styles, and the same marks drive the pain-map script.
//!
//! The shapes are rendered as labelled pictures, not buttons: without script
//! a tap on one does nothing (the pain map's "Add an area" list is the way to
//! choose), and 175 tab stops would stand between a keyboard and the form.
//! `assets/chart-finder.js` makes them buttons with a single tab stop.

use std::sync::LazyLock;

use myomap_domain::{AreaSite, Side};

const SVG: &str = include_str!("../assets/body-chart.svg");
const AREA_CLASS: &str = "class=\"area\"";
/// What the SVG file says of each shape, and what the pages say instead.
const AS_BUTTON: &str = " tabindex=\"0\" role=\"button\"";
const AS_PICTURE: &str = " role=\"img\"";

enum Part {
    Text(String),
    /// Stands for `class="area"` of the shape of this site.
    AreaClass(AreaSite),
}

pub struct BodyChart {
    parts: Vec<Part>,
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    tag[start..].split('"').next()
}

impl BodyChart {
    fn parse(svg: &'static str) -> BodyChart {
        // Keep from <svg ...> on, without the XML prolog and the embedded
        // <style> (its rules live in app.css).
        let svg = &svg[svg.find("<svg").unwrap_or(0)..];
        let (before_style, after_style) = match (svg.find("<style>"), svg.find("</style>")) {
            (Some(start), Some(end)) => (&svg[..start], &svg[end + "</style>".len()..]),
            _ => (svg, ""),
        };
        let mut parts = Vec::new();
        for chunk in [before_style, after_style] {
            let mut rest = chunk;
            while let Some(at) = rest.find(AREA_CLASS) {
                parts.push(Part::Text(rest[..at].replace(AS_BUTTON, AS_PICTURE)));
                let tag_end = rest[at..].find('>').map_or(rest.len(), |i| at + i);
                let tag = &rest[at..tag_end];
                let site = attribute(tag, "data-area")
                    .and_then(|area| AreaSite::parse(area, attribute(tag, "data-side")).ok());
                match site {
                    Some(site) => parts.push(Part::AreaClass(site)),
                    None => parts.push(Part::Text(AREA_CLASS.to_owned())),
                }
                rest = &rest[at + AREA_CLASS.len()..];
            }
            parts.push(Part::Text(rest.replace(AS_BUTTON, AS_PICTURE)));
        }
        BodyChart { parts }
    }

    /// The chart as inline SVG; `mark` names extra classes for a site's shape.
    pub fn render(&self, mark: impl Fn(AreaSite) -> Option<&'static str>) -> String {
        let mut out = String::with_capacity(SVG.len() + 1024);
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::AreaClass(site) => match mark(*site) {
                    Some(extra) => {
                        out.push_str("class=\"area ");
                        out.push_str(extra);
                        out.push('"');
                    }
                    None => out.push_str(AREA_CLASS),
                },
            }
        }
        out
    }

    /// Every site that has a shape.
    #[cfg(test)]
    pub fn sites(&self) -> impl Iterator<Item = AreaSite> + '_ {
        self.parts.iter().filter_map(|p| match p {
            Part::AreaClass(site) => Some(*site),
            Part::Text(_) => None,
        })
    }
}

pub fn body_chart() -> &'static BodyChart {
    static CHART: LazyLock<BodyChart> = LazyLock::new(|| BodyChart::parse(SVG));
    &CHART
}

/// Sides a zone is drawn on for a muscle shown on `side` (`None`: unsided
/// muscle, both sides).
pub fn zone_sides(area_sided: bool, muscle_side: Option<Side>, bilateral: bool) -> Vec<Option<Side>> {
    match (area_sided, muscle_side, bilateral) {
        (false, _, _) => vec![None],
        (true, Some(side), false) => vec![Some(side)],
        _ => vec![Some(Side::Left), Some(Side::Right)],
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::collections::HashSet;

    use myomap_domain::body_areas;

    use super::*;

    #[test]
    fn every_site_has_a_shape_and_every_shape_a_site() {
        let chart = body_chart();
        let shapes: HashSet<AreaSite> = chart.sites().collect();
        let all: HashSet<AreaSite> = body_areas().sites().collect();
        assert_eq!(shapes, all);
        let unparsed = chart
            .parts
            .iter()
            .filter(|p| matches!(p, Part::Text(t) if *t == AREA_CLASS))
            .count();
        assert_eq!(unparsed, 0, "every area shape names a valid area and side");
    }

    #[test]
    fn marks_become_classes_and_nothing_else_changes() {
        let temple = AreaSite::parse("head.temple", Some("right")).unwrap();
        let plain = body_chart().render(|_| None);
        let marked = body_chart().render(|site| (site == temple).then_some("essential"));
        assert_eq!(marked.matches("class=\"area essential\"").count(), 1);
        assert_eq!(marked.replace("class=\"area essential\"", AREA_CLASS), plain);
        assert!(plain.starts_with("<svg") && !plain.contains("<style>"));
    }

    #[test]
    fn shapes_are_labelled_pictures_without_tab_stops() {
        let plain = body_chart().render(|_| None);
        assert!(!plain.contains("tabindex") && !plain.contains("role=\"button\""));
        assert_eq!(
            plain.matches(AS_PICTURE).count(),
            body_chart().sites().count(),
            "every shape, duplicates of the other view too"
        );
    }
}
