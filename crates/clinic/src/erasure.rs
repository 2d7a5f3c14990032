//! Erasing a client on request, on the clinic's day: the retention period
//! is measured against today where the clinic is, never the server's day.
//! What is removed and what is kept is the store's (`myomap_store`'s
//! erasure module); this is the one entry point the pages and the command
//! line share.

use myomap_domain::ClientId;
use myomap_store::{Actor, Erasure, MAX_RETENTION_YEARS, Store};

use crate::{ClinicError, Clock, today_in};

/// Erases `client` (owner only) once `typed_name` matches the client's full
/// name and the clinic's retention period has passed.
pub async fn erase_client(
    store: &Store,
    actor: &Actor,
    clock: &dyn Clock,
    client: ClientId,
    typed_name: &str,
) -> Result<Erasure, ClinicError> {
    let today = today_in(&actor.time_zone, clock);
    Ok(store.clinic(actor).erase_client(client, typed_name, today).await?)
}

/// Sets the clinic's minimum retention period in whole years (owner only).
pub async fn set_retention(store: &Store, actor: &Actor, years: u32) -> Result<(), ClinicError> {
    if years > MAX_RETENTION_YEARS {
        return Err(ClinicError::field(
            "years",
            format!("must be between 0 and {MAX_RETENTION_YEARS}"),
        ));
    }
    Ok(store.clinic(actor).set_retention_years(years).await?)
}
