//! A pre-test and a post-test in real browsers: the teacher makes the pair from the class
//! page; two students, each in a browser of their own, do the pre-test and see no right
//! or wrong; the teacher opens the post-test, they do it, the teacher closes the tests
//! and reads the results on a laptop and on a phone.

use serde_json::json;

use crate::classroom::a_teacher_with_a_class;
use crate::flows::{answer, fill};
use crate::helpers::{Scripting, Session, Viewport, session};

const PASSWORD: &str = "tall ships at dawn";

/// Whether the element `css` lies wholly inside the window, without scrolling.
async fn in_view_without_scrolling(browser: &Session, css: &str) -> bool {
    browser
        .client
        .execute(
            "window.scrollTo(0, 0);
             const r = document.querySelector(arguments[0]).getBoundingClientRect();
             return r.top >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;",
            vec![json!(css)],
        )
        .await
        .expect("measure the element")
        == json!(true)
}

/// Does the test whose start button comes first, `right` of its answers right; checks
/// that each answer is only saved.
async fn a_student_does_a_test(student: &Session, right: &[bool]) {
    student.visit("/student").await;
    student.click_text_starting("Start").await;
    for (number, &is_right) in right.iter().enumerate() {
        answer(student, is_right).await;
        assert_eq!(student.text("#verdict").await, "Answer saved");
        let next = if number + 1 == right.len() {
            "Finish"
        } else {
            "Next question"
        };
        student.click_text(next).await;
    }
    assert_eq!(student.text("h1").await, "Your answers are saved");
}

/// Presses the pair page's button `button`; the page then says `phase`.
async fn press(teacher: &Session, pair: &str, button: &str, phase: &str) {
    teacher.visit(pair).await;
    teacher.click_text(button).await;
    let said = teacher.text(".pair-phase").await;
    assert!(said.contains(phase), "{said}");
}

/// A student joins with the code as `nickname`.
async fn a_student_joins(student: &Session, code: &str, nickname: &str) {
    student.visit("/join").await;
    fill(student, "code", code).await;
    fill(student, "nickname", nickname).await;
    student.click_text("Join the class").await;
}

#[tokio::test]
async fn a_teacher_gives_a_pre_test_and_a_post_test_and_reads_what_the_class_gained() {
    session(Viewport::Laptop, Scripting::Enabled, async |teacher| {
        let code = a_teacher_with_a_class(teacher, "rivera", "10B History").await;

        teacher.click_text("Make a pre-test and a post-test").await;
        teacher.check_page("pair-new").await;
        // Too long first: the message, with what was typed kept.
        fill(teacher, "pair-length", "99").await;
        fill(teacher, "pre-title", "Before the unit").await;
        teacher.click_text("Make the two tests").await;
        assert!(
            teacher
                .text("#form-error")
                .await
                .contains("Forms of 99 questions are too long")
        );
        assert_eq!(
            teacher
                .execute("return document.getElementById('pre-title').value;")
                .await,
            json!("Before the unit")
        );
        teacher.check_page("pair-new-too-long").await;
        fill(teacher, "pair-length", "4").await;
        teacher.click_text("Make the two tests").await;
        assert_eq!(teacher.text("h1").await, "Before the unit and Post-test");
        assert!(
            in_view_without_scrolling(teacher, "main form button").await,
            "“Open the post-test” is in view on a laptop"
        );
        teacher.check_page("pair-pre-test").await;
        let pair = teacher.path().await;

        let sam = teacher.another_browser(Viewport::Phone).await;
        a_student_joins(&sam, &code, "Sam").await;
        assert_eq!(
            sam.texts(".assignments li.assignment strong").await,
            vec!["Before the unit".to_string()],
            "the post-test is hidden"
        );
        a_student_does_a_test(&sam, &[true, false, false, false]).await;
        sam.check_page("pair-student-saved").await;
        let alex = teacher.another_browser(Viewport::Phone).await;
        a_student_joins(&alex, &code, "Alex").await;
        a_student_does_a_test(&alex, &[true, true, false, false]).await;

        press(
            teacher,
            &pair,
            "Open the post-test",
            "Students see both tests",
        )
        .await;
        a_student_does_a_test(&sam, &[true, true, true, false]).await;
        a_student_does_a_test(&alex, &[true, true, false, false]).await;
        press(teacher, &pair, "Close the tests", "The tests are closed").await;

        // The students now see their scores, the pre-test's too.
        sam.visit("/student").await;
        sam.click_text("See your results : Before the unit").await;
        assert_eq!(sam.text(".score").await, "You got 1 of 4 answers right.");
        sam.check_page("pair-student-results").await;
        sam.finish().await;
        alex.finish().await;

        assert_eq!(
            teacher.texts(".pair-scores tbody tr").await,
            vec![
                "Alex 2 of 4 (50%) 2 of 4 (50%) 0 points 0.00".to_string(),
                "Sam 1 of 4 (25%) 3 of 4 (75%) +50 points 0.67".to_string(),
            ]
        );
        assert_eq!(
            teacher.texts(".pair-figures td").await,
            vec!["38%".to_string(), "63%".to_string(), "0.40".to_string()]
        );
        teacher.check_page("pair-results-laptop").await;

        let phone = teacher.another_browser(Viewport::Phone).await;
        phone.visit("/teachers/sign-in").await;
        fill(&phone, "username", "rivera").await;
        fill(&phone, "password", PASSWORD).await;
        phone.click_text("Sign in").await;
        phone.visit(&pair).await;
        assert!(in_view_without_scrolling(&phone, ".pair-phase").await);
        phone.check_page("pair-results-phone").await;
        phone.finish().await;
    })
    .await;
}
