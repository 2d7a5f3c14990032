//! Importing clients from a CSV file (`myomap import clients`).
//!
//! Reading is pure and in steps: [`decode`] turns the file's bytes into text
//! (UTF-8 with or without a byte-order mark; a file that is not UTF-8 is read
//! as Windows-1252, with a note, unless UTF-8 is demanded), [`Mapping`] says
//! which column holds which client field (a [`Preset`] and `--map`
//! overrides), [`read_rows`] parses the CSV (quotes, embedded newlines, CRLF)
//! into rows with their line numbers, and [`plan`] validates each row with
//! the same rules as the app ([`ClientFields::validate`]) and sorts it into
//! created, duplicate (same given and family name, without case, and date of
//! birth: already in the clinic or earlier in the file) or refused (line,
//! field, reason). [`import_clients`] runs the steps against the store: all
//! or nothing by default, or only the good rows with a rejects file.

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;
use myomap_domain::{ClientFields, ClientKey, ValidClient};
use myomap_store::{Actor, Store};

use crate::{ClinicError, Clock, today_in};

/// A client field a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    GivenName,
    FamilyName,
    DateOfBirth,
    Email,
    Phone,
    Notes,
}

impl Field {
    pub const ALL: [Field; 6] = [
        Field::GivenName,
        Field::FamilyName,
        Field::DateOfBirth,
        Field::Email,
        Field::Phone,
        Field::Notes,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::GivenName => "given_name",
            Field::FamilyName => "family_name",
            Field::DateOfBirth => "date_of_birth",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::Notes => "notes",
        }
    }

    fn parse(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == name.trim())
    }

    fn required(self) -> bool {
        matches!(self, Field::GivenName | Field::FamilyName | Field::DateOfBirth)
    }
}

/// How dates of birth are written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFormat {
    /// YYYY-MM-DD only.
    Iso,
    /// DD/MM/YYYY (also `-` or `.` between), or YYYY-MM-DD.
    DayMonthYear,
    /// MM/DD/YYYY (also `-` or `.` between), or YYYY-MM-DD.
    MonthDayYear,
}

