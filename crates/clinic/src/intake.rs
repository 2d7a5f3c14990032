//! Taking an intake: the form checked, the suitability screening run with
//! the client's age on the clinic's day, and both stored together, in the
//! clinic or through the client's link.

use myomap_domain::record::IntakeForm;
use myomap_domain::{ClientId, ValidationErrors};
use myomap_screening::ScreeningAnswers;
use myomap_store::{Actor, Intake, IssuedLink, Store};

use crate::screening::{age_on, screen};
use crate::{ClinicError, Clock, today_in};

/// Errors of the form itself, named as fields of `form`.
fn form_errors(mut errors: ValidationErrors) -> ClinicError {
    for e in &mut errors.0 {
        e.field = format!("form.{}", e.field);
    }
    ClinicError::Invalid(errors)
}

/// An intake taken in the clinic (staff typing the client's answers).
pub async fn take_intake(
    store: &Store,
    actor: &Actor,
    clock: &dyn Clock,
    client: ClientId,
    form: &IntakeForm,
    answers: &ScreeningAnswers,
) -> Result<Intake, ClinicError> {
    form.validate().map_err(form_errors)?;
    let scope = store.clinic(actor);
    let born = scope.get_client(client).await?.date_of_birth;
    let age = age_on(born, today_in(&actor.time_zone, clock));
    let screening = screen(form, age, answers).map_err(ClinicError::Invalid)?;
    Ok(scope.submit_intake(client, form, &screening).await?)
}

/// An intake the client sends through their link; the link is used up.
/// Their age (when the clinic has their birth date) feeds the age rules.
pub async fn submit_via_link(
    store: &Store,
    clock: &dyn Clock,
    token: &str,
    form: &IntakeForm,
    answers: &ScreeningAnswers,
) -> Result<(), ClinicError> {
    form.validate().map_err(form_errors)?;
    let grant = store.open_link(token).await?;
    let today = today_in(&grant.clinic_time_zone, clock);
    let age = grant.client_date_of_birth.and_then(|born| age_on(born, today));
    let screening = screen(form, age, answers).map_err(ClinicError::Invalid)?;
    Ok(store.submit_intake_via_link(token, form, &screening).await?)
}

/// How long a client's intake link stays open.
pub const LINK_TTL: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 60 * 60);

/// A single-use link for the client to fill in the intake at home.
pub async fn request_link(store: &Store, actor: &Actor, client: ClientId) -> Result<IssuedLink, ClinicError> {
    Ok(store.clinic(actor).request_intake_link(client, LINK_TTL).await?)
}
