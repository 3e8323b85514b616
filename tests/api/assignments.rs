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
    assign_pack(teacher, class, "khojaly-1992", fields)
}

/// Sends the class page's assign form for the pack `pack`.
pub fn assign_pack(teacher: &Browser, class: &str, pack: &str, fields: &[(&str, &str)]) -> Page {
    let csrf = teacher.get(class).attribute("input[name=csrf]", "value");
    let mut form = vec![("csrf", csrf.as_str()), ("pack", pack)];
    form.extend_from_slice(fields);
    teacher.post(&format!("{class}/assignments"), &form)
}

/// The date `days` days from today (UTC), as a date field sends it.
pub fn date_in(days: i64) -> String {
    crate::helpers::date_in(days, "+%Y-%m-%d")
}

/// The same day as the pages say it: "Thursday 3 December 2026".
pub fn spoken_date_in(days: i64) -> String {
    crate::helpers::date_in(days, "+%A %-d %B %Y")
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
    assert!(saved.text("#feedback").contains(&format!(
        "after the due date, {}, 23:59 (UTC)",
        spoken_date_in(1)
    )));
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
            // Each student their own questions: all of the kind, drawn at the start.
            ("questions", "own"),
            ("focus", "contested"),
            ("length", ""),
            ("due", &yesterday),
            ("feedback", "after-due"),
        ],
    );
    assert!(
        app.get(&class)
            .text(".assignments .card")
            .contains("each student their own random questions · every question of that kind")
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
            page.text(".form-error").contains(message),
            "{}",
            page.text(".form-error")
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

/// The exercise ids of the student's round for the class's only assignment, in order:
/// `count` questions, read from each question page.
fn exercise_ids_of(student: &Browser, count: usize) -> Vec<String> {
    let first = open_assignment(student);
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let round = first
        .path()
        .rsplit_once("/questions/")
        .unwrap()
        .0
        .to_string();
    (1..=count)
        .map(|number| {
            student
                .get(&format!("{round}/questions/{number}"))
                .attribute("input[name=exercise]", "value")
        })
        .collect()
}

/// `count` students join the class and open its assignment; their exercise ids.
fn students_exercise_ids(
    app: &crate::helpers::TestApp,
    code: &str,
    students: usize,
    count: usize,
) -> Vec<Vec<String>> {
    (0..students)
        .map(|index| {
            let student = app.browser_for(browser());
            join(&student, code, &format!("Student {index}"));
            exercise_ids_of(&student, count)
        })
        .collect()
}

#[test]
fn students_of_a_same_questions_assignment_get_the_same_questions_in_the_same_order() {
    let app = spawn_app();
    let (class, code) = teacher_with_class(&app, "rivera");
    let page = assign(
        &app,
        &class,
        &[
            ("questions", "same"),
            ("order", "same"),
            ("skill", "source"),
            ("skill", "contested"),
            ("length", "6"),
            ("feedback", "immediate"),
        ],
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.text(".assignments .card")
            .contains("the same questions for everyone, in the same order · 6 questions"),
        "{}",
        page.text(".assignments .card")
    );
    let ids = students_exercise_ids(&app, &code, 2, 6);
    assert_eq!(ids[0].len(), 6);
    assert_eq!(ids[0], ids[1], "the same exercises, in the same order");
}

#[test]
fn shuffled_same_questions_give_everyone_the_same_set_in_orders_of_their_own() {
    let app = spawn_app();
    let (class, code) = teacher_with_class(&app, "rivera");
    let page = assign(
        &app,
        &class,
        &[
            ("questions", "same"),
            ("order", "shuffled"),
            ("skill", "contested"),
            ("length", "10"),
            ("feedback", "immediate"),
        ],
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let mut ids = students_exercise_ids(&app, &code, 2, 10);
    // Two orders of ten alike by chance: one in 3,628,800.
    assert_ne!(ids[0], ids[1], "each student in an order of their own");
    for list in &mut ids {
        list.sort();
    }
    assert_eq!(ids[0], ids[1], "the same set of exercises");
}

#[test]
fn hand_picked_questions_are_exactly_the_ones_picked() {
    let app = spawn_app();
    let (class, code) = teacher_with_class(&app, "rivera");
    let pack = crate::helpers::library()
        .pack(crate::helpers::PACK)
        .unwrap();
    // The form lists every question with its prompt and skill.
    let form = app.get(&class);
    assert_eq!(
        form.attributes("input[name=pick]", "value").len(),
        pack.exercises().len()
    );
    assert!(form.text(".pick-list").contains("Is the quote faithful?"));
    let exercises = pack.exercises();
    let picked = [exercises[40].id(), exercises[3].id(), exercises[20].id()];
    let page = assign(
        &app,
        &class,
        &[
            ("questions", "picked"),
            ("order", "same"),
            ("title", "Week 3: three to discuss"),
            ("pick", picked[0]),
            ("pick", picked[1]),
            ("pick", picked[2]),
            ("feedback", "immediate"),
        ],
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.text(".assignments .card h3"),
        "Week 3: three to discuss"
    );
    let ids = students_exercise_ids(&app, &code, 2, 3);
    let in_the_lessons_order = vec![
        picked[1].to_string(),
        picked[2].to_string(),
        picked[0].to_string(),
    ];
    assert_eq!(ids[0], in_the_lessons_order);
    assert_eq!(ids[1], in_the_lessons_order);
    let student = app.browser_for(browser());
    join(&student, &code, "Late");
    let round = open_assignment(&student);
    assert!(
        round.text(".round-place").starts_with("Question 1 of 3 "),
        "three questions, no more: {}",
        round.text(".round-place")
    );
}

#[test]
fn a_bad_pick_is_explained_and_the_form_comes_back_as_typed() {
    let app = spawn_app();
    let (class, _) = teacher_with_class(&app, "rivera");
    let pack = crate::helpers::library()
        .pack(crate::helpers::PACK)
        .unwrap();
    let first = pack.exercises()[0].id();
    let fifty_one: Vec<&str> = pack.exercises().iter().take(51).map(|e| e.id()).collect();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![first, "no-such-question"],
            "“no-such-question” is not a question of this lesson",
        ),
        (
            fifty_one,
            "51 questions were picked, and an assignment can have at most 50",
        ),
        (vec![], "No question was picked"),
    ];
    for (picks, message) in cases {
        let mut fields = vec![
            ("questions", "picked"),
            ("order", "shuffled"),
            ("title", "Week 3"),
            ("due", "2030-05-06"),
            ("due_time", "17:30"),
            ("feedback", "after-due"),
        ];
        fields.extend(picks.iter().map(|id| ("pick", *id)));
        let page = assign(&app, &class, &fields);
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{message}");
        assert!(
            page.text(".form-error").contains(message),
            "{message}: {}",
            page.text(".form-error")
        );
        // The form is open, with everything as it was sent.
        assert_eq!(page.attributes("details#assign[open]", "id").len(), 1);
        assert_eq!(page.attribute("#assign-title", "value"), "Week 3");
        assert_eq!(page.attribute("#assign-due", "value"), "2030-05-06");
        assert_eq!(page.attribute("#assign-due-time", "value"), "17:30");
        assert_eq!(
            page.attribute("input[name=questions][checked]", "value"),
            "picked"
        );
        assert_eq!(
            page.attribute("input[name=order][checked]", "value"),
            "shuffled"
        );
        assert_eq!(
            page.attribute("input[name=feedback][checked]", "value"),
            "after-due"
        );
        let mut kept: Vec<String> = picks
            .iter()
            .filter(|id| pack.exercise(id).is_some())
            .map(|id| id.to_string())
            .collect();
        kept.sort();
        let mut ticked = page.attributes("input[name=pick][checked]", "value");
        ticked.sort();
        assert_eq!(ticked, kept);
    }
    assert!(
        app.get(&class)
            .text("main")
            .contains("No lessons assigned yet."),
        "nothing was assigned"
    );
}

