//! The mapping of a client's record to FHIR R4 resources, as plain JSON.
//!
//! Pure: a record (as the store read it), the client's appointments and the
//! clinic's staff in, `serde_json::Value` resources out. No I/O, no clock
//! (the bundle's timestamp is passed in).
//!
//! Codes: a code is written only where we are sure of it. The one
//! clinical code is LOINC 72514-3 ("Pain severity - 0-10 verbal numeric
//! rating [Score] - Reported") for NPRS ratings: the NPRS questionnaire and
//! the pain before and after a session. Everything else (the other outcome
//! instruments, pressure pain thresholds, the pain map and its body sites,
//! conditions, goals) is `CodeableConcept.text` only: the project's data
//! carries no LOINC or SNOMED CT codes for them, and none is invented here.
//! The other codes are FHIR's own code systems (observation category,
//! encounter class, statuses) and UCUM units.
//!
//! Ids are the record's own ids (UUIDs), so a resource keeps its id from one
//! export to the next; a resource derived from part of a record (one pain
//! rating of a note, one trigger point of an assessment) is the record's id
//! with a suffix. References are `ResourceType/id`.

use std::collections::BTreeMap;

use jiff::Timestamp;
use myomap_domain::record::{CONDITIONS, TriggerPointFinding};
use myomap_plans::{Goal, PlanDraft, Target};
use myomap_scoring::Instrument;
use myomap_store::{
    Appointment, AppointmentStatus, Assessment, ClientRecord, IntakeStatus, NoteRecord, NoteStatus, PlanStatus,
    Questionnaire, StaffMember, StoredPlan,
};
use serde_json::{Map, Value, json};

pub const LOINC: &str = "http://loinc.org";
pub const UCUM: &str = "http://unitsofmeasure.org";
const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
/// LOINC's 0-10 numeric pain rating, reported by the patient.
pub const NPRS_LOINC: &str = "72514-3";
const NPRS_LOINC_DISPLAY: &str = "Pain severity - 0-10 verbal numeric rating [Score] - Reported";

/// What one client's resources are made from.
pub struct Source<'a> {
    pub clinic_id: &'a str,
    pub clinic_name: &'a str,
    pub record: &'a ClientRecord,
    pub appointments: &'a [Appointment],
    /// The clinic's staff: authors are matched to them by email (as the
    /// store gives authors) or id (appointments).
    pub staff: &'a [StaffMember],
}

/// A FHIR id: `[A-Za-z0-9-.]{1,64}`. Record ids already are; instrument
/// and condition ids have underscores.
pub fn fhir_id(raw: &str) -> String {
    let id: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if id.is_empty() { "x".to_owned() } else { id }
}

fn reference(kind: &str, id: &str) -> Value {
    json!({ "reference": format!("{kind}/{}", fhir_id(id)) })
}

fn text(text: impl Into<String>) -> Value {
    json!({ "text": text.into() })
}

/// An instant to the second, as FHIR's `instant`/`dateTime` want it.
pub fn instant(at: Timestamp) -> String {
    Timestamp::from_second(at.as_second()).unwrap_or(at).to_string()
}

fn category(code: &str, display: &str) -> Value {
    json!([{ "coding": [{ "system": OBSERVATION_CATEGORY, "code": code, "display": display }] }])
}

/// The NPRS code, with our words for what was rated.
fn nprs_code(what: &str) -> Value {
    json!({
        "coding": [{ "system": LOINC, "code": NPRS_LOINC, "display": NPRS_LOINC_DISPLAY }],
        "text": what,
    })
}

fn instrument_name(id: &str) -> String {
    id.parse::<Instrument>()
        .map(|i| i.definition().name.clone())
        .unwrap_or_else(|_| id.to_owned())
}

fn condition_label(id: &str) -> &str {
    CONDITIONS.iter().find(|(c, _)| *c == id).map_or(id, |(_, label)| label)
}

fn number(value: f64) -> Value {
    serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// Who wrote what: the staff referenced, in the order first met.
struct Authors<'a> {
    staff: &'a [StaffMember],
    used: Vec<&'a StaffMember>,
}

impl<'a> Authors<'a> {
    fn new(staff: &'a [StaffMember]) -> Self {
        Authors {
            staff,
            used: Vec::new(),
        }
    }

