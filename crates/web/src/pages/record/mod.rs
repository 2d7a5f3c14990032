//! Pages of the clinical record: intake, assessment, session notes, the
//! client-facing link pages and the follow-up dashboard.

pub mod assessment;
pub mod booking;
pub mod dashboard;
pub mod home_care;
pub mod intake;
pub mod links;
pub mod outcomes;
pub mod plans;
pub mod public;
pub mod session;

use std::sync::LazyLock;

use myomap_atlas::atlas;
use myomap_domain::{AreaSite, Side, body_areas};

/// A client id from the address; a malformed one names no client.
pub fn client_id(id: &str, actor: &myomap_store::Actor) -> Result<myomap_domain::ClientId, crate::pages::PageError> {
    id.parse()
        .map_err(|_| crate::pages::PageError::store(myomap_store::StoreError::NotFound("client"), Some(actor)))
}

/// Turns a store error into the page that explains it, for this actor.
pub fn store_err(actor: &myomap_store::Actor) -> impl Fn(myomap_store::StoreError) -> crate::pages::PageError + '_ {
    move |e| crate::pages::PageError::from((e, actor))
}

/// Form posts arrive as ordered pairs so repeated fields (table rows) keep
/// their order.
pub type Pairs = Vec<(String, String)>;

pub fn values<'a>(form: &'a Pairs, key: &str) -> Vec<&'a str> {
    form.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect()
}

pub fn value<'a>(form: &'a Pairs, key: &str) -> &'a str {
    form.iter().find(|(k, _)| k == key).map_or("", |(_, v)| v.as_str())
}

pub fn checked(form: &Pairs, key: &str) -> bool {
    matches!(value(form, key), "yes" | "on" | "true")
}

/// Every body-area place as (`area[:side]`, "Label (side)") for pickers.
pub fn site_options() -> &'static [(String, String)] {
    static OPTIONS: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
        body_areas()
            .sites()
            .map(|site| (site.to_string(), site.label()))
            .collect()
    });
    &OPTIONS
}

pub fn parse_site(value: &str) -> Option<AreaSite> {
    let (area, side) = match value.split_once(':') {
        Some((area, side)) => (area, Some(side)),
        None => (value, None),
    };
    AreaSite::parse(area, side).ok()
}

/// Every muscle on each side as (`muscle[:side]`, "Name (side)").
pub fn muscle_options() -> &'static [(String, String)] {
    static OPTIONS: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
        let mut options = Vec::new();
        for m in atlas().muscles() {
            if m.paired {
                for side in Side::BOTH {
                    options.push((format!("{}:{side}", m.id), format!("{} ({side})", m.name)));
                }
            } else {
                options.push((m.id.clone(), m.name.clone()));
            }
        }
        options.sort_by(|a, b| a.1.cmp(&b.1));
        options
    });
    &OPTIONS
}

pub fn muscle_value(muscle: &str, side: Option<Side>) -> String {
    match side {
        Some(side) => format!("{muscle}:{side}"),
        None => muscle.to_owned(),
    }
}

/// `muscle[:side]` back into its parts; the side is checked by validation.
pub fn parse_muscle(value: &str) -> (String, Option<Side>) {
    match value.split_once(':') {
        Some((muscle, side)) => (muscle.to_owned(), side.parse().ok()),
        None => (value.to_owned(), None),
    }
}

pub const TRIGGER_POINT_IDS: [&str; 5] = ["tp1", "tp2", "tp3", "tp4", "tp5"];
