//! The pages in a real Chromium (Debian's `chromium` and `chromedriver`),
//! at a laptop and at a tablet width. Screenshots land in target/screenshots.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use myomap_testkit::TestDb;

use crate::harness::{PASSWORD, Server, add_user, cli, cli_db, screenshot_dir, text};

pub(crate) struct ChromeDriver {
    child: Child,
    url: String,
    _profile: tempfile::TempDir,
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) async fn start_browser() -> (ChromeDriver, Client) {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver must be installed (Debian package chromium-driver; .ci/run installs it)");
    let driver = ChromeDriver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _profile: tempfile::tempdir().unwrap(),
    };
    let capabilities = serde_json::json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1280,900", format!("--user-data-dir={}", driver._profile.path().display())]
        }
    });
    let capabilities = capabilities.as_object().unwrap().clone();
    let mut last_error = None;
    for _ in 0..50 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&driver.url)
            .await
        {
            Ok(client) => return (driver, client),
            Err(e) => last_error = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("could not start Chromium through chromedriver: {last_error:?}");
}

/// Fills and sends the sign-in form the browser is on.
pub(crate) async fn sign_in(browser: &Client, email: &str, password: &str) {
    browser
        .wait()
        .for_element(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    browser
        .find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    browser
        .find(Locator::Css("main button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

pub(crate) async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
}

pub(crate) async fn set_value(client: &Client, id: &str, value: &str) {
    // Date inputs take keystrokes in the browser's locale format; setting the
    // value directly is what a date picker does.
    client
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![id.into(), value.into()],
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_therapist_signs_in_finds_a_client_and_adds_one() {
    let db = TestDb::sqlite();
    let data = db.data_dir().display().to_string();
    let seeded = cli(&["demo", "--no-serve", "--data", &data], "");
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    let server = Server::start(&db);
    let (_driver, browser) = start_browser().await;

    browser.goto(&server.url("/clients")).await.unwrap();
    // Not signed in yet: the sign-in form.
    browser.wait().for_element(Locator::Css("input#email")).await.unwrap();
    screenshot(&browser, "01-sign-in").await;
    sign_in(&browser, "therapist@demo.test", "demo-therapist").await;

    browser.wait().for_element(Locator::Css("table.list")).await.unwrap();
    let page = browser.source().await.unwrap();
    assert!(
        page.contains("Demo Clinic") && page.contains("24 clients"),
        "client list after sign-in"
    );
    screenshot(&browser, "02-client-list").await;

    browser
        .find(Locator::Css("#q"))
        .await
        .unwrap()
        .send_keys("okafor")
        .await
        .unwrap();
    click_and_load(&browser, "form.search button").await;
    browser
        .wait()
        .for_element(Locator::LinkText("Okafor, Maya"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait().for_element(Locator::Css("p.notes")).await.unwrap();
    let page = browser.source().await.unwrap();
    assert!(page.contains("Maya Okafor") && page.contains("Forward head posture"));
    screenshot(&browser, "03-client").await;

    browser.goto(&server.url("/clients/new")).await.unwrap();
    browser
        .find(Locator::Css("#given_name"))
        .await
        .unwrap()
        .send_keys("Ada")
        .await
        .unwrap();
    set_value(&browser, "date_of_birth", "1985-12-10").await;
    browser
        .find(Locator::Css("#notes"))
        .await
        .unwrap()
        .send_keys("Tension headaches at both temples.")
        .await
        .unwrap();
    browser
        .find(Locator::Css("main button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Refused: the error sits next to the field and nothing typed is lost.
    let error = browser
        .wait()
        .for_element(Locator::Css("#family_name-error"))
        .await
        .unwrap();
    assert_eq!(error.text().await.unwrap(), "Family name is required");
    let notes = browser
        .find(Locator::Css("#notes"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(notes.as_deref(), Some("Tension headaches at both temples."));
    screenshot(&browser, "04-form-error").await;

    browser
        .find(Locator::Css("#family_name"))
        .await
        .unwrap()
        .send_keys("Byron")
        .await
        .unwrap();
    browser
        .find(Locator::Css("main button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait().for_element(Locator::Css("p.notes")).await.unwrap();
    let page = browser.source().await.unwrap();
    assert!(page.contains("Ada Byron") && page.contains("Tension headaches at both temples."));

    // The atlas draws a muscle's referral zones on the body chart.
    browser.set_window_size(1280, 1000).await.unwrap();
    browser.goto(&server.url("/atlas/upper_trapezius")).await.unwrap();
    browser
        .wait()
        .for_element(Locator::Css(".chart .area.essential"))
        .await
        .unwrap();
    screenshot(&browser, "06-atlas-muscle").await;

    // A tablet in portrait.
    browser.set_window_size(768, 1024).await.unwrap();
    browser.goto(&server.url("/clients")).await.unwrap();
    browser.wait().for_element(Locator::Css("table.list")).await.unwrap();
    screenshot(&browser, "05-client-list-tablet").await;
    browser.close().await.unwrap();
}

/// Clicks the element `css` finds. A page that is still being replaced
/// (a redirect after a form, a script redrawing a panel) can swap the
/// element between finding and clicking it; then it is found again.
/// Narrows the window to `width` CSS pixels and checks that the page does
/// not scroll sideways there, then puts the window back.
async fn assert_fits_width(browser: &Client, width: u32) {
    let (old_width, old_height) = {
        let (_, _, w, h) = browser.get_window_rect().await.unwrap();
        (w as u32, h as u32)
    };
    browser.set_window_size(width, 800).await.unwrap();
    let measured = browser
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth, location.pathname]",
            vec![],
        )
        .await
        .unwrap();
    let scroll = measured[0].as_u64().unwrap();
    let inner = measured[1].as_u64().unwrap();
    assert!(
        scroll <= inner,
        "{} is {scroll} px wide in a {inner} px window",
        measured[2]
    );
    browser.set_window_size(old_width, old_height).await.unwrap();
}

/// Waits for the confirmation dialog an irreversible step opens, checks its
/// question and accepts it.
async fn answer_confirmation(browser: &Client, question: &str) {
    let text = confirmation_text(browser).await;
    assert!(text.starts_with(question), "asked {text:?}, expected {question:?}");
    browser.accept_alert().await.unwrap();
}

async fn dismiss_confirmation(browser: &Client, question: &str) {
    let text = confirmation_text(browser).await;
    assert!(text.starts_with(question), "asked {text:?}, expected {question:?}");
    browser.dismiss_alert().await.unwrap();
}

async fn confirmation_text(browser: &Client) -> String {
    for _ in 0..100 {
        if let Ok(text) = browser.get_alert_text().await {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no confirmation was asked for");
}

pub(crate) async fn click(browser: &Client, css: &str) {
    for _ in 0..20 {
        let element = browser.wait().for_element(Locator::Css(css)).await.unwrap();
        match element.click().await {
            Ok(()) => return,
            Err(e) if format!("{e:?}").contains("StaleElementReference") => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("clicking {css}: {e}"),
        }
    }
    panic!("{css} kept being replaced before it could be clicked");
}

/// Clicks something that loads a new page and waits until the old page is
/// gone, so that the next lookup cannot find (and click) an element of the
/// page being left.
pub(crate) async fn click_and_load(browser: &Client, css: &str) {
    let old_page = browser.find(Locator::Css("html")).await.unwrap();
    click(browser, css).await;
    for _ in 0..100 {
        if old_page.tag_name().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("clicking {css} did not load a new page");
}

pub(crate) async fn select(browser: &Client, css: &str, value: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap()
        .select_by_value(value)
        .await
        .unwrap();
}

pub(crate) async fn input_value(browser: &Client, css: &str) -> String {
    browser
        .wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

pub(crate) async fn wait_for_text(browser: &Client, text: &str) -> String {
    for _ in 0..50 {
        let page = browser.source().await.unwrap();
        if page.contains(text) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page never showed \"{text}\"");
}

/// The therapist's day, end to end: a new client fills the intake through
/// their link, the therapist reviews the verdict, draws a pain map and sees
/// the suggestions, records a finding, signs a session with a discomfort
/// warning, and the client's 48-hour answer raises a flag on the dashboard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clinical_day_from_intake_to_follow_up() {
    let db = TestDb::sqlite();
    add_user(&db, "Harbour Clinic", "therapist@harbour.test", "therapist");
    let server = Server::start(&db);
    let (_driver, browser) = start_browser().await;

    browser.goto(&server.url("/login")).await.unwrap();
    sign_in(&browser, "therapist@harbour.test", PASSWORD).await;
    // A therapist's day starts on today.
    browser.wait().for_element(Locator::Css("#today")).await.unwrap();

    // A new client.
    browser.goto(&server.url("/clients/new")).await.unwrap();
    browser
        .wait()
        .for_element(Locator::Css("#given_name"))
        .await
        .unwrap()
        .send_keys("Maya")
        .await
        .unwrap();
    browser
        .find(Locator::Css("#family_name"))
        .await
        .unwrap()
        .send_keys("Okonkwo")
        .await
        .unwrap();
    set_value(&browser, "date_of_birth", "1988-03-14").await;
    click(&browser, "main button.primary").await;
    wait_for_text(&browser, "Intake and screening").await;
    let client_url = browser.current_url().await.unwrap().to_string();

    // The intake link, filled in by the client at home.
    click(&browser, "form[action$='/intake-link'] button").await;
    let link = input_value(&browser, ".link-box input").await;
    assert!(link.contains("/c/"), "{link}");
    // "Copy" puts it on the clipboard (or selects it where the browser
    // refuses), and the client page keeps the link until it is used.
    click(&browser, ".link-box button[data-copy]").await;
    let copied = browser
        .find(Locator::Css(".link-box button[data-copy]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(copied == "Copied" || copied == "Select and copy", "{copied}");
    browser.goto(&client_url).await.unwrap();
    assert_eq!(input_value(&browser, "#links .link-box input").await, link);
    browser.goto(&link).await.unwrap();
    browser
        .wait()
        .for_element(Locator::Css("#reason_for_visit"))
        .await
        .unwrap()
        .send_keys("Right-sided headaches at the temple, worse at the desk")
        .await
        .unwrap();
    click(&browser, "input[name=q][value=anticoagulants]").await;
    // A client's page fits the smallest phone without sideways scrolling.
    assert_fits_width(&browser, 360).await;
    screenshot(&browser, "07-client-intake-link").await;
    click(&browser, "main button.primary").await;
    wait_for_text(&browser, "Your intake form is sent").await;
    // The link works once.
    browser.goto(&link).await.unwrap();
    wait_for_text(&browser, "already been used").await;

    // The therapist reviews the verdict and signs.
    browser.goto(&client_url).await.unwrap();
    let page = wait_for_text(&browser, "Suitable with precautions").await;
    assert!(page.contains("by the client through the link"));
    screenshot(&browser, "08-intake-verdict").await;
    click(&browser, "form[action$='/sign'] button").await;
    answer_confirmation(&browser, "Sign this intake as reviewed?").await;
    wait_for_text(&browser, "reviewed and signed").await;

    // Assessment: tap two areas on the chart and watch the suggestions.
    click(&browser, "form[action$='/assessments'] button").await;
    browser
        .wait()
        .for_element(Locator::Css("#pain-chart svg"))
        .await
        .unwrap();
    click(&browser, "#pain-chart path[data-area='head.temple'][data-side='right']").await;
    click(
        &browser,
        "#pain-chart path[data-area='face.upper_teeth'][data-side='right']",
    )
    .await;
    // The tapped area's intensity is selected: typing 7 gives 7, not 57.
    let focused = browser.active_element().await.unwrap();
    focused.send_keys("7").await.unwrap();
    assert_eq!(focused.prop("value").await.unwrap().as_deref(), Some("7"));
    // An out-of-range value is refused as typed, never turned into 10.
    focused.clear().await.unwrap();
    focused.send_keys("75").await.unwrap();
    browser
        .execute(
            "document.activeElement.dispatchEvent(new Event('change', {bubbles: true}))",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(focused.prop("value").await.unwrap().as_deref(), Some("75"));
    let valid = browser
        .execute("return document.activeElement.validity.valid", vec![])
        .await
        .unwrap();
    assert_eq!(valid, serde_json::json!(false), "75 must be refused, not clamped");
    focused.clear().await.unwrap();
    focused.send_keys("4").await.unwrap();
    click(&browser, ".suggestion-list .suggestion[data-muscle='temporalis']").await;
    browser
        .wait()
        .for_element(Locator::Css("#pain-chart .area.ref-essential"))
        .await
        .unwrap();
    screenshot(&browser, "09-pain-map-suggestions").await;
    click(&browser, "#pain-map-form button[value=save]").await;
    let page = wait_for_text(&browser, "Temple (right)").await;
    assert!(page.contains("Upper teeth (right)"));
    let assessment_url = browser.current_url().await.unwrap().to_string();

    // A trigger-point finding with its pressure pain threshold.
    select(&browser, "#findings select[name=f_muscle]", "temporalis:right").await;
    select(&browser, "#findings select[name=f_referral]", "yes").await;
    browser
        .find(Locator::Css("#findings input[name=f_ppt]"))
        .await
        .unwrap()
        .send_keys("2.4")
        .await
        .unwrap();
    click(&browser, "#findings button.primary").await;
    browser
        .wait()
        .for_element(Locator::Css("#pain-chart svg"))
        .await
        .unwrap();
    let saved = browser
        .find(Locator::Css("#findings select[name=f_muscle]"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(saved.as_deref(), Some("temporalis:right"));
    assert!(
        browser
            .current_url()
            .await
            .unwrap()
            .as_str()
            .starts_with(assessment_url.split(['#', '?']).next().unwrap())
    );

    // Edits in two parts and one save: the other part's edits are kept too,
    // and the page says what was saved.
    select(&browser, "#tone select[name=tone_muscle]", "temporalis:right").await;
    let unsaved = browser
        .find(Locator::Css("#tone .section-status"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(unsaved.contains("Unsaved changes"), "{unsaved}");
    let posture_box = browser
        .find(Locator::Css("#posture input[name=finding]"))
        .await
        .unwrap();
    let posture_value = posture_box.attr("value").await.unwrap().unwrap();
    posture_box.click().await.unwrap();
    click_and_load(&browser, "#posture button.primary").await;
    wait_for_text(&browser, "Saved: posture and muscle tone.").await;
    let tone = browser
        .find(Locator::Css("#tone select[name=tone_muscle]"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(tone.as_deref(), Some("temporalis:right"));
    let ticked = browser
        .find(Locator::Css(&format!(
            "#posture input[name=finding][value='{posture_value}']"
        )))
        .await
        .unwrap()
        .prop("checked")
        .await
        .unwrap();
    assert_eq!(ticked.as_deref(), Some("true"));

    // A session note carrying a discomfort of 8: warned, recorded, signed.
    browser.goto(&format!("{client_url}/sessions/new")).await.unwrap();
    browser
        .wait()
        .for_element(Locator::Css("select[name=t_muscle]"))
        .await
        .unwrap();
    select(&browser, "select[name=t_muscle]", "temporalis:right").await;
    select(&browser, "select[name=t_tp]", "tp1").await;
    select(&browser, "select[name=t_pressure]", "firm").await;
    select(&browser, "select[name=t_check1]", "8").await;
    select(&browser, "select[name=pain_before]", "6").await;
    select(&browser, "select[name=pain_after]", "3").await;
    click(&browser, "input[name=technique][value='ischemic compression']").await;
    click(&browser, "button[value=save]").await;
    let page = wait_for_text(&browser, "Discomfort past the line").await;
    assert!(page.contains("Temporalis (right): discomfort 8/10"));
    screenshot(&browser, "10-session-discomfort-warning").await;
    // Signing cannot be undone: it asks first, and declining keeps the draft.
    click(&browser, "button[value=sign]").await;
    dismiss_confirmation(&browser, "Sign this note?").await;
    assert!(browser.source().await.unwrap().contains("Session note (draft)"));
    click(&browser, "button[value=sign]").await;
    answer_confirmation(&browser, "Sign this note?").await;
    wait_for_text(&browser, "Soreness check-ins created").await;
    screenshot(&browser, "11-session-signed").await;
    let links = browser.find_all(Locator::Css(".link-box input")).await.unwrap();
    let link48 = links[1].prop("value").await.unwrap().unwrap();

    // The client answers the 48-hour check-in: still sore, and numb.
    browser.goto(&link48).await.unwrap();
    browser.wait().for_element(Locator::Css("#soreness")).await.unwrap();
    select(&browser, "#soreness", "5").await;
    click(&browser, "input[name=numbness]").await;
    screenshot(&browser, "12-checkin-48h").await;
    click(&browser, "main button.primary").await;
    wait_for_text(&browser, "Your answer is sent").await;

    // The flag on the dashboard, and the dose this client tolerates.
    browser.goto(&server.url("/dashboard")).await.unwrap();
    let page = wait_for_text(&browser, "Maya Okonkwo").await;
    assert!(page.contains("soreness still moderate or worse at 48 hours") && page.contains("reports a new symptom"));
    screenshot(&browser, "13-dashboard-flag").await;
    browser.goto(&client_url).await.unwrap();
    let page = wait_for_text(&browser, "5/10 +new").await;
    assert!(page.contains("firm") && page.contains("6 → 3"));
    screenshot(&browser, "14-client-record").await;
    browser.close().await.unwrap();
}

/// Building a treatment plan from a protocol, then the outcome progress
/// page and the report button.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_from_a_protocol_and_the_progress_page() {
    let db = TestDb::sqlite();
    let data = db.data_dir().display().to_string();
    let seeded = cli(&["demo", "--no-serve", "--data", &data], "");
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    let server = Server::start(&db);
    let (_driver, browser) = start_browser().await;
    browser.goto(&server.url("/login")).await.unwrap();
    sign_in(&browser, "therapist@demo.test", "demo-therapist").await;
    browser.wait().for_element(Locator::Css("#today")).await.unwrap();
    browser.goto(&server.url("/clients")).await.unwrap();
    browser.wait().for_element(Locator::Css("table.list")).await.unwrap();

    // Priya Raman: jaw pain. Her progress page charts her measures.
    browser
        .find(Locator::Css("#q"))
        .await
        .unwrap()
        .send_keys("raman")
        .await
        .unwrap();
    click_and_load(&browser, "form.search button").await;
    click(&browser, "table.list a").await;
    wait_for_text(&browser, "Outcome measures").await;
    let client_url = browser.current_url().await.unwrap().to_string();
    browser.goto(&format!("{client_url}/progress")).await.unwrap();
    wait_for_text(&browser, "Jaw Functional Limitation Scale").await;
    browser
        .wait()
        .for_element(Locator::Css("svg.progress-chart"))
        .await
        .unwrap();
    screenshot(&browser, "15-progress").await;

    // A plan from the TMJ protocol, prefilled, saved as it is.
    browser.goto(&format!("{client_url}/plans/new")).await.unwrap();
    select(&browser, "#protocol", "tmj").await;
    click_and_load(&browser, "form.search button").await;
    let page = wait_for_text(&browser, "Assess first").await;
    assert!(
        page.contains("Masseter"),
        "the protocol names the muscles to assess first"
    );
    let sessions = input_value(&browser, "#sessions_planned").await;
    assert!(sessions.parse::<u32>().unwrap() >= 1);
    screenshot(&browser, "16-plan-from-protocol").await;
    click(&browser, "main form[method=post] button.primary").await;
    let page = wait_for_text(&browser, "Treatment plan ·").await;
    assert!(
        page.contains(&format!("0 of {sessions}")),
        "progress shown: 0 of {sessions} sessions"
    );
    screenshot(&browser, "17-plan").await;
    browser.goto(&client_url).await.unwrap();
    wait_for_text(&browser, "Jaw (TMJ) problems from").await;
    browser.close().await.unwrap();
}

/// The front desk books from the calendar and a double booking is refused
/// on the form; the client books online through a link, and ticks off home
/// care on their phone while the therapist sees the adherence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn booking_with_a_refused_double_booking_and_home_care_by_link() {
    let db = TestDb::sqlite();
    let data = db.data_dir().display().to_string();
    let seeded = cli(&["demo", "--no-serve", "--data", &data], "");
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    let server = Server::start(&db);
    let (_driver, browser) = start_browser().await;
    browser.goto(&server.url("/login")).await.unwrap();
    sign_in(&browser, "frontdesk@demo.test", "demo-frontdesk").await;
    // The front desk's day starts on the calendar.
    browser
        .wait()
        .for_element(Locator::Css("nav a[href='/schedule'][aria-current=page]"))
        .await
        .unwrap();

    // The demo week is populated.
    browser.goto(&server.url("/schedule/week")).await.unwrap();
    browser
        .wait()
        .for_element(Locator::Css(".week .appointment"))
        .await
        .unwrap();
    screenshot(&browser, "18-schedule-week").await;

    // Book Maya Okafor on a future Monday at 10:00.
    browser.goto(&server.url("/schedule/book?q=okafor")).await.unwrap();
    click_and_load(&browser, ".client-matches a").await;
    browser.wait().for_element(Locator::Css("#start")).await.unwrap();
    set_value(&browser, "start", "2030-04-01T10:00").await;
    select(&browser, "#minutes", "60").await;
    click_and_load(&browser, "main button.primary").await;
    let page = wait_for_text(&browser, "Appointment booked").await;
    assert!(page.contains("Okafor"), "the day shows the booking");
    screenshot(&browser, "19-schedule-day").await;

    // Priya Raman at the same time with the same therapist: refused on the form.
    browser.goto(&server.url("/schedule/book?q=raman")).await.unwrap();
    click_and_load(&browser, ".client-matches a").await;
    browser.wait().for_element(Locator::Css("#start")).await.unwrap();
    set_value(&browser, "start", "2030-04-01T10:30").await;
    click_and_load(&browser, "main button.primary").await;
    let error = browser
        .wait()
        .for_element(Locator::Css("#starts_at-error"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        error.contains("already booked") && error.contains("Maya Okafor"),
        "{error}"
    );
    assert_eq!(
        input_value(&browser, "#start").await,
        "2030-04-01T10:30",
        "what was typed is kept"
    );
    screenshot(&browser, "20-double-booking-refused").await;

    // The client page issues an online booking link; the client books a slot.
    let client_url = {
        browser.goto(&server.url("/clients?q=raman")).await.unwrap();
        click(&browser, "table.list a").await;
        wait_for_text(&browser, "Online booking link").await;
        browser.current_url().await.unwrap().to_string()
    };
    click_and_load(&browser, "form[action$='/booking-link'] button").await;
    let link = input_value(&browser, ".link-box input").await;
    browser.goto(&link).await.unwrap();
    wait_for_text(&browser, "Book your next appointment, Priya").await;
    screenshot(&browser, "21-online-booking").await;
    click(&browser, "label.slot input").await;
    click_and_load(&browser, "main button.primary").await;
    wait_for_text(&browser, "You are booked, Priya").await;

    // Home care: the therapist makes a handout and its link…
    browser.delete_all_cookies().await.unwrap();
    browser.goto(&server.url("/login")).await.unwrap();
    sign_in(&browser, "therapist@demo.test", "demo-therapist").await;
    browser.wait().for_element(Locator::Css("#today")).await.unwrap();
    // The therapist's own day carries each client's flags: next Monday,
    // a working day of the demo's populated fortnight whatever today is.
    let today = jiff::Zoned::now().date();
    let monday = (1..=7)
        .map(|n| today.checked_add(jiff::Span::new().days(n)).unwrap())
        .find(|d| d.weekday() == jiff::civil::Weekday::Monday)
        .unwrap();
    browser
        .goto(&server.url(&format!("/schedule?day={monday}")))
        .await
        .unwrap();
    let page = wait_for_text(&browser, "Sam Rivera").await;
    assert!(page.contains("class=\"flags\""), "clinical roles see the flags column");
    screenshot(&browser, "23-therapist-day-with-flags").await;
    browser.goto(&server.url("/schedule/week")).await.unwrap();
    click_and_load(&browser, "a[rel=next]").await;
    wait_for_text(&browser, "training course").await;
    screenshot(&browser, "24-therapist-next-week-with-time-off").await;
    browser.goto(&client_url).await.unwrap();
    click_and_load(&browser, "form[action$='/home-care'] button").await;
    wait_for_text(&browser, "Client link").await;
    let handout_url = browser.current_url().await.unwrap().to_string();
    click_and_load(&browser, "form[action$='/link'] button").await;
    let link = input_value(&browser, ".link-box input").await;
    // …the client ticks off today's stretches on a phone…
    browser.set_window_size(390, 844).await.unwrap();
    browser.goto(&link).await.unwrap();
    wait_for_text(&browser, "Your home care, Priya").await;
    assert_fits_width(&browser, 360).await;
    click(&browser, "input[name=done]").await;
    click_and_load(&browser, "main button.primary").await;
    wait_for_text(&browser, "Saved for today").await;
    screenshot(&browser, "22-home-care-ticked-on-a-phone").await;
    // …and the therapist sees it.
    browser.set_window_size(1280, 900).await.unwrap();
    browser.goto(&handout_url).await.unwrap();
    wait_for_text(&browser, "Ticked on 1 of the last 14 days").await;
    // The handout's PDF, fetched with the therapist's session.
    let pdf = browser
        .execute(
            "return fetch(arguments[0]).then(async r => [r.status, r.headers.get('content-type'), \
             new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5))]);",
            vec![format!("{}/handout.pdf", handout_url.trim_end_matches('/')).into()],
        )
        .await
        .unwrap();
    assert_eq!(pdf, serde_json::json!([200, "application/pdf", "%PDF-"]), "{pdf}");
    browser.close().await.unwrap();
}

/// The owner invites a therapist in the browser; the invitee opens the link
/// from the outbox in a browser of their own, chooses a password and lands
/// signed in; the owner changes their role, ends their session (their next
/// click lands on sign-in) and deactivates them; then edits the clinic's
/// settings, and a form opened before someone else's save is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_manages_staff_sessions_and_clinic_settings() {
    use crate::harness::Api;
    use crate::staff::{INVITEE_PASSWORD, invitation_token};

    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "owner@north.test", "owner");
    let server = Server::start(&db);
    let (_owner_driver, owner) = start_browser().await;
    owner.goto(&server.url("/login")).await.unwrap();
    sign_in(&owner, "owner@north.test", PASSWORD).await;
    // Test owners are enrolled in two-factor sign-in (see the harness).
    enter_code(&owner, &crate::harness::test_code(0)).await;
    owner
        .wait()
        .for_element(Locator::Css("nav a[href='/settings/staff']"))
        .await
        .unwrap();
    click_and_load(&owner, "nav a[href='/settings/staff']").await;
    owner.wait().for_element(Locator::Css("#invite-name")).await.unwrap();
    owner
        .find(Locator::Css("#invite-name"))
        .await
        .unwrap()
        .send_keys("Nia Park")
        .await
        .unwrap();
    owner
        .find(Locator::Css("#invite-email"))
        .await
        .unwrap()
        .send_keys("nia@north.test")
        .await
        .unwrap();
    select(&owner, "#invite-role", "therapist").await;
    click_and_load(&owner, "#invite button.primary").await;
    wait_for_text(&owner, "Invitation ready").await;
    let shown = input_value(&owner, ".link-box input").await;
    screenshot(&owner, "40-invitation-ready").await;

    // The link as the outbox holds it (the message the invitee gets).
    let owner_api = Api::login(&server, "owner@north.test", PASSWORD).await;
    let token = invitation_token(&owner_api, "nia@north.test").await;
    assert!(shown.ends_with(&token), "{shown}");

    let (_invitee_driver, invitee) = start_browser().await;
    invitee.goto(&server.url(&format!("/invite/{token}"))).await.unwrap();
    wait_for_text(&invitee, "Join North Clinic").await;
    screenshot(&invitee, "41-invitation-open").await;
    for field in ["#password", "#password_again"] {
        invitee
            .find(Locator::Css(field))
            .await
            .unwrap()
            .send_keys(INVITEE_PASSWORD)
            .await
            .unwrap();
    }
    click_and_load(&invitee, "main button.primary").await;
    // Signed in: a therapist's day, with their name in the bar.
    invitee.wait().for_element(Locator::Css("#today")).await.unwrap();
    assert!(invitee.source().await.unwrap().contains("Nia Park"));
    // The used link answers a clear page.
    invitee.goto(&server.url(&format!("/invite/{token}"))).await.unwrap();
    wait_for_text(&invitee, "already been used").await;
    invitee.goto(&server.url("/dashboard")).await.unwrap();
    invitee.wait().for_element(Locator::Css("#today")).await.unwrap();

    // The owner makes her front desk, after a confirmation.
    owner.goto(&server.url("/settings/staff")).await.unwrap();
    let row = "tr[data-email='nia@north.test']";
    select(&owner, &format!("{row} select"), "front_desk").await;
    click(&owner, &format!("{row} form[action$='/role'] button")).await;
    answer_confirmation(&owner, "Change the role of Nia Park?").await;
    wait_for_text(&owner, "Role changed").await;
    assert_eq!(input_value(&owner, &format!("{row} select")).await, "front_desk");
    screenshot(&owner, "42-staff").await;

    // Her session is on the owner's list; the owner ends it.
    owner.goto(&server.url("/settings/sessions")).await.unwrap();
    let session_row = "#clinic-sessions tr[data-email='nia@north.test']";
    owner.wait().for_element(Locator::Css(session_row)).await.unwrap();
    screenshot(&owner, "43-sessions").await;
    click(&owner, &format!("{session_row} button")).await;
    answer_confirmation(&owner, "Sign Nia Park out").await;
    wait_for_text(&owner, "Session ended").await;
    // Her next click lands on the sign-in form.
    click_and_load(&invitee, "nav a[href='/schedule']").await;
    invitee.wait().for_element(Locator::Css("input#email")).await.unwrap();
    assert!(invitee.source().await.unwrap().contains("Your session has ended"));

    // Deactivated: listed as such, and her password no longer signs in.
    owner.goto(&server.url("/settings/staff")).await.unwrap();
    click(&owner, &format!("{row} form[action$='/deactivate'] button")).await;
    answer_confirmation(&owner, "Deactivate Nia Park?").await;
    wait_for_text(&owner, "Account deactivated").await;
    assert!(owner.find(Locator::Css(&format!("{row}.inactive"))).await.is_ok());
    sign_in(&invitee, "nia@north.test", INVITEE_PASSWORD).await;
    wait_for_text(&invitee, "Wrong email or password").await;

    // Clinic settings: saved, then a stale second form is refused.
    owner.goto(&server.url("/settings/clinic")).await.unwrap();
    owner.wait().for_element(Locator::Css("#clinic-phone")).await.unwrap();
    owner
        .find(Locator::Css("#clinic-phone"))
        .await
        .unwrap()
        .send_keys("+44 117 496 0000")
        .await
        .unwrap();
    set_value(&owner, "clinic-time-zone", "Europe/London").await;
    click_and_load(&owner, "main button.primary").await;
    wait_for_text(&owner, "Clinic settings saved").await;
    assert_eq!(input_value(&owner, "#clinic-phone").await, "+44 117 496 0000");
    screenshot(&owner, "44-clinic-settings").await;
    // Someone else saves from their own form meanwhile…
    let (_, current) = owner_api.get("/api/v1/clinic/settings").await;
    let (status, _) = owner_api
        .put(
            "/api/v1/clinic/settings",
            serde_json::json!({"name": "North Street Clinic", "time_zone": "Europe/London",
                               "phone": "+44 117 496 0000", "version": current["version"]}),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::OK);
    // …and this form, opened before, answers the conflict.
    set_value(&owner, "clinic-address", "2 South Road").await;
    click_and_load(&owner, "main button.primary").await;
    let page = wait_for_text(&owner, "changed by someone else").await;
    assert!(page.contains("2 South Road"), "what was typed is kept");
    screenshot(&owner, "45-clinic-settings-conflict").await;
    owner.goto(&server.url("/settings/clinic")).await.unwrap();
    assert_eq!(input_value(&owner, "#clinic-name").await, "North Street Clinic");
}

pub(crate) async fn enter_code(browser: &Client, code: &str) {
    browser
        .wait()
        .for_element(Locator::Css("#code"))
        .await
        .unwrap()
        .send_keys(code)
        .await
        .unwrap();
    click_and_load(browser, "main button[type=submit]").await;
}

async fn sign_out(browser: &Client) {
    click_and_load(browser, "header form[action='/logout'] button").await;
    browser.wait().for_element(Locator::Css("#email")).await.unwrap();
}

/// An owner's first sign-in leads to the two-factor set-up and nowhere
/// else; the owner scans (the test reads the key shown beside the QR code),
/// confirms with a code, signs in again with password and code, and a
/// recovery code works once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_enrols_in_two_factor_sign_in_and_a_recovery_code_works_once() {
    let db = TestDb::sqlite();
    let added = cli_db(
        &db,
        &[
            "user",
            "add",
            "--clinic",
            "Harbour Clinic",
            "--email",
            "owner@harbour.test",
            "--role",
            "owner",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(added.status.success(), "{}", text(&added.stderr));
    let server = Server::start(&db);
    let (_driver, browser) = start_browser().await;

    browser.goto(&server.url("/login")).await.unwrap();
    sign_in(&browser, "owner@harbour.test", PASSWORD).await;
    browser.wait().for_element(Locator::Css("#mfa-secret")).await.unwrap();
    // Nothing else opens until it is set up.
    browser.goto(&server.url("/clients")).await.unwrap();
    let shown = browser
        .wait()
        .for_element(Locator::Css("#mfa-secret"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(browser.current_url().await.unwrap().path().starts_with("/account/mfa"));
    browser.find(Locator::Css("#mfa-qr svg")).await.unwrap();
    screenshot(&browser, "mfa-set-up").await;
    let secret = myomap_store::TotpSecret::from_base32(&shown).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    enter_code(&browser, &secret.code_at(now)).await;
    browser.wait().for_element(Locator::Css("#mfa-enrolled")).await.unwrap();
    let mut recovery = Vec::new();
    for code in browser.find_all(Locator::Css("#recovery-codes code")).await.unwrap() {
        recovery.push(code.text().await.unwrap());
    }
    assert_eq!(recovery.len(), 10);
    screenshot(&browser, "mfa-recovery-codes").await;
    sign_out(&browser).await;

    // Password, then the code of the next step (the set-up used this one).
    sign_in(&browser, "owner@harbour.test", PASSWORD).await;
    enter_code(&browser, &secret.code_at(now + myomap_store::TOTP_STEP_SECS)).await;
    browser
        .wait()
        .for_element(Locator::Css("header form[action='/logout']"))
        .await
        .unwrap();
    assert!(!browser.current_url().await.unwrap().path().starts_with("/login"));
    sign_out(&browser).await;

    // A recovery code signs in once.
    sign_in(&browser, "owner@harbour.test", PASSWORD).await;
    enter_code(&browser, &recovery[0]).await;
    browser
        .wait()
        .for_element(Locator::Css("header form[action='/logout']"))
        .await
        .unwrap();
    sign_out(&browser).await;
    sign_in(&browser, "owner@harbour.test", PASSWORD).await;
    enter_code(&browser, &recovery[0]).await;
    wait_for_text(&browser, "already used").await;
    assert!(browser.current_url().await.unwrap().path().starts_with("/login/code"));
    screenshot(&browser, "mfa-recovery-code-refused").await;
}
