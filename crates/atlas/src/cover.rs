//! The explaining set: the fewest muscle-sides that together explain a pain
//! map (a minimum set cover).
//!
//! A muscle-side covers a pain area when one of its zones overlaps it (exact,
//! contains or within). An area that no zone overlaps may be covered by a zone
//! bordering it instead; an area that nothing explains at all is left out (it
//! cannot be covered, and shows in every suggestion's `unexplained`).
//!
//! Maps of up to [`EXACT_LIMIT`] coverable areas are solved exactly by
//! iterative deepening (searching covers of 1, 2, ... members, branching on
//! the first uncovered area); among the smallest covers the one with the
//! highest total score wins, then the best-ranked members. Larger maps, or a
//! search that exceeds its node budget, fall back to the greedy cover (most
//! newly covered areas first, ties to the higher score).

/// Largest number of coverable areas solved exactly.
pub const EXACT_LIMIT: usize = 24;
const NODE_BUDGET: usize = 200_000;

/// A set of pain-map entries (at most 192).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct Bits([u64; 3]);

impl Bits {
    pub const CAPACITY: usize = 192;

    pub fn set(&mut self, i: usize) {
        if i < Self::CAPACITY {
            self.0[i / 64] |= 1 << (i % 64);
        }
    }

    pub fn has(self, i: usize) -> bool {
        i < Self::CAPACITY && self.0[i / 64] & (1 << (i % 64)) != 0
    }

    fn or(self, other: Bits) -> Bits {
        Bits([self.0[0] | other.0[0], self.0[1] | other.0[1], self.0[2] | other.0[2]])
    }

    fn and_not(self, other: Bits) -> Bits {
        Bits([
            self.0[0] & !other.0[0],
            self.0[1] & !other.0[1],
            self.0[2] & !other.0[2],
        ])
    }

    fn and(self, other: Bits) -> Bits {
        Bits([self.0[0] & other.0[0], self.0[1] & other.0[1], self.0[2] & other.0[2]])
    }

    fn count(self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    fn is_empty(self) -> bool {
        self.0 == [0; 3]
    }

    fn first(self) -> Option<usize> {
        self.0
            .iter()
            .enumerate()
            .find(|(_, w)| **w != 0)
            .map(|(i, w)| i * 64 + w.trailing_zeros() as usize)
    }
}

/// What one ranked candidate explains: `overlaps` by an overlapping zone,
/// `borders` only by a bordering one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Coverage {
    pub overlaps: Bits,
    pub borders: Bits,
    pub score: f64,
}

/// Indices (into `ranked`, which is in rank order) of a minimum cover, in rank order.
pub(crate) fn explaining_set(ranked: &[Coverage]) -> Vec<usize> {
    let direct = ranked.iter().fold(Bits::default(), |acc, c| acc.or(c.overlaps));
    let fallback = ranked
        .iter()
        .fold(Bits::default(), |acc, c| acc.or(c.borders))
        .and_not(direct);
    let universe = direct.or(fallback);
    // Distinct covering masks, each kept for its best-ranked candidate.
    let mut masks: Vec<(Bits, usize)> = Vec::new();
    for (index, c) in ranked.iter().enumerate() {
        let mask = c.overlaps.or(c.borders.and(fallback));
        if !mask.is_empty() && !masks.iter().any(|(m, _)| *m == mask) {
            masks.push((mask, index));
        }
    }
    let greedy = greedy(&masks, ranked, universe);
    let mut chosen = if universe.count() <= EXACT_LIMIT {
        exact(&masks, ranked, universe, greedy.len()).unwrap_or(greedy)
    } else {
        greedy
    };
    chosen.sort_unstable();
    chosen
}

fn greedy(masks: &[(Bits, usize)], ranked: &[Coverage], universe: Bits) -> Vec<usize> {
    let mut uncovered = universe;
    let mut chosen = Vec::new();
    while !uncovered.is_empty() {
        let best = masks
            .iter()
            .map(|&(mask, index)| (mask.and(uncovered).count(), index))
            .filter(|&(gain, _)| gain > 0)
            .max_by(|a, b| {
                a.0.cmp(&b.0)
                    .then(ranked[a.1].score.total_cmp(&ranked[b.1].score))
                    .then(b.1.cmp(&a.1))
            });
        let Some((_, index)) = best else { break };
        if let Some(&(mask, _)) = masks.iter().find(|(_, i)| *i == index) {
            uncovered = uncovered.and_not(mask);
        }
        chosen.push(index);
    }
    chosen
}

