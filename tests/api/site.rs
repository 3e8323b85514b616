//! What the whole site shares: its icon, the description search engines and link
//! previews show, and how it answers a method a path does not take.

use reqwest::StatusCode;
use reqwest::blocking::Response;
use reqwest::header::{ALLOW, CONTENT_TYPE};

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

#[test]
fn head_answers_like_get_without_a_body() {
    let app = spawn_app();
    for (path, kind) in [
        ("/", "text/html; charset=utf-8"),
        (&format!("/packs/{PACK}"), "text/html; charset=utf-8"),
        ("/join", "text/html; charset=utf-8"),
        ("/static/style.css", "text/css; charset=utf-8"),
        ("/healthz", "text/plain; charset=utf-8"),
    ] {
        let get = app.client.get(app.url(path)).send().unwrap();
        let head = app.client.head(app.url(path)).send().unwrap();
        assert_eq!(get.status(), StatusCode::OK, "GET {path}");
        assert_eq!(head.status(), StatusCode::OK, "HEAD {path}");
        assert_eq!(content_type(&get), kind, "GET {path}");
        assert_eq!(content_type(&head), kind, "HEAD {path}");
        assert_eq!(head.text().unwrap(), "", "HEAD {path} has no body");
    }
    // An unknown path is as unknown to HEAD.
    let head = app.client.head(app.url("/nowhere")).send().unwrap();
    assert_eq!(head.status(), StatusCode::NOT_FOUND);
}

#[test]
fn a_method_a_path_does_not_take_gets_405_with_the_methods_it_does() {
    let app = spawn_app();
    let pack = format!("/packs/{PACK}");
    let rounds = format!("/packs/{PACK}/rounds");
    let cases: [(&str, &str, &str); 7] = [
        ("DELETE", "/", "GET, HEAD"),
        ("PUT", &pack, "GET, HEAD"),
        ("POST", &pack, "GET, HEAD"),
        ("GET", &rounds, "POST"),
        ("PATCH", "/join", "GET, HEAD, POST"),
        ("DELETE", "/static/style.css", "GET, HEAD"),
        // An event stream takes GET alone: a HEAD would hold a stream for nothing.
        ("HEAD", "/live/1234567890/events", "GET"),
    ];
    for (method, path, allow) in cases {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = app
            .client
            .request(method.clone(), app.url(path))
            .send()
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        let mut allowed: Vec<String> = response
            .headers()
            .get(ALLOW)
            .unwrap_or_else(|| panic!("{method} {path} says what is allowed"))
            .to_str()
            .unwrap()
            .split(',')
            .map(|name| name.trim().to_string())
            .collect();
        allowed.sort();
        assert_eq!(allowed.join(", "), allow, "{method} {path}");
        assert_eq!(content_type(&response), "text/html; charset=utf-8");
        if method == reqwest::Method::HEAD {
            // The same answer, without its page.
            assert_eq!(response.text().unwrap(), "", "{method} {path}");
            continue;
        }
        let page = crate::helpers::Page {
            status: response.status(),
            url: response.url().to_string(),
            body: response.text().unwrap(),
        };
        assert_eq!(page.text("h1"), "Not available this way", "{method} {path}");
        assert!(
            page.text(".error-message").contains(allow),
            "{method} {path}: {}",
            page.text(".error-message")
        );
    }
    // A path that is not there is still not found, whatever the method.
    for method in [reqwest::Method::GET, reqwest::Method::DELETE] {
        let response = app
            .client
            .request(method.clone(), app.url("/nowhere"))
            .send()
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{method}");
    }
}
