//! `cargo bench -p myomap-atlas`: the engine on a 5-area pain map over the
//! whole atlas (target: median under 20 µs).

#![allow(clippy::unwrap_used)]

use myomap_atlas::suggest;
use myomap_domain::PainEntry;

fn main() {
    divan::main();
}

fn five_area_map() -> Vec<PainEntry> {
    [
        "neck.side:left@6",
        "head.mastoid:left@4",
        "head.temple:left@7",
        "face.jaw:left@3",
        "shoulder.top:left@5",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect()
}

#[divan::bench]
fn suggest_five_areas(bencher: divan::Bencher) {
    let map = five_area_map();
    // Load the atlas and precompute the model outside the measurement.
    let _ = suggest(&map, 10);
    bencher.bench(|| suggest(divan::black_box(&map), divan::black_box(10)));
}

#[divan::bench]
fn suggest_five_areas_full_ranking(bencher: divan::Bencher) {
    let map = five_area_map();
    let _ = suggest(&map, usize::MAX);
    bencher.bench(|| suggest(divan::black_box(&map), divan::black_box(usize::MAX)));
}
