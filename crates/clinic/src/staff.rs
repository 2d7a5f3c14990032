//! Staff management both faces share: inviting someone (the e-mail's link
//! built from the configured public address, never from a request),
//! reading a role from a form or a body, and how a session's browser reads.

use myomap_domain::Role;
use myomap_store::{Actor, ClinicSettings, INVITATION_TOKEN_MARKER, OutboxDraft, Store};

use crate::ClinicError;
use crate::messages::Messages;

/// The address an invitation token opens.
pub fn invitation_url(public_url: &str, token: &str) -> String {
    format!("{public_url}/invite/{token}")
}

/// A role as forms and the API name it, refused by name when unknown.
pub fn parse_role(text: &str) -> Result<Role, myomap_domain::ValidationErrors> {
    text.trim()
        .parse()
        .map_err(|_| myomap_domain::ValidationErrors::single("role", "must be one of owner, therapist, front_desk"))
}

/// The e-mail an invitation queues; the store puts the token in place of
/// the marker inside the transaction that stores the invitation.
pub fn invitation_draft(
    messages: &Messages<'_>,
    actor: &Actor,
    settings: &ClinicSettings,
    name: &str,
    role: Role,
) -> OutboxDraft {
    let clinic = &settings.name;
    let days = myomap_store::INVITATION_TTL.as_secs() / 86_400;
    let mut body = format!(
        "Hello {name},\n\n\
         {inviter} has invited you to {clinic}'s Myomap as {role}.\n\
         Choose your password here (the link works once, for {days} days):\n\
         {url}\n\n\
         If you did not expect this, ignore this message.\n",
        inviter = actor.name,
        role = role.label().to_lowercase(),
        url = invitation_url(&messages.public_url, INVITATION_TOKEN_MARKER),
    );
    if let Some(contact) = settings.contact_line() {
        body.push_str(&format!("\n{clinic} · {contact}\n"));
    }
    OutboxDraft {
        kind: "staff_invitation".into(),
        recipient: None,
        title: format!("{clinic}: your invitation to Myomap"),
        body,
        send_after: messages.clock.now(),
        delivery: messages.delivery(),
    }
}

/// Invites someone on behalf of `actor`, reading the clinic's current
/// details for the message.
pub async fn invite(
    store: &Store,
    actor: &Actor,
    messages: &Messages<'_>,
    email: &str,
    name: &str,
    role: Role,
) -> Result<myomap_store::IssuedInvitation, ClinicError> {
    let scope = store.clinic(actor);
    let settings = scope.clinic_settings().await?;
    let draft = invitation_draft(messages, actor, &settings, name.trim(), role);
    Ok(scope
        .invite_staff(
            &myomap_store::InvitationRequest {
                email: email.to_owned(),
                name: name.to_owned(),
                role,
                ttl: myomap_store::INVITATION_TTL,
            },
            &draft,
        )
        .await?)
}

/// A short description of a browser from its user agent: enough to tell
/// "Firefox on Windows" from "Safari on iPhone", no more.
pub fn describe_browser(user_agent: &str) -> String {
    if user_agent.is_empty() {
        return "Unknown browser".into();
    }
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome/", "Headless Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .into_iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map_or("A browser or program", |(_, name)| name);
    let system = [
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map(|(_, name)| name);
    match system {
        Some(system) => format!("{browser} on {system}"),
        None => browser.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_are_named_briefly() {
        assert_eq!(
            describe_browser(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0"
            ),
            "Edge on Windows"
        );
        assert_eq!(
            describe_browser(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1"
            ),
            "Safari on iPhone"
        );
        assert_eq!(describe_browser(""), "Unknown browser");
        assert_eq!(describe_browser("curl/8.5.0"), "curl");
    }

    #[test]
    fn roles_are_read_by_name_and_refused_by_field() {
        assert_eq!(parse_role(" therapist ").unwrap_or(Role::Owner), Role::Therapist);
        let refused = parse_role("admin").err().unwrap_or_default();
        assert!(refused.for_field("role").is_some());
    }
}
