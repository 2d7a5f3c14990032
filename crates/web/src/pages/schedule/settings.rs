//! The calendar settings page (a therapist's hours and time off, the
//! clinic's rooms and time zone, the calendar feed) and its simple forms.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::tz::TimeZone;
use myomap_domain::ValidationErrors;
use myomap_store::{Actor, StoreError};

use super::hours::{HoursLine, hours_lines};
use super::{DayParams, chosen_therapist, options};
use crate::AppState;
use crate::pages::record::{Pairs, store_err, value};
use crate::pages::{Layout, MessagePage, PageActor, PageError, render};
use myomap_clinic::schedule::{self as scheduling, zone_of};

#[derive(Template)]
#[template(path = "schedule_settings.html")]
pub(super) struct SettingsPage {
    layout: Layout,
    therapist_id: String,
    therapist_name: String,
    therapists: Vec<(String, String)>,
    lines: Vec<HoursLine>,
    rooms: Vec<String>,
    zone: String,
    owner: bool,
    errors: ValidationErrors,
    csrf: String,
    /// (id, span, reason) of upcoming time off.
    time_off: Vec<(String, String, String)>,
    pub(super) typed_off: (String, String, String),
}

pub(super) async fn settings_page(
    state: &AppState,
    actor: &Actor,
    therapist: Option<&str>,
    typed: Option<Vec<HoursLine>>,
    errors: ValidationErrors,
) -> Result<SettingsPage, PageError> {
    let scope = state.store.clinic(actor);
    let (chosen, therapists) = chosen_therapist(&scope, actor, therapist)
        .await
        .map_err(store_err(actor))?;
    let lines = match typed {
        Some(lines) => lines,
        None => hours_lines(&scope.working_hours(&chosen.id).await.map_err(store_err(actor))?),
    };
    Ok(SettingsPage {
        layout: Layout::signed_in(actor, "schedule"),
        therapist_id: chosen.id.clone(),
        therapist_name: chosen.name.clone(),
        therapists: options(&therapists),
        lines,
        rooms: scope
            .rooms()
            .await
            .map_err(store_err(actor))?
            .into_iter()
            .map(|r| r.name)
            .collect(),
        zone: actor.time_zone.clone(),
        owner: actor.role == myomap_domain::Role::Owner,
        errors,
        csrf: actor.csrf_token.clone(),
        time_off: {
            let zone = zone_of(actor);
            let now = jiff::Timestamp::now();
            let until = now
                .checked_add(jiff::SignedDuration::from_hours(24 * 400))
                .unwrap_or(now);
            scope
                .time_off_between(Some(&chosen.id), now, until)
                .await
                .map_err(store_err(actor))?
                .iter()
                .map(|t| {
                    (
                        t.id.clone(),
                        format!(
                            "{} – {}",
                            scheduling::local_text(t.starts_at, &zone),
                            scheduling::local_text(t.ends_at, &zone)
                        ),
                        t.reason.clone(),
                    )
                })
                .collect()
        },
        typed_off: Default::default(),
    })
}

pub async fn settings(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(params): Query<DayParams>,
) -> Result<Response, PageError> {
    let mut page = settings_page(
        &state,
        &actor,
        params.therapist.as_deref(),
        None,
        ValidationErrors::default(),
    )
    .await?;
    page.layout.notice = params.notice.filter(|n| !n.is_empty());
    Ok(render(StatusCode::OK, &page))
}

pub async fn add_room(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let name = value(&pairs, "name").trim();
    let refused = if name.is_empty() || name.chars().count() > 60 {
        Some("A room needs a name of 1 to 60 characters.".to_owned())
    } else {
        match state.store.clinic(&actor).add_room(name).await {
            Ok(_) => None,
            Err(StoreError::Conflict(m)) => Some(m),
            Err(e) => return Err(store_err(&actor)(e)),
        }
    };
    match refused {
        None => Ok(Redirect::to("/schedule/settings?notice=Room+added").into_response()),
        Some(message) => {
            let page = settings_page(&state, &actor, None, None, ValidationErrors::single("room", message)).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

pub async fn set_time_zone(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let zone = value(&pairs, "time_zone").trim();
    if TimeZone::get(zone).is_err() {
        let page = settings_page(
            &state,
            &actor,
            None,
            None,
            ValidationErrors::single(
                "time_zone",
                format!("\"{zone}\" is not a time zone name; use one like Europe/London or America/New_York"),
            ),
        )
        .await?;
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    state
        .store
        .clinic(&actor)
        .set_time_zone(zone)
        .await
        .map_err(store_err(&actor))?;
    Ok(Redirect::to("/schedule/settings?notice=Time+zone+saved").into_response())
}

pub async fn renew_feed(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let therapist = value(&pairs, "therapist");
    let token = state
        .store
        .clinic(&actor)
        .renew_calendar_feed(therapist)
        .await
        .map_err(store_err(&actor))?;
    Ok(render(
        StatusCode::OK,
        &MessagePage {
            layout: Layout::signed_in(&actor, "schedule"),
            title: "Calendar feed".into(),
            lines: vec![
                "Subscribe to this address in a calendar app (it is shown once; any older address stops working)."
                    .into(),
                "Clients appear by their initials only.".into(),
            ],
            links: vec![crate::pages::record::links::ShownLink {
                label: "iCalendar feed".into(),
                url: crate::api::schedule::feed::feed_url(&state.config.public_url, &token),
                expires: "Works until it is renewed".into(),
                email: None,
            }],
            back: format!("/schedule/settings?therapist={therapist}"),
            back_label: "Back to calendar settings".into(),
        },
    ))
}
