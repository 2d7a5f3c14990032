//! Registering a client and correcting their details: the fields checked
//! against the clinic's day (a birth date may not be after it), then stored.

use myomap_domain::{Client, ClientFields, ClientId};
use myomap_store::{Actor, Store};

use crate::{ClinicError, Clock, today_in};

/// A new client of the actor's clinic.
pub async fn register(
    store: &Store,
    actor: &Actor,
    clock: &dyn Clock,
    fields: &ClientFields,
) -> Result<Client, ClinicError> {
    let valid = fields
        .validate(today_in(&actor.time_zone, clock))
        .map_err(ClinicError::Invalid)?;
    Ok(store.clinic(actor).create_client(&valid).await?)
}

/// A client's details as corrected; a stale `version` is a conflict.
pub async fn update(
    store: &Store,
    actor: &Actor,
    clock: &dyn Clock,
    client: ClientId,
    version: i64,
    fields: &ClientFields,
) -> Result<Client, ClinicError> {
    let valid = fields
        .validate(today_in(&actor.time_zone, clock))
        .map_err(ClinicError::Invalid)?;
    Ok(store.clinic(actor).update_client(client, version, &valid).await?)
}