    fn note(&mut self, member: &'a StaffMember) -> Value {
        if !self.used.iter().any(|m| m.id == member.id) {
            self.used.push(member);
        }
        reference("Practitioner", &member.id)
    }

    /// A reference to the staff member with this email (or id); an author
    /// who is not on the staff any more is named only.
    fn by_email_or_id(&mut self, who: &str) -> Value {
        match self.staff.iter().find(|m| m.email == who || m.id == who) {
            Some(member) => self.note(member),
            None => json!({ "display": who }),
        }
    }
}

/// Every resource of one client's record, in a stable order: the clinic,
/// the staff who wrote it, the patient, then the record's parts.
pub fn client_resources(source: &Source<'_>) -> Vec<Value> {
    let record = source.record;
    let patient_id = record.client.id.to_string();
    let mut authors = Authors::new(source.staff);
    let mut out = vec![patient(source)];
    out.extend(conditions(record));
    for note in record
        .notes
        .iter()
        .filter(|n| n.status == NoteStatus::Signed && n.amended_by.is_none())
    {
        out.extend(encounter(note, &patient_id, source.clinic_id, &mut authors));
    }
    for assessment in &record.assessments {
        out.extend(assessment_observations(assessment, &patient_id, &mut authors));
    }
    for questionnaire in &record.questionnaires {
        out.extend(questionnaire_resources(questionnaire, &patient_id, &mut authors));
    }
    for plan in &record.plans {
        out.extend(care_plan(plan, record, &patient_id, &mut authors));
    }
    for appointment in source.appointments {
        out.push(appointment_resource(appointment, &patient_id, &mut authors));
    }
    let mut head = vec![organization(source.clinic_id, source.clinic_name)];
    head.extend(authors.used.iter().map(|m| practitioner(m)));
    head.extend(out);
    head
}

/// A `collection` bundle of resources.
pub fn bundle(id: &str, timestamp: Timestamp, resources: Vec<Value>) -> Value {
    json!({
        "resourceType": "Bundle",
        "id": fhir_id(id),
        "type": "collection",
        "timestamp": instant(timestamp),
        "entry": resources.into_iter().map(|r| json!({ "resource": r })).collect::<Vec<_>>(),
    })
}

pub fn organization(id: &str, name: &str) -> Value {
    json!({ "resourceType": "Organization", "id": fhir_id(id), "active": true, "name": name })
}

pub fn practitioner(member: &StaffMember) -> Value {
    json!({
        "resourceType": "Practitioner",
        "id": fhir_id(&member.id),
        "active": true,
        "name": [{ "text": member.name }],
        "telecom": [{ "system": "email", "value": member.email, "use": "work" }],
    })
}

fn patient(source: &Source<'_>) -> Value {
    let client = &source.record.client;
    let mut telecom = Vec::new();
    if let Some(email) = &client.email {
        telecom.push(json!({ "system": "email", "value": email }));
    }
    if let Some(phone) = &client.phone {
        telecom.push(json!({ "system": "phone", "value": phone }));
    }
    let mut patient = json!({
        "resourceType": "Patient",
        "id": fhir_id(&client.id.to_string()),
        "active": !client.archived,
        "name": [{ "use": "official", "family": client.family_name, "given": [client.given_name] }],
        "birthDate": client.date_of_birth.to_string(),
        "managingOrganization": reference("Organization", source.clinic_id),
    });
    if !telecom.is_empty() {
        patient["telecom"] = Value::Array(telecom);
    }
    patient
}

/// The presenting conditions named at the (latest answered) intake.
fn conditions(record: &ClientRecord) -> Vec<Value> {
    let Some(intake) = record.intake.as_ref().filter(|i| i.status != IntakeStatus::Requested) else {
        return Vec::new();
    };
    let recorded = intake.signed_at.or(intake.submitted_at);
    intake
        .form
        .conditions
        .iter()
        .map(|condition| {
            let mut resource = json!({
                "resourceType": "Condition",
                "id": condition_id(&intake.id, condition),
                "code": text(condition_label(condition)),
                "subject": reference("Patient", &record.client.id.to_string()),
            });
            if let Some(at) = recorded {
                resource["recordedDate"] = json!(instant(at));
            }
            let reason = intake.form.reason_for_visit.trim();
            if !reason.is_empty() {
                resource["note"] = json!([{ "text": format!("Reason for visit (intake): {reason}") }]);
            }
            resource
        })
        .collect()
}

