//! Issue #17: how sure a learner is of each answer, discernment, spaced review, and
//! pre- and post-tests, as learners and teachers see them.

use reqwest::StatusCode;

use crate::helpers::*;

#[test]
fn every_answer_form_offers_how_sure_you_are_as_three_optional_choices() {
    let app = spawn_app();
    let question = app.start_round("all", "2");
    assert_eq!(
        question.text("fieldset.confidence legend"),
        "How sure are you? (optional)"
    );
    assert_eq!(
        question.attributes("form.answer-form input[name=confidence]", "value"),
        ["sure", "fairly-sure", "guessing"],
        "the three levels are in the answer's own form"
    );
    assert_eq!(
        question.texts("fieldset.confidence label"),
        ["Sure", "Fairly sure", "Guessing"]
    );
    let html = question.html();
    let selector = scraper::Selector::parse("input[name=confidence]").unwrap();
    for input in html.select(&selector) {
        assert_eq!(input.value().attr("type"), Some("radio"));
        assert!(
            input.value().attr("required").is_none(),
            "it may be skipped"
        );
        assert!(
            input.value().attr("checked").is_none(),
            "none chosen for the learner"
        );
    }
}

#[test]
fn how_sure_a_learner_was_is_kept_with_the_answer_and_survives_a_crash() {
    let mut app = spawn_app();
    let question = app.start_round("all", "2");
    let feedback = app.answer_sure(&question, true, Some("guessing"));
    assert!(
        feedback.text("#feedback").contains("(you were guessing)"),
        "{}",
        feedback.text("#feedback")
    );
    let url = feedback.path();
    let second = app.get(&next_link(&feedback));
    let skipped = app.answer_sure(&second, false, None);
    assert!(
        !skipped.text("#feedback").contains("you were"),
        "not given, not said"
    );
    app.restart_after_kill();
    let again = app.get(&url);
    assert!(
        again.text("#feedback").contains("(you were guessing)"),
        "{}",
        again.text("#feedback")
    );
}

#[test]
fn a_level_of_sureness_that_is_not_one_of_the_three_is_refused_and_nothing_is_recorded() {
    let app = spawn_app();
    let question = app.start_round("all", "2");
    let (action, (exercise, choice)) = answer_form(&question, true);
    let csrf = question.attribute("input[name=csrf]", "value");
    let refused = app.post(
        &action,
        &[
            ("csrf", csrf.as_str()),
            ("exercise", &exercise),
            ("choice", &choice),
            ("confidence", "certain"),
        ],
    );
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.visible_text().contains(
            "How sure you are is one of “Sure”, “Fairly sure” and “Guessing”, or left out."
        ),
        "{}",
        refused.visible_text()
    );
    // The question is still open: the same answer with a real level is taken.
    let feedback = app.answer_sure(&question, true, Some("sure"));
    assert!(feedback.text("#feedback").contains("(you were sure)"));
}

#[test]
fn a_live_participant_says_how_sure_they_are_in_the_same_tap_and_sees_it_kept() {
    use crate::live::{join, pick, start_session};
    let app = spawn_app();
    let session = start_session(&app, "confidence-live", "none");
    let sam = app.browser_for(browser());
    join(&sam, &session.code, "Sam");
    session.press_ok("start");
    let page = sam.get(&session.page_url());
    assert_eq!(
        page.attributes("form.answer-form input[name=confidence]", "value"),
        ["sure", "fairly-sure", "guessing"],
        "the levels are in the form the option buttons send"
    );
    let (exercise, choice) = pick(&page, true);
    let csrf = page.attribute("input[name=csrf]", "value");
    let number = page.attribute("input[name=number]", "value");
    let answers = format!("{}/answers", session.page_url());
    let form = |confidence: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("number", number.clone()),
            ("exercise", exercise.clone()),
            ("choice", choice.clone()),
            ("confidence", confidence.to_string()),
        ]
    };
    let send = |fields: Vec<(&str, String)>| {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        sam.post(&answers, &pairs)
    };
    let refused = send(form("very"));
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused
            .visible_text()
            .contains("How sure you are is one of")
    );
    let received = send(form("fairly-sure"));
    assert_eq!(received.status, StatusCode::OK, "{}", received.body);
    assert_eq!(received.text("h1"), "Answer received");
    assert_eq!(
        received.attributes("input[name=confidence][checked]", "value"),
        ["fairly-sure"],
        "the level given stays chosen while the answer may still change"
    );
}

