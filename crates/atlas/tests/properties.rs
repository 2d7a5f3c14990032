//! Properties of the referred-pain engine over arbitrary valid pain maps.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use myomap_atlas::{Match, Suggestions, suggest};
use myomap_domain::{AreaSite, PainEntry, Side, body_areas};
use proptest::prelude::*;

fn sites() -> Vec<AreaSite> {
    body_areas().sites().collect()
}

fn entry((site, intensity): (usize, u8)) -> PainEntry {
    PainEntry::new(sites()[site], intensity).unwrap()
}

/// 1-10 pain areas anywhere on the body, intensities 1-10 (places may repeat).
fn pain_map() -> impl Strategy<Value = Vec<PainEntry>> {
    let n = body_areas().sites().count();
    prop::collection::vec((0..n, 1u8..=10), 1..=10).prop_map(|v| v.into_iter().map(entry).collect())
}

type Key = (&'static str, Option<Side>);

fn positions(s: &Suggestions) -> HashMap<Key, usize> {
    s.suggestions
        .iter()
        .enumerate()
        .map(|(i, x)| ((x.muscle, x.side), i))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(200) })]

    #[test]
    fn identical_input_gives_identical_output(map in pain_map(), top in 0usize..20) {
        prop_assert_eq!(suggest(&map, top), suggest(&map, top));
    }

    #[test]
    fn the_order_of_the_areas_does_not_matter(map in pain_map().prop_flat_map(|m| (Just(m.clone()), Just(m).prop_shuffle()))) {
        let (map, shuffled) = map;
        prop_assert_eq!(suggest(&map, usize::MAX), suggest(&shuffled, usize::MAX));
    }

    #[test]
    fn scores_lie_in_the_unit_interval_and_are_ranked(map in pain_map()) {
        let s = suggest(&map, usize::MAX);
        for x in &s.suggestions {
            prop_assert!(x.score > 0.0 && x.score <= 1.0, "{} {}", x.muscle, x.score);
            prop_assert_eq!(x.explains.len() + x.unexplained.len(), {
                let mut sites: Vec<AreaSite> = map.iter().map(|e| e.site).collect();
                sites.sort();
                sites.dedup();
                sites.len()
            });
            prop_assert!(!x.explains.is_empty());
        }
        for pair in s.suggestions.windows(2) {
            prop_assert!(pair[0].score >= pair[1].score);
        }
        // Every member of the explaining set is a ranked muscle.
        for id in &s.explaining_set {
            prop_assert!(s.suggestions.iter().any(|x| x.muscle == *id));
        }
        // The JSON form is always produced.
        prop_assert!(serde_json::to_string(&s).is_ok());
    }

    #[test]
    fn top_truncates_the_same_ranking(map in pain_map(), top in 0usize..8) {
        let all = suggest(&map, usize::MAX);
        let some = suggest(&map, top);
        prop_assert_eq!(&some.suggestions[..], &all.suggestions[..top.min(all.suggestions.len())]);
        prop_assert_eq!(some.explaining_set, all.explaining_set);
    }

    /// Adding a pain area that muscle M explains exactly and muscle N does not
    /// explain at all never moves N above M.
    #[test]
    fn evidence_for_m_never_promotes_n_over_m(map in pain_map(), extra in (0usize..166, 1u8..=10)) {
        let extra = entry(extra);
        prop_assume!(!map.iter().any(|e| e.site == extra.site));
        let alone = suggest(&[extra], usize::MAX);
        let exact: Vec<Key> = alone
            .suggestions
            .iter()
            .filter(|x| x.explains[0].via == Match::Exact)
            .map(|x| (x.muscle, x.side))
            .collect();
        let related = positions(&alone);
        let before = suggest(&map, usize::MAX);
        let mut grown = map.clone();
        grown.push(extra);
        let after = suggest(&grown, usize::MAX);
        let (pos_before, pos_after) = (positions(&before), positions(&after));
        let at = |p: &HashMap<Key, usize>, k: &Key| p.get(k).copied().unwrap_or(usize::MAX);
        for m in &exact {
            for x in &before.suggestions {
                let n = (x.muscle, x.side);
                if related.contains_key(&n) {
                    continue;
                }
                if at(&pos_before, m) < at(&pos_before, &n) {
                    prop_assert!(
                        at(&pos_after, m) < at(&pos_after, &n),
                        "{:?} fell below {:?} after adding {}", m, n, extra
                    );
                }
            }
        }
    }

    #[test]
    fn no_panic_and_a_cover_for_every_map(map in pain_map()) {
        let s = suggest(&map, 5);
        prop_assert!(s.suggestions.len() <= 5);
        // Every area lies in some muscle's zone, so every map is explained.
        prop_assert!(!s.explaining_set.is_empty());
        prop_assert!(s.explaining_set.len() <= map.len());
    }
}
