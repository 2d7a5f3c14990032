//! The demo clinic's clinical records: for ten of the written cases of
//! [`demo_data`](crate::demo_data), an intake screened by the real rules, and
//! for eight of them an assessment (posture, tone, pain map, trigger-point
//! findings), a few weeks of signed session notes and the clients' answers to
//! the 24/48-hour soreness check-ins. A new user so sees a clinic at work:
//! improvement over the weeks, an intake waiting for review, one still
//! unanswered, a discomfort warning in a note, an amended note, and a
//! check-in that flags persistent soreness with new numbness.
//!
//! Everything goes through the same store calls and validation as the web
//! forms. Records are seeded only for clients created in the same run, so
//! running `myomap demo` again adds nothing.
//!
//! The table is written in compact forms, parsed here:
//! - pain mark `AREA[:SIDE]@INTENSITY QUALITY` (`neck.side:right@6 aching`);
//! - posture `FINDING[:SIDE]`, tone `MUSCLE[:SIDE] TONE`;
//! - finding `MUSCLE[:SIDE] TP active|latent [referral] [twitch] [jump] [ppt=KG]`;
//! - treated point `MUSCLE[:SIDE] [TP] PRESSURE [DISCOMFORT...]`, each number
//!   one discomfort check-in (0-10) in the order they were asked.

use anyhow::{Context, anyhow, bail};
use myomap_clinic::screening::screen;
use myomap_clinic::vocabulary::ClinicalVocabulary;
use myomap_domain::record::{
    AssessmentRecord, CHECKIN_HOURS, CheckinAnswer, DiscomfortCheck, IntakeForm, PainMark, PainQuality,
    PostureObservation, Pressure, SessionNote, Tone, ToneEntry, TreatedPoint, TriggerPointActivity,
    TriggerPointFinding,
};
use myomap_domain::{AreaSite, ClientId, PainEntry, Side};
use myomap_screening::ScreeningAnswers;
use myomap_store::{ClinicScope, ScreeningResult, Store};

use crate::demo_data;

/// How long the demo's open intake link stays usable.
const INTAKE_LINK_TTL: std::time::Duration = std::time::Duration::from_secs(14 * 24 * 60 * 60);

// ------------------------------------------------------------------ table

/// One client's record, matched to a written case by full name.
struct Story {
    client: &'static str,
    intake: Intake,
    exam: Option<Exam>,
    /// Oldest first.
    visits: &'static [Visit],
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// A link was sent; the client has not answered.
    Requested,
    /// Answered, waiting for the therapist's review.
    Submitted,
    Signed,
}

struct Intake {
    stage: Stage,
    /// Screening questions answered yes (none of the demo's names body areas).
    screening: &'static [&'static str],
    reason: &'static str,
    history: &'static str,
    surgeries: &'static str,
    medications: &'static str,
    occupation: &'static str,
    long_sitting: bool,
    repetitive: bool,
    sport: &'static str,
    goals: &'static str,
}

impl Intake {
    const REQUESTED: Intake = Intake {
        stage: Stage::Requested,
        screening: &[],
        reason: "",
        history: "",
        surgeries: "",
        medications: "",
        occupation: "",
        long_sitting: false,
        repetitive: false,
        sport: "",
        goals: "",
    };
}

/// The first assessment.
struct Exam {
    posture: &'static [&'static str],
    tone: &'static [&'static str],
    pain_map: &'static [&'static str],
    findings: &'static [&'static str],
    notes: &'static str,
}

/// One session, signed once written.
struct Visit {
    days_ago: i64,
    minutes: u16,
    techniques: &'static [&'static str],
    /// Pain before and after, 0-10.
    pain: [u8; 2],
    treated: &'static [&'static str],
    subjective: &'static str,
    objective: &'static str,
    assessment: &'static str,
    plan: &'static str,
    /// The client's answers at 24 h and 48 h (`None`: never answered).
    replies: [Option<Reply>; 2],
    amendment: Option<Amendment>,
}

struct Reply {
    soreness: u8,
    numbness: bool,
    areas: &'static [&'static str],
    comment: &'static str,
}

/// A plain soreness answer.
const fn sore(soreness: u8, comment: &'static str) -> Option<Reply> {
    Some(Reply {
        soreness,
        numbness: false,
        areas: &[],
        comment,
    })
}

/// A correction of a signed note: a sentence added to its objective part.
struct Amendment {
    reason: &'static str,
    objective_addition: &'static str,
}

