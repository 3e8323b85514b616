//! Classes and students: creating a class, joining it with the code, continuing on
//! another device, and who may see and change what.

use reqwest::StatusCode;

use crate::assignments::{assign_two_source_questions, open_assignment};
use crate::helpers::{Browser, Page, TestApp, browser, spawn_app};

/// Signs up a teacher on `browser` and creates a class; returns the class page's path.
pub fn teacher_with_class(browser: &Browser, username: &str, class_name: &str) -> String {
    let page = crate::live::post_sign_up(browser, "A teacher", username);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    create_class(browser, class_name, "Tuesdays, room 4")
}

/// The page after sending the new-class form of a signed-in teacher.
pub fn post_class(browser: &Browser, name: &str, description: &str) -> Page {
    let csrf = browser
        .get("/teachers")
        .attribute("input[name=csrf]", "value");
    browser.post(
        "/teachers/classes",
        &[
            ("csrf", csrf.as_str()),
            ("name", name),
            ("description", description),
        ],
    )
}

pub fn create_class(browser: &Browser, name: &str, description: &str) -> String {
    let page = post_class(browser, name, description);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.path()
}

pub fn join_code(page: &Page) -> String {
    page.text(".join-code")
}

pub fn join(student: &Browser, code: &str, nickname: &str) -> Page {
    let csrf = student.get("/join").attribute("input[name=csrf]", "value");
    student.post(
        "/join",
        &[
            ("csrf", csrf.as_str()),
            ("code", code),
            ("nickname", nickname),
        ],
    )
}

fn switch(teacher: &Browser, class: &str, what: &str, value: &str) -> Page {
    let csrf = teacher.get(class).attribute("input[name=csrf]", "value");
    teacher.post(
        &format!("{class}/{what}"),
        &[("csrf", csrf.as_str()), ("value", value)],
    )
}

#[test]
fn a_teacher_creates_a_class_with_a_readable_join_code_and_a_qr_code() {
    let app = spawn_app();
    let class = teacher_with_class(&app, "rivera", "10B History");
    let page = app.get(&class);
    assert_eq!(page.text("h1"), "10B History");
    assert_eq!(page.text(".class-description"), "Tuesdays, room 4");
    let code = join_code(&page);
    assert_eq!(code.len(), 9, "{code}");
    assert_eq!(&code[4..5], "-");
    assert!(!code.contains(['0', 'O', '1', 'I', 'L']), "{code}");
    assert!(
        page.text(".url")
            .ends_with(&format!("/join/{}", code.replace('-', "")))
    );

    let projector = app.get(&format!("{class}/projector"));
    assert_eq!(projector.status, StatusCode::OK);
    assert_eq!(join_code(&projector), code);
    assert_eq!(
        projector.attribute("svg.qr", "aria-label"),
        "QR code of the join link"
    );
    assert!(projector.body.contains("<path") || projector.body.contains("<rect"));

    let home = app.get("/teachers");
    assert_eq!(home.texts(".card h3"), vec!["10B History"]);
}

#[test]
fn class_form_mistakes_are_explained() {
    let app = spawn_app();
    teacher_with_class(&app, "rivera", "10B History");
    let csrf = app.get("/teachers").attribute("input[name=csrf]", "value");
    let page = app.post(
        "/teachers/classes",
        &[
            ("csrf", csrf.as_str()),
            ("name", "  "),
            ("description", "kept"),
        ],
    );
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.text(".form-error").contains("Give the class a name"));
    assert_eq!(page.text("textarea"), "kept");
    let page = app.post("/teachers/classes", &[("name", "No token")]);
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/teachers").texts(".card h3").len(), 1);
}

#[test]
fn students_join_with_the_code_and_a_nickname_and_get_a_resume_code() {
    let app = spawn_app();
    let class = teacher_with_class(&app, "rivera", "10B History");
    let code = join_code(&app.get(&class));

    let sam = app.browser_for(browser());
    let page = join(&sam, &code.to_lowercase().replace('-', " "), "  Sam  R. ");
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.path(), "/student");
    assert_eq!(page.text("h2"), "10B History");
    assert!(page.text("main").contains("You are Sam R."));
    let resume = page.text(".card .code");
    assert_eq!(resume.len(), 15, "{resume}");

    // The same nickname in another case is taken; what was typed is kept.
    let other = app.browser_for(browser());
    let page = join(&other, &code, "sam r.");
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.text(".form-error").contains("already called “Sam R.”"));
    assert_eq!(page.attribute("#nickname", "value"), "sam r.");
    assert_eq!(page.attribute("#code", "value"), code);

    for (typed, message) in [
        ("AB0-234", "That is not a join code"),
        ("ZZZ-ZZZ", "No class has the code ZZZ-ZZZ"),
    ] {
        let page = join(&other, typed, "Alex");
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert!(
            page.text(".form-error").contains(message),
            "{}",
            page.text(".form-error")
        );
    }
    let page = join(&other, &code, "<script>");
    assert!(page.text(".form-error").contains("letters, digits, spaces"));
    assert!(!page.body.contains("<script>"), "typed text is escaped");

    let teacher_view = app.get(&class);
    assert_eq!(teacher_view.texts(".students li"), vec!["Sam R."]);

    // The link from the projector fills in the code.
    let page = other.get(&format!("/join/{}", code.replace('-', "")));
    assert_eq!(page.attribute("#code", "value"), code);
}