fn condition_id(intake: &str, condition: &str) -> String {
    fhir_id(&format!("{intake}-{condition}"))
}

/// A signed session: the encounter and the pain ratings before and after.
fn encounter(note: &NoteRecord, patient: &str, clinic: &str, authors: &mut Authors<'_>) -> Vec<Value> {
    let by = note.signed_by.as_deref().unwrap_or(&note.created_by);
    let practitioner = authors.by_email_or_id(by);
    let encounter = json!({
        "resourceType": "Encounter",
        "id": fhir_id(&note.id),
        "status": "finished",
        "class": { "system": ACT_CODE, "code": "AMB", "display": "ambulatory" },
        "type": [text("Neuromuscular therapy session")],
        "subject": reference("Patient", patient),
        "participant": [{ "individual": practitioner }],
        "period": { "start": note.note.date, "end": note.note.date },
        "length": { "value": note.note.duration_minutes, "unit": "min", "system": UCUM, "code": "min" },
        "serviceProvider": reference("Organization", clinic),
    });
    let mut out = vec![encounter];
    for (suffix, what, value) in [
        (
            "pain-before",
            "Pain before the session (NPRS 0-10)",
            note.note.pain_before,
        ),
        ("pain-after", "Pain after the session (NPRS 0-10)", note.note.pain_after),
    ] {
        if let Some(value) = value {
            out.push(json!({
                "resourceType": "Observation",
                "id": fhir_id(&format!("{}-{suffix}", note.id)),
                "status": "final",
                "category": category("survey", "Survey"),
                "code": nprs_code(what),
                "subject": reference("Patient", patient),
                "encounter": reference("Encounter", &note.id),
                "effectiveDateTime": note.note.date,
                "performer": [reference("Patient", patient)],
                "valueInteger": value,
            }));
        }
    }
    out
}

fn muscle_label(muscle: &str) -> String {
    myomap_atlas::atlas()
        .muscle(muscle)
        .map_or_else(|| muscle.to_owned(), |m| m.name.clone())
}

fn finding_site(finding: &TriggerPointFinding) -> String {
    let muscle = muscle_label(&finding.muscle);
    match finding.side {
        Some(side) => format!("{muscle} ({side}), trigger point {}", finding.trigger_point),
        None => format!("{muscle}, trigger point {}", finding.trigger_point),
    }
}

/// The pain map (one observation per marked area, grouped under one) and
/// the pressure pain thresholds of the trigger points.
fn assessment_observations(assessment: &Assessment, patient: &str, authors: &mut Authors<'_>) -> Vec<Value> {
    let performer = authors.by_email_or_id(&assessment.created_by);
    let effective = instant(assessment.created_at);
    let mut out = Vec::new();
    let map = &assessment.record.pain_map;
    if !map.is_empty() {
        let members: Vec<String> = (1..=map.len())
            .map(|i| fhir_id(&format!("{}-pain-{i}", assessment.id)))
            .collect();
        out.push(json!({
            "resourceType": "Observation",
            "id": fhir_id(&format!("{}-pain-map", assessment.id)),
            "status": "final",
            "category": category("exam", "Exam"),
            "code": text("Pain map (body chart)"),
            "subject": reference("Patient", patient),
            "effectiveDateTime": effective,
            "performer": [performer.clone()],
            "hasMember": members.iter().map(|id| reference("Observation", id)).collect::<Vec<_>>(),
        }));
        for (mark, id) in map.iter().zip(&members) {
            out.push(json!({
                "resourceType": "Observation",
                "id": id,
                "status": "final",
                "category": category("exam", "Exam"),
                "code": text("Pain intensity at a body site (pain map, 0-10)"),
                "subject": reference("Patient", patient),
                "effectiveDateTime": effective,
                "performer": [performer.clone()],
                "valueInteger": mark.intensity,
                "bodySite": text(mark.site.label()),
                "component": [{ "code": text("Pain quality"), "valueCodeableConcept": text(mark.quality.as_str()) }],
            }));
        }
    }
    for (i, finding) in assessment.record.findings.iter().enumerate() {
        let Some(ppt) = finding.ppt_kg_cm2 else { continue };
        let activity = match finding.activity {
            myomap_domain::record::TriggerPointActivity::Active => "active",
            myomap_domain::record::TriggerPointActivity::Latent => "latent",
        };
        out.push(json!({
            "resourceType": "Observation",
            "id": fhir_id(&format!("{}-ppt-{}", assessment.id, i + 1)),
            "status": "final",
            "category": category("exam", "Exam"),
            "code": text("Pressure pain threshold (algometer)"),
            "subject": reference("Patient", patient),
            "effectiveDateTime": effective,
            "performer": [performer.clone()],
            "valueQuantity": { "value": number(ppt), "unit": "kg/cm2", "system": UCUM, "code": "kg/cm2" },
            "bodySite": text(finding_site(finding)),
            "component": [{ "code": text("Trigger point activity"), "valueCodeableConcept": text(activity) }],
        }));
    }
    out
}

