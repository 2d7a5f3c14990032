//! The pages a client opens from a link, without an account: the intake
//! form and the soreness check-in. The token in the address is the only
//! credential and opens one target of one client; it is used up on answer.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use myomap_clinic::ClinicError;
use myomap_clinic::SystemClock;
use myomap_domain::ValidationErrors;
use myomap_domain::record::CheckinAnswer;
use myomap_store::{LinkGrant, LinkPurpose, StoreError};

use super::intake::{IntakeSpec, Typed, intake_page, read_form, validate};
use super::{Pairs, checked, parse_site, site_options, value, values};
use crate::AppState;
use crate::pages::{Layout, MessagePage, error_page, render};

/// The page for a link that cannot be used, for every kind of client link.
pub(super) fn link_problem(e: StoreError) -> Response {
    match e {
        StoreError::NotFound(_) => error_page(
            StatusCode::NOT_FOUND,
            Layout::anonymous(),
            "Link not valid",
            "This link is not valid. Check that it was copied completely, or ask your clinic for a new one.",
        ),
        StoreError::Gone(message) => error_page(StatusCode::GONE, Layout::anonymous(), "Link no longer open", &message),
        StoreError::Invalid(errors) => error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            Layout::anonymous(),
            "Not accepted",
            &errors.to_string(),
        ),
        other => axum::response::IntoResponse::into_response(crate::pages::PageError::store(other, None)),
    }
}

/// A use case's refusal on a client's page, worded as for a link.
pub(super) fn use_case_problem(e: ClinicError) -> Response {
    link_problem(crate::pages::as_store_error(e))
}

fn thanks(grant: &LinkGrant, line: &str) -> Response {
    render(
        StatusCode::OK,
        &MessagePage {
            layout: Layout::anonymous(),
            title: format!("Thank you, {}", grant.client_given_name),
            lines: vec![
                line.to_owned(),
                format!("{} has received it. You can close this page.", grant.clinic_name),
            ],
            links: Vec::new(),
            back: String::new(),
            back_label: String::new(),
        },
    )
}

fn intake_spec(token: &str, grant: &LinkGrant) -> IntakeSpec {
    IntakeSpec {
        layout: Layout::anonymous(),
        heading: format!("Welcome, {}", grant.client_given_name),
        intro: format!(
            "{} asks you to fill in this form before your first session. It takes about five minutes. Your answers go only to your clinic.",
            grant.clinic_name
        ),
        action: format!("/c/{token}"),
        cancel: String::new(),
        csrf: String::new(),
        submit_label: "Send to my therapist",
    }
}

#[derive(Template)]
#[template(path = "checkin_form.html")]
struct CheckinPage {
    layout: Layout,
    given_name: String,
    clinic: String,
    hours: String,
    action: String,
    soreness: String,
    sites: &'static [(String, String)],
    problem: Option<String>,
}

fn checkin_page(token: &str, grant: &LinkGrant, hours: &str, soreness: &str, problem: Option<String>) -> CheckinPage {
    CheckinPage {
        layout: Layout::anonymous(),
        given_name: grant.client_given_name.clone(),
        clinic: grant.clinic_name.clone(),
        hours: hours.to_owned(),
        action: format!("/c/{token}"),
        soreness: soreness.to_owned(),
        sites: site_options(),
        problem,
    }
}

pub async fn open(
    State(state): State<AppState>,
    Path(token): Path<String>,
    axum::extract::Query(params): axum::extract::Query<super::home_care::PublicParams>,
) -> Response {
    let grant = match state.store.open_link(&token).await {
        Ok(grant) => grant,
        Err(e) => return link_problem(e),
    };
    match grant.purpose {
        LinkPurpose::Intake => {
            let typed = Typed {
                form: Default::default(),
                yes: Vec::new(),
            };
            render(
                StatusCode::OK,
                &intake_page(intake_spec(&token, &grant), &typed, &ValidationErrors::default(), None),
            )
        }
        LinkPurpose::Checkin => {
            let hours = state.store.checkin_hours(&grant).await.unwrap_or(24).to_string();
            render(StatusCode::OK, &checkin_page(&token, &grant, &hours, "", None))
        }
        LinkPurpose::Booking => super::booking::public_open(&state, &token, None).await,
        LinkPurpose::Appointment => super::booking::appointment_open(&state, &token, None).await,
        LinkPurpose::HomeCare => super::home_care::public_open(&state, &token, params.saved.is_some())
            .await
            .unwrap_or_else(use_case_problem),
        LinkPurpose::Questionnaire => {
            match myomap_clinic::outcomes::questionnaire_of_link(&state.store, &grant).await {
                Ok((instrument, wording)) => render(
                    StatusCode::OK,
                    &super::outcomes::public_page(&token, &grant, instrument, wording.as_ref(), &Vec::new(), None),
                ),
                Err(e) => use_case_problem(e),
            }
        }
    }
}

pub async fn answer(State(state): State<AppState>, Path(token): Path<String>, Form(pairs): Form<Pairs>) -> Response {
    let grant = match state.store.open_link(&token).await {
        Ok(grant) => grant,
        Err(e) => return link_problem(e),
    };
    match grant.purpose {
        LinkPurpose::Intake => {
            let typed = read_form(&pairs);
            match validate(&typed) {
                Ok((form, answers)) => {
                    match myomap_clinic::intake::submit_via_link(&state.store, &SystemClock, &token, &form, &answers)
                        .await
                    {
                        Ok(()) => thanks(&grant, "Your intake form is sent."),
                        Err(e) => use_case_problem(e),
                    }
                }
                Err((errors, screening_error)) => render(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &intake_page(intake_spec(&token, &grant), &typed, &errors, screening_error),
                ),
            }
        }
        LinkPurpose::HomeCare => super::home_care::public_tick(&state, &token, &pairs)
            .await
            .unwrap_or_else(use_case_problem),
        LinkPurpose::Questionnaire => super::outcomes::answer_public(&state, &token, &grant, &pairs).await,
        LinkPurpose::Booking => super::booking::public_book(&state, &token, &pairs).await,
        LinkPurpose::Appointment => super::booking::appointment_cancel(&state, &token).await,
        LinkPurpose::Checkin => {
            let hours = state.store.checkin_hours(&grant).await.unwrap_or(24).to_string();
            let soreness = value(&pairs, "soreness");
            let Ok(level) = soreness.parse::<u8>() else {
                let page = checkin_page(
                    &token,
                    &grant,
                    &hours,
                    soreness,
                    Some("Choose how sore you are, from 0 to 10.".into()),
                );
                return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
            };
            let answer = CheckinAnswer {
                soreness: level,
                areas: values(&pairs, "areas").into_iter().filter_map(parse_site).collect(),
                numbness: checked(&pairs, "numbness"),
                bruising: checked(&pairs, "bruising"),
                sharp_pain: checked(&pairs, "sharp_pain"),
                comment: value(&pairs, "comment").trim().to_owned(),
            };
            if let Err(errors) = answer.validate() {
                let page = checkin_page(&token, &grant, &hours, soreness, Some(errors.to_string()));
                return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
            }
            match state.store.submit_checkin_via_link(&token, &answer).await {
                Ok(()) => thanks(&grant, "Your answer is sent."),
                Err(e) => link_problem(e),
            }
        }
    }
}
