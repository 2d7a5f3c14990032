//! Myomap's HTTP edge: the only crate that knows HTTP and HTML.
//!
//! Two faces over the same store calls: a JSON API under `/api/v1/`
//! (bearer tokens, problem-details errors) and server-rendered pages
//! (session cookie, CSRF-checked forms). Handlers translate: extract, call
//! the use case (`myomap_clinic`), render. The rules live there and in the
//! domain crate, clinic scoping in the store.

mod api;
mod auth;
mod chart;
mod error;
mod json;
pub mod mail;
mod pages;
mod photos;
pub mod route_table;
mod security;
mod sender;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use myomap_store::Store;
use tokio::net::TcpListener;

/// Today where the clinic is (its time zone), never where the server runs:
/// a clinic in Los Angeles on a UTC server writes its evening notes on the
/// evening's date.
pub(crate) fn clinic_today(actor: &myomap_store::Actor) -> jiff::civil::Date {
    myomap_clinic::today_in(&actor.time_zone, &myomap_clinic::SystemClock)
}

/// Checks a configured public address (`https://clinic.example.org`, with
/// an optional port and path) and gives it without a trailing slash, ready
/// for `/c/TOKEN` to follow.
pub fn parse_public_url(text: &str) -> Result<String, String> {
    let trimmed = text.trim().trim_end_matches('/');
    let Some((scheme, rest)) = trimmed.split_once("://") else {
        return Err(format!(
            "\"{text}\" is not an address; write it like https://clinic.example.org"
        ));
    };
    if scheme != "http" && scheme != "https" {
        return Err(format!(
            "the address must start with https:// or http://, not {scheme}://"
        ));
    }
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || host.contains('@') || host.chars().any(char::is_whitespace) {
        return Err(format!("\"{text}\" names no host (or one with a user name or spaces)"));
    }
    if rest.contains(['?', '#']) {
        return Err("the address may not carry a query (?) or a fragment (#)".into());
    }
    Ok(format!("{scheme}://{rest}"))
}

/// Every page route (method and path), in the order the router registers
/// them: what the isolation sweep enumerates.
pub fn page_routes() -> Vec<route_table::Route> {
    pages::table().into_parts().1
}

/// Every JSON API route (method and path), including `/healthz` and the
/// calendar feed, which live outside `/api/v1/`.
pub fn api_routes() -> Vec<route_table::Route> {
    api::table().into_parts().1
}

/// Largest request body accepted anywhere (forms and JSON).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    pub session_ttl: Duration,
    /// Sends the outbox (reminders, check-in links) when configured;
    /// without it messages wait for the front desk to send by hand.
    pub mailer: Option<mail::Mailer>,
    /// The address clients reach Myomap at (`https://clinic.example.org`,
    /// no trailing slash): every absolute link is built from it, never from
    /// a request's headers.
    pub public_url: String,
    /// The scheduled backups `serve` runs, shown to owners; `None` when
    /// none are configured.
    pub backups: Option<BackupSchedule>,
}

/// How scheduled backups are configured, as the settings page shows it.
#[derive(Clone, Debug)]
pub struct BackupSchedule {
    pub dir: String,
    pub every: String,
    pub keep: usize,
    /// "passphrase" or "age recipient".
    pub protection: String,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            session_ttl: Duration::from_secs(12 * 60 * 60),
            mailer: None,
            public_url: "http://127.0.0.1:8080".into(),
            backups: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: WebConfig,
}

impl AppState {
    /// How this server sends messages to clients, as the use cases take it:
    /// by the relay when one is configured, with client links under the
    /// configured public address (never a request's `Host`).
    pub(crate) fn messages(&self) -> myomap_clinic::messages::Messages<'static> {
        myomap_clinic::messages::Messages {
            relay: self.config.mailer.is_some(),
            public_url: self.config.public_url.clone(),
            clock: &myomap_clinic::SystemClock,
        }
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(pages::routes(state.clone()))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(security::run_to_completion))
        .layer(axum::middleware::from_fn(security::refuse_nul_in_address))
        .layer(security::layers())
        .with_state(state)
}

/// Serves until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_sender, stopped) = tokio::sync::watch::channel(false);
    let sender = state
        .config
        .mailer
        .clone()
        .map(|mailer| tokio::spawn(sender::run(state.store.clone(), mailer, stopped.clone())));
    let housekeeping = tokio::spawn(housekeeping(state.store.clone(), stopped));
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    let _ = stop_sender.send(true);
    if let Some(sender) = sender {
        let _ = sender.await;
    }
    let _ = housekeeping.await;
    served
}

/// Chores any instance may do at any time, each idempotent: today, erasing
/// the kept tokens of client links that expired unused.
async fn housekeeping(store: Store, mut stop: tokio::sync::watch::Receiver<bool>) {
    const EVERY: Duration = Duration::from_secs(15 * 60);
    loop {
        if let Err(e) = store.forget_expired_link_tokens().await {
            tracing::warn!(error = %e, "housekeeping: cannot erase expired link tokens");
        }
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = stop.changed() => return,
        }
    }
}

#[cfg(test)]
mod public_url_tests {
    use super::parse_public_url;

    #[test]
    fn public_addresses_are_checked_and_normalised() {
        assert_eq!(
            parse_public_url("https://clinic.example.org/").as_deref(),
            Ok("https://clinic.example.org")
        );
        assert_eq!(
            parse_public_url("http://10.0.0.5:8080/myomap").as_deref(),
            Ok("http://10.0.0.5:8080/myomap")
        );
        for bad in [
            "clinic.example.org",
            "ftp://clinic.example.org",
            "https://",
            "https://a@b.org",
            "https://b.org/?x=1",
        ] {
            assert!(parse_public_url(bad).is_err(), "{bad}");
        }
    }
}
