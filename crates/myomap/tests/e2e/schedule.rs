//! The calendar through the real server: hours, booking with refusals,
//! daylight saving, moving and cancelling, free slots, the iCalendar feed,
//! online booking through a client's link honouring the plan's cadence,
//! and reminders through the outbox (a relay that fails, then works).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Api, Browser, PASSWORD, Server, add_user};
use myomap_testkit::{TestDb, on_both_backends};

on_both_backends!(the_calendar_api);

fn week_hours() -> Value {
    let mut rows = Vec::new();
    for day in ["monday", "tuesday", "wednesday", "thursday", "friday"] {
        rows.push(json!({"weekday": day, "starts": "09:00", "ends": "17:00", "kind": "work"}));
        rows.push(json!({"weekday": day, "starts": "12:30", "ends": "13:15", "kind": "break"}));
    }
    json!({"hours": rows})
}

async fn the_calendar_api(db: &TestDb) {
    add_user(db, "Harbour Clinic", "owner@harbour.test", "owner");
    add_user(db, "Harbour Clinic", "desk@harbour.test", "front_desk");
    let server = Server::start(db);
    // The clinic keeps London time (set on the settings page).
    let owner_page = Browser::new(&server);
    owner_page.sign_in("owner@harbour.test", PASSWORD).await;
    let csrf = owner_page.csrf().await;
    let (status, body, _) = owner_page
        .post_form("/schedule/time-zone", &[("csrf", &csrf), ("time_zone", "Mars/Olympus")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("is not a time zone name"));
    let (status, _, _) = owner_page
        .post_form(
            "/schedule/time-zone",
            &[("csrf", &csrf), ("time_zone", "Europe/London")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let owner = Api::login(&server, "owner@harbour.test", PASSWORD).await;
    let desk = Api::login(&server, "desk@harbour.test", PASSWORD).await;
    let (_, clinic) = desk.get("/api/v1/clinic").await;
    assert_eq!(clinic["time_zone"], "Europe/London");
    let (status, _) = desk.put("/api/v1/clinic", json!({"time_zone": "UTC"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, problem) = owner.put("/api/v1/clinic", json!({"time_zone": "Europe/Lndon"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "time_zone", "{problem}");
    let (status, _) = owner.put("/api/v1/clinic", json!({"time_zone": "Europe/London"})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, staff) = desk.get("/api/v1/staff").await;
    assert_eq!(staff["time_zone"], "Europe/London");
    let therapist = staff["therapists"][0]["id"].as_str().unwrap().to_owned();

    // Hours: validated with the row named; the front desk may not set them.
    let (status, problem) = owner
        .put(
            &format!("/api/v1/therapists/{therapist}/hours"),
            json!({"hours": [{"weekday": "monday", "starts": "17:00", "ends": "09:00", "kind": "work"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "hours[0].ends", "{problem}");
    let (status, _) = desk
        .put(&format!("/api/v1/therapists/{therapist}/hours"), week_hours())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = owner
        .put(&format!("/api/v1/therapists/{therapist}/hours"), week_hours())
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, room) = desk.post("/api/v1/rooms", json!({"name": "Room 1"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let room = room["id"].as_str().unwrap().to_owned();

    let ada = owner.create_client("Ada", "Byron").await;
    let grace = owner.create_client("Grace", "Hopper").await;
    // Monday 1 April 2030, the day after the clocks went forward: 09:00
    // London is 08:00 UTC.
    let (status, booked) = desk
        .post(
            "/api/v1/appointments",
            json!({"client_id": ada, "therapist_id": therapist, "room_id": room, "starts_at": "2030-04-01T09:00", "minutes": 60}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    assert_eq!(booked["starts_at"], "2030-04-01T08:00:00Z");
    assert_eq!(booked["local_start"], "2030-04-01T09:00");

    // Refusals, each naming what is wrong.
    let refusals = [
        (
            json!({"client_id": grace, "therapist_id": therapist, "starts_at": "2030-04-01T09:30", "minutes": 60}),
            StatusCode::CONFLICT,
            "already booked",
        ),
        (
            json!({"client_id": grace, "therapist_id": therapist, "starts_at": "2030-04-01T09:30", "minutes": 50}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "30, 45, 60, 75 or 90",
        ),
        (
            json!({"client_id": grace, "therapist_id": therapist, "starts_at": "2030-04-01T12:45", "minutes": 30}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "outside the therapist's hours",
        ),
        (
            json!({"client_id": grace, "therapist_id": therapist, "starts_at": "2030-04-06T10:00", "minutes": 30}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "does not work on Saturdays",
        ),
        (
            json!({"client_id": grace, "therapist_id": therapist, "starts_at": "2030-03-31T01:30", "minutes": 30, "outside_hours": true}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "does not exist",
        ),
        (
            json!({"client_id": grace, "therapist_id": therapist, "starts_at": "next week", "minutes": 30}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "must be a date and time",
        ),
        (
            json!({"client_id": grace, "therapist_id": "nobody", "starts_at": "2030-04-01T14:00", "minutes": 30}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "no therapist",
        ),
    ];
    for (body, expected, words) in refusals {
        let (status, problem) = desk.post("/api/v1/appointments", body.clone()).await;
        assert_eq!(status, expected, "{body} → {problem}");
        assert!(problem.to_string().contains(words), "{body} → {problem}");
    }
    let (status, _) = desk
        .post(
            "/api/v1/appointments",
            json!({"client_id": grace, "therapist_id": therapist, "starts_at": "2030-04-06T10:00", "minutes": 30, "outside_hours": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "outside hours when asked");

    // Free slots skip the booked hour and the break.
    let (status, slots) = desk
        .get(&format!(
            "/api/v1/therapists/{therapist}/slots?from=2030-04-01&days=1&minutes=60"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let starts: Vec<&str> = slots["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["local_start"].as_str().unwrap())
        .collect();
    assert_eq!(starts.first(), Some(&"2030-04-01T10:00"));
    assert!(
        !starts.contains(&"2030-04-01T12:00") && starts.contains(&"2030-04-01T11:30"),
        "{starts:?}"
    );
    assert!(starts.contains(&"2030-04-01T13:15") && starts.last() == Some(&"2030-04-01T16:00"));

    // Move with a stale version: refused; with the right one: moved.
    let id = booked["id"].as_str().unwrap();
    let (status, _) = desk
        .post(
            &format!("/api/v1/appointments/{id}/reschedule"),
            json!({"version": 0, "therapist_id": therapist, "starts_at": "2030-04-02T10:00", "minutes": 45}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, moved) = desk
        .post(
            &format!("/api/v1/appointments/{id}/reschedule"),
            json!({"version": 1, "therapist_id": therapist, "starts_at": "2030-04-02T10:00", "minutes": 45}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["minutes"], 45);
    let (status, problem) = desk
        .post(
            &format!("/api/v1/appointments/{id}/status"),
            json!({"status": "gone", "version": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "status");
    let (status, cancelled) = desk
        .post(
            &format!("/api/v1/appointments/{id}/status"),
            json!({"status": "cancelled", "version": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cancelled["status"], "cancelled");
    // Its withdrawn reminder's link now says so, and offers nothing.
    let (_, all) = desk.get("/api/v1/outbox").await;
    let withdrawn = all["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| {
            m["client_name"] == "Ada Byron"
                && m["status"] == "cancelled"
                && m["title"].as_str().unwrap().contains("2 Apr")
        })
        .unwrap_or_else(|| panic!("{all}"));
    // The client is told: a cancellation message waits in the outbox.
    let told: Vec<_> = all["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| {
            m["client_name"] == "Ada Byron"
                && m["status"] != "cancelled"
                && m["title"].as_str().unwrap().contains("is cancelled")
        })
        .collect();
    assert_eq!(told.len(), 1, "{all}");
    assert!(told[0]["title"].as_str().unwrap().contains("2 Apr"), "{}", told[0]);
    let body = withdrawn["body"].as_str().unwrap();
    let url = body.lines().find(|l| l.contains("/c/")).unwrap().trim().to_owned();
    let page = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert!(
        page.contains("marked <strong>cancelled</strong>") && !page.contains("Cancel this appointment"),
        "{page}"
    );
    let (_, listed) = desk.get("/api/v1/appointments?from=2030-04-01&days=7").await;
    assert_eq!(listed["appointments"].as_array().unwrap().len(), 2);
    let (status, _) = desk.get("/api/v1/appointments?from=2030-04-01&days=99").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Time off: refused over the booking on 6 April, then blocks its days.
    let (status, problem) = desk
        .post(
            &format!("/api/v1/therapists/{therapist}/time-off"),
            json!({"starts_at": "2030-04-06T00:00", "ends_at": "2030-04-08T00:00", "reason": "holiday"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let (status, problem) = desk
        .post(
            &format!("/api/v1/therapists/{therapist}/time-off"),
            json!({"starts_at": "2030-04-10T00:00", "ends_at": "2030-04-09T00:00"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "ends_at", "{problem}");
    let (status, off) = desk
        .post(
            &format!("/api/v1/therapists/{therapist}/time-off"),
            json!({"starts_at": "2030-04-09T00:00", "ends_at": "2030-04-11T00:00", "reason": "course"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{off}");
    let (status, problem) = desk
        .post(
            "/api/v1/appointments",
            json!({"client_id": grace, "therapist_id": therapist, "starts_at": "2030-04-10T10:00", "minutes": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(problem["detail"].as_str().unwrap().contains("is away"), "{problem}");
    let (_, slots) = desk
        .get(&format!("/api/v1/therapists/{therapist}/slots?from=2030-04-09&days=2"))
        .await;
    assert_eq!(slots["slots"].as_array().unwrap().len(), 0, "no slots while away");
    let (_, listed) = desk
        .get(&format!("/api/v1/therapists/{therapist}/time-off?from=2030-04-01"))
        .await;
    assert_eq!(listed["time_off"][0]["local_start"], "2030-04-09T00:00", "{listed}");
    let (status, _) = desk
        .delete(&format!("/api/v1/time-off/{}", off["id"].as_str().unwrap()))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    // The iCalendar feed: secret address, initials only, UTC times.
    let (status, feed) = owner
        .post(&format!("/api/v1/therapists/{therapist}/calendar-feed"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let url = feed["url"].as_str().unwrap();
    let ics = reqwest::get(url).await.unwrap();
    assert_eq!(ics.headers()["content-type"], "text/calendar; charset=utf-8");
    let ics = ics.text().await.unwrap();
    assert!(
        ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.contains("SUMMARY:G.H. – 30 min"),
        "{ics}"
    );
    assert!(
        ics.contains("DTSTART:20300406T090000Z") && ics.contains("STATUS:CANCELLED"),
        "{ics}"
    );
    assert!(!ics.contains("Hopper"), "no full names leave the clinic");
    assert_eq!(
        reqwest::get(url.replace(".ics", "x.ics")).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    // Reminders and the cancellation notice wait for the front desk (no
    // relay on this server).
    let (_, outbox) = desk.get("/api/v1/outbox?attention=true").await;
    let reminders = outbox["messages"].as_array().unwrap();
    assert!(
        reminders
            .iter()
            .all(|m| m["status"] == "by_hand" && matches!(m["kind"].as_str(), Some("reminder" | "cancellation"))),
        "{outbox}"
    );
    let first = reminders[0]["id"].as_str().unwrap();
    let (status, _) = desk.post(&format!("/api/v1/outbox/{first}/sent"), json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = desk.post(&format!("/api/v1/outbox/{first}/sent"), json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "already sent");

    // The reminder carries the appointment's own link: the client sees it
    // and cancels (well ahead), which withdraws the reminder.
    let (status, may) = desk
        .post(
            "/api/v1/appointments",
            json!({"client_id": grace, "therapist_id": therapist, "starts_at": "2030-05-14T10:00", "minutes": 60}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{may}");
    let (_, outbox) = desk.get("/api/v1/outbox?attention=true").await;
    let reminder = outbox["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["title"].as_str().unwrap().contains("14 May 2030"))
        .unwrap_or_else(|| panic!("{outbox}"))
        .clone();
    let body = reminder["body"].as_str().unwrap();
    let url = body
        .lines()
        .find(|l| l.contains("/c/"))
        .unwrap_or_else(|| panic!("{body}"))
        .trim()
        .to_owned();
    assert!(url.starts_with(&format!("{}/c/", server.base)), "{url}");
    let page = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert!(
        page.contains("Your appointment, Grace") && page.contains("Cancel this appointment"),
        "{page}"
    );
    let cancelled = reqwest::Client::new()
        .post(&url)
        .form(&[("action", "cancel")])
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), StatusCode::OK);
    assert!(
        cancelled
            .text()
            .await
            .unwrap()
            .contains("Your appointment is cancelled")
    );
    assert_eq!(
        reqwest::get(&url).await.unwrap().status(),
        StatusCode::GONE,
        "the link is used up"
    );
    let (_, all) = desk.get("/api/v1/outbox").await;
    let withdrawn = all["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == reminder["id"])
        .unwrap();
    assert_eq!(withdrawn["status"], "cancelled", "{withdrawn}");
    let (_, found) = desk
        .get(&format!("/api/v1/appointments/{}", may["id"].as_str().unwrap()))
        .await;
    assert_eq!(found["status"], "cancelled", "{found}");

    // Online booking through the client's link: only free slots, once.
    let (status, link) = desk
        .post(
            &format!("/api/v1/clients/{grace}/booking-link"),
            json!({"therapist_id": therapist}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let url = link["url"].as_str().unwrap();
    let page = reqwest::get(url).await.unwrap().text().await.unwrap();
    assert!(page.contains("Book your next appointment, Grace"), "{page}");
    let slot = page
        .split("name=\"slot\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let client = reqwest::Client::new();
    let taken = client
        .post(url)
        .form(&[("slot", "2030-04-02T09:00:00Z")])
        .send()
        .await
        .unwrap();
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY, "a time not offered");
    let booked = client.post(url).form(&[("slot", slot.as_str())]).send().await.unwrap();
    assert_eq!(booked.status(), StatusCode::OK);
    assert!(booked.text().await.unwrap().contains("You are booked, Grace"));
    let again = client.post(url).form(&[("slot", slot.as_str())]).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::GONE);
    let (_, theirs) = desk.get(&format!("/api/v1/clients/{grace}/appointments")).await;
    assert_eq!(
        theirs["appointments"].as_array().unwrap().len(),
        3,
        "6 April by the desk, 14 May cancelled online, and the one booked online"
    );
    let online = theirs["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["note"] == "Booked online by the client")
        .unwrap();
    assert_eq!(online["room_name"], "Room 1", "an online booking takes a free room");

    // A series of a plan's sessions: same wall-clock time across the clock
    // change, all or nothing.
    let alan = owner.create_client("Alan", "Turing").await;
    let (status, series) = desk
        .post(
            "/api/v1/appointments",
            json!({"client_id": alan, "therapist_id": therapist, "starts_at": "2030-03-19T11:00", "minutes": 60, "repeat": 3, "every_days": 7}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{series}");
    let starts: Vec<&str> = series["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["starts_at"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        ["2030-03-19T11:00:00Z", "2030-03-26T11:00:00Z", "2030-04-02T10:00:00Z"]
    );
    let (status, problem) = desk
        .post(
            "/api/v1/appointments",
            json!({"client_id": grace, "therapist_id": therapist, "starts_at": "2030-03-12T11:00", "minutes": 60, "repeat": 3, "every_days": 7}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        problem["detail"].as_str().unwrap().contains("appointment 2 of 3"),
        "{problem}"
    );
    let (_, march) = desk.get("/api/v1/appointments?from=2030-03-12&days=1").await;
    assert_eq!(
        march["appointments"].as_array().unwrap().len(),
        0,
        "nothing of a refused series is kept"
    );
    let (status, problem) = desk
        .post(
            "/api/v1/appointments",
            json!({"client_id": grace, "therapist_id": therapist, "starts_at": "2030-05-07T11:00", "minutes": 60, "repeat": 50}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "repeat", "{problem}");

    // Another clinic sees nothing of it.
    add_user(db, "Other Clinic", "o@other.test", "owner");
    let other = Api::login(&server, "o@other.test", PASSWORD).await;
    let (status, _) = other.get(&format!("/api/v1/appointments/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, none) = other.get("/api/v1/appointments?from=2030-04-01&days=7").await;
    assert_eq!(none["appointments"].as_array().unwrap().len(), 0);
}

/// A reminder due now while the relay is down: the failure is recorded
/// with its error and the message stays queued; once the relay is back,
/// "try again now" sends it and the copy kept loses nothing but links.
#[tokio::test]
async fn reminders_survive_a_relay_that_is_down() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let db = TestDb::sqlite();
    add_user(&db, "North Clinic", "t@north.test", "therapist");
    let mut args: Vec<String> = ["serve", "--bind", "127.0.0.1:0", "--smtp-url"]
        .map(String::from)
        .to_vec();
    args.push(format!("smtp://127.0.0.1:{port}"));
    args.extend(["--smtp-from".to_owned(), "North Clinic <clinic@north.test>".to_owned()]);
    args.extend(["--public-url".to_owned(), "https://clinic.north.test/".to_owned()]);
    args.extend(db.cli_args());
    let server = Server::spawn(&args, 1);
    let api = Api::login(&server, "t@north.test", PASSWORD).await;
    let (_, client) = api
        .post(
            "/api/v1/clients",
            json!({"given_name": "Ada", "family_name": "Byron", "date_of_birth": "1985-12-10", "email": "ada@example.org"}),
        )
        .await;
    let (_, staff) = api.get("/api/v1/staff").await;
    let therapist = staff["therapists"][0]["id"].as_str().unwrap();
    // Within 24 hours: the reminder is due at once.
    let soon = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(3)).to_string();
    let (status, booked) = api
        .post(
            "/api/v1/appointments",
            json!({"client_id": client["id"], "therapist_id": therapist, "starts_at": soon, "minutes": 45, "outside_hours": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");

    let mut message = Value::Null;
    for _ in 0..100 {
        let (_, outbox) = api.get("/api/v1/outbox").await;
        message = outbox["messages"][0].clone();
        if message["attempts"].as_i64().unwrap_or(0) >= 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(message["status"], "queued", "retried later, not dropped: {message}");
    assert_eq!(message["attempts"], 1, "{message}");
    assert!(
        !message["last_error"].as_str().unwrap_or_default().is_empty(),
        "{message}"
    );

    // Three hours ahead: too late to cancel online, the link says to call.
    let body = message["body"].as_str().unwrap();
    let url = body
        .lines()
        .find(|l| l.contains("/c/"))
        .unwrap_or_else(|| panic!("{body}"))
        .trim()
        .to_owned();
    // The link is built from --public-url; this test's server answers for
    // that address on its loopback port.
    assert!(url.starts_with("https://clinic.north.test/c/"), "{url}");
    let url = url.replacen("https://clinic.north.test", &server.base, 1);
    let page = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert!(
        page.contains("please call the clinic") && !page.contains("Cancel this appointment"),
        "{page}"
    );
    let late = reqwest::Client::new()
        .post(&url)
        .form(&[("action", "cancel")])
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), StatusCode::CONFLICT);
    assert!(late.text().await.unwrap().contains("closes 12 hours before"));

    let (mut relay, received) = crate::harness::start_mail_relay(port);
    let id = message["id"].as_str().unwrap();
    let (status, _) = api.post(&format!("/api/v1/outbox/{id}/retry"), json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let mut sent = Value::Null;
    for _ in 0..100 {
        let (_, outbox) = api.get("/api/v1/outbox").await;
        sent = outbox["messages"][0].clone();
        if sent["status"] == "sent" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mail = std::fs::read_to_string(received.path()).unwrap();
    let _ = relay.kill();
    let _ = relay.wait();
    assert_eq!(sent["status"], "sent", "{sent}");
    assert!(
        mail.contains("To: ada@example.org") && mail.contains("North Clinic: your appointment"),
        "{mail}"
    );
}
