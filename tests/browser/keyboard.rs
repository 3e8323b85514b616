//! Keyboard only: a whole round with Tab, the arrow keys, Space and Enter, the focus
//! always visible, and the focus on the feedback after each answer.

use fantoccini::key::Key;

use crate::flows::answer_key;
use crate::helpers::{PACK, Scripting, Session, Viewport, session};

/// Picks the option with `value` from the keyboard: Tab into the radio group, then the
/// arrow keys until that option is checked, Space to be sure.
async fn choose_with_the_keyboard(browser: &Session, value: &str) {
    browser.tab_to("input[name=choice]").await;
    let options = browser.find_all("input[name=choice]").await.len();
    for _ in 0..=options {
        let focused = browser.focused().await;
        if focused.ends_with(&format!("[value={value}]")) {
            browser.press(Key::Space).await;
            let checked = browser
                .execute("return document.activeElement.checked;")
                .await;
            assert_eq!(checked, true, "Space checks the focused option");
            return;
        }
        browser.press(Key::Down).await;
        assert!(
            browser.focus_is_visible().await,
            "the focus on {} can be seen",
            browser.focused().await
        );
    }
    panic!("the arrow keys never reach the option {value}");
}

#[tokio::test]
async fn a_whole_round_can_be_done_with_the_keyboard_alone() {
    session(Viewport::Laptop, Scripting::Enabled, async |browser| {
        browser.visit(&format!("/packs/{PACK}")).await;

        // The skip link comes first, and leads past the navigation.
        browser.press(Key::Tab).await;
        assert_eq!(browser.focused().await, "a.skip-link “Skip to the content”");
        assert!(
            browser.focus_is_visible().await,
            "the skip link shows when focused"
        );
        browser.press(Key::Enter).await;
        assert_eq!(browser.focused().await, "main#main");

        // Open the folded skills with Enter, choose "Agreed or contested?" in the group
        // with the arrow keys, ask for 3 questions, and start.
        browser.tab_to("details.skill-choice > summary").await;
        browser.press(Key::Enter).await;
        browser.tab_to("input[name=focus]").await;
        for _ in 0..4 {
            if browser.focused().await.contains("[name=focus]")
                && browser
                    .execute("return document.activeElement.value;")
                    .await
                    == "contested"
            {
                break;
            }
            browser.press(Key::Down).await;
        }
        assert_eq!(
            browser
                .execute("return document.querySelector('input[name=focus]:checked').value;")
                .await,
            "contested",
            "the arrow keys choose the skill"
        );
        browser.tab_to("input[name=length]").await;
        browser.press(Key::Backspace).await;
        browser.press(Key::Backspace).await;
        browser.press(Key::Backspace).await;
        browser.type_text("3").await;
        browser.tab_to("button[type=submit]").await;
        browser
            .leading_to_a_new_page(async || browser.press(Key::Enter).await)
            .await;

        for number in 1..=3 {
            assert!(
                browser
                    .text(".round-place")
                    .await
                    .starts_with(&format!("Question {number} of 3")),
                "{}",
                browser.text(".round-place").await
            );
            let (right, wrong) = answer_key(browser).await;
            let choice = if number == 2 { wrong } else { right };
            choose_with_the_keyboard(browser, &choice).await;
            browser.tab_to("button[type=submit]").await;
            browser
                .leading_to_a_new_page(async || browser.press(Key::Enter).await)
                .await;

            assert!(
                browser.focused().await.starts_with("section#feedback"),
                "after submitting, the focus is on the feedback, not {}",
                browser.focused().await
            );
            assert!(
                browser.focus_is_visible().await,
                "the focused feedback shows it"
            );
            let expected = if number == 2 {
                "✗ Not quite"
            } else {
                "✓ Right"
            };
            assert_eq!(browser.text("#verdict").await, expected);

            // The next step is the first thing Tab reaches from the feedback: the full
            // explanation (with its glossary links) opens below it.
            let presses = browser.tab_to("#feedback a.button").await;
            assert_eq!(presses, 1, "the next step comes first");
            browser
                .leading_to_a_new_page(async || browser.press(Key::Enter).await)
                .await;
        }

        assert_eq!(browser.text("h1").await, "Your results");
        assert_eq!(
            browser.text(".score").await,
            "You got 2 of 3 answers right."
        );
        browser.tab_to("a[href='/progress']").await;
        browser
            .leading_to_a_new_page(async || browser.press(Key::Enter).await)
            .await;
        assert!(
            browser
                .text(".score")
                .await
                .starts_with("3 answers so far, 2 of them right"),
            "{}",
            browser.text(".score").await
        );
    })
    .await;
}
