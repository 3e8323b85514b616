//! Joining and continuing in a room where someone is trying to break it: codes that
//! match nothing slow down only the client that types them, no request tells a real
//! code from an unknown one for free, a new resume code signs out the student's other
//! devices, and a browser keeps everything it had when it joins a class.

use reqwest::StatusCode;
use reqwest::blocking::Client;

use crate::assignments::{assign_two_source_questions, open_assignment};
use crate::classes::{join, join_code, teacher_with_class};
use crate::helpers::{Browser, Page, browser, browser_at, spawn_app, spawn_app_with};

/// The `n`th of 29,791 well-formed join codes that no class has (a real code is 8
/// characters long; these are of the old length of 6, which the server still reads).
fn unknown_code(n: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let letter = |place: usize| ALPHABET[(n / 31usize.pow(place as u32)) % 31] as char;
    format!("Q{}{}-{}22", letter(2), letter(1), letter(0))
}

fn resume(student: &Browser, code: &str, resume: &str) -> Page {
    let csrf = student
        .get("/resume")
        .attribute("input[name=csrf]", "value");
    student.post(
        "/resume",
        &[("csrf", csrf.as_str()), ("code", code), ("resume", resume)],
    )
}

#[test]
fn a_prankster_typing_unknown_codes_slows_down_only_their_own_browser() {
    let app = spawn_app_with(&["--trust-forwarded"]);
    let teacher = app.browser_for(browser_at("10.0.0.1"));
    let class = teacher_with_class(&teacher, "rivera", "10B History");
    let code = join_code(&teacher.get(&class));
    let live = crate::live::random_session(&teacher, "okafor");

    let prankster = app.browser_for(browser_at("10.0.0.66"));
    let mut missed = 0;
    let mut slowed = 0;
    for n in 0..60 {
        let page = join(&prankster, &unknown_code(n), "Prank");
        match page.status {
            StatusCode::BAD_REQUEST => {
                assert!(page.text(".form-error").contains("No class has the code"));
                missed += 1;
            }
            StatusCode::TOO_MANY_REQUESTS => {
                let error = page.text(".form-error");
                assert!(error.contains("in this browser"), "{error}");
                assert!(error.contains("try again in 15 minutes"), "{error}");
                slowed += 1;
            }
            other => panic!("{other}: {}", page.body),
        }
    }
    assert_eq!((missed, slowed), (10, 50), "ten typos, then a pause");
    assert_eq!(
        join(&prankster, &code, "Prank").status,
        StatusCode::TOO_MANY_REQUESTS,
        "the prankster's own browser waits, even with a right code"
    );

    // Everyone else joins at once, a class and a live session alike.
    let sam = app.browser_for(browser_at("10.0.0.7"));
    let page = join(&sam, &code, "Sam");
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.text("main").contains("You are Sam"));
    let page = crate::live::join(&app.browser_for(browser_at("10.0.0.8")), &live, "Ana");
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.path(), format!("/live/{live}"));
}

#[test]
fn fresh_browsers_at_one_address_share_that_address_s_allowance() {
    let app = spawn_app_with(&["--trust-forwarded"]);
    let teacher = app.browser_for(browser_at("10.0.0.1"));
    let class = teacher_with_class(&teacher, "rivera", "10B History");
    let code = join_code(&teacher.get(&class));

    // A script that takes a new browser for every guess still has one address, even
    // when it writes addresses of its own before the one the proxy adds.
    let guesser = |n: usize| {
        app.browser_for(browser_at(&format!(
            "1.2.{}.{}, 10.0.0.66",
            n / 250,
            n % 250
        )))
    };
    for n in 0..1_000 {
        let page = join(&guesser(n), &unknown_code(n), "X");
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "guess {n}");
    }
    let page = join(&guesser(1_000), &unknown_code(1_000), "X");
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        page.text(".form-error")
            .contains("from this network address"),
        "{}",
        page.text(".form-error")
    );
    let page = join(&app.browser_for(browser_at("10.0.0.7")), &code, "Sam");
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
}

/// A GET as a page with no cookies makes it (an image tag on another site, say).
fn get_without_cookies(app: &Browser, path: &str) -> Page {
    let client = Client::new();
    let response = client.get(app.url(path)).send().expect("GET succeeds");
    let status = response.status();
    Page {
        status,
        url: response.url().to_string(),
        body: response.text().expect("a body"),
    }
}