const STORIES: &[Story] = &[
    Story {
        client: "Maya Okafor",
        intake: Intake {
            stage: Stage::Signed,
            screening: &[],
            reason: "Right-sided neck pain that spreads to the right temple, worse by late afternoon.",
            history: "Started about a year ago with a new job; now most working days. 3-4 headaches a week at the right temple, eased by ibuprofen and lying down.",
            surgeries: "None.",
            medications: "Ibuprofen 200 mg when a headache comes on (2-3 times a week).",
            occupation: "Software developer",
            long_sitting: true,
            repetitive: true,
            sport: "Yoga once a week",
            goals: "Get through a working day without a headache; fewer painkillers.",
        },
        exam: Some(Exam {
            posture: &["forward_head", "rounded_shoulders", "shoulder_elevated:right"],
            tone: &["upper_trapezius:right hypertonic", "levator_scapulae:right hypertonic"],
            pain_map: &[
                "neck.side:right@6 aching",
                "head.temple:right@5 aching",
                "head.mastoid:right@3 aching",
            ],
            findings: &[
                "upper_trapezius:right tp1 active referral twitch ppt=2.1",
                "upper_trapezius:right tp2 latent ppt=2.7",
                "levator_scapulae:right tp1 latent ppt=3.0",
                "upper_trapezius:left tp1 latent ppt=3.4",
            ],
            notes: "Laptop on the desk without a stand, head well forward. Pressure on right upper trapezius TP1 reproduces her temple headache. Neck rotation to the left limited by tightness on the right.",
        }),
        visits: &[
            Visit {
                days_ago: 26,
                minutes: 60,
                techniques: &["ischemic compression", "stripping", "stretching"],
                pain: [6, 3],
                treated: &[
                    "upper_trapezius:right tp1 firm 6 5 4",
                    "upper_trapezius:right tp2 moderate 4",
                    "levator_scapulae:right tp1 moderate 5 3",
                ],
                subjective: "Right neck ache most afternoons, reaching the right temple by 5 pm. Four headaches last week. Works 9 h a day at a laptop.",
                objective: "Forward head, right shoulder held high. Upper trapezius TP1 (right) active with local twitch, referral to the temple reproduced, PPT 2.1 kg/cm². Left rotation 60°, tight on the right.",
                assessment: "Myofascial neck pain with headache referred from right upper trapezius; desk posture keeps it going.",
                plan: "Weekly for 4 weeks. Home: upper trapezius stretch 3 times a day, laptop on a stand with a separate keyboard, a short break every 30 minutes, drink water through the day.",
                replies: [
                    sore(3, "Tender at the top of the shoulder, like after a workout."),
                    sore(1, ""),
                ],
                amendment: None,
            },
            Visit {
                days_ago: 19,
                minutes: 60,
                techniques: &["ischemic compression", "muscle energy technique", "stretching"],
                pain: [5, 3],
                treated: &[
                    "upper_trapezius:right tp1 firm 5 4",
                    "levator_scapulae:right tp1 moderate 4",
                ],
                subjective: "Two headaches this week instead of four. Laptop stand ordered; doing the stretch twice a day.",
                objective: "TP1 less irritable: referral to the temple only with sustained pressure, PPT 2.6 kg/cm². Left rotation 70°.",
                assessment: "Improving; trigger point activity and headache frequency both down.",
                plan: "Continue weekly. Add a chin-tuck exercise, 10 times twice a day.",
                replies: [sore(2, ""), sore(0, "")],
                amendment: None,
            },
            Visit {
                days_ago: 12,
                minutes: 45,
                techniques: &["ischemic compression", "positional release", "stretching"],
                pain: [4, 2],
                treated: &[
                    "upper_trapezius:right tp1 moderate 4 3",
                    "upper_trapezius:right tp2 moderate 3",
                ],
                subjective: "One mild headache, on a day with a long video call. Working at the new stand.",
                objective: "Head position better at rest. TP1 (right) tender without referral, PPT 3.0 kg/cm². Full left rotation.",
                assessment: "Good response; TP1 now behaves as latent.",
                plan: "One more weekly session, then every two weeks.",
                replies: [sore(1, ""), sore(0, "")],
                amendment: None,
            },
            Visit {
                days_ago: 5,
                minutes: 45,
                techniques: &["ischemic compression", "stretching"],
                pain: [3, 1],
                treated: &[
                    "upper_trapezius:right tp1 moderate 3",
                    "levator_scapulae:right tp1 moderate 3",
                ],
                subjective: "No headache this week. Neck a little stiff after a long day only.",
                objective: "PPT over right upper trapezius TP1 3.4 kg/cm², the same as the left. No referral on pressure.",
                assessment: "Goal reached: working days without headache, no painkillers this week.",
                plan: "Every two weeks for a month, then monthly maintenance. Keep the stretches and the breaks.",
                replies: [sore(1, ""), sore(0, "")],
                amendment: None,
            },
        ],
    },
    Story {
        client: "Tom Lindqvist",
        intake: Intake {
            stage: Stage::Signed,
            screening: &["back_pain"],
            reason: "Low back pain across the belt line, into the right buttock after lifting.",
            history: "Two years, on and off. Worse after a day of lifting or standing on concrete; better with walking. No leg numbness or weakness; bladder and bowels normal.",
            surgeries: "None.",
            medications: "Naproxen on bad days.",
            occupation: "Warehouse supervisor",
            long_sitting: false,
            repetitive: true,
            sport: "",
            goals: "Lift at work without the back seizing; play football with his son.",
        },
        exam: Some(Exam {
            posture: &["hip_hitched:right", "anterior_pelvic_tilt"],
            tone: &["quadratus_lumborum:right hypertonic", "gluteus_medius:right hypertonic"],
            pain_map: &[
                "back.lumbar:right@6 aching",
                "back.lumbar:left@3 aching",
                "back.iliac_crest:right@5 aching",
                "pelvis.buttock:right@5 aching",
                "back.sacral:right@3 aching",
            ],
            findings: &[
                "quadratus_lumborum:right tp1 active referral ppt=3.4",
                "quadratus_lumborum:right tp2 active ppt=3.8",
                "gluteus_medius:right tp2 active referral ppt=3.6",
                "gluteus_medius:right tp1 latent ppt=4.2",
            ],
            notes: "Right hip drawn up in standing. Side-lying pressure on right QL TP1 reproduces the buttock ache he feels after lifting. Neurological screen normal.",
        }),
        visits: &[
            Visit {
                days_ago: 22,
                minutes: 60,
                techniques: &["ischemic compression", "stripping", "positional release"],
                pain: [6, 4],
                treated: &[
                    "quadratus_lumborum:right tp1 firm 6 5",
                    "quadratus_lumborum:right tp2 firm 6",
                    "gluteus_medius:right tp2 moderate 5 4",
                ],
                subjective: "Back stiff every morning; a bad week after unloading a delivery by hand.",
                objective: "Right QL TP1 and TP2 active, referral to the buttock reproduced from TP1 (PPT 3.4 kg/cm²). Side bending to the left limited.",
                assessment: "Myofascial low back pain from right quadratus lumborum and gluteus medius.",
                plan: "Weekly for 3 weeks. Home: QL side stretch over a pillow, walk at lunch, lift with a hip hinge.",
                replies: [sore(4, "Stiff getting out of bed, loosened after a walk."), sore(2, "")],
                amendment: None,
            },
            Visit {
                days_ago: 15,
                minutes: 60,
                techniques: &["ischemic compression", "muscle energy technique", "stretching"],
                pain: [5, 3],
                treated: &[
                    "quadratus_lumborum:right tp1 firm 5 4",
                    "gluteus_medius:right tp2 firm 5",
                ],
                subjective: "Mornings easier. Doing the stretch most evenings.",
                objective: "QL TP1 (right) PPT 3.9 kg/cm²; side bending to the left nearly full.",
                assessment: "Improving.",
                plan: "Continue; add bridging, 2 sets of 10 daily.",
                replies: [sore(2, ""), sore(1, "")],
                amendment: None,
            },
            Visit {
                days_ago: 8,
                minutes: 60,
                techniques: &["ischemic compression", "muscle energy technique", "stretching"],
                pain: [4, 2],
                treated: &[
                    "quadratus_lumborum:right tp1 moderate 4",
                    "gluteus_medius:right tp1 moderate 3",
                ],
                subjective: "Lifted a full shift on Thursday without the back seizing.",
                objective: "No referral on pressure over QL TP1; pelvis level in standing.",
                assessment: "Good progress; perpetuating factor (lifting) being addressed.",
                plan: "Review in two weeks.",
                replies: [sore(1, ""), None],
                amendment: None,
            },
        ],
    },
    Story {
        client: "Priya Raman",
        intake: Intake {
            stage: Stage::Signed,
            screening: &[],
            reason: "Jaw ache in the mornings, clicking on the right, headaches at both temples.",
            history: "Clicking for a year. Clenches at night; the dentist fitted a night splint in the spring. Temple headaches 2-3 times a week, worse in stressful weeks.",
            surgeries: "Wisdom teeth removed (2015).",
            medications: "None.",
            occupation: "Pharmacist",
            long_sitting: false,
            repetitive: false,
            sport: "Swimming",
            goals: "Wake up without jaw pain; fewer headaches.",
        },
        exam: Some(Exam {
            posture: &["forward_head", "jaw_deviation:right"],
            tone: &[
                "masseter:right hypertonic",
                "masseter:left hypertonic",
                "temporalis:right hypertonic",
            ],
            pain_map: &[
                "head.temple:left@5 aching",
                "head.temple:right@5 aching",
                "face.jaw:right@4 aching",
                "head.ear:right@4 aching",
                "face.cheek:right@3 aching",
            ],
            findings: &[
                "masseter:right tp2 active referral twitch ppt=1.4",
                "masseter:left tp2 latent ppt=1.9",
                "temporalis:right tp2 active referral ppt=1.6",
                "temporalis:left tp1 active referral ppt=1.7",
            ],
            notes: "Mouth opening 35 mm with deviation to the right and a click at 20 mm. Masseter on the right very tender; pressure reproduces the jaw and ear ache.",
        }),
        visits: &[
            Visit {
                days_ago: 18,
                minutes: 45,
                techniques: &["ischemic compression", "positional release", "muscle energy technique"],
                pain: [5, 3],
                treated: &[
                    "masseter:right tp2 moderate 6 5",
                    "temporalis:right tp2 moderate 5",
                    "temporalis:left tp1 moderate 4",
                ],
                subjective: "Woke with jaw ache 5 of the last 7 days. Headaches at both temples.",
                objective: "Right masseter TP2 active with twitch, PPT 1.4 kg/cm²; temporalis TPs reproduce the temple headache on both sides.",
                assessment: "Myofascial pain of the jaw muscles with night clenching.",
                plan: "Weekly for 3 weeks. Home: jaw relaxation (tongue on the palate, teeth apart), gentle opening stretch, wear the splint every night.",
                replies: [
                    sore(3, "Jaw felt bruised when chewing, better by the evening."),
                    sore(1, ""),
                ],
                amendment: None,
            },
            Visit {
                days_ago: 11,
                minutes: 45,
                techniques: &["ischemic compression", "positional release"],
                pain: [4, 2],
                treated: &["masseter:right tp2 moderate 5 4", "masseter:left tp2 moderate 3"],
                subjective: "Mornings easier. Two headaches this week.",
                objective: "Opening 40 mm; click still present. Masseter TP2 (right) PPT 1.8 kg/cm².",
                assessment: "Improving.",
                plan: "Continue weekly.",
                replies: [sore(2, ""), sore(0, "")],
                amendment: None,
            },
            Visit {
                days_ago: 4,
                minutes: 45,
                techniques: &["ischemic compression", "stretching"],
                pain: [3, 1],
                treated: &["masseter:right tp2 moderate 3", "temporalis:right tp2 light 2"],
                subjective: "One headache in the week. Jaw ache on waking only twice.",
                objective: "Opening 42 mm, straight. Temporalis no longer refers on pressure.",
                assessment: "Good response; clenching remains the perpetuating factor.",
                plan: "Every two weeks; review with her dentist about the splint.",
                replies: [sore(1, ""), sore(0, "")],
                amendment: None,
            },
        ],
    },
    Story {
        client: "Robert Hughes",
        intake: Intake {
            stage: Stage::Signed,
            screening: &["anticoagulants"],
            reason: "Ache between the shoulder blades and across the tops of the shoulders since redecorating.",
            history: "Three months. Worse after a day of work overhead; eased by a hot shower.",
            surgeries: "None.",
            medications: "Warfarin for atrial fibrillation (INR checked monthly at the anticoagulation clinic); bisoprolol.",
            occupation: "Retired",
            long_sitting: false,
            repetitive: false,
            sport: "Walking",
            goals: "Ease the ache so he can finish the decorating.",
        },
        exam: Some(Exam {
            posture: &["increased_thoracic_kyphosis", "rounded_shoulders"],
            tone: &["rhomboids:left hypertonic", "middle_trapezius:right hypertonic"],
            pain_map: &[
                "back.interscapular:left@4 aching",
                "back.interscapular:right@3 aching",
                "shoulder.top:left@3 aching",
            ],
            findings: &[
                "middle_trapezius:left tp1 active referral",
                "rhomboids:left tp1 latent",
                "middle_trapezius:right tp1 latent",
            ],
            notes: "On warfarin (GP letter on file): palpation light only, no algometer. Skin checked for bruising before and after: none.",
        }),
        visits: &[
            Visit {
                days_ago: 16,
                minutes: 45,
                techniques: &["positional release", "gentle effleurage", "stretching"],
                pain: [4, 2],
                treated: &["middle_trapezius:left tp1 light 3 2", "rhomboids:left tp1 light 2"],
                subjective: "Ache between the shoulder blades after painting a ceiling.",
                objective: "Light palpation only. Middle trapezius TP1 (left) refers into the interscapular area. No bruising before or after.",
                assessment: "Myofascial upper back pain; anticoagulated, light pressure only.",
                plan: "Every 10 days, light work only. Home: doorway chest stretch, pause overhead work every 20 minutes.",
                replies: [
                    Some(Reply {
                        soreness: 1,
                        numbness: false,
                        areas: &[],
                        comment: "No bruising.",
                    }),
                    sore(0, ""),
                ],
                amendment: Some(Amendment {
                    reason: "Added the INR the client reported on the day of the session.",
                    objective_addition: "INR 2.4 the day before the session (anticoagulation clinic).",
                }),
            },
            Visit {
                days_ago: 6,
                minutes: 40,
                techniques: &["positional release", "gentle effleurage"],
                pain: [3, 1],
                treated: &[
                    "middle_trapezius:left tp1 light 2",
                    "middle_trapezius:right tp1 light 2",
                ],
                subjective: "Ache much less; the ceiling is finished.",
                objective: "INR 2.6 last week. Middle trapezius TP1 (left) tender without referral. No bruising.",
                assessment: "Improving with light work.",
                plan: "One more session, then as needed.",
                replies: [sore(1, ""), sore(0, "")],
                amendment: None,
            },
        ],
    },
    Story {
        client: "Grace Whitfield",
        intake: Intake {
            stage: Stage::Signed,
            screening: &["back_pain"],
            reason: "Pain down the back of the left thigh when sitting.",
            history: "Six months. Comes on after 20 minutes of sitting, eases when she walks. Lumbar MRI (2024): no nerve root compression. No numbness or weakness; bladder and bowels normal.",
            surgeries: "None.",
            medications: "Paracetamol as needed; amlodipine (blood pressure controlled).",
            occupation: "Retired teacher",
            long_sitting: true,
            repetitive: false,
            sport: "Gardening, walking",
            goals: "Sit through a concert or a car journey.",
        },
        exam: Some(Exam {
            posture: &["posterior_pelvic_tilt"],
            tone: &[
                "piriformis:left hypertonic",
                "gluteus_minimus_posterior:left hypertonic",
            ],
            pain_map: &[
                "thigh.back:left@6 aching",
                "pelvis.buttock:left@4 aching",
                "leg.calf:left@2 aching",
            ],
            findings: &[
                "gluteus_minimus_posterior:left tp1 active referral ppt=2.9",
                "piriformis:left tp1 active referral ppt=2.6",
                "piriformis:left tp2 latent ppt=3.1",
                "medial_hamstrings:left tp1 latent ppt=3.3",
            ],
            notes: "Sits slumped. Pressure on posterior gluteus minimus (left) reproduces the thigh pain down to the calf. Straight-leg raise and reflexes normal.",
        }),
        visits: &[
            Visit {
                days_ago: 13,
                minutes: 60,
                techniques: &["ischemic compression", "positional release", "stretching"],
                pain: [6, 3],
                treated: &[
                    "gluteus_minimus_posterior:left tp1 moderate 5 4",
                    "piriformis:left tp1 moderate 5",
                ],
                subjective: "Thigh pain after 20 minutes in a chair.",
                objective: "Posterior gluteus minimus TP1 (left) active, referral down the back of the thigh reproduced, PPT 2.9 kg/cm².",
                assessment: "Pseudo-sciatica from gluteal trigger points; MRI without nerve root compression.",
                plan: "Weekly. Home: piriformis stretch, cushion under the thighs, stand up every 20 minutes.",
                replies: [sore(2, ""), sore(1, "")],
                amendment: None,
            },
            Visit {
                days_ago: 3,
                minutes: 60,
                techniques: &["ischemic compression", "stripping", "stretching"],
                pain: [5, 3],
                treated: &[
                    "piriformis:left tp1 firm 6 7",
                    "gluteus_minimus_posterior:left tp1 firm 6",
                    "medial_hamstrings:left tp1 moderate 4",
                ],
                subjective: "Can sit 40 minutes now. Asked for firmer work on the buttock.",
                objective: "Piriformis TP1 (left) PPT 3.0 kg/cm². Worked firmer than last time, check-ins 6-7/10.",
                assessment: "Improving; first session at firm pressure.",
                plan: "Watch the check-ins after firmer pressure; back to moderate if soreness lasts.",
                replies: [
                    sore(4, "Buttock very sore, hard to sit at lunch."),
                    Some(Reply {
                        soreness: 5,
                        numbness: true,
                        areas: &["thigh.back:left"],
                        comment: "Still sore, and a numb patch at the back of the left thigh since this morning.",
                    }),
                ],
                amendment: None,
            },
        ],
    },
    Story {
        client: "Aisha Bello",
        intake: Intake {
            stage: Stage::Signed,
            screening: &[],
            reason: "Right shoulder ache at the front and outer side; hurts to reach behind the back.",
            history: "Four months. Worse at the end of a day of blow-drying; wakes her when lying on the right.",
            surgeries: "None.",
            medications: "None.",
            occupation: "Hairdresser",
            long_sitting: false,
            repetitive: true,
            sport: "",
            goals: "Work a full day and sleep on either side without the shoulder aching.",
        },
        exam: Some(Exam {
            posture: &["rounded_shoulders", "shoulder_elevated:right"],
            tone: &["infraspinatus:right hypertonic", "anterior_deltoid:right hypertonic"],
            pain_map: &[
                "shoulder.front:right@6 aching",
                "shoulder.side:right@4 aching",
                "arm.upper_front:right@3 aching",
            ],
            findings: &[
                "infraspinatus:right tp1 active referral jump ppt=2.4",
                "infraspinatus:right tp2 active ppt=2.8",
                "anterior_deltoid:right tp1 latent ppt=3.2",
            ],
            notes: "Hand behind the back reaches only the right back pocket. Pressure on infraspinatus TP1 (right) sends the ache to the front of the shoulder.",
        }),
        visits: &[
            Visit {
                days_ago: 20,
                minutes: 60,
                techniques: &["ischemic compression", "stripping"],
                pain: [6, 4],
                treated: &[
                    "infraspinatus:right tp1 firm 6 8",
                    "infraspinatus:right tp1 moderate 5 4",
                    "infraspinatus:right tp2 moderate 5",
                    "anterior_deltoid:right tp1 moderate 4",
                ],
                subjective: "Front of the right shoulder aches by mid-afternoon at work.",
                objective: "Infraspinatus TP1 (right) active with jump sign, referral to the front of the shoulder reproduced, PPT 2.4 kg/cm². At the second check-in on TP1 she rated 8/10: pressure eased to moderate at once, then 5/10 and 4/10.",
                assessment: "Shoulder pain referred from right infraspinatus; repetitive overhead work. Pressure tolerance low over TP1.",
                plan: "Weekly, moderate pressure over infraspinatus. Home: cross-body stretch, elbow support when blow-drying, breaks between clients.",
                replies: [sore(3, "Shoulder blade tender."), sore(1, "")],
                amendment: None,
            },
            Visit {
                days_ago: 13,
                minutes: 45,
                techniques: &["ischemic compression", "stretching"],
                pain: [5, 3],
                treated: &[
                    "infraspinatus:right tp1 moderate 5 4",
                    "infraspinatus:right tp2 moderate 4",
                ],
                subjective: "Slept on the right side twice this week.",
                objective: "TP1 PPT 2.9 kg/cm². Reaches her belt behind the back.",
                assessment: "Improving.",
                plan: "Continue weekly, moderate pressure.",
                replies: [sore(2, ""), sore(1, "")],
                amendment: None,
            },
            Visit {
                days_ago: 6,
                minutes: 45,
                techniques: &["ischemic compression", "muscle energy technique", "stretching"],
                pain: [4, 2],
                treated: &[
                    "infraspinatus:right tp1 moderate 4 3",
                    "anterior_deltoid:right tp1 moderate 3",
                ],
                subjective: "A full Saturday at the salon with only a mild ache at the end.",
                objective: "No referral from TP1 on pressure; hand behind the back to the lower shoulder blade.",
                assessment: "Good response.",
                plan: "Every two weeks, then monthly.",
                replies: [sore(1, ""), sore(0, "")],
                amendment: None,
            },
        ],
    },
    Story {
        client: "Luis Ortega",
        intake: Intake {
            stage: Stage::Signed,
            screening: &[],
            reason: "Tight left hamstring after a strain; wants to get back to football.",
            history: "Left hamstring strain 6 weeks ago while sprinting. Physio rehab completed; cleared for soft-tissue work.",
            surgeries: "Left hamstring strain (6 weeks ago), no surgery.",
            medications: "None.",
            occupation: "Sales assistant",
            long_sitting: false,
            repetitive: false,
            sport: "Football (Sunday league)",
            goals: "Sprint without the hamstring tightening; play a full match.",
        },
        exam: Some(Exam {
            posture: &["anterior_pelvic_tilt"],
            tone: &["biceps_femoris:left hypertonic", "medial_hamstrings:left hypertonic"],
            pain_map: &["thigh.back:left@4 aching", "knee.back:left@2 aching"],
            findings: &[
                "biceps_femoris:left tp1 active referral ppt=3.9",
                "medial_hamstrings:left tp1 latent ppt=4.4",
            ],
            notes: "Straight-leg raise 70° left, 85° right. No pain on resisted knee bending.",
        }),
        visits: &[
            Visit {
                days_ago: 10,
                minutes: 60,
                techniques: &["stripping", "muscle energy technique", "stretching"],
                pain: [4, 2],
                treated: &["biceps_femoris:left tp1 firm 5 6", "medial_hamstrings:left tp1 firm 5"],
                subjective: "Hamstring tightens after 15 minutes of running.",
                objective: "Biceps femoris TP1 (left) active, refers behind the knee; straight-leg raise 70°.",
                assessment: "Residual trigger points after a healed strain.",
                plan: "Weekly for 2 weeks. Home: hamstring stretch after training, graded sprint build-up from the physio.",
                replies: [sore(4, "Like after a hard training session."), sore(1, "")],
                amendment: None,
            },
            Visit {
                days_ago: 3,
                minutes: 60,
                techniques: &["stripping", "muscle energy technique", "stretching"],
                pain: [3, 1],
                treated: &["biceps_femoris:left tp1 firm 4", "medial_hamstrings:left tp1 firm 4"],
                subjective: "Ran 30 minutes with sprints without tightening.",
                objective: "Straight-leg raise 80° left. No referral on pressure.",
                assessment: "Close to full return.",
                plan: "Return to training this week; monthly maintenance during the season.",
                replies: [sore(2, ""), sore(0, "")],
                amendment: None,
            },
        ],
    },
    Story {
        client: "Kwame Asante",
        intake: Intake {
            stage: Stage::Signed,
            screening: &[],
            reason: "Outer right elbow pain, worse gripping the racket.",
            history: "Three months. Tennis elbow diagnosed by the GP. Coaching 6 hours a day.",
            surgeries: "None.",
            medications: "Ibuprofen gel when it flares.",
            occupation: "Tennis coach",
            long_sitting: false,
            repetitive: true,
            sport: "Tennis",
            goals: "Coach a full day without elbow pain.",
        },
        exam: Some(Exam {
            posture: &[],
            tone: &[
                "extensor_carpi_radialis_longus:right hypertonic",
                "supinator:right hypertonic",
            ],
            pain_map: &[
                "arm.elbow_outer:right@6 aching",
                "arm.forearm_back:right@3 aching",
                "hand.back:right@2 aching",
            ],
            findings: &[
                "extensor_carpi_radialis_longus:right tp1 active referral ppt=2.3",
                "supinator:right tp1 active referral ppt=2.0",
                "extensor_carpi_radialis_brevis:right tp1 latent ppt=2.7",
                "extensor_digitorum:right tp1 latent ppt=3.0",
            ],
            notes: "Grip strength right 38 kg, left 46 kg, grip painful at the outer elbow. Pressure on supinator and ECRL reproduces the elbow pain.",
        }),
        visits: &[
            Visit {
                days_ago: 24,
                minutes: 45,
                techniques: &["ischemic compression", "stripping", "stretching"],
                pain: [6, 4],
                treated: &[
                    "extensor_carpi_radialis_longus:right tp1 moderate 5 4",
                    "supinator:right tp1 moderate 6 5",
                    "extensor_digitorum:right tp1 moderate 4",
                ],
                subjective: "Elbow pain every afternoon of coaching; painful to lift a kettle.",
                objective: "Supinator and ECRL TP1 (right) active, both reproduce the outer elbow pain.",
                assessment: "Lateral elbow pain with forearm extensor trigger points; overuse.",
                plan: "Weekly. Home: wrist extensor stretch, lighter grip, forearm strap when coaching.",
                replies: [sore(3, "Forearm achy, like after a long match."), sore(1, "")],
                amendment: None,
            },
            Visit {
                days_ago: 17,
                minutes: 45,
                techniques: &["ischemic compression", "stripping", "stretching"],
                pain: [5, 3],
                treated: &[
                    "supinator:right tp1 moderate 5 4",
                    "extensor_carpi_radialis_longus:right tp1 firm 5",
                ],
                subjective: "Better in the mornings; still sore after the afternoon group.",
                objective: "Supinator TP1 PPT 2.4 kg/cm²; grip 41 kg.",
                assessment: "Improving.",
                plan: "Continue weekly; start eccentric wrist exercise.",
                replies: [sore(2, ""), sore(1, "")],
                amendment: None,
            },
            Visit {
                days_ago: 9,
                minutes: 45,
                techniques: &["ischemic compression", "muscle energy technique", "stretching"],
                pain: [3, 2],
                treated: &[
                    "supinator:right tp1 moderate 3",
                    "extensor_carpi_radialis_brevis:right tp1 moderate 3",
                ],
                subjective: "Coached a full day at the weekend tournament with a mild ache only.",
                objective: "Grip 44 kg, painless. No referral on pressure.",
                assessment: "Good response.",
                plan: "Every two weeks; keep the eccentric exercise.",
                replies: [sore(1, ""), sore(0, "")],
                amendment: None,
            },
        ],
    },
    Story {
        client: "Daniel Moreau",
        intake: Intake {
            stage: Stage::Submitted,
            screening: &["progressive_weakness_or_numbness"],
            reason: "Numbness and tingling in the right thumb, index and middle fingers.",
            history: "Four months, first at night only, now also in the day when using tools; dropped a chisel twice this month. Nerve conduction study pending with the GP.",
            surgeries: "None.",
            medications: "None.",
            occupation: "Carpenter",
            long_sitting: false,
            repetitive: true,
            sport: "",
            goals: "Sleep through the night; keep working.",
        },
        exam: None,
        visits: &[],
    },
    Story {
        client: "Hannah Schultz",
        intake: Intake::REQUESTED,
        exam: None,
        visits: &[],
    },
];

