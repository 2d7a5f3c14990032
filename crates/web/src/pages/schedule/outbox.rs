//! The messages page: the outbox as the front desk works through it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::tz::TimeZone;
use myomap_store::OutboxMessage;

use super::DayParams;
use crate::AppState;
use crate::pages::record::store_err;
use crate::pages::{Layout, PageActor, PageError, render};
use myomap_clinic::schedule::{self as scheduling, zone_of};

pub struct MessageRow {
    pub id: String,
    pub client_id: String,
    pub client_name: String,
    pub title: String,
    pub body: String,
    pub recipient: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub when: String,
    pub attempts: i64,
    pub last_error: String,
    pub needs_attention: bool,
    pub can_retry: bool,
    /// Sending it by hand is offered where the relay will not send it: no
    /// relay on this server, no address for the client, or it failed.
    pub can_mark_sent: bool,
    /// Where a section begins: "Needs you", "Going out" or "Sent".
    pub group_heading: Option<&'static str>,
    /// Where a day begins within a section: the clinic-local day it is due
    /// (or went out).
    pub day_heading: Option<String>,
}

/// Messages in the order the front desk works through them: what needs
/// someone first, then what is still to go out, soonest first in both, and
/// what went out last, newest first.
fn message_rows(messages: &[OutboxMessage], zone: &TimeZone, relay: bool) -> Vec<MessageRow> {
    let mut ordered: Vec<&OutboxMessage> = messages.iter().collect();
    let rank = |m: &OutboxMessage| match m.status {
        _ if m.status.needs_attention() => 0,
        myomap_store::OutboxStatus::Queued => 1,
        _ => 2,
    };
    ordered.sort_by(|a, b| {
        rank(a).cmp(&rank(b)).then_with(|| {
            if rank(a) == 2 {
                b.sent_at
                    .unwrap_or(b.send_after)
                    .cmp(&a.sent_at.unwrap_or(a.send_after))
            } else {
                a.send_after.cmp(&b.send_after)
            }
        })
    });
    let today = jiff::Timestamp::now().to_zoned(zone.clone()).date();
    let mut previous: Option<(usize, String)> = None;
    ordered
        .into_iter()
        .map(|m| {
            let mut row = message_row(m, zone, relay);
            let date = m.sent_at.unwrap_or(m.send_after).to_zoned(zone.clone()).date();
            let group = rank(m);
            let day = if date == today {
                "Today".to_owned()
            } else if Some(date) == today.tomorrow().ok() {
                "Tomorrow".to_owned()
            } else if Some(date) == today.yesterday().ok() {
                "Yesterday".to_owned()
            } else {
                date.strftime("%A %-d %B %Y").to_string()
            };
            let new_group = previous.as_ref().is_none_or(|(g, _)| *g != group);
            let new_day = new_group || previous.as_ref().is_none_or(|(_, d)| *d != day);
            row.group_heading = new_group.then_some(["Needs you", "Going out", "Sent"][group]);
            row.day_heading = new_day.then(|| day.clone());
            previous = Some((group, day));
            row
        })
        .collect()
}

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    layout: Layout,
    messages: Vec<MessageRow>,
    relay: bool,
    csrf: String,
}

fn message_row(m: &OutboxMessage, zone: &TimeZone, relay: bool) -> MessageRow {
    MessageRow {
        id: m.id.clone(),
        client_id: m.client_id.map(|id| id.to_string()).unwrap_or_default(),
        client_name: m.client_name.clone(),
        title: m.title.clone(),
        body: m.body.clone(),
        recipient: m.recipient.clone().unwrap_or_default(),
        status: m.status.as_str(),
        status_label: m.status.label(),
        when: scheduling::local_text(m.sent_at.unwrap_or(m.send_after), zone),
        attempts: m.attempts,
        last_error: m.last_error.clone().unwrap_or_default(),
        needs_attention: m.status.needs_attention(),
        can_mark_sent: match m.status {
            myomap_store::OutboxStatus::ByHand | myomap_store::OutboxStatus::Failed => true,
            myomap_store::OutboxStatus::Queued => !relay || m.recipient.is_none(),
            myomap_store::OutboxStatus::Sent | myomap_store::OutboxStatus::Cancelled => false,
        },
        group_heading: None,
        day_heading: None,
        can_retry: relay
            && m.recipient.is_some()
            && matches!(
                m.status,
                myomap_store::OutboxStatus::Failed | myomap_store::OutboxStatus::Queued
            ),
    }
}

pub async fn outbox(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(params): Query<DayParams>,
) -> Result<Response, PageError> {
    let zone = zone_of(&actor);
    let relay = state.config.mailer.is_some();
    let messages = state
        .store
        .clinic(&actor)
        .outbox(false, 200)
        .await
        .map_err(store_err(&actor))?;
    let mut layout = Layout::signed_in(&actor, "messages");
    layout.notice = params.notice.filter(|n| !n.is_empty());
    Ok(render(
        StatusCode::OK,
        &OutboxPage {
            layout,
            messages: message_rows(&messages, &zone, relay),
            relay,
            csrf: actor.csrf_token.clone(),
        },
    ))
}

pub async fn message_sent(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    state
        .store
        .clinic(&actor)
        .mark_sent_by_hand(&id)
        .await
        .map_err(store_err(&actor))?;
    Ok(Redirect::to("/messages?notice=Marked+as+sent").into_response())
}

pub async fn message_retry(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    state
        .store
        .clinic(&actor)
        .retry_message(&id)
        .await
        .map_err(store_err(&actor))?;
    Ok(Redirect::to("/messages?notice=Queued+again").into_response())
}
