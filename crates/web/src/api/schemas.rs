//! Shapes of the API's JSON, for the OpenAPI document only.
//!
//! The handlers build most answers with `serde_json::json!` and read some
//! bodies straight into domain types of other crates, which know nothing of
//! OpenAPI. The types here describe those shapes and are never built; the
//! tests in `openapi.rs` check real output of the JSON helpers (and the
//! domain types' own serialisation) against them, so a shape that drifts
//! fails a test instead of misleading a reader.
#![allow(dead_code)]

use utoipa::{ToResponse, ToSchema};

use crate::error::Problem;

// ------------------------------------------------------------ problems

/// One input that is wrong: the field, named by its path in the request body
/// (`date_of_birth`, `areas[2].side`, `note.treated[0].muscle`), and what is
/// wrong with it.
#[derive(ToSchema)]
pub struct FieldError {
    field: String,
    message: String,
}

/// The body or query string is not understood: malformed JSON, or a query
/// string that does not parse.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct BadRequest(Problem);

/// Not signed in, or the session has expired or been signed out.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("WWW-Authenticate" = String, description = "Always `Bearer`."))
)]
pub struct Unauthorized(Problem);

/// The caller's role may not do this (front desk reading the clinical
/// record), or a cookie-authenticated change came without the right
/// `X-CSRF-Token` header.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Forbidden(Problem);

/// No such record in the caller's clinic (another clinic's record answers the
/// same), or no such link, muscle or instrument.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct NotFound(Problem);

/// The change conflicts with the record as it is now: the `version` sent is
/// stale, or the step was already taken (signed, answered, amended).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Conflict(Problem);

/// The client link has been used up or has expired, or what it opened has
/// already been reviewed.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Gone(Problem);

/// The body is larger than the server accepts: 64 KiB for JSON bodies, 8 MiB
/// for a posture photo.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct PayloadTooLarge(Problem);

/// The body is not of an accepted type: JSON bodies need
/// `Content-Type: application/json`, photos must be JPEG, PNG or WebP.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct UnsupportedMediaType(Problem);

/// Well-formed input that breaks a rule (a wrong type, an unknown or missing
/// field, a value out of range); `errors` names every field at fault.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct InvalidInput(Problem);

/// Too many failed sign-ins for this account or address; try again later.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("Retry-After" = u64, description = "Seconds until a sign-in is accepted again."))
)]
pub struct TooManyRequests(Problem);

// ------------------------------------------------------- shared pieces

/// An image's bytes, as uploaded.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct Image(Vec<u8>);

/// A side of the body, the client's own.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum Side {
    Left,
    Right,
}

/// A body area, with its side for sided areas (`side` is required for sided
/// areas and refused for midline ones). Area ids are those of the shared body
/// chart, e.g. `head.temple`, `chest.sternum`.
#[derive(ToSchema)]
pub struct AreaSite {
    #[schema(example = "leg.calf")]
    area: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    side: Option<Side>,
}

/// A staff role.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Therapist,
    FrontDesk,
}

// ---------------------------------------------------- request mirrors

/// One place on a pain map: an area, its side for sided areas, and an
/// intensity from 1 to 10 (5 when left out).
#[derive(ToSchema)]
pub struct PainEntry {
    #[schema(example = "head.temple")]
    area: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    side: Option<Side>,
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10)]
    intensity: Option<u8>,
}

/// A point on a photo in image pixels: `x` to the right, `y` down.
#[derive(ToSchema)]
pub struct Point {
    x: f64,
    y: f64,
}

/// A landmark placed on a posture photo. Landmark ids are snake_case, e.g.
/// `ear_left`, `acromion_right`; which ones a photo takes depends on its view.
#[derive(ToSchema)]
pub struct LandmarkPoint {
    #[schema(example = "ear_left")]
    landmark: String,
    at: Point,
}

/// A posture photo's view.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum PhotoView {
    Front,
    Back,
    Side,
}

