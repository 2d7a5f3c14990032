//! Staff two-factor sign-in, the owner's side: resetting a staff member's
//! second factor (a lost phone). The staff page and `myomap user reset-mfa`
//! call these.

use myomap_domain::UserId;
use myomap_store::{Actor, Store};

use crate::ClinicError;

/// An owner resets a staff member of their clinic: the second factor and
/// recovery codes are removed and the person's sessions end. Audited as
/// `mfa.reset` by the owner.
pub async fn reset_staff_mfa(store: &Store, owner: &Actor, user: UserId) -> Result<(), ClinicError> {
    Ok(store.reset_staff_mfa(owner, user).await?)
}

/// The same by the installation's operator from the command line, who
/// already holds the database; audited as `mfa.reset` by `cli`.
pub async fn reset_mfa_by_email(store: &Store, email: &str) -> Result<(), ClinicError> {
    Ok(store.reset_mfa_from_command_line(email).await?)
}
