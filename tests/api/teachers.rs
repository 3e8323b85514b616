//! Teacher accounts: signing up, in and out, the password rules, CSRF tokens, sessions
//! that end, slowing down guessing, and the administrator's password reset.

use std::process::Command;

use reqwest::StatusCode;
use reqwest::blocking::Client;

use crate::helpers::{Browser, Page, TestApp, browser, spawn_app};

pub(crate) const PASSWORD: &str = "tall ships at dawn";

impl Browser {
    /// The CSRF token of the form on the page at `path`.
    pub(crate) fn form_token(&self, path: &str) -> String {
        let page = self.get(path);
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        page.attribute("input[name=csrf]", "value")
    }

    pub(crate) fn sign_up(
        &self,
        display_name: &str,
        username: &str,
        password: &str,
        again: &str,
    ) -> Page {
        let csrf = self.form_token("/teachers/sign-up");
        self.post(
            "/teachers/sign-up",
            &[
                ("csrf", &csrf),
                ("display_name", display_name),
                ("username", username),
                ("password", password),
                ("repeat_password", again),
            ],
        )
    }

    pub(crate) fn sign_in(&self, username: &str, password: &str) -> Page {
        let csrf = self.form_token("/teachers/sign-in");
        self.post(
            "/teachers/sign-in",
            &[
                ("csrf", &csrf),
                ("username", username),
                ("password", password),
            ],
        )
    }

    pub(crate) fn sign_out(&self) -> Page {
        let csrf = self.form_token("/teachers");
        self.post("/teachers/sign-out", &[("csrf", &csrf)])
    }

    /// Who the teacher page greets, or "" when it shows the page for visitors.
    pub(crate) fn greeting(&self) -> String {
        let page = self.get("/teachers");
        let heading = page.text("h1");
        heading.strip_prefix("Hello, ").unwrap_or("").to_string()
    }
}

pub(crate) fn signed_up(app: &TestApp) {
    let page = app.sign_up("Ms Rivera", "Rivera", PASSWORD, PASSWORD);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.text(".notice"), "Your account is ready.");
}

/// A client that does not follow redirects, to read the response as it comes.
pub(crate) fn raw_client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[test]
fn a_teacher_signs_up_signs_out_and_signs_in_again() {
    let app = spawn_app();
    signed_up(&app);
    assert_eq!(app.greeting(), "Ms Rivera");
    assert!(
        app.get("/teachers")
            .text("main")
            .contains("You are signed in as rivera")
    );

    let page = app.sign_out();
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.path().starts_with("/teachers/sign-in"));
    assert_eq!(app.greeting(), "", "signed out");

    let page = app.sign_in("  RIVERA ", PASSWORD);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.path(), "/teachers");
    assert_eq!(app.greeting(), "Ms Rivera");
}

#[test]
fn sign_up_mistakes_are_explained_and_keep_what_was_typed() {
    let app = spawn_app();
    let cases = [
        (
            "Ms Rivera",
            "rivera",
            "short",
            "short",
            "at least 8 characters",
        ),
        (
            "Ms Rivera",
            "rivera",
            "password123",
            "password123",
            "most common passwords",
        ),
        (
            "Ms Rivera",
            "rivera",
            PASSWORD,
            "tall ships at dusk",
            "are not the same",
        ),
        (
            "Ms Rivera",
            "ri",
            PASSWORD,
            PASSWORD,
            "at least 3 characters",
        ),
        (
            "Ms Rivera",
            "rivera!",
            PASSWORD,
            PASSWORD,
            "letters, digits and the signs",
        ),
        (
            "   ",
            "rivera",
            PASSWORD,
            PASSWORD,
            "Type the name your students will see",
        ),
    ];
    for (display_name, username, password, again, message) in cases {
        let page = app.sign_up(display_name, username, password, again);
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{message}");
        assert!(
            page.text(".form-error").contains(message),
            "“{message}” in {}",
            page.text(".form-error")
        );
        assert_eq!(page.attribute("#display_name", "value"), display_name);
        assert_eq!(page.attribute("#username", "value"), username);
        assert!(
            !page.body.contains(password) || password == "short",
            "the password is never sent back"
        );
    }
    assert_eq!(app.greeting(), "", "no account was made");

    signed_up(&app);
    let other = app.browser_for(browser());
    let page = other.sign_up(
        "Mr Okafor",
        "rivera",
        "a different passphrase",
        "a different passphrase",
    );
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.text(".form-error")
            .contains("The username “rivera” is taken")
    );
}

