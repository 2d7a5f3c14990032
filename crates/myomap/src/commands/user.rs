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

pub async fn reset_mfa(db: &DbArgs, email: &str) -> anyhow::Result<ExitCode> {
    let store = super::open(db).await?;
    match myomap_clinic::mfa::reset_mfa_by_email(&store, email).await {
        Ok(()) => {
            println!(
                "two-factor sign-in of {} removed and their sessions ended; they set it up again at their next sign-in when it is required",
                email.trim().to_lowercase()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(myomap_clinic::ClinicError::NotFound(_)) => Ok(bad_input(format!(
            "email: no account {} in this database",
            email.trim().to_lowercase()
        ))),
        Err(e) => Err(e.into()),
    }
}
