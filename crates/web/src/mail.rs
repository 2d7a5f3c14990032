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
