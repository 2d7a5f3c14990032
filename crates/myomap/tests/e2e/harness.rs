//! Starting the real binary and talking to it.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use myomap_testkit::TestDb;
use reqwest::StatusCode;
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_myomap");
pub const PASSWORD: &str = "a long enough password";

/// A running `myomap` process, killed when dropped.
pub struct Server {
    pub base: String,
    child: Child,
    pub stdout_lines: Vec<String>,
}

impl Server {
    pub fn start(db: &TestDb) -> Server {
        let mut args = vec!["serve".to_owned(), "--bind".into(), "127.0.0.1:0".into()];
        args.extend(db.cli_args());
        Server::spawn(&args, 1)
    }

    /// Spawns `myomap ARGS` and waits for the "serving http://..." line plus
    /// `extra_lines` more lines of banner.
    pub fn spawn(args: &[String], banner_lines: usize) -> Server {
        Server::spawn_env(args, banner_lines, &[])
    }

    /// [`Server::spawn`] with extra environment variables.
    pub fn spawn_env(args: &[String], banner_lines: usize, envs: &[(&str, &str)]) -> Server {
        let log = std::env::temp_dir().join(format!("myomap-e2e-{}.log", std::process::id()));
        let stderr = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let mut child = Command::new(BIN)
            .args(args)
            .env("MYOMAP_LOG", "warn")
            .envs(envs.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut lines = Vec::new();
        let mut base = None;
        while base.is_none() || lines.len() < banner_lines {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap() == 0 {
                panic!(
                    "myomap {args:?} exited before serving; output so far: {lines:?} (stderr in {})",
                    log.display()
                );
            }
            if let Some(rest) = line.split("serving ").nth(1) {
                base = rest
                    .split_whitespace()
                    .next()
                    .map(|u| u.trim_end_matches('/').to_owned());
            }
            lines.push(line.trim_end().to_owned());
        }
        // Keep draining so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in reader.lines() {});
        Server {
            base: base.unwrap(),
            child,
            stdout_lines: lines,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs `myomap ARGS` with `stdin` and returns its output.
pub fn cli(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("MYOMAP_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

pub fn cli_db(db: &TestDb, args: &[&str], stdin: &str) -> Output {
    let mut all: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    all.extend(db.cli_args());
    cli(&all.iter().map(String::as_str).collect::<Vec<_>>(), stdin)
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Adds a staff account. Owners must use two-factor sign-in, so an owner is
/// enrolled at once with [`TEST_TOTP_SECRET`] (the sign-in helpers answer
/// the code question with it).
pub fn add_user(db: &TestDb, clinic: &str, email: &str, role: &str) {
    let out = cli_db(
        db,
        &["user", "add", "--clinic", clinic, "--email", email, "--role", role],
        &format!("{PASSWORD}\n"),
    );
    assert!(out.status.success(), "user add failed: {}", text(&out.stderr));
    if role == "owner" {
        enrol_mfa(db, email);
    }
}

/// The TOTP secret every test owner is enrolled with.
pub const TEST_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The code of [`TEST_TOTP_SECRET`] `steps` 30-second steps from now.
pub fn test_code(steps: i64) -> String {
    let secret = myomap_store::TotpSecret::from_base32(TEST_TOTP_SECRET).unwrap();
    let at = unix_now().saturating_add_signed(steps * 30);
    secret.code_at(at)
}

/// Enrols an account in two-factor sign-in through the store's own
/// enrolment (as the set-up page does), confirmed with the previous step's
/// code so that the current and the next step stay free for sign-ins.
pub fn enrol_mfa(db: &TestDb, email: &str) {
    let target = db.target();
    let email = email.to_owned();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let store = myomap_store::Store::open(&target).await.unwrap();
            let actor = store.actor_for_email(&email).await.unwrap();
            let secret = myomap_store::TotpSecret::from_base32(TEST_TOTP_SECRET).unwrap();
            store.start_mfa_enrolment_with(&actor, secret).await.unwrap();
            store.confirm_mfa_enrolment(&actor, &test_code(-1)).await.unwrap();
            store.close().await;
        });
    })
    .join()
    .unwrap();
}

/// Codes to answer a sign-in with, in order: the current step, the next
/// (a code is refused once used, and an account may sign in twice in one
/// step), then the current step again after waiting for the next boundary.
async fn next_code(attempt: usize) -> Option<String> {
    match attempt {
        0 => Some(test_code(0)),
        1 => Some(test_code(1)),
        // Both taken (a code works once): the newest code allowed after the
        // next 30-second boundary is always one step past any used so far.
        2..=4 => {
            let wait = 30 - unix_now() % 30 + 1;
            tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
            Some(test_code(1))
        }
        _ => None,
    }
}

/// A JSON API caller with a bearer token.
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl Api {
    pub async fn login(server: &Server, email: &str, password: &str) -> Api {
        Api::login_at(&server.base, email, password).await
    }

    /// Signs in through the API; an account that asks for a code (test
    /// owners) gets one computed from [`TEST_TOTP_SECRET`].
    pub async fn login_at(base: &str, email: &str, password: &str) -> Api {
        let http = http();
        let mut body = serde_json::json!({"email": email, "password": password});
        let mut attempt = 0;
        let body: Value = loop {
            let response = http
                .post(format!("{base}/api/v1/login"))
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = response.status();
            let answer: Value = response.json().await.unwrap();
            if status == StatusCode::OK {
                break answer;
            }
            let asks_for_code = status == StatusCode::UNAUTHORIZED && answer["errors"][0]["field"] == "totp";
            match next_code(attempt).await {
                Some(code) if asks_for_code => body["totp"] = Value::String(code),
                _ => panic!("login as {email}: {status} {answer}"),
            }
            attempt += 1;
        };
        Api {
            http,
            base: base.to_owned(),
            token: body["token"].as_str().unwrap().to_owned(),
        }
    }

    pub fn with_base(&self, base: &str) -> Api {
        Api {
            http: self.http.clone(),
            base: base.to_owned(),
            token: self.token.clone(),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request.bearer_auth(&self.token).send().await.unwrap();
        let status = response.status();
        let body = response.text().await.unwrap();
        (status, serde_json::from_str(&body).unwrap_or(Value::String(body)))
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.http.get(format!("{}{path}", self.base))).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.http.post(format!("{}{path}", self.base)).json(&body))
            .await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.http.put(format!("{}{path}", self.base)).json(&body))
            .await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.http.delete(format!("{}{path}", self.base))).await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> (StatusCode, Value) {
        let request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body);
        self.send(request).await
    }

