#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;

use super::*;

const TODAY: Date = jiff::civil::date(2026, 12, 7);

fn generic() -> Mapping {
    Mapping::new(None, None, None).unwrap()
}

fn read(text: &str, mapping: &Mapping) -> SourceFile {
    read_rows(text, mapping, &mut |_| {}).unwrap()
}

#[test]
fn headers_match_without_case_or_punctuation_and_map_overrides() {
    let file = read(
        "FIRST NAME,last_name,Date-of-Birth,Mobile,Ignored\nAda,Byron,1985-12-10,0123,x\n",
        &generic(),
    );
    assert_eq!(file.rows[0].fields.given_name, "Ada");
    assert_eq!(file.rows[0].fields.phone, "0123");
    assert_eq!(file.ignored_columns, ["Ignored"]);
    let mapped = Mapping::new(
        None,
        Some("Vorname=given_name, Nachname=family_name,Geburtstag=date_of_birth"),
        None,
    )
    .unwrap();
    let file = read("Vorname,Nachname,Geburtstag\nAda,Byron,1985-12-10\n", &mapped);
    assert_eq!(file.rows[0].fields.family_name, "Byron");
}

#[test]
fn options_and_missing_columns_are_named() {
    assert!(matches!(
        Mapping::new(Some("nope"), None, None),
        Err(ImportError::Usage { option: "--preset", .. })
    ));
    assert!(matches!(
        Mapping::new(None, Some("A=age"), None),
        Err(ImportError::Usage { option: "--map", .. })
    ));
    let err = read_rows("Name,DOB\nAda,1985-12-10\n", &generic(), &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("given_name, family_name"), "{err}");
    let err = read_rows(
        "a\n",
        &Mapping::new(None, Some("X=given_name"), None).unwrap(),
        &mut |_| {},
    )
    .unwrap_err();
    assert!(err.to_string().contains("no column \"X\""), "{err}");
}

#[test]
fn quoted_fields_embedded_newlines_crlf_and_line_numbers() {
    let text = "given_name,family_name,date_of_birth,notes\r\n\"Ada, Countess\",Byron,1985-12-10,\"two\r\nlines\"\r\nBad,,1985-12-10,\r\n";
    let file = read(text, &generic());
    assert_eq!(file.rows[0].fields.given_name, "Ada, Countess");
    assert_eq!(file.rows[0].fields.notes, "two\r\nlines");
    assert_eq!(file.rows[1].line, 4);
    let plan = plan(&file, &HashSet::new(), TODAY);
    assert_eq!(plan.create.len(), 1);
    assert_eq!(
        plan.refused,
        [Refusal {
            line: 4,
            field: "family_name".into(),
            reason: "is required".into()
        }]
    );
}

#[test]
fn bom_and_windows_1252() {
    let decoded = decode(b"\xEF\xBB\xBFgiven_name", Encoding::Auto).unwrap();
    assert_eq!(decoded.text, "given_name");
    assert_eq!(decoded.note, None);
    let decoded = decode(b"Zo\xEB", Encoding::Auto).unwrap();
    assert_eq!(decoded.text, "Zoë");
    assert!(decoded.note.unwrap().contains("Windows-1252"));
    assert_eq!(
        decode(b"Zo\xEB", Encoding::Utf8),
        Err(ImportError::NotUtf8 { offset: 2 })
    );
    assert_eq!(decode("Zoë".as_bytes(), Encoding::Windows1252).unwrap().text, "ZoÃ«");
}

#[test]
fn preset_dates() {
    let uk = Mapping::new(Some("uk"), None, None).unwrap();
    let us = Mapping::new(Some("us"), None, None).unwrap();
    let text = "First Name,Surname,DOB\nAda,Byron,10/12/1985\nBen,Hale,31/02/1980\nCy,Lo,1985-12-10\n";
    let file = read(text, &uk);
    assert_eq!(file.rows[0].fields.date_of_birth, "1985-12-10");
    assert_eq!(file.rows[2].fields.date_of_birth, "1985-12-10");
    assert_eq!(file.rows[1].problems[0].0, "date_of_birth");
    assert_eq!(read(text, &us).rows[0].fields.date_of_birth, "1985-10-12");
    let plan = plan(&file, &HashSet::new(), TODAY);
    assert_eq!(plan.refused.len(), 1, "{:?}", plan.refused);
    assert!(plan.refused[0].reason.contains("not a real date"));
}

