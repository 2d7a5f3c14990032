//! Client links as staff hand them out: each one shown with a copy button
//! and an "E-mail to client" form that queues it through the outbox, on the
//! page that made it and on the client page for as long as it is open.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use myomap_clinic::messages::client_link;
use myomap_clinic::schedule::{local_text, zone_of};
use myomap_store::{Actor, IssuedLink, LinkPurpose, OpenLink};

use super::{Pairs, store_err, value};
use crate::AppState;
use crate::pages::{Layout, MessagePage, PageActor, PageError, render};

/// A client link on a staff page.
pub struct ShownLink {
    pub label: String,
    pub url: String,
    /// "Expires …" on the clinic's clock.
    pub expires: String,
    /// `None` where the page has no client to send it to.
    pub email: Option<EmailLinkForm>,
}

/// The hidden fields of the "E-mail to client" form.
pub struct EmailLinkForm {
    pub action: String,
    pub csrf: String,
    pub purpose: &'static str,
    pub target: String,
}

/// What a link is for, in the words the client page uses.
pub fn label(purpose: LinkPurpose, target_id: &str) -> String {
    match purpose {
        LinkPurpose::Intake => "Intake form".into(),
        LinkPurpose::Checkin => "Soreness check-in".into(),
        LinkPurpose::Questionnaire => {
            let instrument = target_id.rsplit_once(':').map_or("", |(_, i)| i);
            match instrument.parse::<myomap_scoring::Instrument>() {
                Ok(i) => format!("Questionnaire: {}", i.definition().name),
                Err(_) => "Questionnaire".into(),
            }
        }
        LinkPurpose::HomeCare => "Home-care handout".into(),
        LinkPurpose::Booking => "Online booking".into(),
        LinkPurpose::Appointment => "Appointment".into(),
    }
}

fn shown(
    state: &AppState,
    actor: &Actor,
    purpose: LinkPurpose,
    target_id: &str,
    token: &str,
    expires_at: Timestamp,
) -> ShownLink {
    ShownLink {
        label: label(purpose, target_id),
        url: client_link(&state.config.public_url, token),
        expires: format!("Expires {}", local_text(expires_at, &zone_of(actor))),
        email: Some(EmailLinkForm {
            action: "/links/email".into(),
            csrf: actor.csrf_token.clone(),
            purpose: purpose.as_str(),
            target: target_id.to_owned(),
        }),
    }
}

/// A link just issued, with its copy and e-mail actions.
pub fn issued(state: &AppState, actor: &Actor, link: &IssuedLink) -> ShownLink {
    shown(
        state,
        actor,
        link.purpose,
        &link.target_id,
        &link.token,
        link.expires_at,
    )
}

/// A link still open, as the client page lists it.
pub fn open(state: &AppState, actor: &Actor, link: &OpenLink) -> ShownLink {
    shown(
        state,
        actor,
        link.purpose,
        &link.target_id,
        &link.token,
        link.expires_at,
    )
}

/// Queues one of the client's open links as an e-mail: sent by the relay
/// when one is configured, otherwise listed for the front desk to send.
pub async fn email(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let purpose = LinkPurpose::from_name(value(&pairs, "purpose"))
        .ok_or_else(|| store_err(&actor)(myomap_store::StoreError::NotFound("open link")))?;
    let target = value(&pairs, "target");
    let queued = myomap_clinic::link_email::queue_link_email(&state.store, &actor, &state.messages(), purpose, target)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let (relay, recipient_name) = (queued.relay, queued.client_given_name);
    let what = label(purpose, target);
    let line = if relay {
        format!(
            "The {} link is queued for {recipient_name}: it goes out by e-mail within a minute.",
            what.to_lowercase()
        )
    } else {
        format!(
            "The {} link for {recipient_name} is on the Messages page: no mail relay is configured, so send it from there and mark it sent.",
            what.to_lowercase()
        )
    };
    let page = MessagePage {
        layout: Layout::signed_in(&actor, "clients"),
        title: "Link queued".into(),
        lines: vec![line],
        links: Vec::new(),
        back: format!("/clients/{}#links", queued.client),
        back_label: "Back to the client".into(),
    };
    Ok(render(StatusCode::ACCEPTED, &page))
}
