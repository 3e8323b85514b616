//! A teacher's account pages, typed into as a teacher would, on a phone and a laptop.

use crate::helpers::{Scripting, Session, Viewport, session};

const PASSWORD: &str = "tall ships at dawn";

/// Types `text` into the field labelled by the `<label for=id>`.
async fn fill(browser: &Session, id: &str, text: &str) {
    let field = browser.find(&format!("#{id}")).await;
    field.clear().await.expect("clear the field");
    field.send_keys(text).await.expect("type into the field");
}

async fn the_account_pages(browser: &Session) {
    browser.visit("/").await;
    browser.click_text("For teachers").await;
    assert_eq!(browser.text("h1").await, "For teachers");
    browser.check_page("teachers").await;

    browser.click_text("Create a teacher account").await;
    browser.check_page("teacher-sign-up").await;
    fill(browser, "display_name", "Ms Rivera").await;
    fill(browser, "username", "rivera").await;
    fill(browser, "password", "password123").await;
    fill(browser, "repeat_password", "password123").await;
    browser.click_text("Create the account").await;
    assert!(
        browser
            .text(".form-error")
            .await
            .contains("most common passwords"),
        "the mistake is explained"
    );
    assert_eq!(
        browser
            .find("#display_name")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Ms Rivera"),
        "what was typed is kept"
    );
    browser.check_page("teacher-sign-up-mistake").await;

    fill(browser, "password", PASSWORD).await;
    fill(browser, "repeat_password", PASSWORD).await;
    browser.click_text("Create the account").await;
    assert_eq!(browser.text("h1").await, "Hello, Ms Rivera");
    assert_eq!(browser.text(".notice").await, "Your account is ready.");
    browser.check_page("teacher-account").await;

    browser.click_text("Change your password").await;
    browser.check_page("teacher-password").await;
    fill(browser, "current_password", PASSWORD).await;
    fill(browser, "new_password", "a brand new passphrase").await;
    fill(browser, "repeat_password", "a brand new passphrase").await;
    browser.click_text("Change the password").await;
    assert_eq!(
        browser.text(".notice").await,
        "Your password has been changed."
    );

    browser.click_text("Sign out").await;
    assert_eq!(browser.text("h1").await, "Sign in");
    browser.check_page("teacher-sign-in").await;
    fill(browser, "username", "rivera").await;
    fill(browser, "password", PASSWORD).await;
    browser.click_text("Sign in").await;
    assert!(
        browser
            .text(".form-error")
            .await
            .contains("The username or the password is not right")
    );
    fill(browser, "password", "a brand new passphrase").await;
    browser.click_text("Sign in").await;
    assert_eq!(browser.text("h1").await, "Hello, Ms Rivera");
}

#[tokio::test]
async fn a_teacher_signs_up_changes_the_password_and_signs_in_on_a_phone() {
    session(Viewport::Phone, Scripting::Enabled, async |browser| {
        the_account_pages(browser).await;
    })
    .await;
}

#[tokio::test]
async fn a_teacher_signs_up_changes_the_password_and_signs_in_on_a_laptop() {
    session(Viewport::Laptop, Scripting::Enabled, async |browser| {
        the_account_pages(browser).await;
    })
    .await;
}
