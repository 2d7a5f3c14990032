//! How every message to a client ends: the clinic's name, address and
//! contact details as the owner set them.

use myomap_store::{Actor, ClinicSettings, OutboxDraft, Store};

use crate::ClinicError;

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