#[test]
fn reading_a_live_address_never_counts_and_never_tells_a_real_code_from_an_unknown_one() {
    let app = spawn_app();
    let class = teacher_with_class(&app, "rivera", "10B History");
    let code = join_code(&app.get(&class));
    let live = crate::live::random_session(&app, "okafor");

    let real = get_without_cookies(&app, &format!("/live/{live}"));
    assert_eq!(real.status, StatusCode::OK, "{}", real.body);
    for n in 0..100 {
        let unknown = unknown_code(n).replace('-', "");
        let page = get_without_cookies(&app, &format!("/live/{unknown}"));
        assert_eq!(page.status, real.status, "{}", page.body);
        assert_eq!(page.text("h1"), real.text("h1"));
        assert_eq!(
            page.attribute("input[name=code]", "value").replace('-', ""),
            unknown,
            "the form is filled in with the code of the address"
        );
        let events = get_without_cookies(&app, &format!("/live/{unknown}/events"));
        let real_events = get_without_cookies(&app, &format!("/live/{live}/events"));
        assert_eq!(events.status, real_events.status);
        assert_eq!(events.text("main"), real_events.text("main"));
    }
    let page = join(&app.browser_for(browser()), &code, "Sam");
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let page = crate::live::join(&app.browser_for(browser()), &live, "Ana");
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
}

#[test]
fn a_wrong_resume_code_and_an_unknown_class_code_get_the_same_answer_and_both_count() {
    let app = spawn_app_with(&["--trust-forwarded"]);
    let teacher = app.browser_for(browser_at("10.0.0.1"));
    let class = teacher_with_class(&teacher, "rivera", "10B History");
    let code = join_code(&teacher.get(&class));
    let phone = app.browser_for(browser_at("10.0.0.7"));
    let sams_code = join(&phone, &code, "Sam").text(".card .code");

    let prober = app.browser_for(browser_at("10.0.0.66"));
    let unknown = resume(&prober, &unknown_code(0), "AAAA-AAAA-AAAAA");
    let wrong = resume(&prober, &code, "AAAA-AAAA-AAAAA");
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.text(".form-error"), unknown.text(".form-error"));
    assert!(
        wrong.text(".form-error").contains("do not match a student"),
        "{}",
        wrong.text(".form-error")
    );
    for n in 2..10 {
        let page = resume(&prober, &unknown_code(n), "AAAA-AAAA-AAAAA");
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "probe {n}");
    }
    let page = resume(&prober, &code, &sams_code);
    assert_eq!(
        page.status,
        StatusCode::TOO_MANY_REQUESTS,
        "ten misses, then this browser waits"
    );
    assert!(
        page.text(".form-error").contains("in this browser"),
        "{}",
        page.text(".form-error")
    );

    // Sam, on another device elsewhere in the room, is not held up.
    let laptop = app.browser_for(browser_at("10.0.0.8"));
    let page = resume(&laptop, &code, &sams_code);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.text("main").contains("You are Sam"));
}

#[test]
fn a_live_session_s_stream_and_answers_do_not_tell_real_codes_from_unknown_ones() {
    let app = spawn_app_with(&["--trust-forwarded"]);
    let teacher = app.browser_for(browser_at("10.0.0.1"));
    let live = crate::live::random_session(&teacher, "okafor");
    let prober = app.browser_for(browser_at("10.0.0.66"));
    let csrf = prober.get("/live").attribute("input[name=csrf]", "value");
    let answer = |code: &str| {
        prober.post(
            &format!("/live/{code}/answers"),
            &[
                ("csrf", csrf.as_str()),
                ("number", "1"),
                ("exercise", "x"),
                ("choice", "x"),
            ],
        )
    };
    let real = answer(&live);
    let unknown = answer(&unknown_code(0).replace('-', ""));
    assert_eq!(real.status, unknown.status);
    assert_eq!(real.text(".error-message"), unknown.text(".error-message"));
    let real = prober.get(&format!("/live/{live}/events"));
    let unknown = prober.get(&format!(
        "/live/{}/events",
        unknown_code(1).replace('-', "")
    ));
    assert_eq!(real.status, unknown.status);
    assert_eq!(real.text("main"), unknown.text("main"));

    for n in 2..10 {
        answer(&unknown_code(n).replace('-', ""));
    }
    let page = answer(&live);
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{}", page.body);
}

