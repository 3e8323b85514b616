//! A pre-test and a post-test as a pair: two disjoint forms, the post-test hidden until
//! the teacher opens it, right and wrong withheld until the tests are closed, and the
//! results (page, CSV and JSON) with each student's gain and the class's.

use reqwest::StatusCode;
use scraper::Selector;
use serde_json::Value;

use crate::classes::{join, join_code, teacher_with_class};
use sourcewise::content::Skill;
use sourcewise::practice::Focus;
use sourcewise::pre_post::max_form_length;

use crate::helpers::{Browser, PACK, Page, TestApp, browser, library, next_link, spawn_app};

/// The pair form's fields with a length and titles; every skill ticked.
fn pair_fields<'a>(csrf: &'a str, length: &'a str, pre_title: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("pack", "khojaly-1992"),
        ("skill", "source"),
        ("skill", "perspective"),
        ("skill", "contested"),
        ("skill", "quote"),
        ("length", length),
        ("pre_title", pre_title),
        ("post_title", ""),
    ]
}

/// Sends the pair form from the class page's link; returns the page it leads to.
fn make_pair(teacher: &Browser, class: &str, length: &str, pre_title: &str) -> Page {
    let form = teacher.get(&format!("{class}/pairs/new"));
    assert_eq!(form.status, StatusCode::OK);
    let csrf = form.attribute("input[name=csrf]", "value");
    teacher.post(
        &format!("{class}/pairs"),
        &pair_fields(&csrf, length, pre_title),
    )
}

/// A teacher, a class and a pair of 6-question tests; returns the class path and the
/// pair's page path.
fn class_with_pair(app: &TestApp) -> (String, String) {
    let class = teacher_with_class(app, "rivera", "10B History");
    let page = make_pair(app, &class, "6", "");
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.path().starts_with(&format!("{class}/pairs/")));
    (class, page.path())
}

fn json(app: &Browser, path: &str) -> Value {
    let page = app.get(path);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    serde_json::from_str(&page.body).expect("the results are JSON")
}

/// The titles on the student's to-do list.
fn titles_listed(student: &Browser) -> Vec<String> {
    student
        .get("/student")
        .texts(".assignments li.assignment strong")
}

/// The student's start (or continue) address for the test called `title`.
fn start_test(student: &Browser, title: &str) -> Page {
    let mine = student.get("/student");
    let html = mine.html();
    let item = Selector::parse("li.assignment").unwrap();
    let strong = Selector::parse("strong").unwrap();
    let form = Selector::parse("form").unwrap();
    let csrf = Selector::parse("input[name=csrf]").unwrap();
    let found = html
        .select(&item)
        .find(|li| {
            li.select(&strong)
                .next()
                .is_some_and(|s| s.text().collect::<String>() == title)
        })
        .unwrap_or_else(|| panic!("“{title}” is on the student's list"));
    let form = found.select(&form).next().expect("a form that starts it");
    let action = form.value().attr("action").unwrap().to_string();
    let token = form
        .select(&csrf)
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_string();
    student.post(&action, &[("csrf", &token)])
}

/// Does the test called `title` with `right` of its questions right, the first ones
/// (saying "sure" when right and "guessing" when wrong); returns the last page.
fn do_test(student: &Browser, title: &str, right: usize, questions: usize) -> Page {
    let mut page = start_test(student, title);
    let mut last = None;
    for number in 0..questions {
        let is_right = number < right;
        let confidence = if is_right { "sure" } else { "guessing" };
        let answered = student.answer_sure(&page, is_right, Some(confidence));
        page = student.get(&next_link(&answered));
        last = Some(answered);
    }
    assert!(page.path().ends_with("/summary"), "{}", page.path());
    last.expect("at least one question")
}

