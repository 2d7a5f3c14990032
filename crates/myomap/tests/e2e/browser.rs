//! The pages in a real Chromium (Debian's `chromium` and `chromedriver`),
//! at a laptop and at a tablet width. Screenshots land in target/screenshots.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use myomap_testkit::TestDb;

use crate::harness::{Server, cli, screenshot_dir, text};

struct ChromeDriver {
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

async fn start_browser() -> (ChromeDriver, Client) {
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

async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
}

async fn set_value(client: &Client, id: &str, value: &str) {
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
    browser
        .find(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys("therapist@demo.test")
        .await
        .unwrap();
    browser
        .find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys("demo-therapist")
        .await
        .unwrap();
    browser
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

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
    browser
        .find(Locator::Css("form.search button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
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
