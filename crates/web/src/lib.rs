//! Myomap's HTTP edge: the only crate that knows HTTP and HTML.
//!
//! Two faces over the same store calls: a JSON API under `/api/v1/`
//! (bearer tokens, problem-details errors) and server-rendered pages
//! (session cookie, CSRF-checked forms). Handlers translate; the rules live in
//! the domain crate and clinic scoping in the store.

mod api;
mod auth;
mod chart;
pub mod clinical;
mod error;
mod json;
pub mod mail;
mod notes;
pub mod outcomes;
mod pages;
mod photos;
pub mod plans;
pub mod report_data;
pub mod scheduling;
mod security;
mod sender;
mod wpi;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use myomap_store::Store;
use tokio::net::TcpListener;

/// Today's date where the server runs; clinics keep local time on their server.
pub(crate) fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
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
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            session_ttl: Duration::from_secs(12 * 60 * 60),
            mailer: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: WebConfig,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(pages::routes(state.clone()))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(security::run_to_completion))
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
        .map(|mailer| tokio::spawn(sender::run(state.store.clone(), mailer, stopped)));
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    let _ = stop_sender.send(true);
    if let Some(sender) = sender {
        let _ = sender.await;
    }
    served
}
