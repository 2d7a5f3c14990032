//! Every page of the product, in a real Chromium at the size it is used at:
//! a client's link pages on a 360×740 phone, staff pages on a 1024×768
//! tablet. On each page the document must not scroll sideways and axe-core
//! (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA) must find nothing serious or
//! critical. axe-core comes from npm through `tests/axe/install.sh`.
//!
//! A new page is one line in [`pages`]; the ids and links its address needs
//! are made once in [`Ids::gather`] from demo data built by the real binary.

use std::fmt::Write as _;
use std::path::PathBuf;

use fantoccini::{Client, Locator};
use myomap_testkit::TestDb;
use serde_json::{Value, json};

use crate::browser::{screenshot, sign_in, start_browser};
use crate::harness::{Api, Server, cli, report, text};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Who {
    /// No session: the sign-in page.
    Nobody,
    /// A client on a phone, through a link (no session).
    Client,
    Therapist,
    FrontDesk,
    Owner,
}

impl Who {
    fn viewport(self) -> (u32, u32) {
        match self {
            Who::Client => (360, 740),
            _ => (1024, 768),
        }
    }

    fn account(self) -> Option<(&'static str, &'static str)> {
        match self {
            Who::Nobody | Who::Client => None,
            Who::Therapist => Some(("therapist@demo.test", "demo-therapist")),
            Who::FrontDesk => Some(("frontdesk@demo.test", "demo-frontdesk")),
            Who::Owner => Some(("owner@demo.test", "demo-clinic-owner")),
        }
    }
}

struct Page {
    name: &'static str,
    who: Who,
    path: fn(&Ids) -> String,
}

const fn page(name: &'static str, who: Who, path: fn(&Ids) -> String) -> Page {
    Page { name, who, path }
}

/// Every page, one line each.
fn pages() -> Vec<Page> {
    use Who::{Client, FrontDesk, Nobody, Owner, Therapist};
    vec![
        page("sign-in", Nobody, |_| "/login".into()),
        page("intake link", Client, |ids| ids.intake_link.clone()),
        page("questionnaire link", Client, |ids| ids.questionnaire_link.clone()),
        page("online booking link", Client, |ids| ids.booking_link.clone()),
        page("home-care link", Client, |ids| ids.home_care_link.clone()),
        page("check-in link", Client, |ids| ids.checkin_link.clone()),
        page("appointment link", Client, |ids| ids.appointment_link.clone()),
        page("dashboard", Therapist, |_| "/dashboard".into()),
        page("clients list", Therapist, |_| "/clients".into()),
        page("client search", Therapist, |_| "/clients?q=okafor".into()),
        page("new client form", Therapist, |_| "/clients/new".into()),
        page("client page", Therapist, |ids| format!("/clients/{}", ids.okafor)),
        page("client edit form", Therapist, |ids| {
            format!("/clients/{}/edit", ids.okafor)
        }),
        page("client history", Therapist, |ids| {
            format!("/clients/{}/history", ids.okafor)
        }),
        page("intake review", Therapist, |ids| format!("/clients/{}", ids.moreau)),
        page("assessment", Therapist, |ids| {
            format!("/assessments/{}", ids.assessment)
        }),
        page("session note form", Therapist, |ids| {
            format!("/clients/{}/sessions/new", ids.okafor)
        }),
        page("session note draft", Therapist, |ids| {
            format!("/sessions/{}", ids.draft_note)
        }),
        page("session note signed", Therapist, |ids| {
            format!("/sessions/{}", ids.signed_note)
        }),
        page("session amendment form", Therapist, |ids| {
            format!("/sessions/{}/amend", ids.signed_note)
        }),
        page("questionnaire form", Therapist, |ids| {
            format!("/clients/{}/questionnaires/new?instrument=ndi", ids.okafor)
        }),
        page("outcome progress", Therapist, |ids| {
            format!("/clients/{}/progress", ids.raman)
        }),
        page("plan form", Therapist, |ids| {
            format!("/clients/{}/plans/new?protocol=tmj", ids.raman)
        }),
        page("plan", Therapist, |ids| format!("/plans/{}", ids.plan)),
        page("plan edit form", Therapist, |ids| format!("/plans/{}/edit", ids.plan)),
        page("home-care handout", Therapist, |ids| {
            format!("/home-care/{}", ids.handout)
        }),
        page("schedule day", Therapist, |ids| format!("/schedule?day={}", ids.monday)),
        page("schedule week", Therapist, |_| "/schedule/week".into()),
        page("schedule next week", FrontDesk, |ids| {
            format!("/schedule/week?day={}", ids.monday)
        }),
        page("booking form", FrontDesk, |_| "/schedule/book?q=okafor".into()),
        page("booking form for a client", FrontDesk, |ids| {
            format!("/schedule/book?client={}", ids.okafor)
        }),
        page("appointment", FrontDesk, |ids| {
            format!("/appointments/{}", ids.appointment)
        }),
        page("messages", FrontDesk, |_| "/messages".into()),
        page("schedule settings", Owner, |_| "/schedule/settings".into()),
        page("backups", Owner, |_| "/settings/backups".into()),
        page("staff", Owner, |_| "/settings/staff".into()),
        page("clinic settings", Owner, |_| "/settings/clinic".into()),
        page("security settings", Owner, |_| "/settings/security".into()),
        page("sessions", Owner, |_| "/settings/sessions".into()),
        page("two-factor set-up", Therapist, |_| "/account/mfa".into()),
        page("client page (owner)", Owner, |ids| format!("/clients/{}", ids.okafor)),
        page("atlas", Therapist, |_| "/atlas".into()),
        page("atlas search", Therapist, |_| "/atlas?q=heel".into()),
        page("atlas muscle", Therapist, |_| "/atlas/upper_trapezius".into()),
    ]
}

