//! The therapist's dashboard: soreness check-ins that need attention.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::pages::{Layout, PageActor, PageError, render};

struct Row {
    client_id: String,
    client_name: String,
    checkin_id: String,
    hours: u16,
    due: String,
    flags: Vec<&'static str>,
    answer: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    csrf: String,
    rows: Vec<Row>,
    active_clients: i64,
    sessions_this_month: i64,
    improvement: Vec<(String, usize, usize, String)>,
    referrals: Vec<ReferralRow>,
    /// The signed-in therapist's appointments today, with each client's flags.
    today: Vec<crate::pages::schedule::AgendaRow>,
    today_label: String,
    /// (intake id, client id, client name, answered when)
    intakes: Vec<(String, String, String, String)>,
    /// (note id, client id, client name, written when)
    drafts: Vec<(String, String, String, String)>,
}

/// A booked appointment of a client the screening refers first.
struct ReferralRow {
    client_id: String,
    client_name: String,
    when: String,
    label: String,
    urgency: Option<myomap_clinic::screening::UrgencyView>,
}

/// How far ahead the dashboard warns of bookings over a referral.
const REFERRAL_DAYS: i64 = 7;

/// Per condition: clients measured at least twice on a measure suggested for
/// it, and how many of them improved meaningfully on one of those measures.
fn improvement_by_condition(
    conditions: &[(myomap_domain::ClientId, Vec<String>)],
    questionnaires: &[myomap_store::Questionnaire],
) -> Vec<(String, usize, usize, String)> {
    let mut out = Vec::new();
    for (id, label) in myomap_domain::record::CONDITIONS {
        let measures: Vec<&str> = myomap_scoring::suggested_for(&[id])
            .iter()
            .map(|i| i.as_str())
            .collect();
        let (mut measured, mut improved) = (0, 0);
        for (client, _) in conditions.iter().filter(|(_, c)| c.iter().any(|c| c == id)) {
            let mine: Vec<myomap_store::Questionnaire> = questionnaires
                .iter()
                .filter(|q| q.client_id == *client && measures.contains(&q.instrument.as_str()))
                .cloned()
                .collect();
            let progress = myomap_clinic::progress::progress(&mine);
            if progress.iter().any(|p| p.points.len() > 1) {
                measured += 1;
                if progress.iter().any(|p| p.verdict == "meaningful_improvement") {
                    improved += 1;
                }
            }
        }
        if measured > 0 {
            let share = format!("{:.0} %", 100.0 * improved as f64 / measured as f64);
            out.push((label.to_owned(), improved, measured, share));
        }
    }
    out
}

pub async fn show(State(state): State<AppState>, PageActor(actor): PageActor) -> Result<Response, PageError> {
    if !actor.role.reads_clinical_record() {
        // Front desk has no clinical follow-ups to see; the client list is their home.
        return Ok(Redirect::to("/clients").into_response());
    }
    let flagged = state
        .store
        .clinic(&actor)
        .flagged_checkins(myomap_clinic::notes::DASHBOARD_DAYS)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let zone = myomap_clinic::schedule::zone_of(&actor);
    let rows = flagged
        .into_iter()
        .map(|f| Row {
            client_id: f.client_id.to_string(),
            client_name: f.client_name,
            checkin_id: f.checkin.id.clone(),
            hours: f.checkin.due_hours,
            due: f.checkin.due_at.to_zoned(zone.clone()).date().to_string(),
            flags: f.flags.iter().map(|flag| flag.label()).collect(),
            answer: f
                .checkin
                .answer
                .as_ref()
                .map_or_else(|| "no answer".to_owned(), super::session::answer_summary),
        })
        .collect();
    let scope = state.store.clinic(&actor);
    let today = crate::clinic_today(&actor);
    let month_start = jiff::civil::date(today.year(), today.month(), 1).to_string();
    let (active_clients, sessions_this_month) = scope
        .activity(90, &month_start)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let conditions = scope
        .clinic_conditions()
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let questionnaires = scope
        .clinic_questionnaires()
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let now = jiff::Timestamp::now();
    let shown = myomap_clinic::presenter::Presenter::of(&scope, &actor)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let (start, end) = myomap_clinic::schedule::day_span(today, &zone);
    let mine: Vec<_> = scope
        .appointments_between(Some(&actor.user_id.to_string()), start, end)
        .await
        .map_err(|e| PageError::from((e, &actor)))?
        .into_iter()
        .filter(|a| a.status != myomap_store::AppointmentStatus::Cancelled)
        .collect();
    let client_ids: Vec<_> = mine.iter().map(|a| a.client_id).collect();
    let mut flags = crate::pages::schedule::agenda_flags(&scope, &client_ids)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let today_rows = mine
        .iter()
        .map(|a| crate::pages::schedule::agenda_row(a, &zone, flags.remove(&a.client_id).unwrap_or_default()))
        .collect();
    let pending = |items: Vec<myomap_store::PendingItem>| -> Vec<(String, String, String, String)> {
        items
            .into_iter()
            .map(|p| (p.id, p.client_id.to_string(), p.client_name, shown.time(p.since)))
            .collect()
    };
    let intakes = pending(
        scope
            .intakes_awaiting_review()
            .await
            .map_err(|e| PageError::from((e, &actor)))?,
    );
    let drafts = pending(scope.my_draft_notes().await.map_err(|e| PageError::from((e, &actor)))?);
    let referrals = scope
        .booked_referrals(now, now + jiff::SignedDuration::from_hours(24 * REFERRAL_DAYS))
        .await
        .map_err(|e| PageError::from((e, &actor)))?
        .into_iter()
        .map(|r| ReferralRow {
            client_id: r.client_id.to_string(),
            client_name: r.client_name,
            when: myomap_clinic::schedule::local_text(r.starts_at, &zone),
            label: myomap_clinic::screening::outcome_label(&r.outcome).into(),
            urgency: myomap_clinic::screening::urgency_view(&r.outcome, &r.verdict),
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &DashboardPage {
            layout: Layout::signed_in(&actor, "dashboard"),
            csrf: actor.csrf_token.clone(),
            rows,
            active_clients,
            sessions_this_month,
            improvement: improvement_by_condition(&conditions, &questionnaires),
            referrals,
            today: today_rows,
            today_label: today.strftime("%A %-d %B").to_string(),
            intakes,
            drafts,
        },
    ))
}

pub async fn review(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    state
        .store
        .clinic(&actor)
        .review_checkin(&id)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    Ok(Redirect::to("/dashboard").into_response())
}
