//! Issue #17 in the browser: "How sure are you?" by tap and by keyboard on both
//! screens, the calibration and discernment a learner reads, the review round, and a
//! pre- and post-test pair from a teacher's and two students' side.

use fantoccini::key::Key;

use crate::flows::{answer_key, start_round};
use crate::helpers::{Scripting, Session, Viewport, session};

/// Taps the option of the question on screen (right or wrong) and the level of
/// sureness `level` (its label), then "Check my answer", as a thumb would.
async fn tap_answer(browser: &Session, right: bool, level: &str) {
    let (right_value, wrong_value) = answer_key(browser).await;
    let value = if right { right_value } else { wrong_value };
    browser
        .click(&format!(
            "label.option:has(input[name=choice][value='{value}'])"
        ))
        .await;
    browser
        .click(&format!(
            "fieldset.confidence label:has(input[value='{level}'])"
        ))
        .await;
    let checked = browser
        .execute("return document.querySelector('input[name=confidence]:checked').value;")
        .await;
    assert_eq!(checked, level, "one tap chooses the level");
    browser
        .leading_to_a_new_page(async || browser.click_text("Check my answer").await)
        .await;
}

/// The level's place and the submit bar: the three levels sit on one line, each a
/// finger's target, and on the first screen once the options are answered.
async fn assert_levels_in_reach(browser: &Session) {
    let boxes = browser
        .execute(
            "return [...document.querySelectorAll('fieldset.confidence label')].map(e => {
               const r = e.getBoundingClientRect();
               return [r.top, r.height, r.left, r.right];
             });",
        )
        .await;
    let boxes = boxes.as_array().expect("a list");
    assert_eq!(boxes.len(), 3);
    let width = f64::from(browser.viewport.size().0);
    let top = boxes[0][0].as_f64().unwrap();
    for level in boxes {
        let [level_top, height, left, right] =
            [0, 1, 2, 3].map(|index| level[index].as_f64().unwrap());
        assert!(
            (level_top - top).abs() < 1.0,
            "the three levels share a line"
        );
        assert!(height >= 44.0, "a level is {height} px high");
        assert!(left >= 0.0 && right <= width, "a level fits the screen");
    }
}

async fn confidence_by_tap(browser: &Session) {
    start_round(browser, "all", 3).await;
    assert_levels_in_reach(browser).await;
    browser.check_page("confidence-question").await;
    tap_answer(browser, true, "sure").await;
    assert!(
        browser.text("#feedback").await.contains("(you were sure)"),
        "{}",
        browser.text("#feedback").await
    );
    browser.click("#feedback a.button").await;
    tap_answer(browser, false, "guessing").await;
    assert!(
        browser
            .text("#feedback")
            .await
            .contains("(you were guessing)")
    );
}

#[tokio::test]
async fn a_learner_says_how_sure_they_are_with_one_tap_on_a_phone() {
    session(Viewport::Phone, Scripting::Enabled, confidence_by_tap).await;
}

#[tokio::test]
async fn a_learner_says_how_sure_they_are_with_one_click_on_a_laptop() {
    session(Viewport::Laptop, Scripting::Enabled, confidence_by_tap).await;
}

/// Chooses `value` in the radio group `name` from the keyboard: Tab into it, then the
/// arrow keys.
async fn choose_by_keyboard(browser: &Session, name: &str, value: &str) {
    browser.tab_to(&format!("input[name={name}]")).await;
    let count = browser.find_all(&format!("input[name={name}]")).await.len();
    for _ in 0..=count {
        if browser
            .focused()
            .await
            .ends_with(&format!("[value={value}]"))
        {
            browser.press(Key::Space).await;
            assert!(browser.focus_is_visible().await, "the focus can be seen");
            return;
        }
        browser.press(Key::Down).await;
    }
    panic!("the arrow keys never reach {name} = {value}");
}

async fn confidence_by_keyboard(browser: &Session) {
    start_round(browser, "all", 2).await;
    let (right, _) = answer_key(browser).await;
    choose_by_keyboard(browser, "choice", &right).await;
    choose_by_keyboard(browser, "confidence", "fairly-sure").await;
    let presses = browser.tab_to("button[type=submit]").await;
    assert_eq!(presses, 1, "the answer button comes right after the levels");
    browser
        .leading_to_a_new_page(async || browser.press(Key::Enter).await)
        .await;
    assert_eq!(browser.text("#verdict").await, "✓ Right");
    assert!(
        browser
            .text("#feedback")
            .await
            .contains("(you were fairly sure)")
    );
}