// -------------------------------------------------------------- parsing

/// `ID[:SIDE]`
fn sided(spec: &str) -> anyhow::Result<(String, Option<Side>)> {
    match spec.split_once(':') {
        Some((id, side)) => Ok((id.to_owned(), Some(side.parse()?))),
        None => Ok((spec.to_owned(), None)),
    }
}

fn words(spec: &str) -> anyhow::Result<(&str, std::str::SplitWhitespace<'_>)> {
    let mut words = spec.split_whitespace();
    let first = words.next().ok_or_else(|| anyhow!("empty entry"))?;
    Ok((first, words))
}

fn pain_mark(spec: &str) -> anyhow::Result<PainMark> {
    let (place, mut rest) = words(spec)?;
    let entry: PainEntry = place.parse()?;
    let quality = rest.next().unwrap_or("aching");
    let quality = PainQuality::ALL
        .into_iter()
        .find(|q| q.as_str() == quality)
        .ok_or_else(|| anyhow!("unknown pain quality \"{quality}\""))?;
    Ok(PainMark {
        site: entry.site,
        intensity: entry.intensity,
        quality,
    })
}

fn posture(spec: &str) -> anyhow::Result<PostureObservation> {
    let (finding, side) = sided(spec)?;
    Ok(PostureObservation { finding, side })
}

