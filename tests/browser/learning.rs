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