#[test]
fn duplicates_in_the_clinic_and_in_the_file() {
    let file = read(
        "given_name,family_name,date_of_birth\nAda,Byron,1985-12-10\nADA , byron,1985-12-10\nCy,Lo,1990-01-01\n",
        &generic(),
    );
    let known: HashSet<ClientKey> = [ClientKey::new("cy", "LO", jiff::civil::date(1990, 1, 1))].into();
    let plan = plan(&file, &known, TODAY);
    assert_eq!(plan.create.len(), 1);
    assert_eq!(plan.duplicates[0].of, DuplicateOf::Line(2));
    assert_eq!(plan.duplicates[1].of, DuplicateOf::Clinic);
}

#[test]
fn rejects_keep_the_row_and_say_why() {
    let file = read("given_name,family_name,date_of_birth,x\nAda,,1985-13-01\n", &generic());
    let plan = plan(&file, &HashSet::new(), TODAY);
    let rejects = String::from_utf8(rejects_csv(&file, &plan).unwrap()).unwrap();
    let mut lines = rejects.lines();
    assert_eq!(lines.next(), Some("given_name,family_name,date_of_birth,x,line,reason"));
    let row = lines.next().unwrap();
    assert!(row.starts_with("Ada,,1985-13-01,,2,"), "{row}");
    assert!(
        row.contains("row: has 3 cells") && row.contains("family_name: is required"),
        "{row}"
    );
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z' -]{0,12}",
        "(19[0-9]{2}|20[0-2][0-9])-[01][0-9]-[0-3][0-9]",
        "[0-3]?[0-9]/[01]?[0-9]/[0-9]{2,4}",
        "\\PC{0,10}",
        Just("\"".to_owned()),
        Just("\r\n".to_owned()),
    ]
}

proptest! {
    /// No input panics the reader, whatever the bytes or encoding.
    #[test]
    fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400), enc in 0..3u8, preset in 0..3usize) {
        let encoding = [Encoding::Auto, Encoding::Utf8, Encoding::Windows1252][usize::from(enc)];
        if let Ok(decoded) = decode(&bytes, encoding) {
            let mapping = Mapping::new(Some(PRESETS[preset].name), None, None).unwrap();
            if let Ok(file) = read_rows(&decoded.text, &mapping, &mut |_| {}) {
                let _ = plan(&file, &HashSet::new(), TODAY);
            }
        }
    }

    /// Every row of a CSV with the right header is created, a duplicate or
    /// refused; every refusal names the row's line and a field.
    #[test]
    fn every_row_is_accounted_for_and_refusals_are_named(
        rows in proptest::collection::vec(proptest::collection::vec(cell(), 0..7), 0..30),
        preset in 0..3usize,
    ) {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(["First Name", "Last Name", "DOB", "Email", "Phone", "Notes"]).unwrap();
        let mut wr = csv::WriterBuilder::new().flexible(true).has_headers(false).from_writer(Vec::new());
        for row in &rows {
            wr.write_record(row).unwrap();
        }
        let mut bytes = writer.into_inner().unwrap();
        bytes.extend(wr.into_inner().unwrap());
        let text = String::from_utf8(bytes).unwrap();
        let mapping = Mapping::new(Some(PRESETS[preset].name), None, None).unwrap();
        let file = read_rows(&text, &mapping, &mut |_| {}).unwrap();
        let plan = plan(&file, &HashSet::new(), TODAY);
        prop_assert_eq!(plan.create.len() + plan.duplicates.len() + plan.refused_rows.len(), file.rows.len());
        let lines: HashSet<u64> = file.rows.iter().map(|r| r.line).collect();
        for refusal in &plan.refused {
            prop_assert!(refusal.line >= 2 && lines.contains(&refusal.line), "{:?}", refusal);
            prop_assert!(refusal.field == "row" || Field::parse(&refusal.field).is_some(), "{:?}", refusal);
            prop_assert!(!refusal.reason.is_empty());
        }
        for &n in &plan.refused_rows {
            prop_assert!(plan.refused.iter().any(|r| r.line == file.rows[n].line));
        }
        if !plan.refused_rows.is_empty() {
            let rejects = rejects_csv(&file, &plan).unwrap();
            let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(rejects.as_slice());
            prop_assert_eq!(reader.records().count(), plan.refused_rows.len());
        }
    }
}
