use std::io::BufRead;
use std::process::ExitCode;

use myomap_domain::Role;
use myomap_store::StoreError;

use super::bad_input;
use crate::cli::DbArgs;

pub async fn add(db: &DbArgs, clinic: &str, email: &str, role: &str) -> anyhow::Result<ExitCode> {
    let role: Role = match role.parse() {
        Ok(role) => role,
        Err(e) => return Ok(bad_input(format!("--role: {e}"))),
    };
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let password = password.trim_end_matches(['\n', '\r']);
    if password.is_empty() {
        return Ok(bad_input(
            "password: none given on standard input (e.g. `echo 'secret phrase' | myomap user add ...`)",
        ));
    }
    let store = super::open(db).await?;
    match store.add_account(clinic, email, password, role, "cli").await {
        Ok(account) => {
            let clinic_note = if account.clinic_created { " (new clinic)" } else { "" };
            println!(
                "added {role} {} to clinic \"{}\"{clinic_note}",
                email.trim().to_lowercase(),
                clinic.trim()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::Invalid(errors)) => Ok(bad_input(errors)),
        Err(e @ StoreError::Conflict(_)) => Ok(bad_input(e)),
        Err(e) => Err(e.into()),
    }
}
