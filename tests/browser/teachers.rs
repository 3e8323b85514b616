//! A teacher's account and class pages, and a student joining, typed into as people
//! would, on a phone and a laptop.

use serde_json::json;

use crate::flows::{fill, open_assign_form, tick_only_skill};
use crate::helpers::{Scripting, Session, Viewport, session};

const PASSWORD: &str = "tall ships at dawn";

/// The rows of the results grid as a sighted reader sees them: the name, then each mark.
pub const GRID_MARKS: &str = "return [...document.querySelectorAll('.results-grid tbody tr')]
    .map(row => [...row.querySelectorAll('th, td [aria-hidden]')]
      .map(cell => cell.textContent.trim()).join(' '));";

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

/// Creates a class, shows its code on the projector, joins it as a student (in the same
/// browser: the student's and the teacher's cookies are apart), and deletes it.
async fn the_class_pages(browser: &Session) {
    // A name of spaces passes the browser's check but not the server's.
    fill(browser, "class_name", "   ").await;
    fill(browser, "class_description", "Tuesdays, room 4").await;
    browser.click_text("Create the class").await;
    assert!(
        browser
            .text(".form-error")
            .await
            .contains("Give the class a name")
    );
    browser.check_page("teacher-new-class-mistake").await;
    fill(browser, "class_name", "10B History").await;
    browser.click_text("Create the class").await;
    assert_eq!(browser.text("h1").await, "10B History");
    let code = browser.text(".join-code").await;
    browser.check_page("teacher-class").await;

    // The assign form starts folded behind "Assign a lesson".
    assert_eq!(
        browser
            .execute("return document.getElementById('assign').open;")
            .await,
        json!(false)
    );
    open_assign_form(browser).await;
    browser.check_page("teacher-assign-form").await;
    // Hand-picking with nothing picked: the form comes back open, saying so.
    browser
        .click("label.option:has(input[name=questions][value=picked])")
        .await;
    fill(browser, "assign-title", "Week 3").await;
    browser.click_text("Assign the lesson").await;
    assert!(
        browser
            .text(".form-error")
            .await
            .contains("No question was picked")
    );
    assert_eq!(
        browser
            .execute("return [document.getElementById('assign').open, document.getElementById('assign-title').value];")
            .await,
        json!([true, "Week 3"]),
        "the form is open, as typed"
    );
    browser.check_page("teacher-assign-mistake").await;
    fill(browser, "assign-title", "").await;
    browser
        .click("label.option:has(input[name=questions][value=same])")
        .await;

    // Assign a lesson whose answers wait for tomorrow at 17:00 in the browser's time
    // zone. (The date is set as the date picker would: its typing format depends on
    // the browser's locale.) The form's script names the weekday and sends the zone.
    tick_only_skill(browser, "source").await;
    fill(browser, "assign-length", "1").await;
    let expected = browser
        .execute(
            "const d = new Date(Date.now() + 86400000);
             const pad = n => String(n).padStart(2, '0');
             const due = document.getElementById('assign-due');
             due.value = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
             due.dispatchEvent(new Event('input'));
             const time = document.getElementById('assign-due-time');
             time.value = '17:00';
             time.dispatchEvent(new Event('input'));
             const at = new Date(d.getFullYear(), d.getMonth(), d.getDate(), 17, 0);
             return [d.toLocaleDateString('en-GB', { weekday: 'long' }),
                     String(-at.getTimezoneOffset()),
                     Intl.DateTimeFormat().resolvedOptions().timeZone];",
        )
        .await;
    let weekday = expected[0].as_str().unwrap().to_string();
    let named = browser.text("#assign-due-day").await;
    assert!(
        named.starts_with(&format!("Due {weekday} ")) && named.ends_with(", 17:00"),
        "the weekday is named: {named}"
    );
    assert_eq!(
        browser
            .execute(
                "return [document.querySelector('input[name=tz_offset]').value,
                         document.querySelector('input[name=tz_name]').value];"
            )
            .await,
        json!([expected[1], expected[2]]),
        "the script fills the time zone"
    );
    assert!(
        browser
            .text("#assign-zone-note")
            .await
            .starts_with("Times are in your time zone")
    );
    browser
        .click("label.option:has(input[name=feedback][value=after-due])")
        .await;
    browser.click_text("Assign the lesson").await;
    let card = browser.text(".assignments .card").await;
    assert!(card.contains("answers shown after the due date"), "{card}");
    assert!(card.contains(&format!("due {weekday} ")), "{card}");
    assert!(card.contains(", 17:00 ("), "{card}");
    assert_eq!(browser.text(".assignments .card h3").await, "Which source?");
    browser.check_page("teacher-class-assignment").await;

    browser.click_text("Show the code on the projector").await;
    assert_eq!(browser.text(".join-code").await, code);
    let qr = browser.find("svg.qr").await;
    let (_, _, width, height) = qr.rectangle().await.expect("the QR code's size");
    assert!(
        width >= 150.0 && height >= 150.0,
        "the QR code is large: {width}×{height}"
    );
    browser.check_page("teacher-projector").await;
    let join_url = browser.text(".url").await;
    let class_page = browser.path().await.replace("/projector", "");

    browser
        .client
        .goto(&join_url)
        .await
        .expect("open the join link");
    assert_eq!(
        browser
            .find("#code")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(code.as_str()),
        "the link fills in the code"
    );
    browser.check_page("join").await;
    fill(browser, "nickname", "Sam").await;
    browser.click_text("Join the class").await;
    assert_eq!(browser.text(".notice").await, "You have joined the class.");
    assert!(browser.text("main").await.contains("You are Sam"));
    browser.check_page("student").await;
    assert_eq!(browser.text(".assignments .tag").await, "Not started");
    browser.click_text_starting("Start").await;
    crate::flows::answer(browser, false).await;
    assert_eq!(browser.text("#verdict").await, "Answer saved");
    browser.check_page("answer-saved").await;
    browser.click_text("Finish").await;
    assert_eq!(browser.text("h1").await, "Your answers are saved");
    browser.check_page("results-saved").await;

    browser.visit("/resume").await;
    browser.check_page("resume").await;
    browser.visit("/join").await;
    fill(browser, "code", "AB0-234").await;
    fill(browser, "nickname", "Alex").await;
    browser.click_text("Join the class").await;
    assert!(
        browser
            .text(".form-error")
            .await
            .contains("That is not a join code")
    );
    browser.check_page("join-mistake").await;

    browser.visit(&class_page).await;
    assert_eq!(browser.texts(".students li").await, vec!["Sam"]);
    browser.click_text("Sam").await;
    browser.check_page("teacher-student").await;
    browser.click_text("Give a new resume code").await;
    assert!(browser.text(".notice").await.contains("new resume code"));
    browser.visit(&class_page).await;
    browser.click_and_wait(".assignments h3 a").await;
    assert_eq!(
        browser.texts("table.scores tbody tr").await,
        vec!["Sam Done 0 of 1"]
    );
    assert_eq!(
        browser.execute(GRID_MARKS).await,
        json!(["Sam ✗"]),
        "the grid: Sam got question 1 wrong"
    );
    browser.check_page("teacher-assignment-results").await;
    browser
        .click_text_starting("Show question 1 to discuss in class")
        .await;
    assert!(browser.find_all(".outcome.is-correct").await.is_empty());
    browser.check_page("teacher-discuss").await;
    browser.click_text("Show the answer").await;
    assert!(
        browser
            .text(".outcome.is-correct")
            .await
            .contains("✓ Correct answer")
    );
    browser.click_text("Show where the passage is from").await;
    assert!(
        browser
            .text(".passage figcaption")
            .await
            .starts_with("From: ")
    );
    assert!(browser.find_all(".reveal-links a").await.is_empty());
    browser.check_page("teacher-discuss-revealed").await;
    browser.visit(&class_page).await;
    browser.click_text("Delete the class…").await;
    browser.check_page("teacher-delete-class").await;
    browser
        .click_text("Delete the class and all its data")
        .await;
    assert_eq!(browser.text(".notice").await, "The class has been deleted.");
}

