//! Home care: the plan a client takes home, built from the muscles treated
//! and the intake's habits.
//!
//! [`build_home_care`] gives one stretch per muscle and side treated (the
//! atlas's self-care text for the muscle, with the dose and the "how it
//! should feel" lines of `data/home-care.toml`) and the advice items whose
//! `applies` matches the client's [`Habits`]. The data file is compiled in
//! and checked on first use ([`home_care_library`]); its `evidence` notes are
//! for the therapist and never reach the client's plan.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use myomap_atlas::Muscle;
use myomap_domain::Side;
use serde::{Deserialize, Serialize};

const HOME_CARE_TOML: &str = include_str!("../data/home-care.toml");

/// The advice topics, in the order a handout may group them.
pub const TOPICS: [&str; 6] = [
    "hydration",
    "movement",
    "workstation",
    "repetitive_work",
    "sport",
    "after_session",
];

/// The most stretches a home-care plan gets: more than a handful is not
/// done at home.
pub const MAX_STRETCHES: usize = 6;

/// What the intake says about the client's days, as far as home care is
/// concerned. Missing JSON keys are `false`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Habits {
    /// Sits for long hours (desk work, driving).
    pub long_sitting: bool,
    /// Does repetitive tasks (assembly, typing, manual trades).
    pub repetitive_tasks: bool,
    /// Plays sport or trains.
    pub sport: bool,
    /// Has kidney disease (or dialysis) or heart failure, so how much to
    /// drink is for the renal or heart team to say
    /// ([`fluid_managed_for`] reads it from the screening answers).
    pub fluid_managed: bool,
}

/// Whether screening answers (the ids of the questions answered yes) mean
/// the client's fluid intake is managed by a renal or heart team: any of the
/// data file's `fluid_managed_when` question ids.
pub fn fluid_managed_for<'a>(screening_yes: impl IntoIterator<Item = &'a str>) -> bool {
    let when = &home_care_library().fluid_managed_when;
    screening_yes.into_iter().any(|id| when.iter().any(|w| w == id))
}

/// One stretch of a home-care plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StretchItem {
    /// Stable: `stretch:MUSCLE` or `stretch:MUSCLE:SIDE`, e.g.
    /// `stretch:upper_trapezius:right`.
    pub id: String,
    /// Canonical atlas muscle id.
    pub muscle: String,
    /// The side treated; always `None` for an unpaired (midline) muscle.
    pub side: Option<Side>,
    /// The atlas name with the side, e.g. `Upper trapezius (right)`.
    pub title: String,
    /// The atlas's self-care stretch for the muscle.
    pub instructions: String,
    pub hold_seconds: u16,
    pub repetitions: u16,
    pub times_per_day: u16,
    /// What a stretch done right feels like.
    pub should_feel: String,
    /// What means stop.
    pub should_not_feel: String,
}

impl StretchItem {
    /// The dose in words, e.g. `Hold 30 s · 3 times · twice a day`.
    pub fn dose(&self) -> String {
        let repetitions = match self.repetitions {
            1 => "once".to_string(),
            n => format!("{n} times"),
        };
        let per_day = match self.times_per_day {
            1 => "once a day".to_string(),
            2 => "twice a day".to_string(),
            n => format!("{n} times a day"),
        };
        format!("Hold {} s · {repetitions} · {per_day}", self.hold_seconds)
    }

    /// The two feel lines as one text, e.g. for a handout.
    pub fn feel(&self) -> String {
        format!("{} {}", self.should_feel, self.should_not_feel)
    }
}

/// One piece of advice of a home-care plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdviceItem {
    /// Stable snake_case id, e.g. `hydration`.
    pub id: String,
    /// One of [`TOPICS`].
    pub topic: String,
    pub title: String,
    pub text: String,
    pub sources: Vec<String>,
    /// Something the client can tick off each day.
    pub daily: bool,
}

/// A client's home-care plan: stretches first, then advice, each in order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HomeCarePlan {
    pub stretches: Vec<StretchItem>,
    pub advice: Vec<AdviceItem>,
}