/// The records and links the pages show, made from the demo clinic.
struct Ids {
    /// Maya Okafor: assessment, signed sessions.
    okafor: String,
    /// Priya Raman: outcome measures.
    raman: String,
    /// Daniel Moreau: an intake waiting for review.
    moreau: String,
    assessment: String,
    signed_note: String,
    draft_note: String,
    plan: String,
    handout: String,
    appointment: String,
    /// A working day of the demo's populated fortnight.
    monday: String,
    intake_link: String,
    questionnaire_link: String,
    booking_link: String,
    home_care_link: String,
    checkin_link: String,
    appointment_link: String,
}

async fn client_id(api: &Api, query: &str) -> String {
    let (_, found) = api.get(&format!("/api/v1/clients?q={query}")).await;
    found["clients"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no demo client {query}: {found}"))
        .to_owned()
}

async fn created(api: &Api, path: &str, body: Value) -> Value {
    let (status, value) = api.post(path, body).await;
    assert!(status.is_success(), "POST {path}: {status} {value}");
    value
}

/// The path of a client link (the server's own address stripped).
fn link_path(server: &Server, link: &Value) -> String {
    let url = link["url"].as_str().unwrap_or_else(|| panic!("no url in {link}"));
    url.strip_prefix(&server.base).unwrap_or(url).to_owned()
}

impl Ids {
    async fn gather(server: &Server) -> Ids {
        let api = Api::login(server, "therapist@demo.test", "demo-therapist").await;
        let okafor = client_id(&api, "okafor").await;
        let raman = client_id(&api, "raman").await;
        let moreau = client_id(&api, "moreau").await;
        let (_, assessments) = api.get(&format!("/api/v1/clients/{okafor}/assessments")).await;
        let assessment = assessments["assessments"][0]["id"].as_str().unwrap().to_owned();
        let (_, notes) = api.get(&format!("/api/v1/clients/{okafor}/sessions")).await;
        let note = notes["sessions"][0]["note"].clone();

        // A note signed now gives fresh check-in links; another stays a draft.
        let signed = created(
            &api,
            &format!("/api/v1/clients/{okafor}/sessions"),
            json!({"note": note}),
        )
        .await;
        let signed_note = signed["id"].as_str().unwrap().to_owned();
        let signed = created(
            &api,
            &format!("/api/v1/sessions/{signed_note}/sign"),
            json!({"version": signed["version"]}),
        )
        .await;
        let checkin_link = link_path(server, &signed["checkin_links"][0]);
        let draft = created(
            &api,
            &format!("/api/v1/clients/{okafor}/sessions"),
            json!({"note": note}),
        )
        .await;
        let draft_note = draft["id"].as_str().unwrap().to_owned();

        let plan = created(
            &api,
            &format!("/api/v1/clients/{okafor}/plans"),
            json!({"plan": {"protocol": "back_neck_shoulder", "condition": "neck_pain",
                   "goals": [{"instrument": "nprs", "at_most": 2, "label": "pain 2/10 or less"}],
                   "sessions_planned": 6, "interval_days": 7, "session_minutes": 60, "reassess_every": 2,
                   "precautions": ["No deep work over the anterior neck."], "notes": ""}}),
        )
        .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let handout = created(&api, &format!("/api/v1/clients/{okafor}/home-care"), json!({})).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let home_care_link = link_path(
            server,
            &created(&api, &format!("/api/v1/home-care/{handout}/link"), json!({})).await,
        );
        let newcomer = api.create_client("Nadia", "Petrova").await;
        let intake_link = link_path(
            server,
            &created(&api, &format!("/api/v1/clients/{newcomer}/intake-link"), json!({})).await,
        );
        let questionnaire_link = link_path(
            server,
            &created(
                &api,
                &format!("/api/v1/clients/{raman}/questionnaire-link"),
                json!({"instrument": "ndi"}),
            )
            .await,
        );
        let therapist = api.user_id().await;
        let booking_link = link_path(
            server,
            &created(
                &api,
                &format!("/api/v1/clients/{raman}/booking-link"),
                json!({"therapist_id": therapist}),
            )
            .await,
        );

        // An appointment far ahead, whose reminder carries the client's link.
        let appointment = created(
            &api,
            "/api/v1/appointments",
            json!({"client_id": okafor, "therapist_id": therapist, "starts_at": "2030-04-01T10:00", "minutes": 60}),
        )
        .await;
        let (_, outbox) = api.get("/api/v1/outbox?attention=true").await;
        let reminder = outbox["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["title"].as_str().is_some_and(|t| t.contains("1 Apr 2030")))
            .expect("the booking's reminder is in the outbox");
        let url = reminder["body"]
            .as_str()
            .unwrap()
            .lines()
            .find(|l| l.contains("/c/"))
            .unwrap()
            .trim();
        let appointment_link = url.strip_prefix(&server.base).unwrap_or(url).to_owned();

        let today = jiff::Zoned::now().date();
        let monday = (1..=7)
            .map(|n| today.checked_add(jiff::Span::new().days(n)).unwrap())
            .find(|d| d.weekday() == jiff::civil::Weekday::Monday)
            .unwrap()
            .to_string();
        // Whatever the day of the run, that week shows each state an
        // appointment can be in (the greyed ones are the contrast risk).
        let (_, week) = api.get(&format!("/api/v1/appointments?from={monday}&days=7")).await;
        let week = week["appointments"].as_array().expect("the demo's next week is booked");
        for (appointment, status) in week.iter().zip(["attended", "no_show", "cancelled"]) {
            let id = appointment["id"].as_str().unwrap();
            created(
                &api,
                &format!("/api/v1/appointments/{id}/status"),
                json!({"status": status, "version": appointment["version"]}),
            )
            .await;
        }
        Ids {
            okafor,
            raman,
            moreau,
            assessment,
            signed_note,
            draft_note,
            plan,
            handout,
            appointment: appointment["id"].as_str().unwrap().to_owned(),
            monday,
            intake_link,
            questionnaire_link,
            booking_link,
            home_care_link,
            checkin_link,
            appointment_link,
        }
    }
}

/// Where `tests/axe/install.sh` put axe-core: `MYOMAP_AXE_DIR`, or the
/// workspace's `target/axe-core`.
fn axe_source() -> String {
    let dir = std::env::var_os("MYOMAP_AXE_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/axe-core"),
        PathBuf::from,
    );
    let path = dir.join("axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is not installed ({}: {e}): run `bash crates/myomap/tests/axe/install.sh` \
             (as .ci/run does; it needs npm reaching the npm registry), or point MYOMAP_AXE_DIR at \
             a directory holding axe.min.js",
            path.display()
        )
    })
}