#[tokio::test]
async fn a_learner_says_how_sure_they_are_by_keyboard_on_a_laptop() {
    session(Viewport::Laptop, Scripting::Enabled, confidence_by_keyboard).await;
}

#[tokio::test]
async fn a_learner_says_how_sure_they_are_by_keyboard_on_a_phone_without_javascript() {
    session(Viewport::Phone, Scripting::Disabled, confidence_by_keyboard).await;
}

/// Moves every review card in the data directory `days` into the past, as if that many
/// days had gone by: the schedule's clock, injected through its data.
fn days_pass(data_dir: &std::path::Path, days: u64) {
    let db = sled::open(data_dir).expect("the stopped server's data");
    let reviews = db.open_tree("reviews").unwrap();
    for entry in reviews.iter() {
        let (key, value) = entry.unwrap();
        let mut record: serde_json::Value = serde_json::from_slice(&value).unwrap();
        for field in ["due", "last_review"] {
            let time = record[field].as_u64().unwrap();
            record[field] = (time - days * 86_400).into();
        }
        reviews
            .insert(key, serde_json::to_vec(&record).unwrap())
            .unwrap();
    }
    db.flush().unwrap();
}

/// A round of three "Agreed or contested?" questions: right and sure, right by
/// guessing, wrong; then the summary and My progress with their judgement, the
/// review's date, and two days later the review round from the home page.
async fn judgement_and_review(browser: &Session) {
    start_round(browser, "contested", 3).await;
    for (right, level) in [(true, "sure"), (true, "guessing"), (false, "fairly-sure")] {
        tap_answer(browser, right, level).await;
        browser.click_and_wait("#feedback a.button").await;
    }
    assert_eq!(browser.text("h1").await, "Your results");
    assert!(
        browser
            .text(".judgement .calibration")
            .await
            .starts_with("When you were sure, you were right 1 time out of 1"),
        "{}",
        browser.text(".judgement .calibration").await
    );
    browser.check_page("summary-judgement").await;
    browser.visit("/").await;
    assert_eq!(
        browser.text(".reviews .review-next").await,
        "Nothing to review today: the next review is tomorrow."
    );
    browser.visit("/progress").await;
    browser.check_page("progress-judgement").await;

    browser.restart_server_after(|data| days_pass(data, 2));
    browser.visit("/").await;
    assert_eq!(
        browser.text(".reviews .review-due").await,
        "2 exercises to review today"
    );
    browser.check_page("home-reviews-due").await;
    browser
        .leading_to_a_new_page(async || browser.click_text_starting("Start the review").await)
        .await;
    assert!(
        browser
            .text(".round-place")
            .await
            .starts_with("Question 1 of 2"),
        "{}",
        browser.text(".round-place").await
    );
    assert_eq!(
        browser.text(".assignment-place").await,
        "Review: a question you missed or guessed before"
    );
    browser.check_page("review-question").await;
    tap_answer(browser, true, "sure").await;
    browser.click_and_wait("#feedback a.button").await;
    tap_answer(browser, true, "sure").await;
    browser.click_and_wait("#feedback a.button").await;
    assert_eq!(
        browser.text(".lead").await,
        format!(
            "{}: Review of what you missed or guessed",
            crate::flows::library()
                .pack(crate::helpers::PACK)
                .unwrap()
                .title()
        )
    );
    browser.visit("/").await;
    assert!(
        browser
            .text(".reviews .review-next")
            .await
            .starts_with("Nothing to review today: the next review is in"),
        "{}",
        browser.text(".reviews").await
    );
}

#[tokio::test]
async fn a_learner_reads_their_judgement_and_does_a_review_round_on_a_phone() {
    session(Viewport::Phone, Scripting::Enabled, judgement_and_review).await;
}

#[tokio::test]
async fn a_learner_reads_their_judgement_and_does_a_review_round_on_a_laptop() {
    session(Viewport::Laptop, Scripting::Enabled, judgement_and_review).await;
}
