//! What a learner does, step by step, in the browser: shared by the tests.

use std::path::Path;
use std::sync::OnceLock;

use serde_json::json;
use sourcewise::content::Library;
use sourcewise::content::load::load_library;

use crate::helpers::{PACK, Session};

/// The bundled library, for the answer keys.
pub fn library() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        load_library(&Path::new(env!("CARGO_MANIFEST_DIR")).join("questions"))
            .expect("the bundled pack loads")
    })
}

/// The value of the right option, and of one wrong option, for the question on screen.
pub async fn answer_key(browser: &Session) -> (String, String) {
    let exercise_id = browser
        .find("input[name=exercise]")
        .await
        .attr("value")
        .await
        .expect("the exercise id")
        .expect("the hidden exercise field has a value");
    let exercise = library()
        .pack(PACK)
        .expect("the bundled pack")
        .exercise(&exercise_id)
        .expect("the page shows a known exercise");
    let right = exercise.correct_choice().answer().to_string();
    let mut wrong = None;
    for radio in browser.find_all("input[name=choice]").await {
        let value = radio.attr("value").await.unwrap().unwrap_or_default();
        if value != right {
            wrong = Some(value);
        }
    }
    (right, wrong.expect("a wrong option"))
}

/// From the pack page: picks a skill by tapping its label, types the number of
/// questions and starts the round.
pub async fn start_round(browser: &Session, focus: &str, length: usize) {
    browser.visit("/").await;
    browser
        .click_and_wait(&format!("a[href='/packs/{PACK}']"))
        .await;
    browser
        .click(&format!(
            "label.option:has(input[name=focus][value={focus}])"
        ))
        .await;
    let field = browser.find("input[name=length]").await;
    field.clear().await.expect("clear the number of questions");
    field
        .send_keys(&length.to_string())
        .await
        .expect("type the number of questions");
    browser.click_text("Start practising").await;
}

/// On the class page, opens the assign form folded behind "Assign a lesson" (unless it
/// is open already) by tapping its summary.
pub async fn open_assign_form(browser: &Session) {
    let open = browser
        .execute("return document.getElementById('assign').open;")
        .await;
    if open != json!(true) {
        browser.click("#assign > summary").await;
    }
    assert_eq!(
        browser
            .execute("return document.getElementById('assign').open;")
            .await,
        json!(true),
        "the assign form opens"
    );
}

/// On the assignment form, where every skill starts ticked, leaves only `skill` ticked
/// by tapping the other boxes' labels (opening the form first).
pub async fn tick_only_skill(browser: &Session, skill: &str) {
    open_assign_form(browser).await;
    for other in ["source", "perspective", "contested", "quote"] {
        if other != skill {
            browser
                .click(&format!(
                    "label.option:has(input[name=skill][value={other}])"
                ))
                .await;
        }
    }
    let ticked = browser
        .execute(
            "return [...document.querySelectorAll('input[name=skill]:checked')].map(e => e.value);",
        )
        .await;
    assert_eq!(ticked, json!([skill]), "only {skill} is ticked");
}

/// Answers the question on screen, rightly or wrongly, by tapping the option's label and
/// the submit button. Returns the label of the chosen option.
pub async fn answer(browser: &Session, right: bool) -> String {
    answer_with(browser, right, "Check my answer").await
}

/// Answers as [`answer`] does, with the submit button labelled `button`.
pub async fn answer_with(browser: &Session, right: bool, button: &str) -> String {
    let (right_value, wrong_value) = answer_key(browser).await;
    let value = if right { right_value } else { wrong_value };
    let label = format!("label.option:has(input[name=choice][value='{value}'])");
    let text = browser.text(&label).await;
    browser.click(&label).await;
    browser.click_text(button).await;
    text
}

/// The options and the submit button can be reached without zooming: each lies inside
/// the width of the screen and is at least 44 px tall, a comfortable target for a finger.
pub async fn assert_controls_in_reach(browser: &Session) {
    let controls = browser
        .client
        .execute(
            "return [...document.querySelectorAll(arguments[0])].map(e => {
               const r = e.getBoundingClientRect();
               return [e.textContent.trim().slice(0, 30), r.left, r.right, r.height];
             });",
            vec![json!("form label.option, form button")],
        )
        .await
        .expect("measure the controls");
    let width = f64::from(browser.viewport.size().0);
    let controls = controls.as_array().expect("a list");
    assert!(!controls.is_empty(), "the page has options and a button");
    for control in controls {
        let (left, right, height) = (
            control[1].as_f64().unwrap(),
            control[2].as_f64().unwrap(),
            control[3].as_f64().unwrap(),
        );
        assert!(
            left >= 0.0 && right <= width && height >= 44.0,
            "{} is in reach on a {:?}: left {left}, right {right} of {width}, {height} px tall",
            control[0],
            browser.viewport
        );
    }
}

/// The first line of the feedback: "Right" or "Not quite", in words as well as colour.
pub async fn verdict(browser: &Session) -> String {
    browser.text("#verdict").await
}

/// Types `text` into the field with id `id`, replacing what was there.
pub async fn fill(browser: &Session, id: &str, text: &str) {
    let field = browser.find(&format!("#{id}")).await;
    field.clear().await.expect("clear the field");
    field.send_keys(text).await.expect("type into the field");
}
