//! Messages to clients: how they go out (by the mail relay or by hand, with
//! links under the configured public address), what the check-in and link
//! e-mails say, and the clinic's signature at the end of every one.

use myomap_store::{Actor, ClinicSettings, Delivery, LinkPurpose, OutboxDraft, Store};

use crate::{ClinicError, Clock};

/// How this installation sends messages to clients, as a use case that
/// queues one takes it.
pub struct Messages<'a> {
    /// A mail relay sends them; otherwise they wait for the front desk.
    pub relay: bool,
    /// The address clients reach Myomap at (`https://clinic.example.org`,
    /// no trailing slash): every link in a message is built from it, never
    /// from a request's headers.
    pub public_url: String,
    pub clock: &'a dyn Clock,
}

impl Messages<'_> {
    pub fn delivery(&self) -> Delivery {
        if self.relay { Delivery::Relay } else { Delivery::ByHand }
    }

    /// The address a client link's token opens.
    pub fn client_link(&self, token: &str) -> String {
        client_link(&self.public_url, token)
    }
}

/// The absolute address a client link's token opens. Built from the
/// configured public address only, never from a request: a forged `Host`
/// or `X-Forwarded-Proto` header must not plant a foreign address in a link
/// that is e-mailed or handed to a client.
pub fn client_link(public_url: &str, token: &str) -> String {
    format!("{public_url}/c/{token}")
}

/// The clinic's name, address and contact details as the closing lines of
/// a message to a client; empty when the owner has set neither.
pub fn signature(settings: &ClinicSettings) -> String {
    let mut lines = Vec::new();
    let address = settings
        .address
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    if !address.is_empty() {
        lines.push(address);
    }
    lines.extend(settings.contact_line());
    if lines.is_empty() {
        String::new()
    } else {
        format!("\n{}\n{}\n", settings.name, lines.join("\n"))
    }
}

/// [`signature`] of the actor's clinic as it is now.
pub async fn clinic_signature(store: &Store, actor: &Actor) -> Result<String, ClinicError> {
    Ok(signature(&store.clinic(actor).clinic_settings().await?))
}

/// A message to a client with the clinic's signature at its end.
pub fn signed(mut draft: OutboxDraft, signature: &str) -> OutboxDraft {
    draft.body.push_str(signature);
    draft
}

/// The check-in email: both links, and when to use each. Lines stay short
/// and every link sits on a line of its own, so the message travels as
/// plain 7-bit text and mail programs keep the links clickable.
pub fn checkin_email(given_name: &str, clinic: &str, links: &[(u16, String)]) -> (String, String) {
    let subject = format!("{clinic}: how are you feeling after your session?");
    let mut body = format!(
        "Hello {given_name},\n\n\
         After neuromuscular therapy some soreness, like after a workout,\n\
         is normal and should settle within a day or two. {clinic}\n\
         would like to hear how you feel.\n\n"
    );
    for (hours, url) in links {
        body.push_str(&format!(
            "About {hours} hours after your session, please answer here:\n{url}\n\n"
        ));
    }
    body.push_str(
        "Each link works once and needs no account. If you have sharp pain,\n\
         numbness, unusual bruising or anything that worries you, contact\n\
         the clinic or a doctor without waiting.\n",
    );
    (subject, body)
}

/// An e-mail carrying one client link the staff chose to send: what the
/// link is for, the link on a line of its own, and until when it works.
/// The clinic's signature ([`signature`]) goes after it.
pub fn link_email(purpose: LinkPurpose, given_name: &str, clinic: &str, url: &str, expires: &str) -> (String, String) {
    let (subject, ask, once) = match purpose {
        LinkPurpose::Intake => (
            format!("{clinic}: your intake form"),
            "Before your first session, please fill in the intake form: your\nhealth history and what brings you to us.",
            true,
        ),
        LinkPurpose::Questionnaire => (
            format!("{clinic}: a short questionnaire"),
            "Please answer a short questionnaire about how your symptoms affect\nyou. It helps us see how your treatment is going.",
            true,
        ),
        LinkPurpose::HomeCare => (
            format!("{clinic}: your home care"),
            "Here are the stretches and advice from your session. You can tick\noff what you did each day.",
            false,
        ),
        LinkPurpose::Booking => (
            format!("{clinic}: book your appointment"),
            "You can choose a time for your next appointment here.",
            true,
        ),
        LinkPurpose::Appointment => (
            format!("{clinic}: your appointment"),
            "Here you can see your appointment, or cancel it if you cannot come.",
            false,
        ),
        LinkPurpose::Checkin => (
            format!("{clinic}: how are you feeling after your session?"),
            "Please tell us how you feel after your session. Some soreness,\nlike after a workout, is normal and should settle in a day or two.",
            true,
        ),
    };
    let use_rule = if once {
        "The link works once and needs no account."
    } else {
        "The link needs no account."
    };
    let body = format!(
        "Hello {given_name},\n\n{ask}\n\n{url}\n\n{use_rule} It works until {expires}.\n\
         If you did not expect this message, you can ignore it.\n"
    );
    (subject, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_holds_what_the_owner_set() {
        let mut settings = ClinicSettings {
            name: "North Clinic".into(),
            address: String::new(),
            time_zone: "UTC".into(),
            phone: String::new(),
            email: String::new(),
            version: 1,
        };
        assert_eq!(signature(&settings), "");
        settings.address = "1 North Street\r\nBristol".into();
        settings.phone = "0117 496 0000".into();
        assert_eq!(
            signature(&settings),
            "\nNorth Clinic\n1 North Street, Bristol\nPhone 0117 496 0000\n"
        );
    }
}
