//! The source reader: opened from the feedback, with the passage highlighted and in view.

use crate::flows::{answer, start_round};
use crate::helpers::{Scripting, Session, Viewport, session};

/// Where the highlighted passage is on screen: its top and bottom edges and the height
/// of the window.
async fn passage_position(browser: &Session) -> (f64, f64, f64) {
    let position = browser
        .execute(
            "const r = document.querySelector('mark#passage').getBoundingClientRect();
             return [r.top, r.bottom, window.innerHeight];",
        )
        .await;
    (
        position[0].as_f64().unwrap(),
        position[1].as_f64().unwrap(),
        position[2].as_f64().unwrap(),
    )
}

async fn open_the_passage_from_the_feedback(browser: &Session, focus: &str, link: &str) {
    start_round(browser, focus, 1).await;
    answer(browser, false).await;
    let feedback = browser.path().await;
    browser.click_text_starting(link).await;
    assert!(
        browser.path().await.contains("/sources/"),
        "the link opens the reader"
    );

    let highlighted = browser.text("mark#passage").await;
    assert!(!highlighted.is_empty(), "the passage is highlighted");
    let (top, bottom, window) = passage_position(browser).await;
    assert!(
        top >= 0.0 && top < window && (bottom <= window || bottom - top > window),
        "the highlighted passage is in view: from {top} to {bottom} px in a {window} px window"
    );
    browser.check_page(&format!("reader-{focus}")).await;

    // The way back stays on screen, however far down the passage is.
    let back = browser
        .execute(
            "const links = [...document.querySelectorAll('a')].filter(a => a.textContent.trim() === 'Back to the question');
             const r = links[0].getBoundingClientRect();
             return [r.top, r.bottom, window.innerHeight];",
        )
        .await;
    let (back_top, back_bottom, window) = (
        back[0].as_f64().unwrap(),
        back[1].as_f64().unwrap(),
        back[2].as_f64().unwrap(),
    );
    assert!(
        back_top >= 0.0 && back_bottom <= window,
        "“Back to the question” is in view: from {back_top} to {back_bottom} px in a {window} px window"
    );
    let (top, _, _) = passage_position(browser).await;
    assert!(
        top >= back_bottom,
        "the bar does not hide the passage: it starts at {top} px, the bar ends at {back_bottom}"
    );

    browser.click_text("Back to the question").await;
    assert_eq!(
        browser.path().await,
        feedback,
        "the reader leads back to the feedback"
    );
    assert!(!browser.text("#verdict").await.is_empty());
}

#[tokio::test]
async fn the_passage_of_a_question_opens_highlighted_and_in_view_on_a_phone() {
    session(Viewport::Phone, Scripting::Enabled, async |browser| {
        open_the_passage_from_the_feedback(
            browser,
            "source",
            "Read the passage in the whole document",
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn the_evidence_for_a_claim_opens_highlighted_and_in_view_on_a_laptop() {
    session(Viewport::Laptop, Scripting::Enabled, async |browser| {
        open_the_passage_from_the_feedback(browser, "contested", "Read it in the whole document")
            .await;
    })
    .await;
}