/// Answers as questionnaire items: the stored input, item by item, labelled
/// with the instrument's own short item labels (never questionnaire wording).
fn answer_items(link: &str, value: &Value, labels: Option<&[String]>) -> Vec<Value> {
    match value {
        Value::Object(fields) => fields
            .iter()
            .filter_map(|(key, v)| {
                let link = format!("{link}.{key}");
                let labels = if key == "items" { labels } else { None };
                item(&link, key, v, labels)
            })
            .collect(),
        other => item(link, link, other, labels).into_iter().collect(),
    }
}

fn item(link: &str, label: &str, value: &Value, labels: Option<&[String]>) -> Option<Value> {
    let answer = |answer: Value| Some(json!({ "linkId": link, "text": label, "answer": [answer] }));
    match value {
        Value::Null => None,
        Value::Bool(b) => answer(json!({ "valueBoolean": b })),
        Value::String(s) if !s.is_empty() => answer(json!({ "valueString": s })),
        Value::String(_) => None,
        Value::Number(n) if n.is_i64() || n.is_u64() => answer(json!({ "valueInteger": n })),
        Value::Number(n) => answer(json!({ "valueDecimal": n })),
        Value::Array(values) => {
            let children: Vec<Value> = values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let label = labels
                        .and_then(|l| l.get(i))
                        .cloned()
                        .unwrap_or_else(|| format!("{label} {}", i + 1));
                    item(&format!("{link}.{}", i + 1), &label, v, None)
                })
                .collect();
            (!children.is_empty()).then(|| json!({ "linkId": link, "text": label, "item": children }))
        }
        Value::Object(_) => {
            let children = answer_items(link, value, None);
            (!children.is_empty()).then(|| json!({ "linkId": link, "text": label, "item": children }))
        }
    }
}

/// The main score as reported (rounded once, as the instrument says), and
/// its unit where it has one.
fn reported_score(q: &Questionnaire) -> Option<(f64, Option<&'static str>)> {
    match q.instrument.as_str() {
        "ppt" => q.result.get("mean_kg_cm2")?.as_f64().map(|v| (v, Some("kg/cm2"))),
        "acr2016_fm" => q.result.get("fs")?.as_f64().map(|v| (v, None)),
        _ => q.result.get("score")?.as_f64().map(|v| (v, None)),
    }
}

fn score_code(instrument: &str) -> Value {
    match instrument {
        "nprs" => nprs_code("Numeric Pain Rating Scale (NPRS 0-10)"),
        "acr2016_fm" => text(format!(
            "{}: fibromyalgia severity (FS, 0-31)",
            instrument_name(instrument)
        )),
        "ppt" => text("Pressure pain threshold (algometer), mean of trials"),
        other => text(format!("{} score", instrument_name(other))),
    }
}

