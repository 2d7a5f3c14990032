use std::process::ExitCode;

use crate::cli::DbArgs;

pub async fn verify(db: &DbArgs) -> anyhow::Result<ExitCode> {
    let store = super::open(db).await?;
    let report = store.verify_audit().await?;
    match report.first_problem {
        None => {
            println!(
                "audit log intact: {} entries in {} clinic(s)",
                report.entries, report.clinics
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(problem) => {
            println!(
                "audit log TAMPERED: clinic \"{}\" ({}), entry {}: {}",
                problem.clinic_name, problem.clinic_id, problem.seq, problem.reason
            );
            Ok(ExitCode::FAILURE)
        }
    }
}
