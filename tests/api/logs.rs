//! The log an operator reads: every line of a request says which request it was (the id
//! the browser gets as `X-Request-Id`, the method and the path); plain text without a
//! terminal's colour codes, or one JSON object a line with `--log-format json`.

use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

/// Sends a form without its token, which the server refuses and logs as a warning;
/// returns the request's id.
fn forged_form(app: &TestApp) -> String {
    let response = app
        .client
        .post(app.url("/code"))
        .form(&[("code", "ABCD-2345")])
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let id = response
        .headers()
        .get("x-request-id")
        .expect("every answer says its request's id")
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(id.len(), 8, "{id}");
    id
}

#[test]
fn a_warning_in_the_text_log_names_its_request_method_and_path() {
    let mut app = spawn_app();
    let id = forged_form(&app);
    let other = forged_form(&app);
    assert_ne!(id, other, "each request has an id of its own");
    let log = app.stop_and_read_log();
    assert!(
        !log.contains('\u{1b}'),
        "no colour codes outside a terminal: {log}"
    );
    let line = log
        .lines()
        .find(|line| line.contains(&id))
        .unwrap_or_else(|| panic!("a line with the request's id {id}: {log}"));
    assert!(line.contains("WARN"), "{line}");
    assert!(line.contains("CSRF refusal"), "{line}");
    assert!(line.contains("method=POST"), "{line}");
    assert!(line.contains("path=/code"), "{line}");
    assert!(
        !line.contains("ABCD-2345"),
        "what the form typed stays out: {line}"
    );
}

#[test]
fn with_json_logs_each_line_is_an_object_with_its_request() {
    let mut app = spawn_app_with(&["--log-format", "json"]);
    let id = forged_form(&app);
    let log = app.stop_and_read_log();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or_else(|error| panic!("{error}: {line}")))
        .collect();
    let warning = lines
        .iter()
        .find(|line| line["span"]["id"] == id.as_str())
        .unwrap_or_else(|| panic!("a line of request {id}: {log}"));
    assert_eq!(warning["level"], "WARN");
    assert_eq!(warning["span"]["method"], "POST");
    assert_eq!(warning["span"]["path"], "/code");
    assert!(
        warning["fields"]["message"]
            .as_str()
            .unwrap()
            .contains("CSRF refusal")
    );
}