#[test]
fn a_due_time_is_the_teachers_own_and_is_shown_with_its_weekday() {
    let app = spawn_app();
    let (class, _) = teacher_with_class(&app, "rivera");
    // The form's script sends the browser's zone; here, Berlin in winter.
    let page = assign(
        &app,
        &class,
        &[
            ("skill", "source"),
            ("length", "2"),
            ("due", "2030-12-03"),
            ("due_time", "17:00"),
            ("tz_offset", "60"),
            ("tz_name", "Europe/Berlin"),
            ("feedback", "immediate"),
        ],
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let card = page.text(".assignments .card");
    assert!(
        card.contains("due Tuesday 3 December 2030, 17:00 (Europe/Berlin)"),
        "{card}"
    );
    assert!(
        card.contains("Which source?"),
        "named after its skill: {card}"
    );
    // Without the script, the time is UTC, and the form says so.
    let form = app.get(&class);
    assert!(
        form.text("#assign-zone-note").contains("taken as UTC"),
        "{}",
        form.text("#assign-zone-note")
    );
    let page = assign(
        &app,
        &class,
        &[
            ("skill", "source"),
            ("due", "2030-12-03"),
            ("due_time", "17:00"),
            ("tz_offset", ""),
            ("feedback", "immediate"),
        ],
    );
    assert!(
        page.text(".assignments")
            .contains("due Tuesday 3 December 2030, 17:00 (UTC)")
    );
    for (fields, message) in [
        (
            vec![("due", "2030-12-03"), ("due_time", "25:00")],
            "is not a time",
        ),
        (vec![("due", ""), ("due_time", "17:00")], "needs a due date"),
        (
            vec![("due", "2030-12-03"), ("tz_offset", "5000")],
            "time zone sent with the form",
        ),
        (vec![("title", "a\u{202e}b")], "hidden or control character"),
    ] {
        let mut form = vec![("skill", "source"), ("feedback", "immediate")];
        form.extend(fields);
        let page = assign(&app, &class, &form);
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{message}");
        assert!(page.text(".form-error").contains(message), "{message}");
    }
}