impl DateFormat {
    fn describe(self) -> &'static str {
        match self {
            DateFormat::Iso => "YYYY-MM-DD",
            DateFormat::DayMonthYear => "DD/MM/YYYY (or YYYY-MM-DD)",
            DateFormat::MonthDayYear => "MM/DD/YYYY (or YYYY-MM-DD)",
        }
    }

    pub fn parse_name(name: &str) -> Option<DateFormat> {
        match name {
            "iso" => Some(DateFormat::Iso),
            "dmy" => Some(DateFormat::DayMonthYear),
            "mdy" => Some(DateFormat::MonthDayYear),
            _ => None,
        }
    }

    /// The date as YYYY-MM-DD, or why not.
    fn to_iso(self, value: &str) -> Result<String, String> {
        let value = value.trim();
        if value.is_empty() || self == DateFormat::Iso {
            // Left to the client validation, which names the form it wants.
            return Ok(value.to_owned());
        }
        if value.len() == 10 && value.as_bytes().get(4) == Some(&b'-') {
            return Ok(value.to_owned());
        }
        let parts: Vec<&str> = value.split(['/', '-', '.']).collect();
        let bad = || format!("\"{value}\" is not a date in the form {}", self.describe());
        let [a, b, year] = parts.as_slice() else {
            return Err(bad());
        };
        let number = |s: &str, max_len: usize| -> Option<i16> {
            (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let (Some(a), Some(b), Some(year)) = (number(a, 2), number(b, 2), number(year, 4)) else {
            return Err(bad());
        };
        if year < 1000 {
            return Err(format!("\"{value}\" needs a four-digit year"));
        }
        let (day, month) = match self {
            DateFormat::DayMonthYear => (a, b),
            _ => (b, a),
        };
        let day = i8::try_from(day).map_err(|_| bad())?;
        let month = i8::try_from(month).map_err(|_| bad())?;
        Date::new(year, month, day)
            .map(|d| d.to_string())
            .map_err(|_| format!("\"{value}\" is not a real date ({})", self.describe()))
    }
}

/// A set of headers a practice-management export commonly uses, with the
/// form of its dates. Headers match without regard to case, spaces or
/// punctuation ("Date of Birth" = "date_of_birth" = "DATEOFBIRTH").
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub name: &'static str,
    pub description: &'static str,
    pub headers: &'static [(Field, &'static [&'static str])],
    pub date_format: DateFormat,
}

const GENERIC_HEADERS: &[(Field, &[&str])] = &[
    (
        Field::GivenName,
        &["given_name", "first_name", "First Name", "Given Name", "Forename"],
    ),
    (
        Field::FamilyName,
        &["family_name", "last_name", "Last Name", "Family Name", "Surname"],
    ),
    (
        Field::DateOfBirth,
        &["date_of_birth", "Date of Birth", "DOB", "Birth Date", "Birthdate"],
    ),
    (Field::Email, &["email", "Email Address", "E-mail"]),
    (
        Field::Phone,
        &[
            "phone",
            "Phone Number",
            "Mobile",
            "Mobile Phone",
            "Cell Phone",
            "Telephone",
        ],
    ),
    (Field::Notes, &["notes", "Note", "Comments"]),
];

pub const PRESETS: [Preset; 3] = [
    Preset {
        name: "generic",
        description: "Myomap's own field names and common English headers; dates YYYY-MM-DD",
        headers: GENERIC_HEADERS,
        date_format: DateFormat::Iso,
    },
    Preset {
        name: "us",
        description: "the generic headers; dates MM/DD/YYYY, as US client exports write them",
        headers: GENERIC_HEADERS,
        date_format: DateFormat::MonthDayYear,
    },
    Preset {
        name: "uk",
        description: "the generic headers; dates DD/MM/YYYY, as UK, Irish, Australian and NZ client exports write them",
        headers: GENERIC_HEADERS,
        date_format: DateFormat::DayMonthYear,
    },
];

pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// Headers compared by their letters and digits only, without case.
fn header_key(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Which column fills which field: a preset's headers, overridden by
/// explicit `Header=field` pairs.
#[derive(Debug, Clone)]
pub struct Mapping {
    preset: &'static Preset,
    explicit: Vec<(String, Field)>,
    date_format: DateFormat,
}

impl Mapping {
    /// `map` is `--map`'s text: `Header=field` pairs separated by commas
    /// (a header holding a comma cannot be named this way).
    pub fn new(
        preset_name: Option<&str>,
        map: Option<&str>,
        date_format: Option<DateFormat>,
    ) -> Result<Mapping, ImportError> {
        let preset = match preset_name {
            None => &PRESETS[0],
            Some(name) => preset(name).ok_or_else(|| ImportError::Usage {
                option: "--preset",
                message: format!(
                    "no preset \"{name}\" (there are {})",
                    PRESETS.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
                ),
            })?,
        };
        let mut explicit = Vec::new();
        for pair in map.unwrap_or_default().split(',').filter(|p| !p.trim().is_empty()) {
            let usage = |message: String| ImportError::Usage {
                option: "--map",
                message,
            };
            let (header, field) = pair
                .rsplit_once('=')
                .ok_or_else(|| usage(format!("\"{}\" is not Header=field", pair.trim())))?;
            let field = Field::parse(field).ok_or_else(|| {
                usage(format!(
                    "\"{}\" is not a client field (one of {})",
                    field.trim(),
                    Field::ALL.map(Field::as_str).join(", ")
                ))
            })?;
            if header.trim().is_empty() {
                return Err(usage(format!("\"{}\" names no column", pair.trim())));
            }
            explicit.push((header.trim().to_owned(), field));
        }
        Ok(Mapping {
            preset,
            explicit,
            date_format: date_format.unwrap_or(preset.date_format),
        })
    }

    /// The column of each field in a file with these headers.
    fn resolve(&self, headers: &[String]) -> Result<ColumnMap, ImportError> {
        let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
        let mut columns: HashMap<Field, usize> = HashMap::new();
        for (header, field) in &self.explicit {
            let wanted = header_key(header);
            let index = keys
                .iter()
                .position(|k| *k == wanted)
                .ok_or_else(|| ImportError::Usage {
                    option: "--map",
                    message: format!(
                        "the file has no column \"{header}\" (its columns: {})",
                        headers.join(", ")
                    ),
                })?;
            columns.insert(*field, index);
        }
        let taken: HashSet<usize> = columns.values().copied().collect();
        for (field, aliases) in self.preset.headers {
            if columns.contains_key(field) {
                continue;
            }
            let found = aliases.iter().find_map(|alias| {
                keys.iter()
                    .position(|k| *k == header_key(alias))
                    .filter(|i| !taken.contains(i))
            });
            if let Some(index) = found {
                columns.insert(*field, index);
            }
        }
        let missing: Vec<&str> = Field::ALL
            .into_iter()
            .filter(|f| f.required() && !columns.contains_key(f))
            .map(Field::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(ImportError::MissingColumns {
                fields: missing.join(", "),
                headers: headers.join(", "),
                preset: self.preset.name,
            });
        }
        let used: HashSet<usize> = columns.values().copied().collect();
        let ignored = headers
            .iter()
            .enumerate()
            .filter(|(i, _)| !used.contains(i))
            .map(|(_, h)| h.clone())
            .collect();
        Ok(ColumnMap {
            columns,
            ignored,
            date_format: self.date_format,
        })
    }
}

struct ColumnMap {
    columns: HashMap<Field, usize>,
    ignored: Vec<String>,
    date_format: DateFormat,
}

/// What is wrong with the file or the options as a whole (nothing is
/// read further); a row's problems are [`Refusal`]s instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("{option}: {message}")]
    Usage { option: &'static str, message: String },
    #[error(
        "the file is not UTF-8 (first bad byte at offset {offset}); if it is Windows-1252, say --encoding windows-1252"
    )]
    NotUtf8 { offset: usize },
    #[error("the file is empty: it needs a header row naming its columns")]
    Empty,
    #[error(
        "no column for {fields} (the file's columns: {headers}); name them with --map \"Column=field\" or choose another --preset than {preset}"
    )]
    MissingColumns {
        fields: String,
        headers: String,
        preset: &'static str,
    },
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
}