/// What a client tells about themselves before the first session. Free text
/// is limited to 4000 characters (200 for `occupation` and `sport`).
#[derive(ToSchema)]
pub struct IntakeForm {
    /// Presenting conditions, from `neck_pain`, `back_pain`, `sciatica`,
    /// `shoulder_arm`, `carpal_tunnel`, `tmj`, `fibromyalgia`,
    /// `sports_lower_limb`, `headache`; they decide the suggested outcome measures.
    #[serde(default)]
    conditions: Vec<String>,
    /// Required: must not be blank.
    reason_for_visit: String,
    #[serde(default)]
    complaint_history: String,
    #[serde(default)]
    surgeries_and_injuries: String,
    #[serde(default)]
    medications: String,
    #[serde(default)]
    occupation: String,
    #[serde(default)]
    long_sitting: bool,
    #[serde(default)]
    repetitive_tasks: bool,
    #[serde(default)]
    sport: String,
    #[serde(default)]
    goals: String,
}

/// One screening question answered yes, with the body areas it names when
/// the question asks for them.
#[derive(ToSchema)]
pub struct ScreeningAnswer {
    /// A question id from `GET /api/v1/screening/questions`.
    #[schema(example = "recent_fracture_or_surgery")]
    question: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sites: Vec<AreaSite>,
}

/// The screening questions answered yes; questions not listed were answered
/// no. A follow-up question is answered only with the question it follows.
#[derive(ToSchema)]
pub struct ScreeningAnswers {
    answers: Vec<ScreeningAnswer>,
}

/// A client's answer to a soreness check-in after a session.
#[derive(ToSchema)]
pub struct CheckinAnswer {
    /// 0 (none) to 10.
    #[schema(minimum = 0, maximum = 10)]
    soreness: u8,
    /// Where it is sore; at most 50 areas.
    #[serde(default)]
    areas: Vec<AreaSite>,
    #[serde(default)]
    numbness: bool,
    #[serde(default)]
    bruising: bool,
    #[serde(default)]
    sharp_pain: bool,
    /// At most 2000 characters.
    #[serde(default)]
    comment: String,
}

/// How a pain feels.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum PainQuality {
    Aching,
    Sharp,
    Burning,
    Tingling,
    Numbness,
}

/// One place of an assessment's pain map: intensity 0 to 10 (0 = marked, no
/// pain now), each place once.
#[derive(ToSchema)]
pub struct PainMark {
    #[schema(example = "neck.back")]
    area: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    side: Option<Side>,
    #[schema(minimum = 0, maximum = 10)]
    intensity: u8,
    quality: PainQuality,
}

/// A posture finding (an id of the posture vocabulary, e.g.
/// `forward_head`), with its side when it has one.
#[derive(ToSchema)]
pub struct PostureObservation {
    finding: String,
    #[serde(default)]
    side: Option<Side>,
}

/// Muscle tone as palpated.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Tone {
    Normal,
    Hypertonic,
    Hypotonic,
    Spasm,
}

/// The tone of one muscle (an atlas muscle id); `side` for paired muscles.
#[derive(ToSchema)]
pub struct ToneEntry {
    muscle: String,
    #[serde(default)]
    side: Option<Side>,
    tone: Tone,
}

/// Whether a trigger point refers pain spontaneously or only when pressed.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum TriggerPointActivity {
    Active,
    Latent,
}

/// What palpation of one trigger point (ids of the atlas) found.
#[derive(ToSchema)]
pub struct TriggerPointFinding {
    muscle: String,
    trigger_point: String,
    #[serde(default)]
    side: Option<Side>,
    activity: TriggerPointActivity,
    #[serde(default)]
    referral_reproduced: bool,
    #[serde(default)]
    local_twitch: bool,
    #[serde(default)]
    jump_sign: bool,
    /// Pressure pain threshold by algometer, kg/cm² (at most 20).
    #[serde(default)]
    ppt_kg_cm2: Option<f64>,
}

/// An assessment's observations; photos are uploaded apart. Every field may
/// be left out.
#[derive(ToSchema)]
pub struct AssessmentRecord {
    #[serde(default)]
    posture: Vec<PostureObservation>,
    #[serde(default)]
    tone: Vec<ToneEntry>,
    #[serde(default)]
    pain_map: Vec<PainMark>,
    #[serde(default)]
    findings: Vec<TriggerPointFinding>,
    #[serde(default)]
    notes: String,
}

/// The pressure used on a point.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Pressure {
    Light,
    Moderate,
    Firm,
    Deep,
}

/// The client's answer when asked how the pressure feels: discomfort 0 to 10;
/// 8 or more, or sharp pain, is a warning kept with the note.
#[derive(ToSchema)]
pub struct DiscomfortCheck {
    #[schema(minimum = 0, maximum = 10)]
    discomfort: u8,
    #[serde(default)]
    sharp: bool,
}