fn tone(spec: &str) -> anyhow::Result<ToneEntry> {
    let (muscle, mut rest) = words(spec)?;
    let (muscle, side) = sided(muscle)?;
    let tone = match rest.next() {
        Some("normal") => Tone::Normal,
        Some("hypertonic") => Tone::Hypertonic,
        Some("hypotonic") => Tone::Hypotonic,
        Some("spasm") => Tone::Spasm,
        other => bail!("unknown tone {other:?}"),
    };
    Ok(ToneEntry { muscle, side, tone })
}

fn finding(spec: &str) -> anyhow::Result<TriggerPointFinding> {
    let (muscle, mut rest) = words(spec)?;
    let (muscle, side) = sided(muscle)?;
    let trigger_point = rest.next().ok_or_else(|| anyhow!("no trigger point"))?.to_owned();
    let activity = match rest.next() {
        Some("active") => TriggerPointActivity::Active,
        Some("latent") => TriggerPointActivity::Latent,
        other => bail!("give \"active\" or \"latent\", not {other:?}"),
    };
    let mut finding = TriggerPointFinding {
        muscle,
        trigger_point,
        side,
        activity,
        referral_reproduced: false,
        local_twitch: false,
        jump_sign: false,
        ppt_kg_cm2: None,
    };
    for word in rest {
        match word {
            "referral" => finding.referral_reproduced = true,
            "twitch" => finding.local_twitch = true,
            "jump" => finding.jump_sign = true,
            _ => {
                let ppt = word
                    .strip_prefix("ppt=")
                    .ok_or_else(|| anyhow!("unknown finding \"{word}\""))?;
                finding.ppt_kg_cm2 = Some(ppt.parse()?);
            }
        }
    }
    Ok(finding)
}

