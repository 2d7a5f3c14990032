//! Landmarks placed on posture photos and the angles measured from them.
//!
//! # Coordinates
//!
//! A [`Point`] is an image coordinate: `x` grows to the right, `y` grows
//! **down** (as in SVG, canvas and most image formats), in pixels or any other
//! unit. Only differences between points matter, so the unit, the origin and
//! the image size are irrelevant, and a uniform scale leaves every angle as is.
//!
//! # Left and right
//!
//! Landmark names use the **client's** left and right, never the image's. In a
//! front-view photo the client faces the camera, so the client's left appears
//! on the *image's right*; in a back-view photo the client's left appears on
//! the image's left. The computations use only the identity of a landmark
//! (which one is `acromion_left`), never which half of the image it lies in, so
//! the same code serves front and back photos; the web layer must label the
//! points by the client's side.
//!
//! In a side-view photo the client's profile faces one way: when the client's
//! **right** side faces the camera the client looks toward the image's
//! **right**, and when the left side faces the camera, toward the image's left.
//! The craniovertebral angle takes that side (the `profile`) to know which way
//! is forward.
//!
//! # Angles
//!
//! Obliquities (head tilt, shoulder and pelvic obliquity) are the angle of the
//! line through a left/right pair of landmarks against the horizontal:
//!
//! ```text
//! degrees = atan2(right.y − left.y, |right.x − left.x|)      in [−90°, 90°]
//! ```
//!
//! Positive means the client's **right** landmark is lower (y grows down), so
//! a head tilted to the right gives a positive head tilt. The horizontal
//! distance is taken as a size, which is what makes the result independent of
//! front/back mirroring.
//!
//! The craniovertebral angle (CVA) is the angle at C7 between the horizontal
//! pointing forward and the line from C7 to the tragus of the ear:
//!
//! ```text
//! forward = (tragus.x − c7.x) · (+1 if profile is right, −1 if left)
//! degrees = atan2(c7.y − tragus.y, forward)                   in (−180°, 180°]
//! ```
//!
//! A tragus straight above C7 gives 90°; the further the head juts forward, the
//! smaller the angle. People without neck pain average around 50° or a little
//! more; a CVA below about 48–50° is commonly called forward head posture, and
//! published cut-offs vary (Yip, Chiu & Poon 2008; Lau, Chiu & Lam 2009;
//! Nejati et al. 2015; see the threshold's `reference` in the data). Values
//! above 90° mean the tragus was placed behind C7, which usually means the
//! profile side is wrong.
//!
//! # Rounding and suggestions
//!
//! Each [`Measurement`] keeps the raw angle and the angle rounded once to 0.1°
//! for display. The side that is lower and the threshold test use the rounded
//! value, so neither ever contradicts the number shown (a line that displays
//! as 0.0° is level). The thresholds are data with sources
//! (`[[threshold]]` in `data/posture-findings.toml`): an obliquity of 2° or
//! more suggests `shoulder_elevated` / `lateral_pelvic_tilt` on the higher
//! side and `head_tilt` toward the lower ear; a CVA below 50° suggests
//! `forward_head`. The 2° obliquity cut-off is a project convention (no
//! validated cut-off exists), as the data says.

use std::fmt;
use std::str::FromStr;

use myomap_domain::Side;
use serde::{Deserialize, Serialize};

use crate::error::{MAX_COORDINATE, PostureError};
use crate::findings::{FindingSide, FlagWhen, catalogue};

/// A posture photo's view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PhotoView {
    Front,
    Back,
    Side,
}

impl PhotoView {
    pub const ALL: [PhotoView; 3] = [PhotoView::Front, PhotoView::Back, PhotoView::Side];

    pub fn as_str(self) -> &'static str {
        match self {
            PhotoView::Front => "front",
            PhotoView::Back => "back",
            PhotoView::Side => "side",
        }
    }
}

impl fmt::Display for PhotoView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A point on the photo: `x` to the right, `y` **down**.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub const fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }
}

/// A bony or surface landmark the therapist places on a photo. Left and right
/// are the client's (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Landmark {
    EarLeft,
    EarRight,
    EyeLeft,
    EyeRight,
    AcromionLeft,
    AcromionRight,
    AsisLeft,
    AsisRight,
    PsisLeft,
    PsisRight,
    EarTragus,
    C7,
}

const FRONT_BACK: &[PhotoView] = &[PhotoView::Front, PhotoView::Back];
const FRONT: &[PhotoView] = &[PhotoView::Front];
const BACK: &[PhotoView] = &[PhotoView::Back];
const SIDE: &[PhotoView] = &[PhotoView::Side];