    /// The signed-in account's id.
    pub async fn user_id(&self) -> String {
        let (_, me) = self.get("/api/v1/me").await;
        me["user_id"].as_str().unwrap().to_owned()
    }

    pub async fn create_client(&self, given: &str, family: &str) -> String {
        let (status, body) = self
            .post(
                "/api/v1/clients",
                serde_json::json!({"given_name": given, "family_name": family, "date_of_birth": "1985-12-10",
                                   "notes": format!("{given} has right-sided neck pain")}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }
}

/// A browser-like HTML session: a cookie jar, no automatic redirects.
pub struct Browser {
    pub http: reqwest::Client,
    pub base: String,
}

impl Browser {
    pub fn new(server: &Server) -> Browser {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            http,
            base: server.base.clone(),
        }
    }

    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let response = self.http.get(format!("{}{path}", self.base)).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String, Option<String>) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
            .unwrap();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        (response.status(), response.text().await.unwrap(), location)
    }

    /// Signs in through the login form, like a person would.
    pub async fn sign_in(&self, email: &str, password: &str) {
        let (status, page) = self.get("/login").await;
        assert_eq!(status, StatusCode::OK);
        let csrf = hidden_field(&page, "csrf");
        let (status, body, location) = self
            .post_form(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("email", email),
                    ("password", password),
                    ("next", "/clients"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "sign-in as {email} failed: {body}");
        if location.as_deref().is_some_and(|l| l.starts_with("/login/code")) {
            self.answer_code(email).await;
            return;
        }
        assert_eq!(location.as_deref(), Some("/clients"));
    }

    /// The sign-in's second step, with codes of [`TEST_TOTP_SECRET`].
    async fn answer_code(&self, email: &str) {
        let mut attempt = 0;
        while let Some(code) = next_code(attempt).await {
            let (status, page) = self.get("/login/code?next=/clients").await;
            assert_eq!(status, StatusCode::OK, "{page}");
            let csrf = hidden_field(&page, "csrf");
            let (status, body, location) = self
                .post_form("/login/code", &[("csrf", &csrf), ("code", &code), ("next", "/clients")])
                .await;
            if status == StatusCode::SEE_OTHER {
                assert_eq!(location.as_deref(), Some("/clients"), "{body}");
                return;
            }
            assert_eq!(status, StatusCode::UNAUTHORIZED, "code for {email}: {body}");
            attempt += 1;
        }
        panic!("no code was accepted for {email}");
    }

    /// The session's CSRF token, as every signed-in page carries it.
    pub async fn csrf(&self) -> String {
        let (_, page) = self.get("/clients").await;
        hidden_field(&page, "csrf")
    }
}

pub fn hidden_field(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden field {name} in page"))
        + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

pub fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A real PNG of the given size (a grey image), built in code.
pub fn test_png(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn adler32(bytes: &[u8]) -> u32 {
        let (mut a, mut b) = (1u32, 0u32);
        for &x in bytes {
            a = (a + u32::from(x)) % 65521;
            b = (b + a) % 65521;
        }
        (b << 16) | a
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    // Raw scanlines (filter byte 0, grey 8-bit), stored in uncompressed deflate blocks.
    let mut raw = Vec::new();
    for _ in 0..height {
        raw.push(0);
        raw.extend(std::iter::repeat_n(0xc8u8, width as usize));
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        let len = u16::try_from(block.len()).unwrap();
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &zlib);
    chunk(&mut png, b"IEND", &[]);
    png
}

/// A mail relay for the tests: Python's own SMTP server on `port`, printing
/// every message it receives into the returned file.
pub fn start_mail_relay(port: u16) -> (std::process::Child, tempfile::NamedTempFile) {
    let received = tempfile::NamedTempFile::new().unwrap();
    let relay = std::process::Command::new("python3")
        .args([
            "-u",
            "-W",
            "ignore",
            "-m",
            "smtpd",
            "-n",
            "-c",
            "DebuggingServer",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(received.reopen().unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 with its smtpd module runs the test mail relay");
    for _ in 0..50 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    (relay, received)
}

/// The schema version this build migrates to: one migration file each.
pub fn schema_version() -> usize {
    std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../store/migrations"))
        .unwrap()
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
        })
        .count()
}

/// A figure for the test log, written past the test harness's output
/// capture so that a passing run (CI's log) shows it too.
pub fn report(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}