#[test]
fn forms_without_the_right_token_are_refused_and_change_nothing() {
    let app = spawn_app();
    // No token at all, and a token from another browser.
    let page = app.post(
        "/teachers/sign-up",
        &[
            ("display_name", "Ms Rivera"),
            ("username", "rivera"),
            ("password", PASSWORD),
            ("repeat_password", PASSWORD),
        ],
    );
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.text("main").contains("did not come from this site"));
    let stranger = app.browser_for(browser());
    let strangers_token = stranger.form_token("/teachers/sign-up");
    app.form_token("/teachers/sign-up");
    let page = app.post(
        "/teachers/sign-up",
        &[
            ("csrf", &strangers_token),
            ("display_name", "Ms Rivera"),
            ("username", "rivera"),
            ("password", PASSWORD),
            ("repeat_password", PASSWORD),
        ],
    );
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.sign_in("rivera", PASSWORD).status,
        StatusCode::BAD_REQUEST,
        "no account was made"
    );

    signed_up(&app);
    let page = app.post(
        "/teachers/sign-out",
        &[("csrf", "0123456789abcdef0123456789abcdef")],
    );
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.greeting(), "Ms Rivera", "still signed in");
    let page = app.post(
        "/teachers/password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "a brand new passphrase"),
            ("repeat_password", "a brand new passphrase"),
        ],
    );
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

/// The `Set-Cookie` header for `name` in `response`.
pub(crate) fn set_cookie(response: &reqwest::blocking::Response, name: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().unwrap().to_string())
        .find(|cookie| cookie.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("the response sets {name}"))
}

/// Signs in as rivera with a client that shows the raw responses; returns the
/// `Set-Cookie` header of the session.
fn sign_in_raw(app: &TestApp) -> String {
    let client = raw_client();
    let response = client.get(app.url("/teachers/sign-in")).send().unwrap();
    let form_cookie = set_cookie(&response, "sourcewise_form");
    assert!(form_cookie.contains("HttpOnly") && form_cookie.contains("SameSite=Strict"));
    let csrf = Page {
        status: response.status(),
        url: String::new(),
        body: response.text().unwrap(),
    }
    .attribute("input[name=csrf]", "value");
    let response = client
        .post(app.url("/teachers/sign-in"))
        .header("Cookie", form_cookie.split(';').next().unwrap())
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "rivera"),
            ("password", PASSWORD),
        ])
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    set_cookie(&response, "sourcewise_teacher")
}

/// The teacher page as a browser sending only `cookie` sees it.
fn teacher_page_with(app: &TestApp, cookie: &str) -> Page {
    let response = raw_client()
        .get(app.url("/teachers"))
        .header("Cookie", cookie)
        .send()
        .unwrap();
    Page {
        status: response.status(),
        url: String::new(),
        body: response.text().unwrap(),
    }
}

#[test]
fn the_session_cookie_is_signed_http_only_lax_expires_and_renewed_at_sign_in() {
    let app = spawn_app();
    signed_up(&app);
    let session = sign_in_raw(&app);
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(session.contains(attribute), "{attribute} in {session}");
    }
    let cookie = session.split(';').next().unwrap().to_string();
    assert_eq!(
        teacher_page_with(&app, &cookie).text("h1"),
        "Hello, Ms Rivera"
    );

    // A cookie altered by one character fails the signature.
    let mut tampered = cookie.clone().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    assert_eq!(
        teacher_page_with(&app, &tampered).text("h1"),
        "For teachers"
    );

    let again = sign_in_raw(&app);
    assert_ne!(
        again.split(';').next().unwrap(),
        cookie,
        "a new token at each sign-in"
    );
}

#[test]
fn a_session_cookie_kept_after_sign_out_no_longer_works() {
    let app = spawn_app();
    signed_up(&app);
    // A second session, whose cookie someone keeps a copy of.
    let cookie = sign_in_raw(&app).split(';').next().unwrap().to_string();
    let account = teacher_page_with(&app, &cookie);
    assert_eq!(account.text("h1"), "Hello, Ms Rivera");
    let response = raw_client()
        .post(app.url("/teachers/sign-out"))
        .header("Cookie", &cookie)
        .form(&[(
            "csrf",
            account.attribute("input[name=csrf]", "value").as_str(),
        )])
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(set_cookie(&response, "sourcewise_teacher").contains("Max-Age=0"));
    assert_eq!(
        teacher_page_with(&app, &cookie).text("h1"),
        "For teachers",
        "the server has ended the session: the kept copy is worth nothing"
    );
    assert_eq!(
        app.greeting(),
        "Ms Rivera",
        "the other browser stays signed in"
    );
}

#[test]
fn repeated_failed_sign_ins_pause_that_account_only() {
    let app = spawn_app();
    signed_up(&app);
    app.sign_out();
    let other = app.browser_for(browser());
    other.sign_up(
        "Mr Okafor",
        "okafor",
        "another long passphrase",
        "another long passphrase",
    );
    other.sign_out();

    for _ in 0..5 {
        let page = app.sign_in("rivera", "not my password");
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert!(
            page.text(".form-error")
                .contains("The username or the password is not right")
        );
        assert_eq!(page.attribute("#username", "value"), "rivera");
    }
    let page = app.sign_in("rivera", PASSWORD);
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        page.text(".form-error")
            .contains("too many failed sign-ins for this account"),
        "{}",
        page.text(".form-error")
    );
    assert!(page.text(".form-error").contains("try again in 15 minutes"));
    assert_eq!(
        app.greeting(),
        "",
        "not signed in, even with the right password"
    );

    let page = other.sign_in("okafor", "another long passphrase");
    assert_eq!(page.status, StatusCode::OK, "another account is not paused");
}