impl Landmark {
    pub const ALL: [Landmark; 12] = [
        Landmark::EarLeft,
        Landmark::EarRight,
        Landmark::EyeLeft,
        Landmark::EyeRight,
        Landmark::AcromionLeft,
        Landmark::AcromionRight,
        Landmark::AsisLeft,
        Landmark::AsisRight,
        Landmark::PsisLeft,
        Landmark::PsisRight,
        Landmark::EarTragus,
        Landmark::C7,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Landmark::EarLeft => "ear_left",
            Landmark::EarRight => "ear_right",
            Landmark::EyeLeft => "eye_left",
            Landmark::EyeRight => "eye_right",
            Landmark::AcromionLeft => "acromion_left",
            Landmark::AcromionRight => "acromion_right",
            Landmark::AsisLeft => "asis_left",
            Landmark::AsisRight => "asis_right",
            Landmark::PsisLeft => "psis_left",
            Landmark::PsisRight => "psis_right",
            Landmark::EarTragus => "ear_tragus",
            Landmark::C7 => "c7",
        }
    }

    /// What to mark, in a few words.
    pub fn label(self) -> &'static str {
        match self {
            Landmark::EarLeft => "Left ear (lobe or tragus)",
            Landmark::EarRight => "Right ear (lobe or tragus)",
            Landmark::EyeLeft => "Left eye (outer corner)",
            Landmark::EyeRight => "Right eye (outer corner)",
            Landmark::AcromionLeft => "Left acromion (top of the shoulder)",
            Landmark::AcromionRight => "Right acromion (top of the shoulder)",
            Landmark::AsisLeft => "Left ASIS (front hip bone)",
            Landmark::AsisRight => "Right ASIS (front hip bone)",
            Landmark::PsisLeft => "Left PSIS (dimple over the back of the pelvis)",
            Landmark::PsisRight => "Right PSIS (dimple over the back of the pelvis)",
            Landmark::EarTragus => "Tragus of the ear facing the camera",
            Landmark::C7 => "C7 spinous process (most prominent bump at the base of the neck)",
        }
    }

    /// The photo views in which the landmark is placed.
    pub fn views(self) -> &'static [PhotoView] {
        match self {
            Landmark::EarLeft | Landmark::EarRight | Landmark::AcromionLeft | Landmark::AcromionRight => FRONT_BACK,
            Landmark::EyeLeft | Landmark::EyeRight | Landmark::AsisLeft | Landmark::AsisRight => FRONT,
            Landmark::PsisLeft | Landmark::PsisRight => BACK,
            Landmark::EarTragus | Landmark::C7 => SIDE,
        }
    }

    /// The client's side of a paired landmark.
    pub fn side(self) -> Option<Side> {
        match self {
            Landmark::EarLeft
            | Landmark::EyeLeft
            | Landmark::AcromionLeft
            | Landmark::AsisLeft
            | Landmark::PsisLeft => Some(Side::Left),
            Landmark::EarRight
            | Landmark::EyeRight
            | Landmark::AcromionRight
            | Landmark::AsisRight
            | Landmark::PsisRight => Some(Side::Right),
            Landmark::EarTragus | Landmark::C7 => None,
        }
    }

    /// The same landmark on the client's other side (unpaired ones unchanged).
    pub fn mirrored(self) -> Landmark {
        match self {
            Landmark::EarLeft => Landmark::EarRight,
            Landmark::EarRight => Landmark::EarLeft,
            Landmark::EyeLeft => Landmark::EyeRight,
            Landmark::EyeRight => Landmark::EyeLeft,
            Landmark::AcromionLeft => Landmark::AcromionRight,
            Landmark::AcromionRight => Landmark::AcromionLeft,
            Landmark::AsisLeft => Landmark::AsisRight,
            Landmark::AsisRight => Landmark::AsisLeft,
            Landmark::PsisLeft => Landmark::PsisRight,
            Landmark::PsisRight => Landmark::PsisLeft,
            Landmark::EarTragus => Landmark::EarTragus,
            Landmark::C7 => Landmark::C7,
        }
    }
}

impl fmt::Display for Landmark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown landmark \"{0}\"")]
pub struct UnknownLandmark(pub String);

impl FromStr for Landmark {
    type Err = UnknownLandmark;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Landmark::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| UnknownLandmark(s.to_owned()))
    }
}

impl Serialize for Landmark {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Landmark {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let id = String::deserialize(d)?;
        id.parse().map_err(serde::de::Error::custom)
    }
}

/// A landmark with where it was placed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LandmarkPoint {
    pub landmark: Landmark,
    pub at: Point,
}

/// What a measurement measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    HeadTilt,
    ShoulderObliquity,
    PelvicObliquity,
    CraniovertebralAngle,
}

impl Measure {
    pub const ALL: [Measure; 4] = [
        Measure::HeadTilt,
        Measure::ShoulderObliquity,
        Measure::PelvicObliquity,
        Measure::CraniovertebralAngle,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Measure::HeadTilt => "head_tilt",
            Measure::ShoulderObliquity => "shoulder_obliquity",
            Measure::PelvicObliquity => "pelvic_obliquity",
            Measure::CraniovertebralAngle => "craniovertebral_angle",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Measure::HeadTilt => "Head tilt",
            Measure::ShoulderObliquity => "Shoulder level",
            Measure::PelvicObliquity => "Pelvic level",
            Measure::CraniovertebralAngle => "Craniovertebral angle",
        }
    }

    /// A left/right level measure (as opposed to the side-view CVA).
    pub fn is_obliquity(self) -> bool {
        !matches!(self, Measure::CraniovertebralAngle)
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which pair of landmarks gives the head line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeadLine {
    /// Ears, front or back view.
    Ears,
    /// Outer eye corners, front view.
    Eyes,
}

/// Which pair of landmarks gives the pelvic line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PelvicLine {
    /// Front hip bones, front view.
    Asis,
    /// Back of the pelvis, back view.
    Psis,
}

