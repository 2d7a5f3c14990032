//! `myomap import clients` and `myomap export outcomes --anonymised` with the
//! real binary: dry runs, all-or-nothing refusal, partial imports with a
//! rejects file, BOM, CRLF, Windows-1252, duplicates in the file and on a
//! re-run (both back ends); the anonymised export of the demo clinic.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use myomap_testkit::{TestDb, on_both_backends};

use crate::harness::{add_user, cli, cli_db, text};

const CLINIC: &str = "Import Clinic";

fn write(db: &TestDb, name: &str, bytes: &[u8]) -> PathBuf {
    let path = db.data_dir().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Runs `myomap import clients FILE --clinic CLINIC EXTRA…` on the test database.
fn import(db: &TestDb, file: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["import", "clients", file.to_str().unwrap(), "--clinic", CLINIC];
    args.extend_from_slice(extra);
    let out = cli_db(db, &args, "");
    (out.status.code().unwrap(), text(&out.stdout), text(&out.stderr))
}

fn verify(db: &TestDb) {
    let out = cli_db(db, &["audit", "verify"], "");
    assert!(out.status.success(), "{}", text(&out.stdout));
}

async fn dry_run_refusal_partial_and_rerun(db: &TestDb) {
    add_user(db, CLINIC, "owner@import.test", "owner");
    // BOM, CRLF, a quoted cell with a comma and one with a newline, a
    // duplicate within the file, two refused rows.
    let csv = "\u{feff}First Name,Last Name,DOB,Email,Mobile,Referrer\r\n\
               \"Ada, Countess\",Byron,1985-12-10,ada@example.org,+44 7700 900123,Dr X\r\n\
               Ben,Hale,1970-01-31,,,\r\n\
               Cy,Lo,2999-01-01,,,\r\n\
               ADA  COUNTESS,byron,1985-12-10,,,\r\n\
               Dee,,1960-05-05,not-an-email,,\r\n\
               Eve,\"Stone\r\nMason\",1990-02-02,,,\r\n";
    // Rows: Ada (2), Ben (3), Cy (4, future), Ada again (5, not a duplicate:
    // "ADA  COUNTESS" differs from "Ada, Countess"), Dee (6), Eve (7-8).
    let file = write(db, "clients.csv", csv.as_bytes());

    let (code, out, _) = import(db, &file, &["--dry-run"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("dry run: 6 rows read"), "{out}");
    assert!(out.contains("columns not imported: Referrer"), "{out}");
    assert!(out.contains("line 4: date_of_birth: is in the future"), "{out}");
    assert!(out.contains("line 6: family_name: is required"), "{out}");
    assert!(out.contains("line 6: email: is not an email address"), "{out}");
    assert!(
        out.contains("line 7: family_name: contains control characters"),
        "{out}"
    );
    assert!(out.contains("line 2: Ada, Countess Byron"), "{out}");

    // All or nothing: refused rows mean nothing is written.
    let (code, out, _) = import(db, &file, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("nothing was written"), "{out}");
    let good = write(
        db,
        "good.csv",
        b"given_name,family_name,date_of_birth\n\"Ada, Countess\",Byron,1985-12-10\nben,HALE,1970-01-31\nBen,Hale,1970-01-31\n",
    );
    let (code, out, _) = import(db, &good, &["--dry-run"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("would create 2 clients"),
        "nothing was in the clinic: {out}"
    );
    assert!(out.contains("line 4: Ben Hale (same as line 3)"), "{out}");

    // Partial: the good rows, the refused ones to the rejects file.
    let (code, out, _) = import(db, &file, &["--partial"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("created 3 clients"), "{out}");
    let rejects = db.data_dir().join("clients.rejects.csv");
    assert!(out.contains("refused rows written to"), "{out}");
    let rejects = std::fs::read_to_string(rejects).unwrap();
    let mut reader = csv_lines(&rejects);
    assert_eq!(
        reader.remove(0),
        [
            "First Name",
            "Last Name",
            "DOB",
            "Email",
            "Mobile",
            "Referrer",
            "line",
            "reason"
        ]
    );
    assert_eq!(reader.len(), 3, "{rejects}");
    assert_eq!(reader[0][6], "4");
    assert_eq!(reader[0][7], "date_of_birth: is in the future");
    assert_eq!(reader[2][1], "Stone\r\nMason");

    // Re-running creates nothing: every good row is now a duplicate.
    let (code, out, _) = import(
        db,
        &file,
        &[
            "--partial",
            "--rejects",
            db.data_dir().join("again.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("created 0 clients"), "{out}");
    assert!(
        out.contains("line 2: Ada, Countess Byron (already in the clinic)"),
        "{out}"
    );
    assert!(out.contains("skipped 3 duplicates"), "{out}");
    let (_, out, _) = import(db, &good, &[]);
    assert!(
        out.contains("created 0 clients") && out.contains("skipped 3 duplicates"),
        "{out}"
    );
    verify(db);
}

/// Reads CSV text into rows of cells (a tiny RFC 4180 reader for the test:
/// quotes, doubled quotes, embedded CRLF).
fn csv_lines(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => cell.push(c),
        }
    }
    rows
}

async fn windows_1252_and_presets(db: &TestDb) {
    add_user(db, CLINIC, "owner@import.test", "owner");
    // "Zoë Müller" in Windows-1252, dates as a UK export writes them.
    let mut bytes = b"Forename,Surname,Date of Birth\r\n".to_vec();
    bytes.extend_from_slice(b"Zo\xEB,M\xFCller,10/12/1985\r\nAl,Ng,31/02/1980\r\n");
    let file = write(db, "w1252.csv", &bytes);
    let (code, out, err) = import(db, &file, &["--preset", "uk", "--encoding", "utf-8"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("not UTF-8") && err.contains("--encoding windows-1252"),
        "{err}"
    );
    let (code, out, _) = import(db, &file, &["--preset", "uk", "--partial"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("note: the file is not UTF-8"), "{out}");
    assert!(out.contains("created 1 clients"), "{out}");
    assert!(
        out.contains("line 3: date_of_birth: \"31/02/1980\" is not a real date"),
        "{out}"
    );
    // Stored as UTF-8: the same person typed in UTF-8 is a duplicate.
    let utf8 = write(
        db,
        "utf8.csv",
        "given_name,family_name,date_of_birth\nzoë,müller,1985-12-10\n".as_bytes(),
    );
    let (_, out, _) = import(db, &utf8, &[]);
    assert!(out.contains("(already in the clinic)"), "{out}");
    // A mapping that names a missing column, and a file without the required ones.
    let (code, _, err) = import(db, &utf8, &["--map", "Vorname=given_name"]);
    assert_eq!(code, 2);
    assert!(err.contains("--map: the file has no column \"Vorname\""), "{err}");
    let bad = write(db, "bad.csv", b"Name,Born\nAda,1985\n");
    let (code, _, err) = import(db, &bad, &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no column for given_name, family_name, date_of_birth"),
        "{err}"
    );
    let (code, out, _) = import(
        db,
        &bad,
        &[
            "--map",
            "Name=given_name,Name=family_name,Born=date_of_birth",
            "--dry-run",
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("line 2: date_of_birth: \"1985\" is not a date in the form YYYY-MM-DD"),
        "{out}"
    );
    verify(db);
}

on_both_backends!(dry_run_refusal_partial_and_rerun, windows_1252_and_presets);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_anonymised_export_of_the_demo_clinic_names_no_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let seeded = cli(&["demo", "--no-serve", "--clients", "200", "--data", data], "");
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    let out_file = dir.path().join("outcomes.csv");
    let out = cli(
        &[
            "export",
            "outcomes",
            "--anonymised",
            "--out",
            out_file.to_str().unwrap(),
            "--data",
            data,
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("suppressed") && said.contains("groups of fewer than 5 clients"),
        "{said}"
    );
    let csv = std::fs::read_to_string(&out_file).unwrap();
    let rows = csv_lines(&csv);
    assert_eq!(
        rows[0],
        [
            "condition_group",
            "instrument",
            "score",
            "days_since_baseline",
            "sessions_attended",
            "age_band",
            "sex"
        ]
    );
    // The demo's written cases are the only clients with scores: a handful,
    // so most of their groups are too small and suppressed.

    // Every cell from a fixed vocabulary or a number: no name, id, date or
    // free text can hide in it.
    let groups_known: BTreeSet<String> = myomap_plans::protocols()
        .iter()
        .map(|p| p.id.clone())
        .chain(["none".to_owned()])
        .collect();
    for row in &rows[1..] {
        assert_eq!(row.len(), 7, "{row:?}");
        for cell in row {
            assert!(!regex_like_date(cell), "a date in {row:?}");
        }
        assert!(groups_known.contains(&row[0]), "{row:?}");
        assert!(myomap_scoring::Instrument::from_str(&row[1]).is_ok(), "{row:?}");
        assert!(row[2].parse::<f64>().is_ok(), "score {row:?}");
        assert!(
            row[3].parse::<u32>().is_ok() && row[4].parse::<u32>().is_ok(),
            "{row:?}"
        );
        let band: Vec<u32> = row[5].split('-').map(|n| n.parse().unwrap()).collect();
        assert!(
            band.len() == 2 && band[0].is_multiple_of(5) && band[1] == band[0] + 4,
            "{row:?}"
        );
        assert_eq!(row[6], "", "Myomap records no sex: {row:?}");
    }
    // No client's name or id appears anywhere in the file.
    let store = myomap_store::Store::open(&myomap_store::DatabaseTarget::choose(None, std::path::Path::new(data)))
        .await
        .unwrap();
    let actor = store.owner_of_clinic(None).await.unwrap();
    let scope = store.clinic(&actor);
    let mut query = myomap_store::ClientQuery {
        page: 1,
        ..Default::default()
    };
    loop {
        let page = scope.list_clients(&query).await.unwrap();
        for client in &page.clients {
            assert!(!csv.contains(&client.id.to_string()), "id of {}", client.full_name());
            for name in [&client.given_name, &client.family_name] {
                let hit = rows[1..].iter().flatten().any(|cell| cell.eq_ignore_ascii_case(name));
                assert!(!hit, "name {name} in the export");
            }
        }
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    // k ≥ 5, recomputed here from the stored facts: each exported group
    // (condition group, age band at the questionnaire's date) holds at
    // least five distinct clients.
    let facts = scope.outcome_facts().await.unwrap();
    let mut clients_of: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for score in &facts.scores {
        let client = &facts.clients[&score.client_id];
        let group = client.conditions.first().map_or_else(
            || "none".to_owned(),
            |c| {
                myomap_plans::protocols_for(c)
                    .first()
                    .map_or_else(|| c.clone(), |p| p.id.clone())
            },
        );
        let (born, on) = (client.date_of_birth, score.taken_on);
        let mut age = on.year() - born.year();
        if (on.month(), on.day()) < (born.month(), born.day()) {
            age -= 1;
        }
        let band = format!("{}-{}", age / 5 * 5, age / 5 * 5 + 4);
        clients_of
            .entry((group, band))
            .or_default()
            .insert(score.client_id.to_string());
    }
    let exported: BTreeSet<(String, String)> = rows[1..].iter().map(|r| (r[0].clone(), r[5].clone())).collect();
    assert!(!facts.scores.is_empty());
    let suppressed = facts.scores.len() - (rows.len() - 1);
    assert!(said.contains(&format!("suppressed {suppressed} rows")), "{said}");
    for group in &exported {
        let n = clients_of.get(group).map_or(0, BTreeSet::len);
        assert!(n >= 5, "{group:?} has {n} clients");
    }
    // And nothing was suppressed that had five.
    let kept: usize = clients_of.iter().filter(|(_, c)| c.len() >= 5).count();
    assert_eq!(kept, exported.len(), "{said}");
    store.close().await;

    // One audit entry for the export, and the chain still verifies.
    let verified = cli(&["audit", "verify", "--data", data], "");
    assert!(verified.status.success(), "{}", text(&verified.stdout));
}

/// YYYY-MM-DD, DD/MM/YYYY and the like.
fn regex_like_date(cell: &str) -> bool {
    let digits_and = |sep: char| {
        let parts: Vec<&str> = cell.split(sep).collect();
        parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    };
    digits_and('-') || digits_and('/') || digits_and('.')
}
