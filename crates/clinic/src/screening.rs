//! How a stored screening outcome reads, in one place for every page, the
//! report and the agenda.

/// The label of a stored outcome. An outcome this version does not know
/// (written by a newer one, or damaged) reads as the most cautious one:
/// never as suitable, never as nothing.
pub fn outcome_label(outcome: &str) -> &'static str {
    match outcome {
        "suitable" => "Suitable",
        "suitable_with_precautions" => "Suitable with precautions",
        "refer_first" => "Refer to a physician first",
        _ => "Refer to a physician first (unknown screening outcome)",
    }
}

/// The CSS class of a stored outcome, as cautious as its label.
pub fn outcome_class(outcome: &str) -> &'static str {
    match outcome {
        "suitable" => "suitable",
        "suitable_with_precautions" => "precautions",
        _ => "refer",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_outcome_is_never_read_as_safe() {
        for unknown in ["", "suitable_later", "SUITABLE"] {
            assert!(outcome_label(unknown).starts_with("Refer"), "{unknown}");
            assert_eq!(outcome_class(unknown), "refer");
        }
        assert_eq!(outcome_label("suitable"), "Suitable");
    }
}
