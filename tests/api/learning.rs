//! Issue #17: how sure a learner is of each answer, discernment, spaced review, and
//! pre- and post-tests, as learners and teachers see them.

use reqwest::StatusCode;

use crate::helpers::*;

#[test]
fn every_answer_form_offers_how_sure_you_are_as_three_optional_choices() {
    let app = spawn_app();
    let question = app.start_round("all", "2");
    assert_eq!(
        question.text("fieldset.confidence legend"),
        "How sure are you? (optional)"
    );
    assert_eq!(
        question.attributes("form.answer-form input[name=confidence]", "value"),
        ["sure", "fairly-sure", "guessing"],
        "the three levels are in the answer's own form"
    );
    assert_eq!(
        question.texts("fieldset.confidence label"),
        ["Sure", "Fairly sure", "Guessing"]
    );
    let html = question.html();
    let selector = scraper::Selector::parse("input[name=confidence]").unwrap();
    for input in html.select(&selector) {
        assert_eq!(input.value().attr("type"), Some("radio"));
        assert!(
            input.value().attr("required").is_none(),
            "it may be skipped"
        );
        assert!(
            input.value().attr("checked").is_none(),
            "none chosen for the learner"
        );
    }
}

#[test]
fn how_sure_a_learner_was_is_kept_with_the_answer_and_survives_a_crash() {
    let mut app = spawn_app();
    let question = app.start_round("all", "2");
    let feedback = app.answer_sure(&question, true, Some("guessing"));
    assert!(
        feedback.text("#feedback").contains("(you were guessing)"),
        "{}",
        feedback.text("#feedback")
    );
    let url = feedback.path();
    let second = app.get(&next_link(&feedback));
    let skipped = app.answer_sure(&second, false, None);
    assert!(
        !skipped.text("#feedback").contains("you were"),
        "not given, not said"
    );
    app.restart_after_kill();
    let again = app.get(&url);
    assert!(
        again.text("#feedback").contains("(you were guessing)"),
        "{}",
        again.text("#feedback")
    );
}

#[test]
fn a_level_of_sureness_that_is_not_one_of_the_three_is_refused_and_nothing_is_recorded() {
    let app = spawn_app();
    let question = app.start_round("all", "2");
    let (action, (exercise, choice)) = answer_form(&question, true);
    let csrf = question.attribute("input[name=csrf]", "value");
    let refused = app.post(
        &action,
        &[
            ("csrf", csrf.as_str()),
            ("exercise", &exercise),
            ("choice", &choice),
            ("confidence", "certain"),
        ],
    );
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.visible_text().contains(
            "How sure you are is one of “Sure”, “Fairly sure” and “Guessing”, or left out."
        ),
        "{}",
        refused.visible_text()
    );
    // The question is still open: the same answer with a real level is taken.
    let feedback = app.answer_sure(&question, true, Some("sure"));
    assert!(feedback.text("#feedback").contains("(you were sure)"));
}

#[test]
fn a_live_participant_says_how_sure_they_are_in_the_same_tap_and_sees_it_kept() {
    use crate::live::{join, pick, start_session};
    let app = spawn_app();
    let session = start_session(&app, "confidence-live", "none");
    let sam = app.browser_for(browser());
    join(&sam, &session.code, "Sam");
    session.press_ok("start");
    let page = sam.get(&session.page_url());
    assert_eq!(
        page.attributes("form.answer-form input[name=confidence]", "value"),
        ["sure", "fairly-sure", "guessing"],
        "the levels are in the form the option buttons send"
    );
    let (exercise, choice) = pick(&page, true);
    let csrf = page.attribute("input[name=csrf]", "value");
    let number = page.attribute("input[name=number]", "value");
    let answers = format!("{}/answers", session.page_url());
    let form = |confidence: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("number", number.clone()),
            ("exercise", exercise.clone()),
            ("choice", choice.clone()),
            ("confidence", confidence.to_string()),
        ]
    };
    let send = |fields: Vec<(&str, String)>| {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        sam.post(&answers, &pairs)
    };
    let refused = send(form("very"));
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused
            .visible_text()
            .contains("How sure you are is one of")
    );
    let received = send(form("fairly-sure"));
    assert_eq!(received.status, StatusCode::OK, "{}", received.body);
    assert_eq!(received.text("h1"), "Answer received");
    assert_eq!(
        received.attributes("input[name=confidence][checked]", "value"),
        ["fairly-sure"],
        "the level given stays chosen while the answer may still change"
    );
}