/// A point treated in the session (atlas ids).
#[derive(ToSchema)]
pub struct TreatedPoint {
    muscle: String,
    #[serde(default)]
    side: Option<Side>,
    #[serde(default)]
    trigger_point: Option<String>,
    pressure: Pressure,
    #[serde(default)]
    checks: Vec<DiscomfortCheck>,
}

/// A SOAP note of one session.
#[derive(ToSchema)]
pub struct SessionNote {
    /// The day of the session.
    #[schema(format = Date)]
    date: String,
    /// 5 to 240; outside 30 to 90 only with `confirm_duration`.
    duration_minutes: u16,
    /// Set when a duration outside 30 to 90 minutes is intended.
    #[serde(default)]
    confirm_duration: bool,
    #[serde(default)]
    techniques: Vec<String>,
    #[serde(default)]
    subjective: String,
    #[serde(default)]
    objective: String,
    #[serde(default)]
    assessment: String,
    #[serde(default)]
    plan: String,
    /// 0 to 10.
    #[serde(default)]
    pain_before: Option<u8>,
    /// 0 to 10.
    #[serde(default)]
    pain_after: Option<u8>,
    #[serde(default)]
    treated: Vec<TreatedPoint>,
}

// ----------------------------------------------------------- answers

/// Whether the server and its database answer.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum HealthStatus {
    Ok,
    Unavailable,
}

/// Liveness and database reachability.
#[derive(ToSchema)]
pub struct Health {
    status: HealthStatus,
    /// The database back end: `sqlite` or `postgres`.
    database: String,
    /// The server's version; only when `status` is `ok`.
    version: Option<String>,
}

/// A session token and when it expires.
#[derive(ToSchema)]
pub struct LoginGrant {
    /// Send it as `Authorization: Bearer TOKEN`.
    token: String,
    #[schema(format = DateTime)]
    expires_at: String,
}

/// A clinic, by id and name.
#[derive(ToSchema)]
pub struct ClinicRef {
    #[schema(format = "uuid")]
    id: String,
    name: String,
}

/// The signed-in user.
#[derive(ToSchema)]
pub struct Me {
    #[schema(format = "uuid")]
    user_id: String,
    email: String,
    role: Role,
    clinic: ClinicRef,
}

/// A client (patient) record.
#[derive(ToSchema)]
pub struct Client {
    #[schema(format = "uuid")]
    id: String,
    given_name: String,
    family_name: String,
    #[schema(format = Date)]
    date_of_birth: String,
    #[schema(required = true)]
    email: Option<String>,
    #[schema(required = true)]
    phone: Option<String>,
    /// Clinical notes on the client. Present only for roles that read the
    /// clinical record (not front desk).
    notes: Option<String>,
    archived: bool,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    updated_at: String,
    /// Send it back with an update; a stale one is a 409.
    version: i64,
}

/// One page of clients, in name order.
#[derive(ToSchema)]
pub struct ClientList {
    clients: Vec<Client>,
    /// Clients matching the query, on all pages.
    total: i64,
    /// The page number; 0 for a page asked for with `after`.
    page: i64,
    pages: i64,
    /// Pass as `after` for the following page; null on the last page.
    next: Option<String>,
}

/// A link a client opens without an account; the token in it is the
/// capability, so hand it only to the client.
#[derive(ToSchema)]
pub struct IssuedLink {
    /// The address to give the client, on the host the request came to.
    url: String,
    token: String,
    #[schema(format = DateTime)]
    expires_at: String,
}

/// A client link that is still open.
#[derive(ToSchema)]
pub struct OpenLink {
    /// `intake`, `checkin`, `questionnaire`, `home_care`, `booking` or `appointment`.
    purpose: String,
    /// What the link opens (an intake, a check-in, `CLIENT:INSTRUMENT`, ...).
    target_id: String,
    url: String,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    expires_at: String,
}

/// A link queued as an e-mail to the client.
#[derive(ToSchema)]
pub struct LinkEmailed {
    message_id: String,
    client_id: String,
    /// `relay` (sent by the mail relay) or `by_hand` (waits on the outbox).
    delivery: String,
}

/// A check-in link issued when a note is signed.
#[derive(ToSchema)]
pub struct CheckinLink {
    url: String,
    token: String,
    #[schema(format = DateTime)]
    expires_at: String,
    checkin_id: String,
    /// Hours after the session the check-in asks about.
    due_hours: u16,
}