#[test]
fn changing_the_password_signs_out_the_other_browsers() {
    let app = spawn_app();
    signed_up(&app);
    let laptop = app.browser_for(browser());
    assert_eq!(laptop.sign_in("rivera", PASSWORD).status, StatusCode::OK);

    let csrf = app.form_token("/teachers/password");
    let change = |current: &str, new: &str, again: &str| {
        app.post(
            "/teachers/password",
            &[
                ("csrf", csrf.as_str()),
                ("current_password", current),
                ("new_password", new),
                ("repeat_password", again),
            ],
        )
    };
    let page = change("wrong", "a brand new passphrase", "a brand new passphrase");
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.text(".form-error")
            .contains("current password is not right")
    );
    let page = change(PASSWORD, "qwertyuiop", "qwertyuiop");
    assert!(page.text(".form-error").contains("most common passwords"));

    let page = change(PASSWORD, "a brand new passphrase", "a brand new passphrase");
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text(".notice"), "Your password has been changed.");
    assert_eq!(app.greeting(), "Ms Rivera", "this browser stays signed in");
    assert_eq!(laptop.greeting(), "", "the other browser is signed out");
    assert_eq!(
        laptop.sign_in("rivera", PASSWORD).status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        laptop.sign_in("rivera", "a brand new passphrase").status,
        StatusCode::OK
    );
}

#[test]
fn teacher_pages_send_a_visitor_to_sign_in() {
    let app = spawn_app();
    let page = app.get("/teachers/password");
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.path(), "/teachers/sign-in");
    let response = raw_client()
        .post(app.url("/teachers/password"))
        .form(&[("csrf", "x")])
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/teachers/sign-in");
    assert_eq!(app.get("/teachers").text("h1"), "For teachers");
}

#[test]
fn sessions_survive_a_restart_and_passwords_are_stored_only_as_argon2id_hashes() {
    let mut app = spawn_app();
    signed_up(&app);
    app.restart_after_kill();
    assert_eq!(
        app.greeting(),
        "Ms Rivera",
        "the cookie key is kept in the data directory"
    );

    app.kill();
    let db = sled::open(app.data_dir.path()).unwrap();
    let mut teacher_records = 0;
    for name in db.tree_names() {
        for entry in db.open_tree(&name).unwrap().iter() {
            let (key, value) = entry.unwrap();
            let text = String::from_utf8_lossy(&value);
            assert!(!text.contains(PASSWORD) && !String::from_utf8_lossy(&key).contains(PASSWORD));
            if name.as_ref() == b"teachers" {
                assert!(text.contains("\"password_hash\":\"$argon2id$"), "{text}");
                teacher_records += 1;
            }
        }
    }
    assert_eq!(teacher_records, 1);
}

#[test]
fn an_administrator_resets_a_forgotten_password_from_the_command_line() {
    let mut app = spawn_app();
    signed_up(&app);
    let run = |username: &str, data_dir: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_sourcewise"))
            .args(["admin", "reset-password", username, "--data-dir"])
            .arg(data_dir)
            .output()
            .unwrap()
    };
    let busy = run("rivera", app.data_dir.path());
    assert!(
        !busy.status.success(),
        "the running server holds the data directory"
    );
    assert!(
        String::from_utf8_lossy(&busy.stderr).contains("Is another sourcewise server using it?")
    );

    app.kill();
    let unknown = run("nobody", app.data_dir.path());
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("there is no teacher “nobody”"));

    let reset = run("Rivera", app.data_dir.path());
    assert!(
        reset.status.success(),
        "{}",
        String::from_utf8_lossy(&reset.stderr)
    );
    let stdout = String::from_utf8_lossy(&reset.stdout);
    let password = stdout
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("New password for rivera: "))
        .expect("the new password is printed")
        .to_string();
    app.start_again();
    assert_eq!(app.greeting(), "", "every browser was signed out");
    assert_eq!(
        app.sign_in("rivera", PASSWORD).status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(app.sign_in("rivera", &password).status, StatusCode::OK);
}

#[test]
fn a_signed_in_teacher_s_pages_have_a_teacher_s_header() {
    let app = spawn_app();
    let class = crate::classes::teacher_with_class(&app, "rivera", "10B History");
    for path in [
        "/teachers",
        class.as_str(),
        "/teachers/live",
        "/teachers/password",
    ] {
        let page = app.get(path);
        let links = page.attributes("header nav a", "href");
        assert!(
            links.contains(&"/teachers".to_string()),
            "{path}: {links:?}"
        );
        assert!(
            links.contains(&"/teachers/live".to_string()),
            "{path}: {links:?}"
        );
        assert!(
            !links.contains(&"/student".to_string()),
            "{path}: {links:?}"
        );
        assert!(
            !links.contains(&"/progress".to_string()),
            "{path}: {links:?}"
        );
    }
    // A learner's pages keep the learner's header.
    let links = app.get("/student").attributes("header nav a", "href");
    assert!(links.contains(&"/student".to_string()), "{links:?}");
}