/// Answers every question of a round of `focus` (all its exercises), each with the
/// option `choose` picks from the values offered given the right one, saying `level`;
/// returns the summary page.
fn play(
    app: &Browser,
    focus: &str,
    length: usize,
    level: Option<&str>,
    choose: impl Fn(&[String], &str) -> String,
) -> Page {
    let mut page = app.start_round(focus, &length.to_string());
    for _ in 0..length {
        let choices = page.attributes("input[name=choice]", "value");
        let (_, (_, right)) = answer_form(&page, true);
        let feedback = app.answer_choosing(&page, &choose(&choices, &right), level);
        page = app.get(&next_link(&feedback));
    }
    assert!(page.path().ends_with("/summary"), "{}", page.path());
    page
}

fn progress_json(app: &Browser) -> serde_json::Value {
    let response = app
        .client
        .get(app.url("/progress.json"))
        .send()
        .expect("GET /progress.json");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    serde_json::from_str(&response.text().expect("a body")).expect("JSON")
}

/// The bundled pack has 23 "Agreed or contested?" exercises: the sources agree on 9,
/// disagree on 9, and 5 rest on one source.
const CONTESTED: usize = 23;

#[test]
fn a_learner_who_calls_every_claim_contested_sees_no_discernment_and_a_lean_however_many_points() {
    let app = spawn_app();
    let summary = play(&app, "contested", CONTESTED, Some("sure"), |_, _| {
        "contested".to_string()
    });
    assert!(
        summary.text(".score").contains("9 of 23"),
        "{}",
        summary.text(".score")
    );
    // Worked numbers: hits 9, misses 0, false alarms 9, correct rejections 0. With the
    // log-linear correction H = (9 + 0.5) / (9 + 0 + 1) = 0.95 and F = 0.95, so
    // d′ = z(0.95) − z(0.95) = 0 and c = −(z(0.95) + z(0.95)) / 2 = −1.6449.
    let words = "You do not yet tell agreed from contested claims apart. You call claims contested more often than the sources do.";
    assert_eq!(summary.text(".judgement .discernment"), words);
    assert!(
        summary.text(".discernment-numbers").contains(
            "d′ = 0.00, c = −1.64 (9 hits, 0 misses, 9 false alarms, 0 correct rejections)"
        ),
        "{}",
        summary.text(".discernment-numbers")
    );
    assert_eq!(
        summary.texts(".verdicts tbody tr"),
        ["Agreed 0 9 0", "Contested 0 9 0", "One source only 0 5 0"]
    );
    // Sure every time, right 9 times in 23: 0.39, about 4 in 10.
    assert_eq!(
        summary.text(".calibration"),
        "When you were sure, you were right about 4 times out of 10."
    );
    let progress = app.get("/progress");
    assert_eq!(progress.text(".judgement .discernment"), words);
    let json = progress_json(&app);
    let discernment = &json["discernment"];
    assert_eq!(discernment["hits"], 9);
    assert_eq!(discernment["misses"], 0);
    assert_eq!(discernment["false_alarms"], 9);
    assert_eq!(discernment["correct_rejections"], 0);
    assert_eq!(discernment["d_prime"], 0.0);
    assert_eq!(discernment["criterion"], -1.6449);
    assert_eq!(
        discernment["table"],
        serde_json::json!([[0, 9, 0], [0, 9, 0], [0, 5, 0]])
    );
    assert_eq!(
        json["calibration"],
        serde_json::json!([
            {"confidence": "sure", "answered": 23, "correct": 9},
            {"confidence": "fairly-sure", "answered": 0, "correct": 0},
            {"confidence": "guessing", "answered": 0, "correct": 0},
            {"confidence": null, "answered": 0, "correct": 0},
        ])
    );
    let contested = json["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|skill| skill["skill"] == "contested")
        .unwrap()
        .clone();
    assert_eq!(contested["answered"], 23);
    assert_eq!(contested["correct"], 9);
}

#[test]
fn a_perfect_learner_tells_agreed_from_contested_well_and_leans_neither_way() {
    let app = spawn_app();
    let summary = play(
        &app,
        "contested",
        CONTESTED,
        Some("fairly-sure"),
        |_, right| right.to_string(),
    );
    // H = 9.5 / 10 = 0.95, F = 0.5 / 10 = 0.05: d′ = 1.6449 + 1.6449 = 3.2897, c = 0.
    assert_eq!(
        summary.text(".judgement .discernment"),
        "You tell agreed from contested claims well. You call claims contested about as often as the sources do."
    );
    let json = progress_json(&app);
    assert_eq!(json["discernment"]["d_prime"], 3.2897);
    assert_eq!(json["discernment"]["criterion"], 0.0);
    assert_eq!(json["discernment"]["enough"], true);
}

/// Moves every review card of the stopped server's data `days` into the past, as if
/// that many days had gone by: the schedule's clock, injected through its data.
fn days_pass(app: &mut TestApp, days: u64) {
    app.kill();
    {
        let db = sled::open(app.data_dir.path()).unwrap();
        let reviews = db.open_tree("reviews").unwrap();
        for entry in reviews.iter() {
            let (key, value) = entry.unwrap();
            let mut record: serde_json::Value = serde_json::from_slice(&value).unwrap();
            for field in ["due", "last_review"] {
                let time = record[field].as_u64().unwrap();
                record[field] = (time - days * 86_400).into();
            }
            reviews
                .insert(key, serde_json::to_vec(&record).unwrap())
                .unwrap();
        }
        db.flush().unwrap();
    }
    app.start_again();
}

#[test]
fn what_was_missed_or_guessed_comes_back_for_review_when_due_and_not_before() {
    let mut app = spawn_app();
    // Three questions: right and sure, right by guessing, wrong.
    let mut page = app.start_round("contested", "3");
    for (right, level) in [(true, "sure"), (true, "guessing"), (false, "fairly-sure")] {
        let feedback = app.answer_sure(&page, right, Some(level));
        page = app.get(&next_link(&feedback));
    }
    let json = progress_json(&app);
    assert_eq!(json["reviews_scheduled"], 2, "the guess and the miss");
    assert_eq!(json["reviews_due"], 0, "nothing is due at once");
    let home = app.get("/");
    assert_eq!(
        home.text(".reviews .review-next"),
        "Nothing to review today: the next review is tomorrow."
    );
    assert!(
        home.attributes(".reviews form", "action").is_empty(),
        "no button before it is due"
    );
    let csrf = app.learner_token();
    let early = app.post(
        "/reviews",
        &[("csrf", &csrf), ("place", "own"), ("pack", PACK)],
    );
    assert_eq!(early.status, StatusCode::BAD_REQUEST);
    assert!(
        early
            .visible_text()
            .contains("Nothing is due for review yet")
    );

    // FSRS gives a miss 1 day and a right guess 2 days: after 2 days both are due.
    days_pass(&mut app, 2);
    let home = app.get("/");
    assert_eq!(
        home.text(".reviews .review-due"),
        "2 exercises to review today"
    );
    let progress = app.get("/progress");
    assert_eq!(
        progress.text(".reviews .review-due"),
        "2 exercises to review today"
    );
    let csrf = app.learner_token();
    let review = app.post(
        "/reviews",
        &[("csrf", &csrf), ("place", "own"), ("pack", PACK)],
    );
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    assert!(review.text(".round-place").contains("Question 1 of 2"));
    let feedback = app.answer_sure(&review, true, Some("sure"));
    let json = progress_json(&app);
    assert_eq!(json["reviews_due"], 1, "one reviewed, one still due");
    assert_eq!(
        json["reviews_scheduled"], 2,
        "the reviewed one is scheduled further out"
    );
    let second = app.get(&next_link(&feedback));
    app.answer_sure(&second, true, Some("sure"));
    assert_eq!(progress_json(&app)["reviews_due"], 0);
    assert!(app.get("/progress").text(".rounds").contains("Review"));

    // Someone else's place, or a made-up one, starts nothing.
    for place in ["00000000000000000000000000000000", "mine", ""] {
        let refused = app.post(
            "/reviews",
            &[("csrf", &csrf), ("place", place), ("pack", PACK)],
        );
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{place}");
        assert!(
            refused
                .visible_text()
                .contains("These reviews are not this browser's")
        );
    }
}

/// Presses Start on the student's page and answers every question of the assignment
/// with the option `choose` picks, saying `level`.
fn do_assignment(student: &Browser, level: &str, choose: impl Fn(&[String], &str) -> String) {
    let mine = student.get("/student");
    let action = mine.attribute(".assignments form", "action");
    let csrf = mine.attribute(".assignments input[name=csrf]", "value");
    let mut page = student.post(&action, &[("csrf", &csrf)]);
    while !page.path().ends_with("/summary") {
        let choices = page.attributes("input[name=choice]", "value");
        let (_, (_, right)) = answer_form(&page, true);
        let feedback = student.answer_choosing(&page, &choose(&choices, &right), Some(level));
        page = student.get(&next_link(&feedback));
    }
}

#[test]
fn a_teacher_sees_the_class_and_each_student_tell_claims_apart_and_how_sure_they_were() {
    use crate::classes::{join, join_code, teacher_with_class};
    let app = spawn_app();
    let class = teacher_with_class(&app, "rivera", "10B History");
    let csrf = app.get(&class).attribute("input[name=csrf]", "value");
    let assigned = app.post(
        &format!("{class}/assignments"),
        &[
            ("csrf", csrf.as_str()),
            ("pack", PACK),
            ("focus", "contested"),
            ("length", &CONTESTED.to_string()),
            ("due", ""),
            ("feedback", "immediate"),
        ],
    );
    let results = assigned.attribute(".assignments h3 a", "href");
    let code = join_code(&app.get(&class));
    let suspicious = app.browser_for(browser());
    join(&suspicious, &code, "Sam");
    do_assignment(&suspicious, "sure", |_, _| "contested".to_string());
    let careful = app.browser_for(browser());
    join(&careful, &code, "Kim");
    do_assignment(&careful, "fairly-sure", |_, right| right.to_string());

    // Worked numbers for the class: hits 9 + 9 = 18, misses 0, false alarms 9 + 0 = 9,
    // correct rejections 0 + 9 = 9. H = 18.5 / 19 = 0.9737, F = 9.5 / 19 = 0.5, so
    // d′ = z(0.9737) − z(0.5) = 1.9379 and c = −(1.9379 + 0) / 2 = −0.9690.
    let page = app.get(&results);
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.text(".judgement .calibration"),
        "When the class was sure, it was right about 4 times out of 10; when it was fairly sure, 10 out of 10."
    );
    assert_eq!(
        page.text(".judgement .discernment"),
        "The class tells agreed from contested claims well. The class calls claims contested more often than the sources do."
    );
    assert!(
        page.text(".judgement .discernment-numbers").contains(
            "d′ = 1.94, c = −0.97 (18 hits, 0 misses, 9 false alarms, 9 correct rejections)"
        ),
        "{}",
        page.text(".judgement .discernment-numbers")
    );
    assert_eq!(
        page.texts("table.judgements tbody tr"),
        [
            "Kim d′ 3.29 · c 0.00 · no lean – – –",
            "Sam d′ 0.00 · c −1.64 · leans “Contested” – 9 of 23 –",
        ]
    );
    let json: serde_json::Value =
        serde_json::from_str(&app.get(&format!("{results}/results.json")).body).unwrap();
    assert_eq!(json["class"]["discernment"]["d_prime"], 1.9379);
    assert_eq!(json["class"]["discernment"]["criterion"], -0.969);
    assert_eq!(json["class"]["answered"], 46);
    assert_eq!(json["class"]["correct"], 32);
    let sam = json["students"]
        .as_array()
        .unwrap()
        .iter()
        .find(|student| student["nickname"] == "Sam")
        .unwrap();
    assert_eq!(sam["discernment"]["false_alarms"], 9);
    assert_eq!(sam["calibration"][0]["answered"], 23);
    assert_eq!(sam["calibration"][0]["correct"], 9);
    let csv = app.get(&format!("{results}/results.csv")).body;
    assert!(csv.lines().next().unwrap().contains("how sure"), "{csv}");
    assert!(csv.contains(",Fairly sure,"), "{csv}");

    let overview = app.get(&class);
    assert!(
        overview
            .text(".discernment")
            .contains("The class tells agreed from contested claims well."),
        "{}",
        overview.text(".discernment")
    );
    assert_eq!(overview.texts("table.judgements tbody tr").len(), 2);

    // Another teacher gets nothing.
    let stranger = app.browser_for(browser());
    teacher_with_class(&stranger, "okafor", "Other class");
    assert_eq!(
        stranger.get(&format!("{results}/results.json")).status,
        StatusCode::NOT_FOUND
    );
}

