//! The client pages: the list, the add and edit forms, a client's page
//! with the clinical record's sections, the audit history, archiving and
//! erasure, and the record export.

pub mod export;
pub mod form;
pub mod history;
pub mod lifecycle;
pub mod list;
pub mod show;

use myomap_domain::ClientId;
use myomap_store::{Actor, StoreError};

use crate::pages::PageError;

fn parse_id(id: &str, actor: &Actor) -> Result<ClientId, PageError> {
    id.parse()
        .map_err(|_| PageError::store(StoreError::NotFound("client"), Some(actor)))
}
