use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use myomap_store::Store;
use myomap_web::{AppState, WebConfig};

use crate::cli::{DbArgs, ScheduleArgs, WebArgs};

pub async fn run(db: &DbArgs, web: &WebArgs, backups: &ScheduleArgs) -> anyhow::Result<ExitCode> {
    super::init_logging();
    let schedule = match backup_schedule(db, backups) {
        Ok(schedule) => schedule,
        Err(why) => return Ok(super::bad_input(why)),
    };
    let store = super::open(db).await?;
    let shown = schedule.as_ref().map(|(schedule, lock)| myomap_web::BackupSchedule {
        dir: schedule.dir.display().to_string(),
        every: backups.backup_every.trim().to_owned(),
        keep: schedule.keep,
        protection: if matches!(lock, myomap_backup::Lock::Passphrase(_)) {
            "a passphrase".into()
        } else {
            "an age recipient".into()
        },
    });
    let scheduler = schedule.map(|(schedule, lock)| {
        tokio::spawn(myomap_clinic::backups::run_schedule(
            store.clone(),
            schedule,
            lock,
            super::backup::snapshot_dir(db),
            &myomap_clinic::SystemClock,
        ))
    });
    let served = serve(store, db, web, &[], shown).await;
    if let Some(scheduler) = scheduler {
        scheduler.abort();
    }
    served
}

/// Scheduled backups as asked for on the command line, refused with the
/// reason when they cannot work (no passphrase or recipient).
fn backup_schedule(
    _db: &DbArgs,
    args: &ScheduleArgs,
) -> Result<Option<(myomap_clinic::backups::Schedule, myomap_backup::Lock)>, String> {
    let Some(dir) = args.backup_dir.clone() else {
        return Ok(None);
    };
    let every =
        myomap_clinic::backups::parse_interval(&args.backup_every).map_err(|why| format!("--backup-every: {why}"))?;
    let lock = super::backup::schedule_lock(&args.backup_recipient)?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("--backup-dir: cannot create {}: {e}", dir.display()))?;
    Ok(Some((
        myomap_clinic::backups::Schedule {
            dir,
            every,
            keep: usize::try_from(args.backup_keep).unwrap_or(usize::MAX),
        },
        lock,
    )))
}

/// Binds, prints the address (tests and scripts read this line), and serves
/// until Ctrl-C or SIGTERM.
pub async fn serve(
    store: Store,
    db: &DbArgs,
    web: &WebArgs,
    banner: &[String],
    backups: Option<myomap_web::BackupSchedule>,
) -> anyhow::Result<ExitCode> {
    let mailer = match web
        .smtp_url
        .as_deref()
        .map(|url| myomap_web::mail::Mailer::new(url, &web.smtp_from))
        .transpose()
    {
        Ok(mailer) => mailer,
        Err(e) => return Ok(super::bad_input(format!("--smtp-url/--smtp-from: {e}"))),
    };
    if web.public_url.is_none() && web.smtp_url.is_some() {
        return Ok(super::bad_input(
            "--public-url is required with --smtp-url: the links in client e-mails are built from it",
        ));
    }
    if web.public_url.is_none() && web.bind.ip().is_unspecified() {
        return Ok(super::bad_input(format!(
            "--public-url is required when listening on all addresses ({}): client links are built from it, \
             never from a request's headers",
            web.bind
        )));
    }
    let public_url = match web.public_url.as_deref().map(myomap_web::parse_public_url).transpose() {
        Ok(url) => url,
        Err(why) => return Ok(super::bad_input(format!("--public-url: {why}"))),
    };
    let listener = tokio::net::TcpListener::bind(web.bind)
        .await
        .with_context(|| format!("cannot listen on {}", web.bind))?;
    let address = listener.local_addr()?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Myomap is serving http://{address}/ (database: {})",
        super::target(db).describe()
    )?;
    for line in banner {
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    drop(out);
    let state = AppState {
        store: store.clone(),
        config: WebConfig {
            secure_cookies: web.secure_cookies,
            mailer,
            public_url: public_url.unwrap_or_else(|| format!("http://{address}")),
            backups,
            ..WebConfig::default()
        },
    };
    myomap_web::serve(listener, state, shutdown_signal()).await?;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