/// Presses the pair page's button that posts to `action`.
fn press(teacher: &Browser, pair: &str, action: &str) -> Page {
    let page = teacher.get(pair);
    let path = format!("{pair}/{action}");
    assert_eq!(
        page.attribute("main form", "action"),
        path,
        "the page's button"
    );
    let csrf = page.attribute("input[name=csrf]", "value");
    teacher.post(&path, &[("csrf", &csrf)])
}

fn open_post_test(teacher: &Browser, pair: &str) -> Page {
    let page = press(teacher, pair, "opened");
    assert_eq!(page.status, StatusCode::OK);
    page
}

fn close_tests(teacher: &Browser, pair: &str) -> Page {
    let page = press(teacher, pair, "closed");
    assert_eq!(page.status, StatusCode::OK);
    page
}

fn student_named<'a>(report: &'a Value, nickname: &str) -> &'a Value {
    report["students"]
        .as_array()
        .unwrap()
        .iter()
        .find(|student| student["nickname"] == nickname)
        .unwrap_or_else(|| panic!("{nickname} is listed"))
}

fn close_to(value: &Value, expected: f64) -> bool {
    value
        .as_f64()
        .is_some_and(|value| (value - expected).abs() < 1e-9)
}

#[test]
fn a_pair_is_two_disjoint_forms_of_the_same_length() {
    let app = spawn_app();
    let (class, pair) = class_with_pair(&app);
    let report = json(&app, &format!("{pair}/results.json"));
    let ids = |test: &str| -> Vec<String> {
        report[test]["exercise_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| id.as_str().unwrap().to_string())
            .collect()
    };
    let (pre, post) = (ids("pre_test"), ids("post_test"));
    assert_eq!((pre.len(), post.len()), (6, 6));
    assert!(
        pre.iter().all(|id| !post.contains(id)),
        "no question in both"
    );
    assert_eq!(report["pre_test"]["title"], "Pre-test");
    assert_eq!(report["post_test"]["title"], "Post-test");
    assert_eq!(report["phase"], "pre-test");
    // Both are on the class page, each linking to the pair.
    let class_page = app.get(&class);
    assert_eq!(
        class_page.texts(".assignments h3 a").len(),
        2,
        "the pre-test and the post-test are assignments"
    );
    assert!(
        class_page
            .attributes(".assignments a", "href")
            .contains(&pair)
    );
}

#[test]
fn the_post_test_stays_hidden_and_right_and_wrong_wait_until_the_tests_are_closed() {
    let app = spawn_app();
    let (class, pair) = class_with_pair(&app);
    let code = join_code(&app.get(&class));
    let student = app.browser_for(browser());
    join(&student, &code, "Sam");
    assert_eq!(
        titles_listed(&student),
        ["Pre-test"],
        "the post-test is hidden"
    );
    let report = json(&app, &format!("{pair}/results.json"));
    let post_id = report["post_test"]["id"].as_str().unwrap().to_string();
    let csrf = student
        .get("/student")
        .attribute("input[name=csrf]", "value");
    let refused = student.post(
        &format!("/student/assignments/{post_id}"),
        &[("csrf", &csrf)],
    );
    assert_eq!(
        refused.status,
        StatusCode::NOT_FOUND,
        "it cannot be started either"
    );

    let saved = do_test(&student, "Pre-test", 3, 6);
    assert_eq!(saved.text("#verdict"), "Answer saved");
    assert!(
        saved
            .visible_text()
            .contains("after the post-test, once your teacher closes the tests"),
        "{}",
        saved.visible_text()
    );
    let summary = student.get(&next_link(&saved));
    assert!(
        summary.text("h1").contains("saved"),
        "{}",
        summary.text("h1")
    );
    assert!(!summary.visible_text().contains("3 of 6"), "no score yet");

    let opened = open_post_test(&app, &pair);
    assert!(opened.visible_text().contains("Students see both tests"));
    assert_eq!(titles_listed(&student), ["Post-test", "Pre-test"]);
    let saved = do_test(&student, "Post-test", 5, 6);
    assert_eq!(
        saved.text("#verdict"),
        "Answer saved",
        "the post-test waits too"
    );

    close_tests(&app, &pair);
    let feedback = student.get(&saved.path());
    assert_ne!(
        feedback.text("#verdict"),
        "Answer saved",
        "{}",
        feedback.body
    );
    let round = saved.path();
    let summary = student.get(&format!(
        "{}/summary",
        &round[..round.find("/questions").unwrap()]
    ));
    assert!(
        summary.visible_text().contains("5 of 6"),
        "{}",
        summary.visible_text()
    );
}

#[test]
fn the_results_give_each_students_gain_and_the_class_normalised_gain() {
    let app = spawn_app();
    let (class, pair) = class_with_pair(&app);
    let code = join_code(&app.get(&class));
    let students: Vec<(Browser, &str, usize, Option<usize>)> =
        [("Ada", 2, Some(5)), ("Ben", 4, Some(4)), ("-Cy", 1, None)]
            .into_iter()
            .map(|(nickname, pre, post)| {
                let student = app.browser_for(browser());
                assert_eq!(join(&student, &code, nickname).status, StatusCode::OK);
                (student, nickname, pre, post)
            })
            .collect();
    for (student, _, pre, _) in &students {
        do_test(student, "Pre-test", *pre, 6);
    }
    open_post_test(&app, &pair);
    for (student, _, _, post) in &students {
        if let Some(post) = post {
            do_test(student, "Post-test", *post, 6);
        }
    }
    close_tests(&app, &pair);

    // The JSON: per student, and the class's means over the two who did both.
    let report = json(&app, &format!("{pair}/results.json"));
    assert_eq!(report["phase"], "closed");
    let ada = student_named(&report, "Ada");
    assert_eq!(ada["pre"]["correct"], 2);
    assert_eq!(ada["post"]["correct"], 5);
    assert!(close_to(&ada["gain_points"], 50.0), "{ada}");
    assert!(close_to(&ada["hake_gain"], 0.75), "{ada}");
    let ben = student_named(&report, "Ben");
    assert!(close_to(&ben["gain_points"], 0.0));
    assert!(close_to(&ben["hake_gain"], 0.0));
    let cy = student_named(&report, "-Cy");
    assert_eq!(cy["counted"], false);
    assert_eq!(cy["pre"]["status"], "done");
    assert_eq!(cy["post"]["status"], "not-started");
    assert_eq!(cy["gain_points"], Value::Null);
    let gain = &report["class_gain"];
    assert_eq!(gain["students_counted"], 2);
    assert!(close_to(&gain["pre_mean_percent"], 50.0), "{gain}");
    assert!(close_to(&gain["post_mean_percent"], 75.0), "{gain}");
    assert!(close_to(&gain["hake_gain"], 0.5), "{gain}");
    // Calibration of the two who did both: sure when right, guessing when wrong.
    assert_eq!(report["before"]["calibration"]["sure"]["answered"], 6);
    assert_eq!(report["before"]["calibration"]["guessing"]["answered"], 6);
    assert_eq!(report["after"]["calibration"]["sure"]["answered"], 9);
    assert!(report["before"]["contested"]["d_prime"].is_number());

    // The page says the same.
    let page = app.get(&pair);
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.texts(".pair-figures td"),
        ["50%", "75%", "0.50"],
        "the class's means and Hake's g"
    );
    assert!(
        page.visible_text()
            .contains("The class gained 50% of what it could (Hake's g = 0.50)."),
        "{}",
        page.visible_text()
    );
    assert_eq!(
        page.texts(".pair-scores tbody tr"),
        [
            "-Cy 1 of 6 (17%) not done not counted –",
            "Ada 2 of 6 (33%) 5 of 6 (83%) +50 points 0.75",
            "Ben 4 of 6 (67%) 4 of 6 (67%) 0 points 0.00",
        ]
    );
    assert_eq!(page.attribute("svg.pair-chart", "role"), "img");
    assert!(
        page.text("svg.pair-chart title")
            .contains("class mean 50% on the pre-test and 75% on the post-test")
    );
    assert!(
        page.visible_text()
            .contains("When the class was sure, it was right")
    );

    // The CSV: one row per student, then the class's means; cells defused.
    let csv = app.get(&format!("{pair}/results.csv"));
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        [
            "nickname,pre-test right,pre-test questions,pre-test %,post-test right,post-test questions,post-test %,gain (points),normalised gain,counted",
            "'-Cy,1,6,16.6667,,6,,,,no",
            "Ada,2,6,33.3333,5,6,83.3333,50.0000,0.7500,yes",
            "Ben,4,6,66.6667,4,6,66.6667,0.0000,0.0000,yes",
            "class mean (students who did both),,6,50.0000,,6,75.0000,25.0000,0.5000,2",
        ]
    );
}

