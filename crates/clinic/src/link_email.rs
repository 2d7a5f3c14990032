//! E-mailing an open client link, once for both faces: the page's
//! "E-mail to client" button and `POST /api/v1/links/email`.

use myomap_domain::ClientId;
use myomap_store::{Actor, LinkPurpose, Store};

use crate::ClinicError;
use crate::messages::{Messages, clinic_signature, link_email};
use crate::schedule::{local_text, zone_of};

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
    store: &Store,
    actor: &Actor,
    messages: &Messages<'_>,
    purpose: LinkPurpose,
    target_id: &str,
) -> Result<QueuedLink, ClinicError> {
    let signature = clinic_signature(store, actor).await?;
    let zone = zone_of(actor);
    let mut client_given_name = String::new();
    let (message_id, client) = store
        .clinic(actor)
        .email_link(purpose, target_id, messages.delivery(), |facts| {
            client_given_name = facts.client_given_name.clone();
            let (subject, body) = link_email(
                purpose,
                &facts.client_given_name,
                &facts.clinic_name,
                &messages.client_link(&facts.link.token),
                &local_text(facts.link.expires_at, &zone),
            );
            (subject, body + &signature)
        })
        .await?;
    Ok(QueuedLink {
        message_id,
        client,
        client_given_name,
        relay: messages.relay,
    })
}
