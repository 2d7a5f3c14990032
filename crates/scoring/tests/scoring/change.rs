//! The MCID classifier (spec 11) and the typed NPRS change.

use myomap_scoring::{ChangeVerdict, Instrument, Ratio, classify_change, nprs_change};

use ChangeVerdict::{MeaningfulImprovement as Better, MeaningfulWorsening as Worse, NoMeaningfulChange as Same};

fn r(text: &str) -> Ratio {
    text.parse().unwrap()
}

#[test]
fn classifies_against_the_default_mcids() {
    use Instrument::*;
    let cases: &[(Instrument, &str, &str, Option<ChangeVerdict>)] = &[
        // NPRS: 30 % of baseline decides, not 2 points.
        (Nprs, "8", "5", Some(Better)),  // −37.5 %
        (Nprs, "10", "7", Some(Better)), // exactly −30 %
        (Nprs, "10", "8", Some(Same)),   // 2 points, only −20 %
        (Nprs, "3", "2", Some(Better)),  // 1 point, −33.3 %
        (Nprs, "5", "7", Some(Worse)),   // +40 %
        (Nprs, "5", "6", Some(Same)),    // +20 %
        (Nprs, "0", "1", Some(Same)),    // no percent from 0: 2 points
        (Nprs, "0", "2", Some(Worse)),
        (Nprs, "4", "4", Some(Same)),
        // NDI: 15 percentage points (7.5 raw).
        (Ndi, "40", "25", Some(Better)),
        (Ndi, "40", "26", Some(Same)),
        (Ndi, "20", "35", Some(Worse)),
        (Ndi, "35.6", "20.6", Some(Better)),
        // ODI: 10 points, or 30 % of baseline.
        (Odi, "40", "30", Some(Better)), // 10 points (25 %)
        (Odi, "40", "31", Some(Same)),   // 9 points, 22.5 %
        (Odi, "20", "14", Some(Better)), // 6 points but 30 %
        (Odi, "20", "15", Some(Same)),   // 5 points, 25 %
        (Odi, "30", "40", Some(Worse)),
        (Odi, "0", "8", Some(Same)),
        // QuickDASH 15.9, BCTQ 1.05 / 1.13.
        (QuickDash, "50", "34.1", Some(Better)),
        (QuickDash, "50", "34.2", Some(Same)),
        (QuickDash, "20", "35.9", Some(Worse)),
        (BctqSss, "3", "1.95", Some(Better)),
        (BctqSss, "3", "1.96", Some(Same)),
        (BctqFss, "3", "1.87", Some(Better)),
        (BctqFss, "3", "1.88", Some(Same)),
        // Higher is better: LEFS 9, PSFS 2, PPT 0.34 kg/cm².
        (Lefs, "40", "49", Some(Better)),
        (Lefs, "40", "48", Some(Same)),
        (Lefs, "40", "31", Some(Worse)),
        (Psfs, "4", "6", Some(Better)),
        (Psfs, "4", "5.99", Some(Same)),
        (Psfs, "6", "4", Some(Worse)),
        (Ppt, "3", "3.34", Some(Better)),
        (Ppt, "3", "3.33", Some(Same)),
        (Ppt, "3", "2.66", Some(Worse)),
        // No MCID.
        (Jfls8, "4", "1", None),
        (Acr2016Fm, "20", "5", None),
        (QuickDashWork, "80", "10", None),
        (QuickDashSport, "80", "10", None),
    ];
    for &(instrument, baseline, followup, want) in cases {
        assert_eq!(
            classify_change(instrument, r(baseline), r(followup)),
            want,
            "{instrument} {baseline} → {followup}"
        );
    }
}

#[test]
fn typed_nprs_change() {
    let change = nprs_change(8, 5).unwrap();
    assert_eq!(change.change, -3);
    assert_eq!(change.percent_change, Some(r("-37.5")));
    assert!(change.improved_2pt && change.improved_30pct);
    assert_eq!(nprs_change(0, 4).unwrap().percent_change, None);
    assert_eq!(
        nprs_change(11, 4).unwrap_err().to_string(),
        "baseline: 11 is out of range 0-10"
    );
}