#[test]
fn a_facilitator_sees_the_rooms_judgement_on_the_review() {
    use crate::live::{join, pick, start_session};
    let app = spawn_app();
    let session = start_session(&app, "room-judgement", "none");
    let people = [("Sam", true, "sure"), ("Kim", false, "guessing")];
    let phones: Vec<Browser> = people
        .iter()
        .map(|(nickname, _, _)| {
            let phone = app.browser_for(browser());
            join(&phone, &session.code, nickname);
            phone
        })
        .collect();
    session.press_ok("start");
    for (phone, (_, right, level)) in phones.iter().zip(people) {
        let page = phone.get(&session.page_url());
        let (_, choice) = pick(&page, right);
        let mut form: Vec<(String, String)> = ["csrf", "number", "exercise"]
            .into_iter()
            .map(|name| {
                (
                    name.to_string(),
                    page.attribute(&format!("input[name={name}]"), "value"),
                )
            })
            .collect();
        form.push(("choice".into(), choice));
        form.push(("confidence".into(), level.into()));
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let sent = phone.post(&format!("{}/answers", session.page_url()), &pairs);
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    }
    session.press_ok("close");
    let review = session.press_ok("end");
    assert_eq!(
        review.text(".judgement .calibration"),
        "When the room was sure, it was right 1 time out of 1; when it guessed, 0 out of 1."
    );
    // One "Agreed or contested?" exercise answered twice: too few to tell.
    assert!(
        review
            .text(".judgement .discernment")
            .starts_with("Not enough answers yet to say how well the room tells"),
        "{}",
        review.text(".judgement .discernment")
    );
}
