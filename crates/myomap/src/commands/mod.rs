mod atlas;
mod audit;
mod backup;
mod client;
mod demo;
mod doctor;
mod export;
mod export_outcomes;
mod import;
mod outcomes;
mod score;
mod screen;
mod serve;
mod user;

use std::process::ExitCode;

use anyhow::Context;
use myomap_store::{DatabaseTarget, Store};

use crate::cli::{
    AuditCommand, BackupCommand, Cli, ClientCommand, ClinicCommand, Command, DbArgs, ExportCommand, ImportCommand,
    InstrumentsCommand, UserCommand,
};

/// Exit code for input the user must correct (as clap uses for usage errors).
pub const EXIT_BAD_INPUT: u8 = 2;

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve { db, web, backups } => serve::run(&db, &web, &backups).await,
        Command::Demo {
            db,
            web,
            clients,
            no_serve,
        } => demo::run(&db, &web, clients, no_serve).await,
        Command::User {
            command:
                UserCommand::Add {
                    db,
                    clinic,
                    email,
                    role,
                },
        } => user::add(&db, &clinic, &email, &role).await,
        Command::User {
            command: UserCommand::ResetMfa { db, email },
        } => user::reset_mfa(&db, &email).await,
        Command::Doctor {
            db,
            public_url,
            backup_dir,
        } => Ok(doctor::run(&db, public_url, backup_dir).await),
        Command::Migrate { db } => {
            let store = open(&db).await?;
            println!(
                "schema is up to date (version {}) on {}",
                store.schema_version().await?,
                target(&db).describe()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            command: AuditCommand::Verify { db },
        } => audit::verify(&db).await,
        Command::Score { instrument, json } => score::run(&instrument, json),
        Command::Screen { json } => screen::run(json),
        Command::Report {
            db,
            client,
            out,
            as_email,
        } => outcomes::report(&db, &client, &out, as_email.as_deref()).await,
        Command::Instruments {
            command: InstrumentsCommand::Load { db, file, clinic },
        } => outcomes::load_wording(&db, &file, clinic.as_deref()).await,
        Command::Backup {
            command: Some(BackupCommand::Verify { file, identity }),
            ..
        } => backup::verify(&file, identity.as_deref()).await,
        Command::Backup {
            command: None,
            db,
            out,
            recipient,
            format,
        } => backup::create(&db, out.as_deref(), &recipient, format).await,
        Command::Restore {
            file,
            data,
            database,
            force,
            identity,
        } => backup::restore(&file, data, database, force, identity.as_deref()).await,
        Command::Import {
            command:
                ImportCommand::Clients {
                    file,
                    db,
                    clinic,
                    preset,
                    map,
                    date_format,
                    encoding,
                    dry_run,
                    partial,
                    rejects,
                },
        } => {
            import::clients(import::Args {
                file: &file,
                db: &db,
                clinic: clinic.as_deref(),
                preset: preset.as_deref(),
                map: map.as_deref(),
                date_format: date_format.as_deref(),
                encoding: &encoding,
                dry_run,
                partial,
                rejects: rejects.as_deref(),
            })
            .await
        }
        Command::Export {
            command:
                ExportCommand::Fhir {
                    db,
                    client,
                    all,
                    out,
                    clinic,
                    as_email,
                },
        } => match (client, all, out) {
            (_, true, Some(dir)) => export::fhir_all(&db, &dir, clinic.as_deref(), as_email.as_deref()).await,
            (Some(client), _, out) => export::fhir_client(&db, &client, out.as_deref(), as_email.as_deref()).await,
            _ => Ok(bad_input("give --client ID, or --all --out DIR")),
        },
        Command::Export {
            command:
                ExportCommand::Outcomes {
                    anonymised: _,
                    out,
                    clinic,
                    db,
                },
        } => export_outcomes::outcomes(&db, &out, clinic.as_deref()).await,
        Command::Client {
            command:
                ClientCommand::Erase {
                    db,
                    id,
                    confirm,
                    as_email,
                },
        } => client::erase(&db, &id, &confirm, as_email.as_deref()).await,
        Command::Clinic {
            command:
                ClinicCommand::SetRetention {
                    db,
                    years,
                    clinic,
                    as_email,
                },
        } => client::set_retention(&db, years, clinic.as_deref(), as_email.as_deref()).await,
        Command::Export {
            command:
                ExportCommand::Record {
                    db,
                    client,
                    out,
                    as_email,
                },
        } => export::record(&db, &client, &out, as_email.as_deref()).await,
        Command::Suggest { areas, top, json } => Ok(atlas::suggest(&areas, usize::from(top), json)),
        Command::Atlas {
            command,
            query,
            json,
            areas,
        } => Ok(atlas::run(command, query.as_deref(), json, areas)),
    }
}

pub fn target(db: &DbArgs) -> DatabaseTarget {
    DatabaseTarget::choose(db.database.as_deref(), &db.data)
}

pub async fn open(db: &DbArgs) -> anyhow::Result<Store> {
    let target = target(db);
    Store::open(&target)
        .await
        .with_context(|| format!("opening the database ({})", target.describe()))
}

pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MYOMAP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Writes command output; a reader that went away (`| head`) is a normal end.
pub fn emit(text: &str) -> ExitCode {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints a one-line input error and returns the bad-input exit code.
pub fn bad_input(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_BAD_INPUT)
}
