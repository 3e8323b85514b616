//! Results: what the teacher sees after students have done an assignment, the CSV
//! exports, and that no one else sees them.

use reqwest::StatusCode;

use crate::classes::{join, join_code, teacher_with_class};
use crate::helpers::{Browser, TestApp, browser, spawn_app};

/// A class with one assignment of 2 source questions (immediate feedback); returns the
/// class path and the assignment's results path.
fn class_with_assignment(teacher: &Browser) -> (String, String) {
    let class = teacher_with_class(teacher, "rivera", "10B History");
    let csrf = teacher.get(&class).attribute("input[name=csrf]", "value");
    let page = teacher.post(
        &format!("{class}/assignments"),
        &[
            ("csrf", csrf.as_str()),
            ("pack", "khojaly-1992"),
            ("focus", "source"),
            ("length", "2"),
            ("due", ""),
            ("feedback", "immediate"),
        ],
    );
    let results = page.attribute(".assignments h3 a", "href");
    (class, results)
}

/// Presses Start on the student's page and answers the assignment's questions in turn,
/// rightly or wrongly as `right` says.
fn answer_assignment(student: &Browser, right: &[bool]) {
    let mine = student.get("/student");
    let action = mine.attribute(".assignments form", "action");
    let csrf = mine.attribute(".assignments input[name=csrf]", "value");
    let mut page = student.post(&action, &[("csrf", &csrf)]);
    for &answer in right {
        let feedback = student.answer(&page, answer);
        page = student.get(&feedback.attribute("#feedback a.button", "href"));
    }
}

/// A student joins and does the assignment: `right` says which answers are right.
fn do_assignment(student: &Browser, code: &str, nickname: &str, right: [bool; 2]) {
    assert_eq!(join(student, code, nickname).status, StatusCode::OK);
    answer_assignment(student, &right);
}

/// Four students: three do the assignment, one joins and does nothing.
fn a_class_that_did_the_assignment(app: &TestApp) -> (String, String) {
    let (class, results) = class_with_assignment(app);
    let code = join_code(&app.get(&class));
    do_assignment(&app.browser_for(browser()), &code, "Sam", [true, false]);
    do_assignment(&app.browser_for(browser()), &code, "-Alex", [false, false]);
    do_assignment(&app.browser_for(browser()), &code, "Kim", [true, true]);
    join(&app.browser_for(browser()), &code, "Lee");
    (class, results)
}

#[test]
fn the_teacher_sees_each_student_and_each_question_with_the_answers_chosen() {
    let app = spawn_app();
    let (class, results) = a_class_that_did_the_assignment(&app);
    assert!(
        app.get(&class)
            .text(".assignments .card")
            .contains("Done by 3 of 4 students.")
    );
    assert_eq!(
        app.get(&class).texts("table.overview tbody tr"),
        [
            "-Alex 1 of 1 0 of 2 (0%) – – –",
            "Kim 1 of 1 2 of 2 (100%) – – –",
            "Lee 0 of 1 – – – –",
            "Sam 1 of 1 1 of 2 (50%) – – –"
        ],
        "per student: assignments done, and per skill right of answered"
    );
    let page = app.get(&results);
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.texts("table.scores tbody tr"),
        [
            "-Alex Done 0 of 2",
            "Kim Done 2 of 2",
            "Lee Not started –",
            "Sam Done 1 of 2"
        ]
    );

    // Question by question: 6 answers in all, 3 of them right; each question marks its
    // correct option in words and shows the explanation on request.
    let items = page.texts(".item");
    assert!(!items.is_empty());
    let mut answers = 0;
    let mut chosen = 0;
    for item in page
        .html()
        .select(&scraper::Selector::parse(".item").unwrap())
    {
        let text = crate::helpers::fold(&item.text().collect::<Vec<_>>().join(" "));
        let count: usize = text
            .split(" answer")
            .next()
            .and_then(|before| before.rsplit(' ').next())
            .and_then(|number| number.parse().ok())
            .unwrap_or_else(|| panic!("a count of answers in {text}"));
        answers += count;
        assert_eq!(text.matches("✓ correct").count(), 1, "{text}");
        assert!(
            text.contains("The correct answer and the explanation"),
            "{text}"
        );
        for bar in item.select(&scraper::Selector::parse(".bar-label").unwrap()) {
            let label = bar.text().collect::<String>();
            chosen += label
                .rsplit(": ")
                .next()
                .and_then(|number| number.trim().parse::<usize>().ok())
                .unwrap_or_else(|| panic!("a count in {label}"));
        }
    }
    assert_eq!(answers, 6);
    assert_eq!(chosen, 6, "every answer is counted on one bar");

    // Every answer of one student, with whether it was right.
    let sam = app
        .get(&class)
        .attributes(".students a", "href")
        .into_iter()
        .last()
        .unwrap();
    let page = app.get(&sam);
    assert_eq!(page.text("h1"), "Sam");
    let rows = page.texts("table.answers tbody tr");
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows.iter().filter(|row| row.ends_with("✓ right")).count(),
        1
    );
    assert_eq!(
        rows.iter().filter(|row| row.ends_with("✗ wrong")).count(),
        1
    );
}

