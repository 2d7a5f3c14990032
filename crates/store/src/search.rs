//! Client search: words folded to `[a-z0-9]` and matched as prefixes.
//!
//! A client's name, e-mail and phone are split into terms: each
//! whitespace-separated word with everything but letters and digits removed
//! ("O'Brien" → `obrien`, "pob@example.org" → `pobexampleorg`), and the parts
//! between those removed characters (`o`, `brien`; `pob`, `example`, `org`).
//! Letters lose their accents ("Zoë" → `zoe`). A search word is folded the
//! same way and matches every term it is a prefix of.
//!
//! Why `[a-z0-9]`: a prefix becomes the range `prefix ..= prefix + "zzz…"`,
//! and over such strings every collation PostgreSQL may be set up with
//! orders like plain bytes, so the range is exact and served by the index
//! on both back ends.

use unicode_normalization::UnicodeNormalization;

/// Longest term kept; a longer word is cut (and still found by its start).
pub(crate) const MAX_TERM: usize = 40;

/// Letters and digits of `text`, lower-case and without accents.
fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.nfkd().flat_map(char::to_lowercase) {
        match c {
            'a'..='z' | '0'..='9' => folded.push(c),
            // Letters that do not decompose into a base letter and accent.
            'ø' => folded.push('o'),
            'æ' => folded.push_str("ae"),
            'œ' => folded.push_str("oe"),
            'ß' => folded.push_str("ss"),
            'ł' => folded.push('l'),
            'đ' | 'ð' => folded.push('d'),
            'þ' => folded.push_str("th"),
            'ı' => folded.push('i'),
            _ => {}
        }
    }
    folded.truncate(MAX_TERM);
    folded
}

/// The terms a client is found by, without repeats.
pub(crate) fn terms(fields: &[&str]) -> Vec<String> {
    let mut terms = Vec::new();
    for word in fields.iter().flat_map(|field| field.split_whitespace()) {
        terms.push(fold(word));
        terms.extend(word.split(|c: char| !c.is_alphanumeric()).map(fold));
    }
    terms.retain(|t| !t.is_empty());
    terms.sort_unstable();
    terms.dedup();
    terms
}

/// The inclusive range of terms a search word matches, or `None` when the
/// word has no letter or digit (it then matches nothing).
pub(crate) fn prefix_range(word: &str) -> Option<(String, String)> {
    let prefix = fold(word);
    if prefix.is_empty() {
        return None;
    }
    let mut upper = prefix.clone();
    upper.extend(std::iter::repeat_n('z', MAX_TERM + 1));
    Some((prefix, upper))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn names_emails_and_phones_become_terms() {
        assert_eq!(
            terms(&["O'Brien", "Zoë"]),
            ["brien", "o", "obrien", "zoe"].map(String::from).to_vec()
        );
        assert!(terms(&["pob@example.org"]).contains(&"pobexampleorg".to_owned()));
        assert!(terms(&["+44 7700 900123"]).contains(&"7700".to_owned()));
        assert!(terms(&["Ødegaard"]).contains(&"odegaard".to_owned()));
        assert_eq!(prefix_range("%"), None);
        assert_eq!(prefix_range("O'Bri").map(|r| r.0), Some("obri".to_owned()));
    }

    proptest! {
        /// Every word of a field is found by any prefix of itself, and the
        /// range of a prefix holds exactly the terms that start with it.
        #[test]
        fn a_word_is_found_by_its_prefixes(word in "[^\\s\\p{C}]{1,30}", cut in 1usize..30) {
            let found = terms(&[&word]);
            let prefix: String = word.chars().take(cut).collect();
            if let Some((low, high)) = prefix_range(&prefix) {
                prop_assert!(found.iter().any(|t| t.as_str() >= low.as_str() && t.as_str() <= high.as_str() && t.starts_with(&low)),
                    "{word:?} not found by {prefix:?}");
                for t in &found {
                    let in_range = t.as_str() >= low.as_str() && t.as_str() <= high.as_str();
                    prop_assert_eq!(in_range, t.starts_with(&low));
                }
            }
        }
    }
}