/// Where an intake stands.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum IntakeStatus {
    Requested,
    Submitted,
    Signed,
}

/// The screening outcome.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ScreeningOutcome {
    Suitable,
    SuitableWithPrecautions,
    ReferFirst,
}

/// The screening answers of an intake and the verdict the rules gave.
#[derive(ToSchema)]
pub struct IntakeScreening {
    answers: ScreeningAnswers,
    outcome: ScreeningOutcome,
    /// The full verdict: the outcome with the reasons and precautions behind
    /// it.
    #[schema(value_type = Object)]
    verdict: serde_json::Value,
}

/// A client's intake.
#[derive(ToSchema)]
pub struct Intake {
    id: String,
    #[schema(format = "uuid")]
    client_id: String,
    status: IntakeStatus,
    form: IntakeForm,
    /// Absent (null) until the intake is answered.
    #[schema(required = true)]
    screening: Option<IntakeScreening>,
    /// `staff` or `client_link`; null until answered.
    #[schema(required = true)]
    submitted_via: Option<String>,
    #[schema(required = true, format = DateTime)]
    submitted_at: Option<String>,
    /// The email of the signer.
    #[schema(required = true)]
    signed_by: Option<String>,
    #[schema(required = true, format = DateTime)]
    signed_at: Option<String>,
    version: i64,
}

/// The screening questions, in the order to ask them.
#[derive(ToSchema)]
pub struct ScreeningQuestions {
    /// Each question with its `id`, `label`, optional `help`, `asks_site`
    /// (a yes must name body areas), optional `follows` (the question it
    /// follows up) and what a yes leads to.
    #[schema(value_type = Vec<Object>)]
    questions: Vec<serde_json::Value>,
}

/// What a client link is for.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum LinkPurpose {
    Intake,
    Checkin,
    Questionnaire,
    HomeCare,
    Booking,
    Appointment,
}

/// What an open client link gives access to. Opening does not use it up.
#[derive(ToSchema)]
pub struct LinkInfo {
    purpose: LinkPurpose,
    /// The clinic's name.
    clinic: String,
    client_given_name: String,
    #[schema(format = DateTime)]
    expires_at: String,
    /// For intake links: the screening questions to answer.
    #[schema(value_type = Option<Vec<Object>>)]
    questions: Option<Vec<serde_json::Value>>,
}

/// A posture photo's metadata and what was measured on it. The image itself
/// is at `GET /api/v1/photos/{id}`.
#[derive(ToSchema)]
pub struct Photo {
    id: String,
    assessment_id: String,
    view: PhotoView,
    content_type: String,
    width: i64,
    height: i64,
    /// The landmarks as last saved (`{"points": [...], "profile": ...}`, the
    /// shape of `PUT /api/v1/photos/{id}/landmarks`); `{}` before any.
    #[schema(value_type = Object)]
    landmarks: serde_json::Value,
    /// Angles computed from the landmarks.
    #[schema(value_type = Vec<Object>)]
    measurements: Vec<serde_json::Value>,
    /// The lines to draw over the photo for each measurement.
    #[schema(value_type = Vec<Object>)]
    overlay: Vec<serde_json::Value>,
    #[schema(format = DateTime)]
    created_at: String,
}

/// A physical assessment.
#[derive(ToSchema)]
pub struct Assessment {
    id: String,
    #[schema(format = "uuid")]
    client_id: String,
    record: AssessmentRecord,
    /// Muscles the referred-pain engine suggests for the assessment's pain
    /// map.
    #[schema(value_type = Object)]
    suggestions: serde_json::Value,
    /// The posture photos (only when one assessment is read; empty in lists).
    photos: Vec<Photo>,
    /// The email of the author.
    created_by: String,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    updated_at: String,
    version: i64,
}

/// A client's assessments, newest first.
#[derive(ToSchema)]
pub struct AssessmentList {
    assessments: Vec<Assessment>,
}

/// Why a check-in needs the therapist.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum CheckinFlag {
    PersistentSoreness,
    NewSymptom,
    NoAnswer,
}

/// A soreness check-in after a session.
#[derive(ToSchema)]
pub struct Checkin {
    id: String,
    /// Hours after the session it asks about (24 or 48).
    due_hours: u16,
    #[schema(format = DateTime)]
    due_at: String,
    #[schema(required = true)]
    answer: Option<CheckinAnswer>,
    #[schema(required = true, format = DateTime)]
    answered_at: Option<String>,
    flags: Vec<CheckinFlag>,
    #[schema(required = true, format = DateTime)]
    reviewed_at: Option<String>,
}