fn treated(spec: &str) -> anyhow::Result<TreatedPoint> {
    let (muscle, rest) = words(spec)?;
    let (muscle, side) = sided(muscle)?;
    let mut trigger_point = None;
    let mut pressure = None;
    let mut checks = Vec::new();
    for word in rest {
        match word {
            "light" => pressure = Some(Pressure::Light),
            "moderate" => pressure = Some(Pressure::Moderate),
            "firm" => pressure = Some(Pressure::Firm),
            "deep" => pressure = Some(Pressure::Deep),
            tp if tp.starts_with("tp") => trigger_point = Some(tp.to_owned()),
            number => checks.push(DiscomfortCheck {
                discomfort: number.parse().with_context(|| format!("discomfort \"{number}\""))?,
                sharp: false,
            }),
        }
    }
    Ok(TreatedPoint {
        muscle,
        side,
        trigger_point,
        pressure: pressure.ok_or_else(|| anyhow!("no pressure"))?,
        checks,
    })
}

fn all<T>(specs: &[&str], parse: fn(&str) -> anyhow::Result<T>) -> anyhow::Result<Vec<T>> {
    specs
        .iter()
        .map(|spec| parse(spec).with_context(|| format!("\"{spec}\"")))
        .collect()
}

// ------------------------------------------------------------ building