#[test]
fn a_locked_or_archived_class_takes_no_new_students() {
    let app = spawn_app();
    let class = teacher_with_class(&app, "rivera", "10B History");
    let code = join_code(&app.get(&class));
    let student = app.browser_for(browser());

    let page = switch(&app, &class, "locked", "yes");
    assert!(page.text("main").contains("closed to new students"));
    let page = join(&student, &code, "Sam");
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.text(".form-error").contains("closed to new students"));

    switch(&app, &class, "locked", "no");
    switch(&app, &class, "archived", "yes");
    assert!(
        join(&student, &code, "Sam")
            .text(".form-error")
            .contains("closed")
    );
    let home = app.get("/teachers");
    assert!(home.text("main").contains("Archived classes"));

    switch(&app, &class, "archived", "no");
    assert_eq!(join(&student, &code, "Sam").status, StatusCode::OK);
    let page = switch(&app, &class, "locked", "maybe");
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
}

#[test]
fn a_student_continues_on_another_device_with_the_resume_code() {
    let app = spawn_app();
    let class = teacher_with_class(&app, "rivera", "10B History");
    let code = join_code(&app.get(&class));
    let phone = app.browser_for(browser());
    let resume = join(&phone, &code, "Sam").text(".card .code");

    let laptop = app.browser_for(browser());
    assert!(
        laptop
            .get("/student")
            .text("main")
            .contains("has not joined a class")
    );
    let csrf = laptop.get("/resume").attribute("input[name=csrf]", "value");
    let page = laptop.post(
        "/resume",
        &[
            ("csrf", csrf.as_str()),
            ("code", &code),
            ("resume", &resume.to_lowercase()),
        ],
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.text("main").contains("You are Sam"));
    assert_eq!(page.text(".card .code"), resume);
}

#[test]
fn a_teacher_cannot_see_or_change_another_teachers_class() {
    let app = spawn_app();
    let class = teacher_with_class(&app, "rivera", "10B History");
    let other = app.browser_for(browser());
    teacher_with_class(&other, "okafor", "11A Civics");

    for path in [
        class.clone(),
        format!("{class}/projector"),
        format!("{class}/delete"),
    ] {
        let page = other.get(&path);
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            !page.body.contains("10B History"),
            "{path} shows nothing of the class"
        );
    }
    let csrf = other
        .get("/teachers")
        .attribute("input[name=csrf]", "value");
    for what in ["locked", "archived", "delete"] {
        let page = other.post(
            &format!("{class}/{what}"),
            &[("csrf", csrf.as_str()), ("value", "yes")],
        );
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{what}");
    }
    assert_eq!(
        app.get(&class).status,
        StatusCode::OK,
        "the class is untouched"
    );
    assert!(
        !app.get(&class)
            .text("main")
            .contains("closed to new students")
    );

    // A student, and a browser that is no one, are sent to sign in.
    let student = app.browser_for(browser());
    join(&student, &join_code(&app.get(&class)), "Sam");
    let page = student.get(&class);
    assert_eq!(page.path(), "/teachers/sign-in");
    assert_eq!(
        other.get("/teachers/classes/not-an-id").status,
        StatusCode::NOT_FOUND
    );
}

#[test]
fn deleting_a_class_deletes_its_students_and_their_answers() {
    let mut app: TestApp = spawn_app();
    let class = teacher_with_class(&app, "rivera", "10B History");
    let code = join_code(&app.get(&class));
    assign_two_source_questions(&app, &class);
    let student = app.browser_for(browser());
    join(&student, &code, "Sam");
    let mine = student.start_round("mix", "2");
    student.answer(&mine, false);
    let page = open_assignment(&student);
    let question = page.path();
    student.answer(&page, true);
    assert_eq!(
        student.get("/progress").text(".score"),
        "2 answers so far, 1 of them right, in 2 rounds."
    );
    assert_eq!(student.get(&question).text("#verdict"), "✓ Right");

    let csrf = app
        .get(&format!("{class}/delete"))
        .attribute("input[name=csrf]", "value");
    let page = app.post(&format!("{class}/delete"), &[("csrf", csrf.as_str())]);
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text(".notice"), "The class has been deleted.");
    assert_eq!(app.get(&class).status, StatusCode::NOT_FOUND);
    assert!(
        student
            .get("/student")
            .text("main")
            .contains("has not joined a class")
    );
    assert_eq!(
        student.get("/progress").text(".score"),
        "1 answer so far, not yet right, in 1 round.",
        "the student's answers in the class are gone; the browser's own practice stays"
    );
    assert_eq!(
        student.get(&question).status,
        StatusCode::NOT_FOUND,
        "and so is their round, though it was open a moment ago"
    );
    let page = join(&student, &code, "Sam");
    assert!(page.text(".form-error").contains("No class has the code"));

    app.restart_after_kill();
    assert_eq!(app.get(&class).status, StatusCode::NOT_FOUND);
}

