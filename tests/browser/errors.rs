//! The error pages, reached the way people reach them: a mistyped address, and an answer
//! sent twice from two tabs.

use crate::flows::{answer_key, start_round};
use crate::helpers::{Scripting, Session, Viewport, session};

async fn a_mistyped_address_gets_a_page_that_leads_home(browser: &Session) {
    browser.visit("/packs/khojaly-1993").await;
    assert_eq!(browser.text("h1").await, "Page not found");
    assert_eq!(
        browser.text(".error-message").await,
        "There is no lesson pack called “khojaly-1993”. The home page lists the packs on offer."
    );
    assert_eq!(browser.text(".error-code").await, "(Error 404)");
    browser.check_page("not-found").await;
    browser.click_text("Go to the home page").await;
    assert_eq!(browser.path().await, "/");
}

/// The learner opens the same question in two tabs, answers in the first, then tries
/// again in the second: the page says the first answer counts and leads to its feedback.
async fn an_answer_sent_twice_gets_a_page_that_says_the_first_one_counts(browser: &Session) {
    start_round(browser, "all", 2).await;
    let question = browser.path().await;
    let first_tab = browser.client.window().await.expect("this tab");
    let second_tab = browser.client.new_window(true).await.expect("a new tab");
    browser
        .client
        .switch_to_window(second_tab.handle)
        .await
        .expect("go to the new tab");
    browser.visit(&question).await;
    let (right, wrong) = answer_key(browser).await;

    browser
        .client
        .switch_to_window(first_tab)
        .await
        .expect("back to the first tab");
    browser
        .click(&format!("label.option:has(input[value='{right}'])"))
        .await;
    browser.click_text("Check my answer").await;
    assert_eq!(browser.text("#verdict").await, "✓ Right");
    browser
        .client
        .close_window()
        .await
        .expect("close the first tab");

    let windows = browser.client.windows().await.expect("the open tabs");
    browser
        .client
        .switch_to_window(windows[0].clone())
        .await
        .expect("the second tab");
    browser
        .click(&format!("label.option:has(input[value='{wrong}'])"))
        .await;
    browser.click_text("Check my answer").await;
    assert_eq!(browser.text("h1").await, "Already answered");
    assert_eq!(
        browser.text(".error-message").await,
        "You have already answered question 1 of this round. Your first answer is the one that counts."
    );
    assert_eq!(browser.text(".error-code").await, "(Error 400)");
    browser.check_page("already-answered").await;
    browser.click_text("See the feedback on your answer").await;
    assert_eq!(
        browser.text("#verdict").await,
        "✓ Right",
        "the first answer is the one kept"
    );
}

#[tokio::test]
async fn error_pages_explain_and_lead_on_on_a_phone() {
    session(Viewport::Phone, Scripting::Enabled, async |browser| {
        a_mistyped_address_gets_a_page_that_leads_home(browser).await;
        an_answer_sent_twice_gets_a_page_that_says_the_first_one_counts(browser).await;
    })
    .await;
}

#[tokio::test]
async fn error_pages_explain_and_lead_on_on_a_laptop() {
    session(Viewport::Laptop, Scripting::Enabled, async |browser| {
        a_mistyped_address_gets_a_page_that_leads_home(browser).await;
        an_answer_sent_twice_gets_a_page_that_says_the_first_one_counts(browser).await;
    })
    .await;
}