fn invalid(e: myomap_domain::ValidationErrors) -> anyhow::Error {
    anyhow!("{e}")
}

impl Intake {
    fn form(&self) -> anyhow::Result<IntakeForm> {
        let form = IntakeForm {
            reason_for_visit: self.reason.into(),
            complaint_history: self.history.into(),
            surgeries_and_injuries: self.surgeries.into(),
            medications: self.medications.into(),
            occupation: self.occupation.into(),
            long_sitting: self.long_sitting,
            repetitive_tasks: self.repetitive,
            sport: self.sport.into(),
            goals: self.goals.into(),
            conditions: Vec::new(),
        };
        form.validate().map_err(invalid)?;
        Ok(form)
    }

    /// The verdict of the real screening rules, packed for storage.
    fn screening(&self) -> anyhow::Result<ScreeningResult> {
        let answers = ScreeningAnswers::new(self.screening.iter().map(|id| (*id, Vec::new()))).map_err(invalid)?;
        screen(&self.form()?, None, &answers).map_err(invalid)
    }
}

impl Exam {
    fn record(&self) -> anyhow::Result<AssessmentRecord> {
        let record = AssessmentRecord {
            posture: all(self.posture, posture)?,
            tone: all(self.tone, tone)?,
            pain_map: all(self.pain_map, pain_mark)?,
            findings: all(self.findings, finding)?,
            notes: self.notes.into(),
        };
        record.validate(&ClinicalVocabulary).map_err(invalid)?;
        Ok(record)
    }
}

