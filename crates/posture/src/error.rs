//! The errors of this crate's entry points. Every error names the field it is
//! about, in the form the API and the forms report (`findings[2].side`,
//! `acromion_left.x`), so a boundary can turn it into a field error as is.

use myomap_domain::ValidationErrors;

use crate::measure::Landmark;

/// Coordinates beyond this size (in either direction) are refused: no photo is
/// that large, and differences of such numbers can overflow.
pub const MAX_COORDINATE: f64 = 1.0e9;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostureError {
    #[error("{field}: unknown posture finding \"{id}\"")]
    UnknownFinding { field: String, id: String },
    #[error("{field}: posture finding \"{id}\" is sided: give side \"left\" or \"right\"")]
    SideRequired { field: String, id: String },
    #[error("{field}: posture finding \"{id}\" has no side; leave the side out")]
    SideNotAllowed { field: String, id: String },
    #[error("{field}: coordinate must be a finite number")]
    NonFinite { field: String },
    #[error("{field}: coordinate must lie between -1e9 and 1e9")]
    OutOfRange { field: String },
    #[error("{field}: {first} and {second} are at the same point, so no line can be drawn through them")]
    SamePoint {
        field: String,
        first: Landmark,
        second: Landmark,
    },
    #[error("{field}: landmark {landmark} is given more than once")]
    DuplicateLandmark { field: String, landmark: Landmark },
    #[error(
        "{field}: give the client's side facing the camera (\"left\" or \"right\") to measure the craniovertebral angle"
    )]
    ProfileRequired { field: String },
}

impl PostureError {
    /// The field the error is about, e.g. `findings[0].id` or `c7.y`.
    pub fn field(&self) -> &str {
        match self {
            PostureError::UnknownFinding { field, .. }
            | PostureError::SideRequired { field, .. }
            | PostureError::SideNotAllowed { field, .. }
            | PostureError::NonFinite { field }
            | PostureError::OutOfRange { field }
            | PostureError::SamePoint { field, .. }
            | PostureError::DuplicateLandmark { field, .. }
            | PostureError::ProfileRequired { field } => field,
        }
    }

    /// The message without the field prefix, for showing next to the field.
    pub fn message(&self) -> String {
        let full = self.to_string();
        let prefix = format!("{}: ", self.field());
        full.strip_prefix(&prefix).map(str::to_owned).unwrap_or(full)
    }
}

impl From<PostureError> for ValidationErrors {
    fn from(error: PostureError) -> Self {
        ValidationErrors::single(error.field(), error.message())
    }
}