#[tokio::test]
async fn a_teacher_signs_up_changes_the_password_and_signs_in_on_a_phone() {
    session(Viewport::Phone, Scripting::Enabled, async |browser| {
        the_account_pages(browser).await;
        the_class_pages(browser).await;
    })
    .await;
}

#[tokio::test]
async fn a_teacher_signs_up_changes_the_password_and_signs_in_on_a_laptop() {
    session(Viewport::Laptop, Scripting::Enabled, async |browser| {
        the_account_pages(browser).await;
        the_class_pages(browser).await;
    })
    .await;
}

#[tokio::test]
async fn without_javascript_the_assign_form_opens_and_takes_the_due_time_as_utc() {
    session(Viewport::Laptop, Scripting::Disabled, async |browser| {
        browser.visit("/teachers/sign-up").await;
        fill(browser, "display_name", "Ms Rivera").await;
        fill(browser, "username", "rivera").await;
        fill(browser, "password", PASSWORD).await;
        fill(browser, "repeat_password", PASSWORD).await;
        browser.click_text("Create the account").await;
        fill(browser, "class_name", "10B History").await;
        browser.click_text("Create the class").await;
        open_assign_form(browser).await;
        assert_eq!(
            browser.text("#assign-zone-note").await,
            "Without JavaScript the time is taken as UTC."
        );
        browser.check_page("teacher-assign-form").await;
        // The date and time are set as their pickers would (typing them depends on the
        // browser's locale); the page's own script does not run.
        browser
            .execute(
                "document.getElementById('assign-due').value = '2030-12-03';
                 document.getElementById('assign-due-time').value = '17:00';",
            )
            .await;
        browser.click_text("Assign the lesson").await;
        let card = browser.text(".assignments .card").await;
        assert!(
            card.contains("due Tuesday 3 December 2030, 17:00 (UTC)"),
            "{card}"
        );
        browser.check_page("teacher-class-assignment").await;
    })
    .await;
}
