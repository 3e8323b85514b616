//! Driving Debian's Chromium through chromedriver against the release server.
//!
//! Every test runs in [`session`]: its own release server on a free port with a fresh
//! data directory, its own chromedriver and a fresh Chromium profile. While the test runs
//! the browser records every network request; when it ends, any request to a host other
//! than the server under test fails the test. [`Session::check_page`] runs the checks
//! every page must pass (axe-core, no horizontal scrolling, text of at least 16 px) and
//! saves a screenshot under `target/screenshots/`.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::panic::{AssertUnwindSafe, resume_unwind};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use base64::Engine;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use serde_json::{Value, json};

pub const PACK: &str = "khojaly-1992";

/// The screens pages are checked on: every page on the phone and the laptop, the
/// presenter's pages also on the projector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewport {
    /// A phone, 375×667 CSS pixels, emulated as a touch device.
    Phone,
    /// A school laptop, 1366×768.
    Laptop,
    /// An older projector, 1024×768.
    Projector,
}

impl Viewport {
    pub fn size(self) -> (u32, u32) {
        match self {
            Viewport::Phone => (375, 667),
            Viewport::Laptop => (1366, 768),
            Viewport::Projector => (1024, 768),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Viewport::Phone => "phone",
            Viewport::Laptop => "laptop",
            Viewport::Projector => "projector",
        }
    }
}

/// Whether the browser runs JavaScript (Chromium's own setting, as a user would set it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scripting {
    Enabled,
    Disabled,
}

/// Runs `test` in a fresh browser on a fresh server, then fails the test if the pages
/// made any request to another host. The browser is closed even when `test` panics.
pub async fn session(viewport: Viewport, scripting: Scripting, test: impl AsyncFnOnce(&Session)) {
    if !wanted() {
        return;
    }
    let session = Session::open(viewport, scripting).await;
    let outcome = AssertUnwindSafe(test(&session)).catch_unwind().await;
    let requests = session.requests().await;
    let server = session.server_address().to_string();
    session.close().await;
    if let Err(panic) = outcome {
        resume_unwind(panic);
    }
    assert_self_contained(&requests, &server);
}

/// Whether to run the browser tests: opt-in (`SOURCEWISE_BROWSER_TESTS=1`, which
/// `tests/run` sets), so that `cargo test` with only a Rust toolchain passes. Without
/// it each test returns at once, and the first says so in one line.
pub fn wanted() -> bool {
    static WANTED: OnceLock<bool> = OnceLock::new();
    *WANTED.get_or_init(|| {
        let wanted = std::env::var_os("SOURCEWISE_BROWSER_TESTS").is_some_and(|value| value == "1");
        if !wanted {
            // Straight to standard error: the test harness would hold back `eprintln!`.
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                b"browser tests skipped: run `tests/run` (or SOURCEWISE_BROWSER_TESTS=1 cargo test) to run them\n",
            );
        }
        wanted
    })
}

/// Fails if any of `requests` went to a host other than `server`.
fn assert_self_contained(requests: &[String], server: &str) {
    let foreign: Vec<&String> = requests
        .iter()
        .filter(|url| is_foreign(url, server))
        .collect();
    assert!(
        foreign.is_empty(),
        "the pages must load nothing from other hosts, but requested {foreign:?}"
    );
}

/// A request leaves the machine's server if it is http(s) or ws(s) to another host and
/// port. The browser's own pages (`chrome://`) and inline `data:` URLs stay inside.
pub fn is_foreign(url: &str, server: &str) -> bool {
    let Ok(url) = url::Url::parse(url) else {
        return true;
    };
    match url.scheme() {
        "http" | "https" | "ws" | "wss" => {
            let host = format!(
                "{}:{}",
                url.host_str().unwrap_or(""),
                url.port_or_known_default().unwrap_or(0)
            );
            host != server
        }
        "chrome" | "data" | "about" | "blob" | "chrome-untrusted" | "devtools" => false,
        _ => true,
    }
}

