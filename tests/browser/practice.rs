//! A whole practice round on each skill, tapped through as a learner would, on a phone
//! and on a laptop: every page checked (axe-core, layout, text size) and photographed.

use fantoccini::elements::Element;

use crate::flows::{answer, assert_controls_in_reach, start_round, verdict};
use crate::helpers::{Scripting, Session, Viewport, session};

const ROUND_LENGTH: usize = 4;

/// Plays a round of `skill`: right, wrong, right, wrong. Checks the question and feedback
/// pages, the summary, and the progress page after a reload.
async fn play_a_round(browser: &Session, skill: &str, skill_title: &str) {
    browser.visit("/").await;
    browser.check_page("home").await;
    browser
        .click_text("Khojaly, February 1992: five sources, one event")
        .await;
    browser.check_page("pack").await;
    start_round(browser, skill, ROUND_LENGTH).await;

    for number in 1..=ROUND_LENGTH {
        assert_eq!(
            browser.text(".round-place").await,
            format!("Question {number} of {ROUND_LENGTH} {skill_title}")
        );
        if number == 1 {
            browser.check_page(&format!("question-{skill}")).await;
            assert_controls_in_reach(browser).await;
        }
        let right = number % 2 == 1;
        let chosen = answer(browser, right).await;

        assert_eq!(
            verdict(browser).await,
            if right { "✓ Right" } else { "✗ Not quite" },
            "the verdict is said in words and a sign, not only in colour"
        );
        let feedback = browser.text("#feedback").await;
        assert!(
            feedback.contains(&format!("Your answer: {chosen}")),
            "{feedback}"
        );
        assert_eq!(
            feedback.contains("The correct answer:"),
            !right,
            "a wrong answer is told the correct one: {feedback}"
        );
        assert!(
            browser.focused().await.starts_with("section#feedback"),
            "after submitting, the focus moves to the feedback, not {}",
            browser.focused().await
        );
        assert_short_feedback_first(browser).await;
        open_every_section(browser).await;
        let correct_option = browser.text(".outcome.is-correct").await;
        assert!(
            correct_option.contains("✓ Correct answer"),
            "the right option is marked in words: {correct_option}"
        );
        assert!(
            browser
                .text(".outcome.is-chosen")
                .await
                .contains("Your choice"),
            "the learner's choice is marked in words"
        );
        if skill == "contested" {
            assert_evidence_from_the_documents(browser).await;
        } else if skill == "quote" {
            assert_versions_marked_word_by_word(browser).await;
        } else {
            assert!(
                browser
                    .text("section[aria-labelledby=passage-heading]")
                    .await
                    .contains("Read the passage in the whole document")
            );
        }
        if number == 2 {
            browser.check_page(&format!("feedback-{skill}")).await;
        }
        let next = if number == ROUND_LENGTH {
            "See your results"
        } else {
            "Next question"
        };
        browser.click_text(next).await;
        if number < ROUND_LENGTH {
            assert!(
                browser
                    .path()
                    .await
                    .ends_with(&format!("/questions/{}", number + 1)),
                "“{next}” leads to the next question"
            );
        }
    }

    assert_eq!(browser.text("h1").await, "Your results");
    assert_eq!(
        browser.text(".score").await,
        "You got 2 of 4 answers right."
    );
    assert_eq!(
        browser.texts("table.scores tbody tr").await,
        vec![format!("{skill_title} 2 of 4 50%")]
    );
    let missed = browser.texts("main li a[href*='/questions/']").await;
    assert_eq!(
        missed,
        vec![
            format!("Question 2 ({skill_title})"),
            format!("Question 4 ({skill_title})")
        ]
    );
    browser.check_page(&format!("summary-{skill}")).await;

    browser.click_text("My progress").await;
    browser.client.refresh().await.expect("reload the page");
    assert!(
        browser
            .text(".score")
            .await
            .starts_with("4 answers so far, 2 of them right, in 1 round"),
        "{}",
        browser.text(".score").await
    );
    let row = browser
        .texts("table tbody tr")
        .await
        .into_iter()
        .find(|row| row.starts_with(skill_title))
        .expect("a row for the skill");
    assert_eq!(row, format!("{skill_title} 2 of 4 50%"));
    browser.check_page("progress").await;
}

/// The feedback opens short: the verdict, the habit and the first "Next question" (or
/// "See your results") within the first screen, the full explanation folded away.
async fn assert_short_feedback_first(browser: &Session) {
    let measured = browser
        .execute(
            "const next = document.querySelector('#feedback a.button');
             const explanation = document.querySelector('#feedback .explanation');
             return [next.getBoundingClientRect().bottom, explanation.checkVisibility()];",
        )
        .await;
    let (next_bottom, explanation_shown) = (
        measured[0].as_f64().unwrap(),
        measured[1].as_bool().unwrap(),
    );
    let height = f64::from(browser.viewport.size().1);
    assert!(
        next_bottom <= height,
        "the first “Next question” is on the first screen of a {:?}: its bottom at {next_bottom} px of {height}",
        browser.viewport
    );
    assert!(!explanation_shown, "the full explanation starts folded");
    assert!(
        browser
            .text("#feedback .habit")
            .await
            .starts_with("The habit:"),
        "the habit of the skill is part of the short feedback"
    );
}