impl HomeCarePlan {
    /// What the client can tick off each day, as `(id, title)`: every
    /// stretch, then every daily advice item, in plan order.
    pub fn daily_items(&self) -> Vec<(String, String)> {
        let stretches = self.stretches.iter().map(|s| (s.id.clone(), s.title.clone()));
        let advice = self
            .advice
            .iter()
            .filter(|a| a.daily)
            .map(|a| (a.id.clone(), a.title.clone()));
        stretches.chain(advice).collect()
    }
}

/// Which intake habit brings an advice item into a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Applies {
    Always,
    LongSitting,
    RepetitiveTasks,
    Sport,
    FluidManaged,
}

impl Applies {
    /// Whether a client with these habits gets the item.
    pub fn matches(self, habits: Habits) -> bool {
        match self {
            Applies::Always => true,
            Applies::LongSitting => habits.long_sitting,
            Applies::RepetitiveTasks => habits.repetitive_tasks,
            Applies::Sport => habits.sport,
            Applies::FluidManaged => habits.fluid_managed,
        }
    }
}

/// An advice entry of the data file: the item plus when it applies and how
/// strong its evidence is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdviceEntry {
    pub id: String,
    pub topic: String,
    pub applies: Applies,
    /// Left out when this holds, even if `applies` matches (general
    /// hydration amounts are wrong for a client whose fluid is managed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unless: Option<Applies>,
    pub daily: bool,
    pub title: String,
    pub text: String,
    /// For the therapist: how strong the evidence is, honestly.
    pub evidence: String,
    pub sources: Vec<String>,
}

impl AdviceEntry {
    /// The item as it goes into a plan.
    pub fn item(&self) -> AdviceItem {
        AdviceItem {
            id: self.id.clone(),
            topic: self.topic.clone(),
            title: self.title.clone(),
            text: self.text.clone(),
            sources: self.sources.clone(),
            daily: self.daily,
        }
    }
}

/// The dose and feel lines every stretch gets, with their evidence, and the
/// muscles whose self-care is dosed differently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StretchRules {
    pub hold_seconds: u16,
    pub repetitions: u16,
    pub times_per_day: u16,
    pub should_feel: String,
    pub should_not_feel: String,
    /// For the therapist: how strong the evidence for the dose is.
    pub evidence: String,
    pub sources: Vec<String>,
    #[serde(default, rename = "exception")]
    pub exceptions: Vec<StretchException>,
}

/// A muscle whose atlas self-care is not a held stretch (e.g. a breathing
/// exercise), with its own dose and feel lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StretchException {
    /// Canonical atlas id.
    pub muscle: String,
    pub hold_seconds: u16,
    pub repetitions: u16,
    pub times_per_day: u16,
    pub should_feel: String,
    pub should_not_feel: String,
    /// Why this muscle is dosed differently.
    pub reason: String,
}

/// `data/home-care.toml`: the stretch rules and every advice entry, in file
/// order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HomeCareLibrary {
    /// Screening question ids whose yes means the client's fluid intake is
    /// for a renal or heart team to set ([`Habits::fluid_managed`]).
    #[serde(default)]
    pub fluid_managed_when: Vec<String>,
    pub stretch: StretchRules,
    pub advice: Vec<AdviceEntry>,
}

/// The home-care data, parsed and checked once.
pub fn home_care_library() -> &'static HomeCareLibrary {
    static LIBRARY: LazyLock<HomeCareLibrary> = LazyLock::new(load);
    &LIBRARY
}

#[expect(
    clippy::panic,
    reason = "the file is compiled in and a unit test parses it: a broken file is a build defect"
)]
fn load() -> HomeCareLibrary {
    match parse(HOME_CARE_TOML) {
        Ok(library) => library,
        Err(errors) => panic!("compiled-in home-care.toml is invalid: {}", errors.join("; ")),
    }
}

