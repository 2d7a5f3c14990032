//! The JSON API under `/api/v1/`.

mod atlas;
#[cfg(test)]
mod body_fuzz;
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

use crate::AppState;
use crate::route_table::RouteTable;

/// The API routes, as a table the isolation sweep and the OpenAPI check can enumerate.
pub fn table() -> RouteTable {
    RouteTable::new()
        .get("/healthz", health::healthz)
        .post("/api/v1/login", session::login)
        .post("/api/v1/logout", session::logout)
        .get("/api/v1/me", session::me)
        .get("/api/v1/clients", clients::list)
        .post("/api/v1/clients", clients::create)
        .get("/api/v1/clients/{id}", clients::read)
        .put("/api/v1/clients/{id}", clients::update)
        .post("/api/v1/clients/{id}/archive", clients::archive)
        .post("/api/v1/clients/{id}/restore", clients::restore)
        .get("/api/v1/clients/{id}/fhir", clients::fhir)
        .get("/api/v1/clients/{id}/links", links::list)
        .post("/api/v1/links/email", links::email)
        .post("/api/v1/score/{instrument}", score::score)
        .post("/api/v1/suggest", atlas::suggest)
        .get("/api/v1/screening/questions", record::intake::screening_questions)
        .post("/api/v1/screening", screening::screen)
        .get("/api/v1/clients/{id}/intake", record::intake::get_intake)
        .post("/api/v1/clients/{id}/intake", record::intake::submit_intake)
        .post("/api/v1/clients/{id}/intake-link", record::intake::intake_link)
        .post("/api/v1/intakes/{id}/sign", record::intake::sign_intake)
        .get("/api/v1/links/{token}", record::public::open_link)
        .post("/api/v1/links/{token}/intake", record::public::answer_intake_link)
        .post("/api/v1/links/{token}/checkin", record::public::answer_checkin_link)
        .get(
            "/api/v1/clients/{id}/assessments",
            record::assessments::list_assessments,
        )
        .post(
            "/api/v1/clients/{id}/assessments",
            record::assessments::create_assessment,
        )
        .get("/api/v1/assessments/{id}", record::assessments::get_assessment)
        .put("/api/v1/assessments/{id}", record::assessments::update_assessment)
        .post_up_to(
            "/api/v1/assessments/{id}/photos",
            myomap_store::MAX_PHOTO_BYTES + 1024,
            record::photos::upload_photo,
        )
        .get("/api/v1/photos/{id}", record::photos::photo_image)
        .put("/api/v1/photos/{id}/landmarks", record::photos::photo_landmarks)
        .get("/api/v1/clients/{id}/sessions", record::notes::list_notes)
        .post("/api/v1/clients/{id}/sessions", record::notes::create_note)
        .get(
            "/api/v1/clients/{id}/sessions/carry-forward",
            record::notes::carry_forward,
        )
        .get("/api/v1/sessions/{id}", record::notes::get_note)
        .put("/api/v1/sessions/{id}", record::notes::update_note)
        .post("/api/v1/sessions/{id}/sign", record::notes::sign_note)
        .post("/api/v1/sessions/{id}/amend", record::notes::amend_note)
        .get("/api/v1/dashboard", record::checkins::dashboard)
        .get("/api/v1/clients/{id}/questionnaires", outcomes::list)
        .post("/api/v1/clients/{id}/questionnaires", outcomes::record)
        .get("/api/v1/clients/{id}/progress", outcomes::client_progress)
        .get("/api/v1/clients/{id}/home-care", home_care::list)
        .post("/api/v1/clients/{id}/home-care", home_care::create)
        .get("/api/v1/home-care/{id}", home_care::read)
        .post("/api/v1/home-care/{id}/link", home_care::link)
        .post("/api/v1/links/{token}/home-care", home_care::tick)
        .get("/api/v1/protocols", plans::protocols)
        .get("/api/v1/protocols/{id}", plans::protocol)
        .get("/api/v1/clients/{id}/plans", plans::list)
        .post("/api/v1/clients/{id}/plans", plans::create)
        .get("/api/v1/plans/{id}", plans::read)
        .put("/api/v1/plans/{id}", plans::update)
        .post("/api/v1/plans/{id}/close", plans::close)
        .post("/api/v1/clients/{id}/questionnaire-link", outcomes::link)
        .post("/api/v1/links/{token}/questionnaire", outcomes::answer_link)
        .post("/api/v1/checkins/{id}/review", record::checkins::review_checkin)
        .post("/api/v1/checkins/{id}/link", record::checkins::checkin_link)
        .get("/api/v1/atlas/muscles", atlas::muscles)
        .get("/api/v1/atlas/muscles/{id}", atlas::muscle)
        .get("/api/v1/clinic", schedule::clinic::clinic)
        .put("/api/v1/clinic", schedule::clinic::set_clinic)
        .get("/api/v1/staff", schedule::clinic::staff)
        .get("/api/v1/staff/accounts", staff::accounts)
        .post("/api/v1/staff/invitations", staff::invite)
        .put("/api/v1/staff/{id}/role", staff::set_role)
        .post("/api/v1/staff/{id}/deactivate", staff::deactivate)
        .post("/api/v1/staff/{id}/reactivate", staff::reactivate)
        .post("/api/v1/staff/{id}/reset-mfa", staff::reset_mfa)
        .get("/api/v1/me/sessions", staff::own_sessions)
        .post("/api/v1/me/sessions/revoke-others", staff::revoke_others)
        .get("/api/v1/clinic/sessions", staff::clinic_sessions)
        .delete("/api/v1/clinic/sessions/{id}", staff::revoke_session)
        .get("/api/v1/clinic/settings", staff::settings)
        .put("/api/v1/clinic/settings", staff::set_settings)
        .post("/api/v1/rooms", schedule::clinic::add_room)
        .get("/api/v1/therapists/{id}/hours", schedule::hours::hours)
        .put("/api/v1/therapists/{id}/hours", schedule::hours::set_hours)
        .get("/api/v1/therapists/{id}/slots", schedule::slots::slots)
        .get("/api/v1/therapists/{id}/time-off", schedule::time_off::time_off)
        .post("/api/v1/therapists/{id}/time-off", schedule::time_off::add_time_off)
        .delete("/api/v1/time-off/{id}", schedule::time_off::remove_time_off)
        .post("/api/v1/therapists/{id}/calendar-feed", schedule::feed::renew_feed)
        .get("/calendar/{token}", schedule::feed::feed)
        .get("/api/v1/appointments", schedule::appointments::list)
        .post("/api/v1/appointments", schedule::appointments::book)
        .get("/api/v1/appointments/{id}", schedule::appointments::read)
        .post(
            "/api/v1/appointments/{id}/reschedule",
            schedule::appointments::reschedule,
        )
        .post("/api/v1/appointments/{id}/status", schedule::appointments::set_status)
        .post(
            "/api/v1/clients/{id}/booking-link",
            schedule::appointments::booking_link,
        )
        .get(
            "/api/v1/clients/{id}/appointments",
            schedule::appointments::client_appointments,
        )
        .get("/api/v1/outbox", schedule::outbox::outbox)
        .post("/api/v1/outbox/{id}/sent", schedule::outbox::outbox_sent)
        .post("/api/v1/outbox/{id}/retry", schedule::outbox::outbox_retry)
        .get("/api/v1/openapi.json", openapi::document)
}

pub fn routes() -> Router<AppState> {
    let (router, _) = table().into_parts();
    router.fallback(fallback)
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
