use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use myomap_clinic::presenter::Presenter;
use myomap_clinic::{ClinicError, SystemClock, clients};
use myomap_domain::{Client, ClientFields, ClientId, ValidationErrors};
use myomap_store::{Actor, ClientQuery, StoreError};
use serde::Deserialize;

use super::{Layout, PageActor, PageError, render};
use crate::AppState;

fn parse_id(id: &str, actor: &Actor) -> Result<ClientId, PageError> {
    id.parse()
        .map_err(|_| PageError::store(StoreError::NotFound("client"), Some(actor)))
}

struct Row {
    id: ClientId,
    given_name: String,
    family_name: String,
    date_of_birth: String,
    age: i64,
    phone: String,
    email: String,
    archived: bool,
}

#[derive(Template)]
#[template(path = "clients.html")]
struct ListPage {
    layout: Layout,
    query: String,
    include_archived: bool,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
}

#[derive(Deserialize)]
pub struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    archived: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    // A mistyped page number in the address bar just shows the first page.
    let page = params.page.as_deref().and_then(|p| p.parse::<i64>().ok()).unwrap_or(1);
    let include_archived = params.archived.as_deref() == Some("true");
    let query = ClientQuery {
        search: params.q.trim().to_owned(),
        include_archived,
        page,
        after: None,
    };
    let result = state
        .store
        .clinic(&actor)
        .list_clients(&query)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let today = crate::clinic_today(&actor);
    let href = |page: i64| {
        let mut pairs = vec![("page", page.to_string())];
        if !query.search.is_empty() {
            pairs.push(("q", query.search.clone()));
        }
        if include_archived {
            pairs.push(("archived", "true".into()));
        }
        format!("/clients?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
    };
    let page = ListPage {
        layout: Layout::signed_in(&actor, "clients"),
        rows: result
            .clients
            .iter()
            .map(|c| Row {
                id: c.id,
                given_name: c.given_name.clone(),
                family_name: c.family_name.clone(),
                date_of_birth: c.date_of_birth.to_string(),
                age: c.age_on(today),
                phone: c.phone.clone().unwrap_or_default(),
                email: c.email.clone().unwrap_or_default(),
                archived: c.archived,
            })
            .collect(),
        query: query.search.clone(),
        include_archived,
        total: result.total,
        page: result.page,
        pages: result.pages,
        prev_href: (result.page > 1).then(|| href(result.page - 1)),
        next_href: (result.page < result.pages).then(|| href(result.page + 1)),
    };
    Ok(render(StatusCode::OK, &page))
}

struct FormField {
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    value: String,
    required: bool,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "client_form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    cancel: String,
    csrf: String,
    version: Option<i64>,
    fields: Vec<FormField>,
    problem: Option<String>,
}

fn form_fields(actor: &Actor, values: &ClientFields, errors: &ValidationErrors) -> Vec<FormField> {
    let field = |name: &'static str, label: &'static str, kind: &'static str, value: &str, required: bool| FormField {
        name,
        label,
        kind,
        value: value.to_owned(),
        required,
        error: errors.for_field(name).map(str::to_owned),
    };
    let mut fields = vec![
        field("given_name", "Given name", "text", &values.given_name, true),
        field("family_name", "Family name", "text", &values.family_name, true),
        field("date_of_birth", "Date of birth", "date", &values.date_of_birth, true),
        field("phone", "Phone", "tel", &values.phone, false),
        field("email", "Email", "email", &values.email, false),
    ];
    if actor.role.writes_clinical_record() {
        fields.push(field("notes", "Clinical notes", "textarea", &values.notes, false));
    }
    fields
}

struct FormSpec<'a> {
    heading: String,
    action: String,
    cancel: String,
    version: Option<i64>,
    values: &'a ClientFields,
    errors: &'a ValidationErrors,
    problem: Option<String>,
}

fn form_page(status: StatusCode, actor: &Actor, spec: FormSpec<'_>) -> Response {
    render(
        status,
        &FormPage {
            layout: Layout::signed_in(actor, "clients"),
            heading: spec.heading,
            action: spec.action,
            cancel: spec.cancel,
            csrf: actor.csrf_token.clone(),
            version: spec.version,
            fields: form_fields(actor, spec.values, spec.errors),
            problem: spec.problem,
        },
    )
}

