//! Starting the server and talking to it like a learner's browser.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::blocking::Client;
use scraper::{Html, Selector};
use sourcewise::content::Library;
use sourcewise::content::load::load_library;

pub const PACK: &str = "khojaly-1992";

/// The bundled packs, as the server loads them.
pub fn questions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("questions")
}

/// The bundled library, loaded once for the answer keys.
pub fn library() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(|| load_library(&questions_dir()).expect("the bundled pack loads"))
}

/// A running server with its own data directory, and a learner's browser on it.
pub struct TestApp {
    pub browser: Browser,
    pub data_dir: tempfile::TempDir,
    process: Child,
}

/// A learner's browser: an address to talk to and a cookie jar. Clones of a `Client`
/// share their cookie jar, so one learner can use several `Browser`s.
pub struct Browser {
    pub address: String,
    pub client: Client,
}

impl std::ops::Deref for TestApp {
    type Target = Browser;
    fn deref(&self) -> &Browser {
        &self.browser
    }
}

/// Starts the server binary; returns it with the address it printed.
pub fn start_server(data_dir: &Path, questions: &Path) -> Result<(Child, String), String> {
    start_server_with(data_dir, questions, &[])
}

/// Starts the server binary with extra arguments (`--trust-forwarded`, say).
pub fn start_server_with(
    data_dir: &Path,
    questions: &Path,
    extra: &[&str],
) -> Result<(Child, String), String> {
    start_server_with_env(data_dir, questions, extra, &[])
}

/// Starts the server binary with extra arguments and environment variables.
pub fn start_server_with_env(
    data_dir: &Path,
    questions: &Path,
    extra: &[&str],
    env: &[(&str, &str)],
) -> Result<(Child, String), String> {
    let bind: &[&str] = if extra.contains(&"--bind") {
        &[]
    } else {
        &["--bind", "127.0.0.1:0"]
    };
    let mut process = Command::new(env!("CARGO_BIN_EXE_sourcewise"))
        .arg("serve")
        .args(bind)
        .args(extra)
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--questions")
        .arg(questions)
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the sourcewise binary starts");
    let stdout = process.stdout.take().expect("stdout is piped");
    let mut first_line = String::new();
    BufReader::new(stdout)
        .read_line(&mut first_line)
        .expect("read the server's first line");
    match first_line
        .trim()
        .strip_prefix("sourcewise listening on http://")
    {
        Some(address) => Ok((process, address.to_string())),
        None => {
            let output = process.wait_with_output().expect("the server exits");
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }
}

pub fn spawn_app() -> TestApp {
    spawn_app_with(&[])
}

/// A server started with extra arguments.
pub fn spawn_app_with(extra: &[&str]) -> TestApp {
    spawn_app_with_env(extra, &[])
}

/// A server started with extra arguments and environment variables.
pub fn spawn_app_with_env(extra: &[&str], env: &[(&str, &str)]) -> TestApp {
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    let (process, address) = start_server_with_env(data_dir.path(), &questions_dir(), extra, env)
        .expect("the server starts");
    TestApp {
        browser: Browser {
            address,
            client: browser(),
        },
        data_dir,
        process,
    }
}

/// The format a data directory (of a stopped server) is marked with, if any.
pub fn stored_format(data_dir: &Path) -> Option<String> {
    let db = sled::open(data_dir).expect("the data directory opens");
    let meta = db.open_tree("meta").expect("the meta tree");
    meta.get("format_version")
        .expect("the meta tree reads")
        .map(|value| String::from_utf8_lossy(&value).into_owned())
}

/// A new browser: its own cookie jar, following redirects like a browser does.
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}

/// A new browser whose requests say, through a reverse proxy the server trusts
/// (`--trust-forwarded`), that they come from `address`: a device elsewhere on the
/// network.
pub fn browser_at(address: &str) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-forwarded-for",
        address.parse().expect("an address is a header value"),
    );
    Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}

/// A page as the browser got it.
pub struct Page {
    pub status: StatusCode,
    pub url: String,
    pub body: String,
}

impl Page {
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// The text of every element matching `selector` as a reader sees it (text inside a
    /// link runs on with the words around it), whitespace folded.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = Selector::parse(selector).expect("a valid selector");
        self.html()
            .select(&selector)
            .map(|element| {
                let mut text = String::new();
                rendered_text(element, &mut text);
                fold(&text)
            })
            .collect()
    }

    pub fn text(&self, selector: &str) -> String {
        self.texts(selector).join(" ")
    }

    /// The value of `attribute` on every element matching `selector`.
    pub fn attributes(&self, selector: &str, attribute: &str) -> Vec<String> {
        let selector = Selector::parse(selector).expect("a valid selector");
        self.html()
            .select(&selector)
            .filter_map(|element| element.value().attr(attribute).map(str::to_string))
            .collect()
    }

    pub fn attribute(&self, selector: &str, attribute: &str) -> String {
        self.attributes(selector, attribute)
            .into_iter()
            .next()
            .unwrap_or_else(|| {
                panic!(
                    "no {selector} with {attribute} on {}:\n{}",
                    self.url, self.body
                )
            })
    }

    /// The page's whole visible text, whitespace folded.
    pub fn visible_text(&self) -> String {
        self.text("body")
    }

    /// The path of the page's URL, without the address.
    pub fn path(&self) -> String {
        let url = reqwest::Url::parse(&self.url).expect("a URL");
        url.path().to_string()
    }
}