#[test]
fn another_teachers_pair_is_not_found() {
    let app = spawn_app();
    let (_, pair) = class_with_pair(&app);
    let other = app.browser_for(browser());
    teacher_with_class(&other, "okafor", "9C");
    for path in [
        pair.clone(),
        format!("{pair}/results.csv"),
        format!("{pair}/results.json"),
    ] {
        assert_eq!(other.get(&path).status, StatusCode::NOT_FOUND, "{path}");
    }
    let csrf = other
        .get("/teachers")
        .attribute("input[name=csrf]", "value");
    let refused = other.post(&format!("{pair}/opened"), &[("csrf", &csrf)]);
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(
        json(&app, &format!("{pair}/results.json"))["phase"],
        "pre-test"
    );
}

#[test]
fn a_plain_assignment_is_no_pair() {
    let app = spawn_app();
    let (class, _) = class_with_pair(&app);
    let csrf = app.get(&class).attribute("input[name=csrf]", "value");
    let page = app.post(
        &format!("{class}/assignments"),
        &[
            ("csrf", csrf.as_str()),
            ("pack", "khojaly-1992"),
            ("focus", "source"),
            ("length", "2"),
            ("feedback", "immediate"),
        ],
    );
    assert_eq!(page.status, StatusCode::OK);
    let results = app.get(&class).attributes(".assignments h3 a", "href");
    let plain = results
        .iter()
        .find(|url| {
            app.get(url.as_str()).text("h1") != "Pre-test"
                && app.get(url.as_str()).text("h1") != "Post-test"
        })
        .unwrap();
    let id = plain.rsplit('/').next().unwrap();
    assert_eq!(
        app.get(&format!("{class}/pairs/{id}")).status,
        StatusCode::NOT_FOUND
    );
}

