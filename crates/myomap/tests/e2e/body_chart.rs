//! The pain map's body chart reached without a mouse: a skip link, one tab
//! stop with arrow keys between neighbouring areas, a search box by name,
//! and on a phone a tap that zooms to a region before an area is chosen.

use fantoccini::actions::{InputSource, PointerAction, TouchActions};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use myomap_testkit::TestDb;

use crate::browser::{click, screenshot, sign_in, start_browser, wait_for_text};
use crate::harness::{Api, PASSWORD, Server, add_user, report};

const LOW_BACK_RIGHT: &str = "#pain-chart path[data-area='back.lumbar'][data-side='right']";

/// Presses one key on whatever has the focus.
async fn press(browser: &Client, key: &str) {
    browser.active_element().await.unwrap().send_keys(key).await.unwrap();
}

/// The focused element's `data-area:data-side`, or its id, or its tag.
async fn focused(browser: &Client) -> String {
    browser
        .execute(
            "const e = document.activeElement; return e.dataset && e.dataset.area \
             ? e.dataset.area + ':' + (e.dataset.side || '') : (e.id || e.tagName);",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

/// Which arrow a person looking at the chart presses to get from the
/// focused area towards the target.
async fn arrow_towards(browser: &Client, target: &str) -> Key {
    let delta = browser
        .execute(
            "const c = (e) => { const b = e.getBBox(); return [b.x + b.width / 2, b.y + b.height / 2]; }; \
             const [ax, ay] = c(document.activeElement); const [bx, by] = c(document.querySelector(arguments[0])); \
             return [bx - ax, by - ay];",
            vec![target.into()],
        )
        .await
        .unwrap();
    let (dx, dy) = (delta[0].as_f64().unwrap(), delta[1].as_f64().unwrap());
    if dx.abs() > dy.abs() {
        if dx > 0.0 { Key::Right } else { Key::Left }
    } else if dy > 0.0 {
        Key::Down
    } else {
        Key::Up
    }
}

async fn rendered_box(browser: &Client, css: &str) -> (f64, f64) {
    let size = browser
        .execute(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect(); return [r.width, r.height];",
            vec![css.into()],
        )
        .await
        .unwrap();
    (size[0].as_f64().unwrap(), size[1].as_f64().unwrap())
}

async fn tap(browser: &Client, css: &str) {
    let element = browser.find(Locator::Css(css)).await.unwrap();
    let finger = TouchActions::new("finger".into())
        .then(PointerAction::MoveToElement {
            element,
            duration: None,
            x: 0,
            y: 0,
        })
        .then(PointerAction::Down {
            button: fantoccini::actions::MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: fantoccini::actions::MOUSE_BUTTON_LEFT,
        });
    browser.perform_actions(finger).await.unwrap();
    browser.release_actions().await.unwrap();
}

async fn rows(browser: &Client) -> Vec<String> {
    let mut labels = Vec::new();
    for row in browser
        .find_all(Locator::Css("#pain-entries tr[data-area] th"))
        .await
        .unwrap()
    {
        labels.push(row.text().await.unwrap());
    }
    labels
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_body_chart_by_keyboard_search_and_touch() {
    let db = TestDb::sqlite();
    add_user(&db, "Harbour Clinic", "therapist@harbour.test", "therapist");
    let server = Server::start(&db);
    let api = Api::login(&server, "therapist@harbour.test", PASSWORD).await;
    let client = api.create_client("Lena", "Marsh").await;
    let (_driver, browser) = start_browser().await;
    browser.goto(&server.url("/login")).await.unwrap();
    sign_in(&browser, "therapist@harbour.test", PASSWORD).await;
    browser.wait().for_element(Locator::Css("#today")).await.unwrap();
    browser.goto(&server.url(&format!("/clients/{client}"))).await.unwrap();
    click(&browser, "form[action$='/assessments'] button").await;
    browser.wait().for_element(Locator::Css("#area-search")).await.unwrap();
    let assessment = browser.current_url().await.unwrap().to_string();

    // One tab stop for the whole chart.
    let stops = browser
        .execute(
            "return document.querySelectorAll('#pain-chart [tabindex=\"0\"]').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(stops, 1, "the chart is one tab stop");

    // The skip link goes past the chart to the pain map's form.
    browser
        .execute("document.querySelector('.skip-link').focus()", vec![])
        .await
        .unwrap();
    press(&browser, &Key::Enter.to_string()).await;
    assert_eq!(focused(&browser).await, "pain-map-heading");

    // Arrow keys: from the search box, Tab into the chart, then arrows to
    // "Low back, right" and Enter.
    browser
        .execute("document.getElementById('area-search').focus()", vec![])
        .await
        .unwrap();
    press(&browser, &Key::Tab.to_string()).await;
    let mut presses = 1;
    assert!(focused(&browser).await.contains(':'), "Tab lands on an area");
    while focused(&browser).await != "back.lumbar:right" {
        assert!(
            presses < 40,
            "arrows never reached Low back, right; at {}",
            focused(&browser).await
        );
        let arrow = arrow_towards(&browser, LOW_BACK_RIGHT).await;
        press(&browser, &arrow.to_string()).await;
        presses += 1;
    }
    press(&browser, &Key::Enter.to_string()).await;
    presses += 1;
    report(&format!(
        "body chart: Low back, right chosen by keyboard in {presses} key presses (Tab, arrows, Enter)"
    ));
    assert!(
        presses <= 20,
        "{presses} presses to reach Low back, right with the arrow keys"
    );
    assert_eq!(rows(&browser).await, ["Low back (right)"]);
    // Tab from the chart leaves it at once.
    browser
        .execute(
            "document.querySelector(arguments[0]).focus()",
            vec![LOW_BACK_RIGHT.into()],
        )
        .await
        .unwrap();
    press(&browser, &Key::Tab.to_string()).await;
    assert!(!focused(&browser).await.contains(':'), "one Tab leaves the chart");

    // The search box: type, pick with the arrows, Enter. Choosing an area
    // already marked shows its row's intensity.
    browser
        .execute("document.getElementById('area-search').focus()", vec![])
        .await
        .unwrap();
    let mut presses = 0;
    for key in "low back".chars() {
        press(&browser, &key.to_string()).await;
        presses += 1;
    }
    let options = browser
        .execute(
            "return Array.from(document.querySelectorAll('#area-results [role=option]'), (o) => o.textContent)",
            vec![],
        )
        .await
        .unwrap();
    let options: Vec<String> = serde_json::from_value(options).unwrap();
    let right = options
        .iter()
        .position(|o| o == "Low back (right)")
        .unwrap_or_else(|| panic!("search offers {options:?}"));
    for _ in 0..right {
        press(&browser, &Key::Down.to_string()).await;
        presses += 1;
    }
    screenshot(&browser, "25-body-chart-search").await;
    press(&browser, &Key::Enter.to_string()).await;
    presses += 1;
    report(&format!(
        "body chart: Low back, right found by the search box in {presses} key presses"
    ));
    assert!(presses <= 12, "{presses} presses to find Low back, right");
    let intensity = browser
        .execute(
            "const e = document.activeElement; return [e.name, e.closest('tr').dataset.area, e.closest('tr').dataset.side]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(intensity, serde_json::json!(["intensity", "back.lumbar", "right"]));
    click(&browser, "#pain-map-form button[value=save]").await;
    wait_for_text(&browser, "Low back (right)").await;

    // A phone: a tap on a small area zooms to its region first.
    browser.set_window_size(390, 844).await.unwrap();
    browser.goto(&assessment).await.unwrap();
    let eye = "#pain-chart path[data-area='head.eye'][data-side='right']";
    browser.wait().for_element(Locator::Css("#area-search")).await.unwrap();
    browser
        .execute("document.getElementById('pain-chart').scrollIntoView()", vec![])
        .await
        .unwrap();
    let overflow = browser
        .execute(
            "const w = window.innerWidth; return [document.documentElement.scrollWidth, w, \
             Array.from(document.querySelectorAll('main *')).filter((e) => e.getBoundingClientRect().right > w + 1) \
             .slice(0, 8).map((e) => e.tagName + '#' + e.id + '.' + e.className)];",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        overflow[0].as_u64() <= overflow[1].as_u64(),
        "the assessment page scrolls sideways on a phone: {overflow}"
    );
    let (w, h) = rendered_box(&browser, eye).await;
    assert!(
        w < 24.0 || h < 24.0,
        "the eye is {w}×{h} px on a phone: too small to tap"
    );
    tap(&browser, eye).await;
    browser
        .wait()
        .for_element(Locator::Css("#pain-chart.zoomed"))
        .await
        .unwrap();
    assert_eq!(rows(&browser).await, ["Low back (right)"], "the first tap only zooms");
    let (w, h) = rendered_box(&browser, eye).await;
    assert!(w >= 24.0 && h >= 24.0, "zoomed, the eye is {w}×{h} px");
    tap(&browser, eye).await;
    wait_for_text(&browser, "Eye and eyebrow (right)").await;
    assert_eq!(rows(&browser).await, ["Low back (right)", "Eye and eyebrow (right)"]);
    let (w, h) = rendered_box(&browser, eye).await;
    report(&format!(
        "body chart: on a 390 px phone the chosen area is {w:.0}×{h:.0} px after the region zoom"
    ));
    assert!(w >= 24.0 && h >= 24.0, "the chosen eye is {w}×{h} px");
    screenshot(&browser, "26-body-chart-zoomed-on-a-phone").await;
    click(&browser, ".whole-body").await;
    let view = browser
        .execute(
            "return document.querySelector('#pain-chart svg').getAttribute('viewBox')",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(view, "0 0 800 900", "back to the whole body");
    browser.close().await.unwrap();
}