/// Runs axe on the page; answers its violations as
/// `[{id, impact, help, nodes, targets: [first selectors]}]`.
const RUN_AXE: &str = r"
const done = arguments[arguments.length - 1];
axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
  resultTypes: ['violations'],
}).then(
  (r) => done(r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    first: v.nodes.length ? (n => n.html.slice(0, 200) + ' | ' + (n.failureSummary || ''))(v.nodes[0]) : '',
  }))),
  (e) => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: 0, targets: [] }]),
);
";

/// Sets the viewport (not the window) to `width`×`height` CSS pixels.
async fn set_viewport(browser: &Client, width: u32, height: u32) {
    browser.set_window_size(width, height).await.unwrap();
    let inner = browser
        .execute("return [window.innerWidth, window.innerHeight]", vec![])
        .await
        .unwrap();
    let (w, h) = (inner[0].as_u64().unwrap() as u32, inner[1].as_u64().unwrap() as u32);
    if (w, h) != (width, height) {
        browser
            .set_window_size(width + width.saturating_sub(w), height + height.saturating_sub(h))
            .await
            .unwrap();
    }
}

async fn become_(browser: &Client, server: &Server, who: Who) {
    browser.delete_all_cookies().await.unwrap();
    if let Some((email, password)) = who.account() {
        browser.goto(&server.url("/login")).await.unwrap();
        sign_in(browser, email, password).await;
        if who == Who::Owner {
            // Owners sign in with a second factor; the sweep signs in as
            // each person once, so one code of the test secret serves.
            crate::browser::enter_code(browser, &crate::harness::test_code(0)).await;
        }
        browser
            .wait()
            .for_element(Locator::Css("nav[aria-label=Main]"))
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_its_screen_and_passes_axe() {
    let axe = axe_source();
    let db = TestDb::sqlite();
    let data = db.data_dir().display().to_string();
    let seeded = cli(&["demo", "--no-serve", "--data", &data], "");
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    // The demo owner sets up two-factor sign-in at first sign-in; here it
    // is done beforehand, as the harness does for test owners.
    crate::harness::enrol_mfa(&db, "owner@demo.test");
    let server = Server::start(&db);
    let ids = Ids::gather(&server).await;
    let (_driver, browser) = start_browser().await;

    let mut pages = pages();
    // One sign-in per person; the list's order within a person stays.
    pages.sort_by_key(|p| p.who);
    let mut current = None;
    let mut failures = String::new();
    let mut impacts: std::collections::BTreeMap<String, usize> = Default::default();
    for page in &pages {
        if current != Some(page.who) {
            become_(&browser, &server, page.who).await;
            current = Some(page.who);
        }
        let (width, height) = page.who.viewport();
        set_viewport(&browser, width, height).await;
        let path = (page.path)(&ids);
        browser.goto(&server.url(&path)).await.unwrap();
        let state = browser
            .execute(
                "return fetch(location.href, {credentials: 'same-origin', redirect: 'manual'})\
                 .then((r) => [r.status, location.pathname + location.search]);",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            state[0], 200,
            "{} ({path}) answered {} as {:?}",
            page.name, state[0], page.who
        );
        assert_eq!(
            state[1], path,
            "{} ({path}) went elsewhere as {:?}",
            page.name, page.who
        );

        let measured = browser
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth]",
                vec![],
            )
            .await
            .unwrap();
        let (scroll, inner) = (measured[0].as_u64().unwrap(), measured[1].as_u64().unwrap());
        if scroll > inner {
            let _ = writeln!(
                failures,
                "{} ({path}) is {scroll} px wide in a {inner} px window",
                page.name
            );
        }

        browser.execute(&axe, vec![]).await.unwrap();
        let violations = browser.execute_async(RUN_AXE, vec![]).await.unwrap();
        for v in violations.as_array().unwrap() {
            let impact = v["impact"].as_str().unwrap_or("none").to_owned();
            *impacts.entry(impact.clone()).or_default() += v["nodes"].as_u64().unwrap_or(0) as usize;
            if impact == "serious" || impact == "critical" {
                let _ = writeln!(
                    failures,
                    "{} ({path}): axe {} [{impact}] on {} node(s): {}; first: {}\n    {}",
                    page.name, v["id"], v["nodes"], v["help"], v["targets"], v["first"]
                );
            }
        }
        let file = page.name.replace(|c: char| !c.is_ascii_alphanumeric(), "-");
        screenshot(&browser, &format!("sweep-{file}")).await;
    }
    browser.close().await.unwrap();

    report(&format!(
        "page sweep: {} pages checked; axe violations (nodes) by impact: {impacts:?}",
        pages.len()
    ));
    assert!(failures.is_empty(), "pages that fail:\n{failures}");
}
