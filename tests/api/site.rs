//! What the whole site shares: its icon, the description search engines and link
//! previews show, and how it answers a method a path does not take.

use reqwest::StatusCode;
use reqwest::blocking::Response;
use reqwest::header::CONTENT_TYPE;

use crate::helpers::{PACK, spawn_app};

fn content_type(response: &Response) -> String {
    response
        .headers()
        .get(CONTENT_TYPE)
        .map(|value| value.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[test]
fn the_favicon_is_an_svg_served_by_the_binary_and_every_page_links_it() {
    let app = spawn_app();
    let svg = app.client.get(app.url("/favicon.svg")).send().unwrap();
    assert_eq!(svg.status(), StatusCode::OK);
    assert_eq!(content_type(&svg), "image/svg+xml");
    assert!(svg.text().unwrap().trim_start().starts_with("<svg"));
    // Browsers ask for /favicon.ico by themselves: they get the same icon (the client
    // follows a redirect, as a browser does).
    let ico = app.client.get(app.url("/favicon.ico")).send().unwrap();
    assert_eq!(ico.status(), StatusCode::OK);
    assert_eq!(content_type(&ico), "image/svg+xml");
    for path in [
        "/",
        &format!("/packs/{PACK}"),
        "/teachers/sign-in",
        "/nowhere",
    ] {
        let page = app.get(path);
        assert_eq!(
            page.attribute("link[rel=icon]", "href"),
            "/favicon.svg",
            "{path}"
        );
        assert_eq!(
            page.attribute("link[rel=icon]", "type"),
            "image/svg+xml",
            "{path}"
        );
    }
}