/// The text of `element` as a browser lays it out: inline elements (a link, a mark)
/// run on with the words around them, block elements and table cells stand apart.
fn rendered_text(element: scraper::ElementRef<'_>, text: &mut String) {
    const INLINE: [&str; 13] = [
        "a", "abbr", "b", "bdi", "code", "del", "em", "i", "ins", "mark", "small", "span", "strong",
    ];
    for child in element.children() {
        if let Some(inner) = scraper::ElementRef::wrap(child) {
            let inline = INLINE.contains(&inner.value().name());
            if !inline {
                text.push(' ');
            }
            rendered_text(inner, text);
            if !inline {
                text.push(' ');
            }
        } else if let Some(words) = child.value().as_text() {
            text.push_str(words);
        }
    }
}

/// The date `days` days from today (UTC) in `date`'s `format`: "+%Y-%m-%d" as a
/// date field sends it, "+%A %-d %B %Y" as the pages say it.
pub fn date_in(days: i64, format: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let output = Command::new("date")
        .args(["-u", "-d", &format!("@{}", now + days * 86_400), format])
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

pub fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    pub fn get(&self, path: &str) -> Page {
        self.get_with(&self.client, path)
    }

    pub fn get_with(&self, client: &Client, path: &str) -> Page {
        page(client.get(self.url(path)).send().expect("GET succeeds"))
    }

    pub fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        page(
            self.client
                .post(self.url(path))
                .form(form)
                .send()
                .expect("POST succeeds"),
        )
    }

    /// The CSRF token that this browser's learner forms carry, as the pack page's form
    /// holds it (it matches a cookie the page sets).
    pub fn learner_token(&self) -> String {
        let page = self.get(&format!("/packs/{PACK}"));
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        page.attribute("input[name=csrf]", "value")
    }

    /// Starts a round from the pack page's form and lands on its first question.
    pub fn start_round(&self, focus: &str, length: &str) -> Page {
        let csrf = self.learner_token();
        let page = self.post(
            &format!("/packs/{PACK}/rounds"),
            &[("csrf", &csrf), ("focus", focus), ("length", length)],
        );
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        page
    }

    /// Answers the question on `page`, rightly or wrongly, and returns the feedback page.
    pub fn answer(&self, page: &Page, right: bool) -> Page {
        self.answer_sure(page, right, None)
    }

    /// Answers the question on `page`, rightly or wrongly, saying how sure (the value
    /// of the form's `confidence`, or nothing), and returns the feedback page.
    pub fn answer_sure(&self, page: &Page, right: bool, confidence: Option<&str>) -> Page {
        let (_, (_, choice)) = answer_form(page, right);
        self.answer_choosing(page, &choice, confidence)
    }

    /// Answers the question on `page` with the option `choice` (its value), saying how
    /// sure, and returns the feedback page.
    pub fn answer_choosing(&self, page: &Page, choice: &str, confidence: Option<&str>) -> Page {
        let action = page.attribute("form.answer-form", "action");
        let exercise = page.attribute("input[name=exercise]", "value");
        let csrf = page.attribute("input[name=csrf]", "value");
        let mut form = vec![
            ("csrf", csrf.as_str()),
            ("exercise", &exercise),
            ("choice", choice),
        ];
        if let Some(confidence) = confidence {
            form.push(("confidence", confidence));
        }
        let feedback = self.post(&action, &form);
        assert_eq!(feedback.status, StatusCode::OK, "{}", feedback.body);
        feedback
    }
}

impl TestApp {
    /// Another learner (or the same learner, given their client) on this server.
    pub fn browser_for(&self, client: Client) -> Browser {
        Browser {
            address: self.browser.address.clone(),
            client,
        }
    }

    /// Stops the server and returns what it wrote to its log (standard error).
    pub fn stop_and_read_log(&mut self) -> String {
        use std::io::Read;
        let _ = self.process.kill();
        let _ = self.process.wait();
        let mut log = String::new();
        if let Some(mut stderr) = self.process.stderr.take() {
            let _ = stderr.read_to_string(&mut log);
        }
        log
    }

    /// Kills the server as a crash would (SIGKILL) and starts it again on the same data.
    pub fn restart_after_kill(&mut self) {
        self.kill();
        self.start_again();
    }

    /// Kills the server as a crash would (SIGKILL), leaving its data directory free.
    pub fn kill(&mut self) {
        self.process.kill().expect("kill the server");
        self.process.wait().expect("the server exits");
    }

    /// Starts the server again on the same data directory.
    pub fn start_again(&mut self) {
        let (process, address) =
            start_server(self.data_dir.path(), &questions_dir()).expect("the server starts again");
        self.process = process;
        self.browser.address = address;
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn page(response: reqwest::blocking::Response) -> Page {
    let status = response.status();
    let url = response.url().to_string();
    let body = response.text().expect("a body");
    Page { status, url, body }
}

/// The form action, exercise id and a right or wrong choice for the question on `page`.
pub fn answer_form(page: &Page, right: bool) -> (String, (String, String)) {
    let action = page.attribute("form.answer-form", "action");
    let exercise_id = page.attribute("input[name=exercise]", "value");
    let choices = page.attributes("input[name=choice]", "value");
    let exercise = library()
        .pack(PACK)
        .unwrap()
        .exercise(&exercise_id)
        .expect("the page shows a known exercise");
    let correct = exercise.correct_choice().answer().to_string();
    assert!(choices.contains(&correct), "the correct answer is offered");
    let choice = if right {
        correct
    } else {
        choices
            .into_iter()
            .find(|choice| *choice != correct)
            .expect("a wrong option")
    };
    (action, (exercise_id, choice))
}

/// Follows the feedback page's "next" button.
pub fn next_link(page: &Page) -> String {
    page.attribute("#feedback a.button", "href")
}
