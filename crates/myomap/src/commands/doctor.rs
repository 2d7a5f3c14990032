use std::path::PathBuf;
use std::process::ExitCode;

use myomap_clinic::SystemClock;
use myomap_clinic::doctor::{self, Installation};

use crate::cli::DbArgs;

/// Prints one line per check; exit code 1 when any failed.
pub async fn run(db: &DbArgs, public_url: Option<String>, backup_dir: Option<PathBuf>) -> ExitCode {
    let installation = Installation {
        database: super::target(db),
        public_url,
        backup_dir,
    };
    let report = doctor::examine(&installation, &SystemClock).await;
    let mut text = String::new();
    for finding in &report.findings {
        text.push_str(&format!(
            "{:<4}  {}: {}\n",
            finding.status.as_str(),
            finding.check,
            finding.reason
        ));
    }
    let failed = report
        .findings
        .iter()
        .filter(|f| f.status == doctor::Status::Fail)
        .count();
    text.push_str(&if failed == 0 {
        "no check failed\n".to_owned()
    } else {
        format!("{failed} check(s) failed\n")
    });
    let printed = super::emit(&text);
    if report.passed() { printed } else { ExitCode::FAILURE }
}
