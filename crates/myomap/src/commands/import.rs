//! `myomap import clients`: reads the file, runs the import use case and
//! prints its report.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use myomap_clinic::import::{
    DateFormat, DuplicateOf, Encoding, ImportFailure, ImportOptions, ImportReport, Mapping, Progress,
};
use myomap_clinic::{ClinicError, SystemClock};
use myomap_store::StoreError;

use super::bad_input;
use crate::cli::DbArgs;

pub struct Args<'a> {
    pub file: &'a Path,
    pub db: &'a DbArgs,
    pub clinic: Option<&'a str>,
    pub preset: Option<&'a str>,
    pub map: Option<&'a str>,
    pub date_format: Option<&'a str>,
    pub encoding: &'a str,
    pub dry_run: bool,
    pub partial: bool,
    pub rejects: Option<&'a Path>,
}

/// Files shorter than this get no progress line.
const PROGRESS_FROM_ROWS: usize = 2000;

pub async fn clients(args: Args<'_>) -> anyhow::Result<ExitCode> {
    let Some(encoding) = Encoding::parse_name(args.encoding) else {
        return Ok(bad_input(format!(
            "--encoding: \"{}\" is not auto, utf-8 or windows-1252",
            args.encoding
        )));
    };
    let date_format = match args.date_format.map(|f| (f, DateFormat::parse_name(f))) {
        None => None,
        Some((_, Some(format))) => Some(format),
        Some((name, None)) => return Ok(bad_input(format!("--date-format: \"{name}\" is not iso, dmy or mdy"))),
    };
    let mapping = match Mapping::new(args.preset, args.map, date_format) {
        Ok(mapping) => mapping,
        Err(e) => return Ok(bad_input(e)),
    };
    let bytes = match std::fs::read(args.file) {
        Ok(bytes) => bytes,
        Err(e) => return Ok(bad_input(format!("{}: {e}", args.file.display()))),
    };
    let store = super::open(args.db).await?;
    let actor = match store.owner_of_clinic(args.clinic).await {
        Ok(actor) => actor,
        Err(StoreError::NotFound(what)) => return Ok(bad_input(format!("--clinic: no {what} found"))),
        Err(StoreError::Invalid(errors)) => return Ok(bad_input(format!("--{errors}"))),
        Err(e) => return Err(e.into()),
    };
    let options = ImportOptions {
        mapping,
        encoding,
        dry_run: args.dry_run,
        partial: args.partial,
    };
    let terminal = std::io::stderr().is_terminal();
    let mut progress = |step: Progress| {
        if !terminal {
            return;
        }
        let line = match step {
            Progress::Read(n) if n >= PROGRESS_FROM_ROWS => format!("reading: {n} rows"),
            Progress::Written { done, of } if of >= PROGRESS_FROM_ROWS => format!("writing: {done}/{of} clients"),
            _ => return,
        };
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
    };
    let result =
        myomap_clinic::import::import_clients(&store, &actor, &SystemClock, &bytes, &options, &mut progress).await;
    if terminal {
        eprint!("\r\x1b[2K");
    }
    let report = match result {
        Ok(report) => report,
        Err(ImportFailure::File(e)) => return Ok(bad_input(format!("{}: {e}", args.file.display()))),
        Err(ImportFailure::Clinic(ClinicError::Forbidden(message))) => return Ok(bad_input(message)),
        Err(ImportFailure::Clinic(e)) => return Err(e).context("importing"),
    };
    let rejects_path = args
        .rejects
        .map_or_else(|| default_rejects(args.file), Path::to_path_buf);
    let wrote_rejects = match (&report.rejects, args.partial && !args.dry_run) {
        (Some(content), true) => {
            std::fs::write(&rejects_path, content).with_context(|| format!("writing {}", rejects_path.display()))?;
            true
        }
        _ => false,
    };
    print_report(
        &report,
        &args,
        &actor.clinic_name,
        wrote_rejects.then_some(&rejects_path),
    );
    let refused_all = report.refused_rows > 0 && !args.partial;
    Ok(if refused_all {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `clients.csv` → `clients.rejects.csv`, beside it.
fn default_rejects(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map_or_else(|| "import".into(), |s| s.to_string_lossy().into_owned());
    file.with_file_name(format!("{stem}.rejects.csv"))
}

fn print_report(report: &ImportReport, args: &Args<'_>, clinic: &str, rejects: Option<&PathBuf>) {
    let mut out = String::new();
    let dry = if args.dry_run { "dry run: " } else { "" };
    out.push_str(&format!(
        "{dry}{} rows read from {} for \"{clinic}\"",
        report.rows,
        args.file.display()
    ));
    if report.blank_rows > 0 {
        out.push_str(&format!(" ({} blank rows ignored)", report.blank_rows));
    }
    out.push('\n');
    if let Some(note) = &report.encoding_note {
        out.push_str(&format!("note: {note}\n"));
    }
    if !report.ignored_columns.is_empty() {
        out.push_str(&format!(
            "columns not imported: {}\n",
            report.ignored_columns.join(", ")
        ));
    }
    let refused_all = report.refused_rows > 0 && !args.partial;
    let verb = match (args.dry_run, refused_all) {
        (_, true) => "would create, were no row refused,",
        (true, false) => "would create",
        (false, false) => "created",
    };
    out.push_str(&format!("{verb} {} clients\n", report.created.len()));
    if args.dry_run {
        for (line, name) in &report.created {
            out.push_str(&format!("  line {line}: {name}\n"));
        }
    }
    out.push_str(&format!("skipped {} duplicates\n", report.duplicates.len()));
    for duplicate in &report.duplicates {
        let of = match duplicate.of {
            DuplicateOf::Clinic => "already in the clinic".to_owned(),
            DuplicateOf::Line(line) => format!("same as line {line}"),
        };
        out.push_str(&format!("  line {}: {} ({of})\n", duplicate.line, duplicate.name));
    }
    out.push_str(&format!("refused {} rows\n", report.refused_rows));
    for refusal in &report.refused {
        out.push_str(&format!(
            "  line {}: {}: {}\n",
            refusal.line, refusal.field, refusal.reason
        ));
    }
    if let Some(path) = rejects {
        out.push_str(&format!("refused rows written to {}\n", path.display()));
    }
    if refused_all {
        out.push_str(if args.dry_run {
            "the import would write nothing: correct the refused rows, or use --partial to keep the good ones\n"
        } else {
            "nothing was written: correct the refused rows, or use --partial to keep the good ones\n"
        });
    }
    super::emit(&out);
}