/// A browser on a server, for one test.
pub struct Session {
    pub client: Client,
    pub viewport: Viewport,
    pub scripting: Scripting,
    /// The server this browser uses; the first browser of a test owns it.
    server: std::sync::Mutex<Option<Server>>,
    address: String,
    /// Requests recorded so far, kept here because reading the log empties it.
    requests: std::sync::Mutex<Vec<String>>,
    driver: Driver,
    _profile: tempfile::TempDir,
}

impl Session {
    async fn open(viewport: Viewport, scripting: Scripting) -> Session {
        let server = Server::start();
        let address = server.address.clone();
        Session::open_on(Some(server), address, viewport, scripting).await
    }

    /// A second browser, with its own profile, on the same server: another person.
    /// Close it with [`Session::finish`].
    pub async fn another_browser(&self, viewport: Viewport) -> Session {
        self.another_browser_with(viewport, Scripting::Enabled)
            .await
    }

    /// A second browser as [`Session::another_browser`], with JavaScript on or off.
    pub async fn another_browser_with(&self, viewport: Viewport, scripting: Scripting) -> Session {
        Session::open_on(None, self.address.clone(), viewport, scripting).await
    }

    /// Kills the server as a crash would (SIGKILL) and starts it again on the same port
    /// and data directory, as an operator restarting it would. Only the browser that owns
    /// the server can do this.
    pub fn restart_server(&self) {
        self.restart_server_after(|_| {});
    }

    /// As [`Session::restart_server`], with `change` made to the data directory while
    /// the server is down (as time passing would change what is due).
    pub fn restart_server_after(&self, change: impl FnOnce(&Path)) {
        let mut server = self.server.lock().expect("the server");
        server
            .as_mut()
            .expect("this browser owns the server")
            .restart_after(change);
    }