/// A treated point whose discomfort check reached the warning line.
#[derive(ToSchema)]
pub struct DiscomfortWarning {
    muscle: String,
    #[schema(required = true)]
    side: Option<Side>,
    discomfort: u8,
    sharp: bool,
}

/// Whether a note can still be edited.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum NoteStatus {
    Draft,
    Signed,
}

/// A session (SOAP) note.
#[derive(ToSchema)]
pub struct Note {
    id: String,
    #[schema(format = "uuid")]
    client_id: String,
    #[schema(required = true)]
    assessment_id: Option<String>,
    note: SessionNote,
    discomfort_warnings: Vec<DiscomfortWarning>,
    status: NoteStatus,
    /// The note this one amends.
    #[schema(required = true)]
    amends: Option<String>,
    #[schema(required = true)]
    amendment_reason: Option<String>,
    /// The newer note that amends this one.
    #[schema(required = true)]
    amended_by: Option<String>,
    /// The email of the signer.
    #[schema(required = true)]
    signed_by: Option<String>,
    #[schema(required = true, format = DateTime)]
    signed_at: Option<String>,
    /// The email of the author.
    created_by: String,
    #[schema(format = DateTime)]
    created_at: String,
    version: i64,
    /// Why the note was signed while the client's screening said to refer
    /// them to a physician first.
    #[schema(required = true)]
    referral_reason: Option<String>,
    checkins: Vec<Checkin>,
}

/// What became of the message with a signed note's check-in links. It is
/// always queued in the outbox first (see `/api/v1/outbox`).
#[derive(ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CheckinEmail {
    /// Queued for the mail relay.
    Queued {
        /// The client's address.
        to: String,
        message_id: String,
    },
    /// No relay or no address: waiting for the front desk to send it by hand.
    ByHand { detail: String, message_id: String },
    /// Could not be queued: send the links another way.
    Failed { detail: String },
}

/// A note just signed, with the check-in links to give the client.
#[derive(ToSchema)]
pub struct SignedNote {
    #[serde(flatten)]
    note: Note,
    email: CheckinEmail,
    checkin_links: Vec<CheckinLink>,
}

/// A client's session notes, latest session first.
#[derive(ToSchema)]
pub struct NoteList {
    sessions: Vec<Note>,
}

/// A new note for today that repeats what was treated last time (muscles,
/// pressure, techniques, duration, plan) and leaves what must be asked again
/// empty; blank when there is no signed note to carry from.
#[derive(ToSchema)]
pub struct CarryForward {
    /// Ready to edit and send to `POST /api/v1/clients/{id}/sessions`.
    note: SessionNote,
}

/// A check-in that needs the therapist.
#[derive(ToSchema)]
pub struct FlaggedCheckin {
    #[schema(format = "uuid")]
    client_id: String,
    client_name: String,
    checkin: Checkin,
    flags: Vec<CheckinFlag>,
}

/// Check-ins of recent sessions that need the therapist.
#[derive(ToSchema)]
pub struct Dashboard {
    flagged_checkins: Vec<FlaggedCheckin>,
}

/// The muscles of the trigger-point atlas.
#[derive(ToSchema)]
pub struct MuscleList {
    /// Each muscle with its `id`, `name`, `region`, `paired`,
    /// `conditions`, `cautions`, `stretch`, `sources`, `trigger_points` and
    /// `referral` zones, as `GET /api/v1/atlas/muscles/{id}` gives it.
    #[schema(value_type = Vec<Object>)]
    muscles: Vec<serde_json::Value>,
}

/// A muscle that explains part of a pain map, on one side (or unsided when
/// unpaired).
#[derive(ToSchema)]
pub struct Suggestion {
    /// The muscle id.
    muscle: String,
    name: String,
    #[schema(required = true)]
    side: Option<Side>,
    /// From 0 to 1.
    score: f64,
    /// The map's areas it explains, each with the zone that explains it and
    /// how the area meets it.
    #[schema(value_type = Vec<Object>)]
    explains: Vec<serde_json::Value>,
    /// The map's areas it does not explain at all.
    unexplained: Vec<AreaSite>,
}