/// How the file's bytes are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (a byte-order mark is skipped); anything else as Windows-1252, with a note.
    Auto,
    /// UTF-8 only: a file that is not is refused.
    Utf8,
    Windows1252,
}

impl Encoding {
    pub fn parse_name(name: &str) -> Option<Encoding> {
        match name.to_ascii_lowercase().as_str() {
            "auto" => Some(Encoding::Auto),
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "windows-1252" | "cp1252" | "latin1" => Some(Encoding::Windows1252),
            _ => None,
        }
    }
}

/// The file as text, and how it was read when that is worth saying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub note: Option<String>,
}

pub fn decode(bytes: &[u8], encoding: Encoding) -> Result<Decoded, ImportError> {
    let windows_1252 = |bytes: &[u8], note: Option<String>| {
        let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
        Decoded {
            text: text.into_owned(),
            note,
        }
    };
    if encoding == Encoding::Windows1252 {
        return Ok(windows_1252(bytes, None));
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(text) => Ok(Decoded {
            text: text.to_owned(),
            note: None,
        }),
        Err(e) if encoding == Encoding::Utf8 => Err(ImportError::NotUtf8 {
            offset: e.valid_up_to() + (bytes.len() - body.len()),
        }),
        Err(e) => Ok(windows_1252(
            bytes,
            Some(format!(
                "the file is not UTF-8 (first bad byte at offset {}): read as Windows-1252; check accented names, or say --encoding",
                e.valid_up_to()
            )),
        )),
    }
}

/// One data row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    /// The line the row starts on (the header is line 1).
    pub line: u64,
    /// The cells as read, for the rejects file.
    pub cells: Vec<String>,
    pub fields: ClientFields,
    /// Problems found while reading (wrong number of cells, a date in the
    /// wrong form), each with its field.
    pub problems: Vec<(String, String)>,
}

/// The rows of a file with its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub headers: Vec<String>,
    pub ignored_columns: Vec<String>,
    pub rows: Vec<SourceRow>,
    /// Rows with every cell empty (spreadsheets leave them at the end).
    pub blank_rows: usize,
}

