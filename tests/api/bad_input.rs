//! Every kind of bad input gets a clear page with the right status, and changes nothing.

use reqwest::StatusCode;

use crate::helpers::{PACK, Page, TestApp, answer_form, spawn_app};

fn check(page: &Page, status: StatusCode, message: &str) {
    assert_eq!(
        page.status, status,
        "{} answered {}: {}",
        page.url, page.status, page.body
    );
    let text = page.visible_text();
    assert!(
        text.contains(message),
        "{} should say {message:?}, but says: {text}",
        page.url
    );
    assert!(
        page.attributes("a", "href").contains(&"/".to_string()),
        "an error page links home"
    );
}

/// A round with one unanswered question, and the path of that question.
fn round_with_question(app: &TestApp) -> (Page, String) {
    let page = app.start_round("mix", "3");
    let path = page.path();
    (page, path)
}

fn answered_count(app: &TestApp) -> String {
    app.get("/progress").text(".scores tbody")
}

#[test]
fn unknown_addresses_get_a_not_found_page_that_links_home() {
    let app = spawn_app();
    let (_, question) = round_with_question(&app);
    let round = question.rsplit_once("/questions/").unwrap().0.to_string();
    let cases = [
        ("/no/such/page", "There is nothing at this address"),
        (
            "/packs/no-such-pack",
            "There is no lesson pack called “no-such-pack”",
        ),
        (
            "/packs/<i>bold<i>",
            "There is no lesson pack called “<i>bold<i>”",
        ),
        (
            &format!("/packs/{PACK}/sources/no-such-source"),
            "has no document called “no-such-source”",
        ),
        (
            &format!("/packs/{PACK}/sources/encyclopedia?exercise=source-99&quote=0"),
            "The passage this link points to is not in this document",
        ),
        (
            "/rounds/not-a-round",
            "We could not find that practice round",
        ),
        (
            "/rounds/00000000000000000000000000000000/questions/1",
            "We could not find that practice round",
        ),
        (
            "/rounds/00000000000000000000000000000000/summary",
            "We could not find that practice round",
        ),
        (
            &format!("{round}/questions/0"),
            "This round has questions 1 to 3; there is no question 0",
        ),
        (&format!("{round}/questions/4"), "there is no question 4"),
        (
            &format!("{round}/questions/two"),
            "There is nothing at this address",
        ),
        (
            &format!("{round}/questions/99999999999999999999999"),
            "There is nothing at this address",
        ),
    ];
    for (path, message) in cases {
        check(&app.get(path), StatusCode::NOT_FOUND, message);
    }
    let escaped = app.get("/packs/<i>bold<i>");
    assert!(
        !escaped.body.contains("<i>bold<i>"),
        "what the user typed is escaped"
    );
}

#[test]
fn bad_answers_get_a_clear_message_and_nothing_is_stored() {
    let app = spawn_app();
    let (page, question) = round_with_question(&app);
    let (_, (exercise, choice)) = answer_form(&page, true);
    let csrf = page.attribute("input[name=csrf]", "value");
    let before = answered_count(&app);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("exercise", &exercise)],
            "Choose one of the options before you submit your answer",
        ),
        (
            vec![("exercise", &exercise), ("choice", "")],
            "Choose one of the options before you submit your answer",
        ),
        (vec![("choice", &choice)], "The answer form was incomplete"),
        (
            vec![("exercise", &exercise), ("choice", "no-such-option")],
            "“no-such-option” is not one of the options of this question",
        ),
        (
            vec![
                ("exercise", &exercise),
                ("choice", "<script>alert(1)</script>"),
            ],
            "is not one of the options of this question",
        ),
        (
            vec![("exercise", "contested-99"), ("choice", &choice)],
            "This answer was sent for a different question",
        ),
    ];
    for (mut form, message) in cases {
        form.push(("csrf", &csrf));
        let page = app.post(&question, &form);
        check(&page, StatusCode::BAD_REQUEST, message);
        assert!(
            !page.body.contains("<script>alert(1)</script>"),
            "what the user sent is escaped"
        );
        assert!(
            page.attributes("a", "href").contains(&question),
            "the error page links back to the question"
        );
    }
    assert_eq!(answered_count(&app), before, "no bad answer was stored");
    assert_eq!(
        app.get(&question)
            .attribute("input[name=exercise]", "value"),
        exercise,
        "the question is still unanswered"
    );
}

#[test]
fn an_answer_for_another_rounds_question_is_refused() {
    let app = spawn_app();
    let (first, first_question) = round_with_question(&app);
    let second = app.start_round("mix", "3");
    let (_, (exercise, choice)) = answer_form(&first, true);
    let csrf = first.attribute("input[name=csrf]", "value");
    let second_exercise = second.attribute("input[name=exercise]", "value");
    if second_exercise != exercise {
        let page = app.post(
            &second.path(),
            &[
                ("csrf", &csrf),
                ("exercise", &exercise),
                ("choice", &choice),
            ],
        );
        check(
            &page,
            StatusCode::BAD_REQUEST,
            "This answer was sent for a different question",
        );
    }
    // The first round's question is still open for its own answer.
    let feedback = app.post(
        &first_question,
        &[
            ("csrf", &csrf),
            ("exercise", &exercise),
            ("choice", &choice),
        ],
    );
    assert_eq!(feedback.text("#verdict"), "✓ Right");
}

