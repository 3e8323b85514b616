//! What the whole site shares: its icon, the description search engines and link
//! previews show, and how it answers a method a path does not take.

use reqwest::StatusCode;
use reqwest::blocking::Response;
use reqwest::header::CONTENT_TYPE;

use crate::classes::{join, join_code, teacher_with_class};
use crate::helpers::{Browser, PACK, browser, library, spawn_app};

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

#[test]
fn every_page_has_a_description_the_pack_page_its_packs_and_none_holds_a_nickname() {
    let app = spawn_app();
    let description = |browser: &Browser, path: &str| {
        let page = browser.get(path);
        let descriptions = page.attributes("meta[name=description]", "content");
        assert_eq!(descriptions.len(), 1, "{path}: {}", page.body);
        descriptions[0].clone()
    };
    let home = description(&app, "/");
    assert!(home.contains("sourcewise"), "{home}");
    assert!(home.contains("weighing sources"), "{home}");
    assert_eq!(description(&app, "/nowhere"), home);
    assert_eq!(description(&app, "/teachers/sign-in"), home);

    let pack = library().pack(PACK).unwrap();
    let on_pack = description(&app, &format!("/packs/{PACK}"));
    assert_ne!(on_pack, home);
    assert!(
        pack.description().starts_with(&on_pack),
        "the pack page's description is the start of its pack's: {on_pack}"
    );

    // A student's own pages say nothing of the student.
    let class = teacher_with_class(&app, "ms_arslan", "History 9B");
    let code = join_code(&app.get(&class));
    let student = app.browser_for(browser());
    let joined = join(&student, &code, "Zeynep Q");
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    assert!(joined.body.contains("Zeynep Q"));
    for path in ["/student", "/progress"] {
        let text = description(&student, path);
        assert!(!text.contains("Zeynep"), "{path}: {text}");
        assert_eq!(text, home, "{path}");
    }
}
