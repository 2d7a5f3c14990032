//! Home care: a handout built from the muscles treated and the client's
//! habits, printable and as a PDF, and a link the client opens on a phone to
//! tick off what they did each day; adherence shows to the therapist.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use myomap_clinic::home_care::OpenHandout;
use myomap_clinic::{ClinicError, SystemClock};
use myomap_plans::{AdviceItem, StretchItem};
use myomap_store::{Actor, HomeCare};

use myomap_clinic::home_care::{adherence, plan_of};
use serde::Deserialize;

use super::{Pairs, client_id, store_err, values};
use crate::AppState;
use crate::pages::{Layout, MessagePage, PageActor, PageError, error_page, render};

/// Builds a handout from the last signed session's treated muscles and the
/// habits the intake recorded.
pub async fn create(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let client = client_id(&id, &actor)?;
    let handout = myomap_clinic::home_care::create_handout(&state.store, &actor, client)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    Ok(Redirect::to(&format!("/home-care/{}", handout.id)).into_response())
}

#[derive(Template)]
#[template(path = "handout.html")]
struct HandoutPage {
    layout: Layout,
    id: String,
    client_id: String,
    client_name: String,
    prepared_on: String,
    prepared_by: String,
    csrf: String,
    stretches: Vec<StretchItem>,
    advice: Vec<AdviceItem>,
    adherence: String,
    days: Vec<(String, String)>,
}

/// The handout, its client, and who prepared it when, as the clinic reads it.
async fn handout_and_client(
    state: &AppState,
    actor: &Actor,
    id: &str,
) -> Result<(HomeCare, myomap_domain::Client, Prepared), PageError> {
    let scope = state.store.clinic(actor);
    let handout = scope.get_home_care(id).await.map_err(store_err(actor))?;
    let client = scope.get_client(handout.client_id).await.map_err(store_err(actor))?;
    let shown = myomap_clinic::presenter::Presenter::of(&scope, actor)
        .await
        .map_err(store_err(actor))?;
    let prepared = Prepared {
        on: shown.date(handout.created_at),
        by: shown.person(&handout.created_by),
    };
    Ok((handout, client, prepared))
}

struct Prepared {
    on: String,
    by: String,
}

pub async fn show(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (handout, client, prepared) = handout_and_client(&state, &actor, &id).await?;
    let plan = plan_of(&handout);
    let today = crate::clinic_today(&actor);
    let (adherence, days) = adherence(&handout, today);
    let page = HandoutPage {
        layout: Layout::signed_in(&actor, "clients"),
        id: handout.id.clone(),
        client_id: client.id.to_string(),
        client_name: client.full_name(),
        prepared_on: prepared.on.clone(),
        prepared_by: prepared.by.clone(),
        csrf: actor.csrf_token.clone(),
        stretches: plan.stretches,
        advice: plan.advice,
        adherence,
        days,
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn pdf(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (handout, client, prepared) = handout_and_client(&state, &actor, &id).await?;
    let plan = plan_of(&handout);
    let settings = state
        .store
        .clinic(&actor)
        .clinic_settings()
        .await
        .map_err(|e| PageError::store(e, Some(&actor)))?;
    let data = myomap_report::HandoutData {
        clinic: actor.clinic_name.clone(),
        client_name: client.full_name(),
        prepared_on: prepared.on.clone(),
        prepared_by: prepared.by.clone(),
        stretches: plan
            .stretches
            .iter()
            .map(|s| myomap_report::HandoutStretch {
                title: s.title.clone(),
                instructions: s.instructions.clone(),
                dose: s.dose(),
                feel: s.feel(),
            })
            .collect(),
        advice: plan.advice.iter().map(|a| (a.title.clone(), a.text.clone())).collect(),
        contact: match settings.contact_line() {
            Some(contact) => format!("Questions or worries: contact {} ({contact}).", settings.name),
            None => format!("Questions or worries: contact {}.", settings.name),
        },
    };
    match myomap_report::render_handout_pdf(&data) {
        Ok(bytes) => Ok(([(header::CONTENT_TYPE, "application/pdf")], bytes).into_response()),
        Err(e) => Ok(error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            Layout::signed_in(&actor, "clients"),
            "Handout failed",
            &e.to_string(),
        )),
    }
}

pub async fn create_link(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let link = myomap_clinic::home_care::request_link(&state.store, &actor, &id)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let page = MessagePage {
        layout: Layout::signed_in(&actor, "clients"),
        title: "Home-care link".into(),
        lines: vec!["Send this link to the client. It opens the handout on their phone, where they tick off what they did each day; it works for 90 days.".into()],
        links: vec![super::links::issued(&state, &actor, &link)],
        back: format!("/home-care/{id}"),
        back_label: "Back to the handout".into(),
    };
    Ok(render(StatusCode::CREATED, &page))
}

#[derive(Template)]
#[template(path = "handout_public.html")]
struct PublicHandout {
    layout: Layout,
    given_name: String,
    clinic: String,
    token: String,
    today: String,
    saved: bool,
    items: Vec<(String, String, bool)>,
    stretches: Vec<StretchItem>,
    advice: Vec<AdviceItem>,
}

#[derive(Deserialize, Default)]
pub struct PublicParams {
    #[serde(default)]
    pub saved: Option<String>,
}

pub fn public_page(token: &str, open: OpenHandout, saved: bool) -> Response {
    let OpenHandout {
        grant,
        plan,
        today,
        done_today,
        ..
    } = open;
    let items = plan.daily_items().into_iter().map(|(id, title)| {
        let ticked = done_today.contains(&id);
        (id, title, ticked)
    });
    render(
        StatusCode::OK,
        &PublicHandout {
            layout: Layout::anonymous(),
            given_name: grant.client_given_name.clone(),
            clinic: grant.clinic_name.clone(),
            token: token.to_owned(),
            today: today.to_string(),
            saved,
            items: items.collect(),
            stretches: plan.stretches,
            advice: plan.advice,
        },
    )
}

pub async fn public_open(state: &AppState, token: &str, saved: bool) -> Result<Response, ClinicError> {
    let open = myomap_clinic::home_care::open_via_link(&state.store, &SystemClock, token).await?;
    Ok(public_page(token, open, saved))
}

/// Saves today's ticks (the clinic's today), by the one tick policy.
pub async fn public_tick(state: &AppState, token: &str, form: &Pairs) -> Result<Response, ClinicError> {
    let done: Vec<String> = values(form, "done").into_iter().map(str::to_owned).collect();
    myomap_clinic::home_care::tick_via_link(&state.store, &SystemClock, token, &done).await?;
    Ok(Redirect::to(&format!("/c/{token}?saved=1")).into_response())
}