    /// Waits up to `seconds` until the page has an element matching `css` whose text
    /// contains `wanted` (the page may change by itself meanwhile); returns that text.
    pub async fn wait_for_text(&self, css: &str, wanted: &str, seconds: u64) -> String {
        let started = Instant::now();
        loop {
            let text = self
                .client
                .execute(
                    "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;",
                    vec![json!(css)],
                )
                .await
                .ok()
                .and_then(|text| text.as_str().map(fold));
            if let Some(text) = &text
                && text.contains(wanted)
            {
                return text.clone();
            }
            let text = text.unwrap_or_else(|| "nothing: there is no such element".into());
            assert!(
                started.elapsed() < Duration::from_secs(seconds),
                "within {seconds} s, `{css}` says “{wanted}”; it says “{text}”"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Closes a second browser, failing if its pages asked another host for anything.
    pub async fn finish(self) {
        let requests = self.requests().await;
        let server = self.address.clone();
        self.close().await;
        assert_self_contained(&requests, &server);
    }

    async fn open_on(
        server: Option<Server>,
        address: String,
        viewport: Viewport,
        scripting: Scripting,
    ) -> Session {
        let (chromium, chromedriver) = browser_programs();
        let profile = tempfile::tempdir().expect("a temporary browser profile");
        let (width, height) = viewport.size();
        let arguments = vec![
            "--headless".to_string(),
            "--no-sandbox".to_string(),
            "--disable-gpu".to_string(),
            "--no-first-run".to_string(),
            "--disable-background-networking".to_string(),
            "--disable-component-update".to_string(),
            "--disable-sync".to_string(),
            "--disable-dev-shm-usage".to_string(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut chrome_options = json!({ "binary": chromium });
        // The viewport is set exactly (a headless window's size is not the size of the
        // page); a phone also gets the mobile layout rules (the viewport meta tag) and
        // touch. Not touch with JavaScript off: chromedriver's clicks then never return.
        let phone = viewport == Viewport::Phone;
        let touch = phone && scripting == Scripting::Enabled;
        chrome_options["mobileEmulation"] = json!({
            "deviceMetrics": {
                "width": width,
                "height": height,
                "pixelRatio": if phone { 2.0 } else { 1.0 },
                "mobile": phone,
                "touch": touch,
            }
        });
        chrome_options["args"] = json!(arguments);
        if scripting == Scripting::Disabled {
            chrome_options["prefs"] =
                json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let mut capabilities = Capabilities::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert("goog:chromeOptions".into(), chrome_options);
        capabilities.insert(
            "goog:loggingPrefs".into(),
            json!({ "performance": "ALL", "browser": "ALL" }),
        );
        // On a loaded machine Chromium can fail to start in time; try three times, each
        // with a fresh chromedriver.
        let mut attempt = 1;
        let (client, driver) = loop {
            let driver = Driver::start(&chromedriver);
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&driver.url)
                .await
            {
                Ok(client) => break (client, driver),
                Err(error) if attempt < 3 => {
                    eprintln!("chromedriver could not start Chromium ({error}); trying again");
                    drop(driver);
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(error) => panic!("chromedriver starts Chromium: {error}"),
            }
        };
        let session = Session {
            client,
            viewport,
            scripting,
            server: std::sync::Mutex::new(server),
            address,
            requests: std::sync::Mutex::new(Vec::new()),
            driver,
            _profile: profile,
        };
        session.check_the_setup().await;
        session
    }

    /// Makes sure the browser is what the test thinks it is: the viewport has the
    /// intended size, and with JavaScript off an inline script really does not run.
    async fn check_the_setup(&self) {
        if self.scripting == Scripting::Disabled {
            self.client
                .goto("data:text/html,<title>before</title><script>document.title='ran'</script>")
                .await
                .expect("open a test page");
            assert_eq!(
                self.client.title().await.expect("the title"),
                "before",
                "JavaScript is switched off in this browser"
            );
        }
        // The home page: a plain-text page has no viewport tag, so a phone lays it out
        // 980 px wide.
        self.visit("/").await;
        let size = self
            .execute("return [window.innerWidth, window.innerHeight];")
            .await;
        let (width, height) = self.viewport.size();
        assert_eq!(
            size,
            json!([width, height]),
            "the browser's viewport is {width}×{height}"
        );
    }

    async fn close(self) {
        let _ = self.client.close().await;
        drop(self.driver);
        drop(self.server.into_inner());
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub fn server_address(&self) -> &str {
        &self.address
    }

    /// Opens `path` on the server, as typing it in the address bar would.
    pub async fn visit(&self, path: &str) {
        self.client
            .goto(&self.url(path))
            .await
            .unwrap_or_else(|error| panic!("open {path}: {error}"));
    }

    /// The path (and query) of the page the browser shows.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("the current URL");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        }
    }

    pub async fn find(&self, css: &str) -> Element {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("the page has an element matching `{css}`: {error}"))
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("look for `{css}`: {error}"))
    }

    /// The visible text of the first element matching `css`, whitespace folded.
    pub async fn text(&self, css: &str) -> String {
        let text = self
            .find(css)
            .await
            .text()
            .await
            .expect("the element's text");
        fold(&text)
    }

    /// The visible text of every element matching `css`.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut texts = Vec::new();
        for element in self.find_all(css).await {
            texts.push(fold(&element.text().await.expect("the element's text")));
        }
        texts
    }

    /// Clicks the first element matching `css`, as a mouse or finger would.
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.bring_into_reach(&element).await;
        element
            .click()
            .await
            .unwrap_or_else(|error| panic!("click `{css}`: {error}"));
    }

    /// Clicks the first element matching `css` and waits for the page it leads to.
    pub async fn click_and_wait(&self, css: &str) {
        let element = self.find(css).await;
        self.bring_into_reach(&element).await;
        self.leading_to_a_new_page(async || {
            element
                .click()
                .await
                .unwrap_or_else(|error| panic!("click `{css}`: {error}"))
        })
        .await;
    }

    /// Clicks the link or button whose visible text is `text`, and waits for the page it
    /// leads to.
    pub async fn click_text(&self, text: &str) {
        self.click_text_where(text, |shown| shown == text).await;
    }

    /// Clicks the first link or button whose text begins with `text` (a link can name
    /// its target further for screen readers), and waits for the page it leads to.
    pub async fn click_text_starting(&self, text: &str) {
        self.click_text_where(text, |shown| shown.starts_with(text))
            .await;
    }

    async fn click_text_where(&self, text: &str, wanted: impl Fn(&str) -> bool) {
        let mut seen = Vec::new();
        for element in self.find_all("a, button").await {
            let shown = self.text_even_if_folded_away(&element).await;
            if wanted(&shown) {
                self.bring_into_reach(&element).await;
                self.leading_to_a_new_page(async || {
                    element
                        .click()
                        .await
                        .unwrap_or_else(|error| panic!("click “{text}”: {error}"))
                })
                .await;
                return;
            }
            seen.push(shown);
        }
        panic!("the page has a link or button “{text}”; it has {seen:?}");
    }

    /// Does `action`, which loads another page (or the same page again), and waits until
    /// that page has loaded: the old document carries a mark that the new one lacks.
    pub async fn leading_to_a_new_page(&self, action: impl AsyncFnOnce()) {
        self.execute("window.sourcewiseOldPage = true;").await;
        action().await;
        let started = Instant::now();
        loop {
            let loaded = self
                .client
                .execute(
                    "return !window.sourcewiseOldPage && document.readyState === 'complete';",
                    Vec::new(),
                )
                .await
                .map(|loaded| loaded.as_bool() == Some(true))
                // A script can fail while the browser is between pages.
                .unwrap_or(false);
            if loaded {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "a new page loads within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn execute(&self, script: &str) -> Value {
        self.client
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|error| panic!("run a script in the page: {error}"))
    }

    /// Presses and releases a key on the keyboard, wherever the focus is.
    pub async fn press(&self, key: Key) {
        let key: char = key.into();
        let actions = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client
            .perform_actions(actions)
            .await
            .expect("press a key");
    }

    /// Types `text` on the keyboard into whatever has the focus.
    pub async fn type_text(&self, text: &str) {
        let mut actions = KeyActions::new("keyboard".into());
        for character in text.chars() {
            actions = actions
                .then(KeyAction::Down { value: character })
                .then(KeyAction::Up { value: character });
        }
        self.client
            .perform_actions(actions)
            .await
            .expect("type on the keyboard");
    }

    /// A short description of the focused element, for assertions and messages:
    /// its tag, id, classes, and name and value for form controls.
    pub async fn focused(&self) -> String {
        self.execute(
            "const e = document.activeElement;
             if (!e || e === document.body) return 'body';
             let d = e.tagName.toLowerCase();
             if (e.id) d += '#' + e.id;
             for (const c of e.classList) d += '.' + c;
             if (e.name) d += '[name=' + e.name + ']';
             if (e.type === 'radio') d += '[value=' + e.value + ']';
             if (e.tagName === 'A' || e.tagName === 'BUTTON') d += ' “' + e.textContent.trim().replace(/\\s+/g, ' ') + '”';
             return d;",
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// Whether the focused element shows a focus indicator: an outline or a box shadow.
    pub async fn focus_is_visible(&self) -> bool {
        self.execute(
            "const e = document.activeElement;
             if (!e || e === document.body) return false;
             const s = getComputedStyle(e);
             const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1;
             return outline || s.boxShadow !== 'none';",
        )
        .await
        .as_bool()
        .unwrap_or(false)
    }

    /// Presses Tab until the focused element matches `css`, checking at every stop that
    /// the focus can be seen. Returns how many presses it took.
    pub async fn tab_to(&self, css: &str) -> usize {
        let mut stops = Vec::new();
        for presses in 1..=40 {
            self.press(Key::Tab).await;
            let focused = self.focused().await;
            assert!(
                self.focus_is_visible().await,
                "the focus on {focused} can be seen (after {stops:?})"
            );
            let matches = self
                .client
                .execute(
                    "return document.activeElement.matches(arguments[0]);",
                    vec![json!(css)],
                )
                .await
                .expect("match the focused element")
                .as_bool()
                .unwrap_or(false);
            if matches {
                return presses;
            }
            stops.push(focused);
        }
        panic!("Tab never reaches `{css}`; it stops at {stops:?}");
    }

    /// Every check a page must pass, then a screenshot named `name`:
    /// - no violation of impact "serious" or "critical" found by axe-core, nor of the
    ///   rules on landmarks and headings (with JavaScript on: axe is a script);
    /// - no horizontal scrolling;
    /// - every piece of visible text at least 16 px.
    pub async fn check_page(&self, name: &str) {
        let path = self.path().await;
        if self.scripting == Scripting::Enabled {
            let violations = self.axe_violations().await;
            assert!(
                violations.is_empty(),
                "axe-core finds serious or critical problems on {path} ({:?}):\n{}",
                self.viewport,
                violations.join("\n")
            );
        }
        let too_wide = self.execute(TOO_WIDE_SCRIPT).await;
        assert_eq!(
            too_wide,
            json!([]),
            "{path} scrolls sideways on a {:?}: these elements stick out of the window",
            self.viewport
        );
        let small = self.execute(SMALL_TEXT_SCRIPT).await;
        assert_eq!(
            small,
            json!([]),
            "{path} on a {:?} has text smaller than 16 px",
            self.viewport
        );
        self.screenshot(name).await;
    }

    /// Runs axe-core in the page and describes each serious or critical violation, and
    /// each violation of the rules on the page's structure (of lesser impact in axe).
    pub async fn axe_violations(&self) -> Vec<String> {
        self.execute(axe_source()).await;
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const structure = arguments[0];
                 axe.run(document, { resultTypes: ['violations'] })
                   .then(r => done(r.violations
                     .filter(v => v.impact === 'serious' || v.impact === 'critical'
                       || structure.includes(v.id))
                     .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' — '
                       + v.nodes.map(n => n.target.join(' ')).join(', '))))
                   .catch(e => done(['axe-core failed: ' + e]));",
                vec![json!(STRUCTURE_RULES)],
            )
            .await
            .expect("axe-core runs");
        result
            .as_array()
            .expect("a list of violations")
            .iter()
            .map(|violation| violation.as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Saves a picture of the whole page (not only the visible part) as
    /// `target/screenshots/<viewport>-<name>.png`.
    pub async fn screenshot(&self, name: &str) {
        let result = self
            .cdp(
                "Page.captureScreenshot",
                json!({ "format": "png", "captureBeyondViewport": true }),
            )
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(result["data"].as_str().expect("screenshot data"))
            .expect("a base64 PNG");
        let directory = target_dir().join("screenshots");
        std::fs::create_dir_all(&directory).expect("create target/screenshots");
        let scripting = match self.scripting {
            Scripting::Enabled => "",
            Scripting::Disabled => "-nojs",
        };
        let file = directory.join(format!("{}{scripting}-{name}.png", self.viewport.name()));
        std::fs::write(&file, png).expect("write the screenshot");
    }

    /// Sends a Chrome DevTools Protocol command through chromedriver.
    pub async fn cdp(&self, command: &str, parameters: Value) -> Value {
        self.client
            .issue_cmd(Chromedriver {
                endpoint: "goog/cdp/execute",
                body: json!({ "cmd": command, "params": parameters }),
            })
            .await
            .unwrap_or_else(|error| panic!("DevTools command {command}: {error}"))
    }

    /// Forgets the requests recorded so far (for the test of the check itself).
    pub fn forget_requests(&self) {
        self.requests.lock().expect("the request list").clear();
    }

    /// Every URL the browser has requested so far in this session.
    pub async fn requests(&self) -> Vec<String> {
        let log = self
            .client
            .issue_cmd(Chromedriver {
                endpoint: "se/log",
                body: json!({ "type": "performance" }),
            })
            .await
            .expect("read the browser's network log");
        let mut requests = self.requests.lock().expect("the request list");
        for entry in log.as_array().into_iter().flatten() {
            let Some(message) = entry["message"].as_str() else {
                continue;
            };
            let Ok(message) = serde_json::from_str::<Value>(message) else {
                continue;
            };
            if message["message"]["method"] == "Network.requestWillBeSent"
                && let Some(url) = message["message"]["params"]["request"]["url"].as_str()
            {
                requests.push(url.to_string());
            }
        }
        requests.clone()
    }
}

/// axe-core rules of "moderate" impact that the tests hold to as well: landmarks and
/// headings in order, which screen-reader users navigate by.
const STRUCTURE_RULES: &[&str] = &[
    "heading-order",
    "page-has-heading-one",
    "region",
    "landmark-one-main",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-unique",
    "empty-heading",
];

/// Finds what makes a page scroll sideways: when the page is wider than the window, the
/// innermost elements whose right edge lies beyond it. Returns "selector: right edge".
const TOO_WIDE_SCRIPT: &str = "
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return [];
    const edge = e => Math.max(e.getBoundingClientRect().right, e.getBoundingClientRect().left + e.scrollWidth);
    const out = [...document.body.querySelectorAll('*')]
      .filter(e => edge(e) > root.clientWidth + 0.5)
      .filter(e => ![...e.children].some(c => edge(c) > root.clientWidth + 0.5));
    const found = out.map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
      + ' “' + e.textContent.trim().slice(0, 40) + '”: right edge at ' + Math.round(edge(e)) + ' px');
    return found.length ? found : ['the page is ' + root.scrollWidth + ' px wide in a ' + root.clientWidth + ' px window'];";

/// Finds text smaller than 16 px: elements with text of their own that are rendered
/// (not hidden, not a 1-px visually hidden label). Returns "selector: size" strings.
const SMALL_TEXT_SCRIPT: &str = "
    const small = [];
    for (const e of document.body.querySelectorAll('*')) {
      const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim() !== '');
      if (!own) continue;
      const r = e.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) continue;
      const s = getComputedStyle(e);
      if (s.visibility === 'hidden' || s.display === 'none') continue;
      const size = parseFloat(s.fontSize);
      if (size < 16) small.push(e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' “' + e.textContent.trim().slice(0, 40) + '”: ' + size + 'px');
    }
    return small;";

/// A chromedriver command that fantoccini does not have: POST `body` to
/// `session/<id>/<endpoint>`.
#[derive(Debug)]
struct Chromedriver {
    endpoint: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for Chromedriver {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.endpoint
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

pub fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The cargo target directory this test binary was built in (`<target>/debug/deps/…`).
fn target_dir() -> PathBuf {
    let executable = std::env::current_exe().expect("the test binary's path");
    executable
        .ancestors()
        .nth(3)
        .expect("the test binary lives in <target>/<profile>/deps")
        .to_path_buf()
}

/// Chromium and chromedriver, or a failure that says how to install them.
fn browser_programs() -> (PathBuf, PathBuf) {
    let find = |variable: &str, name: &str| -> Option<PathBuf> {
        if let Ok(path) = std::env::var(variable) {
            return Some(PathBuf::from(path));
        }
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|directory| directory.join(name))
                .find(|path| path.is_file())
        })
    };
    match (
        find("SOURCEWISE_CHROMIUM", "chromium"),
        find("SOURCEWISE_CHROMEDRIVER", "chromedriver"),
    ) {
        (Some(chromium), Some(chromedriver)) => (chromium, chromedriver),
        _ => panic!(
            "The browser tests need Chromium and its driver. On Debian or Ubuntu:\n\n    \
             sudo apt-get install chromium chromium-driver\n\n\
             (or set SOURCEWISE_CHROMIUM and SOURCEWISE_CHROMEDRIVER to their paths)."
        ),
    }
}

/// The source of axe-core, vendored in `tests/browser/axe-core` with its licence.
fn axe_source() -> &'static str {
    include_str!("axe-core/axe.min.js")
}

