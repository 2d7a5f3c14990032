//! What a stored screening outcome means for treating the client today.
//!
//! The outcome is stored as text; a text this version does not know (from a
//! newer version, or damaged) is read as the most cautious one, a referral,
//! never as suitable.

/// Whether the outcome sends the client to a physician before treatment.
pub fn is_referral(outcome: &str) -> bool {
    !matches!(outcome, "suitable" | "suitable_with_precautions")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_two_suitable_outcomes_clear_treatment() {
        assert!(!is_referral("suitable"));
        assert!(!is_referral("suitable_with_precautions"));
        for cautious in ["refer_first", "", "SUITABLE", "suitable_later"] {
            assert!(is_referral(cautious), "{cautious}");
        }
    }
}