#[test]
fn a_teacher_renames_gives_a_new_resume_code_to_and_removes_a_student() {
    let app = spawn_app();
    let class = teacher_with_class(&app, "rivera", "10B History");
    let code = join_code(&app.get(&class));
    let sam = app.browser_for(browser());
    let old_resume = join(&sam, &code, "Sam").text(".card .code");
    join(&app.browser_for(browser()), &code, "Alex");
    let page = sam.start_round("mix", "2");
    sam.answer(&page, true);

    // Students are listed alphabetically: Alex, then Sam.
    assert_eq!(app.get(&class).texts(".students li"), vec!["Alex", "Sam"]);
    let student = app.get(&class).attributes(".students a", "href")[1].clone();
    let csrf = app.get(&student).attribute("input[name=csrf]", "value");

    let page = app.post(
        &format!("{student}/nickname"),
        &[("csrf", csrf.as_str()), ("nickname", "alex")],
    );
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.text(".form-error").contains("already called “Alex”"));
    let page = app.post(
        &format!("{student}/nickname"),
        &[("csrf", csrf.as_str()), ("nickname", "Samira")],
    );
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text("h1"), "Samira");
    assert!(sam.get("/student").text("main").contains("You are Samira"));
    assert_eq!(
        app.get(&class).texts(".students li"),
        vec!["Alex", "Samira"]
    );
    assert_eq!(
        join(&app.browser_for(browser()), &code, "Sam").status,
        StatusCode::OK,
        "the old nickname is free again"
    );

    let page = app.post(
        &format!("{student}/resume-code"),
        &[("csrf", csrf.as_str())],
    );
    assert!(page.text(".notice").contains("new resume code"));
    let new_resume = page.text("main .code");
    assert_ne!(new_resume, old_resume);
    let laptop = app.browser_for(browser());
    let resume_with = |resume: &str| {
        let csrf = laptop.get("/resume").attribute("input[name=csrf]", "value");
        laptop.post(
            "/resume",
            &[("csrf", csrf.as_str()), ("code", &code), ("resume", resume)],
        )
    };
    assert_eq!(
        resume_with(&old_resume).status,
        StatusCode::BAD_REQUEST,
        "the old code no longer works"
    );
    assert!(
        resume_with(&new_resume)
            .text("main")
            .contains("You are Samira")
    );

    let page = app.post(&format!("{student}/delete"), &[("csrf", csrf.as_str())]);
    assert_eq!(
        page.status,
        StatusCode::BAD_REQUEST,
        "the box must be ticked"
    );
    assert!(page.text(".error-message").contains("Tick the box"));
    let page = app.post(
        &format!("{student}/delete"),
        &[("csrf", csrf.as_str()), ("confirm", "yes")],
    );
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(app.get(&class).texts(".students li"), vec!["Alex", "Sam"]);
    assert!(
        sam.get("/student")
            .text("main")
            .contains("has not joined a class")
    );
    assert_eq!(
        sam.get("/progress").text(".score"),
        "1 answer so far, and it was right, in 1 round.",
        "what the browser practised on its own stays its own"
    );
    assert_eq!(app.get(&student).status, StatusCode::NOT_FOUND);
}

#[test]
fn another_teacher_cannot_reach_a_student_of_my_class() {
    let app = spawn_app();
    let class = teacher_with_class(&app, "rivera", "10B History");
    let code = join_code(&app.get(&class));
    join(&app.browser_for(browser()), &code, "Sam");
    let student = app.get(&class).attribute(".students a", "href");

    let other = app.browser_for(browser());
    let other_class = teacher_with_class(&other, "okafor", "11A Civics");
    let csrf = other
        .get("/teachers")
        .attribute("input[name=csrf]", "value");
    assert_eq!(other.get(&student).status, StatusCode::NOT_FOUND);
    // Not even through their own class's address.
    let student_id = student.rsplit('/').next().unwrap();
    let through_own = format!("{other_class}/students/{student_id}");
    assert_eq!(other.get(&through_own).status, StatusCode::NOT_FOUND);
    for action in ["nickname", "resume-code", "delete"] {
        let page = other.post(
            &format!("{through_own}/{action}"),
            &[
                ("csrf", csrf.as_str()),
                ("nickname", "Hacked"),
                ("confirm", "yes"),
            ],
        );
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{action}");
    }
    assert_eq!(app.get(&class).texts(".students li"), vec!["Sam"]);
}