impl Visit {
    fn note(&self, today: jiff::civil::Date) -> anyhow::Result<SessionNote> {
        let date = today.checked_sub(jiff::Span::new().try_days(self.days_ago)?)?;
        let note = SessionNote {
            date: date.to_string(),
            duration_minutes: self.minutes,
            confirm_duration: false,
            techniques: self.techniques.iter().map(|t| (*t).to_owned()).collect(),
            subjective: self.subjective.into(),
            objective: self.objective.into(),
            assessment: self.assessment.into(),
            plan: self.plan.into(),
            pain_before: Some(self.pain[0]),
            pain_after: Some(self.pain[1]),
            treated: all(self.treated, treated)?,
        };
        note.validate(&ClinicalVocabulary).map_err(invalid)?;
        Ok(note)
    }

    /// The reply to the check-in due `hours` after the session.
    fn reply(&self, hours: u16) -> Option<&Reply> {
        let index = CHECKIN_HOURS.iter().position(|&h| h == hours)?;
        self.replies.get(index)?.as_ref()
    }
}

impl Reply {
    fn answer(&self) -> anyhow::Result<CheckinAnswer> {
        let areas = self
            .areas
            .iter()
            .map(|spec| {
                let (area, side) = spec.split_once(':').map_or((*spec, None), |(a, s)| (a, Some(s)));
                AreaSite::parse(area, side).with_context(|| format!("\"{spec}\""))
            })
            .collect::<anyhow::Result<_>>()?;
        let answer = CheckinAnswer {
            soreness: self.soreness,
            areas,
            numbness: self.numbness,
            bruising: false,
            sharp_pain: false,
            comment: self.comment.into(),
        };
        answer.validate().map_err(invalid)?;
        Ok(answer)
    }
}

