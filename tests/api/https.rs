//! `--https`, for a server behind a reverse proxy that serves HTTPS: every cookie the
//! server sets is `Secure` and every response says `Strict-Transport-Security`; without
//! it, neither.

use std::sync::{Arc, Mutex};

use reqwest::StatusCode;
use reqwest::blocking::Client;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::HeaderValue;

use crate::helpers::{Browser, TestApp, spawn_app, spawn_app_with, spawn_app_with_env};
use crate::live::{create_session, join};
use crate::teachers::PASSWORD;

/// A cookie jar that keeps every `Set-Cookie` header it is given, as sent.
#[derive(Default)]
struct RecordingJar {
    jar: Jar,
    seen: Mutex<Vec<String>>,
}

impl CookieStore for RecordingJar {
    fn set_cookies(&self, headers: &mut dyn Iterator<Item = &HeaderValue>, url: &reqwest::Url) {
        let headers: Vec<&HeaderValue> = headers.collect();
        self.seen.lock().unwrap().extend(
            headers
                .iter()
                .map(|value| value.to_str().unwrap().to_string()),
        );
        self.jar.set_cookies(&mut headers.into_iter(), url);
    }

    fn cookies(&self, url: &reqwest::Url) -> Option<HeaderValue> {
        self.jar.cookies(url)
    }
}

/// A browser on `app` whose jar records every cookie it is set.
fn recording_browser(app: &TestApp) -> (Browser, Arc<RecordingJar>) {
    let jar = Arc::new(RecordingJar::default());
    let client = Client::builder()
        .cookie_provider(jar.clone())
        .build()
        .expect("an HTTP client");
    (app.browser_for(client), jar)
}

/// Every kind of cookie the server sets, as `Set-Cookie` headers: a learner's (the
/// form token, the learner id, the content note read), a teacher's (the session, the
/// device, and the session's removal at sign-out), and a live participant's.
fn every_kind_of_cookie(app: &TestApp) -> Vec<String> {
    let (learner, learner_jar) = recording_browser(app);
    learner.start_round("all", "5");

    let (teacher, teacher_jar) = recording_browser(app);
    let page = teacher.sign_up("Ms Rivera", "rivera", PASSWORD, PASSWORD);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let page = teacher.sign_out();
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let page = teacher.sign_in("rivera", PASSWORD);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let page = create_session(
        &teacher,
        &[("pick", "random"), ("count", "2"), ("focus", "all")],
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let code = page.text(".join-code").replace(['-', ' '], "");

    let (participant, participant_jar) = recording_browser(app);
    let page = join(&participant, &code, "Sam");
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);

    let mut cookies = Vec::new();
    for jar in [learner_jar, teacher_jar, participant_jar] {
        cookies.extend(jar.seen.lock().unwrap().iter().cloned());
    }
    for name in [
        "sourcewise_form",
        "sourcewise_learner",
        "sourcewise_note_read",
        "sourcewise_teacher",
        "sourcewise_device",
        "sourcewise_live",
    ] {
        assert!(
            cookies
                .iter()
                .any(|cookie| cookie.starts_with(&format!("{name}="))),
            "no {name} cookie among {cookies:#?}"
        );
    }
    assert!(
        cookies.iter().any(
            |cookie| cookie.starts_with("sourcewise_teacher=;") && cookie.contains("Max-Age=0")
        ),
        "no removal of the session cookie among {cookies:#?}"
    );
    cookies
}

/// Whether a `Set-Cookie` value has the `Secure` attribute.
fn is_secure(cookie: &str) -> bool {
    cookie
        .split(';')
        .skip(1)
        .any(|attribute| attribute.trim().eq_ignore_ascii_case("secure"))
}

/// The `Strict-Transport-Security` header of the response to GET `path`, with its status.
fn hsts(app: &TestApp, path: &str) -> (StatusCode, Option<String>) {
    let response = app.client.get(app.url(path)).send().expect("GET succeeds");
    let value = response
        .headers()
        .get("strict-transport-security")
        .map(|value| value.to_str().unwrap().to_string());
    (response.status(), value)
}

/// Pages, a script, the health check and an error page.
const PATHS: [&str; 5] = [
    "/",
    "/packs/khojaly-1992",
    "/static/live.js",
    "/healthz",
    "/no-such-page",
];

#[test]
fn with_https_every_cookie_is_secure() {
    let app = spawn_app_with(&["--https"]);
    for cookie in every_kind_of_cookie(&app) {
        assert!(is_secure(&cookie), "not Secure: {cookie}");
    }
}

#[test]
fn with_https_every_response_says_to_use_https_alone() {
    let app = spawn_app_with(&["--https"]);
    for path in PATHS {
        let (status, header) = hsts(&app, path);
        assert_eq!(
            header.as_deref(),
            Some("max-age=31536000"),
            "{path} ({status})"
        );
    }
    // A method the path does not take.
    let response = app
        .client
        .post(app.url("/healthz"))
        .send()
        .expect("POST succeeds");
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000"
    );
}

#[test]
fn the_environment_variable_turns_https_on_too() {
    let app = spawn_app_with_env(&[], &[("SOURCEWISE_HTTPS", "1")]);
    assert_eq!(hsts(&app, "/").1.as_deref(), Some("max-age=31536000"));
}

#[test]
fn without_https_no_cookie_is_secure_and_no_response_says_hsts() {
    let app = spawn_app();
    for cookie in every_kind_of_cookie(&app) {
        assert!(!is_secure(&cookie), "Secure: {cookie}");
    }
    for path in PATHS {
        let (status, header) = hsts(&app, path);
        assert_eq!(header, None, "{path} ({status})");
    }
}
