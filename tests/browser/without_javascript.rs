//! With JavaScript switched off in the browser, a learner still does a whole round.

use crate::flows::{answer, start_round, verdict};
use crate::helpers::{Scripting, Viewport, session};

#[tokio::test]
async fn a_round_works_with_javascript_switched_off() {
    session(Viewport::Phone, Scripting::Disabled, async |browser| {
        browser.visit("/").await;
        browser.check_page("home").await;
        start_round(browser, "all", 3).await;
        for number in 1..=3 {
            assert!(
                browser
                    .text(".round-place")
                    .await
                    .starts_with(&format!("Question {number} of 3"))
            );
            browser.check_page(&format!("question-{number}")).await;
            let right = number != 2;
            answer(browser, right).await;
            assert_eq!(
                verdict(browser).await,
                if right { "✓ Right" } else { "✗ Not quite" }
            );
            browser.check_page(&format!("feedback-{number}")).await;
            let next = if number == 3 {
                "See your results"
            } else {
                "Next question"
            };
            browser.click_text(next).await;
        }
        assert_eq!(
            browser.text(".score").await,
            "You got 2 of 3 answers right."
        );
        browser.check_page("summary").await;
        browser.click_text("My progress").await;
        assert!(
            browser
                .text(".score")
                .await
                .starts_with("3 answers so far, 2 of them right, in 1 round")
        );
    })
    .await;
}