/// Parses the CSV text with the mapping. `progress` hears the rows read.
pub fn read_rows(text: &str, mapping: &Mapping, progress: &mut dyn FnMut(usize)) -> Result<SourceFile, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(&e))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(ImportError::Empty);
    }
    let map = mapping.resolve(&headers)?;
    let mut rows = Vec::new();
    let mut blank_rows = 0;
    let mut record = csv::StringRecord::new();
    // Lines counted from the record's byte offset: the csv crate's own line
    // count does not include newlines inside quoted cells.
    let (mut counted_to, mut line_at) = (0usize, 1u64);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(&e)),
        }
        let mut start = record
            .position()
            .map_or(counted_to, |p| usize::try_from(p.byte()).unwrap_or(counted_to))
            .clamp(counted_to, text.len());
        // The position may sit on the previous record's line ending.
        while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let newlines = text.as_bytes()[counted_to..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        line_at += u64::try_from(newlines).unwrap_or(0);
        counted_to = start;
        let line = line_at;
        if record.iter().all(|c| c.trim().is_empty()) {
            blank_rows += 1;
            continue;
        }
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        rows.push(source_row(line, cells, headers.len(), &map));
        if rows.len() % 1000 == 0 {
            progress(rows.len());
        }
    }
    progress(rows.len());
    Ok(SourceFile {
        headers,
        ignored_columns: map.ignored,
        rows,
        blank_rows,
    })
}

fn csv_error(e: &csv::Error) -> ImportError {
    let line = e.position().map_or(0, csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "is not valid text".to_owned(),
        _ => e.to_string(),
    };
    ImportError::Csv { line, message }
}

fn source_row(line: u64, cells: Vec<String>, width: usize, map: &ColumnMap) -> SourceRow {
    let mut problems = Vec::new();
    if cells.len() != width {
        problems.push((
            "row".to_owned(),
            format!("has {} cells where the header has {width} columns", cells.len()),
        ));
    }
    let cell = |field: Field| -> String {
        map.columns
            .get(&field)
            .and_then(|i| cells.get(*i))
            .cloned()
            .unwrap_or_default()
    };
    let date_of_birth = match map.date_format.to_iso(&cell(Field::DateOfBirth)) {
        Ok(date) => date,
        Err(reason) => {
            problems.push(("date_of_birth".to_owned(), reason));
            String::new()
        }
    };
    let fields = ClientFields {
        given_name: cell(Field::GivenName),
        family_name: cell(Field::FamilyName),
        date_of_birth,
        email: cell(Field::Email),
        phone: cell(Field::Phone),
        notes: cell(Field::Notes),
    };
    SourceRow {
        line,
        cells,
        fields,
        problems,
    }
}

/// A row that cannot be imported: its line, the field and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub line: u64,
    pub field: String,
    pub reason: String,
}

/// Where a duplicate's client already is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateOf {
    /// Already in the clinic.
    Clinic,
    /// An earlier row of the same file, at this line.
    Line(u64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub line: u64,
    pub name: String,
    pub of: DuplicateOf,
}

/// What an import does with each row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPlan {
    /// Rows to create, with their line.
    pub create: Vec<(u64, ValidClient)>,
    pub duplicates: Vec<Duplicate>,
    /// Every problem of every refused row (a row may have several).
    pub refused: Vec<Refusal>,
    /// The refused rows' positions in the source file's rows.
    pub refused_rows: Vec<usize>,
}

/// Validates every row and sorts it into created, duplicate or refused.
/// `known` holds the clinic's clients.
pub fn plan(file: &SourceFile, known: &HashSet<ClientKey>, today: Date) -> ImportPlan {
    let mut plan = ImportPlan::default();
    let mut seen: HashMap<ClientKey, u64> = HashMap::new();
    for (n, row) in file.rows.iter().enumerate() {
        let mut problems = row.problems.clone();
        let valid = match row.fields.validate(today) {
            Ok(valid) => Some(valid),
            Err(errors) => {
                for error in errors.0 {
                    // A date the reading step already explained is not
                    // reported again as missing.
                    if !problems.iter().any(|(f, _)| *f == error.field) {
                        problems.push((error.field, error.message));
                    }
                }
                None
            }
        };
        match valid {
            Some(client) if problems.is_empty() => {
                let key = client.key();
                if known.contains(&key) {
                    plan.duplicates.push(Duplicate {
                        line: row.line,
                        name: format!("{} {}", client.given_name, client.family_name),
                        of: DuplicateOf::Clinic,
                    });
                } else if let Some(first) = seen.get(&key) {
                    plan.duplicates.push(Duplicate {
                        line: row.line,
                        name: format!("{} {}", client.given_name, client.family_name),
                        of: DuplicateOf::Line(*first),
                    });
                } else {
                    seen.insert(key, row.line);
                    plan.create.push((row.line, client));
                }
            }
            _ => {
                plan.refused_rows.push(n);
                for (field, reason) in problems {
                    plan.refused.push(Refusal {
                        line: row.line,
                        field,
                        reason,
                    });
                }
            }
        }
    }
    plan
}