// ------------------------------------------------------------- seeding

/// What was written, for the banner.
#[derive(Debug, Default)]
pub struct Seeded {
    pub clients: usize,
    pub intakes: usize,
    pub assessments: usize,
    pub notes: usize,
    pub amendments: usize,
    pub checkin_answers: usize,
    pub questionnaires: usize,
}

impl Seeded {
    pub fn describe(&self) -> Option<String> {
        (self.clients > 0).then(|| {
            format!(
                "Clinical records for {} of them: {} intake(s), {} assessment(s), {} signed session note(s) ({} amended), {} check-in answer(s), {} questionnaire(s).",
                self.clients, self.intakes, self.assessments, self.notes, self.amendments, self.checkin_answers, self.questionnaires
            )
        })
    }
}

/// Writes the stories of the written cases among `new_clients` (their index
/// in [`demo_data::client`] and their id), as the therapist `therapist`.
pub async fn seed(store: &Store, therapist: &str, new_clients: &[(usize, ClientId)]) -> anyhow::Result<Seeded> {
    let mut seeded = Seeded::default();
    let stories: Vec<(&Story, ClientId)> = new_clients
        .iter()
        .filter_map(|&(n, id)| {
            let fields = demo_data::client(n);
            let name = format!("{} {}", fields.given_name, fields.family_name);
            STORIES.iter().find(|s| s.client == name).map(|s| (s, id))
        })
        .collect();
    if stories.is_empty() {
        return Ok(seeded);
    }
    let actor = store.actor_for_email(therapist).await?;
    let scope = store.clinic(&actor);
    let today = jiff::Zoned::now().date();
    for (story, client) in stories {
        story
            .write(store, &scope, client, today, &mut seeded)
            .await
            .with_context(|| format!("demo records of {}", story.client))?;
        crate::demo_outcomes::seed_home_care(store, &scope, client, story.client, today)
            .await
            .with_context(|| format!("demo home care of {}", story.client))?;
        seeded.clients += 1;
    }
    Ok(seeded)
}

impl Story {
    async fn write(
        &self,
        store: &Store,
        scope: &ClinicScope<'_>,
        client: ClientId,
        today: jiff::civil::Date,
        seeded: &mut Seeded,
    ) -> anyhow::Result<()> {
        if self.intake.stage == Stage::Requested {
            scope.request_intake_link(client, INTAKE_LINK_TTL).await?;
        } else {
            let mut form = self.intake.form()?;
            form.conditions = crate::demo_outcomes::conditions(self.client);
            let intake = scope.submit_intake(client, &form, &self.intake.screening()?).await?;
            if self.intake.stage == Stage::Signed {
                scope.sign_intake(&intake.id, intake.version).await?;
            }
        }
        seeded.intakes += 1;
        seeded.questionnaires += crate::demo_outcomes::seed(scope, client, self.client, today).await?;

        let Some(exam) = &self.exam else {
            return Ok(());
        };
        let assessment = scope.create_assessment(client, &exam.record()?).await?;
        seeded.assessments += 1;

        for visit in self.visits {
            let note = visit.note(today)?;
            let draft = scope.create_note(client, Some(&assessment.id), &note).await?;
            let (signed, links) = scope.sign_note(&draft.id, draft.version, None).await?;
            seeded.notes += 1;
            for (checkin, link) in &links {
                if let Some(reply) = visit.reply(checkin.due_hours) {
                    store.submit_checkin_via_link(&link.token, &reply.answer()?).await?;
                    seeded.checkin_answers += 1;
                }
            }
            if let Some(amendment) = &visit.amendment {
                let mut corrected = note.clone();
                corrected.objective = format!("{} {}", note.objective, amendment.objective_addition);
                corrected.validate(&ClinicalVocabulary).map_err(invalid)?;
                scope.amend_note(&signed.id, &corrected, amendment.reason).await?;
                seeded.amendments += 1;
            }
        }
        Ok(())
    }
}