/// Opens each folded section of the page, as a learner tapping its title would.
async fn open_every_section(browser: &Session) {
    for summary in browser.find_all("main details:not([open]) > summary").await {
        summary.click().await.expect("open a section");
    }
}

/// A quote's feedback sets every other version against it, with the words that differ
/// underlined or struck through (and said in words to a screen reader), what each
/// difference does, and the habit to keep.
async fn assert_versions_marked_word_by_word(browser: &Session) {
    let versions: Vec<Element> = browser.find_all("article.version").await;
    let others = browser
        .find_all(".evidence-grid article.evidence")
        .await
        .len();
    assert!(
        !versions.is_empty() || others > 0,
        "a quote's feedback shows the versions or the passages compared"
    );
    for version in versions {
        let text = version.text().await.expect("the version's text");
        let marks = version
            .find_all(fantoccini::Locator::Css(
                "blockquote.diff ins, blockquote.diff del",
            ))
            .await
            .expect("find the marks");
        if text.contains("The same words.") {
            assert!(marks.is_empty(), "{text}");
            continue;
        }
        assert!(
            !marks.is_empty(),
            "a differing version marks its differences: {text}"
        );
        assert!(text.contains("What the difference does:"), "{text}");
        let spoken = version
            .find(fantoccini::Locator::Css("blockquote.diff"))
            .await
            .unwrap()
            .html(true)
            .await
            .unwrap();
        assert!(
            spoken.contains("only in this version") || spoken.contains("left out here"),
            "the marks are said in words too: {spoken}"
        );
    }
    assert!(
        browser
            .text(".habit")
            .await
            .contains("Find the original before you repeat a quote")
    );
}

/// A claim's feedback quotes every document that speaks to it, each with its name and
/// a link to the passage in the whole document.
async fn assert_evidence_from_the_documents(browser: &Session) {
    let articles: Vec<Element> = browser.find_all(".evidence-grid article.evidence").await;
    assert!(
        !articles.is_empty(),
        "a claim's feedback shows the evidence"
    );
    for article in articles {
        let text = article.text().await.expect("the evidence's text");
        let quote = article
            .find(fantoccini::Locator::Css("blockquote"))
            .await
            .expect("each piece of evidence is quoted");
        assert!(!quote.text().await.unwrap().trim().is_empty(), "{text}");
        assert!(text.contains("Read it in the whole document"), "{text}");
    }
}

#[tokio::test]
async fn a_learner_does_a_round_of_which_source_on_a_phone() {
    session(Viewport::Phone, Scripting::Enabled, async |browser| {
        play_a_round(browser, "source", "Which source?").await;
    })
    .await;
}

#[tokio::test]
async fn a_learner_does_a_round_of_which_source_on_a_laptop() {
    session(Viewport::Laptop, Scripting::Enabled, async |browser| {
        play_a_round(browser, "source", "Which source?").await;
    })
    .await;
}

#[tokio::test]
async fn a_learner_does_a_round_of_whose_perspective_on_a_phone() {
    session(Viewport::Phone, Scripting::Enabled, async |browser| {
        play_a_round(browser, "perspective", "Whose perspective?").await;
    })
    .await;
}

#[tokio::test]
async fn a_learner_does_a_round_of_whose_perspective_on_a_laptop() {
    session(Viewport::Laptop, Scripting::Enabled, async |browser| {
        play_a_round(browser, "perspective", "Whose perspective?").await;
    })
    .await;
}

#[tokio::test]
async fn a_learner_does_a_round_of_is_the_quote_faithful_on_a_phone() {
    session(Viewport::Phone, Scripting::Enabled, async |browser| {
        play_a_round(browser, "quote", "Is the quote faithful?").await;
    })
    .await;
}

#[tokio::test]
async fn a_learner_does_a_round_of_is_the_quote_faithful_on_a_laptop() {
    session(Viewport::Laptop, Scripting::Enabled, async |browser| {
        play_a_round(browser, "quote", "Is the quote faithful?").await;
    })
    .await;
}

#[tokio::test]
async fn a_learner_does_a_round_of_agreed_or_contested_on_a_phone() {
    session(Viewport::Phone, Scripting::Enabled, async |browser| {
        play_a_round(browser, "contested", "Agreed or contested?").await;
    })
    .await;
}

#[tokio::test]
async fn a_learner_does_a_round_of_agreed_or_contested_on_a_laptop() {
    session(Viewport::Laptop, Scripting::Enabled, async |browser| {
        play_a_round(browser, "contested", "Agreed or contested?").await;
    })
    .await;
}