struct Search<'a> {
    masks: &'a [(Bits, usize)],
    ranked: &'a [Coverage],
    largest: usize,
    nodes: usize,
    best: Option<(f64, Vec<usize>)>,
}

impl Search<'_> {
    /// Tries every cover of exactly `left` more members; false when out of budget.
    fn run(&mut self, uncovered: Bits, chosen: &mut Vec<usize>, left: usize) -> bool {
        self.nodes += 1;
        if self.nodes > NODE_BUDGET {
            return false;
        }
        let Some(first) = uncovered.first() else {
            if left == 0 {
                self.offer(chosen);
            }
            return true;
        };
        if left == 0 || uncovered.count() > left * self.largest {
            return true;
        }
        for &(mask, index) in self.masks {
            if mask.has(first) && !chosen.contains(&index) {
                chosen.push(index);
                let ok = self.run(uncovered.and_not(mask), chosen, left - 1);
                chosen.pop();
                if !ok {
                    return false;
                }
            }
        }
        true
    }

    fn offer(&mut self, chosen: &[usize]) {
        let mut members = chosen.to_vec();
        members.sort_unstable();
        let total: f64 = members.iter().map(|&i| self.ranked[i].score).sum();
        let better = match &self.best {
            None => true,
            Some((best_total, best)) => total > *best_total || (total == *best_total && members < *best),
        };
        if better {
            self.best = Some((total, members));
        }
    }
}

fn exact(masks: &[(Bits, usize)], ranked: &[Coverage], universe: Bits, limit: usize) -> Option<Vec<usize>> {
    let largest = masks.iter().map(|(m, _)| m.count()).max().unwrap_or(0);
    let mut search = Search {
        masks,
        ranked,
        largest,
        nodes: 0,
        best: None,
    };
    for size in 0..=limit {
        if !search.run(universe, &mut Vec::new(), size) {
            return None;
        }
        if let Some((_, best)) = search.best.take() {
            return Some(best);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(items: &[usize]) -> Bits {
        let mut b = Bits::default();
        for &i in items {
            b.set(i);
        }
        b
    }

    fn cov(overlaps: &[usize], borders: &[usize], score: f64) -> Coverage {
        Coverage {
            overlaps: bits(overlaps),
            borders: bits(borders),
            score,
        }
    }

    #[test]
    fn bits_work_across_words() {
        let b = bits(&[0, 63, 64, 191, 500]);
        assert!(b.has(0) && b.has(63) && b.has(64) && b.has(191) && !b.has(1) && !b.has(500));
        assert_eq!(b.count(), 4);
        assert_eq!(bits(&[130]).first(), Some(130));
        assert_eq!(Bits::default().first(), None);
    }

    #[test]
    fn exact_beats_greedy() {
        // Greedy takes the big middle set first and then needs two more;
        // the optimum is the two halves.
        let ranked = [
            cov(&[1, 2, 3, 4], &[], 0.9),
            cov(&[0, 1, 2], &[], 0.5),
            cov(&[3, 4, 5], &[], 0.5),
        ];
        assert_eq!(
            greedy(
                &[(bits(&[1, 2, 3, 4]), 0), (bits(&[0, 1, 2]), 1), (bits(&[3, 4, 5]), 2)],
                &ranked,
                bits(&[0, 1, 2, 3, 4, 5])
            )
            .len(),
            3
        );
        assert_eq!(explaining_set(&ranked), vec![1, 2]);
    }

    #[test]
    fn ties_go_to_the_higher_scores() {
        let ranked = [cov(&[0, 1], &[], 0.8), cov(&[0, 1], &[], 0.7), cov(&[0], &[], 0.6)];
        assert_eq!(explaining_set(&ranked), vec![0]);
    }

    #[test]
    fn bordering_covers_only_what_nothing_overlaps() {
        // Entry 2 is only bordered: the candidate bordering it joins; entry 1's
        // bordering by candidate 0 does not replace candidate 1's overlap.
        let ranked = [cov(&[0], &[1, 2], 0.9), cov(&[1], &[], 0.5)];
        assert_eq!(explaining_set(&ranked), vec![0, 1]);
        // Nothing explains entry 3 at all: it is left out.
        let ranked = [cov(&[0], &[], 0.9)];
        assert_eq!(explaining_set(&ranked), vec![0]);
        assert!(explaining_set(&[]).is_empty());
    }
}