/// Builds a client's home-care plan.
///
/// `treated` is the muscles treated as `(canonical atlas id, side)`, e.g.
/// from the session notes, most relevant first. Each distinct muscle and
/// side gives one stretch, in order of first appearance, up to
/// [`MAX_STRETCHES`]; unknown muscle ids are skipped, and the side of an
/// unpaired (midline) muscle is dropped. The advice is every entry of the
/// data file that applies always or to one of `habits`, in file order.
pub fn build_home_care(treated: &[(String, Option<Side>)], habits: Habits) -> HomeCarePlan {
    let library = home_care_library();
    let atlas = myomap_atlas::atlas();
    let mut seen = BTreeSet::new();
    let mut stretches = Vec::new();
    for (id, side) in treated {
        if stretches.len() == MAX_STRETCHES {
            break;
        }
        let Some(muscle) = atlas.muscle(id) else {
            continue;
        };
        let side = if muscle.paired { *side } else { None };
        if seen.insert((muscle.id.as_str(), side)) {
            stretches.push(stretch_item(&library.stretch, muscle, side));
        }
    }
    let advice = library
        .advice
        .iter()
        .filter(|entry| entry.applies.matches(habits) && !entry.unless.is_some_and(|u| u.matches(habits)))
        .map(AdviceEntry::item)
        .collect();
    HomeCarePlan { stretches, advice }
}

fn stretch_item(rules: &StretchRules, muscle: &Muscle, side: Option<Side>) -> StretchItem {
    let (id, title) = match side {
        Some(side) => (
            format!("stretch:{}:{side}", muscle.id),
            format!("{} ({side})", muscle.name),
        ),
        None => (format!("stretch:{}", muscle.id), muscle.name.clone()),
    };
    let mut item = StretchItem {
        id,
        muscle: muscle.id.clone(),
        side,
        title,
        instructions: muscle.stretch.clone(),
        hold_seconds: rules.hold_seconds,
        repetitions: rules.repetitions,
        times_per_day: rules.times_per_day,
        should_feel: rules.should_feel.clone(),
        should_not_feel: rules.should_not_feel.clone(),
    };
    if let Some(exception) = rules.exceptions.iter().find(|e| e.muscle == muscle.id) {
        item.hold_seconds = exception.hold_seconds;
        item.repetitions = exception.repetitions;
        item.times_per_day = exception.times_per_day;
        item.should_feel.clone_from(&exception.should_feel);
        item.should_not_feel.clone_from(&exception.should_not_feel);
    }
    item
}

/// Allowed hold in seconds, repetitions in a row and rounds a day.
const HOLD_SECONDS: std::ops::RangeInclusive<u16> = 1..=300;
const REPETITIONS: std::ops::RangeInclusive<u16> = 1..=10;
const TIMES_PER_DAY: std::ops::RangeInclusive<u16> = 1..=6;

