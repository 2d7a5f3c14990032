//! Myomap's clinical vocabulary and the rules that keep it valid.
//!
//! This crate is pure: no I/O, no async, no database, no HTTP. Data that is
//! part of the vocabulary (the body areas and how they relate) is compiled in
//! and parsed once on first use. Every other crate speaks in these types, so a
//! value that exists here has already been validated.

pub mod body_area;
pub mod client;
pub mod ids;
pub mod pain;
pub mod password;
pub mod record;
pub mod relations;
pub mod role;
pub mod screening_outcome;
pub mod validation;

pub use body_area::{AreaError, AreaId, AreaSite, BodyArea, Side, View, body_areas};
pub use client::{Client, ClientFields, ClientKey, ValidClient};
pub use ids::{ClientId, ClinicId, UserId};
pub use pain::{PainEntry, PainSpecError};
pub use relations::{AreaRelation, area_relations};
pub use role::Role;
pub use validation::{FieldError, ValidationErrors};