#[test]
fn csv_exports_open_cleanly_in_a_spreadsheet_and_defuse_formulas() {
    let app = spawn_app();
    let (class, results) = a_class_that_did_the_assignment(&app);
    let response = app
        .client
        .get(app.url(&format!("{results}/results.csv")))
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"assignment-")
    );
    let body = response.text().unwrap();
    let body = body
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for spreadsheets");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "nickname");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 6, "one row per student per question");
    let right = headers.iter().position(|header| header == "right").unwrap();
    assert_eq!(rows.iter().filter(|row| &row[right] == "yes").count(), 3);
    assert!(
        rows.iter().any(|row| &row[0] == "'-Alex"),
        "a cell starting with - is defused"
    );
    assert!(!rows.iter().any(|row| row[0].starts_with('-')));

    let gradebook = app.get(&format!("{class}/gradebook.csv")).body;
    let gradebook = gradebook.strip_prefix('\u{feff}').unwrap().to_string();
    let mut reader = csv::Reader::from_reader(gradebook.as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|row| row.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), 4, "one row per student");
    assert_eq!(
        rows[1],
        ["Kim", "1 of 1", "2", "2", "0", "0", "0", "0", "0", "0"]
    );
    assert_eq!(
        rows[2],
        ["Lee", "0 of 1", "0", "0", "0", "0", "0", "0", "0", "0"]
    );
}

#[test]
fn results_are_the_class_teachers_only() {
    let app = spawn_app();
    let (class, results) = a_class_that_did_the_assignment(&app);
    let other = app.browser_for(browser());
    teacher_with_class(&other, "okafor", "11A Civics");
    for path in [
        results.clone(),
        format!("{results}/results.csv"),
        format!("{class}/gradebook.csv"),
    ] {
        let page = other.get(&path);
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!page.body.contains("Sam"), "{path}");
        let visitor = app.browser_for(browser()).get(&path);
        assert_eq!(visitor.path(), "/teachers/sign-in", "{path}");
    }
}

#[test]
fn each_question_opens_on_its_own_to_discuss_in_class() {
    let app = spawn_app();
    let (_, results) = a_class_that_did_the_assignment(&app);
    let page = app.get(&results);
    let links = page.attributes(".item a[href*='/exercises/']", "href");
    assert!(!links.is_empty());
    let mut chosen_in_all = 0;
    for link in &links {
        // At first: the question and how the class answered, not where the passage is
        // from nor the answer.
        let page = app.get(link);
        assert_eq!(page.status, StatusCode::OK, "{link}");
        assert_eq!(page.text("h1"), "Which document is this passage from?");
        assert!(!page.text("main").contains("From: "), "{link}");
        assert!(page.texts(".outcome.is-correct").is_empty());
        assert!(!page.text("main").contains("Correct answer"));
        assert!(page.texts(".explanation").is_empty());
        assert_eq!(
            page.texts(".reveal-links a"),
            ["Show where the passage is from", "Show the answer"]
        );
        // Each link shows its part, and keeps the other.
        let from = page.attribute(".reveal-links a", "href");
        let page = app.get(&format!("{link}{from}"));
        assert!(page.text(".passage figcaption").starts_with("From: "));
        assert!(page.texts(".outcome.is-correct").is_empty());
        assert_eq!(page.texts(".reveal-links a"), ["Show the answer"]);
        let answer = page.attribute(".reveal-links a", "href");
        assert_eq!(answer, "?from=yes&answer=yes#options");
        let page = app.get(&format!("{link}?from=yes&answer=yes"));
        assert!(page.text(".passage figcaption").starts_with("From: "));
        assert!(page.texts(".reveal-links a").is_empty());
        let page = app.get(&format!("{link}?answer=yes"));
        assert!(!page.text("main").contains("From: "));
        assert_eq!(page.texts(".outcome.is-correct").len(), 1);
        assert!(
            page.text(".outcome.is-correct")
                .contains("✓ Correct answer")
        );
        assert!(!page.text(".explanation").is_empty());
        for tag in page.texts(".outcome .tag") {
            if let Some(count) = tag
                .strip_prefix("chosen ")
                .and_then(|rest| rest.split(' ').next())
            {
                chosen_in_all += count.parse::<usize>().unwrap();
            }
        }
    }
    assert_eq!(
        chosen_in_all, 6,
        "the 6 answers of the assignment, each counted once"
    );

    let other = app.browser_for(browser());
    teacher_with_class(&other, "okafor", "11A Civics");
    assert_eq!(other.get(&links[0]).status, StatusCode::NOT_FOUND);
    let unknown = format!("{results}/exercises/no-such-exercise");
    assert_eq!(app.get(&unknown).status, StatusCode::NOT_FOUND);
}

