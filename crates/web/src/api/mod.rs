//! The JSON API under `/api/v1/`.

mod atlas;
mod clients;
mod health;
mod score;
mod session;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/api/v1/login", post(session::login))
        .route("/api/v1/logout", post(session::logout))
        .route("/api/v1/me", get(session::me))
        .route("/api/v1/clients", get(clients::list).post(clients::create))
        .route("/api/v1/clients/{id}", get(clients::read).put(clients::update))
        .route("/api/v1/clients/{id}/archive", post(clients::archive))
        .route("/api/v1/clients/{id}/restore", post(clients::restore))
        .route("/api/v1/score/{instrument}", post(score::score))
        .route("/api/v1/suggest", post(atlas::suggest))
        .route("/api/v1/atlas/muscles", get(atlas::muscles))
        .route("/api/v1/atlas/muscles/{id}", get(atlas::muscle))
        .fallback(fallback)
}

async fn fallback(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        crate::error::Problem::new(
            axum::http::StatusCode::NOT_FOUND,
            "Not found",
            format!("no endpoint at {}", uri.path()),
        )
        .into_response()
    } else {
        crate::pages::not_found_page().into_response()
    }
}