#[derive(Deserialize, Default)]
pub struct ClientForm {
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    date_of_birth: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    version: Option<String>,
}

impl ClientForm {
    fn fields(&self) -> ClientFields {
        ClientFields {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            date_of_birth: self.date_of_birth.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            notes: self.notes.clone(),
        }
    }
}

pub async fn new_form(PageActor(actor): PageActor) -> Response {
    form_page(
        StatusCode::OK,
        &actor,
        FormSpec {
            heading: "New client".into(),
            action: "/clients".into(),
            cancel: "/clients".into(),
            version: None,
            values: &ClientFields::default(),
            errors: &ValidationErrors::default(),
            problem: None,
        },
    )
}

pub async fn create(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Form(form): Form<ClientForm>,
) -> Result<Response, PageError> {
    let values = form.fields();
    let refused = |errors: &ValidationErrors, problem: Option<String>| {
        form_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &actor,
            FormSpec {
                heading: "New client".into(),
                action: "/clients".into(),
                cancel: "/clients".into(),
                version: None,
                values: &values,
                errors,
                problem,
            },
        )
    };
    match clients::register(&state.store, &actor, &SystemClock, &values).await {
        Ok(client) => Ok(Redirect::to(&format!("/clients/{}", client.id)).into_response()),
        Err(ClinicError::Invalid(errors)) => Ok(refused(
            &errors,
            Some("Some fields need attention; nothing was saved yet.".into()),
        )),
        Err(ClinicError::Forbidden(m)) => Ok(refused(&ValidationErrors::default(), Some(m))),
        Err(e) => Err(PageError::from((e, &actor))),
    }
}

