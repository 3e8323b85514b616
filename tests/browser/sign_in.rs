//! Signing in while someone else guesses the password (issue #14, M1): the browser
//! where the teacher signed in before keeps working, every other browser is paused for
//! that account, and the pages say so.

use crate::flows::fill;
use crate::helpers::{Scripting, Session, Viewport, session};

const PASSWORD: &str = "tall ships at dawn";

/// Signs in from the sign-in page as a person would.
async fn sign_in(browser: &Session, username: &str, password: &str) {
    browser.visit("/teachers/sign-in").await;
    fill(browser, "username", username).await;
    fill(browser, "password", password).await;
    browser.click_text("Sign in").await;
}

async fn the_teachers_own_browser_signs_in_while_others_are_paused(laptop: &Session) {
    // The teacher signs up and signs in on the laptop: it gets a device cookie, which
    // the page's scripts cannot read.
    laptop.visit("/teachers/sign-up").await;
    fill(laptop, "display_name", "Ms Rivera").await;
    fill(laptop, "username", "rivera").await;
    fill(laptop, "password", PASSWORD).await;
    fill(laptop, "repeat_password", PASSWORD).await;
    laptop.click_text("Create the account").await;
    assert_eq!(laptop.text("h1").await, "Hello, Ms Rivera");
    laptop.click_text("Sign out").await;
    assert_eq!(laptop.text("h1").await, "Sign in");
    let cookies = laptop.execute("return document.cookie;").await;
    assert!(
        !cookies
            .as_str()
            .unwrap_or_default()
            .contains("sourcewise_device"),
        "the device cookie is HttpOnly: {cookies}"
    );

    // Someone on a phone guesses five times, then is paused; so is the right password.
    let phone = laptop.another_browser(Viewport::Phone).await;
    for guess in 1..=5 {
        sign_in(&phone, "rivera", &format!("guess number {guess}")).await;
        assert!(
            phone
                .text(".form-error")
                .await
                .contains("The username or the password is not right")
        );
    }
    sign_in(&phone, "rivera", PASSWORD).await;
    let error = phone.text(".form-error").await;
    assert!(
        error.contains("sign-in is paused on browsers where it has not signed in before")
            && error.contains("try again in 15 minutes"),
        "{error}"
    );
    assert_eq!(
        phone
            .find("#username")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("rivera"),
        "what was typed is kept"
    );
    phone.check_page("teacher-sign-in-paused").await;
    phone.finish().await;

    // The teacher, on the laptop where they signed in before, is not paused.
    sign_in(laptop, "rivera", PASSWORD).await;
    assert_eq!(laptop.text("h1").await, "Hello, Ms Rivera");
    laptop.click_text("Sign out").await;

    // The laptop's own mistakes pause the laptop alone, and it says so.
    for _ in 0..5 {
        sign_in(laptop, "rivera", "a mistyped password").await;
    }
    sign_in(laptop, "rivera", PASSWORD).await;
    let error = laptop.text(".form-error").await;
    assert!(
        error.contains("too many failed sign-ins for this account on this browser"),
        "{error}"
    );
    laptop.check_page("teacher-sign-in-paused-here").await;
}

#[tokio::test]
async fn a_teacher_signs_in_on_their_own_browser_while_a_phone_guesses_the_password() {
    session(Viewport::Laptop, Scripting::Enabled, async |laptop| {
        the_teachers_own_browser_signs_in_while_others_are_paused(laptop).await;
    })
    .await;
}