/// Parses and checks a home-care library; every problem is reported as
/// `where: problem`.
pub(crate) fn parse(text: &str) -> Result<HomeCareLibrary, Vec<String>> {
    let library: HomeCareLibrary = toml::from_str(text).map_err(|e| vec![e.to_string()])?;
    let mut errors = Vec::new();
    let rules = &library.stretch;
    for problem in check_dose("stretch", rules.hold_seconds, rules.repetitions, rules.times_per_day) {
        errors.push(problem);
    }
    for (field, text) in [
        ("should_feel", &rules.should_feel),
        ("should_not_feel", &rules.should_not_feel),
        ("evidence", &rules.evidence),
    ] {
        if text.trim().is_empty() {
            errors.push(format!("stretch: {field} is empty"));
        }
    }
    if let Some(problem) = check_sources(&rules.sources) {
        errors.push(format!("stretch: {problem}"));
    }
    let atlas = myomap_atlas::atlas();
    let mut muscles = BTreeSet::new();
    for exception in &rules.exceptions {
        let at = format!("stretch.exception {}", exception.muscle);
        if !muscles.insert(exception.muscle.as_str()) {
            errors.push(format!("{at}: listed twice"));
        }
        if atlas.muscle(&exception.muscle).is_none() {
            errors.push(format!("{at}: not an atlas muscle"));
        }
        for problem in check_dose(
            &at,
            exception.hold_seconds,
            exception.repetitions,
            exception.times_per_day,
        ) {
            errors.push(problem);
        }
        for (field, text) in [
            ("should_feel", &exception.should_feel),
            ("should_not_feel", &exception.should_not_feel),
            ("reason", &exception.reason),
        ] {
            if text.trim().is_empty() {
                errors.push(format!("{at}: {field} is empty"));
            }
        }
    }
    let mut ids = BTreeSet::new();
    for entry in &library.advice {
        let at = &entry.id;
        if !ids.insert(entry.id.as_str()) {
            errors.push(format!("{at}: defined twice"));
        }
        if !is_snake_case(&entry.id) {
            errors.push(format!("{at}: the id must be snake_case"));
        }
        if !TOPICS.contains(&entry.topic.as_str()) {
            errors.push(format!("{at}: unknown topic \"{}\"", entry.topic));
        }
        if entry.unless == Some(entry.applies) || entry.unless == Some(Applies::Always) {
            errors.push(format!(
                "{at}: unless would leave the item out for everyone it applies to"
            ));
        }
        for (field, text) in [
            ("title", &entry.title),
            ("text", &entry.text),
            ("evidence", &entry.evidence),
        ] {
            if text.trim().is_empty() {
                errors.push(format!("{at}: {field} is empty"));
            }
        }
        if let Some(problem) = check_sources(&entry.sources) {
            errors.push(format!("{at}: {problem}"));
        }
    }
    if errors.is_empty() { Ok(library) } else { Err(errors) }
}

fn check_dose(at: &str, hold_seconds: u16, repetitions: u16, times_per_day: u16) -> Vec<String> {
    let mut problems = Vec::new();
    for (field, value, range) in [
        ("hold_seconds", hold_seconds, HOLD_SECONDS),
        ("repetitions", repetitions, REPETITIONS),
        ("times_per_day", times_per_day, TIMES_PER_DAY),
    ] {
        if !range.contains(&value) {
            problems.push(format!(
                "{at}: {field} {value} is not within {}-{}",
                range.start(),
                range.end()
            ));
        }
    }
    problems
}

fn check_sources(sources: &[String]) -> Option<&'static str> {
    if sources.is_empty() {
        Some("sources is empty")
    } else if sources.iter().any(|s| s.trim().is_empty()) {
        Some("sources has an empty entry")
    } else {
        None
    }
}