#[derive(Template)]
#[template(path = "client.html")]
struct ClientPage {
    layout: Layout,
    id: ClientId,
    name: String,
    archived: bool,
    date_of_birth: String,
    age: i64,
    phone: String,
    email: String,
    notes: Option<String>,
    csrf: String,
    clinical: bool,
    intake: Option<IntakeView>,
    assessments: Vec<(String, String, String)>,
    sessions: Vec<SessionRow>,
    outcomes: Vec<OutcomeLine>,
    plans: Vec<PlanLine>,
    home_care: Option<(String, String, String)>,
    all_instruments: Vec<(&'static str, String)>,
    /// (appointment id, when, therapist, status label), latest first.
    appointments: Vec<(String, String, String, &'static str)>,
    therapists: Vec<(String, String)>,
    /// The client's open links, to copy or e-mail again until used.
    links: Vec<crate::pages::record::links::ShownLink>,
    /// The owner sees the erase form on a client not yet erased.
    erasable: bool,
    confirm_error: Option<String>,
}

pub struct IntakeView {
    status: &'static str,
    meta: String,
    outcome: String,
    outcome_class: &'static str,
    urgency: Option<myomap_clinic::screening::UrgencyView>,
    reasons: Vec<String>,
    precautions: Vec<String>,
    sign: Option<(String, i64)>,
}

struct SessionRow {
    id: String,
    date: String,
    status: &'static str,
    warnings: usize,
    minutes: u16,
    pressure: &'static str,
    techniques: String,
    pain: String,
    soreness24: String,
    soreness48: String,
}

/// The clinical sections of the client page.
#[derive(Default)]
struct RecordSections {
    intake: Option<IntakeView>,
    assessments: Vec<(String, String, String)>,
    sessions: Vec<SessionRow>,
    outcomes: Vec<OutcomeLine>,
    plans: Vec<PlanLine>,
    /// The latest handout: id, date, adherence.
    home_care: Option<(String, String, String)>,
}

/// A treatment plan on the client page.
struct PlanLine {
    id: String,
    title: String,
    progress: String,
    alerts: Vec<&'static str>,
}

/// One instrument on the client page: suggested for the client's conditions,
/// or already answered.
struct OutcomeLine {
    instrument: &'static str,
    name: String,
    suggested: bool,
    latest: String,
}

fn outcome_lines(
    intake: Option<&myomap_store::Intake>,
    questionnaires: &[myomap_store::Questionnaire],
) -> Vec<OutcomeLine> {
    let conditions: Vec<String> = intake.map(|i| i.form.conditions.clone()).unwrap_or_default();
    let suggested = myomap_scoring::suggested_for(&conditions);
    let progress = myomap_clinic::progress::progress(questionnaires);
    myomap_clinic::outcomes::RECORDED
        .iter()
        .filter(|i| suggested.contains(i) || progress.iter().any(|p| p.instrument == i.as_str()))
        .map(|i| {
            let latest = progress.iter().find(|p| p.instrument == i.as_str());
            OutcomeLine {
                instrument: i.as_str(),
                name: i.definition().name.clone(),
                suggested: suggested.contains(i),
                latest: latest.map_or_else(
                    || "not answered yet".to_owned(),
                    |p| {
                        format!(
                            "{} (baseline {}; {})",
                            myomap_clinic::progress::MeasureProgress::shown(p.latest),
                            myomap_clinic::progress::MeasureProgress::shown(p.baseline),
                            p.verdict_label()
                        )
                    },
                ),
            }
        })
        .collect()
}

fn intake_view(intake: &myomap_store::Intake, shown: &Presenter) -> IntakeView {
    use myomap_store::IntakeStatus;
    let verdict = intake.screening.as_ref().map(|s| &s.verdict);
    let strings = |key: &str, inner: Option<&str>| {
        verdict.map_or_else(Vec::new, |v| myomap_clinic::screening::verdict_texts(v, key, inner))
    };
    let outcome = intake
        .screening
        .as_ref()
        .map(|s| s.outcome.as_str())
        .unwrap_or_default();
    let meta = match (intake.status, &intake.submitted_at, &intake.signed_at) {
        (IntakeStatus::Requested, _, _) => "sent to the client, not answered yet".to_owned(),
        (IntakeStatus::Signed, _, Some(at)) => {
            format!(
                "reviewed and signed {} by {}",
                shown.date(*at),
                shown.person(intake.signed_by.as_deref().unwrap_or_default())
            )
        }
        (_, Some(at), _) => format!(
            "answered {}{}; waiting for your review",
            shown.time(*at),
            if intake.submitted_via.as_deref() == Some("client_link") {
                " by the client through the link"
            } else {
                " in the clinic"
            }
        ),
        _ => String::new(),
    };
    IntakeView {
        status: intake.status.as_str(),
        meta,
        outcome: match outcome {
            "" => String::new(),
            stored => myomap_clinic::screening::outcome_label(stored).into(),
        },
        outcome_class: myomap_clinic::screening::outcome_class(outcome),
        urgency: verdict.and_then(|v| myomap_clinic::screening::urgency_view(outcome, v)),
        reasons: strings("reasons", Some("text")),
        precautions: strings("precautions", None),
        sign: (intake.status == IntakeStatus::Submitted).then(|| (intake.id.clone(), intake.version)),
    }
}

/// One row per session: an amended note is shown as its latest amendment,
/// with the soreness check-ins of the note first signed for that session.
fn session_rows(notes: &[myomap_store::NoteRecord]) -> Vec<SessionRow> {
    let by_id: std::collections::HashMap<&str, &myomap_store::NoteRecord> =
        notes.iter().map(|n| (n.id.as_str(), n)).collect();
    notes
        .iter()
        .filter(|n| n.amended_by.is_none())
        .map(|current| {
            let mut first = current;
            // Amendment chains are short; the bound guards a damaged one.
            for _ in 0..notes.len() {
                match first.amends.as_deref().and_then(|id| by_id.get(id)) {
                    Some(earlier) => first = earlier,
                    None => break,
                }
            }
            session_row(current, first)
        })
        .collect()
}

fn session_row(note: &myomap_store::NoteRecord, first_signed: &myomap_store::NoteRecord) -> SessionRow {
    let soreness = |hours: u16| {
        first_signed
            .checkins
            .iter()
            .find(|c| c.due_hours == hours)
            .map(|c| {
                c.answer.as_ref().map_or_else(
                    || "no answer".to_owned(),
                    |a| {
                        let extra = if a.reports_new_symptom() { " +new" } else { "" };
                        format!("{}/10{extra}", a.soreness)
                    },
                )
            })
            .unwrap_or_else(|| "—".to_owned())
    };
    let pain = match (note.note.pain_before, note.note.pain_after) {
        (Some(before), Some(after)) => format!("{before} → {after}"),
        (Some(before), None) => format!("{before} →"),
        _ => "—".to_owned(),
    };
    SessionRow {
        id: note.id.clone(),
        date: note.note.date.clone(),
        status: match (note.status, &note.amends) {
            (myomap_store::NoteStatus::Draft, _) => "draft",
            (_, Some(_)) => "amended",
            _ => "",
        },
        warnings: note.note.discomfort_warnings().len(),
        minutes: note.note.duration_minutes,
        pressure: note.note.firmest_pressure().map_or("—", |p| p.as_str()),
        techniques: note.note.techniques.join(", "),
        pain,
        soreness24: soreness(24),
        soreness48: soreness(48),
    }
}

fn record_sections(record: myomap_store::ClientRecord, today: jiff::civil::Date, shown: &Presenter) -> RecordSections {
    let myomap_store::ClientRecord {
        intake,
        assessments,
        notes,
        questionnaires,
        plans,
        home_care,
        ..
    } = record;
    RecordSections {
        home_care: home_care.first().map(|h| {
            let (summary, _) = myomap_clinic::home_care::adherence(h, today);
            (h.id.clone(), shown.date(h.created_at), summary)
        }),
        plans: plans
            .iter()
            .filter_map(|stored| {
                let draft: myomap_plans::PlanDraft = serde_json::from_value(stored.plan.clone()).ok()?;
                let progress = myomap_clinic::treatment_plans::plan_progress(
                    stored,
                    &draft,
                    &notes,
                    &assessments,
                    &questionnaires,
                );
                let condition = myomap_domain::record::CONDITIONS
                    .iter()
                    .find(|(c, _)| *c == draft.condition)
                    .map_or("", |(_, l)| l);
                let closed = if stored.status == myomap_store::PlanStatus::Closed {
                    " (closed)"
                } else {
                    ""
                };
                Some(PlanLine {
                    id: stored.id.clone(),
                    title: format!("{condition} from {}{closed}", stored.starts_on),
                    progress: format!("{} of {} sessions", progress.sessions_done, progress.sessions_planned),
                    alerts: if closed.is_empty() {
                        progress.alerts.iter().map(|a| a.message()).collect()
                    } else {
                        Vec::new()
                    },
                })
            })
            .collect(),
        outcomes: outcome_lines(intake.as_ref(), &questionnaires),
        intake: intake.as_ref().map(|i| intake_view(i, shown)),
        assessments: assessments
            .iter()
            .map(|a| {
                let pain: Vec<String> = a.record.pain_map.iter().take(4).map(|m| m.site.label()).collect();
                let summary = if pain.is_empty() {
                    "no pain map yet".to_owned()
                } else {
                    format!("pain: {}", pain.join(", "))
                };
                (
                    a.id.clone(),
                    format!("{} by {}", shown.date(a.created_at), shown.person(&a.created_by)),
                    summary,
                )
            })
            .collect(),
        sessions: session_rows(&notes),
    }
}

struct HistoryRow {
    at: String,
    action: String,
    actor: String,
}

/// The client's appointments and who can be booked, for the client page.
#[derive(Default)]
struct ClientSchedule {
    appointments: Vec<(String, String, String, &'static str)>,
    therapists: Vec<(String, String)>,
    links: Vec<crate::pages::record::links::ShownLink>,
}

fn show_client(
    actor: &Actor,
    client: &Client,
    notice: Option<String>,
    record: RecordSections,
    schedule: ClientSchedule,
    erasable: bool,
) -> Response {
    let mut layout = Layout::signed_in(actor, "clients");
    layout.notice = notice;
    render(
        StatusCode::OK,
        &ClientPage {
            layout,
            id: client.id,
            name: client.full_name(),
            archived: client.archived,
            date_of_birth: client.date_of_birth.to_string(),
            age: client.age_on(crate::clinic_today(actor)),
            phone: client.phone.clone().unwrap_or_default(),
            email: client.email.clone().unwrap_or_default(),
            notes: actor
                .role
                .reads_clinical_record()
                .then(|| client.notes.clone().unwrap_or_default()),
            csrf: actor.csrf_token.clone(),
            clinical: actor.role.reads_clinical_record(),
            intake: record.intake,
            assessments: record.assessments,
            sessions: record.sessions,
            outcomes: record.outcomes,
            plans: record.plans,
            home_care: record.home_care,
            all_instruments: myomap_clinic::outcomes::RECORDED
                .iter()
                .map(|i| (i.as_str(), i.definition().name.clone()))
                .collect(),
            appointments: schedule.appointments,
            therapists: schedule.therapists,
            links: schedule.links,
            erasable,
            confirm_error: None,
        },
    )
}

#[derive(Deserialize)]
pub struct ShowParams {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Query(params): Query<ShowParams>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, &actor)?;
    let overview = state
        .store
        .clinic(&actor)
        .client_overview(id)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let appointments = overview.appointments;
    let shown = Presenter::new(&actor, &overview.staff);
    let staff: Vec<_> = overview.staff.into_iter().filter(|s| s.treats_clients()).collect();
    let (client, record, own_therapist) = match overview.record {
        Some(record) => {
            let own = myomap_clinic::schedule::own_therapist(&staff, &appointments, &record.notes, &record.plans)
                .map(|t| t.id.clone());
            let today = crate::clinic_today(&actor);
            (overview.client, record_sections(record, today, &shown), own)
        }
        None => {
            let own = myomap_clinic::schedule::own_therapist(&staff, &appointments, &[], &[]).map(|t| t.id.clone());
            (overview.client, RecordSections::default(), own)
        }
    };
    let notice = params.saved.map(|_| "Saved.".to_owned());
    let zone = myomap_clinic::schedule::zone_of(&actor);
    // The online booking link offers the client's own therapist first.
    let mut therapists: Vec<(String, String)> = staff.into_iter().map(|t| (t.id, t.name)).collect();
    if let Some(own) = &own_therapist {
        therapists.sort_by_key(|(id, _)| id != own);
    }
    let schedule = ClientSchedule {
        appointments: appointments
            .iter()
            .take(12)
            .map(|a| {
                (
                    a.id.clone(),
                    myomap_clinic::schedule::local_text(a.starts_at, &zone),
                    a.therapist_name.clone(),
                    a.status.label(),
                )
            })
            .collect(),
        therapists,
        links: overview
            .links
            .iter()
            .map(|link| crate::pages::record::links::open(&state, &actor, link))
            .collect(),
    };
    let erasable = actor.role == myomap_domain::Role::Owner
        && !state
            .store
            .clinic(&actor)
            .is_erased(id)
            .await
            .map_err(|e| PageError::from((e, &actor)))?;
    Ok(show_client(&actor, &client, notice, record, schedule, erasable))
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    layout: Layout,
    id: ClientId,
    name: String,
    entries: Vec<HistoryRow>,
}

/// How many entries the history page lists, newest first.
const HISTORY_ENTRIES: i64 = 200;

/// The client's audit trail on a page of its own (clinical roles): who read
/// or changed the record and when, by name and on the clinic's clock.
pub async fn history(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, &actor)?;
    let scope = state.store.clinic(&actor);
    let entries = scope
        .client_history(id, HISTORY_ENTRIES)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    let client = scope.get_client(id).await.map_err(|e| PageError::from((e, &actor)))?;
    let shown = Presenter::of(&scope, &actor)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    Ok(render(
        StatusCode::OK,
        &HistoryPage {
            layout: Layout::signed_in(&actor, "clients"),
            id,
            name: client.full_name(),
            entries: entries
                .into_iter()
                .map(|e| HistoryRow {
                    at: shown.time(e.at),
                    action: action_label(&e.action),
                    actor: shown.person(&e.actor),
                })
                .collect(),
        },
    ))
}

/// An audit action as a person reads it.
fn action_label(action: &str) -> String {
    match action {
        "client.create" => "Client added".into(),
        "client.read" => "Client details opened".into(),
        "client.update" => "Client details changed".into(),
        "client.archive" => "Client archived".into(),
        "client.restore" => "Client restored".into(),
        "client.erase" => "Client erased on request".into(),
        "record.read" => "Whole record opened".into(),
        other => {
            let words = other.replace(['.', '_'], " ");
            let mut chars = words.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, &actor)?;
    let client = state
        .store
        .clinic(&actor)
        .get_client(id)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    Ok(form_page(
        StatusCode::OK,
        &actor,
        FormSpec {
            heading: format!("Edit {}", client.full_name()),
            action: format!("/clients/{id}"),
            cancel: format!("/clients/{id}"),
            version: Some(client.version),
            values: &client.fields(),
            errors: &ValidationErrors::default(),
            problem: None,
        },
    ))
}

pub async fn update(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(form): Form<ClientForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, &actor)?;
    let values = form.fields();
    let version = form.version.as_deref().and_then(|v| v.parse::<i64>().ok());
    let refused = |errors: &ValidationErrors, problem: String| {
        form_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &actor,
            FormSpec {
                heading: "Edit client".into(),
                action: format!("/clients/{id}"),
                cancel: format!("/clients/{id}"),
                version,
                values: &values,
                errors,
                problem: Some(problem),
            },
        )
    };
    let Some(version) = version else {
        return Ok(refused(
            &ValidationErrors::default(),
            "The form lost track of which version it edits. Reload the client and edit again.".into(),
        ));
    };
    match clients::update(&state.store, &actor, &SystemClock, id, version, &values).await {
        Ok(_) => Ok(Redirect::to(&format!("/clients/{id}?saved=1")).into_response()),
        Err(ClinicError::Invalid(errors)) => Ok(refused(
            &errors,
            "Some fields need attention; nothing was saved yet.".into(),
        )),
        // Keep what the person typed and say what happened.
        Err(ClinicError::Conflict(m) | ClinicError::Forbidden(m)) => Ok(refused(&ValidationErrors::default(), m)),
        Err(e) => Err(PageError::from((e, &actor))),
    }
}