#[test]
fn a_bad_pair_form_comes_back_with_its_message_and_what_was_typed() {
    let app = spawn_app();
    let class = teacher_with_class(&app, "rivera", "10B History");
    let most = app
        .get(&format!("{class}/pairs/new"))
        .attribute("#pair-length", "value");
    let too_long = make_pair(&app, &class, "99", "Week 1 check");
    assert_eq!(too_long.status, StatusCode::BAD_REQUEST);
    assert!(
        too_long.text("#form-error").contains(&format!(
            "Forms of 99 questions are too long: with these skills, this lesson can give a pre-test and a post-test of at most {most} questions each"
        )),
        "{}",
        too_long.text("#form-error")
    );
    assert_eq!(too_long.attribute("#pair-length", "value"), "99");
    assert_eq!(too_long.attribute("#pre-title", "value"), "Week 1 check");
    assert_eq!(
        too_long.attributes("input[name=skill][checked]", "value"),
        ["source", "perspective", "contested", "quote"]
    );

    let csrf = app.get(&class).attribute("input[name=csrf]", "value");
    let check = |fields: &[(&str, &str)], message: &str| {
        let page = app.post(&format!("{class}/pairs"), fields);
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{fields:?}");
        assert!(
            page.text("#form-error").contains(message),
            "{fields:?}: {}",
            page.text("#form-error")
        );
    };
    let with = |name: &'static str, value: &'static str| {
        let mut fields = pair_fields(&csrf, "4", "");
        fields.retain(|(field, _)| *field != name);
        fields.push((name, value));
        fields
    };
    check(&with("length", "four"), "must be a whole number");
    check(
        &with("length", "0"),
        "Each form needs at least one question",
    );
    check(&with("length", ""), "must be a whole number");
    check(
        &with("pack", "nowhere"),
        "Choose one of the lessons on offer.",
    );
    check(
        &with("pre_title", "a\u{202e}b"),
        "hidden or control character",
    );
    check(
        &[
            ("csrf", csrf.as_str()),
            ("pack", "khojaly-1992"),
            ("length", "4"),
        ],
        "Tick at least one skill.",
    );
    check(&with("skill", "astrology"), "is not a skill");
    assert!(
        app.get(&class).texts(".assignments h3 a").is_empty(),
        "no test was made"
    );
}

