//! E-mailing an open client link, once for both faces: the page's
//! "E-mail to client" button and `POST /api/v1/links/email`.

use myomap_clinic::schedule::{local_text, zone_of};
use myomap_domain::ClientId;
use myomap_store::{Actor, Delivery, LinkPurpose, StoreError};

use crate::AppState;
use crate::api::record::link_url;

/// A link e-mail just queued.
pub struct QueuedLink {
    pub message_id: String,
    pub client: ClientId,
    pub client_given_name: String,
    /// Sent by the mail relay; otherwise it waits in Messages to be sent by hand.
    pub relay: bool,
}

/// Queues the open link through the outbox, written from the link, the
/// clinic's clock and its signature.
pub async fn queue_link_email(
    state: &AppState,
    actor: &Actor,
    purpose: LinkPurpose,
    target_id: &str,
) -> Result<QueuedLink, StoreError> {
    let relay = state.config.mailer.is_some();
    let signature = myomap_clinic::signature::clinic_signature(&state.store, actor)
        .await
        .map_err(crate::pages::as_store_error)?;
    let zone = zone_of(actor);
    let mut client_given_name = String::new();
    let (message_id, client) = state
        .store
        .clinic(actor)
        .email_link(
            purpose,
            target_id,
            if relay { Delivery::Relay } else { Delivery::ByHand },
            |facts| {
                client_given_name = facts.client_given_name.clone();
                let (subject, body) = crate::mail::link_email(
                    purpose,
                    &facts.client_given_name,
                    &facts.clinic_name,
                    &link_url(&state.config.public_url, &facts.link.token),
                    &local_text(facts.link.expires_at, &zone),
                );
                (subject, body + &signature)
            },
        )
        .await?;
    Ok(QueuedLink {
        message_id,
        client,
        client_given_name,
        relay,
    })
}