/// The refused rows as CSV (UTF-8): the file's own columns, then `line`
/// and `reason` (every problem of the row, `field: reason`, joined by `; `),
/// so the file can be corrected and imported again.
pub fn rejects_csv(file: &SourceFile, plan: &ImportPlan) -> Result<Vec<u8>, ImportError> {
    let failed = |e: csv::Error| ImportError::Csv {
        line: 0,
        message: format!("writing the rejects: {e}"),
    };
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let mut header = file.headers.clone();
    header.push("line".to_owned());
    header.push("reason".to_owned());
    writer.write_record(&header).map_err(failed)?;
    for &n in &plan.refused_rows {
        let Some(row) = file.rows.get(n) else { continue };
        let reason: Vec<String> = plan
            .refused
            .iter()
            .filter(|r| r.line == row.line)
            .map(|r| format!("{}: {}", r.field, r.reason))
            .collect();
        let mut cells = row.cells.clone();
        cells.resize(file.headers.len(), String::new());
        cells.push(row.line.to_string());
        cells.push(reason.join("; "));
        writer.write_record(&cells).map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(|e| failed(csv::Error::from(e.into_error())))
}

/// How an import runs.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub mapping: Mapping,
    pub encoding: Encoding,
    pub dry_run: bool,
    /// Keep the good rows when some are refused.
    pub partial: bool,
}

/// Where an import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Read(usize),
    Written { done: usize, of: usize },
}

/// What an import did (or, dry, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub encoding_note: Option<String>,
    pub ignored_columns: Vec<String>,
    pub rows: usize,
    pub blank_rows: usize,
    /// Line and name of each client created (or to create).
    pub created: Vec<(u64, String)>,
    pub duplicates: Vec<Duplicate>,
    pub refused: Vec<Refusal>,
    pub refused_rows: usize,
    /// Whether anything was written.
    pub written: bool,
    /// The rejects file's content, when rows were refused.
    pub rejects: Option<Vec<u8>>,
}

/// Failure of an import: the file, or the store.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error(transparent)]
    File(#[from] ImportError),
    #[error(transparent)]
    Clinic(#[from] ClinicError),
}

/// Imports clients from a CSV file's bytes into the actor's clinic: one
/// transaction for everything created; with refusals and without
/// `partial`, nothing is written.
pub async fn import_clients(
    store: &Store,
    actor: &Actor,
    clock: &dyn Clock,
    bytes: &[u8],
    options: &ImportOptions,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<ImportReport, ImportFailure> {
    let decoded = decode(bytes, options.encoding)?;
    let file = read_rows(&decoded.text, &options.mapping, &mut |n| progress(Progress::Read(n)))?;
    let scope = store.clinic(actor);
    let known = scope.client_keys().await.map_err(ClinicError::from)?;
    let today = today_in(&actor.time_zone, clock);
    let mut plan = plan(&file, &known, today);
    let rejects = if plan.refused_rows.is_empty() {
        None
    } else {
        Some(rejects_csv(&file, &plan)?)
    };
    let write = !options.dry_run && (plan.refused_rows.is_empty() || options.partial) && !plan.create.is_empty();
    let mut created: Vec<(u64, String)> = plan
        .create
        .iter()
        .map(|(line, c)| (*line, format!("{} {}", c.given_name, c.family_name)))
        .collect();
    if write {
        let clients: Vec<ValidClient> = plan.create.iter().map(|(_, c)| c.clone()).collect();
        let total = clients.len();
        let outcome = scope
            .import_clients(&clients, |done| progress(Progress::Written { done, of: total }))
            .await
            .map_err(ClinicError::from)?;
        // Rows someone created between the look and the write: duplicates.
        for n in outcome.duplicates.iter().rev() {
            let (line, name) = created.remove(*n);
            plan.duplicates.push(Duplicate {
                line,
                name,
                of: DuplicateOf::Clinic,
            });
        }
        plan.duplicates.sort_by_key(|d| d.line);
    }
    Ok(ImportReport {
        encoding_note: decoded.note,
        ignored_columns: file.ignored_columns,
        rows: file.rows.len(),
        blank_rows: file.blank_rows,
        created,
        duplicates: plan.duplicates,
        refused_rows: plan.refused_rows.len(),
        refused: plan.refused,
        written: write,
        rejects,
    })
}

#[cfg(test)]
mod tests;
