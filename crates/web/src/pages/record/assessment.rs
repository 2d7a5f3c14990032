//! The assessment page: the pain map on the body chart with the suggestions
//! panel, posture (checklist and photos with landmarks), muscle tone and
//! trigger-point findings. Each section saves on its own, carrying the
//! version it edits.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use myomap_clinic::ClinicError;
use myomap_clinic::photos::{self as posture_photos, Landmarks, landmarks_for, measurements, store_photo};
use myomap_clinic::suggestions::assessment_suggestions;
use myomap_clinic::vocabulary::ClinicalVocabulary;
use myomap_clinic::vocabulary::muscle_label;
use myomap_domain::record::{
    AssessmentRecord, PainMark, PainQuality, PostureObservation, Tone, ToneEntry, TriggerPointActivity,
    TriggerPointFinding,
};
use myomap_domain::{AreaSite, ValidationErrors};
use myomap_posture::{Landmark, LandmarkPoint, Point, overlay};
use myomap_store::{Actor, Assessment, PhotoMeta, StoreError};

use super::{
    Pairs, TRIGGER_POINT_IDS, muscle_options, muscle_value, parse_muscle, parse_site, site_options, store_err, value,
    values,
};
use crate::AppState;
use crate::chart::body_chart;
use crate::pages::{Layout, PageActor, PageError, render};
use crate::photos;

const TONES: [&str; 4] = ["normal", "hypertonic", "hypotonic", "spasm"];
const QUALITIES: [&str; 5] = ["aching", "sharp", "burning", "tingling", "numbness"];
const BLANK_ROWS: usize = 3;

struct MarkRow {
    area: String,
    side: String,
    label: String,
    intensity: u8,
    quality: String,
}

struct SuggestionRow {
    muscle: String,
    name: String,
    side: String,
    score: String,
    explains: String,
}

struct PostureRow {
    id: String,
    label: String,
    sided: bool,
    present: bool,
    left: bool,
    right: bool,
}

struct FindingRow {
    muscle: String,
    tp: String,
    activity: String,
    referral: bool,
    twitch: bool,
    jump: bool,
    ppt: String,
}