#[test]
fn the_forms_are_balanced_by_the_facility_of_the_class_s_earlier_answers() {
    let app = spawn_app();
    let class = teacher_with_class(&app, "rivera", "10B History");
    // An earlier assignment of every "Agreed or contested?" question, the same for all.
    let csrf = app.get(&class).attribute("input[name=csrf]", "value");
    let page = app.post(
        &format!("{class}/assignments"),
        &[
            ("csrf", csrf.as_str()),
            ("pack", PACK),
            ("skill", "contested"),
            ("length", ""),
            ("feedback", "immediate"),
        ],
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // The student gets right only the first four questions of one answer key: those
    // four are easy (facility 1), the rest of that key hard (facility 0).
    let pack = library().pack(PACK).unwrap();
    let key = pack
        .exercises_of(Skill::Contested)
        .next()
        .unwrap()
        .correct_choice()
        .answer()
        .to_string();
    let easy: Vec<String> = pack
        .exercises_of(Skill::Contested)
        .filter(|exercise| exercise.correct_choice().answer() == key)
        .take(4)
        .map(|exercise| exercise.id().to_string())
        .collect();
    assert_eq!(easy.len(), 4);
    let student = app.browser_for(browser());
    join(&student, &join_code(&app.get(&class)), "Sam");
    let mut page = start_test(&student, "Agreed or contested?");
    while page.path().contains("/questions/") {
        let exercise = page.attribute("input[name=exercise]", "value");
        let feedback = student.answer(&page, easy.contains(&exercise));
        page = student.get(&next_link(&feedback));
    }

    // The longest forms, so that every pair of questions is used.
    let most = max_form_length(pack, Focus::of([Skill::Contested]).unwrap());
    let made = make_pair_of(&app, &class, "contested", &most.to_string());
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let report = json(&app, &format!("{}/results.json", made.path()));
    for test in ["pre_test", "post_test"] {
        let ids = report[test]["exercise_ids"].as_array().unwrap();
        assert_eq!(ids.len(), most);
        assert_eq!(
            ids.iter()
                .filter(|id| easy.iter().any(|easy| *id == easy.as_str()))
                .count(),
            2,
            "each test gets two of the four easy questions: {test} {ids:?}"
        );
    }
}

/// Sends the pair form with one skill ticked.
fn make_pair_of(teacher: &Browser, class: &str, skill: &str, length: &str) -> Page {
    let csrf = teacher
        .get(&format!("{class}/pairs/new"))
        .attribute("input[name=csrf]", "value");
    teacher.post(
        &format!("{class}/pairs"),
        &[
            ("csrf", csrf.as_str()),
            ("pack", PACK),
            ("skill", skill),
            ("length", length),
        ],
    )
}
