//! Email to clients through an SMTP relay (`--smtp-url smtp://host:port`),
//! used to send the soreness check-in links when a note is signed. Myomap
//! speaks plain SMTP to a relay the clinic runs or trusts (a local MTA that
//! handles TLS onward); without one, links are shown for the therapist to
//! send by hand, as they always are.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the SMTP URL must look like smtp://host:port, not \"{0}\"")]
    BadUrl(String),
    #[error("\"{0}\" is not a sender address (expected Name <name@example.org>)")]
    BadFrom(String),
    #[error("\"{0}\" is not an email address")]
    BadTo(String),
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("the mail relay refused or could not be reached: {0}")]
    Send(String),
}

impl Mailer {
    /// `smtp://host[:port]` (port 25 by default) and the sender address.
    pub fn new(url: &str, from: &str) -> Result<Mailer, MailError> {
        let rest = url
            .strip_prefix("smtp://")
            .ok_or_else(|| MailError::BadUrl(url.to_owned()))?;
        let (host, port) = match rest.trim_end_matches('/').rsplit_once(':') {
            Some((host, port)) => (
                host,
                port.parse::<u16>().map_err(|_| MailError::BadUrl(url.to_owned()))?,
            ),
            None => (rest.trim_end_matches('/'), 25),
        };
        if host.is_empty() {
            return Err(MailError::BadUrl(url.to_owned()));
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .build();
        let from = from.parse().map_err(|_| MailError::BadFrom(from.to_owned()))?;
        Ok(Mailer { transport, from })
    }

    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), MailError> {
        let to: Mailbox = to.parse().map_err(|_| MailError::BadTo(to.to_owned()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .body(body)
            .map_err(|e| MailError::Build(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError::Send(e.to_string()))
    }
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
/// The clinic's signature (`staff::signature`) goes after it.
pub fn link_email(
    purpose: myomap_store::LinkPurpose,
    given_name: &str,
    clinic: &str,
    url: &str,
    expires: &str,
) -> (String, String) {
    use myomap_store::LinkPurpose;
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