/// A finding suggested by a measurement, for the therapist to confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub finding: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side: Option<Side>,
}

/// The result of one measurement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measurement {
    pub measure: Measure,
    /// The raw angle in degrees. Obliquities: in [−90, 90], positive when the
    /// client's right landmark is lower. CVA: in (−180, 180].
    pub degrees: f64,
    /// `degrees` rounded once to 0.1°.
    pub rounded: f64,
    /// For people, e.g. "3.2° (right lower)", "0.0° (level)", "47.5°".
    pub display: String,
    /// Obliquities: the client's side whose landmark is lower; `None` when the
    /// line is level at 0.1°, and always for the CVA.
    pub lower: Option<Side>,
    /// The finding the angle suggests when it passes its threshold.
    pub suggestion: Option<Suggestion>,
    /// Obliquities: the left then the right landmark. CVA: C7 then the tragus.
    pub points: [LandmarkPoint; 2],
    /// CVA only: the client's side facing the camera.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<Side>,
}

/// Head tilt from the ears (front or back view) or the outer eye corners
/// (front view): the ear line against the horizontal. `lower` is the side the
/// head tilts toward; 2° or more suggests `head_tilt` on that side.
pub fn head_tilt(line: HeadLine, left: Point, right: Point) -> Result<Measurement, PostureError> {
    let (l, r) = match line {
        HeadLine::Ears => (Landmark::EarLeft, Landmark::EarRight),
        HeadLine::Eyes => (Landmark::EyeLeft, Landmark::EyeRight),
    };
    obliquity(Measure::HeadTilt, l, left, r, right)
}

/// Shoulder obliquity from the acromions (front or back view). 2° or more
/// suggests `shoulder_elevated` on the higher side.
pub fn shoulder_obliquity(acromion_left: Point, acromion_right: Point) -> Result<Measurement, PostureError> {
    obliquity(
        Measure::ShoulderObliquity,
        Landmark::AcromionLeft,
        acromion_left,
        Landmark::AcromionRight,
        acromion_right,
    )
}

/// Pelvic obliquity from the ASIS (front view) or PSIS (back view). 2° or
/// more suggests `lateral_pelvic_tilt` on the higher side.
pub fn pelvic_obliquity(line: PelvicLine, left: Point, right: Point) -> Result<Measurement, PostureError> {
    let (l, r) = match line {
        PelvicLine::Asis => (Landmark::AsisLeft, Landmark::AsisRight),
        PelvicLine::Psis => (Landmark::PsisLeft, Landmark::PsisRight),
    };
    obliquity(Measure::PelvicObliquity, l, left, r, right)
}

/// Craniovertebral angle from a side-view photo. `profile` is the client's
/// side facing the camera (right side → the client faces the image's right).
/// Below 50° suggests `forward_head`.
pub fn craniovertebral_angle(profile: Side, tragus: Point, c7: Point) -> Result<Measurement, PostureError> {
    check_point(Landmark::EarTragus, tragus)?;
    check_point(Landmark::C7, c7)?;
    check_distinct(Landmark::C7, c7, Landmark::EarTragus, tragus)?;
    let toward = match profile {
        Side::Right => 1.0,
        Side::Left => -1.0,
    };
    let forward = (tragus.x - c7.x) * toward;
    let rise = c7.y - tragus.y;
    let degrees = rise.atan2(forward).to_degrees();
    let rounded = round_tenth(degrees);
    let suggestion = catalogue()
        .threshold(Measure::CraniovertebralAngle)
        .filter(|t| t.flag_when == FlagWhen::Below && rounded < t.degrees)
        .map(|t| Suggestion {
            finding: t.finding.as_str(),
            side: None,
        });
    Ok(Measurement {
        measure: Measure::CraniovertebralAngle,
        degrees,
        rounded,
        display: format!("{rounded:.1}°"),
        lower: None,
        suggestion,
        points: [
            LandmarkPoint {
                landmark: Landmark::C7,
                at: c7,
            },
            LandmarkPoint {
                landmark: Landmark::EarTragus,
                at: tragus,
            },
        ],
        profile: Some(profile),
    })
}