#[test]
fn a_discrimination_index_appears_once_ten_students_have_answered() {
    let app = spawn_app();
    let class = teacher_with_class(&app, "rivera", "10B History");
    let csrf = app.get(&class).attribute("input[name=csrf]", "value");
    // Every contested exercise, so that all students answer the same ones.
    let contested = crate::helpers::library()
        .pack(crate::helpers::PACK)
        .unwrap()
        .exercises_of(sourcewise::content::Skill::Contested)
        .count();
    app.post(
        &format!("{class}/assignments"),
        &[
            ("csrf", csrf.as_str()),
            ("pack", "khojaly-1992"),
            ("focus", "contested"),
            ("length", ""),
            ("due", ""),
            ("feedback", "immediate"),
        ],
    );
    let results = app.get(&class).attribute(".assignments h3 a", "href");
    let code = join_code(&app.get(&class));
    let students: Vec<Browser> = (0..10).map(|_| app.browser_for(browser())).collect();
    for (index, student) in students.iter().enumerate() {
        assert_eq!(
            join(student, &code, &format!("Student {index}")).status,
            StatusCode::OK
        );
        // Before this student answers, at most nine have.
        let page = app.get(&results);
        assert!(
            !page.body.contains("discrimination"),
            "not before ten students"
        );
        // Students 0 to 4 get everything right, 5 to 9 everything wrong.
        answer_assignment(student, &vec![index < 5; contested]);
    }
    let page = app.get(&results);
    let items = page.texts(".item");
    assert_eq!(items.len(), contested);
    for item in items {
        assert!(
            item.contains("10 answers, 50% right · discrimination +1.00"),
            "{item}"
        );
    }
}

#[test]
fn the_most_missed_question_comes_first_and_the_grid_shows_who_got_what() {
    let app = spawn_app();
    let (class, results) = class_with_assignment(&app);
    let code = join_code(&app.get(&class));
    // Question 2 is missed by two of three, question 1 by one; Lee does nothing.
    do_assignment(&app.browser_for(browser()), &code, "Sam", [true, false]);
    do_assignment(&app.browser_for(browser()), &code, "Alex", [false, false]);
    do_assignment(&app.browser_for(browser()), &code, "Kim", [true, true]);
    join(&app.browser_for(browser()), &code, "Lee");
    let page = app.get(&results);
    assert_eq!(
        page.texts(".item h3")
            .iter()
            .map(|heading| heading.split(':').next().unwrap().to_string())
            .collect::<Vec<_>>(),
        ["Question 2", "Question 1"],
        "most missed first"
    );
    assert!(page.texts(".item")[0].contains("3 answers, 33% right"));
    // The grid: columns in the same order, each mark in words too.
    assert_eq!(
        page.texts(".results-grid thead th"),
        ["Student", "Q2Question 2", "Q1Question 1"]
    );
    assert_eq!(
        page.texts(".results-grid tbody tr"),
        [
            "Alex ✗wrong ✗wrong",
            "Kim ✓right ✓right",
            "Lee –not done –not done",
            "Sam ✗wrong ✓right"
        ]
    );
    // Each name opens the student's page.
    let sam = page.attributes(".results-grid tbody th a", "href")[3].clone();
    assert_eq!(app.get(&sam).text("h1"), "Sam");
    assert_eq!(
        page.attributes("table.scores tbody th a", "href")[3],
        sam,
        "the status table links too"
    );
    // Each statistic is explained in a sentence.
    let terms = page.text(".item-terms");
    assert!(
        terms.contains("Did the students who did best overall get this one right more often?"),
        "{terms}"
    );
    assert!(terms.contains("What share of the students who answered"));
}
