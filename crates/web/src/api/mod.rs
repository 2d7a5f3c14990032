//! The JSON API under `/api/v1/`.

mod atlas;
mod clients;
mod health;
mod home_care;
mod links;
mod openapi;
pub(crate) mod outcomes;
mod plans;
pub(crate) mod record;
pub(crate) mod schedule;
pub(crate) mod schemas;
mod score;
mod screening;
mod session;
mod staff;

use axum::Router;
use axum::routing::{delete, get, post};

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
        .route("/api/v1/clients/{id}/fhir", get(clients::fhir))
        .route("/api/v1/clients/{id}/links", get(links::list))
        .route("/api/v1/links/email", post(links::email))
        .route("/api/v1/score/{instrument}", post(score::score))
        .route("/api/v1/suggest", post(atlas::suggest))
        .route("/api/v1/screening/questions", get(record::screening_questions))
        .route("/api/v1/screening", post(screening::screen))
        .route(
            "/api/v1/clients/{id}/intake",
            get(record::get_intake).post(record::submit_intake),
        )
        .route("/api/v1/clients/{id}/intake-link", post(record::intake_link))
        .route("/api/v1/intakes/{id}/sign", post(record::sign_intake))
        .route("/api/v1/links/{token}", get(record::open_link))
        .route("/api/v1/links/{token}/intake", post(record::answer_intake_link))
        .route("/api/v1/links/{token}/checkin", post(record::answer_checkin_link))
        .route(
            "/api/v1/clients/{id}/assessments",
            get(record::list_assessments).post(record::create_assessment),
        )
        .route(
            "/api/v1/assessments/{id}",
            get(record::get_assessment).put(record::update_assessment),
        )
        .route(
            "/api/v1/assessments/{id}/photos",
            post(record::upload_photo).layer(axum::extract::DefaultBodyLimit::max(
                myomap_store::MAX_PHOTO_BYTES + 1024,
            )),
        )
        .route("/api/v1/photos/{id}", get(record::photo_image))
        .route(
            "/api/v1/photos/{id}/landmarks",
            axum::routing::put(record::photo_landmarks),
        )
        .route(
            "/api/v1/clients/{id}/sessions",
            get(record::list_notes).post(record::create_note),
        )
        .route(
            "/api/v1/clients/{id}/sessions/carry-forward",
            get(record::carry_forward),
        )
        .route("/api/v1/sessions/{id}", get(record::get_note).put(record::update_note))
        .route("/api/v1/sessions/{id}/sign", post(record::sign_note))
        .route("/api/v1/sessions/{id}/amend", post(record::amend_note))
        .route("/api/v1/dashboard", get(record::dashboard))
        .route(
            "/api/v1/clients/{id}/questionnaires",
            get(outcomes::list).post(outcomes::record),
        )
        .route("/api/v1/clients/{id}/progress", get(outcomes::client_progress))
        .route(
            "/api/v1/clients/{id}/home-care",
            get(home_care::list).post(home_care::create),
        )
        .route("/api/v1/home-care/{id}", get(home_care::read))
        .route("/api/v1/home-care/{id}/link", post(home_care::link))
        .route("/api/v1/links/{token}/home-care", post(home_care::tick))
        .route("/api/v1/protocols", get(plans::protocols))
        .route("/api/v1/protocols/{id}", get(plans::protocol))
        .route("/api/v1/clients/{id}/plans", get(plans::list).post(plans::create))
        .route("/api/v1/plans/{id}", get(plans::read).put(plans::update))
        .route("/api/v1/plans/{id}/close", post(plans::close))
        .route("/api/v1/clients/{id}/questionnaire-link", post(outcomes::link))
        .route("/api/v1/links/{token}/questionnaire", post(outcomes::answer_link))
        .route("/api/v1/checkins/{id}/review", post(record::review_checkin))
        .route("/api/v1/checkins/{id}/link", post(record::checkin_link))
        .route("/api/v1/atlas/muscles", get(atlas::muscles))
        .route("/api/v1/atlas/muscles/{id}", get(atlas::muscle))
        .route("/api/v1/clinic", get(schedule::clinic).put(schedule::set_clinic))
        .route("/api/v1/staff", get(schedule::staff))
        .route("/api/v1/staff/accounts", get(staff::accounts))
        .route("/api/v1/staff/invitations", post(staff::invite))
        .route("/api/v1/staff/{id}/role", axum::routing::put(staff::set_role))
        .route("/api/v1/staff/{id}/deactivate", post(staff::deactivate))
        .route("/api/v1/staff/{id}/reactivate", post(staff::reactivate))
        .route("/api/v1/me/sessions", get(staff::own_sessions))
        .route("/api/v1/me/sessions/revoke-others", post(staff::revoke_others))
        .route("/api/v1/clinic/sessions", get(staff::clinic_sessions))
        .route("/api/v1/clinic/sessions/{id}", delete(staff::revoke_session))
        .route("/api/v1/clinic/settings", get(staff::settings).put(staff::set_settings))
        .route("/api/v1/rooms", post(schedule::add_room))
        .route(
            "/api/v1/therapists/{id}/hours",
            get(schedule::hours).put(schedule::set_hours),
        )
        .route("/api/v1/therapists/{id}/slots", get(schedule::slots))
        .route(
            "/api/v1/therapists/{id}/time-off",
            get(schedule::time_off).post(schedule::add_time_off),
        )
        .route("/api/v1/time-off/{id}", delete(schedule::remove_time_off))
        .route("/api/v1/therapists/{id}/calendar-feed", post(schedule::renew_feed))
        .route("/calendar/{token}", get(schedule::feed))
        .route("/api/v1/appointments", get(schedule::list).post(schedule::book))
        .route("/api/v1/appointments/{id}", get(schedule::read))
        .route("/api/v1/appointments/{id}/reschedule", post(schedule::reschedule))
        .route("/api/v1/appointments/{id}/status", post(schedule::set_status))
        .route("/api/v1/clients/{id}/booking-link", post(schedule::booking_link))
        .route("/api/v1/clients/{id}/appointments", get(schedule::client_appointments))
        .route("/api/v1/outbox", get(schedule::outbox))
        .route("/api/v1/outbox/{id}/sent", post(schedule::outbox_sent))
        .route("/api/v1/outbox/{id}/retry", post(schedule::outbox_retry))
        .route("/api/v1/openapi.json", get(openapi::document))
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