/// Every measurement whose landmarks are all among `points`: head tilt from
/// the ears and from the eyes, shoulder obliquity, pelvic obliquity from the
/// ASIS and from the PSIS, and the CVA when `ear_tragus`, `c7` and `profile`
/// are all given. A landmark given twice is an error (`points[i].landmark`);
/// a pair with one landmark missing is skipped.
pub fn measure_all(points: &[LandmarkPoint], profile: Option<Side>) -> Result<Vec<Measurement>, PostureError> {
    for (index, point) in points.iter().enumerate() {
        if points[..index].iter().any(|p| p.landmark == point.landmark) {
            return Err(PostureError::DuplicateLandmark {
                field: format!("points[{index}].landmark"),
                landmark: point.landmark,
            });
        }
    }
    let at = |landmark: Landmark| points.iter().find(|p| p.landmark == landmark).map(|p| p.at);
    let mut results = Vec::new();
    if let (Some(l), Some(r)) = (at(Landmark::EarLeft), at(Landmark::EarRight)) {
        results.push(head_tilt(HeadLine::Ears, l, r)?);
    }
    if let (Some(l), Some(r)) = (at(Landmark::EyeLeft), at(Landmark::EyeRight)) {
        results.push(head_tilt(HeadLine::Eyes, l, r)?);
    }
    if let (Some(l), Some(r)) = (at(Landmark::AcromionLeft), at(Landmark::AcromionRight)) {
        results.push(shoulder_obliquity(l, r)?);
    }
    if let (Some(l), Some(r)) = (at(Landmark::AsisLeft), at(Landmark::AsisRight)) {
        results.push(pelvic_obliquity(PelvicLine::Asis, l, r)?);
    }
    if let (Some(l), Some(r)) = (at(Landmark::PsisLeft), at(Landmark::PsisRight)) {
        results.push(pelvic_obliquity(PelvicLine::Psis, l, r)?);
    }
    if let (Some(tragus), Some(c7)) = (at(Landmark::EarTragus), at(Landmark::C7)) {
        let Some(profile) = profile else {
            return Err(PostureError::ProfileRequired {
                field: "profile".to_owned(),
            });
        };
        results.push(craniovertebral_angle(profile, tragus, c7)?);
    }
    Ok(results)
}

/// What a line of the overlay shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentKind {
    /// The line through the measured landmarks.
    Landmarks,
    /// The horizontal reference the angle is measured against.
    Horizontal,
}

/// A straight line to draw over the photo, in the photo's coordinates (for
/// SVG: `<line x1=from.x y1=from.y x2=to.x y2=to.y>`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Segment {
    pub kind: SegmentKind,
    pub from: Point,
    pub to: Point,
}

/// The two lines that show a measurement on its photo. Both start at the same
/// vertex and have the same length, so the angle between them is the one
/// measured: for an obliquity the vertex is the higher landmark (the left one
/// when level), the landmark line runs to the other landmark and the
/// horizontal runs toward it; for the CVA the vertex is C7, the landmark line
/// runs to the tragus and the horizontal runs forward.
pub fn overlay(measurement: &Measurement) -> [Segment; 2] {
    let [first, second] = measurement.points;
    let (vertex, other) = if measurement.measure.is_obliquity() && measurement.lower == Some(Side::Left) {
        (second.at, first.at)
    } else {
        (first.at, second.at)
    };
    let length = (other.x - vertex.x).hypot(other.y - vertex.y);
    let direction = match measurement.profile {
        Some(Side::Left) => -1.0,
        Some(Side::Right) => 1.0,
        None if other.x < vertex.x => -1.0,
        None => 1.0,
    };
    [
        Segment {
            kind: SegmentKind::Landmarks,
            from: vertex,
            to: other,
        },
        Segment {
            kind: SegmentKind::Horizontal,
            from: vertex,
            to: Point::new(vertex.x + direction * length, vertex.y),
        },
    ]
}

fn obliquity(
    measure: Measure,
    left_landmark: Landmark,
    left: Point,
    right_landmark: Landmark,
    right: Point,
) -> Result<Measurement, PostureError> {
    check_point(left_landmark, left)?;
    check_point(right_landmark, right)?;
    check_distinct(left_landmark, left, right_landmark, right)?;
    let across = (right.x - left.x).abs();
    let drop = right.y - left.y;
    let degrees = drop.atan2(across).to_degrees();
    let rounded = round_tenth(degrees);
    let lower = if rounded > 0.0 {
        Some(Side::Right)
    } else if rounded < 0.0 {
        Some(Side::Left)
    } else {
        None
    };
    let suggestion = match (lower, catalogue().threshold(measure)) {
        (Some(lower), Some(t)) if t.flag_when == FlagWhen::AtLeast && rounded.abs() >= t.degrees => {
            let side = match t.finding_side {
                Some(FindingSide::Lower) => lower,
                Some(FindingSide::Higher) | None => lower.opposite(),
            };
            Some(Suggestion {
                finding: t.finding.as_str(),
                side: Some(side),
            })
        }
        _ => None,
    };
    let display = match lower {
        Some(side) => format!("{:.1}° ({side} lower)", rounded.abs()),
        None => "0.0° (level)".to_owned(),
    };
    Ok(Measurement {
        measure,
        degrees,
        rounded,
        display,
        lower,
        suggestion,
        points: [
            LandmarkPoint {
                landmark: left_landmark,
                at: left,
            },
            LandmarkPoint {
                landmark: right_landmark,
                at: right,
            },
        ],
        profile: None,
    })
}