/// Muscles ranked for a pain map.
#[derive(ToSchema)]
pub struct Suggestions {
    /// Best first.
    suggestions: Vec<Suggestion>,
    /// Muscle ids of the fewest muscle-sides that together explain the map,
    /// in rank order.
    explaining_set: Vec<String>,
}

// ------------------------------------------------------------ screening

/// What `POST /api/v1/screening` screens. Every key may be left out.
#[derive(ToSchema)]
pub struct ScreeningRequest {
    /// The intake's conditions (reason for visit): ids of the intake form's
    /// condition list, e.g. `sciatica`, `neck_pain`, `headache`.
    #[schema(example = json!(["sciatica"]))]
    conditions: Vec<String>,
    /// The client's age in whole years (0-130), or null when unknown.
    #[schema(minimum = 0, maximum = 130, example = 52)]
    age: Option<u32>,
    /// The questions answered yes (ids from `GET /api/v1/screening/questions`);
    /// a follow-up only with the question it follows.
    answers: Vec<ScreeningAnswer>,
}

/// How soon a referral must happen.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ScreeningUrgency {
    /// Emergency services or the emergency department now.
    Emergency,
    /// Medical assessment today.
    SameDay,
    /// See a physician before treatment.
    Routine,
}

/// One reason behind a screening verdict.
#[derive(ToSchema)]
pub struct ScreeningReason {
    outcome: ScreeningOutcome,
    /// For a refer: how soon; null otherwise.
    #[schema(required = true)]
    urgency: Option<ScreeningUrgency>,
    /// True for a same-day or emergency refer (kept for readers of the
    /// form before urgency levels).
    urgent: bool,
    /// The explanation for the therapist.
    text: String,
    /// The questions answered yes that led here.
    questions: Vec<String>,
    /// The intake conditions that led here (left out when none).
    conditions: Option<Vec<String>>,
    /// The facts of the intake (conditions, age) a rule used (left out when none).
    facts: Option<Vec<String>>,
    /// The combination rule, when this reason is one.
    #[schema(required = true)]
    rule: Option<String>,
    /// Where the facts come from.
    sources: Vec<String>,
}

/// What the therapist does and tells the client at an urgency level.
#[derive(ToSchema)]
pub struct ScreeningAdvice {
    label: String,
    /// What the therapist does now.
    action: String,
    /// What to tell the client, in plain words.
    tell_client: String,
}

/// A screening verdict.
#[derive(ToSchema)]
pub struct ScreeningResult {
    outcome: ScreeningOutcome,
    /// The most urgent referral reason's urgency; null unless `refer_first`.
    #[schema(required = true)]
    urgency: Option<ScreeningUrgency>,
    /// Never empty; most severe and most urgent first.
    reasons: Vec<ScreeningReason>,
    /// What to do differently, for now or once cleared.
    precautions: Vec<String>,
    /// For a refer: what to do and tell the client; null otherwise.
    #[schema(required = true)]
    advice: Option<ScreeningAdvice>,
}

// ------------------------------------------------------------ schedule

/// A booking or a move as typed by staff (the clinic crate's
/// `schedule::BookingRequest`).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingRequest {
    /// The client's id (not needed when moving an appointment).
    #[serde(default)]
    client_id: String,
    therapist_id: String,
    #[serde(default)]
    room_id: Option<String>,
    /// `2026-03-29T09:00` in the clinic's time zone, or RFC 3339 with an offset.
    starts_at: String,
    /// 30, 45, 60, 75 or 90.
    minutes: u16,
    #[serde(default)]
    note: String,
    /// Book even outside the therapist's working hours.
    #[serde(default)]
    outside_hours: bool,
    /// Book this many appointments in a series (1–20; default 1), all or
    /// nothing: a plan's sessions in one go.
    #[serde(default)]
    repeat: Option<u16>,
    /// Days between the appointments of a series (1–60; default 7), at the
    /// same wall-clock time.
    #[serde(default)]
    every_days: Option<u16>,
}

// ------------------------------------------------------------ photos

/// Landmarks as placed, in image pixels. Each landmark once, of those the
/// photo's view takes, inside the image; a side view with points needs
/// `profile` (the clinic crate's `photos::Landmarks`).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LandmarksBody {
    /// `LandmarkPoint` objects: `{"landmark": "ear_left", "at": {"x": 120.5, "y": 80}}`.
    points: Vec<LandmarkPoint>,
    /// Side view: the client's side facing the camera.
    #[serde(default)]
    profile: Option<Side>,
}
