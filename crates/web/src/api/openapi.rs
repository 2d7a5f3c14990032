//! The OpenAPI document of the JSON API, generated from the handlers'
//! `#[utoipa::path]` annotations and served at `/api/v1/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    atlas, clients, health, home_care, links, outcomes, plans, record, schedule, schemas, score, screening, session,
    staff,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Myomap API",
        description = "Myomap's JSON API: clients, the clinical record (intake and screening, \
assessments with posture photos, session notes, check-ins), client links, and reference data \
(the trigger-point atlas, the referred-pain engine, outcome scoring). Sign in with \
`POST /api/v1/login` and send the token it returns as `Authorization: Bearer TOKEN`; endpoints \
marked with the `bearer` scheme need it (a browser session cookie also works, with the \
`X-CSRF-Token` header on changes). Reference endpoints need no sign-in, and client-link \
endpoints are authorised by the token in their address. Every record is scoped to the caller's \
clinic: another clinic's record answers 404, like a missing one. Errors are RFC 9457 problem \
details (`application/problem+json`): `status`, `title`, a one-line `detail` and, for input \
errors, `errors` naming each field at fault by its path in the body."
    ),
    paths(
        staff::accounts,
        staff::invite,
        staff::set_role,
        staff::deactivate,
        staff::reactivate,
        staff::reset_mfa,
        staff::own_sessions,
        staff::clinic_sessions,
        staff::revoke_session,
        staff::revoke_others,
        staff::settings,
        staff::set_settings,
        schedule::clinic::clinic,
        schedule::clinic::set_clinic,
        schedule::clinic::staff,
        schedule::clinic::add_room,
        schedule::hours::hours,
        schedule::hours::set_hours,
        schedule::slots::slots,
        schedule::time_off::time_off,
        schedule::time_off::add_time_off,
        schedule::time_off::remove_time_off,
        schedule::feed::renew_feed,
        schedule::feed::feed,
        schedule::appointments::list,
        schedule::appointments::book,
        schedule::appointments::read,
        schedule::appointments::reschedule,
        schedule::appointments::set_status,
        schedule::appointments::booking_link,
        schedule::appointments::client_appointments,
        schedule::outbox::outbox,
        schedule::outbox::outbox_sent,
        schedule::outbox::outbox_retry,
        links::list,
        links::email,
        home_care::create,
        home_care::list,
        home_care::read,
        home_care::link,
        home_care::tick,
        plans::protocols,
        plans::protocol,
        plans::list,
        plans::create,
        plans::read,
        plans::update,
        plans::close,
        outcomes::list,
        outcomes::record,
        outcomes::client_progress,
        outcomes::link,
        outcomes::answer_link,
        health::healthz,
        session::login,
        session::logout,
        session::me,
        clients::list,
        clients::create,
        clients::read,
        clients::update,
        clients::archive,
        clients::restore,
        clients::fhir,
        score::score,
        atlas::suggest,
        atlas::muscles,
        atlas::muscle,
        record::intake::screening_questions,
        screening::screen,
        record::intake::get_intake,
        record::intake::submit_intake,
        record::intake::intake_link,
        record::intake::sign_intake,
        record::public::open_link,
        record::public::answer_intake_link,
        record::public::answer_checkin_link,
        record::assessments::list_assessments,
        record::assessments::create_assessment,
        record::assessments::get_assessment,
        record::assessments::update_assessment,
        record::photos::upload_photo,
        record::photos::photo_image,
        record::photos::photo_landmarks,
        record::notes::list_notes,
        record::notes::carry_forward,
        record::notes::create_note,
        record::notes::get_note,
        record::notes::update_note,
        record::notes::sign_note,
        record::notes::amend_note,
        record::checkins::dashboard,
        record::checkins::review_checkin,
        record::checkins::checkin_link,
        document,
    ),
    components(
        schemas(crate::error::Problem, schemas::FieldError),
        responses(
            schemas::BadRequest,
            schemas::Unauthorized,
            schemas::Forbidden,
            schemas::NotFound,
            schemas::Conflict,
            schemas::Gone,
            schemas::PayloadTooLarge,
            schemas::UnsupportedMediaType,
            schemas::InvalidInput,
            schemas::TooManyRequests,
        )
    ),
    modifiers(&BearerScheme, &InputErrors),
    tags(
        (name = "clients", description = "Client (patient) records of the caller's clinic."),
        (name = "session", description = "Signing in and out, and who is signed in."),
        (name = "clinical record", description = "Intake and screening, assessments with posture \
photos, session notes, check-ins and the dashboard. Front desk may not read or write it (403), \
except to send an intake link."),
        (name = "client links", description = "What a client opens from a link the clinic gave them. \
No sign-in: the token in the address is the authorisation; a used or expired link answers 410."),
        (name = "reference", description = "The trigger-point atlas, the referred-pain engine, outcome \
scoring, the screening questions and this document. They hold no client data and need no sign-in."),
        (name = "scheduling", description = "Rooms, therapists' working hours, appointments (booking, \
moving, cancelling, no-shows) with double bookings refused, free slots, calendar feeds, booking links \
for clients, and the outbox of messages to clients. Every role may use it; times are absolute \
(RFC 3339) in answers, with `local_start` in the clinic's time zone."),
        (name = "health", description = "Liveness and database reachability, for load balancers and monitors."),
        (name = "staff", description = "The clinic's staff (invitations, roles, deactivation), signed-in \
sessions (everyone sees and ends their own; owners every session of the clinic) and the clinic's \
settings (name, address, time zone, contact details, changed with their version). Staff changes and \
the clinic's sessions are for owners (403 otherwise)."),
    )
)]
pub struct ApiDoc;