/// One questionnaire: the answers, and the score as an observation.
fn questionnaire_resources(q: &Questionnaire, patient: &str, authors: &mut Authors<'_>) -> Vec<Value> {
    let author = if q.source == "client_link" {
        reference("Patient", patient)
    } else {
        authors.by_email_or_id(&q.entered_by)
    };
    let labels = q
        .instrument
        .parse::<Instrument>()
        .ok()
        .and_then(|i| i.definition().scoring.item_rule())
        .map(|rule| rule.items.as_slice());
    let answers = answer_items(&fhir_id(&q.instrument), &q.input, labels);
    let mut response = json!({
        "resourceType": "QuestionnaireResponse",
        "id": fhir_id(&q.id),
        "status": "completed",
        "subject": reference("Patient", patient),
        "authored": q.taken_on,
        "author": author,
        "source": reference("Patient", patient),
    });
    if !answers.is_empty() {
        response["item"] = json!([{
            "linkId": fhir_id(&q.instrument),
            "text": instrument_name(&q.instrument),
            "item": answers,
        }]);
    }
    let mut out = vec![response];
    if let Some((value, unit)) = reported_score(q) {
        let quantity = match unit {
            Some(unit) => json!({ "value": number(value), "unit": unit, "system": UCUM, "code": unit }),
            None => json!({ "value": number(value) }),
        };
        out.push(json!({
            "resourceType": "Observation",
            "id": fhir_id(&format!("{}-score", q.id)),
            "status": "final",
            "category": category("survey", "Survey"),
            "code": score_code(&q.instrument),
            "subject": reference("Patient", patient),
            "effectiveDateTime": q.taken_on,
            "performer": [reference("Patient", patient)],
            "valueQuantity": quantity,
            "derivedFrom": [reference("QuestionnaireResponse", &q.id)],
        }));
    }
    out
}

fn goal_measure(instrument: &str) -> Value {
    if instrument == "nprs" {
        nprs_code("Numeric Pain Rating Scale (NPRS 0-10)")
    } else {
        text(instrument_name(instrument))
    }
}

fn goal_resource(id: &str, goal: &Goal, status: &str, patient: &str, addresses: Option<&str>) -> Value {
    let name = instrument_name(&goal.instrument);
    let (detail_key, detail, wording) = match &goal.target {
        Target::AtMost(v) => (
            "detailQuantity",
            json!({ "value": number(*v), "comparator": "<=" }),
            format!("{name} at most {v}"),
        ),
        Target::AtLeast(v) => (
            "detailQuantity",
            json!({ "value": number(*v), "comparator": ">=" }),
            format!("{name} at least {v}"),
        ),
        Target::BelowBand(band) => {
            let wording = format!("{name} below the \"{band}\" band");
            ("detailString", json!(wording.clone()), wording)
        }
        Target::PsfsActivityAtLeast(v) => {
            let wording = format!("{name}: activities rated at least {v}/10");
            ("detailString", json!(wording.clone()), wording)
        }
    };
    let description = if goal.label.trim().is_empty() {
        wording
    } else {
        goal.label.trim().to_owned()
    };
    let mut target = Map::new();
    target.insert("measure".into(), goal_measure(&goal.instrument));
    target.insert(detail_key.into(), detail);
    let mut resource = json!({
        "resourceType": "Goal",
        "id": id,
        "lifecycleStatus": status,
        "description": text(description),
        "subject": reference("Patient", patient),
        "target": [Value::Object(target)],
    });
    if let Some(condition) = addresses {
        resource["addresses"] = json!([reference("Condition", condition)]);
    }
    resource
}

/// A treatment plan with its goals.
fn care_plan(plan: &StoredPlan, record: &ClientRecord, patient: &str, authors: &mut Authors<'_>) -> Vec<Value> {
    let author = authors.by_email_or_id(&plan.created_by);
    let (status, activity_status, goal_status) = match plan.status {
        PlanStatus::Active => ("active", "in-progress", "active"),
        PlanStatus::Closed => ("completed", "completed", "completed"),
    };
    let mut resource = json!({
        "resourceType": "CarePlan",
        "id": fhir_id(&plan.id),
        "status": status,
        "intent": "plan",
        "subject": reference("Patient", patient),
        "period": { "start": plan.starts_on },
        "created": instant(plan.created_at),
        "author": author,
    });
    let Ok(draft) = serde_json::from_value::<PlanDraft>(plan.plan.clone()) else {
        resource["title"] = json!("Treatment plan");
        return vec![resource];
    };
    resource["title"] = json!(format!("Treatment plan: {}", condition_label(&draft.condition)));
    if !draft.notes.trim().is_empty() {
        resource["description"] = json!(draft.notes.trim());
    }
    // The condition it treats, when the intake named it.
    let addresses = record
        .intake
        .as_ref()
        .filter(|i| i.status != IntakeStatus::Requested && i.form.conditions.contains(&draft.condition))
        .map(|i| condition_id(&i.id, &draft.condition));
    if let Some(condition) = &addresses {
        resource["addresses"] = json!([reference("Condition", condition)]);
    }
    let goals: Vec<Value> = draft
        .goals
        .iter()
        .enumerate()
        .map(|(i, goal)| {
            let id = fhir_id(&format!("{}-goal-{}", plan.id, i + 1));
            goal_resource(&id, goal, goal_status, patient, addresses.as_deref())
        })
        .collect();
    if !goals.is_empty() {
        resource["goal"] = goals
            .iter()
            .map(|g| reference("Goal", g["id"].as_str().unwrap_or_default()))
            .collect();
    }
    resource["activity"] = json!([{
        "detail": {
            "kind": "Appointment",
            "status": activity_status,
            "description": format!(
                "{} sessions of {} minutes, one every {} days; re-assess every {} sessions",
                draft.sessions_planned, draft.session_minutes, draft.interval_days, draft.reassess_every
            ),
        }
    }]);
    let notes: Vec<Value> = draft
        .precautions
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| json!({ "text": format!("Precaution: {}", p.trim()) }))
        .collect();
    if !notes.is_empty() {
        resource["note"] = Value::Array(notes);
    }
    let mut out = vec![resource];
    out.extend(goals);
    out
}