struct PhotoView {
    id: String,
    view: String,
    width: i64,
    height: i64,
    dot_radius: i64,
    lines: Vec<(&'static str, f64, f64, f64, f64)>,
    dots: Vec<(String, f64, f64)>,
    measurements: Vec<String>,
    landmarks: Vec<(String, &'static str, String)>,
    profile: String,
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    safety: Option<myomap_clinic::screening::SafetyBanner>,
    /// Opened by mistake and still empty: it may be deleted.
    deletable: bool,
    layout: Layout,
    id: String,
    client_id: String,
    client_name: String,
    created: String,
    created_by: String,
    csrf: String,
    version: i64,
    problem: Option<String>,
    errors: Vec<String>,
    chart: String,
    marks: Vec<MarkRow>,
    qualities: [&'static str; 5],
    sites: &'static [(String, String)],
    suggestions: Vec<SuggestionRow>,
    explaining_set: String,
    posture_muscles: Vec<(String, String, String)>,
    posture: Vec<PostureRow>,
    notes: String,
    photos: Vec<PhotoView>,
    tone_rows: Vec<(String, String)>,
    tones: [&'static str; 4],
    muscle_options: &'static [(String, String)],
    finding_rows: Vec<FindingRow>,
    tp_options: [&'static str; 5],
}

fn intensity_class(intensity: u8) -> &'static str {
    const CLASSES: [&str; 11] = [
        "marked intensity-0",
        "marked intensity-1",
        "marked intensity-2",
        "marked intensity-3",
        "marked intensity-4",
        "marked intensity-5",
        "marked intensity-6",
        "marked intensity-7",
        "marked intensity-8",
        "marked intensity-9",
        "marked intensity-10",
    ];
    CLASSES[usize::from(intensity.min(10))]
}

fn photo_view(meta: &PhotoMeta) -> PhotoView {
    let stored: Landmarks = serde_json::from_value(meta.landmarks.clone()).unwrap_or_default();
    let placed: HashMap<Landmark, Point> = stored.points.iter().map(|p| (p.landmark, p.at)).collect();
    let measured = measurements(meta);
    let lines = measured
        .iter()
        .flat_map(|m| overlay(m).into_iter())
        .map(|s| {
            let class = match s.kind {
                myomap_posture::SegmentKind::Landmarks => "measure",
                myomap_posture::SegmentKind::Horizontal => "reference",
            };
            (class, s.from.x, s.from.y, s.to.x, s.to.y)
        })
        .collect();
    PhotoView {
        id: meta.id.clone(),
        view: meta.view.clone(),
        width: meta.width,
        height: meta.height,
        dot_radius: (meta.width.max(meta.height) / 120).max(3),
        lines,
        dots: stored
            .points
            .iter()
            .map(|p| (p.landmark.as_str().to_owned(), p.at.x, p.at.y))
            .collect(),
        measurements: measured
            .iter()
            .map(|m| format!("{}: {}", m.measure.label(), m.display))
            .collect(),
        landmarks: landmarks_for(&meta.view)
            .into_iter()
            .map(|l| {
                let at = placed
                    .get(&l)
                    .map(|p| format!("{:.1},{:.1}", p.x, p.y))
                    .unwrap_or_default();
                (l.as_str().to_owned(), l.label(), at)
            })
            .collect(),
        profile: stored.profile.map(|s| s.as_str().to_owned()).unwrap_or_default(),
    }
}

async fn page(
    state: &AppState,
    actor: &Actor,
    assessment: &Assessment,
    record: &AssessmentRecord,
    errors: &ValidationErrors,
    problem: Option<String>,
) -> Result<Response, PageError> {
    page_with_notice(state, actor, assessment, record, errors, problem, None).await
}

async fn page_with_notice(
    state: &AppState,
    actor: &Actor,
    assessment: &Assessment,
    record: &AssessmentRecord,
    errors: &ValidationErrors,
    problem: Option<String>,
    notice: Option<String>,
) -> Result<Response, PageError> {
    let scope = state.store.clinic(actor);
    let client = scope
        .get_client(assessment.client_id)
        .await
        .map_err(|e| PageError::from((e, actor)))?;
    let photos = scope
        .photos(&assessment.id)
        .await
        .map_err(|e| PageError::from((e, actor)))?;
    let safety = myomap_clinic::screening::safety_banner_for(&scope, assessment.client_id)
        .await
        .map_err(|e| PageError::from((e, actor)))?;
    let shown = myomap_clinic::presenter::Presenter::of(&scope, actor)
        .await
        .map_err(|e| PageError::from((e, actor)))?;
    let marked: HashMap<AreaSite, u8> = record.pain_map.iter().map(|m| (m.site, m.intensity)).collect();
    let suggestions = assessment_suggestions(record);
    let observed: HashSet<(String, Option<myomap_domain::Side>)> =
        record.posture.iter().map(|o| (o.finding.clone(), o.side)).collect();
    let mut tone_rows: Vec<(String, String)> = record
        .tone
        .iter()
        .map(|t| {
            (
                muscle_value(&t.muscle, t.side),
                serde_json::to_value(t.tone)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
            )
        })
        .collect();
    tone_rows.extend(std::iter::repeat_n((String::new(), "normal".to_owned()), BLANK_ROWS));
    let mut finding_rows: Vec<FindingRow> = record
        .findings
        .iter()
        .map(|f| FindingRow {
            muscle: muscle_value(&f.muscle, f.side),
            tp: f.trigger_point.clone(),
            activity: if f.activity == TriggerPointActivity::Active {
                "active"
            } else {
                "latent"
            }
            .to_owned(),
            referral: f.referral_reproduced,
            twitch: f.local_twitch,
            jump: f.jump_sign,
            ppt: f.ppt_kg_cm2.map(|p| format!("{p}")).unwrap_or_default(),
        })
        .collect();
    finding_rows.extend((0..BLANK_ROWS).map(|_| FindingRow {
        muscle: String::new(),
        tp: "tp1".into(),
        activity: "active".into(),
        referral: false,
        twitch: false,
        jump: false,
        ppt: String::new(),
    }));
    let status = if errors.is_empty() && problem.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = AssessmentPage {
        safety,
        deletable: assessment.record.is_empty() && photos.is_empty(),
        layout: {
            let mut layout = Layout::signed_in(actor, "clients");
            layout.notice = notice;
            layout
        },
        id: assessment.id.clone(),
        client_id: assessment.client_id.to_string(),
        client_name: client.full_name(),
        created: shown.date(assessment.created_at),
        created_by: shown.person(&assessment.created_by),
        csrf: actor.csrf_token.clone(),
        version: assessment.version,
        problem: problem.or_else(|| {
            (!errors.is_empty()).then(|| "Some entries need attention; that section was not saved.".to_owned())
        }),
        errors: errors.0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect(),
        chart: body_chart().render(|site| marked.get(&site).map(|&i| intensity_class(i))),
        marks: record
            .pain_map
            .iter()
            .map(|m| MarkRow {
                area: m.site.area().as_str().to_owned(),
                side: m.site.side().map(|s| s.as_str().to_owned()).unwrap_or_default(),
                label: m.site.label(),
                intensity: m.intensity,
                quality: m.quality.as_str().to_owned(),
            })
            .collect(),
        qualities: QUALITIES,
        sites: site_options(),
        suggestions: suggestions
            .pain_map
            .suggestions
            .iter()
            .map(|s| SuggestionRow {
                muscle: s.muscle.to_owned(),
                name: muscle_label(s.muscle, s.side),
                side: s.side.map(|side| side.as_str().to_owned()).unwrap_or_default(),
                score: format!("{:.2}", s.score),
                explains: s
                    .explains
                    .iter()
                    .map(|e| e.area.area().label.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
        explaining_set: suggestions
            .pain_map
            .explaining_set
            .iter()
            .map(|id| muscle_label(id, None))
            .collect::<Vec<_>>()
            .join(", "),
        posture_muscles: suggestions
            .posture
            .iter()
            .map(|m| {
                (
                    m.muscle.to_owned(),
                    muscle_label(m.muscle, m.side),
                    m.findings.join(", ").replace('_', " "),
                )
            })
            .collect(),
        posture: myomap_posture::findings()
            .iter()
            .map(|f| PostureRow {
                id: f.id.clone(),
                label: f.label.clone(),
                sided: f.sided,
                present: observed.contains(&(f.id.clone(), None)),
                left: observed.contains(&(f.id.clone(), Some(myomap_domain::Side::Left))),
                right: observed.contains(&(f.id.clone(), Some(myomap_domain::Side::Right))),
            })
            .collect(),
        notes: record.notes.clone(),
        photos: photos.iter().map(photo_view).collect(),
        tone_rows,
        tones: TONES,
        muscle_options: muscle_options(),
        finding_rows,
        tp_options: TRIGGER_POINT_IDS,
    };
    Ok(render(status, &page))
}

pub async fn create(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let client = id
        .parse()
        .map_err(|_| PageError::store(StoreError::NotFound("client"), Some(&actor)))?;
    let assessment = state
        .store
        .clinic(&actor)
        .create_assessment(client, &AssessmentRecord::default())
        .await
        .map_err(store_err(&actor))?;
    Ok(Redirect::to(&format!("/assessments/{}", assessment.id)).into_response())
}

#[derive(serde::Deserialize)]
pub struct ShowParams {
    /// The sections just saved (`pain-map,tone`), confirmed on the page.
    #[serde(default)]
    saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    axum::extract::Query(params): axum::extract::Query<ShowParams>,
) -> Result<Response, PageError> {
    let assessment = state
        .store
        .clinic(&actor)
        .get_assessment(&id)
        .await
        .map_err(store_err(&actor))?;
    let saved: Vec<Section> = params
        .saved
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter_map(Section::parse)
        .collect();
    let notice = (!saved.is_empty()).then(|| saved_notice(&saved));
    page_with_notice(
        &state,
        &actor,
        &assessment,
        &assessment.record.clone(),
        &ValidationErrors::default(),
        None,
        notice,
    )
    .await
}

/// "Saved: pain map and muscle tone."
fn saved_notice(sections: &[Section]) -> String {
    let labels: Vec<&str> = sections.iter().map(|s| s.label()).collect();
    let list = match labels.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [first @ .., last] => format!("{} and {last}", first.join(", ")),
    };
    format!("Saved: {list}.")
}

/// Deletes an assessment that was opened by mistake and is still empty.
pub async fn delete(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let version = value(&pairs, "version").parse::<i64>().unwrap_or(-1);
    let scope = state.store.clinic(&actor);
    match scope.delete_empty_assessment(&id, version).await {
        Ok(client) => Ok(Redirect::to(&format!("/clients/{client}")).into_response()),
        Err(StoreError::Conflict(message)) => {
            let assessment = scope.get_assessment(&id).await.map_err(store_err(&actor))?;
            page(
                &state,
                &actor,
                &assessment,
                &assessment.record.clone(),
                &ValidationErrors::default(),
                Some(message),
            )
            .await
        }
        Err(e) => Err(store_err(&actor)(e)),
    }
}

/// The parts of the assessment page with a form each. A form saves its own
/// section; the page's script sends every section with unsaved edits in one
/// post (`/assessments/{id}/save`), so saving one never drops the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    PainMap,
    Posture,
    Tone,
    Findings,
}

impl Section {
    const ALL: [Section; 4] = [Section::PainMap, Section::Posture, Section::Tone, Section::Findings];

    fn id(self) -> &'static str {
        match self {
            Section::PainMap => "pain-map",
            Section::Posture => "posture",
            Section::Tone => "tone",
            Section::Findings => "findings",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Section::PainMap => "pain map",
            Section::Posture => "posture",
            Section::Tone => "muscle tone",
            Section::Findings => "trigger-point findings",
        }
    }

    fn parse(s: &str) -> Option<Section> {
        Self::ALL.into_iter().find(|section| section.id() == s)
    }

    fn apply(self, record: &mut AssessmentRecord, pairs: &Pairs, errors: &mut ValidationErrors) {
        match self {
            Section::PainMap => record.pain_map = read_pain_map(pairs, errors),
            Section::Posture => read_posture(record, pairs),
            Section::Tone => record.tone = read_tone(pairs),
            Section::Findings => record.findings = read_findings(pairs, errors),
        }
    }
}

/// Saves the sections the page's script gathered, in one version step.
pub async fn save_sections(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let mut sections: Vec<Section> = Vec::new();
    for name in values(&pairs, "section") {
        match Section::parse(name) {
            Some(section) if !sections.contains(&section) => sections.push(section),
            Some(_) => {}
            None => {
                return Err(store_err(&actor)(StoreError::Invalid({
                    let mut errors = ValidationErrors::default();
                    errors.add("section", format!("\"{name}\" is not a part of the assessment"));
                    errors
                })));
            }
        }
    }
    if sections.is_empty() {
        let mut errors = ValidationErrors::default();
        errors.add("section", "name at least one part of the assessment to save");
        return Err(store_err(&actor)(StoreError::Invalid(errors)));
    }
    save_section(&state, &actor, &id, &pairs, &sections).await
}

/// Applies the sections' changes and saves, or shows the page again with
/// the typed entries and what is wrong.
async fn save_section(
    state: &AppState,
    actor: &Actor,
    id: &str,
    pairs: &Pairs,
    sections: &[Section],
) -> Result<Response, PageError> {
    let scope = state.store.clinic(actor);
    let current = scope.get_assessment(id).await.map_err(store_err(actor))?;
    let mut record = current.record.clone();
    let mut errors = ValidationErrors::default();
    for section in sections {
        section.apply(&mut record, pairs, &mut errors);
    }
    if errors.is_empty()
        && let Err(more) = record.validate(&ClinicalVocabulary)
    {
        errors = more;
    }
    if !errors.is_empty() {
        return page(state, actor, &current, &record, &errors, None).await;
    }
    let version = value(pairs, "version").parse::<i64>().unwrap_or(-1);
    match scope.update_assessment(id, version, &record).await {
        Ok(_) => {
            let saved: Vec<&str> = sections.iter().map(|s| s.id()).collect();
            let anchor = sections.first().map_or("pain-map", |s| s.id());
            Ok(Redirect::to(&format!("/assessments/{id}?saved={}#{anchor}", saved.join(","))).into_response())
        }
        Err(StoreError::Conflict(m)) => {
            page(state, actor, &current, &record, &ValidationErrors::default(), Some(m)).await
        }
        Err(e) => Err(PageError::from((e, actor))),
    }
}

fn quality(s: &str) -> Option<PainQuality> {
    PainQuality::ALL.into_iter().find(|q| q.as_str() == s)
}

fn read_pain_map(pairs: &Pairs, errors: &mut ValidationErrors) -> Vec<PainMark> {
    let (areas, sides, intensities, qualities) = (
        values(pairs, "area"),
        values(pairs, "side"),
        values(pairs, "intensity"),
        values(pairs, "quality"),
    );
    let mut marks = Vec::new();
    for (i, area) in areas.iter().enumerate() {
        let side = sides.get(i).copied().filter(|s| !s.is_empty());
        let site = match AreaSite::parse(area, side) {
            Ok(site) => site,
            Err(e) => {
                errors.add(format!("pain_map[{i}]"), e.to_string());
                continue;
            }
        };
        let intensity = intensities
            .get(i)
            .and_then(|v| v.trim().parse::<u8>().ok())
            .filter(|v| *v <= 10);
        let Some(intensity) = intensity else {
            errors.add(
                format!("pain_map[{i}].intensity"),
                format!("{}: intensity must be a whole number from 0 to 10", site.label()),
            );
            continue;
        };
        let quality = qualities.get(i).and_then(|q| quality(q)).unwrap_or(PainQuality::Aching);
        marks.push(PainMark {
            site,
            intensity,
            quality,
        });
    }
    if value(pairs, "action") == "add" {
        let added = value(pairs, "add_site");
        match (
            parse_site(added),
            value(pairs, "add_intensity")
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|v| *v <= 10),
        ) {
            (None, _) => errors.add("add_site", "choose an area to add"),
            (_, None) => errors.add("add_intensity", "intensity must be a whole number from 0 to 10"),
            (Some(site), Some(intensity)) => {
                marks.retain(|m| m.site != site);
                marks.push(PainMark {
                    site,
                    intensity,
                    quality: quality(value(pairs, "add_quality")).unwrap_or(PainQuality::Aching),
                });
            }
        }
    }
    marks
}

pub async fn save_pain_map(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    save_section(&state, &actor, &id, &pairs, &[Section::PainMap]).await
}

pub async fn save_posture(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    save_section(&state, &actor, &id, &pairs, &[Section::Posture]).await
}

pub async fn save_tone(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    save_section(&state, &actor, &id, &pairs, &[Section::Tone]).await
}

pub async fn save_findings(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    save_section(&state, &actor, &id, &pairs, &[Section::Findings]).await
}

fn read_posture(record: &mut AssessmentRecord, pairs: &Pairs) {
    record.posture = values(pairs, "finding")
        .into_iter()
        .map(|v| {
            let (finding, side) = parse_muscle(v);
            PostureObservation { finding, side }
        })
        .collect();
    record.notes = value(pairs, "notes").to_owned();
}

fn tone(s: &str) -> Tone {
    match s {
        "hypertonic" => Tone::Hypertonic,
        "hypotonic" => Tone::Hypotonic,
        "spasm" => Tone::Spasm,
        _ => Tone::Normal,
    }
}

fn read_tone(pairs: &Pairs) -> Vec<ToneEntry> {
    let tones = values(pairs, "tone_value");
    values(pairs, "tone_muscle")
        .into_iter()
        .enumerate()
        .filter(|(_, m)| !m.is_empty())
        .map(|(i, m)| {
            let (muscle, side) = parse_muscle(m);
            ToneEntry {
                muscle,
                side,
                tone: tone(tones.get(i).copied().unwrap_or("normal")),
            }
        })
        .collect()
}

fn read_findings(pairs: &Pairs, errors: &mut ValidationErrors) -> Vec<TriggerPointFinding> {
    let column = |key: &str| values(pairs, key);
    let (tps, activity, referral, twitch, jump, ppt) = (
        column("f_tp"),
        column("f_activity"),
        column("f_referral"),
        column("f_twitch"),
        column("f_jump"),
        column("f_ppt"),
    );
    let yes = |c: &Vec<&str>, i: usize| c.get(i).is_some_and(|v| *v == "yes");
    column("f_muscle")
        .into_iter()
        .enumerate()
        .filter(|(_, m)| !m.is_empty())
        .map(|(i, m)| {
            let (muscle, side) = parse_muscle(m);
            let ppt_text = ppt.get(i).map_or("", |p| p.trim()).replace(',', ".");
            let ppt_kg_cm2 = if ppt_text.is_empty() {
                None
            } else {
                let parsed = ppt_text.parse::<f64>().ok();
                if parsed.is_none() {
                    errors.add(
                        format!("findings[{i}].ppt_kg_cm2"),
                        format!("\"{ppt_text}\" is not a number"),
                    );
                }
                parsed
            };
            TriggerPointFinding {
                muscle,
                trigger_point: tps.get(i).copied().unwrap_or("tp1").to_owned(),
                side,
                activity: if activity.get(i).copied() == Some("latent") {
                    TriggerPointActivity::Latent
                } else {
                    TriggerPointActivity::Active
                },
                referral_reproduced: yes(&referral, i),
                local_twitch: yes(&twitch, i),
                jump_sign: yes(&jump, i),
                ppt_kg_cm2,
            }
        })
        .collect()
}

pub async fn upload_photo(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let mut view = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let refused = |message: String| {
        crate::pages::error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            Layout::signed_in(&actor, "clients"),
            "Photo not accepted",
            &message,
        )
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Ok(refused(format!("The upload could not be read: {}", e.body_text()))),
        };
        match field.name() {
            Some("view") => view = field.text().await.unwrap_or_default(),
            Some("photo") => {
                let content_type = field.content_type().unwrap_or_default().to_owned();
                match field.bytes().await {
                    Ok(bytes) => file = Some((content_type, bytes.to_vec())),
                    Err(e) => return Ok(refused(format!("The upload could not be read: {}", e.body_text()))),
                }
            }
            _ => {}
        }
    }
    let Some((content_type, bytes)) = file else {
        return Ok(refused("Choose a photo to upload.".into()));
    };
    match store_photo(&state.store, &actor, &id, &view, &content_type, &bytes).await {
        Ok(_) => Ok(Redirect::to(&format!("/assessments/{id}#posture")).into_response()),
        Err(e @ ClinicError::Internal(_)) => Err(PageError::from((e, &actor))),
        Err(refusal) => Ok(refused(refusal.to_string())),
    }
}

pub async fn photo(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path((_, photo)): Path<(String, String)>,
) -> Response {
    match photos::image_response(&state, &actor, &photo).await {
        Ok(response) => response,
        Err(problem) => (problem.status, problem.detail).into_response(),
    }
}

pub async fn save_landmarks(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path((id, photo)): Path<(String, String)>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, PageError> {
    let mut points = Vec::new();
    for (key, raw) in &pairs {
        let Some(name) = key.strip_prefix("lm_") else { continue };
        if raw.trim().is_empty() {
            continue;
        }
        let landmark: Option<Landmark> = name.parse().ok();
        let at = raw
            .split_once(',')
            .and_then(|(x, y)| Some(Point::new(x.trim().parse().ok()?, y.trim().parse().ok()?)));
        if let (Some(landmark), Some(at)) = (landmark, at) {
            points.push(LandmarkPoint { landmark, at });
        } else {
            let message = format!("The landmark \"{name}\" has an unreadable position \"{raw}\".");
            return Ok(crate::pages::error_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                Layout::signed_in(&actor, "clients"),
                "Landmarks not saved",
                &message,
            ));
        }
    }
    let profile = value(&pairs, "profile").parse().ok();
    match posture_photos::save_landmarks(&state.store, &actor, &photo, &Landmarks { points, profile }).await {
        Ok(_) => Ok(Redirect::to(&format!("/assessments/{id}#posture")).into_response()),
        Err(ClinicError::Invalid(errors)) => Ok(crate::pages::error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            Layout::signed_in(&actor, "clients"),
            "Landmarks not saved",
            &errors.to_string(),
        )),
        Err(e) => Err(PageError::from((e, &actor))),
    }
}