#[test]
fn a_new_resume_code_signs_out_every_device_that_used_the_old_one() {
    let app = spawn_app();
    let class = teacher_with_class(&app, "rivera", "10B History");
    let code = join_code(&app.get(&class));
    assign_two_source_questions(&app, &class);

    let phone = app.browser_for(browser());
    let old_code = join(&phone, &code, "Sam").text(".card .code");
    let laptop = app.browser_for(browser());
    assert!(
        resume(&laptop, &code, &old_code)
            .text("main")
            .contains("You are Sam")
    );
    let student_page = laptop.get("/student");
    let action = student_page.attribute(".assignments form", "action");
    let form_csrf = student_page.attribute(".assignments input[name=csrf]", "value");
    let question = laptop.post(&action, &[("csrf", form_csrf.as_str())]);
    assert_eq!(question.status, StatusCode::OK, "{}", question.body);
    let round = question.path();
    laptop.answer(&question, true);

    let student = app.get(&class).attribute(".students a", "href");
    let csrf = app.get(&student).attribute("input[name=csrf]", "value");
    let page = app.post(
        &format!("{student}/resume-code"),
        &[("csrf", csrf.as_str())],
    );
    let new_code = page.text("main .code");
    assert_ne!(new_code, old_code);

    for device in [&laptop, &phone] {
        let page = device.get("/student");
        assert!(
            page.text("main").contains("has not joined a class"),
            "{}",
            page.text("main")
        );
        assert!(!page.body.contains(&new_code), "the new code is not shown");
        assert_eq!(device.get(&round).status, StatusCode::NOT_FOUND);
        let page = device.post(&action, &[("csrf", form_csrf.as_str())]);
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{}", page.body);
    }

    // With the new code, Sam is back, with the answer given before.
    let page = resume(&phone, &code, &new_code);
    assert!(page.text("main").contains("You are Sam"));
    let page = phone.get(&round);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.text("#verdict"), "✓ Right");
    assert_eq!(
        resume(&laptop, &code, &old_code).status,
        StatusCode::BAD_REQUEST
    );
}

#[test]
fn a_browser_keeps_its_own_practice_and_every_class_it_joins() {
    let app = spawn_app();
    let history = teacher_with_class(&app, "rivera", "10B History");
    let history_code = join_code(&app.get(&history));
    let okafor = app.browser_for(browser());
    let civics = teacher_with_class(&okafor, "okafor", "11A Civics");
    let civics_code = join_code(&okafor.get(&civics));

    let sam = app.browser_for(browser());
    let page = sam.start_round("source", "2");
    sam.answer(&page, true);
    assert_eq!(
        sam.get("/progress").text(".score"),
        "1 answer so far, and it was right, in 1 round."
    );
    let history_resume = join(&sam, &history_code, "Sam").text(".card .code");
    let page = join(&sam, &civics_code, "Sammy");
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);

    let page = sam.get("/student");
    let classes = page.texts(".card h2");
    assert_eq!(classes, vec!["10B History", "11A Civics"], "{}", page.body);
    assert!(page.text("main").contains("You are Sam"));
    assert!(page.text("main").contains("You are Sammy"));
    assert!(page.text("main").contains(&history_resume));
    let page = sam.get("/progress");
    assert_eq!(
        page.text(".score"),
        "1 answer so far, and it was right, in 1 round."
    );
    let places = page.texts(".places li");
    assert_eq!(places.len(), 3, "{places:?}");
    assert!(places[0].starts_with("Your own practice"), "{places:?}");
    assert!(places[1].contains("10B History"), "{places:?}");
    assert!(places[2].contains("11A Civics"), "{places:?}");

    // Deleting one class takes exactly that class away.
    let csrf = okafor
        .get(&format!("{civics}/delete"))
        .attribute("input[name=csrf]", "value");
    let page = okafor.post(&format!("{civics}/delete"), &[("csrf", csrf.as_str())]);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(sam.get("/student").texts(".card h2"), vec!["10B History"]);
    assert_eq!(
        sam.get("/progress").text(".score"),
        "1 answer so far, and it was right, in 1 round."
    );
}

