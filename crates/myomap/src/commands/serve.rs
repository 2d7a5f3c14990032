use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use myomap_store::Store;
use myomap_web::{AppState, WebConfig};

use crate::cli::{DbArgs, WebArgs};

pub async fn run(db: &DbArgs, web: &WebArgs) -> anyhow::Result<ExitCode> {
    super::init_logging();
    let store = super::open(db).await?;
    serve(store, db, web, &[]).await
}

/// Binds, prints the address (tests and scripts read this line), and serves
/// until Ctrl-C or SIGTERM.
pub async fn serve(store: Store, db: &DbArgs, web: &WebArgs, banner: &[String]) -> anyhow::Result<ExitCode> {
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
