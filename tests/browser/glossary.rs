//! The glossary: a word linked at its first use on a question or feedback page opens
//! its entry, highlighted; the way back leads to where the learner was. Plain links, so
//! it works without JavaScript too.

use crate::flows::{answer, start_round};
use crate::helpers::{PACK, Scripting, Session, Viewport, session};

/// Answers questions of a mixed round until a feedback page links a glossary term; opens
/// it, checks the entry, and comes back.
async fn open_a_term_from_the_feedback(browser: &Session, name: &str) {
    start_round(browser, "all", 12).await;
    let mut linked = Vec::new();
    for _ in 0..12 {
        answer(browser, true).await;
        linked = browser.find_all("#feedback a.term, .outcomes a.term").await;
        if !linked.is_empty() {
            break;
        }
        browser.click_text_starting("Next question").await;
    }
    let term = linked.first().expect("some feedback links a glossary term");
    // The full explanation and the options are folded: open the one with the word.
    browser.bring_into_reach(term).await;
    let word = term.text().await.unwrap();
    let href = term.attr("href").await.unwrap().unwrap();
    let anchor = href
        .strip_prefix(&format!("/packs/{PACK}/glossary#"))
        .expect("a link into the pack's glossary")
        .to_string();
    let feedback = browser.path().await;
    browser
        .leading_to_a_new_page(async || term.click().await.unwrap())
        .await;
    assert_eq!(browser.path().await, format!("/packs/{PACK}/glossary"));
    assert_eq!(browser.text("h1").await, "Glossary");
    let entry = browser.text(&format!("#{anchor}")).await;
    assert!(
        entry.to_lowercase().contains(&word.to_lowercase()),
        "the entry names the word “{word}” (as its term or another form): {entry}"
    );
    let targeted = browser
        .execute(
            "return document.querySelector(':target') && document.querySelector(':target').id;",
        )
        .await;
    assert_eq!(
        targeted,
        serde_json::json!(anchor),
        "the entry is the page's target"
    );
    let (top, window) = {
        let position = browser
            .execute(&format!(
                "const r = document.getElementById('{anchor}').getBoundingClientRect(); return [r.top, window.innerHeight];"
            ))
            .await;
        (position[0].as_f64().unwrap(), position[1].as_f64().unwrap())
    };
    assert!(
        (0.0..window).contains(&top),
        "the entry is in view: {top} px in a {window} px window"
    );
    browser.check_page(&format!("glossary{name}")).await;
    browser.client.back().await.expect("go back");
    assert_eq!(
        browser.path().await,
        feedback,
        "Back returns to the feedback"
    );
}

#[tokio::test]
async fn a_glossary_word_opens_its_entry_in_view_on_a_phone() {
    session(Viewport::Phone, Scripting::Enabled, async |browser| {
        open_a_term_from_the_feedback(browser, "").await;
    })
    .await;
}

#[tokio::test]
async fn a_glossary_word_opens_its_entry_in_view_on_a_laptop_without_javascript() {
    session(Viewport::Laptop, Scripting::Disabled, async |browser| {
        open_a_term_from_the_feedback(browser, "").await;
    })
    .await;
}
