//! Posture photos: checked uploads, landmarks placed by the therapist, and
//! the angles the posture crate computes from them.

use myomap_domain::{Side, ValidationErrors};
use myomap_posture::{Landmark, LandmarkPoint, Measurement, PhotoView, measure_all};
use myomap_store::{Actor, MAX_PHOTO_BYTES, PhotoMeta, Store};
use serde::{Deserialize, Serialize};

use crate::ClinicError;

const ACCEPTED_TYPES: [(&str, imagesize::ImageType); 3] = [
    ("image/jpeg", imagesize::ImageType::Jpeg),
    ("image/png", imagesize::ImageType::Png),
    ("image/webp", imagesize::ImageType::Webp),
];

pub fn parse_view(view: &str) -> Result<PhotoView, ClinicError> {
    PhotoView::ALL
        .into_iter()
        .find(|v| v.as_str() == view)
        .ok_or_else(|| ClinicError::field("view", format!("must be front, back or side, not \"{view}\"")))
}

/// An upload that passed [`check_photo`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckedPhoto {
    pub view: PhotoView,
    pub content_type: &'static str,
    pub dimensions: (i64, i64),
}

/// Checks an upload from outside: the view, the declared type, the size and
/// that the bytes really are an image of the declared type. Every refusal
/// names the field at fault (`view`, `content_type` or `photo`).
pub fn check_photo(view: &str, content_type: &str, bytes: &[u8]) -> Result<CheckedPhoto, ClinicError> {
    let view = parse_view(view)?;
    let declared = content_type.split(';').next().unwrap_or_default().trim();
    let Some(&(mime, kind)) = ACCEPTED_TYPES.iter().find(|(mime, _)| *mime == declared) else {
        return Err(ClinicError::UnsupportedType(ValidationErrors::single(
            "content_type",
            format!("a posture photo must be JPEG, PNG or WebP, not \"{declared}\""),
        )));
    };
    if bytes.is_empty() {
        return Err(ClinicError::field("photo", "is empty"));
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(ClinicError::TooLarge(ValidationErrors::single(
            "photo",
            format!("a photo may be at most {} MB", MAX_PHOTO_BYTES / (1024 * 1024)),
        )));
    }
    if imagesize::image_type(bytes).ok() != Some(kind) {
        return Err(ClinicError::field(
            "photo",
            format!("the file is not a valid {mime} image"),
        ));
    }
    let size = imagesize::blob_size(bytes).map_err(|_| ClinicError::field("photo", "the image size cannot be read"))?;
    let dimensions = (
        i64::try_from(size.width).unwrap_or(0),
        i64::try_from(size.height).unwrap_or(0),
    );
    if dimensions.0 < 50 || dimensions.1 < 50 {
        return Err(ClinicError::field("photo", "is smaller than 50 × 50 pixels"));
    }
    Ok(CheckedPhoto {
        view,
        content_type: mime,
        dimensions,
    })
}

/// Checks the bytes really are an image of the declared type and stores them.
pub async fn store_photo(
    store: &Store,
    actor: &Actor,
    assessment_id: &str,
    view: &str,
    content_type: &str,
    bytes: &[u8],
) -> Result<PhotoMeta, ClinicError> {
    let photo = check_photo(view, content_type, bytes)?;
    Ok(store
        .clinic(actor)
        .add_photo(
            assessment_id,
            photo.view.as_str(),
            photo.content_type,
            photo.dimensions,
            bytes,
        )
        .await?)
}

/// Landmarks as placed, in image pixels. Each landmark once, of those the
/// photo's view takes, inside the image; a side view with points needs
/// `profile`. (The API documents it with a mirror in its OpenAPI schemas.)
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Landmarks {
    pub points: Vec<LandmarkPoint>,
    /// Side view: the client's side facing the camera.
    #[serde(default)]
    pub profile: Option<Side>,
}

pub fn landmarks_for(view: &str) -> Vec<Landmark> {
    let Ok(view) = parse_view(view) else {
        return Vec::new();
    };
    Landmark::ALL
        .into_iter()
        .filter(|l| l.views().contains(&view))
        .collect()
}

/// The angles measured from a photo's stored landmarks; landmarks this
/// version cannot read measure nothing rather than fail the page.
pub fn measurements(meta: &PhotoMeta) -> Vec<Measurement> {
    let body: Landmarks = serde_json::from_value(meta.landmarks.clone()).unwrap_or_default();
    measure_all(&body.points, body.profile).unwrap_or_default()
}