#[test]
fn answering_a_question_twice_is_refused_and_counted_once() {
    let app = spawn_app();
    let (page, question) = round_with_question(&app);
    let (_, (exercise, choice)) = answer_form(&page, true);
    let (_, (_, wrong)) = answer_form(&page, false);
    let csrf = page.attribute("input[name=csrf]", "value");
    let first = app.post(
        &question,
        &[
            ("csrf", &csrf),
            ("exercise", &exercise),
            ("choice", &choice),
        ],
    );
    assert_eq!(first.text("#verdict"), "✓ Right");
    // Whatever the replayed form holds (the same option, another, none, or one that
    // is not an option), the question is already answered.
    for replay in [choice.as_str(), wrong.as_str(), "", "not-an-option"] {
        let again = app.post(
            &question,
            &[("csrf", &csrf), ("exercise", &exercise), ("choice", replay)],
        );
        check(
            &again,
            StatusCode::BAD_REQUEST,
            "You have already answered question 1 of this round",
        );
        assert!(
            again.attributes("a", "href").contains(&question),
            "it links to the feedback"
        );
    }
    assert_eq!(
        app.get(&question).text("#verdict"),
        "✓ Right",
        "the first answer stands"
    );
    let progress = app.get("/progress");
    assert!(
        progress
            .text(".score")
            .starts_with("1 answer so far, and it was right"),
        "{}",
        progress.text(".score")
    );
}

#[test]
fn a_bad_request_to_start_a_round_says_what_was_wrong() {
    let app = spawn_app();
    let path = format!("/packs/{PACK}/rounds");
    let csrf = app.learner_token();
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![], "Choose which skill to practise before you start"),
        (
            vec![("focus", "history")],
            "“history” is not a skill of this pack",
        ),
        (
            vec![("focus", "mix"), ("length", "0")],
            "must be a whole number from 1 to 50; “0” is not",
        ),
        (vec![("focus", "mix"), ("length", "51")], "“51” is not"),
        (vec![("focus", "mix"), ("length", "ten")], "“ten” is not"),
        (vec![("focus", "mix"), ("length", "-3")], "“-3” is not"),
    ];
    for (mut form, message) in cases {
        form.push(("csrf", &csrf));
        let page = app.post(&path, &form);
        check(&page, StatusCode::BAD_REQUEST, message);
        assert!(
            page.attributes("a", "href")
                .contains(&format!("/packs/{PACK}")),
            "it links back to the pack"
        );
    }
    check(
        &app.post(
            "/packs/no-such-pack/rounds",
            &[("csrf", &csrf), ("focus", "mix")],
        ),
        StatusCode::NOT_FOUND,
        "There is no lesson pack",
    );
    let progress = app.get("/progress");
    assert!(
        progress.visible_text().contains("No rounds yet"),
        "no round was created"
    );
}

#[test]
fn a_body_over_the_limit_is_refused_as_too_large() {
    let app = spawn_app();
    let (_, question) = round_with_question(&app);
    let huge = "x".repeat(64 * 1024);
    let page = app.post(&question, &[("exercise", "source-01"), ("choice", &huge)]);
    check(
        &page,
        StatusCode::PAYLOAD_TOO_LARGE,
        "The form you sent is too large",
    );
}

#[test]
fn a_form_that_is_not_a_form_is_a_bad_request() {
    let app = spawn_app();
    let (_, question) = round_with_question(&app);
    let response = app
        .client
        .post(app.url(&question))
        .header("Content-Type", "application/json")
        .body(r#"{"choice":"agreed"}"#)
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        response
            .text()
            .unwrap()
            .contains("The form could not be read")
    );
}

#[test]
fn a_reader_link_with_half_a_passage_reference_is_a_bad_request() {
    let app = spawn_app();
    let page = app.get(&format!(
        "/packs/{PACK}/sources/encyclopedia?exercise=source-01"
    ));
    check(
        &page,
        StatusCode::BAD_REQUEST,
        "needs both an exercise and a quote number",
    );
    let page = app.get(&format!("/packs/{PACK}/sources/encyclopedia?quote=abc"));
    check(
        &page,
        StatusCode::BAD_REQUEST,
        "The address has a parameter that makes no sense",
    );
}

#[test]
fn learner_forms_without_their_token_are_refused_and_change_nothing() {
    let app = spawn_app();
    let (page, question) = round_with_question(&app);
    let (_, (exercise, choice)) = answer_form(&page, true);
    let stranger = crate::helpers::TestApp::browser_for(&app, crate::helpers::browser());
    let strangers_token = stranger.learner_token();
    for csrf in [None, Some(strangers_token.as_str())] {
        let mut form = vec![("exercise", exercise.as_str()), ("choice", choice.as_str())];
        if let Some(csrf) = csrf {
            form.push(("csrf", csrf));
        }
        check(
            &app.post(&question, &form),
            StatusCode::FORBIDDEN,
            "did not come from this site",
        );
        let mut start = vec![("focus", "mix")];
        if let Some(csrf) = csrf {
            start.push(("csrf", csrf));
        }
        check(
            &app.post(&format!("/packs/{PACK}/rounds"), &start),
            StatusCode::FORBIDDEN,
            "did not come from this site",
        );
    }
    assert_eq!(
        app.get(&question)
            .attribute("input[name=exercise]", "value"),
        exercise,
        "the question is still unanswered"
    );
}