/// The release build of the server, built before the tests start (`tests/run` does,
/// or `cargo build --release`). A binary older than the code would test old code, so
/// that fails too, saying how to build it.
fn release_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let binary = target_dir().join("release").join("sourcewise");
        let built = std::fs::metadata(&binary)
            .and_then(|metadata| metadata.modified())
            .unwrap_or_else(|error| {
                panic!(
                    "The browser tests drive the release server, {} ({error}). Build it \
                     first: `cargo build --release` (tests/run does).",
                    binary.display()
                )
            });
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let newest = newest_change(&[
            root.join("src"),
            root.join("templates"),
            root.join("Cargo.toml"),
            root.join("Cargo.lock"),
        ]);
        assert!(
            newest <= built,
            "The release server {} is older than the code: build it again with \
             `cargo build --release` (tests/run does).",
            binary.display()
        );
        binary
    })
}

/// When the newest file under `paths` was last changed.
fn newest_change(paths: &[PathBuf]) -> std::time::SystemTime {
    let mut newest = std::time::SystemTime::UNIX_EPOCH;
    let mut pending = paths.to_vec();
    while let Some(path) = pending.pop() {
        let Ok(metadata) = std::fs::metadata(&path) else {
            continue;
        };
        if metadata.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                pending.extend(entries.flatten().map(|entry| entry.path()));
            }
        } else if let Ok(modified) = metadata.modified() {
            newest = newest.max(modified);
        }
    }
    newest
}