/// Validates the landmarks against the photo (known for its view, inside the
/// image, each once, profile for side views) and stores them.
pub async fn save_landmarks(
    store: &Store,
    actor: &Actor,
    photo_id: &str,
    body: &Landmarks,
) -> Result<PhotoMeta, ClinicError> {
    let scope = store.clinic(actor);
    let photos_of = scope.photos_by_id(photo_id).await?;
    let allowed = landmarks_for(&photos_of.view);
    let mut seen = Vec::new();
    for (i, point) in body.points.iter().enumerate() {
        if !allowed.contains(&point.landmark) {
            return Err(ClinicError::field(
                &format!("points[{i}].landmark"),
                format!(
                    "\"{}\" is not placed on a {} photo",
                    point.landmark.as_str(),
                    photos_of.view
                ),
            ));
        }
        if seen.contains(&point.landmark) {
            return Err(ClinicError::field(
                &format!("points[{i}].landmark"),
                format!("\"{}\" is placed twice", point.landmark.as_str()),
            ));
        }
        seen.push(point.landmark);
        let inside = |v: f64, max: i64| v.is_finite() && v >= 0.0 && v <= max as f64;
        if !inside(point.at.x, photos_of.width) || !inside(point.at.y, photos_of.height) {
            return Err(ClinicError::field(
                &format!("points[{i}].at"),
                format!("lies outside the {} × {} photo", photos_of.width, photos_of.height),
            ));
        }
    }
    if photos_of.view == "side" && !body.points.is_empty() && body.profile.is_none() {
        return Err(ClinicError::field(
            "profile",
            "say which side of the client faces the camera (left or right)",
        ));
    }
    measure_all(&body.points, body.profile).map_err(|e| ClinicError::field("points", e.to_string()))?;
    let value = serde_json::to_value(body).map_err(|e| ClinicError::Internal(e.to_string()))?;
    Ok(scope.set_landmarks(photo_id, &value).await?)
}

#[cfg(test)]
mod upload_fuzz {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use proptest::prelude::*;

    use super::*;

    const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

    /// A PNG header claiming `width` × `height`, followed by junk: enough for
    /// the type and size checks, whatever the rest is.
    fn png_header(width: u32, height: u32, tail: &[u8]) -> Vec<u8> {
        let mut bytes = PNG_SIGNATURE.to_vec();
        bytes.extend_from_slice(&13u32.to_be_bytes());
        bytes.extend_from_slice(b"IHDR");
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        bytes.extend_from_slice(tail);
        bytes
    }

    fn refusal_names_a_field(refusal: &ClinicError) -> Result<(), TestCaseError> {
        let errors = match refusal {
            ClinicError::Invalid(errors) | ClinicError::UnsupportedType(errors) | ClinicError::TooLarge(errors) => {
                errors
            }
            other => return Err(TestCaseError::fail(format!("not a refusal of the input: {other:?}"))),
        };
        prop_assert!(!errors.is_empty());
        for error in &errors.0 {
            prop_assert!(
                ["view", "content_type", "photo"].contains(&error.field.as_str()),
                "{}",
                error.field
            );
            prop_assert!(!error.message.is_empty());
        }
        Ok(())
    }

    proptest! {
        /// Any view, declared type and bytes: an answer, never a panic, and
        /// a refusal names the field at fault.
        #[test]
        fn any_upload_is_accepted_or_refused_naming_the_field(
            view in prop_oneof![Just("front".to_owned()), Just("side".to_owned()), "\\PC{0,8}"],
            content_type in prop_oneof![
                Just("image/png".to_owned()),
                Just("image/jpeg".to_owned()),
                Just("image/webp; q=1".to_owned()),
                "\\PC{0,24}",
            ],
            bytes in prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..256),
                (0u32..5000, 0u32..5000, proptest::collection::vec(any::<u8>(), 0..64))
                    .prop_map(|(w, h, tail)| png_header(w, h, &tail)),
                proptest::collection::vec(any::<u8>(), 0..64).prop_map(|tail| [b"\xff\xd8\xff".as_slice(), &tail].concat()),
                proptest::collection::vec(any::<u8>(), 0..64).prop_map(|tail| [b"RIFF\0\0\0\0WEBPVP8 ".as_slice(), &tail].concat()),
            ],
        ) {
            match check_photo(&view, &content_type, &bytes) {
                Ok(photo) => {
                    prop_assert!(photo.dimensions.0 >= 50 && photo.dimensions.1 >= 50);
                    prop_assert!(content_type.starts_with(photo.content_type));
                }
                Err(refusal) => refusal_names_a_field(&refusal)?,
            }
        }
    }

    #[test]
    fn a_large_enough_png_is_accepted_and_a_lie_about_its_type_is_not() {
        let png = png_header(640, 480, &[]);
        let accepted = check_photo("front", "image/png", &png).unwrap();
        assert_eq!(accepted.dimensions, (640, 480));
        match check_photo("front", "image/jpeg", &png) {
            Err(ClinicError::Invalid(errors)) => assert_eq!(errors.0[0].field, "photo"),
            other => panic!("a PNG declared as JPEG is refused, not {other:?}"),
        }
        match check_photo("front", "text/html", &png) {
            Err(ClinicError::UnsupportedType(errors)) => assert_eq!(errors.0[0].field, "content_type"),
            other => panic!("HTML is not a photo, not {other:?}"),
        }
        let too_big = vec![0u8; MAX_PHOTO_BYTES + 1];
        assert!(matches!(
            check_photo("front", "image/png", &too_big),
            Err(ClinicError::TooLarge(_))
        ));
    }
}
