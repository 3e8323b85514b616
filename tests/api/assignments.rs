//! Assignments: a teacher gives a class a lesson; students do it with the practice
//! pages; its exercises are fixed when they start; answers can wait for the due date.

use reqwest::StatusCode;

use crate::classes;
use crate::helpers::{Browser, Page, browser, spawn_app};

/// A signed-up teacher with a class; returns the class page's path and join code.
fn teacher_with_class(teacher: &Browser, username: &str) -> (String, String) {
    let class = classes::teacher_with_class(teacher, username, "10B History");
    let code = classes::join_code(&teacher.get(&class));
    (class, code)
}

fn join(student: &Browser, code: &str, nickname: &str) {
    let page = classes::join(student, code, nickname);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
}

/// Assigns two "Which source?" questions, answers shown straight away.
pub fn assign_two_source_questions(teacher: &Browser, class: &str) {
    let page = assign(
        teacher,
        class,
        &[
            ("skill", "source"),
            ("length", "2"),
            ("due", ""),
            ("feedback", "immediate"),
        ],
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
}

pub fn assign(teacher: &Browser, class: &str, fields: &[(&str, &str)]) -> Page {
    let csrf = teacher.get(class).attribute("input[name=csrf]", "value");
    let mut form = vec![("csrf", csrf.as_str()), ("pack", "khojaly-1992")];
    form.extend_from_slice(fields);
    teacher.post(&format!("{class}/assignments"), &form)
}

/// The date `days` days from today (UTC), as a date field sends it.
fn date_in(days: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let output = std::process::Command::new("date")
        .args([
            "-u",
            "-d",
            &format!("@{}", now + days * 86_400),
            "+%Y-%m-%d",
        ])
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// Presses the assignment's button on the student's page and lands on its round.
pub fn open_assignment(student: &Browser) -> Page {
    let page = student.get("/student");
    if let Some(url) = page.attributes(".assignments a.button", "href").first() {
        return student.get(url);
    }
    let action = page.attribute(".assignments form", "action");
    let csrf = page.attribute(".assignments input[name=csrf]", "value");
    student.post(&action, &[("csrf", &csrf)])
}

#[test]
fn students_do_an_assigned_lesson_and_the_teacher_sees_who_finished() {
    let app = spawn_app();
    let (class, code) = teacher_with_class(&app, "rivera");
    let page = assign(
        &app,
        &class,
        &[
            ("focus", "source"),
            ("length", "3"),
            ("due", ""),
            ("feedback", "immediate"),
        ],
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let listed = page.text(".assignments .card");
    assert!(listed.contains("Which source?"), "{listed}");
    assert!(
        listed.contains("3 questions · answers shown straight away"),
        "{listed}"
    );
    assert!(listed.contains("No students have joined yet."), "{listed}");

    let sam = app.browser_for(browser());
    join(&sam, &code, "Sam");
    let mine = sam.get("/student");
    assert_eq!(mine.text(".assignments .tag"), "Not started");

    let first = open_assignment(&sam);
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.text(".round-place"), "Question 1 of 3 Which source?");
    let round = first
        .path()
        .rsplit_once("/questions/")
        .unwrap()
        .0
        .to_string();
    sam.answer(&first, true);
    assert_eq!(sam.get("/student").text(".assignments .tag"), "In progress");

    // Pressing again continues the same round: the exercises were fixed at the start.
    let again = open_assignment(&sam);
    assert!(
        again.path().starts_with(&round),
        "{} is in {round}",
        again.path()
    );
    assert_eq!(again.text(".round-place"), "Question 2 of 3 Which source?");
    let feedback = sam.answer(&again, false);
    assert_eq!(
        feedback.text("#verdict"),
        "✗ Not quite",
        "feedback straight away"
    );
    let third = sam.get(&format!("{round}/questions/3"));
    sam.answer(&third, true);
    assert_eq!(sam.get("/student").text(".assignments .tag"), "Done");
    let summary = open_assignment(&sam);
    assert_eq!(summary.text(".score"), "You got 2 of 3 answers right.");

    assert!(
        app.get(&class)
            .text(".assignments .card")
            .contains("Done by 1 of 1 student.")
    );
}

#[test]
fn answers_shown_after_the_due_date_are_saved_but_not_marked_before_it() {
    let app = spawn_app();
    let (class, code) = teacher_with_class(&app, "rivera");
    let tomorrow = date_in(1);
    assign(
        &app,
        &class,
        &[
            ("focus", "mix"),
            ("length", "2"),
            ("due", &tomorrow),
            ("feedback", "after-due"),
        ],
    );
    let sam = app.browser_for(browser());
    join(&sam, &code, "Sam");
    let first = open_assignment(&sam);
    let saved = sam.answer(&first, false);
    assert_eq!(saved.text("#verdict"), "Answer saved");
    assert!(
        saved
            .text("#feedback")
            .contains(&format!("after the due date, {tomorrow}"))
    );
    assert!(
        saved.texts(".outcome").is_empty(),
        "no option is explained yet"
    );
    assert!(!saved.body.contains("Not quite") && !saved.body.contains("Correct answer"));
    let second = sam.get(&saved.attribute("#feedback a.button", "href"));
    let saved = sam.answer(&second, true);
    let summary = sam.get(&saved.attribute("#feedback a.button", "href"));
    assert_eq!(summary.text("h1"), "Your answers are saved");
    assert!(
        !summary.body.contains("right"),
        "no score before the due date"
    );
    assert!(
        sam.get("/progress")
            .text("main")
            .contains("not answered any questions"),
        "the progress page does not count it yet"
    );
}

#[test]
fn an_assignment_past_its_due_date_is_overdue_and_shows_its_answers() {
    let app = spawn_app();
    let (class, code) = teacher_with_class(&app, "rivera");
    let yesterday = date_in(-1);
    assign(
        &app,
        &class,
        &[
            ("focus", "contested"),
            ("length", ""),
            ("due", &yesterday),
            ("feedback", "after-due"),
        ],
    );
    assert!(
        app.get(&class)
            .text(".assignments .card")
            .contains("every question of that kind")
    );
    let sam = app.browser_for(browser());
    join(&sam, &code, "Sam");
    assert_eq!(sam.get("/student").text(".assignments .tag"), "Overdue");
    let first = open_assignment(&sam);
    let contested = crate::helpers::library()
        .pack(crate::helpers::PACK)
        .unwrap()
        .exercises_of(sourcewise::content::Skill::Contested)
        .count();
    assert_eq!(
        first.text(".round-place"),
        format!("Question 1 of {contested} Agreed or contested?")
    );
    let feedback = sam.answer(&first, true);
    assert_eq!(
        feedback.text("#verdict"),
        "✓ Right",
        "the due date has passed"
    );
}

#[test]
fn assignment_mistakes_and_strangers_are_refused() {
    let app = spawn_app();
    let (class, code) = teacher_with_class(&app, "rivera");
    for (fields, message) in [
        (
            vec![
                ("focus", "mix"),
                ("length", "10"),
                ("due", ""),
                ("feedback", "after-due"),
            ],
            "give a due date",
        ),
        (
            vec![
                ("focus", "mix"),
                ("length", "0"),
                ("due", ""),
                ("feedback", "immediate"),
            ],
            "from 1 to 50",
        ),
        (
            vec![
                ("focus", "mix"),
                ("length", "5"),
                ("due", "2026-02-30"),
                ("feedback", "immediate"),
            ],
            "is not a date",
        ),
        (
            vec![
                ("focus", "everything"),
                ("length", "5"),
                ("due", ""),
                ("feedback", "immediate"),
            ],
            "Choose which skill",
        ),
    ] {
        let page = assign(&app, &class, &fields);
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{message}");
        assert!(
            page.text(".error-message").contains(message),
            "{}",
            page.text(".error-message")
        );
    }
    assert!(
        app.get(&class)
            .text("main")
            .contains("No lessons assigned yet.")
    );

    assign(
        &app,
        &class,
        &[
            ("focus", "mix"),
            ("length", "2"),
            ("due", ""),
            ("feedback", "immediate"),
        ],
    );
    let sam = app.browser_for(browser());
    join(&sam, &code, "Sam");
    let start = sam.get("/student").attribute(".assignments form", "action");

    // Another teacher cannot assign to this class; a student of another class, or a
    // browser that joined no class, cannot start the assignment.
    let other = app.browser_for(browser());
    let (_, other_code) = teacher_with_class(&other, "okafor");
    let csrf = other
        .get("/teachers")
        .attribute("input[name=csrf]", "value");
    let page = other.post(
        &format!("{class}/assignments"),
        &[
            ("csrf", csrf.as_str()),
            ("pack", "khojaly-1992"),
            ("focus", "mix"),
            ("feedback", "immediate"),
        ],
    );
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let stranger = app.browser_for(browser());
    join(&stranger, &other_code, "Alex");
    assert_eq!(stranger.post(&start, &[]).status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.browser_for(browser()).post(&start, &[]).status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        sam.post("/student/assignments/not-an-id", &[]).status,
        StatusCode::NOT_FOUND
    );
}

#[test]
fn an_assignment_of_two_skills_deals_them_in_turns() {
    let app = spawn_app();
    let (class, code) = teacher_with_class(&app, "rivera");
    let page = assign(
        &app,
        &class,
        &[
            ("focus", "source+contested"),
            ("length", "4"),
            ("due", ""),
            ("feedback", "immediate"),
        ],
    );
    assert!(
        page.text(".assignments .card")
            .contains("Which source? and Agreed or contested?")
    );
    let sam = app.browser_for(browser());
    join(&sam, &code, "Sam");
    let first = open_assignment(&sam);
    let round = first
        .path()
        .rsplit_once("/questions/")
        .unwrap()
        .0
        .to_string();
    let skills: Vec<String> = (1..=4)
        .map(|number| {
            sam.get(&format!("{round}/questions/{number}"))
                .text(".skill-tag")
        })
        .collect();
    assert_eq!(
        skills
            .iter()
            .filter(|skill| *skill == "Which source?")
            .count(),
        2,
        "{skills:?}"
    );
    assert_eq!(
        skills
            .iter()
            .filter(|skill| *skill == "Agreed or contested?")
            .count(),
        2,
        "{skills:?}"
    );
    assert_ne!(skills[0], skills[1], "the skills take turns: {skills:?}");
    assert_ne!(skills[1], skills[2], "the skills take turns: {skills:?}");
}