/// The release server on a free port with its own data directory.
struct Server {
    process: Child,
    address: String,
    _data_dir: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        let data_dir = tempfile::tempdir().expect("a temporary data directory");
        let (process, address) = Server::launch("127.0.0.1:0", data_dir.path());
        Server {
            process,
            address,
            _data_dir: data_dir,
        }
    }

    /// Kills the server and starts it again on the same address and data.
    /// Kills the server, lets `change` change its data directory, and starts it again.
    fn restart_after(&mut self, change: impl FnOnce(&Path)) {
        let _ = self.process.kill();
        let _ = self.process.wait();
        change(self._data_dir.path());
        let (process, address) = Server::launch(&self.address, self._data_dir.path());
        assert_eq!(
            address, self.address,
            "the server comes back on its address"
        );
        self.process = process;
    }

    fn launch(bind: &str, data_dir: &Path) -> (Child, String) {
        let mut process = Command::new(release_binary())
            .args(["serve", "--bind", bind, "--data-dir"])
            .arg(data_dir)
            .arg("--questions")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("questions"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the release server starts");
        let mut first_line = String::new();
        BufReader::new(process.stdout.take().expect("stdout is piped"))
            .read_line(&mut first_line)
            .expect("read the server's first line");
        let address = first_line
            .trim()
            .strip_prefix("sourcewise listening on http://")
            .unwrap_or_else(|| panic!("the server says where it listens: {first_line:?}"))
            .to_string();
        (process, address)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// chromedriver on a free port.
struct Driver {
    process: Child,
    url: String,
}

impl Driver {
    fn start(chromedriver: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        // A process group of its own, so that Chromium goes with it when a test fails
        // before it could close the browser.
        let process = Command::new(chromedriver)
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("start {}: {error}", chromedriver.display()));
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver listens on port {port}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Driver {
            process,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Kill the whole group: chromedriver and the Chromium it started.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.process.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// Reaching elements a phone's layout tucks away: links folded into a closed <details>
/// (the header's "Menu"), controls under a bar fixed to the bottom of the screen.
impl Session {
    /// The text of a link or button as the user would read it once they open the
    /// closed <details> it is in (if any); whitespace folded.
    async fn text_even_if_folded_away(&self, element: &Element) -> String {
        let text = self
            .client
            .execute(
                "const e = arguments[0];
                 return e.closest('details:not([open])') ? e.textContent : null;",
                vec![serde_json::to_value(element).expect("an element reference")],
            )
            .await
            .ok()
            .and_then(|text| text.as_str().map(fold));
        match text {
            Some(text) => text,
            None => fold(&element.text().await.unwrap_or_default()),
        }
    }

    /// Before a click: opens each closed <details> around `element` by tapping its
    /// summary, as a user would; then, if the element lies outside the window or
    /// something else covers its middle (a bar fixed to the screen), scrolls it to the
    /// middle of the window.
    pub async fn bring_into_reach(&self, element: &Element) {
        self.client
            .execute(
                "const e = arguments[0];
                 for (let d = e.parentElement && e.parentElement.closest('details:not([open])'); d;
                      d = d.parentElement && d.parentElement.closest('details:not([open])')) {
                   const summary = d.querySelector(':scope > summary');
                   // The element may be the summary itself: the click opens it.
                   if (summary && !summary.contains(e)) summary.click();
                 }
                 const r = e.getBoundingClientRect();
                 const x = r.left + r.width / 2, y = r.top + r.height / 2;
                 const inside = y >= 0 && y < window.innerHeight && x >= 0 && x < window.innerWidth;
                 const top = inside ? document.elementFromPoint(x, y) : null;
                 if (!top || !(e === top || e.contains(top))) {
                   e.scrollIntoView({ block: 'center', inline: 'nearest' });
                 }",
                vec![serde_json::to_value(element).expect("an element reference")],
            )
            .await
            .expect("bring the element into reach");
    }
}