async fn set_archived(state: &AppState, actor: &Actor, id: &str, archived: bool) -> Result<Response, PageError> {
    let id = parse_id(id, actor)?;
    state
        .store
        .clinic(actor)
        .set_archived(id, archived)
        .await
        .map_err(|e| PageError::from((e, actor)))?;
    Ok(Redirect::to(&format!("/clients/{id}?saved=1")).into_response())
}

pub async fn archive(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    set_archived(&state, &actor, &id, true).await
}

pub async fn restore(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    set_archived(&state, &actor, &id, false).await
}

#[derive(Template)]
#[template(path = "erase.html")]
struct ErasePage {
    layout: Layout,
    id: ClientId,
    name: String,
    csrf: String,
    problem: Option<String>,
    confirm_error: Option<String>,
}

#[derive(Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    confirm: String,
}

/// Erases a client on request (owner only): the typed full name confirms
/// it. A wrong name or a retention period not yet over shows the form again
/// with what is wrong; the other refusals are the usual status pages.
pub async fn erase(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
    Form(form): Form<EraseForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, &actor)?;
    let erased =
        myomap_clinic::erasure::erase_client(&state.store, &actor, &myomap_clinic::SystemClock, id, &form.confirm)
            .await;
    let (status, problem, confirm_error) = match erased {
        Ok(_) => return Ok(Redirect::to(&format!("/clients/{id}?saved=1")).into_response()),
        Err(myomap_clinic::ClinicError::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Nothing was erased.".to_owned(),
            errors.for_field("confirm").map(str::to_owned),
        ),
        Err(myomap_clinic::ClinicError::Conflict(m)) => (StatusCode::CONFLICT, m, None),
        Err(e) => return Err(PageError::from((e, &actor))),
    };
    let client = state
        .store
        .clinic(&actor)
        .get_client(id)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    Ok(render(
        status,
        &ErasePage {
            layout: Layout::signed_in(&actor, "clients"),
            id,
            name: client.full_name(),
            csrf: actor.csrf_token.clone(),
            problem: Some(problem),
            confirm_error,
        },
    ))
}

/// The client's whole record as one ZIP (FHIR bundle, PDF report, photos):
/// therapists and owners; every part is an audited read.
pub async fn export_zip(
    State(state): State<AppState>,
    PageActor(actor): PageActor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, &actor)?;
    let (name, zip) = myomap_clinic::record_export::record_zip(&state.store, &actor, &myomap_clinic::SystemClock, id)
        .await
        .map_err(|e| PageError::from((e, &actor)))?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        zip,
    )
        .into_response())
}
