use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use myomap_atlas::{Muscle, Zone, atlas};
use myomap_domain::{AreaSite, Side};
use serde::Deserialize;

use super::{Layout, PageActor, error_page, render};
use crate::chart::{body_chart, zone_sides};

struct MuscleRow {
    id: String,
    name: String,
    refers_to: String,
}

struct RegionGroup {
    region: String,
    muscles: Vec<MuscleRow>,
}

#[derive(Template)]
#[template(path = "atlas.html")]
struct AtlasPage {
    layout: Layout,
    query: String,
    count: usize,
    groups: Vec<RegionGroup>,
}

#[derive(Deserialize)]
pub struct AtlasParams {
    #[serde(default)]
    q: String,
}

fn label(text: &str) -> String {
    let spaced = text.replace('_', " ");
    let mut chars = spaced.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn condition_label(condition: &str) -> String {
    match condition {
        "tmj" => "TMJ dysfunction".to_owned(),
        other => label(other),
    }
}

fn zone_labels(muscle: &Muscle, zone: Zone) -> String {
    muscle
        .referral
        .iter()
        .filter(|z| z.zone == zone)
        .map(|z| z.area.area().label.clone())
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn list(PageActor(actor): PageActor, Query(params): Query<AtlasParams>) -> Response {
    let query = params.q.trim().to_owned();
    let muscles: Vec<&Muscle> = if query.is_empty() {
        atlas().muscles().iter().collect()
    } else {
        atlas().search(&query)
    };
    let mut groups: Vec<RegionGroup> = Vec::new();
    for muscle in &muscles {
        let region = label(muscle.region.as_str());
        let row = MuscleRow {
            id: muscle.id.clone(),
            name: muscle.name.clone(),
            refers_to: zone_labels(muscle, Zone::Essential),
        };
        match groups.iter_mut().find(|g| g.region == region) {
            Some(group) => group.muscles.push(row),
            None => groups.push(RegionGroup {
                region,
                muscles: vec![row],
            }),
        }
    }
    let page = AtlasPage {
        layout: Layout::signed_in(&actor, "atlas"),
        query,
        count: muscles.len(),
        groups,
    };
    render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "muscle.html")]
struct MusclePage {
    layout: Layout,
    name: String,
    region: String,
    conditions: String,
    essential: String,
    spillover: String,
    side_note: &'static str,
    chart: String,
    trigger_points: Vec<(String, String, String)>,
    cautions: Vec<String>,
    stretch: String,
    sources: Vec<String>,
}

pub async fn show(PageActor(actor): PageActor, Path(id): Path<String>) -> Response {
    let Some(muscle) = atlas().muscle(&id) else {
        return error_page(
            StatusCode::NOT_FOUND,
            Layout::signed_in(&actor, "atlas"),
            "Not found",
            "The atlas has no muscle with this id.",
        );
    };
    // Drawn on the client's right, as the classic charts do; the left mirrors it.
    let side = muscle.paired.then_some(Side::Right);
    let mut marks: HashMap<AreaSite, &'static str> = HashMap::new();
    for tp in &muscle.trigger_points {
        for s in zone_sides(tp.area.is_sided(), side, false) {
            if let Ok(site) = AreaSite::new(tp.area, s) {
                marks.insert(site, "tp");
            }
        }
    }
    // Spillover first so an essential zone wins where both apply.
    for zone in [Zone::Spillover, Zone::Essential] {
        for referral in muscle.referral.iter().filter(|r| r.zone == zone) {
            for s in zone_sides(referral.area.is_sided(), side, referral.bilateral) {
                if let Ok(site) = AreaSite::new(referral.area, s) {
                    let class = match (zone, marks.get(&site)) {
                        (Zone::Essential, Some(&"tp" | &"essential tp")) => "essential tp",
                        (Zone::Essential, _) => "essential",
                        (Zone::Spillover, Some(&"tp")) => "spillover tp",
                        (Zone::Spillover, _) => "spillover",
                    };
                    marks.insert(site, class);
                }
            }
        }
    }
    let page = MusclePage {
        layout: Layout::signed_in(&actor, "atlas"),
        name: muscle.name.clone(),
        region: label(muscle.region.as_str()),
        conditions: muscle
            .conditions
            .iter()
            .map(|c| condition_label(c.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
        essential: zone_labels(muscle, Zone::Essential),
        spillover: zone_labels(muscle, Zone::Spillover),
        side_note: if muscle.paired {
            "Shown for the right-side muscle; the left refers to the mirror image."
        } else {
            "A midline muscle: shown on both sides."
        },
        chart: body_chart().render(|site| marks.get(&site).copied()),
        trigger_points: muscle
            .trigger_points
            .iter()
            .map(|tp| (tp.id.clone(), tp.area.area().label.clone(), tp.location.clone()))
            .collect(),
        cautions: muscle.cautions.clone(),
        stretch: muscle.stretch.clone(),
        sources: muscle.sources.clone(),
    };
    render(StatusCode::OK, &page)
}