/// The `bearer` security scheme the signed-in endpoints name.
struct BearerScheme;

/// Documents the refusals every operation that reads input can give,
/// whatever its handler: a body that is not JSON (415), malformed (400),
/// too large (413) or not of the expected shape (422), and a query string
/// that cannot be read (400). Schemathesis found them undocumented; adding
/// them here keeps each handler's annotation about its own answers.
struct InputErrors;

impl Modify for InputErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::ParameterIn;
        use utoipa::openapi::{Ref, RefOr};
        for item in openapi.paths.paths.values_mut() {
            for operation in [&mut item.get, &mut item.put, &mut item.post, &mut item.delete]
                .into_iter()
                .flatten()
            {
                let mut statuses = Vec::new();
                if operation.request_body.is_some() {
                    statuses.extend([
                        ("400", "BadRequest"),
                        ("413", "PayloadTooLarge"),
                        ("415", "UnsupportedMediaType"),
                        ("422", "InvalidInput"),
                    ]);
                }
                let reads_query = operation
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| matches!(p.parameter_in, ParameterIn::Query));
                if reads_query {
                    statuses.push(("400", "BadRequest"));
                }
                for (status, response) in statuses {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| RefOr::Ref(Ref::from_response_name(response)));
                }
            }
        }
    }
}

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The token from `POST /api/v1/login`, as `Authorization: Bearer TOKEN`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// This document.
#[utoipa::path(
    get,
    operation_id = "openapi",
    path = "/api/v1/openapi.json",
    tag = "reference",
    responses((status = 200, description = "The OpenAPI document of this API.", body = Object))
)]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::collections::{BTreeMap, BTreeSet};

    use serde_json::{Value, json};

    use super::*;

    const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

    fn doc() -> Value {
        serde_json::to_value(ApiDoc::openapi()).unwrap()
    }

    /// A route of `api/mod.rs`: its path and, per method, the handler.
    #[derive(Debug)]
    struct Route {
        path: String,
        handlers: BTreeMap<String, String>,
    }

    /// The routes registered in `api/mod.rs` with their handlers, read from
    /// its source (the route table knows methods and paths, not handler
    /// names), so that a route added without documentation fails these tests.
    fn routes() -> Vec<Route> {
        let source = include_str!("mod.rs");
        let body = &source[source.find("pub fn table()").expect("api::table")..];
        let body = &body[..body.find("\n}").expect("the end of api::table")];
        let mut routes: Vec<Route> = Vec::new();
        let mut rest = body;
        while let Some(start) = rest.find("\n        .") {
            let call = &rest[start + "\n        .".len()..];
            let open = call.find('(').expect("a route call opens");
            let registrar = &call[..open];
            let call = &call[open + 1..];
            let mut depth = 1;
            let end = call
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map(|(i, _)| i)
                .expect("a route call closes");
            let args = &call[..end];
            rest = &call[end..];
            let method = match registrar {
                "post_up_to" => "post",
                other => other,
            };
            assert!(METHODS.contains(&method), "unknown route registrar {registrar}");
            let path = args.split('"').nth(1).expect("a route path").to_owned();
            let handler = args
                .rsplit(',')
                .map(str::trim)
                .find(|a| !a.is_empty())
                .expect("a handler")
                .to_owned();
            match routes.iter_mut().find(|r| r.path == path) {
                Some(route) => {
                    route.handlers.insert(method.to_owned(), handler);
                }
                None => routes.push(Route {
                    path,
                    handlers: BTreeMap::from([(method.to_owned(), handler)]),
                }),
            }
        }
        assert!(routes.len() > 30, "found only {} routes", routes.len());
        let listed: usize = routes.iter().map(|r| r.handlers.len()).sum();
        assert_eq!(listed, crate::api_routes().len(), "routes read from the source");
        routes
    }

    /// Whether a handler asks for a signed-in caller: its signature takes an
    /// `ApiActor`.
    fn needs_sign_in(handler: &str) -> bool {
        let (module, name) = handler.rsplit_once("::").unwrap_or(("mod", handler));
        let source = match module {
            "atlas" => include_str!("atlas.rs"),
            "clients" => include_str!("clients.rs"),
            "health" => include_str!("health.rs"),
            "openapi" => include_str!("openapi.rs"),
            "outcomes" => include_str!("outcomes.rs"),
            "plans" => include_str!("plans.rs"),
            "home_care" => include_str!("home_care.rs"),
            "links" => include_str!("links.rs"),
            "record::assessments" => include_str!("record/assessments.rs"),
            "record::checkins" => include_str!("record/checkins.rs"),
            "record::intake" => include_str!("record/intake.rs"),
            "record::notes" => include_str!("record/notes.rs"),
            "record::photos" => include_str!("record/photos.rs"),
            "record::public" => include_str!("record/public.rs"),
            "score" => include_str!("score.rs"),
            "screening" => include_str!("screening.rs"),
            "session" => include_str!("session.rs"),
            "schedule::appointments" => include_str!("schedule/appointments.rs"),
            "schedule::clinic" => include_str!("schedule/clinic.rs"),
            "schedule::feed" => include_str!("schedule/feed.rs"),
            "schedule::hours" => include_str!("schedule/hours.rs"),
            "schedule::outbox" => include_str!("schedule/outbox.rs"),
            "schedule::slots" => include_str!("schedule/slots.rs"),
            "schedule::time_off" => include_str!("schedule/time_off.rs"),
            "staff" => include_str!("staff.rs"),
            other => panic!("handler module {other} is not known to the OpenAPI tests"),
        };
        let start = source
            .find(&format!("pub async fn {name}("))
            .unwrap_or_else(|| panic!("no handler {handler}"));
        let signature = &source[start..];
        let signature = &signature[..signature.find('{').unwrap_or(signature.len())];
        signature.contains("ApiActor")
    }

    fn operations(doc: &Value, path: &str) -> BTreeMap<String, Value> {
        let item = doc["paths"][path]
            .as_object()
            .unwrap_or_else(|| panic!("{path} is not documented"));
        item.iter()
            .filter(|(key, _)| METHODS.contains(&key.as_str()))
            .map(|(key, op)| (key.clone(), op.clone()))
            .collect()
    }

    #[test]
    fn the_document_is_openapi_3_with_info_and_bearer_scheme() {
        let text = serde_json::to_string(&ApiDoc::openapi()).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{}", doc["openapi"]);
        assert_eq!(doc["info"]["title"], "Myomap API");
        assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
        assert!(doc["info"]["description"].as_str().unwrap().contains("Bearer"));
        let scheme = &doc["components"]["securitySchemes"]["bearer"];
        assert_eq!(
            (scheme["type"].as_str(), scheme["scheme"].as_str()),
            (Some("http"), Some("bearer"))
        );
        let problem = &doc["components"]["schemas"]["Problem"];
        for field in ["status", "title", "detail", "errors"] {
            assert!(problem["properties"][field].is_object(), "Problem.{field}");
        }
        let tags: BTreeSet<&str> = doc["tags"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        let expected = [
            "clients",
            "session",
            "clinical record",
            "client links",
            "reference",
            "scheduling",
            "health",
            "staff",
        ];
        assert_eq!(tags, expected.into_iter().collect());
    }

    #[test]
    fn every_route_is_documented_with_its_methods_and_nothing_else_is() {
        let doc = doc();
        let routes = routes();
        for route in &routes {
            let documented: BTreeSet<String> = operations(&doc, &route.path).into_keys().collect();
            let routed: BTreeSet<String> = route.handlers.keys().cloned().collect();
            assert_eq!(documented, routed, "methods of {}", route.path);
        }
        let routed: BTreeSet<&str> = routes.iter().map(|r| r.path.as_str()).collect();
        let documented: BTreeSet<&str> = doc["paths"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(documented, routed, "documented paths that are not routes");
    }

    #[test]
    fn every_operation_has_a_tag_a_success_and_problem_errors() {
        let doc = doc();
        let tags: Vec<&str> = doc["tags"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        let mut operation_ids = BTreeSet::new();
        for route in routes() {
            for (method, op) in operations(&doc, &route.path) {
                let at = format!("{method} {}", route.path);
                let id = op["operationId"].as_str().unwrap_or_default().to_owned();
                assert!(operation_ids.insert(id.clone()), "{at}: operationId {id} is not unique");
                let summary = op["summary"].as_str().unwrap_or_default();
                assert!(
                    !summary.is_empty() && !summary.contains('\n'),
                    "{at}: summary {summary:?}"
                );
                let tag = op["tags"][0].as_str().unwrap_or_else(|| panic!("{at} has no tag"));
                assert!(tags.contains(&tag), "{at}: tag {tag} is not declared");
                let responses = op["responses"].as_object().unwrap();
                assert!(
                    responses.keys().any(|s| s.starts_with('2')),
                    "{at} has no success response"
                );
                for (status, response) in responses {
                    if status.starts_with('4') {
                        let reference = response["$ref"].as_str().unwrap_or_default();
                        assert!(
                            reference.starts_with("#/components/responses/"),
                            "{at} {status}: {response}"
                        );
                        let name = reference.rsplit('/').next().unwrap();
                        let shared = &doc["components"]["responses"][name];
                        let schema = &shared["content"]["application/problem+json"]["schema"]["$ref"];
                        assert_eq!(schema, "#/components/schemas/Problem", "{at} {status}");
                    }
                }
                let path_params: BTreeSet<&str> = route
                    .path
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split('}').next())
                    .collect();
                let documented: BTreeSet<&str> = op["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .filter(|p| p["in"] == "path")
                            .filter_map(|p| p["name"].as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                assert_eq!(documented, path_params, "{at}: path parameters");
            }
        }
    }

    #[test]
    fn signed_in_endpoints_declare_the_bearer_scheme_and_public_ones_do_not() {
        let doc = doc();
        let mut public = BTreeSet::new();
        for route in routes() {
            let operations = operations(&doc, &route.path);
            for (method, handler) in &route.handlers {
                let op = &operations[method];
                let secured = op["security"]
                    .as_array()
                    .is_some_and(|reqs| reqs.iter().any(|r| r.get("bearer").is_some()));
                let at = format!("{method} {} ({handler})", route.path);
                assert_eq!(secured, needs_sign_in(handler), "{at}: bearer scheme");
                let statuses: Vec<&str> = op["responses"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .map(String::as_str)
                    .collect();
                if secured {
                    assert!(statuses.contains(&"401"), "{at}: no 401 answer");
                }
                if !secured {
                    public.insert(route.path.clone());
                }
            }
        }
        // The endpoints the architecture names as needing no sign-in.
        for path in [
            "/healthz",
            "/api/v1/login",
            "/api/v1/openapi.json",
            "/api/v1/suggest",
            "/api/v1/score/{instrument}",
            "/api/v1/screening/questions",
            "/api/v1/screening",
            "/api/v1/atlas/muscles",
            "/api/v1/atlas/muscles/{id}",
            "/api/v1/links/{token}",
            "/api/v1/links/{token}/intake",
            "/api/v1/links/{token}/checkin",
            "/api/v1/links/{token}/questionnaire",
            "/api/v1/protocols",
            "/api/v1/protocols/{id}",
            "/api/v1/links/{token}/home-care",
            "/calendar/{token}",
        ] {
            assert!(public.remove(path), "{path} should need no sign-in");
        }
        assert!(public.is_empty(), "unexpectedly public: {public:?}");
    }

    #[test]
    fn the_size_limits_named_are_those_in_force() {
        let doc = doc();
        let too_large = doc["components"]["responses"]["PayloadTooLarge"]["description"]
            .as_str()
            .unwrap();
        let json_limit = format!("{} KiB for JSON bodies", crate::MAX_BODY_BYTES / 1024);
        let photo_limit = format!("{} MiB", myomap_store::MAX_PHOTO_BYTES / (1024 * 1024));
        assert!(too_large.contains(&json_limit), "{too_large}");
        assert!(too_large.contains(&photo_limit), "{too_large}");
        let upload = &doc["paths"]["/api/v1/assessments/{id}/photos"]["post"]["requestBody"]["description"];
        assert!(upload.as_str().unwrap().contains(&photo_limit), "{upload}");
    }

    #[test]
    fn the_score_endpoint_names_every_instrument() {
        let doc = doc();
        let description = doc["paths"]["/api/v1/score/{instrument}"]["post"]["parameters"][0]["description"]
            .as_str()
            .unwrap();
        for instrument in myomap_scoring::Instrument::ALL {
            assert!(description.contains(&format!("`{instrument}`")), "{instrument}");
        }
    }

    // ------------------------------------------ schemas against real output

    /// Checks values against the document's schemas: object keys against the
    /// properties (none unknown, every required one present), types and
    /// enums, through `$ref`, `allOf`, `oneOf` and array items; free-form
    /// objects accept anything. It also notes which keys each named schema
    /// was seen with, so that a test can ask that every documented property
    /// was seen in real output at least once.
    struct Checker {
        doc: Value,
        errors: Vec<String>,
        seen: BTreeMap<String, BTreeSet<String>>,
    }

    impl Checker {
        fn new() -> Checker {
            Checker {
                doc: doc(),
                errors: Vec::new(),
                seen: BTreeMap::new(),
            }
        }

        fn component(&self, reference: &str) -> (String, Value) {
            let name = reference.rsplit('/').next().unwrap().to_owned();
            let schema = self.doc["components"]["schemas"][&name].clone();
            assert!(schema.is_object(), "dangling {reference}");
            (name, schema)
        }

        /// `value` must fit the component schema `name`.
        fn fits(&mut self, name: &str, value: &Value) {
            let before = self.errors.len();
            self.check(&json!({"$ref": format!("#/components/schemas/{name}")}), value, name);
            if self.errors.len() > before {
                self.errors.push(format!("    in {value:#}"));
            }
        }

        fn check(&mut self, schema: &Value, value: &Value, at: &str) {
            if let Some(reference) = schema["$ref"].as_str() {
                let (name, target) = self.component(reference);
                if let Some(object) = value.as_object() {
                    self.seen.entry(name).or_default().extend(object.keys().cloned());
                }
                return self.check(&target, value, at);
            }
            if let Some(options) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
                let before = self.errors.len();
                let fits = options.iter().any(|option| {
                    let mut trial = Checker {
                        doc: Value::Null,
                        errors: Vec::new(),
                        seen: BTreeMap::new(),
                    };
                    std::mem::swap(&mut trial.doc, &mut self.doc);
                    trial.check(option, value, at);
                    std::mem::swap(&mut trial.doc, &mut self.doc);
                    let fits = trial.errors.is_empty();
                    if fits {
                        for (name, keys) in trial.seen {
                            self.seen.entry(name).or_default().extend(keys);
                        }
                    }
                    fits
                });
                if !fits {
                    self.errors.truncate(before);
                    self.errors
                        .push(format!("{at}: {value} fits none of {}", Value::Array(options.clone())));
                }
                return;
            }
            let mut properties = serde_json::Map::new();
            let mut required = Vec::new();
            let parts: Vec<Value> = match schema["allOf"].as_array() {
                Some(parts) => parts.clone(),
                None => vec![schema.clone()],
            };
            for part in parts {
                let part = match part["$ref"].as_str() {
                    Some(reference) => self.component(reference).1,
                    None => part,
                };
                if let Some(props) = part["properties"].as_object() {
                    properties.extend(props.clone());
                }
                if let Some(req) = part["required"].as_array() {
                    required.extend(req.iter().filter_map(Value::as_str).map(str::to_owned));
                }
                self.check_type(&part, value, at);
            }
            if let Some(object) = value.as_object()
                && !properties.is_empty()
            {
                for key in object.keys() {
                    if !properties.contains_key(key) {
                        self.errors.push(format!("{at}: undocumented key {key}"));
                    }
                }
                for key in &required {
                    if !object.contains_key(key) {
                        self.errors.push(format!("{at}: required key {key} is missing"));
                    }
                }
                for (key, property) in &properties {
                    if let Some(inner) = object.get(key) {
                        self.check(property, inner, &format!("{at}.{key}"));
                    }
                }
            }
            if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
                for (i, item) in array.iter().enumerate() {
                    self.check(items, item, &format!("{at}[{i}]"));
                }
            }
        }

        fn check_type(&mut self, schema: &Value, value: &Value, at: &str) {
            let types: Vec<&str> = match &schema["type"] {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            let fits = types.is_empty()
                || types.iter().any(|t| match *t {
                    "object" => value.is_object(),
                    "array" => value.is_array(),
                    "string" => value.is_string(),
                    "integer" => value.is_i64() || value.is_u64(),
                    "number" => value.is_number(),
                    "boolean" => value.is_boolean(),
                    "null" => value.is_null(),
                    _ => true,
                });
            if !fits {
                self.errors.push(format!("{at}: {value} is not {types:?}"));
            }
            if let Some(allowed) = schema["enum"].as_array()
                && !value.is_null()
                && !allowed.contains(value)
            {
                self.errors.push(format!("{at}: {value} is not one of {allowed:?}"));
            }
        }

        /// Every value fitted, and every property of every named schema
        /// met was seen at least once: no documented field that the code
        /// never sends (or, for requests, never accepts).
        fn finish(self) {
            let mut errors = self.errors;
            for (name, keys) in &self.seen {
                let properties = self.doc["components"]["schemas"][name]["properties"].as_object();
                for property in properties.into_iter().flat_map(|p| p.keys()) {
                    if !keys.contains(property) {
                        errors.push(format!("{name}.{property} never seen in the samples"));
                    }
                }
            }
            assert!(errors.is_empty(), "{}", errors.join("\n"));
        }
    }

    fn value<T: serde::Serialize>(v: &T) -> Value {
        serde_json::to_value(v).unwrap()
    }

    mod samples {
        use axum::http::StatusCode;
        use jiff::Timestamp;
        use myomap_domain::record::{AssessmentRecord, CheckinAnswer, IntakeForm, SessionNote};
        use myomap_domain::{Client, ClientId};
        use myomap_screening::ScreeningAnswers;
        use myomap_store::{Assessment, Checkin, Intake, IntakeStatus, IssuedLink, NoteRecord, NoteStatus, PhotoMeta};
        use serde_json::json;

        pub fn client() -> Client {
            Client {
                id: ClientId::new(),
                given_name: "Ada".into(),
                family_name: "Byron".into(),
                date_of_birth: jiff::civil::date(1985, 12, 10),
                email: Some("ada@example.test".into()),
                phone: None,
                notes: None,
                archived: false,
                created_at: Timestamp::now(),
                updated_at: Timestamp::now(),
                version: 3,
            }
        }

        pub fn intake_form() -> IntakeForm {
            IntakeForm {
                reason_for_visit: "neck pain".into(),
                long_sitting: true,
                ..IntakeForm::default()
            }
        }

        pub fn screening_answers() -> ScreeningAnswers {
            serde_json::from_value(json!({"answers": [
                {"question": "recent_fracture_or_surgery", "sites": [{"area": "leg.calf", "side": "left"}]}
            ]}))
            .unwrap()
        }

        pub fn intake(answered: bool) -> Intake {
            Intake {
                id: "intake-1".into(),
                client_id: ClientId::new(),
                status: if answered {
                    IntakeStatus::Signed
                } else {
                    IntakeStatus::Requested
                },
                form: if answered { intake_form() } else { IntakeForm::default() },
                screening: answered
                    .then(|| myomap_clinic::screening::screen(&intake_form(), Some(52), &screening_answers()).unwrap()),
                submitted_via: answered.then(|| "client_link".into()),
                submitted_at: answered.then(Timestamp::now),
                signed_by: answered.then(|| "therapist@demo.test".into()),
                signed_at: answered.then(Timestamp::now),
                version: 2,
            }
        }

        pub fn assessment_record() -> AssessmentRecord {
            serde_json::from_value(json!({
                "posture": [{"finding": "forward_head"}],
                "tone": [{"muscle": "upper_trapezius", "side": "left", "tone": "hypertonic"}],
                "pain_map": [
                    {"area": "head.temple", "side": "right", "intensity": 7, "quality": "aching"},
                    {"area": "chest.sternum", "intensity": 3, "quality": "sharp"}
                ],
                "findings": [{"muscle": "temporalis", "trigger_point": "tp1", "side": "right",
                              "activity": "active", "referral_reproduced": true, "ppt_kg_cm2": 2.5}],
                "notes": "tight"
            }))
            .unwrap()
        }

        pub fn assessment() -> Assessment {
            Assessment {
                id: "assessment-1".into(),
                client_id: ClientId::new(),
                record: assessment_record(),
                created_by: "therapist@demo.test".into(),
                created_at: Timestamp::now(),
                updated_at: Timestamp::now(),
                version: 1,
            }
        }

        pub fn photo(landmarks: serde_json::Value) -> PhotoMeta {
            PhotoMeta {
                id: "photo-1".into(),
                assessment_id: "assessment-1".into(),
                view: "side".into(),
                content_type: "image/png".into(),
                width: 600,
                height: 900,
                landmarks,
                created_at: Timestamp::now(),
            }
        }

        pub fn session_note() -> SessionNote {
            serde_json::from_value(json!({
                "date": "2025-03-01",
                "duration_minutes": 60,
                "techniques": ["ischemic_compression"],
                "pain_before": 6,
                "treated": [{"muscle": "upper_trapezius", "side": "left", "pressure": "firm",
                             "checks": [{"discomfort": 8}, {"discomfort": 4, "sharp": true}]},
                            {"muscle": "temporalis", "side": "right", "trigger_point": "tp1", "pressure": "light"}]
            }))
            .unwrap()
        }

        pub fn checkin(answered: bool) -> Checkin {
            Checkin {
                id: "checkin-1".into(),
                note_id: "note-1".into(),
                client_id: ClientId::new(),
                due_hours: 48,
                due_at: Timestamp::now(),
                answer: answered.then(|| CheckinAnswer {
                    soreness: 5,
                    areas: serde_json::from_value(
                        json!([{"area": "neck.back", "side": "left"}, {"area": "chest.sternum"}]),
                    )
                    .unwrap(),
                    numbness: true,
                    ..CheckinAnswer::default()
                }),
                answered_at: answered.then(Timestamp::now),
                reviewed_at: None,
            }
        }

        pub fn note(signed: bool) -> NoteRecord {
            NoteRecord {
                id: "note-1".into(),
                client_id: ClientId::new(),
                assessment_id: signed.then(|| "assessment-1".into()),
                note: session_note(),
                status: if signed { NoteStatus::Signed } else { NoteStatus::Draft },
                amends: None,
                amendment_reason: None,
                amended_by: None,
                signed_by: signed.then(|| "therapist@demo.test".into()),
                signed_at: signed.then(Timestamp::now),
                created_by: "therapist@demo.test".into(),
                created_at: Timestamp::now(),
                version: 1,
                referral_reason: signed.then(|| "Cleared by the client's physician by letter.".into()),
                checkins: if signed {
                    vec![checkin(true), checkin(false)]
                } else {
                    Vec::new()
                },
            }
        }

        pub fn link() -> IssuedLink {
            IssuedLink {
                token: "tok".into(),
                expires_at: Timestamp::now(),
                purpose: myomap_store::LinkPurpose::Checkin,
                target_id: "0190d8e2-0000-7000-8000-000000000001".into(),
            }
        }

        pub const PUBLIC_URL: &str = "https://clinic.test";

        pub fn problem() -> crate::error::Problem {
            crate::error::Problem::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid input",
                "areas[0].side",
                "is sided",
            )
        }
    }

    #[test]
    fn response_schemas_describe_what_the_handlers_send() {
        use myomap_domain::Role;

        use super::super::clients::client_json;
        use super::super::record::{
            assessment_json, checkin_json, intake_json, link_json, note_json, signed_note_json,
        };
        use myomap_clinic::notes::EmailOutcome;

        let mut checker = Checker::new();
        let mut client = samples::client();
        checker.fits("Client", &client_json(&client, Role::FrontDesk));
        client.notes = Some("prefers light pressure".into());
        checker.fits("Client", &client_json(&client, Role::Therapist));
        client.notes = None;
        checker.fits("Client", &client_json(&client, Role::Owner));

        checker.fits("Intake", &intake_json(&samples::intake(false)));
        checker.fits("Intake", &intake_json(&samples::intake(true)));
        checker.fits("IssuedLink", &link_json(samples::PUBLIC_URL, &samples::link()));
        let open = myomap_store::OpenLink {
            purpose: myomap_store::LinkPurpose::Intake,
            target_id: "intake-1".into(),
            token: "tok".into(),
            created_at: jiff::Timestamp::now(),
            expires_at: jiff::Timestamp::now(),
        };
        checker.fits(
            "OpenLink",
            &super::super::links::open_link_json(samples::PUBLIC_URL, &open),
        );
        for relay in [true, false] {
            checker.fits(
                "LinkEmailed",
                &super::super::links::emailed_json("message-1", samples::client().id, relay),
            );
        }

        let landmarks = value(&myomap_clinic::photos::Landmarks {
            points: serde_json::from_value(json!([
                {"landmark": "ear_left", "at": {"x": 300.0, "y": 100.0}},
                {"landmark": "acromion_left", "at": {"x": 310.0, "y": 250.0}}
            ]))
            .unwrap(),
            profile: Some(myomap_domain::Side::Left),
        });
        let photos = [samples::photo(json!({})), samples::photo(landmarks)];
        for photo in &photos {
            checker.fits("Photo", &crate::photos::photo_json(photo));
        }
        checker.fits("Assessment", &assessment_json(&samples::assessment(), &photos));

        checker.fits("Checkin", &checkin_json(&samples::checkin(false)));
        checker.fits("Checkin", &checkin_json(&samples::checkin(true)));
        checker.fits("Note", &note_json(&samples::note(false)));
        let signed = samples::note(true);
        checker.fits("Note", &note_json(&signed));
        let links: Vec<_> = signed.checkins.iter().map(|c| (c.clone(), samples::link())).collect();
        for email in [
            EmailOutcome::Queued {
                to: "ada@example.test".into(),
                message_id: "message-1".into(),
            },
            EmailOutcome::ByHand {
                reason: "Email is not set up on this server.".into(),
                message_id: "message-1".into(),
            },
            EmailOutcome::Failed("database unavailable".into()),
        ] {
            checker.fits(
                "SignedNote",
                &signed_note_json(samples::PUBLIC_URL, &signed, &links, &email),
            );
        }
        let mut amending = samples::note(true);
        amending.amends = Some("note-0".into());
        amending.amendment_reason = Some("wrong side".into());
        amending.amended_by = Some("note-2".into());
        checker.fits("Note", &note_json(&amending));
        checker.fits(
            "CarryForward",
            &json!({"note": myomap_clinic::notes::carried_forward(&[signed], "2025-03-08")}),
        );

        checker.fits("Problem", &value(&samples::problem()));
        checker.fits("Problem", &value(&crate::error::Problem::not_found("client")));
        checker.finish();
    }

    #[test]
    fn reference_schemas_describe_what_the_handlers_send() {
        let mut checker = Checker::new();
        let areas: Vec<myomap_domain::PainEntry> = serde_json::from_value(json!([
            {"area": "head.temple", "side": "right", "intensity": 7},
            {"area": "face.upper_teeth", "side": "right"},
            {"area": "chest.sternum"}
        ]))
        .unwrap();
        checker.fits("Suggestions", &json!(myomap_atlas::suggest(&areas, 10)));
        checker.fits(
            "ScreeningQuestions",
            &json!({"questions": myomap_screening::questions()}),
        );
        checker.fits("MuscleList", &json!({"muscles": myomap_atlas::atlas().muscles()}));
        for input in [
            json!({"conditions": ["sciatica"], "age": 52, "answers": [{"question": "bowel_bladder_change"},
                   {"question": "recent_fracture_or_surgery", "sites": [{"area": "leg.calf", "side": "left"}]}]}),
            json!({}),
        ] {
            checker.fits("ScreeningResult", &myomap_screening::screen_json(&input).unwrap());
        }
        checker.finish();
    }

    /// The request body accepted as `T` by the same parser the handlers use.
    fn accepts<T: serde::de::DeserializeOwned>(body: &Value) -> Result<(), String> {
        crate::json::parse::<T>(body.to_string().as_bytes())
            .map(|_| ())
            .map_err(|p| p.detail)
    }

    #[test]
    fn request_schemas_describe_what_the_handlers_accept() {
        use super::super::{atlas, clients, record, session};

        let mut checker = Checker::new();
        // The mirrors of domain types, against those types' own JSON.
        checker.fits("IntakeForm", &value(&samples::intake_form()));
        checker.fits("ScreeningAnswers", &value(&samples::screening_answers()));
        checker.fits("AssessmentRecord", &value(&samples::assessment_record()));
        checker.fits("SessionNote", &value(&samples::session_note()));
        checker.fits("CheckinAnswer", &value(&samples::checkin(true).answer.unwrap()));
        let entry: myomap_domain::PainEntry =
            serde_json::from_value(json!({"area": "head.temple", "side": "right", "intensity": 7})).unwrap();
        checker.fits("PainEntry", &value(&entry));

        // Whole bodies: documented, and accepted by the handler's type.
        let note = value(&samples::session_note());
        type Accepts = fn(&Value) -> Result<(), String>;
        let bodies: [(&str, Value, Accepts); 12] = [
            (
                "ScreeningRequest",
                json!({"conditions": ["back_pain"], "age": 61, "answers": [{"question": "skin_lesion_at_site",
                       "sites": [{"area": "leg.calf", "side": "left"}]}]}),
                |body| myomap_screening::read_json(body).map(|_| ()).map_err(|e| e.to_string()),
            ),
            (
                "ClientBody",
                json!({"given_name": "Ada", "family_name": "Byron", "date_of_birth": "1985-12-10",
                       "email": "ada@example.test", "phone": "+44 20 7946 0000", "notes": "", "version": 2}),
                accepts::<clients::ClientBody>,
            ),
            (
                "LoginBody",
                json!({"email": "a@b.test", "password": "x", "totp": "123456"}),
                accepts::<session::LoginBody>,
            ),
            (
                "SuggestBody",
                json!({"areas": [{"area": "head.temple", "side": "right", "intensity": 4}], "top": 3}),
                accepts::<atlas::SuggestBody>,
            ),
            (
                "IntakeBody",
                json!({"form": value(&samples::intake_form()), "screening": value(&samples::screening_answers())}),
                accepts::<record::intake::IntakeBody>,
            ),
            (
                "VersionBody",
                json!({"version": 2}),
                accepts::<record::intake::VersionBody>,
            ),
            (
                "SignBody",
                json!({"version": 2, "referral_reason": "Cleared by the client's physician by letter."}),
                accepts::<record::notes::SignBody>,
            ),
            (
                "AssessmentUpdate",
                json!({"version": 2, "record": value(&samples::assessment_record())}),
                accepts::<record::assessments::AssessmentUpdate>,
            ),
            (
                "NoteBody",
                json!({"assessment_id": "assessment-1", "note": note}),
                accepts::<record::notes::NoteBody>,
            ),
            (
                "NoteUpdate",
                json!({"version": 1, "note": note}),
                accepts::<record::notes::NoteUpdate>,
            ),
            (
                "AmendBody",
                json!({"note": note, "reason": "typo"}),
                accepts::<record::notes::AmendBody>,
            ),
            (
                "LandmarksBody",
                json!({"points": [{"landmark": "ear_left", "at": {"x": 1.5, "y": 2}}], "profile": "left"}),
                accepts::<myomap_clinic::photos::Landmarks>,
            ),
        ];
        for (name, body, accepts) in &bodies {
            checker.fits(name, body);
            if let Err(e) = accepts(body) {
                panic!("{name} refuses its documented form {body}: {e}");
            }
        }
        checker.finish();
    }
}
