//! `myomap suggest` and `myomap atlas`: the referred-pain engine and the
//! trigger-point atlas at the command line.

use std::process::ExitCode;

use myomap_atlas::{Muscle, Zone, atlas};
use myomap_domain::{PainEntry, body_areas};
use serde_json::json;

use super::{bad_input, emit};
use crate::cli::AtlasCommand;

/// Appends one line to an output buffer; the buffer is written once by
/// [`emit`], which treats a closed pipe (`| head`) as a normal end.
macro_rules! outln {
    ($out:ident, $($arg:tt)*) => {{
        $out.push_str(&format!($($arg)*));
        $out.push('\n');
    }};
}

pub fn suggest(specs: &[String], top: usize, as_json: bool) -> ExitCode {
    let mut out = String::new();
    let mut map = Vec::with_capacity(specs.len());
    for spec in specs {
        match spec.parse::<PainEntry>() {
            Ok(entry) => map.push(entry),
            Err(e) => return bad_input(e),
        }
    }
    let result = myomap_atlas::suggest(&map, top);
    if as_json {
        outln!(out, "{}", json!(result));
        return emit(&out);
    }
    if result.suggestions.is_empty() {
        outln!(out, "No muscle in the atlas refers pain to these areas.");
        return emit(&out);
    }
    outln!(
        out,
        "{:>3}  {:<34} {:<6} {:>5}  explains",
        "#",
        "muscle",
        "side",
        "score"
    );
    for (rank, s) in result.suggestions.iter().enumerate() {
        let explains: Vec<String> = s
            .explains
            .iter()
            .map(|e| {
                let side = e.side.map(|side| format!(":{side}")).unwrap_or_default();
                format!("{}{side} ({})", e.area, e.zone.as_str())
            })
            .collect();
        let side = s.side.map_or("-", |side| side.as_str());
        outln!(
            out,
            "{:>3}  {:<34} {:<6} {:>5.3}  {}",
            rank + 1,
            s.name,
            side,
            s.score,
            explains.join(", ")
        );
    }
    outln!(
        out,
        "\nExplaining set (fewest muscles that together explain the map): {}",
        result.explaining_set.join(", ")
    );
    emit(&out)
}

pub fn run(command: Option<AtlasCommand>, query: Option<&str>, as_json: bool, areas: bool) -> ExitCode {
    match command {
        Some(AtlasCommand::Show { muscle, json }) => show(&muscle, json),
        Some(AtlasCommand::Evaluate { json }) => evaluate(json),
        None if areas => list_areas(as_json),
        None => list(query, as_json),
    }
}

fn list(query: Option<&str>, as_json: bool) -> ExitCode {
    let mut out = String::new();
    let muscles: Vec<&Muscle> = match query.map(str::trim) {
        Some(q) if !q.is_empty() => atlas().search(q),
        _ => atlas().muscles().iter().collect(),
    };
    if as_json {
        outln!(out, "{}", json!({ "muscles": muscles }));
        return emit(&out);
    }
    for m in &muscles {
        let essential: Vec<&str> = m
            .referral
            .iter()
            .filter(|z| z.zone == Zone::Essential)
            .map(|z| z.area.as_str())
            .collect();
        outln!(
            out,
            "{:<34} {:<16} {:<16} {}",
            m.id,
            m.region.as_str(),
            m.name,
            essential.join(", ")
        );
    }
    outln!(out, "{} muscle(s)", muscles.len());
    emit(&out)
}

fn show(id: &str, as_json: bool) -> ExitCode {
    let mut out = String::new();
    let Some(m) = atlas().muscle(id) else {
        let similar: Vec<&str> = atlas().search(id).iter().take(5).map(|m| m.id.as_str()).collect();
        let hint = if similar.is_empty() {
            String::new()
        } else {
            format!(" (did you mean {}?)", similar.join(", "))
        };
        return bad_input(format!("unknown muscle \"{id}\"{hint}; `myomap atlas` lists them"));
    };
    if as_json {
        outln!(out, "{}", json!({ "muscles": [m] }));
        return emit(&out);
    }
    outln!(out, "{} ({}), region {}", m.name, m.id, m.region.as_str());
    let conditions: Vec<&str> = m.conditions.iter().map(|c| c.as_str()).collect();
    outln!(out, "Conditions: {}", conditions.join(", "));
    outln!(out, "Trigger points:");
    for tp in &m.trigger_points {
        outln!(out, "  {} in {}: {}", tp.id, tp.area, tp.location);
    }
    for zone in [Zone::Essential, Zone::Spillover] {
        let areas: Vec<String> = m
            .referral
            .iter()
            .filter(|z| z.zone == zone)
            .map(|z| {
                if z.bilateral {
                    format!("{} (both sides)", z.area)
                } else {
                    z.area.to_string()
                }
            })
            .collect();
        outln!(
            out,
            "{} zones: {}",
            zone.as_str(),
            if areas.is_empty() {
                "none".into()
            } else {
                areas.join(", ")
            }
        );
    }
    for caution in &m.cautions {
        outln!(out, "Caution: {caution}");
    }
    outln!(out, "Stretch: {}", m.stretch);
    for source in &m.sources {
        outln!(out, "Source: {source}");
    }
    emit(&out)
}

fn evaluate(as_json: bool) -> ExitCode {
    let mut out = String::new();
    let e = myomap_atlas::evaluate();
    if as_json {
        let misses: Vec<_> = e
            .misses
            .iter()
            .map(|m| json!({"vignette": m.vignette, "expected": m.expected, "got": m.got, "rank": m.rank}))
            .collect();
        outln!(
            out,
            "{}",
            json!({"vignettes": e.total, "top1": e.top1_rate(), "top3": e.top3_rate(), "top5": e.top5_rate(), "misses": misses})
        );
        return emit(&out);
    }
    outln!(out, "{} vignettes", e.total);
    for (k, hits, rate) in [
        (1, e.top1, e.top1_rate()),
        (3, e.top3, e.top3_rate()),
        (5, e.top5, e.top5_rate()),
    ] {
        outln!(out, "top-{k}: {hits}/{} ({:.1} %)", e.total, rate * 100.0);
    }
    for miss in &e.misses {
        let rank = miss.rank.map_or("not ranked".to_owned(), |r| format!("rank {r}"));
        outln!(
            out,
            "  {}: expected {} ({rank}); top 5 {}",
            miss.vignette,
            miss.expected.join("/"),
            miss.got.join(", ")
        );
    }
    emit(&out)
}

fn list_areas(as_json: bool) -> ExitCode {
    let mut out = String::new();
    let areas = body_areas();
    if as_json {
        let list: Vec<_> = areas
            .ids()
            .map(|id| json!({"area": id.as_str(), "label": id.area().label, "sided": id.is_sided()}))
            .collect();
        outln!(out, "{}", json!({ "areas": list }));
        return emit(&out);
    }
    for id in areas.ids() {
        let sides = if id.is_sided() { ":left|:right" } else { "" };
        outln!(out, "{:<36} {}", format!("{id}{sides}"), id.area().label);
    }
    emit(&out)
}
