//! [`ScoringError`]: why an input was rejected, as one line naming the field.

use crate::Instrument;

/// A rejected input (spec 0.1). Its `Display` is one line that names the
/// offending field first, e.g. `items[3]: 7 is out of range 0-5`.
///
/// Too many unanswered items is *not* an error: it gives a result with
/// `valid: false`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoringError {
    /// The instrument id is not one of [`Instrument::ALL`].
    #[error("unknown instrument \"{0}\"")]
    UnknownInstrument(String),
    /// A typed entry point was called with an instrument it does not score,
    /// e.g. [`score_items`](crate::score_items) with `ppt`.
    #[error("{instrument} is not scored from {what}")]
    NotApplicable {
        /// The instrument that was asked for.
        instrument: Instrument,
        /// What the entry point scores, e.g. "item answers".
        what: &'static str,
    },
    /// A field of the input is wrong. `field` is a path into the JSON input:
    /// `input`, `items`, `items[3]`, `regions[2]`, `fatigue`, `unit`, ...
    /// Array indexes are zero-based.
    #[error("{field}: {problem}")]
    Invalid {
        /// Where the problem is.
        field: String,
        /// What the problem is.
        problem: Problem,
    },
}

/// What is wrong with one field of the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// A required field is absent.
    #[error("missing")]
    Missing,
    /// The input object has a key the instrument does not take.
    #[error("unknown key \"{0}\"")]
    UnknownKey(String),
    /// A JSON value of the wrong type (a string or boolean for a number, ...).
    #[error("expected {expected}, got {got}")]
    WrongType {
        /// What the field takes, e.g. "a whole number or null".
        expected: &'static str,
        /// The JSON type given, e.g. "a string".
        got: &'static str,
    },
    /// An array of the wrong length.
    #[error("expected {expected}, got {got}")]
    WrongCount {
        /// E.g. "10 answers" or "1 to 5 trials".
        expected: String,
        /// The length given.
        got: usize,
    },
    /// A number with a fractional part where the field takes whole numbers.
    #[error("{0} is not a whole number")]
    NotWhole(String),
    /// A whole number outside the response range.
    #[error("{value} is out of range {min}-{max}")]
    OutOfRange {
        /// The value as given.
        value: String,
        /// Lowest allowed value.
        min: i64,
        /// Highest allowed value.
        max: i64,
    },
    /// A value that must be strictly positive (a PPT trial).
    #[error("{0} is not greater than 0")]
    NotPositive(String),
    /// A value that must not be negative (a duration).
    #[error("{0} is negative")]
    Negative(String),
    /// A number whose exact value cannot be held (far beyond any real input).
    #[error("{0} cannot be represented exactly")]
    NotRepresentable(String),
    /// The values are individually fine but their exact mean does not fit
    /// (only possible for absurdly mixed magnitudes).
    #[error("values are too large or too precise to combine exactly")]
    TooPrecise,
    /// An ACR 2016 area id that is not in the spec's table (section 9.1).
    #[error("unknown region id \"{0}\"")]
    UnknownRegion(String),
    /// An ACR 2016 area id given twice.
    #[error("duplicate region id \"{0}\"")]
    DuplicateRegion(String),
    /// A PPT unit other than `kg_cm2` and `kpa`.
    #[error("unknown unit \"{0}\" (expected \"kg_cm2\" or \"kpa\")")]
    UnknownUnit(String),
}

impl ScoringError {
    /// Shorthand for [`ScoringError::Invalid`].
    pub(crate) fn invalid(field: impl Into<String>, problem: Problem) -> Self {
        Self::Invalid {
            field: field.into(),
            problem,
        }
    }

    /// `field: expected {expected}, got {got}` for an array of the wrong length.
    pub(crate) fn count(field: &str, min: usize, max: usize, noun: &str, got: usize) -> Self {
        let expected = if min == max {
            format!("{min} {noun}")
        } else {
            format!("{min} to {max} {noun}")
        };
        Self::invalid(field, Problem::WrongCount { expected, got })
    }
}