/// A client that sends `headers` with every request.
fn client_with(headers: &[(&'static str, &str)]) -> Client {
    let mut map = reqwest::header::HeaderMap::new();
    for (name, value) in headers {
        map.insert(*name, value.parse().unwrap());
    }
    Client::builder()
        .cookie_store(true)
        .default_headers(map)
        .build()
        .unwrap()
}

#[test]
fn the_join_link_names_this_server_and_not_a_host_a_request_claims() {
    let app = spawn_app();
    let teacher = app.browser_for(client_with(&[
        ("x-forwarded-host", "evil.example"),
        ("x-forwarded-proto", "https"),
    ]));
    let class = teacher_with_class(&teacher, "rivera", "10B History");
    let link = teacher.get(&format!("{class}/projector")).text(".url");
    assert!(
        link.starts_with(&format!("http://{}/join/", app.address)),
        "{link}"
    );

    let app = spawn_app_with(&["--public-url", "https://quiz.school.example/"]);
    let class = teacher_with_class(&app, "rivera", "10B History");
    let page = app.get(&format!("{class}/projector"));
    let code = join_code(&page).replace('-', "");
    assert_eq!(
        page.text(".url"),
        format!("https://quiz.school.example/join/{code}")
    );
}

#[test]
fn pages_with_private_data_are_never_cached() {
    let app = spawn_app();
    let class = teacher_with_class(&app, "rivera", "10B History");
    let code = join_code(&app.get(&class));
    let sam = app.browser_for(browser());
    join(&sam, &code, "Sam");
    let live = crate::live::random_session(&app, "okafor");
    crate::live::join(&sam, &live, "Sam");
    let cache = |who: &Browser, path: &str| {
        let response = who.client.get(who.url(path)).send().unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response
            .headers()
            .get("cache-control")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    for path in [
        "/teachers",
        class.as_str(),
        &format!("{class}/gradebook.csv"),
    ] {
        assert_eq!(cache(&app, path), "no-store", "{path}");
    }
    for path in ["/student", "/progress", &format!("/live/{live}")] {
        assert_eq!(cache(&sam, path), "no-store", "{path}");
    }
    assert_ne!(cache(&sam, "/static/style.css"), "no-store");
}

#[test]
fn malformed_requests_are_not_logged_as_errors_and_a_slowed_client_is_a_warning() {
    use std::io::{Read, Write};
    let mut app = spawn_app();
    let mut stream = std::net::TcpStream::connect(&app.address).unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
        .unwrap();
    let mut answer = [0u8; 12];
    stream.read_exact(&mut answer).unwrap();
    assert_eq!(&answer, b"HTTP/1.1 400");
    let guesser = app.browser_for(browser());
    for n in 0..10 {
        join(&guesser, &unknown_code(n), "Guesser");
    }
    let log = app.stop_and_read_log();
    assert!(!log.contains("ERROR"), "{log}");
    let warning = log
        .lines()
        .find(|line| line.contains("WARN"))
        .unwrap_or_else(|| panic!("no warning in {log}"));
    assert!(warning.contains("slowed down"), "{warning}");
}

#[test]
fn two_new_resume_codes_at_once_leave_one_code_that_works_and_every_answer_reachable() {
    let app = spawn_app();
    let class = teacher_with_class(&app, "rivera", "10B History");
    let code = join_code(&app.get(&class));
    assign_two_source_questions(&app, &class);
    let phone = app.browser_for(browser());
    join(&phone, &code, "Sam");
    let question = open_assignment(&phone);
    let round = question.path();
    phone.answer(&question, true);

    // The teacher's double click, or two tabs: resets that cross each other.
    let student = app.get(&class).attribute(".students a", "href");
    let csrf = app.get(&student).attribute("input[name=csrf]", "value");
    for _ in 0..5 {
        let barrier = std::sync::Barrier::new(2);
        std::thread::scope(|scope| {
            for _ in 0..2 {
                scope.spawn(|| {
                    barrier.wait();
                    let page = app.post(
                        &format!("{student}/resume-code"),
                        &[("csrf", csrf.as_str())],
                    );
                    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
                });
            }
        });
    }
    let new_code = app.get(&student).text("main .code");
    let page = resume(&phone, &code, &new_code);
    assert!(page.text("main").contains("You are Sam"), "{}", page.body);
    let page = phone.get(&round);
    assert_eq!(
        page.status,
        StatusCode::OK,
        "the answer given before is still reachable"
    );
    assert_eq!(page.text("#verdict"), "✓ Right");
}

#[test]
fn a_flood_of_forged_forms_cannot_fill_the_log() {
    let mut app = spawn_app();
    let prankster = app.browser_for(browser());
    for _ in 0..200 {
        let page = prankster.post("/join", &[("csrf", "forged"), ("code", "ABCD-2345")]);
        assert_eq!(page.status, StatusCode::FORBIDDEN);
    }
    let log = app.stop_and_read_log();
    let refusals = log.matches("CSRF refusal").count();
    assert!(
        (1..=40).contains(&refusals),
        "{refusals} lines for 200 forged forms"
    );
}

#[test]
fn one_participant_cannot_hold_open_more_than_a_few_event_streams() {
    let app = spawn_app();
    let live = crate::live::random_session(&app, "okafor");
    let prankster = app.browser_for(browser());
    crate::live::join(&prankster, &live, "Prank");
    let events = format!("/live/{live}/events");
    let open = |who: &Browser| {
        who.client
            .get(who.url(&events))
            .send()
            .expect("the stream answers")
    };
    let held: Vec<_> = (0..4).map(|_| open(&prankster)).collect();
    assert!(held.iter().all(|stream| stream.status() == StatusCode::OK));
    let refused = open(&prankster);
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    assert!(refused.text().unwrap().contains("too many tabs"));
    // The page itself still works, and everyone else follows the session.
    assert_eq!(
        prankster.get(&format!("/live/{live}")).status,
        StatusCode::OK
    );
    let ana = app.browser_for(browser());
    crate::live::join(&ana, &live, "Ana");
    assert_eq!(open(&ana).status(), StatusCode::OK);
    drop(held);
}

/// Sends `code` through the home page's one code box.
fn enter_code(student: &Browser, code: &str) -> Page {
    let csrf = student.get("/").attribute("input[name=csrf]", "value");
    student.post("/code", &[("csrf", csrf.as_str()), ("code", code)])
}

#[test]
fn the_code_box_sends_a_class_code_to_the_class_s_join_form() {
    let app = spawn_app();
    let class = teacher_with_class(&app, "rivera", "10B History");
    let code = join_code(&app.get(&class));
    assert!(
        code.chars().any(|c| c.is_ascii_alphabetic()),
        "a class code has a letter: {code}"
    );
    let sam = app.browser_for(browser());
    let page = enter_code(&sam, &code.to_lowercase());
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.path(), format!("/join/{}", code.replace('-', "")));
    assert_eq!(page.text("h1"), "Join a class");
    assert_eq!(page.attribute("input[name=code]", "value"), code);
    let page = join(&sam, &code, "Sam");
    assert!(page.text("main").contains("You are Sam"));
}

#[test]
fn the_code_box_sends_a_live_session_code_to_the_session_s_join_form() {
    let app = spawn_app();
    let live = crate::live::random_session(&app, "okafor");
    assert_eq!(live.len(), 10, "a live-session code is ten digits: {live}");
    assert!(live.bytes().all(|b| b.is_ascii_digit()), "{live}");
    let grouped = format!("{} {} {}", &live[..3], &live[3..6], &live[6..]);
    for (typed, nickname) in [(live.clone(), "Ana"), (grouped.clone(), "Ben")] {
        let ana = app.browser_for(browser());
        let page = enter_code(&ana, &typed);
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert_eq!(page.path(), format!("/live/{live}"));
        assert_eq!(
            page.attribute("input[name=code]", "value"),
            grouped,
            "the live join form has the code, grouped as on the projector"
        );
        let page = crate::live::join(&ana, &typed, nickname);
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert_eq!(page.path(), format!("/live/{live}"));
    }
}

#[test]
fn the_code_box_keeps_a_bad_code_says_what_a_code_looks_like_and_counts_misses() {
    let app = spawn_app();
    let prankster = app.browser_for(browser());
    let page = enter_code(&prankster, "hello!");
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let error = page.text(".form-error");
    assert!(error.contains("That is not a code"), "{error}");
    assert!(error.contains("482 913 2077"), "{error}");
    assert_eq!(page.attribute("input[name=code]", "value"), "hello!");

    let mut missed = 0;
    let mut slowed = 0;
    for n in 0..12 {
        let typed = format!("555 000 {:04}", n);
        let page = enter_code(&prankster, &typed);
        assert_eq!(
            page.attribute("input[name=code]", "value"),
            typed,
            "the code typed stays in the box"
        );
        match page.status {
            StatusCode::BAD_REQUEST => {
                let error = page.text(".form-error");
                assert!(
                    error.contains("No class or live session has the code"),
                    "{error}"
                );
                missed += 1;
            }
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(page.text(".form-error").contains("in this browser"));
                slowed += 1;
            }
            other => panic!("{other}: {}", page.body),
        }
    }
    assert_eq!((missed, slowed), (10, 2), "ten typos, then a pause");
}