/// Rounds to 0.1, half away from zero, without a negative zero.
fn round_tenth(value: f64) -> f64 {
    (value * 10.0).round() / 10.0 + 0.0
}

fn check_point(landmark: Landmark, point: Point) -> Result<(), PostureError> {
    for (axis, value) in [("x", point.x), ("y", point.y)] {
        let field = || format!("{landmark}.{axis}");
        if !value.is_finite() {
            return Err(PostureError::NonFinite { field: field() });
        }
        if value.abs() > MAX_COORDINATE {
            return Err(PostureError::OutOfRange { field: field() });
        }
    }
    Ok(())
}

fn check_distinct(first: Landmark, a: Point, second: Landmark, b: Point) -> Result<(), PostureError> {
    if a == b {
        Err(PostureError::SamePoint {
            field: second.as_str().to_owned(),
            first,
            second,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use proptest::prelude::*;

    const EPS: f64 = 1e-9;

    fn p(x: f64, y: f64) -> Point {
        Point::new(x, y)
    }

    #[test]
    fn a_level_line_is_zero_and_level() {
        let m = shoulder_obliquity(p(300.0, 100.0), p(100.0, 100.0)).unwrap();
        assert_eq!(m.degrees, 0.0);
        assert_eq!(m.rounded, 0.0);
        assert_eq!(m.lower, None);
        assert_eq!(m.suggestion, None);
        assert_eq!(m.display, "0.0° (level)");
    }

    #[test]
    fn a_3_4_5_triangle_gives_atan_3_over_4() {
        // Front view: the client's left acromion appears on the image's right.
        // The client's right acromion is 3 units lower (y down) over 4 across.
        let m = shoulder_obliquity(p(104.0, 100.0), p(100.0, 103.0)).unwrap();
        let expected = (3.0f64 / 4.0).atan().to_degrees();
        assert!((m.degrees - expected).abs() < EPS, "{}", m.degrees);
        assert!((expected - 36.869_897_645_844).abs() < 1e-9);
        assert_eq!(m.rounded, 36.9);
        assert_eq!(m.lower, Some(Side::Right));
        assert_eq!(m.display, "36.9° (right lower)");
        // The higher shoulder is the left one.
        assert_eq!(
            m.suggestion,
            Some(Suggestion {
                finding: "shoulder_elevated",
                side: Some(Side::Left)
            })
        );
    }

    #[test]
    fn table_of_obliquities() {
        // (left, right, signed degrees, lower)
        let cases = [
            (p(0.0, 0.0), p(10.0, 0.0), 0.0, None),
            (p(0.0, 0.0), p(10.0, 10.0), 45.0, Some(Side::Right)),
            (p(0.0, 10.0), p(10.0, 0.0), -45.0, Some(Side::Left)),
            (p(10.0, 0.0), p(0.0, 10.0), 45.0, Some(Side::Right)),
            (p(0.0, 0.0), p(0.0, 5.0), 90.0, Some(Side::Right)),
            (p(0.0, 0.0), p(4.0, -3.0), -36.869_897_645_844, Some(Side::Left)),
        ];
        for (left, right, degrees, lower) in cases {
            let m = head_tilt(HeadLine::Ears, left, right).unwrap();
            assert!((m.degrees - degrees).abs() < 1e-9, "{left:?} {right:?}: {}", m.degrees);
            assert_eq!(m.lower, lower, "{left:?} {right:?}");
        }
    }

    #[test]
    fn front_and_back_photos_agree_by_landmark_identity() {
        // Right shoulder 5 px lower. Front view: right acromion on image left.
        let front = shoulder_obliquity(p(400.0, 200.0), p(200.0, 205.0)).unwrap();
        // Back view: right acromion on image right.
        let back = shoulder_obliquity(p(200.0, 200.0), p(400.0, 205.0)).unwrap();
        assert_eq!(front.degrees, back.degrees);
        assert_eq!(front.lower, Some(Side::Right));
        assert_eq!(back.lower, Some(Side::Right));
    }

    #[test]
    fn thresholds_suggest_findings_on_the_documented_side() {
        // 2° exactly (as displayed) flags; 1.9° does not.
        let at = |deg: f64| {
            let r = deg.to_radians();
            (p(0.0, 0.0), p(100.0 * r.cos(), 100.0 * r.sin()))
        };
        let (l, r) = at(2.0);
        let m = head_tilt(HeadLine::Eyes, l, r).unwrap();
        assert_eq!(m.rounded, 2.0);
        assert_eq!(
            m.suggestion,
            Some(Suggestion {
                finding: "head_tilt",
                side: Some(Side::Right)
            }),
            "head tilts toward the lower ear"
        );
        let (l, r) = at(1.94);
        assert_eq!(head_tilt(HeadLine::Eyes, l, r).unwrap().suggestion, None);
        // 1.96° displays as 2.0° and so is flagged.
        let (l, r) = at(1.96);
        assert!(head_tilt(HeadLine::Eyes, l, r).unwrap().suggestion.is_some());
        let (l, r) = at(-3.0);
        let pelvis = pelvic_obliquity(PelvicLine::Psis, l, r).unwrap();
        assert_eq!(pelvis.lower, Some(Side::Left));
        assert_eq!(
            pelvis.suggestion,
            Some(Suggestion {
                finding: "lateral_pelvic_tilt",
                side: Some(Side::Right)
            }),
            "pelvis high on the right"
        );
        assert_eq!(pelvis.points[0].landmark, Landmark::PsisLeft);
    }

    #[test]
    fn cva_table() {
        // Tragus straight above C7: 90°.
        let m = craniovertebral_angle(Side::Right, p(100.0, 0.0), p(100.0, 80.0)).unwrap();
        assert!((m.degrees - 90.0).abs() < EPS);
        assert_eq!(m.suggestion, None);
        assert_eq!(m.display, "90.0°");
        // 45°: as far forward as up. Right profile: forward is image right.
        let m = craniovertebral_angle(Side::Right, p(150.0, 50.0), p(100.0, 100.0)).unwrap();
        assert!((m.degrees - 45.0).abs() < EPS);
        assert_eq!(
            m.suggestion,
            Some(Suggestion {
                finding: "forward_head",
                side: None
            })
        );
        assert_eq!(m.lower, None);
        // The same posture photographed from the left side.
        let m = craniovertebral_angle(Side::Left, p(50.0, 50.0), p(100.0, 100.0)).unwrap();
        assert!((m.degrees - 45.0).abs() < EPS);
        // 3-4-5: 4 up, 3 forward: atan(4/3) = 53.13°, not forward head.
        let m = craniovertebral_angle(Side::Right, p(3.0, 0.0), p(0.0, 4.0)).unwrap();
        assert!((m.degrees - 53.130_102_354_156).abs() < 1e-9);
        assert_eq!(m.rounded, 53.1);
        assert_eq!(m.suggestion, None);
        // Exactly 50.0° is not below 50°.
        let r = 50.0f64.to_radians();
        let m = craniovertebral_angle(Side::Right, p(10.0 * r.cos(), -10.0 * r.sin()), p(0.0, 0.0)).unwrap();
        assert_eq!(m.rounded, 50.0);
        assert_eq!(m.suggestion, None);
        // A tragus behind C7 (wrong profile) gives more than 90°.
        let m = craniovertebral_angle(Side::Left, p(150.0, 50.0), p(100.0, 100.0)).unwrap();
        assert!((m.degrees - 135.0).abs() < EPS);
    }

    #[test]
    fn bad_points_are_refused_naming_the_field() {
        assert_eq!(
            shoulder_obliquity(p(f64::NAN, 0.0), p(1.0, 1.0)).unwrap_err(),
            PostureError::NonFinite {
                field: "acromion_left.x".into()
            }
        );
        assert_eq!(
            head_tilt(HeadLine::Eyes, p(0.0, 0.0), p(1.0, f64::INFINITY))
                .unwrap_err()
                .field(),
            "eye_right.y"
        );
        assert_eq!(
            craniovertebral_angle(Side::Left, p(0.0, f64::NEG_INFINITY), p(1.0, 1.0))
                .unwrap_err()
                .field(),
            "ear_tragus.y"
        );
        assert_eq!(
            pelvic_obliquity(PelvicLine::Asis, p(2e9, 0.0), p(1.0, 1.0)).unwrap_err(),
            PostureError::OutOfRange {
                field: "asis_left.x".into()
            }
        );
        let same = pelvic_obliquity(PelvicLine::Asis, p(5.0, 5.0), p(5.0, 5.0)).unwrap_err();
        assert_eq!(same.field(), "asis_right");
        assert_eq!(
            same.to_string(),
            "asis_right: asis_left and asis_right are at the same point, so no line can be drawn through them"
        );
        assert_eq!(
            craniovertebral_angle(Side::Right, p(1.0, 1.0), p(1.0, 1.0))
                .unwrap_err()
                .field(),
            "ear_tragus"
        );
    }

    #[test]
    fn measure_all_measures_complete_pairs() {
        let lp = |landmark, x, y| LandmarkPoint { landmark, at: p(x, y) };
        let points = [
            lp(Landmark::AcromionLeft, 400.0, 200.0),
            lp(Landmark::AcromionRight, 200.0, 210.0),
            lp(Landmark::EarLeft, 340.0, 100.0),
            lp(Landmark::EarRight, 260.0, 100.0),
            lp(Landmark::AsisLeft, 350.0, 500.0),
        ];
        let all = measure_all(&points, None).unwrap();
        let measures: Vec<Measure> = all.iter().map(|m| m.measure).collect();
        assert_eq!(measures, vec![Measure::HeadTilt, Measure::ShoulderObliquity]);
        let side = [lp(Landmark::C7, 100.0, 100.0), lp(Landmark::EarTragus, 150.0, 50.0)];
        assert_eq!(measure_all(&side, None).unwrap_err().field(), "profile");
        let cva = measure_all(&side, Some(Side::Right)).unwrap();
        assert_eq!(cva.len(), 1);
        assert!((cva[0].degrees - 45.0).abs() < EPS);
        let twice = [lp(Landmark::C7, 1.0, 1.0), lp(Landmark::C7, 2.0, 2.0)];
        assert_eq!(measure_all(&twice, None).unwrap_err().field(), "points[1].landmark");
        assert!(measure_all(&[], None).unwrap().is_empty());
    }

    #[test]
    fn overlay_draws_the_measured_angle() {
        let m = shoulder_obliquity(p(104.0, 100.0), p(100.0, 103.0)).unwrap();
        let [line, horizontal] = overlay(&m);
        assert_eq!(line.kind, SegmentKind::Landmarks);
        assert_eq!(horizontal.kind, SegmentKind::Horizontal);
        // Vertex at the higher (left) acromion, horizontal toward the other one.
        assert_eq!(line.from, p(104.0, 100.0));
        assert_eq!(line.to, p(100.0, 103.0));
        assert_eq!(horizontal.from, p(104.0, 100.0));
        assert_eq!(horizontal.to, p(99.0, 100.0));
        let cva = craniovertebral_angle(Side::Left, p(50.0, 50.0), p(100.0, 100.0)).unwrap();
        let [line, horizontal] = overlay(&cva);
        assert_eq!(line.from, p(100.0, 100.0));
        assert_eq!(line.to, p(50.0, 50.0));
        assert_eq!(horizontal.to.y, 100.0);
        assert!(horizontal.to.x < 100.0, "forward is image left for a left profile");
        let json = serde_json::to_value(overlay(&cva)).unwrap();
        assert_eq!(json[1]["kind"], "horizontal");
        assert_eq!(json[0]["from"]["x"], 100.0);
    }

    #[test]
    fn landmarks_have_ids_labels_views_and_round_trip() {
        for landmark in Landmark::ALL {
            assert_eq!(landmark.as_str().parse::<Landmark>().unwrap(), landmark);
            assert!(crate::findings::is_snake_case(landmark.as_str()));
            assert!(!landmark.label().is_empty());
            assert!(!landmark.views().is_empty());
            assert_eq!(landmark.mirrored().mirrored(), landmark);
            assert_eq!(landmark.mirrored().side(), landmark.side().map(Side::opposite));
            let json = serde_json::to_string(&landmark).unwrap();
            assert_eq!(serde_json::from_str::<Landmark>(&json).unwrap(), landmark);
        }
        assert_eq!("c7".parse::<Landmark>().unwrap(), Landmark::C7);
        assert!("c8".parse::<Landmark>().is_err());
        let m = craniovertebral_angle(Side::Right, p(150.0, 50.0), p(100.0, 100.0)).unwrap();
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["measure"], "craniovertebral_angle");
        assert_eq!(json["points"][1]["landmark"], "ear_tragus");
        assert_eq!(json["suggestion"]["finding"], "forward_head");
        assert_eq!(json["profile"], "right");
    }

    fn coord() -> impl Strategy<Value = f64> {
        -5_000.0..5_000.0f64
    }

    fn point() -> impl Strategy<Value = Point> {
        (coord(), coord()).prop_map(|(x, y)| Point::new(x, y))
    }

    fn side() -> impl Strategy<Value = Side> {
        prop_oneof![Just(Side::Left), Just(Side::Right)]
    }

    fn distance(a: Point, b: Point) -> f64 {
        (a.x - b.x).hypot(a.y - b.y)
    }

    /// The same angle, allowing for the ±180° seam of the CVA.
    fn same_angle(a: f64, b: f64) -> bool {
        let d = (a - b).abs();
        d < 1e-6 || (d - 360.0).abs() < 1e-6
    }

    proptest! {
        #[test]
        fn translation_leaves_angles_unchanged(
            a in point(), b in point(), dx in coord(), dy in coord(), profile in side()
        ) {
            prop_assume!(distance(a, b) > 1.0);
            let moved = |q: Point| Point::new(q.x + dx, q.y + dy);
            let m = shoulder_obliquity(a, b).unwrap();
            let t = shoulder_obliquity(moved(a), moved(b)).unwrap();
            prop_assert!(same_angle(m.degrees, t.degrees), "{} vs {}", m.degrees, t.degrees);
            let c = craniovertebral_angle(profile, a, b).unwrap();
            let ct = craniovertebral_angle(profile, moved(a), moved(b)).unwrap();
            prop_assert!(same_angle(c.degrees, ct.degrees), "{} vs {}", c.degrees, ct.degrees);
        }

        #[test]
        fn uniform_scaling_leaves_angles_unchanged(
            a in point(), b in point(), k in 0.01..100.0f64, profile in side()
        ) {
            prop_assume!(distance(a, b) > 1.0);
            let scaled = |q: Point| Point::new(q.x * k, q.y * k);
            let m = pelvic_obliquity(PelvicLine::Asis, a, b).unwrap();
            let s = pelvic_obliquity(PelvicLine::Asis, scaled(a), scaled(b)).unwrap();
            prop_assert!(same_angle(m.degrees, s.degrees), "{} vs {}", m.degrees, s.degrees);
            let c = craniovertebral_angle(profile, a, b).unwrap();
            let cs = craniovertebral_angle(profile, scaled(a), scaled(b)).unwrap();
            prop_assert!(same_angle(c.degrees, cs.degrees), "{} vs {}", c.degrees, cs.degrees);
        }

        #[test]
        fn swapping_left_and_right_flips_sign_and_lower_side(a in point(), b in point()) {
            prop_assume!(a != b);
            let m = head_tilt(HeadLine::Ears, a, b).unwrap();
            let s = head_tilt(HeadLine::Ears, b, a).unwrap();
            prop_assert_eq!(m.degrees, -s.degrees);
            prop_assert_eq!(m.rounded, -s.rounded + 0.0);
            prop_assert_eq!(m.lower, s.lower.map(Side::opposite));
            prop_assert_eq!(m.suggestion.map(|x| x.finding), s.suggestion.map(|x| x.finding));
            prop_assert_eq!(
                m.suggestion.and_then(|x| x.side),
                s.suggestion.and_then(|x| x.side).map(Side::opposite)
            );
        }

        #[test]
        fn mirroring_the_photo_keeps_obliquities(a in point(), b in point()) {
            // A front photo and a back photo of the same posture are mirror
            // images; with landmark identity the angle is the same.
            prop_assume!(a != b);
            let mirror = |q: Point| Point::new(-q.x, q.y);
            let m = shoulder_obliquity(a, b).unwrap();
            let f = shoulder_obliquity(mirror(a), mirror(b)).unwrap();
            prop_assert_eq!(m.degrees, f.degrees);
            prop_assert_eq!(m.lower, f.lower);
        }

        #[test]
        fn mirroring_a_profile_photo_with_its_side_keeps_the_cva(a in point(), b in point(), profile in side()) {
            prop_assume!(a != b);
            let mirror = |q: Point| Point::new(-q.x, q.y);
            let m = craniovertebral_angle(profile, a, b).unwrap();
            let f = craniovertebral_angle(profile.opposite(), mirror(a), mirror(b)).unwrap();
            prop_assert!(same_angle(m.degrees, f.degrees), "{} vs {}", m.degrees, f.degrees);
        }

        #[test]
        fn angles_are_finite_and_in_range(
            ax in -1e9..1e9f64, ay in -1e9..1e9f64, bx in -1e9..1e9f64, by in -1e9..1e9f64, profile in side()
        ) {
            let (a, b) = (Point::new(ax, ay), Point::new(bx, by));
            prop_assume!(a != b);
            for m in [
                head_tilt(HeadLine::Ears, a, b).unwrap(),
                shoulder_obliquity(a, b).unwrap(),
                pelvic_obliquity(PelvicLine::Psis, a, b).unwrap(),
            ] {
                prop_assert!(m.degrees.is_finite() && (-90.0..=90.0).contains(&m.degrees), "{}", m.degrees);
                prop_assert!((-90.0..=90.0).contains(&m.rounded));
                prop_assert!((m.rounded - m.degrees).abs() <= 0.05 + 1e-9);
                prop_assert_eq!(m.lower.is_none(), m.rounded == 0.0);
                let [line, horizontal] = overlay(&m);
                prop_assert!(line.to.x.is_finite() && horizontal.to.x.is_finite());
            }
            let c = craniovertebral_angle(profile, a, b).unwrap();
            prop_assert!(c.degrees.is_finite() && c.degrees > -180.0 && c.degrees <= 180.0, "{}", c.degrees);
        }

        #[test]
        fn overlay_lines_share_vertex_and_length_and_show_the_angle(a in point(), b in point(), profile in side()) {
            prop_assume!(distance(a, b) > 1.0);
            for m in [shoulder_obliquity(a, b).unwrap(), craniovertebral_angle(profile, a, b).unwrap()] {
                let [line, horizontal] = overlay(&m);
                prop_assert_eq!(line.from, horizontal.from);
                prop_assert_eq!(horizontal.from.y, horizontal.to.y);
                let l1 = distance(line.from, line.to);
                let l2 = distance(horizontal.from, horizontal.to);
                prop_assert!((l1 - l2).abs() < 1e-6 * l1.max(1.0));
                let v1 = (line.to.x - line.from.x, line.to.y - line.from.y);
                let v2 = (horizontal.to.x - horizontal.from.x, horizontal.to.y - horizontal.from.y);
                let between = (v1.0 * v2.1 - v1.1 * v2.0).abs().atan2(v1.0 * v2.0 + v1.1 * v2.1).to_degrees();
                prop_assert!((between - m.degrees.abs()).abs() < 1e-6, "{} vs {}", between, m.degrees);
            }
        }
    }
}
