//! Live-session load: one facilitator and N participants on one session, as in a
//! workshop where a whole hall follows on its phones.
//!
//! What it does, against a release server it starts on a free port with a fresh
//! temporary data directory (or against `--server URL`):
//!
//! 1. signs up a teacher and starts a live session of E exercises from the bundled
//!    pack (`pick=random`, `focus=all`);
//! 2. N participants, each with its own HTTP client and cookie jar, join at once, then
//!    each opens and holds the session's event stream (`GET /live/CODE/events`);
//! 3. as soon as the last stream delivered its first event, for each exercise: the
//!    facilitator sends the move that opens it, noting the instant just before sending.
//!    Every participant notes when its stream delivers the `open` event of that
//!    exercise, then does what the page's script does: fetches
//!    `GET /live/CODE`, "reads" for a random 0–3 s and posts a random option of the
//!    form. Once all have answered (or after 30 s) the facilitator closes, shows the
//!    split, shows the answer and the explanation, and moves on;
//! 4. ends the session and checks that the session's CSV export holds exactly the
//!    answers that were acknowledged with a `303`.
//!
//! What it measures: join latency; "open → delivered" per exercise (to the last
//! participant) and over every delivery; the page fetch and the answer POST (until its
//! `303`, which the server sends only once the answer is on disk); the facilitator's
//! moves. Percentiles are exact, nearest-rank, over all samples. Every unexpected status,
//! refused request and dropped stream is counted and shown. A dropped stream is opened
//! again after a second, as `EventSource` does.
//!
//! The exit status is 0 only when the CSV check passes and nothing went wrong; 1 when
//! the check fails or an error was counted; 2 when the run could not be carried out.
//!
//! Run it from the repository with
//!
//! ```sh
//! cargo run --release --features bench --example live_load                  # 300 participants, 5 exercises
//! cargo run --release --features bench --example live_load -- --participants 100 --exercises 3
//! cargo run --release --features bench --example live_load -- --server http://127.0.0.1:8080
//! ```
//!
//! Without `--server` it runs `cargo build --release --bin sourcewise` first, so the
//! server measured is the current code. The program and the server then share the
//! machine's cores; the program uses one thread (a current-thread tokio runtime) to
//! disturb the server as little as it can. Each participant holds two connections (its
//! stream and one for requests), and so does the server: the program checks its limit
//! of open files (the server inherits it) and says how to raise it if it is too low.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{CONTENT_TYPE, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde::Deserialize;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

const USAGE: &str = "usage: cargo run --release --features bench --example live_load -- [--participants N] [--exercises E] [--server URL]
  --participants N   participants who join and answer (default 300)
  --exercises E      exercises in the session, 1 to 50 (default 5)
  --server URL       use the server at URL instead of starting the release build";

