//! "My classes" as a to-do list: the work not done first, the soonest due first, each
//! due time in words; a question of an assignment says so; its end says "Handed in".

use reqwest::StatusCode;

use crate::assignments::{assign, date_in, spoken_date_in};
use crate::classes;
use crate::helpers::{Browser, Page, browser, spawn_app};

fn assign_skill(teacher: &Browser, class: &str, skill: &str, due: &str) {
    let page = assign(
        teacher,
        class,
        &[
            ("skill", skill),
            ("length", "1"),
            ("due", due),
            ("feedback", "immediate"),
        ],
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
}

/// Presses "Start" on the first assignment of the student's to-do list.
fn start_first(student: &Browser, page: &Page) -> Page {
    let action = page.attribute(".to-do form", "action");
    let csrf = page.attribute(".to-do input[name=csrf]", "value");
    student.post(&action, &[("csrf", &csrf)])
}

/// The titles of the assignments listed under `list` (`.to-do` or `.done`).
fn titles(page: &Page, list: &str) -> Vec<String> {
    page.texts(&format!(
        ".assignments{list} .assignment > p:first-child > strong"
    ))
}

const PACK_TITLE: &str = "Khojaly, February 1992: five sources, one event";

#[test]
fn my_classes_lists_the_work_not_done_first_and_the_soonest_due_first() {
    let app = spawn_app();
    let class = classes::teacher_with_class(&app, "rivera", "10B History");
    let code = classes::join_code(&app.get(&class));
    let in_five_days = date_in(5);
    assign_skill(&app, &class, "source", &in_five_days);
    assign_skill(&app, &class, "perspective", "");
    assign_skill(&app, &class, "contested", &date_in(1));
    let sam = app.browser_for(browser());
    assert_eq!(classes::join(&sam, &code, "Sam").status, StatusCode::OK);

    let page = sam.get("/student");
    assert_eq!(
        titles(&page, ".to-do"),
        [
            "Agreed or contested?",
            "Which source?",
            "Whose perspective?",
        ],
        "the soonest due first, the one with no due date last"
    );
    let due = page.texts(".to-do time.due");
    assert_eq!(due.len(), 2, "{due:?}");
    assert!(due[0].starts_with("due tomorrow ("), "{due:?}");
    assert!(due[0].ends_with(", 23:59 UTC)"), "{due:?}");
    assert!(due[1].contains(&in_five_days), "{due:?}");
    // Each line names the pack and says when it is due once, in the student's words.
    let details = page.texts(".to-do .assignment > p:nth-child(3)");
    assert!(
        details
            .iter()
            .all(|line| line.starts_with(&format!("{PACK_TITLE} · 1 question ·"))),
        "{details:?}"
    );
    assert!(
        details.iter().all(|line| !line.contains("due")),
        "{details:?}"
    );
    assert_eq!(
        page.attributes(".to-do time.due", "datetime")[1],
        format!("{in_five_days}T23:59:59Z"),
        "the browser's script reads the time from datetime"
    );
    assert!(
        page.body
            .contains(r#"<script src="/static/student.js" defer></script>"#)
    );
    let script = sam.get("/static/student.js");
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.body.contains("due tomorrow"));
    // The work comes before the resume code; "Start" an assignment is the primary
    // button, "Practise on your own" a secondary one.
    assert!(page.body.find("to-do-heading").unwrap() < page.body.find("Your resume code").unwrap());
    assert_eq!(page.attribute("a.button.secondary", "href"), "/");
    assert_eq!(
        page.attributes(".to-do form button", "class"),
        Vec::<String>::new(),
        "Start is the primary button"
    );

    // Doing the one due tomorrow: each question says it is of the assignment, the end
    // says it is handed in, and it moves to "Done".
    let question = start_first(&sam, &page);
    assert_eq!(
        question.text(".assignment-place"),
        "Assignment: Agreed or contested?"
    );
    let feedback = sam.answer(&question, true);
    assert_eq!(
        feedback.text(".assignment-place"),
        "Assignment: Agreed or contested?"
    );
    let summary = sam.get(&feedback.attribute("#feedback a.button", "href"));
    assert_eq!(
        summary.text(".handed-in"),
        "✓ Handed in: Agreed or contested?"
    );
    assert!(
        summary
            .text("main")
            .contains("The correct answers and the explanations are shown now")
    );
    let page = sam.get("/student");
    assert_eq!(titles(&page, ".done"), ["Agreed or contested?"]);
    assert_eq!(titles(&page, ".to-do").len(), 2);
}

#[test]
fn the_end_of_an_assignment_whose_answers_wait_says_handed_in_and_when_they_show() {
    let app = spawn_app();
    let class = classes::teacher_with_class(&app, "rivera", "10B History");
    let code = classes::join_code(&app.get(&class));
    let tomorrow = date_in(1);
    let page = assign(
        &app,
        &class,
        &[
            ("skill", "source"),
            ("length", "1"),
            ("due", &tomorrow),
            ("feedback", "after-due"),
        ],
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let sam = app.browser_for(browser());
    classes::join(&sam, &code, "Sam");
    let page = sam.get("/student");
    let question = start_first(&sam, &page);
    let saved = sam.answer(&question, false);
    let summary = sam.get(&saved.attribute("#feedback a.button", "href"));
    assert_eq!(summary.text(".handed-in"), "✓ Handed in: Which source?");
    assert!(
        summary.text("main").contains(&format!(
            "after the due date, {}, 23:59 (UTC)",
            spoken_date_in(1)
        )),
        "{}",
        summary.text("main")
    );
}

#[test]
fn an_assignment_the_teacher_titled_goes_by_its_title_on_the_student_s_pages() {
    let app = spawn_app();
    let class = classes::teacher_with_class(&app, "rivera", "10B History");
    let code = classes::join_code(&app.get(&class));
    let page = assign(
        &app,
        &class,
        &[
            ("skill", "source"),
            ("length", "1"),
            ("title", "Week 3: who wrote it?"),
            ("feedback", "immediate"),
        ],
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let sam = app.browser_for(browser());
    classes::join(&sam, &code, "Sam");
    let page = sam.get("/student");
    assert_eq!(titles(&page, ".to-do"), ["Week 3: who wrote it?"]);
    let question = start_first(&sam, &page);
    assert_eq!(
        question.text(".assignment-place"),
        "Assignment: Week 3: who wrote it?"
    );
    let feedback = sam.answer(&question, true);
    let summary = sam.get(&feedback.attribute("#feedback a.button", "href"));
    assert_eq!(
        summary.text(".handed-in"),
        "✓ Handed in: Week 3: who wrote it?"
    );
}