fn appointment_resource(appointment: &Appointment, patient: &str, authors: &mut Authors<'_>) -> Value {
    let status = match appointment.status {
        AppointmentStatus::Booked => "booked",
        AppointmentStatus::Cancelled => "cancelled",
        AppointmentStatus::NoShow => "noshow",
        AppointmentStatus::Attended => "fulfilled",
    };
    let therapist = authors.by_email_or_id(&appointment.therapist_id);
    let mut resource = json!({
        "resourceType": "Appointment",
        "id": fhir_id(&appointment.id),
        "status": status,
        "start": instant(appointment.starts_at),
        "end": instant(appointment.ends_at),
        "minutesDuration": appointment.minutes,
        "participant": [
            { "actor": reference("Patient", patient), "status": "accepted" },
            { "actor": therapist, "status": "accepted" },
        ],
    });
    if let Some(room) = appointment.room_name.as_deref().filter(|r| !r.trim().is_empty()) {
        resource["description"] = json!(format!("Room: {room}"));
    }
    if !appointment.note.trim().is_empty() {
        resource["comment"] = json!(appointment.note.trim());
    }
    resource
}

/// Resources grouped by type, for the bulk layout (one file per type).
pub fn by_type(resources: Vec<Value>) -> BTreeMap<String, Vec<Value>> {
    let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for resource in resources {
        let kind = resource["resourceType"].as_str().unwrap_or("Unknown").to_owned();
        groups.entry(kind).or_default().push(resource);
    }
    groups
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::collections::HashSet;

    use myomap_domain::record::{
        AssessmentRecord, IntakeForm, PainMark, PainQuality, SessionNote, TriggerPointActivity, TriggerPointFinding,
    };
    use myomap_domain::{AreaSite, Client, ClientId, Role};
    use myomap_store::{Intake, StoredPlan};
    use serde_json::json;

    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn staff() -> Vec<StaffMember> {
        vec![
            StaffMember {
                id: "0190a0a0-0000-7000-8000-000000000001".into(),
                email: "therapist@clinic.test".into(),
                name: "Tess Therapist".into(),
                role: Role::Therapist,
            },
            StaffMember {
                id: "0190a0a0-0000-7000-8000-000000000002".into(),
                email: "desk@clinic.test".into(),
                name: "desk@clinic.test".into(),
                role: Role::FrontDesk,
            },
        ]
    }

    /// A record with one of every part, made in code.
    fn record() -> ClientRecord {
        let client_id: ClientId = "0190a0a0-0000-7000-8000-00000000c001".parse().unwrap();
        let client = Client {
            id: client_id,
            given_name: "Ada".into(),
            family_name: "Byron".into(),
            date_of_birth: jiff::civil::date(1985, 12, 10),
            email: Some("ada@example.org".into()),
            phone: None,
            notes: None,
            archived: false,
            created_at: at("2026-11-01T09:00:00Z"),
            updated_at: at("2026-11-01T09:00:00Z"),
            version: 1,
        };
        let intake = Intake {
            id: "0190a0a0-0000-7000-8000-00000000a001".into(),
            client_id,
            status: IntakeStatus::Signed,
            form: IntakeForm {
                conditions: vec!["neck_pain".into(), "headache".into()],
                reason_for_visit: "Neck pain when working at a desk".into(),
                ..IntakeForm::default()
            },
            screening: None,
            submitted_via: None,
            submitted_at: Some(at("2026-11-02T09:00:00Z")),
            signed_by: Some("therapist@clinic.test".into()),
            signed_at: Some(at("2026-11-02T09:30:00.250Z")),
            version: 2,
        };
        let assessment = myomap_store::Assessment {
            id: "0190a0a0-0000-7000-8000-00000000a002".into(),
            client_id,
            record: AssessmentRecord {
                pain_map: vec![
                    PainMark {
                        site: AreaSite::parse("head.temple", Some("right")).unwrap(),
                        intensity: 6,
                        quality: PainQuality::Aching,
                    },
                    PainMark {
                        site: AreaSite::parse("head.vertex", None).unwrap(),
                        intensity: 2,
                        quality: PainQuality::Sharp,
                    },
                ],
                findings: vec![TriggerPointFinding {
                    muscle: "upper_trapezius".into(),
                    trigger_point: "tp1".into(),
                    side: Some(myomap_domain::Side::Right),
                    activity: TriggerPointActivity::Active,
                    referral_reproduced: true,
                    local_twitch: false,
                    jump_sign: false,
                    ppt_kg_cm2: Some(2.5),
                }],
                ..AssessmentRecord::default()
            },
            created_by: "therapist@clinic.test".into(),
            created_at: at("2026-11-02T10:00:00Z"),
            updated_at: at("2026-11-02T10:00:00Z"),
            version: 1,
        };
        let session = |id: &str, status: NoteStatus, amended_by: Option<&str>| NoteRecord {
            id: id.into(),
            client_id,
            assessment_id: None,
            note: SessionNote {
                date: "2026-11-02".into(),
                duration_minutes: 60,
                confirm_duration: false,
                techniques: vec!["ischemic compression".into()],
                subjective: "Sore neck".into(),
                objective: String::new(),
                assessment: String::new(),
                plan: String::new(),
                pain_before: Some(6),
                pain_after: Some(3),
                treated: vec![],
            },
            status,
            amends: None,
            amendment_reason: None,
            amended_by: amended_by.map(str::to_owned),
            signed_by: Some("therapist@clinic.test".into()),
            signed_at: Some(at("2026-11-02T11:00:00Z")),
            created_by: "therapist@clinic.test".into(),
            created_at: at("2026-11-02T10:05:00Z"),
            version: 2,
            referral_reason: None,
            checkins: vec![],
        };
        let questionnaire = |id: &str, instrument: &str, input: Value, result: Value, source: &str| Questionnaire {
            id: id.into(),
            client_id,
            instrument: instrument.into(),
            taken_on: "2026-11-02".into(),
            source: source.into(),
            input,
            result,
            score: None,
            entered_by: "therapist@clinic.test".into(),
            created_at: at("2026-11-02T10:10:00Z"),
        };
        ClientRecord {
            client,
            intake: Some(intake),
            assessments: vec![assessment],
            notes: vec![
                session("0190a0a0-0000-7000-8000-00000000b003", NoteStatus::Signed, None),
                session("0190a0a0-0000-7000-8000-00000000b004", NoteStatus::Draft, None),
                session(
                    "0190a0a0-0000-7000-8000-00000000b005",
                    NoteStatus::Signed,
                    Some("0190a0a0-0000-7000-8000-00000000b003"),
                ),
            ],
            questionnaires: vec![
                questionnaire(
                    "0190a0a0-0000-7000-8000-00000000d006",
                    "nprs",
                    json!({"value": 6}),
                    json!({"valid": true, "score": 6}),
                    "clinic",
                ),
                questionnaire(
                    "0190a0a0-0000-7000-8000-00000000d007",
                    "ndi",
                    json!({"items": [2, 3, 1, null, 0, 4, 2, 1, 3, 2]}),
                    json!({"valid": true, "score": 40.0, "raw": 20.0, "band": "moderate"}),
                    "client_link",
                ),
            ],
            plans: vec![StoredPlan {
                id: "0190a0a0-0000-7000-8000-00000000e008".into(),
                client_id,
                plan: json!({
                    "protocol": null,
                    "condition": "neck_pain",
                    "goals": [
                        {"instrument": "nprs", "at_most": 2, "label": ""},
                        {"instrument": "ndi", "below_band": "mild", "label": "Neck no longer limits work"}
                    ],
                    "sessions_planned": 6,
                    "interval_days": 7,
                    "session_minutes": 60,
                    "reassess_every": 3,
                    "precautions": ["No deep pressure over the anterior neck"],
                    "notes": "Weekly, then review."
                }),
                starts_on: "2026-11-02".into(),
                status: PlanStatus::Active,
                created_by: "therapist@clinic.test".into(),
                created_at: at("2026-11-02T10:20:00Z"),
                closed_at: None,
                version: 1,
            }],
            home_care: vec![],
        }
    }

    fn appointments() -> Vec<Appointment> {
        vec![Appointment {
            id: "0190a0a0-0000-7000-8000-00000000f009".into(),
            client_id: "0190a0a0-0000-7000-8000-00000000c001".parse().unwrap(),
            client_name: "Ada Byron".into(),
            therapist_id: "0190a0a0-0000-7000-8000-000000000001".into(),
            therapist_name: "Tess Therapist".into(),
            room_id: None,
            room_name: Some("Room 1".into()),
            starts_at: at("2026-11-09T10:00:00Z"),
            ends_at: at("2026-11-09T11:00:00Z"),
            minutes: 60,
            status: AppointmentStatus::Booked,
            note: String::new(),
            version: 1,
        }]
    }

    fn resources() -> Vec<Value> {
        let (record, appointments, staff) = (record(), appointments(), staff());
        client_resources(&Source {
            clinic_id: "0190a0a0-0000-7000-8000-0000000c1c00",
            clinic_name: "Harbour Street Clinic",
            record: &record,
            appointments: &appointments,
            staff: &staff,
        })
    }

    #[test]
    fn one_bundle_built_from_a_record_made_in_code() {
        let bundle = bundle(
            "0190a0a0-0000-7000-8000-00000000c001",
            at("2026-12-01T12:00:00Z"),
            resources(),
        );
        insta::assert_json_snapshot!(bundle);
    }

    #[test]
    fn ids_are_valid_and_unique_and_every_reference_resolves() {
        let resources = resources();
        let mut ids = HashSet::new();
        for r in &resources {
            let id = r["id"].as_str().unwrap();
            assert!(id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'));
            assert!(
                ids.insert(format!("{}/{id}", r["resourceType"].as_str().unwrap())),
                "{id} twice"
            );
        }
        fn refs(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(o) => {
                    for (k, inner) in o {
                        match (k.as_str(), inner) {
                            ("reference", Value::String(s)) => out.push(s.clone()),
                            _ => refs(inner, out),
                        }
                    }
                }
                Value::Array(a) => a.iter().for_each(|i| refs(i, out)),
                _ => {}
            }
        }
        let mut all = Vec::new();
        resources.iter().for_each(|r| refs(r, &mut all));
        for reference in all {
            assert!(ids.contains(&reference), "{reference} does not resolve");
        }
    }

    #[test]
    fn only_the_nprs_carries_a_clinical_code() {
        let text = serde_json::to_string(&resources()).unwrap();
        // Every coding's system is LOINC (only 72514-3) or one of FHIR's own.
        let mut codes = HashSet::new();
        fn codings(v: &Value, out: &mut HashSet<(String, String)>) {
            match v {
                Value::Object(o) => {
                    if let (Some(Value::String(s)), Some(Value::String(c))) = (o.get("system"), o.get("code")) {
                        out.insert((s.clone(), c.clone()));
                    }
                    o.values().for_each(|i| codings(i, out));
                }
                Value::Array(a) => a.iter().for_each(|i| codings(i, out)),
                _ => {}
            }
        }
        codings(&serde_json::from_str(&text).unwrap(), &mut codes);
        let loinc: Vec<_> = codes
            .iter()
            .filter(|(s, _)| s == LOINC)
            .map(|(_, c)| c.as_str())
            .collect();
        assert_eq!(loinc, [NPRS_LOINC]);
        assert!(!text.contains("snomed"), "no SNOMED CT code is invented");
        // The pain map's sites are the body-area labels.
        assert!(text.contains("\"bodySite\":{\"text\":\"Temple (right)\"}"), "{text}");
    }

    #[test]
    fn only_signed_current_sessions_are_encounters() {
        let encounters: Vec<String> = resources()
            .iter()
            .filter(|r| r["resourceType"] == "Encounter")
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(encounters, ["0190a0a0-0000-7000-8000-00000000b003"]);
    }
}