const PACK: &str = "khojaly-1992";
const PASSWORD: &str = "tall ships at dawn";
/// How long the facilitator waits for every participant to answer an exercise.
const ANSWER_WINDOW: Duration = Duration::from_secs(30);
/// How long the facilitator waits for every participant to join and follow the session.
const READY_WINDOW: Duration = Duration::from_secs(60);
/// How long the participants have to see the end of the session once it is ended.
const END_WINDOW: Duration = Duration::from_secs(15);
/// Any single request (not a stream) taking longer than this counts as an error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest a participant "reads" before answering.
const MAX_READING_MS: u64 = 3_000;
/// A dropped stream is opened again after this, as the server's `retry: 1000` asks.
const RETRY: Duration = Duration::from_secs(1);

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("live_load: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // Two connections per participant on each side, and some room for the rest.
    if let Err(message) = ensure_open_files(2 * options.participants as u64 + 200) {
        eprintln!("live_load: {message}");
        return ExitCode::from(2);
    }
    let (server, base) = match &options.server {
        Some(url) => (None, url.trim_end_matches('/').to_string()),
        None => match Server::start() {
            Ok(server) => {
                let url = server.url.clone();
                (Some(server), url)
            }
            Err(message) => {
                eprintln!("live_load: {message}");
                return ExitCode::from(2);
            }
        },
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("live_load: cannot start the tokio runtime: {error}");
            return ExitCode::from(2);
        }
    };
    let tally = Shared::default();
    let outcome = runtime.block_on(run(&base, &options, &tally));
    // Drop the runtime (and with it every connection) before the server goes.
    drop(runtime);
    let server_log = server.as_ref().map(Server::log);
    drop(server);
    match outcome {
        Ok(report) => {
            report.print(&base, &options, server_log.as_deref());
            if report.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(message) => {
            eprintln!("live_load: the run stopped: {message}");
            for (kind, (count, first)) in &tally.with(std::mem::take).errors {
                eprintln!("  {count:>5} × {kind}\n          first: {first}");
            }
            if let Some(log) = server_log.filter(|log| !log.trim().is_empty()) {
                eprintln!("server log (warnings and errors):\n{log}");
            }
            ExitCode::from(2)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Command line

struct Options {
    participants: usize,
    exercises: usize,
    server: Option<String>,
}

impl Options {
    /// The options, or `None` when help was asked for.
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
        let mut options = Options {
            participants: 300,
            exercises: 5,
            server: None,
        };
        while let Some(arg) = args.next() {
            // Both `--name value` and `--name=value`.
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => {
                    (name.to_string(), Some(value.to_string()))
                }
                _ => (arg, None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match name.as_str() {
                "--participants" => options.participants = number(&name, &value()?, 1, 10_000)?,
                "--exercises" => options.exercises = number(&name, &value()?, 1, 50)?,
                "--server" => options.server = Some(value()?),
                "-h" | "--help" => return Ok(None),
                other => return Err(format!("unknown argument “{other}”")),
            }
        }
        Ok(Some(options))
    }
}

fn number(name: &str, text: &str, low: usize, high: usize) -> Result<usize, String> {
    text.parse::<usize>()
        .ok()
        .filter(|value| (low..=high).contains(value))
        .ok_or_else(|| format!("{name} takes a whole number from {low} to {high}, not “{text}”"))
}

// ---------------------------------------------------------------------------------------
// The server under test

/// The release server on a free port, with a fresh data directory; killed when dropped.
struct Server {
    process: Child,
    url: String,
    /// Holds the data directory and the server's log (its stderr at `RUST_LOG=warn`).
    work: tempfile::TempDir,
}

impl Server {
    fn start() -> Result<Server, String> {
        let binary = build_server()?;
        let work = tempfile::tempdir()
            .map_err(|error| format!("cannot make a temporary directory: {error}"))?;
        let log = std::fs::File::create(work.path().join("server.log"))
            .map_err(|error| format!("cannot create the server's log file: {error}"))?;
        let mut process = Command::new(&binary)
            .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(work.path().join("data"))
            .arg("--questions")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("questions"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|error| format!("cannot start {}: {error}", binary.display()))?;
        let mut stdout = BufReader::new(process.stdout.take().expect("stdout is piped"));
        let mut first_line = String::new();
        let _ = stdout.read_line(&mut first_line);
        let Some(address) = first_line
            .trim()
            .strip_prefix("sourcewise listening on ")
            .map(str::to_string)
        else {
            let _ = process.kill();
            let _ = process.wait();
            let log = std::fs::read_to_string(work.path().join("server.log")).unwrap_or_default();
            return Err(format!(
                "the server did not say where it listens (first line: {first_line:?}); its log:\n{log}"
            ));
        };
        // Keep reading its stdout so that the server never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        Ok(Server {
            process,
            url: address,
            work,
        })
    }

    /// What the server wrote to stderr (warnings and errors), at most its last 30 lines.
    fn log(&self) -> String {
        let mut text = String::new();
        let _ = std::fs::File::open(self.work.path().join("server.log"))
            .and_then(|mut file| file.read_to_string(&mut text));
        let lines: Vec<&str> = text.lines().collect();
        let skipped = lines.len().saturating_sub(30);
        let mut shown = lines[skipped..].join("\n");
        if skipped > 0 {
            shown = format!("({skipped} earlier lines not shown)\n{shown}");
        }
        shown
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// Builds the release server with the cargo that runs this program (so the server is
/// the current code) in this program's target directory, and returns its path.
fn build_server() -> Result<PathBuf, String> {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    // This program is TARGET/PROFILE/examples/live_load.
    let target_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| {
            let examples = exe.parent()?;
            let target =
                (examples.file_name()? == "examples").then(|| examples.parent()?.parent())?;
            target.map(Path::to_path_buf)
        })
        .or_else(|| std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from))
        .unwrap_or_else(|| manifest_dir.join("target"));
    let binary = target_dir.join("release").join("sourcewise");
    let cargo = std::env::var_os("CARGO")
        .or_else(|| option_env!("CARGO").map(Into::into))
        .unwrap_or_else(|| "cargo".into());
    eprintln!("building the release server (cargo build --release --bin sourcewise)…");
    let built = Command::new(&cargo)
        .args(["build", "--release", "--quiet", "--bin", "sourcewise"])
        .arg("--manifest-path")
        .arg(manifest_dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir)
        .status();
    match built {
        Ok(status) if status.success() && binary.exists() => Ok(binary),
        outcome => {
            let why = match outcome {
                Ok(status) => format!("it ended with {status}"),
                Err(error) => format!("cannot run {}: {error}", Path::new(&cargo).display()),
            };
            Err(format!(
                "could not build the release server ({why}). Run `cargo build --release` first, then run this again; it expects the server at {}.",
                binary.display()
            ))
        }
    }
}

/// Makes sure this process, and the server it starts (which inherits the limit), may
/// hold `needed` open files, or says how to allow it. On Linux the soft limit is read
/// from `/proc/self/limits`; elsewhere a shortage shows as "Too many open files" errors.
fn ensure_open_files(needed: u64) -> Result<(), String> {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let soft = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .and_then(|line| line.split_whitespace().nth(3))
        .and_then(|soft| soft.parse::<u64>().ok());
    match soft {
        Some(soft) if soft < needed => Err(format!(
            "this run needs about {needed} open files, but the limit is {soft}. Run `ulimit -n {needed}` in the shell first, or run fewer participants."
        )),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------
// What the run records

/// Everything measured, shared by the participants and the facilitator. The lock is
/// never held across an await.
#[derive(Default)]
struct Tally {
    join_form: Vec<Duration>,
    join: Vec<Duration>,
    page: Vec<Duration>,
    answer: Vec<Duration>,
    moves: Vec<Duration>,
    /// Each delivery of an exercise's `open` event: the exercise's number and when the
    /// participant's stream delivered it.
    opens_seen: Vec<(usize, Instant)>,
    /// Every answer acknowledged with a `303`: the nickname and the exercise's number.
    acknowledged: Vec<(String, usize)>,
    /// Each kind of error: how often, and the first occurrence in detail.
    errors: BTreeMap<String, (usize, String)>,
}

#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Tally>>);

impl Shared {
    fn with<R>(&self, change: impl FnOnce(&mut Tally) -> R) -> R {
        change(
            &mut self
                .0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }

    fn error(&self, kind: impl Into<String>, detail: impl Into<String>) {
        let detail = detail.into();
        self.with(|tally| {
            tally
                .errors
                .entry(kind.into())
                .or_insert_with(|| (0, detail))
                .0 += 1;
        });
    }
}

// ---------------------------------------------------------------------------------------
// HTTP helpers

/// A client of its own (cookie jar and connections), like one browser. Redirects are
/// not followed, so that every `303` is seen and timed; cookies set on it are kept.
fn new_client() -> Result<Client, String> {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|error| format!("cannot make an HTTP client: {}", describe(&error)))
}

/// An error with its causes, which reqwest keeps in the source chain.
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    if text.contains("Too many open files") {
        text.push_str(" (raise the limit with `ulimit -n`)");
    }
    text
}

/// Sends a request, with the time limit of a single request.
async fn send(request: RequestBuilder) -> Result<Response, String> {
    request
        .timeout(REQUEST_TIMEOUT)
        .send()
        .await
        .map_err(|error| describe(&error))
}

/// `GET url` that must answer `200`, and its body.
async fn get_page(client: &Client, url: &str) -> Result<String, String> {
    let response = send(client.get(url)).await?;
    let status = response.status();
    let body = response.text().await.map_err(|error| describe(&error))?;
    if status != StatusCode::OK {
        return Err(format!("status {status}: {}", gist(&body)));
    }
    Ok(body)
}

/// A response that must be a `303` to `location` (a path on the server).
fn expect_see_other(response: &Response, location: &str) -> Result<(), String> {
    let status = response.status();
    let actual = response
        .headers()
        .get(LOCATION)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    if status == StatusCode::SEE_OTHER && actual == location {
        Ok(())
    } else {
        Err(format!(
            "expected 303 to {location}, got status {status} to {actual:?}"
        ))
    }
}

/// The text of an HTML page's main part, shortened: enough to see what an error says.
fn gist(html: &str) -> String {
    let main = html
        .find("<main")
        .map_or(html, |start| &html[start..])
        .split("</main>")
        .next()
        .unwrap_or("");
    let mut text = String::new();
    let mut in_tag = false;
    for c in main.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The values of `<input … name="NAME" value="…">` in `html`, in order.
fn input_values(html: &str, name: &str) -> Vec<String> {
    let key = format!("name=\"{name}\" value=\"");
    html.match_indices(&key)
        .filter_map(|(at, _)| {
            let start = at + key.len();
            let end = start + html[start..].find('"')?;
            Some(unescape(&html[start..end]))
        })
        .collect()
}

fn input_value(html: &str, name: &str) -> Option<String> {
    input_values(html, name).into_iter().next()
}

/// Undoes askama's HTML escaping of attribute values.
fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The text right after `marker` up to the first character that ends a word.
fn text_after<'a>(html: &'a str, marker: &str) -> Option<&'a str> {
    let start = html.find(marker)? + marker.len();
    let rest = &html[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

// ---------------------------------------------------------------------------------------
// Event streams

/// The data of a `state` event.
#[derive(Debug, Clone, Deserialize)]
struct Signal {
    version: u64,
    phase: String,
    number: usize,
}

/// The `state` event in one block of an event stream (comments and others give `None`).
fn parse_event(block: &str) -> Option<Signal> {
    let mut kind = "message";
    let mut data = String::new();
    for line in block.lines() {
        if let Some(value) = line.strip_prefix("event:") {
            kind = value.trim();
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push_str(value.trim());
        }
    }
    (kind == "state")
        .then(|| serde_json::from_str(&data).ok())
        .flatten()
}

/// Follows an event stream as `EventSource` does: each `state` event goes to `events`
/// with the instant it arrived; a stream that is refused or drops is opened again after
/// [`RETRY`]. Returns once the session has ended or nobody listens any more.
async fn follow_events(
    client: Client,
    url: String,
    label: &'static str,
    events: mpsc::UnboundedSender<(Instant, Signal)>,
    tally: Shared,
) {
    loop {
        match client.get(&url).send().await {
            Ok(mut response)
                if response.status() == StatusCode::OK
                    && response.headers().get(CONTENT_TYPE).is_some_and(|value| {
                        value.as_bytes().starts_with(b"text/event-stream")
                    }) =>
            {
                let mut buffer: Vec<u8> = Vec::new();
                loop {
                    match response.chunk().await {
                        Ok(Some(chunk)) => {
                            let arrived = Instant::now();
                            buffer.extend_from_slice(&chunk);
                            while let Some(end) = buffer.windows(2).position(|pair| pair == b"\n\n")
                            {
                                let block: Vec<u8> = buffer.drain(..end + 2).collect();
                                let Some(signal) = parse_event(&String::from_utf8_lossy(&block))
                                else {
                                    continue;
                                };
                                let ended = signal.phase == "ended";
                                if events.send((arrived, signal)).is_err() || ended {
                                    return;
                                }
                            }
                        }
                        Ok(None) => {
                            tally.error(
                                format!(
                                    "{label}: stream ended by the server before the session ended"
                                ),
                                url.clone(),
                            );
                            break;
                        }
                        Err(error) => {
                            tally.error(format!("{label}: stream dropped"), describe(&error));
                            break;
                        }
                    }
                }
            }
            Ok(response) => {
                let status = response.status();
                let body = response.text().await.unwrap_or_default();
                tally.error(
                    format!("{label}: refused with status {status}"),
                    gist(&body),
                );
            }
            Err(error) => tally.error(format!("{label}: no response"), describe(&error)),
        }
        if events.is_closed() {
            return;
        }
        tokio::time::sleep(RETRY).await;
    }
}

// ---------------------------------------------------------------------------------------
// Participants

/// What participants tell the facilitator.
enum Progress {
    /// Joined, and the event stream delivered its first event.
    Following,
    /// Could not join; takes no further part.
    CouldNotJoin,
    /// Done with exercise `number`, answered or not.
    Answered(usize),
}

/// What every participant needs to know about the session.
struct Room {
    base: String,
    code: String,
    tally: Shared,
    progress: mpsc::UnboundedSender<Progress>,
}

impl Room {
    fn page_url(&self) -> String {
        format!("{}/live/{}", self.base, self.code)
    }
}

/// One participant, from joining to the end of the session.
async fn participant(room: Arc<Room>, nickname: String) {
    let client = match new_client() {
        Ok(client) => client,
        Err(message) => {
            room.tally.error("participant: no HTTP client", message);
            let _ = room.progress.send(Progress::CouldNotJoin);
            return;
        }
    };
    if !join(&room, &client, &nickname).await {
        let _ = room.progress.send(Progress::CouldNotJoin);
        return;
    }
    let (sender, mut events) = mpsc::unbounded_channel();
    let stream = tokio::spawn(follow_events(
        client.clone(),
        format!("{}/events", room.page_url()),
        "GET /live/CODE/events",
        sender,
        room.tally.clone(),
    ));
    let mut following = false;
    // Exercises this participant has dealt with (or learnt it missed).
    let mut seen = BTreeSet::new();
    while let Some((arrived, signal)) = events.recv().await {
        if !following {
            following = true;
            let _ = room.progress.send(Progress::Following);
        }
        match signal.phase.as_str() {
            "open" if seen.insert(signal.number) => {
                room.tally
                    .with(|tally| tally.opens_seen.push((signal.number, arrived)));
                answer(&room, &client, &nickname, signal.number).await;
                let _ = room.progress.send(Progress::Answered(signal.number));
            }
            "closed" | "split" | "revealed" | "explained" | "options" | "evidence"
                if seen.insert(signal.number) =>
            {
                room.tally.error(
                    "event stream: an exercise's opening was never delivered",
                    format!(
                        "{nickname} first heard of exercise {} as {} (version {})",
                        signal.number, signal.phase, signal.version
                    ),
                );
            }
            "ended" => break,
            _ => {}
        }
    }
    stream.abort();
}

/// Joins the session as the join form does; false (with the error counted) if refused.
async fn join(room: &Room, client: &Client, nickname: &str) -> bool {
    let started = Instant::now();
    let form = match get_page(client, &room.page_url()).await {
        Ok(form) => form,
        Err(message) => {
            room.tally
                .error("GET /live/CODE (join form) failed", message);
            return false;
        }
    };
    let elapsed = started.elapsed();
    room.tally.with(|tally| tally.join_form.push(elapsed));
    let Some(csrf) = input_value(&form, "csrf") else {
        room.tally
            .error("GET /live/CODE (join form): no csrf field", gist(&form));
        return false;
    };
    let started = Instant::now();
    let request = client.post(format!("{}/live", room.base)).form(&[
        ("csrf", csrf.as_str()),
        ("code", room.code.as_str()),
        ("nickname", nickname),
    ]);
    let outcome = match send(request).await {
        Ok(response) => expect_see_other(&response, &format!("/live/{}", room.code))
            .and_then(|()| {
                response
                    .headers()
                    .get_all(SET_COOKIE)
                    .iter()
                    .any(|value| value.as_bytes().starts_with(b"sourcewise_live="))
                    .then_some(())
                    .ok_or_else(|| "the 303 set no sourcewise_live cookie".to_string())
            })
            .map_err(|message| (message, Some(response))),
        Err(message) => Err((message, None)),
    };
    let elapsed = started.elapsed();
    match outcome {
        Ok(()) => {
            room.tally.with(|tally| tally.join.push(elapsed));
            true
        }
        Err((message, response)) => {
            let body = match response {
                Some(response) => response.text().await.unwrap_or_default(),
                None => String::new(),
            };
            room.tally.error(
                "POST /live (join) failed",
                format!("{nickname}: {message} {}", gist(&body)),
            );
            false
        }
    }
}

/// The answer form on a participant's page.
struct AnswerForm {
    csrf: String,
    number: usize,
    exercise: String,
    choices: Vec<String>,
}

impl AnswerForm {
    fn find(page: &str) -> Option<AnswerForm> {
        let form = &page[page.find("class=\"answer-form\"")?..];
        let form = &form[..form.find("</form>")?];
        Some(AnswerForm {
            csrf: input_value(form, "csrf")?,
            number: input_value(form, "number")?.parse().ok()?,
            exercise: input_value(form, "exercise")?,
            choices: input_values(form, "choice"),
        })
        .filter(|form| !form.choices.is_empty())
    }
}

/// What the page does once exercise `number` opens: fetch the page, read, answer.
async fn answer(room: &Room, client: &Client, nickname: &str, number: usize) {
    let started = Instant::now();
    let page = match get_page(client, &room.page_url()).await {
        Ok(page) => page,
        Err(message) => {
            room.tally
                .error("GET /live/CODE (question) failed", message);
            return;
        }
    };
    let elapsed = started.elapsed();
    room.tally.with(|tally| tally.page.push(elapsed));
    let form = match AnswerForm::find(&page) {
        Some(form) if form.number == number => form,
        Some(form) => {
            room.tally.error(
                "GET /live/CODE (question): the form is for another exercise",
                format!(
                    "{nickname} expected exercise {number}, the form is for {}",
                    form.number
                ),
            );
            return;
        }
        None => {
            room.tally.error(
                "GET /live/CODE (question): no answer form",
                format!("{nickname}, exercise {number}: {}", gist(&page)),
            );
            return;
        }
    };
    tokio::time::sleep(Duration::from_millis(rand::random_range(
        0..=MAX_READING_MS,
    )))
    .await;
    let choice = &form.choices[rand::random_range(0..form.choices.len())];
    let number_text = form.number.to_string();
    let request = client.post(format!("{}/answers", room.page_url())).form(&[
        ("csrf", form.csrf.as_str()),
        ("number", number_text.as_str()),
        ("exercise", form.exercise.as_str()),
        ("choice", choice.as_str()),
    ]);
    let started = Instant::now();
    let response = send(request).await;
    let elapsed = started.elapsed();
    match response {
        Ok(response) => match expect_see_other(&response, &format!("/live/{}", room.code)) {
            Ok(()) => room.tally.with(|tally| {
                tally.answer.push(elapsed);
                tally.acknowledged.push((nickname.to_string(), number));
            }),
            Err(message) => {
                let body = response.text().await.unwrap_or_default();
                room.tally.error(
                    "POST /live/CODE/answers: not acknowledged",
                    format!("{nickname}, exercise {number}: {message}: {}", gist(&body)),
                );
            }
        },
        Err(message) => room.tally.error(
            "POST /live/CODE/answers: no response",
            format!("{nickname}, exercise {number}: {message}"),
        ),
    }
}

// ---------------------------------------------------------------------------------------
// The facilitator

struct Facilitator {
    client: Client,
    base: String,
    /// The session's id, in `/teachers/live/{id}`.
    id: String,
    csrf: String,
    version: u64,
    /// The phase the presenter page showed last, as its moves carry it (`from`).
    from: String,
    tally: Shared,
}

impl Facilitator {
    /// Signs up a new teacher and starts a live session of `exercises` exercises.
    async fn start_session(base: &str, exercises: usize, tally: Shared) -> Result<Self, String> {
        let client = new_client()?;
        let url = |path: &str| format!("{base}{path}");
        let form = get_page(&client, &url("/teachers/sign-up"))
            .await
            .map_err(|message| format!("GET /teachers/sign-up: {message}"))?;
        let csrf = input_value(&form, "csrf").ok_or("the sign-up form has no csrf field")?;
        let username = format!("load{}", rand::random_range(100_000..1_000_000));
        let response = send(client.post(url("/teachers/sign-up")).form(&[
            ("csrf", csrf.as_str()),
            ("display_name", "Load Test"),
            ("username", username.as_str()),
            ("password", PASSWORD),
            ("repeat_password", PASSWORD),
        ]))
        .await?;
        if response.status() != StatusCode::SEE_OTHER {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            return Err(format!(
                "POST /teachers/sign-up: status {status}: {}",
                gist(&body)
            ));
        }

        let form = get_page(&client, &url(&format!("/teachers/live/new?pack={PACK}")))
            .await
            .map_err(|message| format!("GET /teachers/live/new: {message}"))?;
        let csrf = input_value(&form, "csrf").ok_or("the new-session form has no csrf field")?;
        let count = exercises.to_string();
        let response = send(client.post(url("/teachers/live")).form(&[
            ("csrf", csrf.as_str()),
            ("pack", PACK),
            ("pick", "random"),
            ("count", count.as_str()),
            ("focus", "all"),
            ("scoring", "none"),
        ]))
        .await?;
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
            .to_string();
        let id = match location.strip_prefix("/teachers/live/") {
            Some(id) if response.status() == StatusCode::SEE_OTHER && !id.is_empty() => {
                id.to_string()
            }
            _ => {
                let status = response.status();
                let body = response.text().await.unwrap_or_default();
                return Err(format!(
                    "POST /teachers/live: status {status} to {location:?}: {}",
                    gist(&body)
                ));
            }
        };
        let mut facilitator = Facilitator {
            client,
            base: base.to_string(),
            id,
            csrf,
            version: 0,
            from: String::new(),
            tally,
        };
        (facilitator.version, facilitator.from) = facilitator.presenter_version().await?;
        Ok(facilitator)
    }

    fn url(&self, rest: &str) -> String {
        format!("{}/teachers/live/{}{rest}", self.base, self.id)
    }

    async fn presenter_page(&self) -> Result<String, String> {
        get_page(&self.client, &self.url(""))
            .await
            .map_err(|message| format!("GET /teachers/live/ID: {message}"))
    }

    /// The session's version and phase, as the presenter page's forms carry them.
    async fn presenter_version(&self) -> Result<(u64, String), String> {
        let page = self.presenter_page().await?;
        let version = input_value(&page, "version")
            .and_then(|text| text.parse().ok())
            .ok_or_else(|| "the presenter page has no version field".to_string())?;
        let from = input_value(&page, "from")
            .ok_or_else(|| "the presenter page has no from field".to_string())?;
        Ok((version, from))
    }

    /// The session's code (without its dash), from the presenter page in the lobby.
    async fn code(&self) -> Result<String, String> {
        let page = self.presenter_page().await?;
        text_after(&page, "aria-label=\"Session code ")
            .map(|code| code.replace('-', ""))
            .ok_or_else(|| "the presenter page shows no session code".to_string())
    }

    /// How many exercises the session has, from the presenter page while one is shown.
    async fn exercise_count(&self) -> Result<usize, String> {
        let page = self.presenter_page().await?;
        text_after(&page, "Exercise 1 of ")
            .and_then(|total| total.parse().ok())
            .ok_or_else(|| "the presenter page does not say how many exercises there are".into())
    }

    /// Makes a move as the presenter page's button does, then loads the page the `303`
    /// leads to, as the browser would. Returns the instant just before it was sent.
    async fn make(&mut self, action: &str) -> Result<Instant, String> {
        let version = self.version.to_string();
        let request = self.client.post(self.url("/moves")).form(&[
            ("csrf", self.csrf.as_str()),
            ("version", version.as_str()),
            ("from", self.from.as_str()),
            ("action", action),
        ]);
        let sent = Instant::now();
        let response = send(request)
            .await
            .map_err(|message| format!("move {action}: {message}"))?;
        let elapsed = sent.elapsed();
        if let Err(message) = expect_see_other(&response, &format!("/teachers/live/{}", self.id)) {
            let body = response.text().await.unwrap_or_default();
            return Err(format!(
                "move {action} at version {version}: {message} (a 303 to ?moved=1 means the version was stale) {}",
                gist(&body)
            ));
        }
        self.tally.with(|tally| tally.moves.push(elapsed));
        if action == "end" {
            // The page is now the review, without controls.
            self.presenter_page().await?;
        } else {
            let (now, from) = self.presenter_version().await?;
            if now != self.version + 1 {
                return Err(format!(
                    "after move {action} the version went from {} to {now}, not up by one",
                    self.version
                ));
            }
            self.version = now;
            self.from = from;
        }
        Ok(sent)
    }
}

// ---------------------------------------------------------------------------------------
// The run

/// What one run found, for the report.
struct Report {
    tally: Tally,
    joined_and_following: usize,
    could_not_join: usize,
    following_after: Duration,
    /// Exercises the session had (the pack may offer fewer than asked for).
    exercises: usize,
    /// When the facilitator sent the move that opened each exercise.
    opened_at: BTreeMap<usize, Instant>,
    /// For each exercise, the participants who had not answered when the facilitator
    /// stopped waiting.
    unanswered: BTreeMap<usize, usize>,
    /// Participants still going when the end had long been announced.
    not_ended: usize,
    csv: CsvCheck,
}

async fn run(base: &str, options: &Options, tally: &Shared) -> Result<Report, String> {
    let mut facilitator =
        Facilitator::start_session(base, options.exercises, tally.clone()).await?;
    let code = facilitator.code().await?;
    eprintln!(
        "session {code} started by a new teacher; {} participants joining…",
        options.participants
    );

    // The projector's own stream, held open as the presenter page does.
    let (projector_events, _projector_events) = mpsc::unbounded_channel();
    let projector = tokio::spawn(follow_events(
        facilitator.client.clone(),
        facilitator.url("/events"),
        "GET /teachers/live/ID/events",
        projector_events,
        tally.clone(),
    ));

    let (progress_sender, mut progress) = mpsc::unbounded_channel();
    let room = Arc::new(Room {
        base: base.to_string(),
        code,
        tally: tally.clone(),
        progress: progress_sender,
    });
    let joining = Instant::now();
    let participants: Vec<JoinHandle<()>> = (1..=options.participants)
        .map(|index| tokio::spawn(participant(room.clone(), format!("p{index:04}"))))
        .collect();

    // Everyone in and following before the first exercise opens.
    let (mut following, mut could_not_join) = (0, 0);
    let deadline = tokio::time::Instant::now() + READY_WINDOW;
    while following + could_not_join < options.participants {
        match tokio::time::timeout_at(deadline, progress.recv()).await {
            Ok(Some(Progress::Following)) => following += 1,
            Ok(Some(Progress::CouldNotJoin)) => could_not_join += 1,
            Ok(Some(Progress::Answered(_))) => {}
            Ok(None) | Err(_) => break,
        }
    }
    let following_after = joining.elapsed();
    eprintln!(
        "{following} participants following after {:.1} s ({could_not_join} could not join)",
        following_after.as_secs_f64()
    );
    if following == 0 {
        return Err("no participant could join and follow the session".into());
    }

    let mut opened_at = BTreeMap::new();
    let mut unanswered = BTreeMap::new();
    let mut exercises = options.exercises;
    let mut number = 1;
    while number <= exercises {
        let opened = facilitator
            .make(if number == 1 { "start" } else { "next" })
            .await?;
        opened_at.insert(number, opened);
        if number == 1 {
            exercises = facilitator.exercise_count().await?;
        }
        let deadline = tokio::time::Instant::now() + ANSWER_WINDOW;
        let mut answered = 0;
        while answered < following {
            match tokio::time::timeout_at(deadline, progress.recv()).await {
                Ok(Some(Progress::Answered(done))) if done == number => answered += 1,
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        eprintln!(
            "exercise {number} of {exercises}: {answered} of {following} done after {:.1} s",
            opened.elapsed().as_secs_f64()
        );
        if answered < following {
            unanswered.insert(number, following - answered);
        }
        for action in ["close", "split", "reveal", "more"] {
            facilitator.make(action).await?;
        }
        number += 1;
    }
    facilitator.make("end").await?;

    // Every participant should hear of the end and stop.
    let deadline = tokio::time::Instant::now() + END_WINDOW;
    let mut not_ended = 0;
    for mut handle in participants {
        if tokio::time::timeout_at(deadline, &mut handle)
            .await
            .is_err()
        {
            handle.abort();
            not_ended += 1;
        }
    }
    projector.abort();

    let acknowledged = tally.with(|tally| tally.acknowledged.clone());
    let csv = check_csv(&facilitator, &acknowledged).await?;
    Ok(Report {
        tally: tally.with(std::mem::take),
        joined_and_following: following,
        could_not_join,
        following_after,
        exercises,
        opened_at,
        unanswered,
        not_ended,
        csv,
    })
}

// ---------------------------------------------------------------------------------------
// The CSV check

/// The session's CSV export against the answers acknowledged.
struct CsvCheck {
    rows: usize,
    acknowledged: usize,
    /// Acknowledged answers not in the file (an acknowledged answer lost).
    missing: Vec<(String, usize)>,
    /// Rows no acknowledgement accounts for (an answer kept whose `303` never came).
    unexpected: Vec<(String, usize)>,
    had_bom: bool,
}

impl CsvCheck {
    fn passed(&self) -> bool {
        self.rows == self.acknowledged && self.missing.is_empty() && self.unexpected.is_empty()
    }
}

async fn check_csv(
    facilitator: &Facilitator,
    acknowledged: &[(String, usize)],
) -> Result<CsvCheck, String> {
    let response = send(facilitator.client.get(facilitator.url("/results.csv")))
        .await
        .map_err(|message| format!("GET results.csv: {message}"))?;
    let status = response.status();
    let bytes = response
        .bytes()
        .await
        .map_err(|error| format!("GET results.csv: {}", describe(&error)))?;
    if status != StatusCode::OK {
        return Err(format!("GET results.csv: status {status}"));
    }
    let had_bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let body = if had_bom { &bytes[3..] } else { &bytes[..] };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(body);
    let header = reader
        .headers()
        .map_err(|error| format!("results.csv: {error}"))?;
    if header.get(0) != Some("Nickname") || header.get(1) != Some("Exercise") {
        return Err(format!(
            "results.csv: the header is not Nickname, Exercise, …: {header:?}"
        ));
    }
    // Nickname and exercise number of every row, counted.
    let mut in_file: BTreeMap<(String, usize), usize> = BTreeMap::new();
    let mut rows = 0;
    for record in reader.records() {
        let record = record.map_err(|error| format!("results.csv: {error}"))?;
        rows += 1;
        let nickname = record.get(0).unwrap_or("").to_string();
        let number = record
            .get(1)
            .and_then(|text| text.parse().ok())
            .unwrap_or(0);
        *in_file.entry((nickname, number)).or_default() += 1;
    }
    let mut missing = Vec::new();
    for answer in acknowledged {
        match in_file.get_mut(answer) {
            Some(count) if *count > 0 => *count -= 1,
            _ => missing.push(answer.clone()),
        }
    }
    let unexpected = in_file
        .into_iter()
        .flat_map(|(answer, count)| std::iter::repeat_n(answer, count))
        .collect();
    Ok(CsvCheck {
        rows,
        acknowledged: acknowledged.len(),
        missing,
        unexpected,
        had_bom,
    })
}

// ---------------------------------------------------------------------------------------
// The report

/// Median, 99th percentile and maximum of `samples`, exact (nearest rank).
struct Spread {
    count: usize,
    median: Duration,
    p99: Duration,
    max: Duration,
}

impl Spread {
    fn of(samples: &[Duration]) -> Option<Spread> {
        if samples.is_empty() {
            return None;
        }
        let mut sorted = samples.to_vec();
        sorted.sort();
        let rank = |percent: usize| sorted[(percent * sorted.len()).div_ceil(100).max(1) - 1];
        Some(Spread {
            count: sorted.len(),
            median: rank(50),
            p99: rank(99),
            max: sorted[sorted.len() - 1],
        })
    }
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

fn spread_line(label: &str, samples: &[Duration]) -> String {
    match Spread::of(samples) {
        Some(spread) => format!(
            "  {label:<40} median {:>9}   p99 {:>9}   max {:>9}   (n = {})",
            ms(spread.median),
            ms(spread.p99),
            ms(spread.max),
            spread.count
        ),
        None => format!("  {label:<40} no samples"),
    }
}

impl Report {
    fn error_count(&self) -> usize {
        self.tally
            .errors
            .values()
            .map(|(count, _)| count)
            .sum::<usize>()
            + self.unanswered.values().sum::<usize>()
            + self.not_ended
    }

    fn passed(&self) -> bool {
        self.csv.passed() && self.error_count() == 0
    }

    fn print(&self, base: &str, options: &Options, server_log: Option<&str>) {
        let tally = &self.tally;
        let cores = std::thread::available_parallelism().map_or(0, |cores| cores.get());
        println!();
        println!("== sourcewise live-session load ==");
        match server_log {
            Some(_) => {
                println!("machine:       {cores} cores (shared by the server and this program)")
            }
            None => println!("machine:       {cores} cores (this program's)"),
        }
        println!(
            "server:        {base}{}",
            if server_log.is_some() {
                " (release build started by this program, fresh data directory)"
            } else {
                " (given with --server)"
            }
        );
        println!(
            "participants:  {} ({} joined and were following the session {} after the first began; {} could not join)",
            options.participants,
            self.joined_and_following,
            ms(self.following_after),
            self.could_not_join
        );
        print!("exercises:     {}", self.exercises);
        if self.exercises != options.exercises {
            print!(
                " ({} asked for; the pack offers no more)",
                options.exercises
            );
        }
        println!();

        println!();
        println!("Joining");
        println!(
            "{}",
            spread_line("GET /live/CODE (join form)", &tally.join_form)
        );
        println!("{}", spread_line("POST /live → 303 (join)", &tally.join));

        println!();
        println!(
            "Open → delivered (from just before the facilitator's move to the stream's event)"
        );
        let mut to_last = Vec::new();
        let mut every = Vec::new();
        for (&number, &opened) in &self.opened_at {
            let delays: Vec<Duration> = tally
                .opens_seen
                .iter()
                .filter(|(seen_number, _)| *seen_number == number)
                .map(|(_, arrived)| arrived.saturating_duration_since(opened))
                .collect();
            every.extend(&delays);
            let missing = self.joined_and_following.saturating_sub(delays.len());
            match Spread::of(&delays) {
                Some(spread) => {
                    to_last.push(spread.max);
                    println!(
                        "  exercise {number}: to the last participant {:>9}   (median {}; {} of {} received it{})",
                        ms(spread.max),
                        ms(spread.median),
                        delays.len(),
                        self.joined_and_following,
                        if missing > 0 {
                            " — SOME NEVER DID"
                        } else {
                            ""
                        }
                    );
                }
                None => println!("  exercise {number}: NO participant received it"),
            }
        }
        println!(
            "{}",
            spread_line("to the last participant, over exercises", &to_last)
        );
        println!(
            "{}",
            spread_line("to each participant, all deliveries", &every)
        );

        println!();
        println!("Answering");
        println!(
            "{}",
            spread_line("GET /live/CODE (question page)", &tally.page)
        );
        println!(
            "{}",
            spread_line("POST /live/CODE/answers → 303", &tally.answer)
        );
        println!(
            "{}",
            spread_line("facilitator's moves, POST → 303", &tally.moves)
        );
        println!(
            "  answers acknowledged: {} of {} expected ({} participants × {} exercises)",
            tally.acknowledged.len(),
            self.joined_and_following * self.exercises,
            self.joined_and_following,
            self.exercises
        );

        println!();
        let errors = self.error_count();
        if errors == 0 {
            println!("Errors: none");
        } else {
            println!("Errors: {errors}");
            for (kind, (count, first)) in &tally.errors {
                println!("  {count:>5} × {kind}\n          first: {first}");
            }
            for (number, count) in &self.unanswered {
                println!(
                    "  {count:>5} × exercise {number}: had not answered when the facilitator stopped waiting ({} s)",
                    ANSWER_WINDOW.as_secs()
                );
            }
            if self.not_ended > 0 {
                println!(
                    "  {:>5} × participant had not heard of the end {} s after it",
                    self.not_ended,
                    END_WINDOW.as_secs()
                );
            }
        }

        println!();
        let csv = &self.csv;
        if csv.passed() {
            println!(
                "CSV check: OK, results.csv has {} answer rows = {} answers acknowledged{}",
                csv.rows,
                csv.acknowledged,
                if csv.had_bom {
                    ""
                } else {
                    " (but the file has no UTF-8 BOM)"
                }
            );
        } else {
            println!(
                "CSV check: FAILED!!! results.csv has {} answer rows, but {} answers were acknowledged",
                csv.rows, csv.acknowledged
            );
            if !csv.missing.is_empty() {
                println!(
                    "  {} ACKNOWLEDGED ANSWERS ARE MISSING from the file, e.g. {:?}",
                    csv.missing.len(),
                    &csv.missing[..csv.missing.len().min(5)]
                );
            }
            if !csv.unexpected.is_empty() {
                println!(
                    "  {} rows have no acknowledgement (kept, but the 303 never arrived), e.g. {:?}",
                    csv.unexpected.len(),
                    &csv.unexpected[..csv.unexpected.len().min(5)]
                );
            }
        }

        if let Some(log) = server_log {
            println!();
            if log.trim().is_empty() {
                println!("Server log (RUST_LOG=warn): empty");
            } else {
                println!("Server log (RUST_LOG=warn):\n{log}");
            }
        }
    }
}