fn is_snake_case(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use proptest::prelude::*;

    use super::*;

    fn treated(list: &[(&str, Option<Side>)]) -> Vec<(String, Option<Side>)> {
        list.iter().map(|(m, s)| ((*m).to_string(), *s)).collect()
    }

    fn advice_ids(plan: &HomeCarePlan) -> Vec<&str> {
        plan.advice.iter().map(|a| a.id.as_str()).collect()
    }

    const ALWAYS: [&str; 4] = ["hydration", "daily_movement", "after_session", "when_to_call"];

    // --- The data file -------------------------------------------------------

    #[test]
    fn the_compiled_in_library_parses() {
        let parsed = parse(HOME_CARE_TOML).unwrap_or_else(|e| panic!("{}", e.join("\n")));
        assert_eq!(&parsed, home_care_library());
    }

    #[test]
    fn advice_ids_are_unique_and_every_topic_is_known_and_used() {
        let library = home_care_library();
        let ids: BTreeSet<&str> = library.advice.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids.len(), library.advice.len());
        for entry in &library.advice {
            assert!(TOPICS.contains(&entry.topic.as_str()), "{}", entry.id);
            assert!(is_snake_case(&entry.id), "{}", entry.id);
            assert!(
                !entry.id.starts_with("stretch"),
                "{}: clashes with stretch ids",
                entry.id
            );
        }
        for topic in TOPICS {
            assert!(library.advice.iter().any(|a| a.topic == topic), "no advice on {topic}");
        }
    }

    #[test]
    fn every_item_has_sources_and_an_evidence_note() {
        let library = home_care_library();
        assert!(library.stretch.sources.len() >= 2);
        assert!(library.stretch.sources.iter().any(|s| s.contains("Page P")));
        assert!(
            library
                .stretch
                .sources
                .iter()
                .any(|s| s.contains("American College of Sports Medicine"))
        );
        for entry in &library.advice {
            assert!(!entry.sources.is_empty(), "{}", entry.id);
            assert!(entry.sources.iter().all(|s| s.trim().len() > 10), "{}", entry.id);
            assert!(!entry.evidence.trim().is_empty(), "{}", entry.id);
            assert!(!entry.title.trim().is_empty() && !entry.text.trim().is_empty());
        }
    }

    #[test]
    fn the_brief_s_points_are_covered() {
        let library = home_care_library();
        let entry = |id: &str| library.advice.iter().find(|a| a.id == id).unwrap();
        for id in ALWAYS {
            assert_eq!(entry(id).applies, Applies::Always, "{id}");
        }
        assert!(entry("hydration").daily && entry("daily_movement").daily);
        assert!(!entry("after_session").daily && !entry("when_to_call").daily);
        let after = entry("after_session");
        assert!(after.text.contains("24 to 48 hours"), "{}", after.text);
        assert!(after.sources.iter().any(|s| s.contains("product brief")));
        assert!(after.sources.iter().any(|s| s.contains("Cambron")));
        assert!(entry("when_to_call").text.contains("48 hours"));
        let applies: BTreeSet<&str> = library
            .advice
            .iter()
            .map(|a| match a.applies {
                Applies::Always => "always",
                Applies::LongSitting => "long_sitting",
                Applies::RepetitiveTasks => "repetitive_tasks",
                Applies::Sport => "sport",
                Applies::FluidManaged => "fluid_managed",
            })
            .collect();
        assert_eq!(applies.len(), 5, "every habit brings some advice");
        let rules = &library.stretch;
        assert_eq!((rules.hold_seconds, rules.repetitions, rules.times_per_day), (30, 3, 2));
        assert!(rules.should_feel.contains("gentle, even pull"));
        assert!(rules.should_not_feel.contains("Sharp pain, tingling or numbness"));
    }

    /// The handout must not contradict itself: the dose printed beside a
    /// stretch agrees with the atlas's own text for it.
    #[test]
    fn the_dose_agrees_with_every_atlas_stretch() {
        let rules = &home_care_library().stretch;
        for muscle in myomap_atlas::atlas().muscles() {
            let plan = build_home_care(&treated(&[(&muscle.id, Some(Side::Left))]), Habits::default());
            let item = &plan.stretches[0];
            let text = &muscle.stretch;
            if let Some(exception) = rules.exceptions.iter().find(|e| e.muscle == muscle.id) {
                assert_eq!(item.hold_seconds, exception.hold_seconds);
                assert_eq!(item.should_feel, exception.should_feel);
                continue;
            }
            let hold = item.hold_seconds;
            assert!(
                text.contains(&format!("{hold} s")) || text.contains(&format!("{hold} to ")),
                "{}: {text}",
                muscle.id
            );
            let reps = item.repetitions;
            assert!(
                text.contains(&format!("{reps} times")) || text.contains(&format!("{reps} repetitions")),
                "{}: {text}",
                muscle.id
            );
        }
    }

    #[test]
    fn broken_libraries_are_rejected() {
        let good = HOME_CARE_TOML;
        let cases = [
            (
                good.replace("id = \"when_to_call\"", "id = \"hydration\""),
                "defined twice",
            ),
            (
                good.replace("topic = \"sport\"", "topic = \"athletics\""),
                "unknown topic \"athletics\"",
            ),
            (
                good.replace("applies = \"sport\"", "applies = \"running\""),
                "unknown variant",
            ),
            (
                good.replace("id = \"task_breaks\"", "id = \"Task breaks\""),
                "snake_case",
            ),
            (good.replace("hold_seconds = 30", "hold_seconds = 0"), "hold_seconds 0"),
            (
                good.replace("times_per_day = 2", "times_per_day = 12"),
                "times_per_day 12",
            ),
            (
                good.replace("muscle = \"diaphragm\"", "muscle = \"diafragm\""),
                "not an atlas muscle",
            ),
            (
                good.replace(
                    "sources = [\n  \"Myomap product brief: soreness like",
                    "sources = [\"\",\n  \"Myomap product brief: soreness like",
                ),
                "sources has an empty entry",
            ),
            (format!("{good}\nbogus = 1\n"), "unknown field"),
        ];
        for (text, expected) in cases {
            assert_ne!(text, good, "{expected}: the replacement did not apply");
            let errors = parse(&text).expect_err(expected).join("\n");
            assert!(errors.contains(expected), "{expected}: {errors}");
        }
    }

    // --- The builder ---------------------------------------------------------

    #[test]
    fn managed_fluid_replaces_the_general_hydration_amounts() {
        let managed = build_home_care(
            &[],
            Habits {
                fluid_managed: true,
                ..Habits::default()
            },
        );
        let ids = advice_ids(&managed);
        assert!(!ids.contains(&"hydration"), "{ids:?}");
        assert!(ids.contains(&"hydration_fluid_managed"), "{ids:?}");
        let text = &managed
            .advice
            .iter()
            .find(|a| a.id == "hydration_fluid_managed")
            .unwrap()
            .text;
        assert!(text.contains("renal") && text.contains("heart team"), "{text}");
        assert!(!text.contains("2.5"), "no general amount: {text}");
        let general = build_home_care(&[], Habits::default());
        assert!(!advice_ids(&general).contains(&"hydration_fluid_managed"));
        assert!(fluid_managed_for(["kidney_disease"]));
        assert!(fluid_managed_for(["pregnancy", "heart_failure"]));
        assert!(!fluid_managed_for(["pregnancy", "anticoagulants"]));
    }

    #[test]
    fn habits_select_the_advice() {
        let cases: [(Habits, &[&str]); 5] = [
            (Habits::default(), &[]),
            (
                Habits {
                    long_sitting: true,
                    ..Habits::default()
                },
                &["workstation_setup", "sitting_breaks"],
            ),
            (
                Habits {
                    repetitive_tasks: true,
                    ..Habits::default()
                },
                &["task_breaks"],
            ),
            (
                Habits {
                    sport: true,
                    ..Habits::default()
                },
                &["sport_warm_up", "sport_gradual_load"],
            ),
            (
                Habits {
                    long_sitting: true,
                    repetitive_tasks: true,
                    sport: true,
                    fluid_managed: false,
                },
                &[
                    "workstation_setup",
                    "sitting_breaks",
                    "task_breaks",
                    "sport_warm_up",
                    "sport_gradual_load",
                ],
            ),
        ];
        for (habits, extra) in cases {
            let plan = build_home_care(&[], habits);
            let ids = advice_ids(&plan);
            let mut expected: Vec<&str> = ALWAYS.to_vec();
            expected.extend_from_slice(extra);
            let got: BTreeSet<&str> = ids.iter().copied().collect();
            let want: BTreeSet<&str> = expected.iter().copied().collect();
            assert_eq!(got, want, "{habits:?}");
            assert_eq!(ids.len(), expected.len(), "{habits:?}: no duplicates");
            // File order: the after-session items come last.
            assert_eq!(&ids[ids.len() - 2..], ["after_session", "when_to_call"], "{habits:?}");
            assert!(plan.stretches.is_empty());
        }
    }

    /// Muscles treated, and the stretch ids expected from them.
    type StretchCase = (&'static [(&'static str, Option<Side>)], &'static [&'static str]);

    #[test]
    fn one_stretch_per_muscle_and_side_in_order_of_first_appearance() {
        let cases: [StretchCase; 6] = [
            (&[], &[]),
            (
                &[("upper_trapezius", Some(Side::Right))],
                &["stretch:upper_trapezius:right"],
            ),
            (
                &[
                    ("upper_trapezius", Some(Side::Right)),
                    ("levator_scapulae", Some(Side::Right)),
                    ("upper_trapezius", Some(Side::Right)),
                    ("upper_trapezius", Some(Side::Left)),
                    ("levator_scapulae", Some(Side::Right)),
                ],
                &[
                    "stretch:upper_trapezius:right",
                    "stretch:levator_scapulae:right",
                    "stretch:upper_trapezius:left",
                ],
            ),
            (
                &[
                    ("not_a_muscle", Some(Side::Left)),
                    ("", None),
                    ("Upper_Trapezius", None),
                    ("masseter", None),
                ],
                &["stretch:masseter"],
            ),
            // A midline muscle has no side: both entries merge.
            (
                &[("sphincter_ani", Some(Side::Left)), ("sphincter_ani", None)],
                &["stretch:sphincter_ani"],
            ),
            (
                &[("masseter", None), ("masseter", Some(Side::Left))],
                &["stretch:masseter", "stretch:masseter:left"],
            ),
        ];
        for (input, expected) in cases {
            let plan = build_home_care(&treated(input), Habits::default());
            let ids: Vec<&str> = plan.stretches.iter().map(|s| s.id.as_str()).collect();
            assert_eq!(ids, expected, "{input:?}");
        }
    }

    #[test]
    fn at_most_six_stretches() {
        let muscles: Vec<(String, Option<Side>)> = myomap_atlas::atlas()
            .muscles()
            .iter()
            .take(10)
            .map(|m| (m.id.clone(), Some(Side::Left)))
            .collect();
        let plan = build_home_care(&muscles, Habits::default());
        assert_eq!(plan.stretches.len(), MAX_STRETCHES);
        let first: Vec<&str> = muscles.iter().take(MAX_STRETCHES).map(|m| m.0.as_str()).collect();
        let got: Vec<&str> = plan.stretches.iter().map(|s| s.muscle.as_str()).collect();
        assert_eq!(got, first);
        // Duplicates and unknown ids do not use up places.
        let mut noisy = vec![("nope".to_string(), None); 20];
        noisy.extend(muscles.iter().take(3).cloned());
        noisy.extend(muscles.iter().take(3).cloned());
        noisy.extend(muscles.iter().skip(3).cloned());
        assert_eq!(
            build_home_care(&noisy, Habits::default()).stretches.len(),
            MAX_STRETCHES
        );
    }

    #[test]
    fn a_stretch_item_carries_the_atlas_text_the_side_and_the_dose() {
        let plan = build_home_care(
            &treated(&[
                ("upper_trapezius", Some(Side::Right)),
                ("upper_trapezius", Some(Side::Left)),
                ("masseter", None),
                ("diaphragm", Some(Side::Left)),
            ]),
            Habits::default(),
        );
        let atlas = myomap_atlas::atlas();
        let [right, left, masseter, diaphragm] = plan.stretches.as_slice() else {
            panic!("{plan:?}");
        };
        assert_eq!(right.title, "Upper trapezius (right)");
        assert_eq!(left.title, "Upper trapezius (left)");
        assert_eq!(masseter.title, "Masseter");
        assert_eq!(right.side, Some(Side::Right));
        assert_eq!(masseter.side, None);
        assert_eq!(right.muscle, "upper_trapezius");
        assert_eq!(right.instructions, atlas.muscle("upper_trapezius").unwrap().stretch);
        assert_eq!(right.dose(), "Hold 30 s · 3 times · twice a day");
        assert!(right.feel().starts_with("A gentle, even pull"));
        assert!(right.should_not_feel.contains("numbness"));
        // The diaphragm's self-care is a breathing exercise.
        assert_eq!(diaphragm.title, "Diaphragm (left)");
        assert_eq!(diaphragm.dose(), "Hold 60 s · once · 3 times a day");
        assert!(diaphragm.should_not_feel.contains("Dizziness"));
    }

    #[test]
    fn daily_items_are_the_stretches_then_the_daily_advice() {
        let plan = build_home_care(
            &treated(&[("upper_trapezius", Some(Side::Right)), ("masseter", None)]),
            Habits {
                long_sitting: true,
                repetitive_tasks: true,
                sport: true,
                fluid_managed: false,
            },
        );
        let ids: Vec<String> = plan.daily_items().into_iter().map(|(id, _)| id).collect();
        assert_eq!(
            ids,
            [
                "stretch:upper_trapezius:right",
                "stretch:masseter",
                "hydration",
                "daily_movement",
                "sitting_breaks",
                "task_breaks",
            ]
        );
        assert_eq!(plan.daily_items()[0].1, "Upper trapezius (right)");
        assert!(HomeCarePlan::default().daily_items().is_empty());
    }

    #[test]
    fn plans_and_habits_round_trip_through_json() {
        let plan = build_home_care(
            &treated(&[("upper_trapezius", Some(Side::Right)), ("masseter", None)]),
            Habits {
                sport: true,
                ..Habits::default()
            },
        );
        let json = serde_json::to_value(&plan).unwrap();
        assert_eq!(json["stretches"][0]["side"], "right");
        assert_eq!(json["stretches"][1]["side"], serde_json::Value::Null);
        assert_eq!(serde_json::from_value::<HomeCarePlan>(json).unwrap(), plan);
        let habits: Habits = serde_json::from_str(r#"{"sport": true}"#).unwrap();
        assert_eq!(
            habits,
            Habits {
                sport: true,
                ..Habits::default()
            }
        );
    }

    fn muscle_ids() -> impl Strategy<Value = String> {
        let known: Vec<String> = myomap_atlas::atlas().muscles().iter().map(|m| m.id.clone()).collect();
        prop_oneof![
            3 => prop::sample::select(known),
            1 => any::<String>(),
            1 => Just("sphincter_ani".to_string()),
        ]
    }

    fn sides() -> impl Strategy<Value = Option<Side>> {
        prop::option::of(prop::sample::select(Side::BOTH.to_vec()))
    }

    proptest! {
        #[test]
        fn build_never_panics_and_daily_ids_are_unique(
            treated in prop::collection::vec((muscle_ids(), sides()), 0..30),
            long_sitting in any::<bool>(),
            repetitive_tasks in any::<bool>(),
            sport in any::<bool>(),
        ) {
            let habits = Habits { long_sitting, repetitive_tasks, sport, fluid_managed: sport && long_sitting };
            let plan = build_home_care(&treated, habits);
            prop_assert!(plan.stretches.len() <= MAX_STRETCHES);
            let daily = plan.daily_items();
            let unique: BTreeSet<&str> = daily.iter().map(|(id, _)| id.as_str()).collect();
            prop_assert_eq!(unique.len(), daily.len(), "{:?}", daily);
            let all: BTreeSet<&str> = plan
                .stretches
                .iter()
                .map(|s| s.id.as_str())
                .chain(plan.advice.iter().map(|a| a.id.as_str()))
                .collect();
            prop_assert_eq!(all.len(), plan.stretches.len() + plan.advice.len());
            // Every stretch is for a muscle that was treated, on a side treated.
            for s in &plan.stretches {
                prop_assert!(treated.iter().any(|(m, side)| *m == s.muscle && (s.side.is_none() || *side == s.side)));
                prop_assert!(!s.instructions.is_empty());
            }
            // Fewer than six distinct known muscles: none is lost.
            let atlas = myomap_atlas::atlas();
            let distinct: BTreeSet<(&str, Option<Side>)> = treated
                .iter()
                .filter_map(|(m, side)| atlas.muscle(m).map(|mu| (mu.id.as_str(), if mu.paired { *side } else { None })))
                .collect();
            prop_assert_eq!(plan.stretches.len(), distinct.len().min(MAX_STRETCHES));
        }
    }
}
