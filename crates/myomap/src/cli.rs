use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "myomap", version, about = "Myomap: the clinical system of a neuromuscular therapy practice", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the web application and the JSON API.
    Serve {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        web: WebArgs,
        #[command(flatten)]
        backups: ScheduleArgs,
    },
    /// Create (or reuse) a demo clinic with sample clients and logins, then serve it.
    Demo {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        web: WebArgs,
        /// How many sample clients the demo clinic should hold (for load tests, e.g. 10000).
        #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=200_000))]
        clients: u32,
        /// Seed the demo data and exit instead of serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Check the installation: password hashing, file permissions, the
    /// database and its schema, the audit chain, the clock, the public
    /// address and cookies, backup age. One line per check (ok, warn, fail);
    /// exit code 1 when a check fails. Changes nothing.
    Doctor {
        #[command(flatten)]
        db: DbArgs,
        /// The address the server is reached at (as given to serve).
        #[arg(long, env = "MYOMAP_PUBLIC_URL", value_name = "URL")]
        public_url: Option<String>,
        /// The directory backups go to: the age of its newest .age file is
        /// checked (without it: the last scheduled backup the server recorded).
        #[arg(long, env = "MYOMAP_BACKUP_DIR", value_name = "DIR")]
        backup_dir: Option<PathBuf>,
    },
    /// Apply pending database migrations and report the schema version.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Rank the muscles whose trigger points best explain a pain map.
    ///
    /// Example: myomap suggest head.temple:right@7 face.upper_teeth:right
    Suggest {
        /// Painful places as AREA[:SIDE][@INTENSITY]: sided areas need :left or :right,
        /// intensity 1-10 (default 5). `myomap atlas --areas` lists the area ids.
        #[arg(required = true, value_name = "AREA[:SIDE][@INTENSITY]")]
        areas: Vec<String>,
        /// How many ranked muscles to show.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=500))]
        top: u16,
        /// Print exactly one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// List or search the trigger-point atlas (by muscle, region, condition or body-area id).
    #[command(args_conflicts_with_subcommands = true)]
    Atlas {
        #[command(subcommand)]
        command: Option<AtlasCommand>,
        /// Search text; without it, every muscle.
        query: Option<String>,
        /// Print exactly one JSON object.
        #[arg(long)]
        json: bool,
        /// List the body-area ids (with sides) instead of muscles.
        #[arg(long)]
        areas: bool,
    },
    /// Score an outcome questionnaire: reads one JSON object from standard input
    /// (e.g. {"items":[2,3,1,null,0,4,2,1,3,2]} for odi) and prints the result.
    Score {
        /// nprs, ndi, odi, quickdash, quickdash_work, quickdash_sport, bctq_sss, bctq_fss, lefs, jfls8, psfs, ppt, acr2016_fm.
        instrument: String,
        /// Print exactly one JSON object instead of readable lines.
        #[arg(long)]
        json: bool,
    },
    /// Screen an intake for suitability: reads one JSON object from standard input,
    /// e.g. {"conditions":["sciatica"],"age":52,"answers":[{"question":"bowel_bladder_change"}]},
    /// and prints the outcome, the urgency of a referral, the reasons and the precautions.
    Screen {
        /// Print exactly one JSON object instead of readable lines.
        #[arg(long)]
        json: bool,
    },
    /// Write a client's PDF progress report (outcomes, charts, treatment, plan).
    Report {
        #[command(flatten)]
        db: DbArgs,
        /// The client's id (as shown in the client page's address).
        client: String,
        /// Where to write the PDF.
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
        /// Act as this staff account (default: the clinic's first owner).
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: Option<String>,
    },
    /// Outcome questionnaires' official wording.
    Instruments {
        #[command(subcommand)]
        command: InstrumentsCommand,
    },
    /// Inspect the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Write an encrypted backup of the running installation (SQLite or PostgreSQL), or check one.
    ///
    /// The passphrase comes from MYOMAP_BACKUP_PASSPHRASE, or is asked on the
    /// terminal; never from the command line. With --recipient the backup is
    /// encrypted to an age public key instead. The default logical format
    /// restores into either back end.
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Backup {
        #[command(subcommand)]
        command: Option<BackupCommand>,
        #[command(flatten)]
        db: DbArgs,
        /// Where to write the backup (a new file).
        #[arg(long, value_name = "FILE", required = true)]
        out: Option<PathBuf>,
        /// Encrypt to this age recipient (age1…) instead of a passphrase; repeat for several.
        #[arg(long, value_name = "AGE_RECIPIENT")]
        recipient: Vec<String>,
        /// logical: every table as typed rows, restores into SQLite or PostgreSQL;
        /// sqlite: the SQLite database file itself (SQLite only, restores into SQLite only).
        #[arg(long, value_enum, default_value = "logical")]
        format: BackupFormat,
    },
    /// Bring data in from another system.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Take data out: FHIR records, anonymised outcomes.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// A client's own data: erasure on request.
    Client {
        #[command(subcommand)]
        command: ClientCommand,
    },
    /// The clinic's settings: the minimum retention period.
    Clinic {
        #[command(subcommand)]
        command: ClinicCommand,
    },
    /// Restore a backup into a data directory or an empty PostgreSQL database (stop the servers first).
    Restore {
        /// The backup file.
        file: PathBuf,
        /// The data directory to restore into (SQLite).
        #[arg(
            long,
            value_name = "DIR",
            required_unless_present = "database",
            conflicts_with = "database"
        )]
        data: Option<PathBuf>,
        /// The PostgreSQL database to restore into (postgres://user@host/db; logical backups).
        #[arg(long, value_name = "URL")]
        database: Option<String>,
        /// Replace what is there: a data directory's database is kept beside it, renamed; a
        /// PostgreSQL database's Myomap tables are replaced in the restore's one transaction.
        #[arg(long)]
        force: bool,
        /// age identity file, for a backup encrypted to a recipient.
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Create clients from a CSV file (UTF-8 with or without BOM, or Windows-1252).
    ///
    /// Rows are validated like the client form. A row with the same given and
    /// family name (any case) and date of birth as a client of the clinic, or
    /// as an earlier row, is skipped as a duplicate, so running the same file
    /// twice creates nothing new. By default the import is all or nothing:
    /// one refused row and nothing is written (exit code 1).
    Clients {
        /// The CSV file; its first row names the columns.
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
        /// The clinic to import into (may be left out when the installation has one clinic).
        #[arg(long)]
        clinic: Option<String>,
        /// Header set of the exporting tool: generic (YYYY-MM-DD dates), us (MM/DD/YYYY) or uk (DD/MM/YYYY).
        #[arg(long, value_name = "NAME")]
        preset: Option<String>,
        /// Which column fills which field, e.g. "First Name=given_name,Last Name=family_name,Born=date_of_birth".
        /// Fields: given_name, family_name, date_of_birth, email, phone, notes.
        #[arg(long, value_name = "COLUMN=FIELD,...")]
        map: Option<String>,
        /// How dates of birth are written, overriding the preset: iso, dmy or mdy.
        #[arg(long, value_name = "FORM")]
        date_format: Option<String>,
        /// auto (UTF-8, or Windows-1252 with a note when the file is not UTF-8), utf-8 (refuse anything else) or windows-1252.
        #[arg(long, default_value = "auto")]
        encoding: String,
        /// Report what would be created, skipped and refused; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Create the good rows even when some are refused; the refused ones go to the rejects file.
        #[arg(long)]
        partial: bool,
        /// Where --partial writes the refused rows (default: FILE.rejects.csv next to the input).
        #[arg(long, value_name = "FILE", requires = "partial")]
        rejects: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// Write one client's own record as a ZIP (right of access,
    /// portability): the FHIR R4 bundle, the PDF progress report and the
    /// posture photos. Every part is an audited read.
    Record {
        #[command(flatten)]
        db: DbArgs,
        /// The client's id (as shown in the client page's address).
        #[arg(long)]
        client: String,
        /// The ZIP file to write.
        #[arg(long, value_name = "FILE.zip")]
        out: PathBuf,
        /// Act as this staff account (default: the clinic's first owner).
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: Option<String>,
    },
    /// Write the clinic's outcome scores as an anonymised CSV: no names, ids,
    /// dates or free text, and only groups of at least 5 clients.
    Outcomes {
        /// Required: the only outcome export is the anonymised one.
        #[arg(long, required = true)]
        anonymised: bool,
        /// Where to write the CSV.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The clinic (may be left out when the installation has one clinic).
        #[arg(long)]
        clinic: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// FHIR R4: one client's record as a Bundle (JSON), or with --all the
    /// whole clinic as bulk NDJSON, one file per resource type. Every
    /// export is an audited read.
    Fhir {
        #[command(flatten)]
        db: DbArgs,
        /// The client's id (as shown in the client page's address).
        #[arg(long, value_name = "ID", required_unless_present = "all", conflicts_with = "all")]
        client: Option<String>,
        /// Every client of the clinic (archived ones too), as NDJSON into --out DIR.
        #[arg(long, requires = "out")]
        all: bool,
        /// With --client: the file to write (default: standard output).
        /// With --all: a new or empty directory.
        #[arg(long, value_name = "FILE|DIR")]
        out: Option<PathBuf>,
        /// With --all: the clinic's name (needed when the installation has several).
        #[arg(long, requires = "all")]
        clinic: Option<String>,
        /// Act as this staff account (default: the clinic's first owner).
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ClientCommand {
    /// Erase a client on request (owner only): personal details and the
    /// whole clinical record go; the audit trail stays. Refused inside the
    /// clinic's minimum retention period.
    Erase {
        #[command(flatten)]
        db: DbArgs,
        /// The client's id (as shown in the client page's address).
        id: String,
        /// The client's full name as shown ("Given Family"), to confirm.
        #[arg(long, value_name = "FULL NAME")]
        confirm: String,
        /// Act as this staff account (default: the clinic's first owner).
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ClinicCommand {
    /// Set the minimum retention period: no client can be erased until this
    /// many years after their last signed session (or their creation). 0: none.
    SetRetention {
        #[command(flatten)]
        db: DbArgs,
        /// Whole years, 0 to 100.
        #[arg(long)]
        years: u32,
        /// The clinic's name (needed when the installation has several).
        #[arg(long)]
        clinic: Option<String>,
        /// Act as this staff account (default: the clinic's first owner).
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: Option<String>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum BackupFormat {
    Logical,
    Sqlite,
}

#[derive(Subcommand)]
pub enum BackupCommand {
    /// Decrypt and check a backup without restoring it: manifest, SHA-256,
    /// row counts and every clinic's audit chain.
    Verify {
        /// The backup file.
        file: PathBuf,
        /// age identity file, for a backup encrypted to a recipient.
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
    },
}

/// Backups `serve` takes on its own (logical format; with several instances
/// on one PostgreSQL database, give this to one of them).
#[derive(Args, Clone)]
pub struct ScheduleArgs {
    /// Directory for scheduled backups; the passphrase comes from
    /// MYOMAP_BACKUP_PASSPHRASE (or use --backup-recipient).
    #[arg(long, env = "MYOMAP_BACKUP_DIR", value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,
    /// How often: 24h, 6h, 90m…
    #[arg(long, env = "MYOMAP_BACKUP_EVERY", default_value = "24h", value_name = "INTERVAL")]
    pub backup_every: String,
    /// How many scheduled backups to keep (the newest).
    #[arg(long, env = "MYOMAP_BACKUP_KEEP", default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub backup_keep: u32,
    /// Encrypt scheduled backups to this age recipient (age1…) instead of a passphrase.
    #[arg(long, env = "MYOMAP_BACKUP_RECIPIENT", value_name = "AGE_RECIPIENT")]
    pub backup_recipient: Vec<String>,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a staff account; the password is read from standard input (first line).
    /// Creates the clinic when none of that name exists yet.
    Add {
        #[command(flatten)]
        db: DbArgs,
        /// Clinic name, e.g. "Harbour Street Clinic".
        #[arg(long)]
        clinic: String,
        /// Login email, unique across the installation.
        #[arg(long)]
        email: String,
        /// owner, therapist or front_desk.
        #[arg(long)]
        role: String,
    },
    /// Remove a staff member's two-factor sign-in (a lost phone): their
    /// codes and sessions end; an owner, or anyone in a clinic that requires
    /// it, sets it up again at the next sign-in.
    ResetMfa {
        #[command(flatten)]
        db: DbArgs,
        /// The staff member's sign-in email.
        email: String,
    },
}

#[derive(Subcommand)]
pub enum AtlasCommand {
    /// Everything the atlas holds about one muscle.
    Show {
        /// Muscle id, e.g. upper_trapezius.
        muscle: String,
        /// Print exactly one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Run the referred-pain engine on the clinical vignettes and report top-1/3/5 hit rates.
    Evaluate {
        /// Print exactly one JSON object.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum InstrumentsCommand {
    /// Load a clinic's licensed wording of an instrument from a TOML or JSON file
    /// ({instrument = "ndi", title = "...", items = [...], answers = [[...], ...]});
    /// it is then shown instead of Myomap's short item labels.
    Load {
        #[command(flatten)]
        db: DbArgs,
        /// The wording file.
        file: std::path::PathBuf,
        /// The clinic that holds the licence (may be left out when the installation has one clinic).
        #[arg(long)]
        clinic: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Recompute every clinic's hash chain and report the first tampered entry (exit code 1).
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Args, Clone)]
pub struct DbArgs {
    /// Data directory; the embedded SQLite database lives here.
    #[arg(long, env = "MYOMAP_DATA", default_value = "./myomap-data")]
    pub data: PathBuf,
    /// PostgreSQL URL (postgres://user@host/db) instead of the embedded SQLite database.
    #[arg(long, env = "MYOMAP_DATABASE_URL")]
    pub database: Option<String>,
}

#[derive(Args, Clone)]
pub struct WebArgs {
    /// Address and port to listen on (port 0 picks a free port).
    #[arg(long, env = "MYOMAP_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Mark cookies Secure; set this when Myomap is served over HTTPS.
    #[arg(long, env = "MYOMAP_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// SMTP relay for emailing check-in links to clients, e.g. smtp://localhost:25
    /// (plain SMTP to a relay you run; without it links are shown to send by hand).
    #[arg(long, env = "MYOMAP_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender of client emails.
    #[arg(long, env = "MYOMAP_SMTP_FROM", default_value = "Myomap <no-reply@localhost>")]
    pub smtp_from: String,
    /// The address clients reach Myomap at, e.g. https://clinic.example.org:
    /// every link in e-mails and on pages is built from it. Required with
    /// --smtp-url and when listening on all addresses; otherwise the
    /// listening address.
    #[arg(long, env = "MYOMAP_PUBLIC_URL")]
    pub public_url: Option<String>,
}
