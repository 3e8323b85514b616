//! Live sessions: a facilitator runs exercises one at a time while participants answer;
//! what each side sees at each step, the event stream, bad input that changes nothing,
//! and a restart in the middle of a session.

use std::io::{BufRead, BufReader};

use reqwest::StatusCode;

use crate::helpers::{Browser, Page, TestApp, browser, library, spawn_app};

const PASSWORD: &str = "tall ships at dawn";
const PACK: &str = "khojaly-1992";
/// The session's two exercises, in the pack's order.
pub const FIRST: &str = "contested-02";
pub const SECOND: &str = "source-03";

/// A signed-in facilitator and their session.
pub struct Session {
    pub teacher: Browser,
    /// The presenter page's path.
    pub presenter: String,
    /// The code as used in links (no dash).
    pub code: String,
}

/// The page after sending the sign-up form (the password is [`PASSWORD`]).
pub fn post_sign_up(teacher: &Browser, display_name: &str, username: &str) -> Page {
    let csrf = teacher
        .get("/teachers/sign-up")
        .attribute("input[name=csrf]", "value");
    teacher.post(
        "/teachers/sign-up",
        &[
            ("csrf", csrf.as_str()),
            ("display_name", display_name),
            ("username", username),
            ("password", PASSWORD),
            ("repeat_password", PASSWORD),
        ],
    )
}

pub fn sign_up(teacher: &Browser, username: &str) {
    let page = post_sign_up(teacher, "A facilitator", username);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
}

/// A live session of two random exercises, started by a new facilitator on a browser of
/// their own; its code as used in links.
pub fn random_session(app: &Browser, username: &str) -> String {
    let teacher = Browser {
        address: app.address.clone(),
        client: browser(),
    };
    sign_up(&teacher, username);
    let page = create_session(
        &teacher,
        &[("pick", "random"), ("count", "2"), ("focus", "all")],
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.text(".join-code").replace(['-', ' '], "")
}

/// The page after sending the new-session form with `fields` (csrf and pack added).
pub fn create_session(teacher: &Browser, fields: &[(&str, &str)]) -> Page {
    let csrf = teacher
        .get(&format!("/teachers/live/new?pack={PACK}"))
        .attribute("input[name=csrf]", "value");
    let mut form = vec![("csrf", csrf.as_str()), ("pack", PACK)];
    form.extend_from_slice(fields);
    teacher.post("/teachers/live", &form)
}

/// Signs up a facilitator on a new browser and starts a session of [`FIRST`] and
/// [`SECOND`] with `scoring`.
pub fn start_session(app: &TestApp, username: &str, scoring: &str) -> Session {
    let teacher = app.browser_for(browser());
    sign_up(&teacher, username);
    let page = create_session(
        &teacher,
        &[
            ("pick", "chosen"),
            ("exercise", SECOND),
            ("exercise", FIRST),
            ("scoring", scoring),
        ],
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.path().starts_with("/teachers/live/"));
    assert_eq!(page.text("h1"), "Join the live session");
    let code = page.text(".join-code").replace(' ', "");
    assert_eq!(code.len(), 10, "a live-session code has ten digits");
    Session {
        presenter: page.path(),
        code,
        teacher,
    }
}

impl Session {
    pub fn presenter_page(&self) -> Page {
        let page = self.teacher.get(&self.presenter);
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        page
    }

    /// Presses the presenter page's button for `action`, as it is drawn now.
    fn press(&self, action: &str) -> Page {
        let page = self.presenter_page();
        let version = page.attribute("form[data-moves] input[name=version]", "value");
        let from = page.attribute("form[data-moves] input[name=from]", "value");
        let csrf = page.attribute("form[data-moves] input[name=csrf]", "value");
        self.teacher.post(
            &format!("{}/moves", self.presenter),
            &[
                ("csrf", csrf.as_str()),
                ("version", version.as_str()),
                ("from", from.as_str()),
                ("action", action),
            ],
        )
    }

    pub fn press_ok(&self, action: &str) -> Page {
        let page = self.press(action);
        assert_eq!(page.status, StatusCode::OK, "{action}: {}", page.body);
        page
    }

    pub fn page_url(&self) -> String {
        format!("/live/{}", self.code)
    }
}

pub fn join(participant: &Browser, code: &str, nickname: &str) -> Page {
    let csrf = participant
        .get("/live")
        .attribute("input[name=csrf]", "value");
    participant.post(
        "/live",
        &[
            ("csrf", csrf.as_str()),
            ("code", code),
            ("nickname", nickname),
        ],
    )
}

/// The exercise id and the right (or a wrong) option of the question on `page`.
pub fn pick(page: &Page, right: bool) -> (String, String) {
    let exercise_id = page.attribute("input[name=exercise]", "value");
    let exercise = library()
        .pack(PACK)
        .unwrap()
        .exercise(&exercise_id)
        .expect("a known exercise");
    let correct = exercise.correct_choice().answer().to_string();
    let choice = if right {
        correct
    } else {
        page.attributes("button[name=choice]", "value")
            .into_iter()
            .find(|choice| *choice != correct)
            .expect("a wrong option")
    };
    (exercise_id, choice)
}

/// Sends the answer form on `page` with `choice` and the form's own fields.
pub fn send(participant: &Browser, page: &Page, choice: &str) -> Page {
    let mut form: Vec<(String, String)> = ["csrf", "number", "exercise", "replace"]
        .into_iter()
        .filter_map(|name| {
            page.attributes(&format!("input[name={name}]"), "value")
                .into_iter()
                .next()
                .map(|value| (name.to_string(), value))
        })
        .collect();
    form.push(("choice".into(), choice.into()));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    participant.post(&page.attribute("form.answer-form", "action"), &pairs)
}

fn answer(participant: &Browser, session: &Session, right: bool) -> Page {
    let page = participant.get(&session.page_url());
    let (_, choice) = pick(&page, right);
    send(participant, &page, &choice)
}

fn label(exercise_id: &str, choice: &str) -> String {
    library()
        .pack(PACK)
        .unwrap()
        .exercise(exercise_id)
        .unwrap()
        .choice(choice)
        .unwrap()
        .label()
        .to_string()
}

#[test]
fn a_session_runs_from_the_lobby_to_the_end_and_each_side_sees_where_it_stands() {
    let app = spawn_app();
    let session = start_session(&app, "rivera", "own");
    let sam = app.browser_for(browser());
    let alex = app.browser_for(browser());

    let page = join(&sam, &session.code, "Sam");
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.path(), session.page_url());
    assert_eq!(page.text("h1"), "You are in");
    assert!(page.text(".lead").contains("Waiting for the facilitator"));
    // The typed code may be lower case and have its dash.
    let typed = format!("{}-{}", &session.code[..3], &session.code[3..]).to_lowercase();
    assert_eq!(join(&alex, &typed, "Alex").status, StatusCode::OK);
    assert_eq!(session.presenter_page().text("[data-count=joined]"), "2");

    // The first exercise opens: the projector and the phones show the same options in
    // the same order, lettered.
    let presenter = session.press_ok("start");
    assert!(presenter.text(".round-place").contains("Exercise 1 of 2"));
    let question = sam.get(&session.page_url());
    assert_eq!(question.attribute("input[name=exercise]", "value"), FIRST);
    let options = presenter.texts(".live-options li");
    assert_eq!(options, question.texts("button[name=choice]"));
    assert!(options[0].starts_with("A ") && options[1].starts_with("B "));

    let (_, right) = pick(&question, true);
    let (_, wrong) = pick(&question, false);
    let page = send(&sam, &question, &right);
    assert_eq!(page.text("h1"), "Answer received");
    assert!(page.text("[role=status]").contains(&label(FIRST, &right)));
    // Alex answers wrongly, then changes their mind with a tap on another option: the
    // page after an answer keeps the options, the one chosen marked.
    let change = answer(&alex, &session, false);
    assert_eq!(
        change.text("fieldset:not(.confidence) > legend"),
        "Tap another answer to change yours"
    );
    assert_eq!(change.attribute("button.is-chosen", "value"), wrong);
    assert!(change.text("button.is-chosen").ends_with("✓ your answer"));
    let page = send(&alex, &change, &right);
    assert!(page.text("[role=status]").contains(&label(FIRST, &right)));
    let presenter = session.presenter_page();
    assert_eq!(
        presenter.text(".live-status"),
        "Answers are open: 2 of 2 have answered."
    );

    let presenter = session.press_ok("close");
    assert_eq!(
        presenter.text(".live-status"),
        "Answers are closed: 2 of 2 answered."
    );
    let page = sam.get(&session.page_url());
    assert_eq!(page.text("h1"), "Answers are closed");

    // The split first: a bar per option, no answer marked, no share right, and the
    // phones still say nothing of the answer.
    let presenter = session.press_ok("split");
    let bars = presenter.texts(".live-bars li");
    assert_eq!(bars.len(), options.len(), "{bars:?}");
    assert!(
        bars.iter()
            .any(|bar| bar.ends_with(&format!("{}: 2 (100%)", label(FIRST, &right)))),
        "{bars:?}"
    );
    assert!(presenter.texts(".live-bars .is-correct").is_empty());
    assert!(!presenter.body.contains("the answer the sources support"));
    assert_eq!(
        presenter.text(".live-status"),
        "2 of 2 answered.",
        "no share right yet"
    );
    assert_eq!(presenter.text(".main-move"), "Show the answer N →");
    let page = sam.get(&session.page_url());
    assert_eq!(page.text("h1"), "Answers are closed");
    assert!(page.texts("#verdict").is_empty());
    assert!(
        !page.body.contains(&label(FIRST, &right)) || page.text(".lead").contains("Your answer")
    );
    assert!(
        page.text(".lead")
            .contains("The answer the sources support comes next")
    );

    // Then the answer: the supported bar marked, and the share right.
    let presenter = session.press_ok("reveal");
    let bars = presenter.texts(".live-bars li");
    let supported = format!(
        "{}: 2 (100%) ✓ the answer the sources support",
        label(FIRST, &right)
    );
    assert!(bars.iter().any(|bar| bar.ends_with(&supported)), "{bars:?}");
    assert!(
        presenter
            .text(".live-status")
            .contains("100% chose the answer")
    );
    assert!(presenter.texts(".explanation").is_empty(), "not yet");
    let page = sam.get(&session.page_url());
    assert_eq!(page.text("#verdict"), "✓ Right");
    assert!(page.text("#feedback").contains("The explanation follows"));

    // The explanation in three moves: why, each option, the evidence.
    let presenter = session.press_ok("more");
    let explanation = library()
        .pack(PACK)
        .unwrap()
        .exercise(FIRST)
        .unwrap()
        .explanation()
        .to_string();
    assert!(
        presenter
            .text(".explanation")
            .contains(&crate::helpers::fold(&explanation))
    );
    assert!(presenter.texts(".outcome").is_empty(), "not yet");
    assert!(
        presenter.texts(".evidence blockquote").is_empty(),
        "not yet"
    );
    assert_eq!(presenter.text(".main-move"), "Show each option N →");
    let presenter = session.press_ok("more");
    assert_eq!(presenter.texts(".outcome").len(), options.len());
    assert!(
        presenter.texts(".evidence blockquote").is_empty(),
        "not yet"
    );
    let presenter = session.press_ok("more");
    assert!(!presenter.texts(".evidence blockquote").is_empty());
    assert_eq!(presenter.text(".main-move"), "Next exercise N →");
    let page = alex.get(&session.page_url());
    assert!(
        page.text(".explanation")
            .contains(&crate::helpers::fold(&explanation))
    );
    assert!(!page.texts(".evidence blockquote").is_empty());

    // The last exercise: only Sam answers, wrongly; then the end.
    let presenter = session.press_ok("next");
    assert!(presenter.text(".round-place").contains("Exercise 2 of 2"));
    let page = answer(&sam, &session, false);
    assert_eq!(page.text("h1"), "Answer received");
    for action in ["close", "split", "reveal", "more", "more"] {
        session.press_ok(action);
    }
    let presenter = session.press_ok("more");
    assert_eq!(presenter.text(".main-move"), "Finish the session N →");
    let review = session.press_ok("end");
    assert!(
        review.text("h1").contains("how the room answered"),
        "{}",
        review.body
    );
    let items = review.texts(".review-item");
    assert!(items[0].contains("2 answered; 100% chose"), "{items:?}");
    assert!(items[1].contains("1 answered; 0% chose"), "{items:?}");
    assert!(
        review.texts(".leaderboard li").is_empty(),
        "no leaderboard asked for"
    );

    let page = sam.get(&session.page_url());
    assert_eq!(page.text("h1"), "The session has ended");
    assert!(page.text(".lead").contains("You got 1 of 2 right."));
    let page = alex.get(&session.page_url());
    assert!(page.text(".lead").contains("You got 1 of 2 right."));
    assert!(page.text(".live-summary").contains("Your answer: none"));

    let csv = session
        .teacher
        .client
        .get(
            session
                .teacher
                .url(&format!("{}/results.csv", session.presenter)),
        )
        .send()
        .unwrap()
        .text()
        .unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 4, "a header and three answers:\n{csv}");
    assert!(lines[1].starts_with("Alex,1,"), "{csv}");
    assert!(lines[1].ends_with(&format!(",yes,{}", lines[1].rsplit(',').next().unwrap())));
    assert!(
        lines[2].starts_with("Sam,1,") && lines[2].contains(",yes,"),
        "{csv}"
    );
    assert!(
        lines[3].starts_with("Sam,2,") && lines[3].contains(",no,"),
        "{csv}"
    );
}

#[test]
fn scores_and_a_leaderboard_show_only_when_the_facilitator_asks_for_them() {
    let app = spawn_app();
    for (username, scoring, score_shown, leaderboard) in [
        ("quiet", "none", false, false),
        ("board", "leaderboard", true, true),
    ] {
        let session = start_session(&app, username, scoring);
        let sam = app.browser_for(browser());
        join(&sam, &session.code, "Sam");
        session.press_ok("start");
        answer(&sam, &session, true);
        session.press_ok("end");
        let page = sam.get(&session.page_url());
        assert_eq!(
            page.text(".lead").contains("You got"),
            score_shown,
            "{scoring}"
        );
        assert_eq!(
            session.presenter_page().texts(".leaderboard li"),
            if leaderboard {
                vec!["1. Sam 1 right".to_string()]
            } else {
                vec![]
            },
            "{scoring}"
        );
    }
}

#[test]
fn the_new_session_form_explains_its_mistakes() {
    let app = spawn_app();
    let teacher = app.browser_for(browser());
    sign_up(&teacher, "rivera");
    for (fields, message) in [
        (vec![("pick", "chosen")], "No exercise was chosen"),
        (
            vec![("pick", "chosen"), ("exercise", "no-such-exercise")],
            "is not an exercise of this lesson",
        ),
        (
            vec![("pick", "random"), ("count", "0"), ("focus", "mix")],
            "must be a whole number from 1 to 50",
        ),
        (
            vec![("pick", "random"), ("count", "5")],
            "Choose which skill",
        ),
        (
            vec![("pick", "sometimes")],
            "Choose how the exercises are picked",
        ),
        (
            vec![("pick", "all"), ("focus", "source"), ("scoring", "lots")],
            "Choose whether scores are shown",
        ),
    ] {
        let page = create_session(&teacher, &fields);
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{fields:?}");
        assert!(
            page.text(".error-message").contains(message),
            "{fields:?}: {}",
            page.text(".error-message")
        );
    }
    assert!(
        teacher.get("/teachers/live").texts(".cards li").is_empty(),
        "no session was made"
    );
    let page = create_session(&teacher, &[("pick", "all"), ("focus", "source")]);
    let expected = library()
        .pack(PACK)
        .unwrap()
        .exercises_of(sourcewise::content::Skill::Source)
        .count();
    assert!(page.text(".round-place").is_empty());
    let session_list = teacher.get("/teachers/live");
    assert_eq!(
        session_list.texts(".cards li p"),
        vec![format!(
            "Waiting in the lobby · {expected} exercises · started {}",
            session_list
                .text(".cards li p")
                .rsplit("started ")
                .next()
                .unwrap()
        )]
    );
}

#[test]
fn all_the_exercises_of_several_skills_make_one_session() {
    let app = spawn_app();
    let teacher = app.browser_for(browser());
    sign_up(&teacher, "rivera");
    let page = create_session(
        &teacher,
        &[("pick", "all"), ("skill", "source"), ("skill", "quote")],
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.text("h1"), "Join the live session");
    let pack = library().pack(PACK).unwrap();
    let expected = [
        sourcewise::content::Skill::Source,
        sourcewise::content::Skill::Quote,
    ]
    .into_iter()
    .map(|skill| pack.exercises_of(skill).count())
    .sum::<usize>();
    let session_list = teacher.get("/teachers/live");
    assert!(
        session_list
            .text(".cards li p")
            .starts_with(&format!("Waiting in the lobby · {expected} exercises")),
        "{}",
        session_list.text(".cards li p")
    );
}

/// The phase the participant's page is drawn at, from its `data-version`.
fn version(page: &Page) -> String {
    page.attribute("#live", "data-version")
}

#[test]
fn bad_input_gets_a_clear_message_and_changes_nothing() {
    let app = spawn_app();
    let session = start_session(&app, "rivera", "none");
    let sam = app.browser_for(browser());
    let expect = |page: Page, status: StatusCode, message: &str| {
        assert_eq!(page.status, status, "{message}: {}", page.body);
        let said = page.text(".error-message, .form-error");
        assert!(said.contains(message), "expected “{message}”, got “{said}”");
    };

    // Joining: a code of no session, a code that is no code, a nickname taken.
    expect(
        join(&sam, "ZZZ-ZZZ", "Sam"),
        StatusCode::BAD_REQUEST,
        "No live session is open with the code ZZZ-ZZZ",
    );
    expect(
        join(&sam, "hello", "Sam"),
        StatusCode::BAD_REQUEST,
        "That is not a session code",
    );
    expect(
        join(&sam, &session.code, "S"),
        StatusCode::BAD_REQUEST,
        "at least 2",
    );
    assert_eq!(join(&sam, &session.code, "Sam").status, StatusCode::OK);
    let other = app.browser_for(browser());
    expect(
        join(&other, &session.code, "sAM"),
        StatusCode::BAD_REQUEST,
        "already called “Sam”",
    );
    // A class's code typed here, or this session's code typed where classes are joined.
    let class_code = {
        let teacher = app.browser_for(browser());
        let class_page = crate::classes::teacher_with_class(&teacher, "classy", "10B");
        crate::classes::join_code(&teacher.get(&class_page))
    };
    expect(
        join(&other, &class_code, "Otto"),
        StatusCode::BAD_REQUEST,
        "is the join code of a class, not of a live session",
    );
    let session_code = format!("{}-{}", &session.code[..3], &session.code[3..]);
    let page = crate::classes::join(&other, &session_code, "Otto");
    assert!(
        page.text(".form-error")
            .contains("is the code of a live session, not of a class"),
        "{}",
        page.text(".form-error")
    );
    // The address of an unknown code shows the form to join, as a real one does.
    let page = other.get("/live/ZZZZZZ");
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.attribute("input[name=code]", "value"), "ZZZ-ZZZ");
    expect(
        other.get("/live/hello"),
        StatusCode::NOT_FOUND,
        "No live session has the code hello",
    );
    assert_eq!(session.presenter_page().text("[data-count=joined]"), "1");

    // Answering before the start, and without the form's token.
    let lobby = sam.get(&session.page_url());
    let token = app
        .browser_for(sam.client.clone())
        .get("/live")
        .attribute("input[name=csrf]", "value");
    let post = |form: &[(&str, &str)]| sam.post(&format!("{}/answers", session.page_url()), form);
    expect(
        post(&[
            ("csrf", &token),
            ("number", "1"),
            ("exercise", FIRST),
            ("choice", "contested"),
        ]),
        StatusCode::BAD_REQUEST,
        "has not started yet",
    );
    session.press_ok("start");
    let question = sam.get(&session.page_url());
    assert_ne!(version(&question), version(&lobby));
    let (_, right) = pick(&question, true);
    let (_, wrong) = pick(&question, false);
    expect(
        post(&[("number", "1"), ("exercise", FIRST), ("choice", &right)]),
        StatusCode::FORBIDDEN,
        "did not come from this site",
    );
    // Not an option; another exercise than the one open; a number out of range.
    expect(
        send(&sam, &question, "made-up"),
        StatusCode::BAD_REQUEST,
        "“made-up” is not one of the options",
    );
    expect(
        post(&[
            ("csrf", &token),
            ("number", "2"),
            ("exercise", SECOND),
            ("choice", "encyclopedia"),
        ]),
        StatusCode::BAD_REQUEST,
        "Answers to this exercise are closed",
    );
    expect(
        post(&[
            ("csrf", &token),
            ("number", "1"),
            ("exercise", SECOND),
            ("choice", &right),
        ]),
        StatusCode::BAD_REQUEST,
        "different exercise",
    );
    expect(
        post(&[
            ("csrf", &token),
            ("number", "9"),
            ("exercise", FIRST),
            ("choice", &right),
        ]),
        StatusCode::BAD_REQUEST,
        "did not say which exercise",
    );
    // Someone who has not joined cannot answer.
    let stranger_token = other.get("/live").attribute("input[name=csrf]", "value");
    expect(
        other.post(
            &format!("{}/answers", session.page_url()),
            &[
                ("csrf", &stranger_token),
                ("number", "1"),
                ("exercise", FIRST),
                ("choice", &right),
            ],
        ),
        StatusCode::BAD_REQUEST,
        "This browser has not joined a live session with this code",
    );
    assert_eq!(session.presenter_page().text("[data-count=answered]"), "0");

    // Answering twice from the same question page (a second tab, a double tap) keeps the
    // first answer.
    assert_eq!(send(&sam, &question, &right).text("h1"), "Answer received");
    expect(
        send(&sam, &question, &wrong),
        StatusCode::BAD_REQUEST,
        "You have already answered this exercise",
    );
    assert!(
        sam.get(&session.page_url())
            .text("[role=status]")
            .contains(&label(FIRST, &right))
    );

    // A participant trying the facilitator's moves is sent to sign in; another teacher
    // finds nothing there.
    let presenter = session.presenter_page();
    let moves = format!("{}/moves", session.presenter);
    let participant_move = sam.post(
        &moves,
        &[
            ("csrf", &token),
            ("version", &version(&presenter)),
            ("action", "close"),
        ],
    );
    assert_eq!(participant_move.path(), "/teachers/sign-in");
    assert_eq!(sam.get(&session.presenter).path(), "/teachers/sign-in");
    let intruder = app.browser_for(browser());
    sign_up(&intruder, "intruder");
    let intruder_token = intruder
        .get("/teachers")
        .attribute("input[name=csrf]", "value");
    expect(
        intruder.post(
            &moves,
            &[
                ("csrf", &intruder_token),
                ("version", &version(&presenter)),
                ("action", "close"),
            ],
        ),
        StatusCode::NOT_FOUND,
        "no live session at this address among yours",
    );
    expect(
        intruder.get(&format!("{}/results.csv", session.presenter)),
        StatusCode::NOT_FOUND,
        "among yours",
    );
    assert_eq!(
        version(&session.presenter_page()),
        version(&presenter),
        "nothing moved"
    );

    // The facilitator's own mistakes: a move out of turn, an unknown one, a stale page.
    expect(
        session.press("reveal"),
        StatusCode::BAD_REQUEST,
        "Answers are still open",
    );
    expect(
        session.press("dance"),
        StatusCode::BAD_REQUEST,
        "not one the presenter page has",
    );
    let csrf = presenter.attribute("input[name=csrf]", "value");
    // A move without the step it was made on, or with one that is no step.
    for from in [None, Some(""), Some("7-dancing"), Some("0-open")] {
        let mut form = vec![
            ("csrf", csrf.as_str()),
            ("version", "2"),
            ("action", "close"),
        ];
        form.extend(from.map(|from| ("from", from)));
        expect(
            session.teacher.post(&moves, &form),
            StatusCode::BAD_REQUEST,
            "did not say which step of the session it was made on",
        );
    }
    // A move made on the lobby's page, the session having moved on since (a double
    // press, a second device): it changes nothing and says so.
    let stale = session.teacher.post(
        &moves,
        &[("csrf", &csrf), ("from", "lobby"), ("action", "start")],
    );
    assert_eq!(stale.status, StatusCode::OK);
    assert!(
        stale.text(".notice").contains("had already moved on"),
        "{}",
        stale.body
    );
    assert_eq!(
        version(&stale),
        version(&presenter),
        "the stale click changed nothing"
    );
    expect(
        session.teacher.post(
            &moves,
            &[("version", &version(&presenter)), ("action", "close")],
        ),
        StatusCode::FORBIDDEN,
        "did not come from this site",
    );

    // Closed: answers are refused and the one given stays.
    session.press_ok("close");
    let page = sam.get(&format!("{}?change=1", session.page_url()));
    assert_eq!(
        page.text("h1"),
        "Answers are closed",
        "no changing after the close"
    );
    expect(
        send(&sam, &question, &wrong),
        StatusCode::BAD_REQUEST,
        "Answers to this exercise are closed",
    );
    assert!(
        sam.get(&session.page_url())
            .text(".lead")
            .contains(&label(FIRST, &right))
    );

    // Ended: no answers, no joining, no moves.
    session.press_ok("end");
    expect(
        send(&sam, &question, &wrong),
        StatusCode::BAD_REQUEST,
        "This session has ended",
    );
    expect(
        join(&other, &session.code, "Late"),
        StatusCode::BAD_REQUEST,
        "has ended",
    );
    // Its address tells a stranger no more than an unknown code's would.
    assert_eq!(
        other.get(&session.page_url()).text("h1"),
        other.get("/live/ZZZZZZ").text("h1")
    );
    let review = session.presenter_page();
    let csrf = session
        .teacher
        .get("/teachers")
        .attribute("input[name=csrf]", "value");
    // Lobby 1, open 2, closed 3, ended 4: a move on the ended session is refused, a
    // move from a stale page changes nothing either.
    for (from, status, message) in [
        ("ended", StatusCode::BAD_REQUEST, "This session has ended."),
        ("1-closed", StatusCode::OK, ""),
    ] {
        let page = session.teacher.post(
            &moves,
            &[("csrf", &csrf), ("from", from), ("action", "next")],
        );
        expect(page, status, message);
    }
    assert_eq!(
        session.presenter_page().body,
        review.body,
        "the review is unchanged"
    );
    let csv = session
        .teacher
        .get(&format!("{}/results.csv", session.presenter))
        .body;
    assert_eq!(csv.lines().count(), 2, "one answer, the first:\n{csv}");
    assert!(csv.contains(",yes,"), "{csv}");
}

/// Reads server-sent events from `path` with `participant`'s cookies; returns each
/// event's data line as it arrives.
fn events(participant: &Browser, path: &str) -> impl Iterator<Item = String> + use<> {
    let response = participant
        .client
        .get(participant.url(path))
        .timeout(std::time::Duration::from_secs(20))
        .send()
        .expect("the event stream opens");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    BufReader::new(response)
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| line.strip_prefix("data: ").map(str::to_string))
}

#[test]
fn the_event_stream_sends_the_phase_at_once_and_then_each_change() {
    let app = spawn_app();
    let session = start_session(&app, "rivera", "none");
    let sam = app.browser_for(browser());
    let stranger = app.browser_for(browser());
    join(&sam, &session.code, "Sam");
    let refused = stranger.get(&format!("{}/events", session.page_url()));
    assert_eq!(
        refused.status,
        StatusCode::NOT_FOUND,
        "only participants follow"
    );

    let mut stream = events(&sam, &format!("{}/events", session.page_url()));
    assert_eq!(
        stream.next().unwrap(),
        r#"{"version":1,"phase":"lobby","number":0}"#
    );
    session.press_ok("start");
    assert_eq!(
        stream.next().unwrap(),
        r#"{"version":2,"phase":"open","number":1}"#
    );
    session.press_ok("close");
    assert_eq!(
        stream.next().unwrap(),
        r#"{"version":3,"phase":"closed","number":1}"#
    );

    // The facilitator's stream also counts who joined and answered.
    let mut counts = events(&session.teacher, &format!("{}/events", session.presenter));
    assert_eq!(
        counts.next().unwrap(),
        r#"{"version":3,"phase":"closed","number":1,"joined":1,"answered":0}"#
    );
    session.press_ok("reopen");
    assert_eq!(
        stream.next().unwrap(),
        r#"{"version":4,"phase":"open","number":1}"#
    );
    answer(&sam, &session, true);
    let mut seen = counts.next().unwrap();
    while !seen.ends_with(r#""answered":1}"#) {
        seen = counts.next().unwrap();
    }
    assert_eq!(
        seen,
        r#"{"version":4,"phase":"open","number":1,"joined":1,"answered":1}"#
    );
}

#[test]
fn a_restart_in_the_middle_of_a_session_loses_no_acknowledged_answer() {
    let mut app = spawn_app();
    let session = start_session(&app, "rivera", "own");
    let participants: Vec<Browser> = (0..4).map(|_| app.browser_for(browser())).collect();
    for (index, participant) in participants.iter().enumerate() {
        assert_eq!(
            join(participant, &session.code, &format!("P{index}")).status,
            StatusCode::OK
        );
    }
    session.press_ok("start");
    for (index, participant) in participants.iter().enumerate() {
        let page = answer(participant, &session, index % 2 == 0);
        assert_eq!(page.text("h1"), "Answer received");
    }

    app.restart_after_kill();
    let address = app.address.clone();
    let session = Session {
        teacher: Browser {
            address: address.clone(),
            client: session.teacher.client.clone(),
        },
        ..session
    };
    let participants: Vec<Browser> = participants
        .into_iter()
        .map(|participant| Browser {
            address: address.clone(),
            client: participant.client,
        })
        .collect();

    // Everyone is where they were: the exercise open, their answer kept.
    assert_eq!(
        session.presenter_page().text(".live-status"),
        "Answers are open: 4 of 4 have answered."
    );
    for participant in &participants {
        assert_eq!(
            participant.get(&session.page_url()).text("h1"),
            "Answer received"
        );
    }
    let mut stream = events(&participants[0], &format!("{}/events", session.page_url()));
    assert_eq!(
        stream.next().unwrap(),
        r#"{"version":2,"phase":"open","number":1}"#
    );
    session.press_ok("close");
    assert_eq!(
        stream.next().unwrap(),
        r#"{"version":3,"phase":"closed","number":1}"#
    );
    session.press_ok("split");
    let presenter = session.press_ok("reveal");
    assert!(
        presenter
            .text(".live-status")
            .contains("4 of 4 answered; 50% chose"),
        "{}",
        presenter.text(".live-status")
    );
}

#[test]
fn the_facilitator_can_skip_an_exercise_and_go_back_to_an_earlier_one() {
    let app = spawn_app();
    let session = start_session(&app, "rivera", "none");
    let sam = app.browser_for(browser());
    join(&sam, &session.code, "Sam");
    session.press_ok("start");
    answer(&sam, &session, true);
    // Skipping while answers are open moves on; the first answer is kept.
    let presenter = session.press_ok("skip");
    assert!(presenter.text(".round-place").contains("Exercise 2 of 2"));
    assert_eq!(
        sam.get(&session.page_url())
            .attribute("input[name=exercise]", "value"),
        SECOND
    );
    assert!(
        !presenter
            .texts("button")
            .iter()
            .any(|button| button.starts_with("Skip this exercise")),
        "there is nothing to skip to from the last exercise"
    );
    // Back to the first: its answers come back closed, ready to reveal or reopen.
    let presenter = session.press_ok("back");
    assert!(presenter.text(".round-place").contains("Exercise 1 of 2"));
    assert_eq!(
        presenter.text(".live-status"),
        "Answers are closed: 1 of 1 answered."
    );
    assert_eq!(
        presenter.texts(".control-form button"),
        vec![
            "Show the split N →".to_string(),
            "Reopen answers O".into(),
            "Next exercise X".into(),
        ]
    );
    assert_eq!(
        sam.get(&session.page_url()).text("h1"),
        "Answers are closed"
    );
    session.press_ok("reopen");
    let page = sam.get(&session.page_url());
    assert_eq!(page.text("h1"), "Answer received", "the answer was kept");
    // Moving on again finds the second exercise closed: it was open before, and opening
    // it again is the facilitator's choice.
    let presenter = session.press_ok("next");
    assert!(
        presenter
            .text(".live-status")
            .starts_with("Answers are closed")
    );
}

#[test]
fn the_lobby_lists_who_joined_and_a_removed_nickname_is_gone_for_good() {
    let app = spawn_app();
    let session = start_session(&app, "rivera", "leaderboard");
    let sam = app.browser_for(browser());
    let rude = app.browser_for(browser());
    join(&sam, &session.code, "Sam");
    join(&rude, &session.code, "Rude Name");
    let lobby = session.presenter_page();
    assert_eq!(
        lobby.texts(".roster-list li > bdi"),
        vec!["Rude Name".to_string(), "Sam".into()]
    );
    assert_eq!(
        lobby.texts(".roster-list button"),
        vec!["Remove Rude Name".to_string(), "Remove Sam".into()]
    );
    let ids = lobby.attributes(".roster-list input[name=participant]", "value");
    let csrf = lobby.attribute(".roster-list input[name=csrf]", "value");
    let removals = format!("{}/removals", session.presenter);
    let remove = |id: &str| {
        session
            .teacher
            .post(&removals, &[("csrf", csrf.as_str()), ("participant", id)])
    };

    // Rude answers the first exercise, then is removed: their answer goes with them.
    session.press_ok("start");
    answer(&rude, &session, true);
    answer(&sam, &session, true);
    let page = remove(&ids[0]);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.path(), session.presenter);
    assert!(
        page.text(".notice").contains("“Rude Name” was removed"),
        "{}",
        page.text(".notice")
    );
    assert_eq!(page.text("[data-count=joined]"), "1");
    assert_eq!(
        page.text(".live-status"),
        "Answers are open: 1 of 1 have answered."
    );

    // Their phone says so, and takes no answer.
    let told = rude.get(&session.page_url());
    assert_eq!(told.text("h1"), "You were removed from this session");
    assert!(told.text(".lead").contains("Rude Name"));
    let token = told.attribute("input[name=csrf]", "value");
    let refused = rude.post(
        &format!("{}/answers", session.page_url()),
        &[
            ("csrf", token.as_str()),
            ("number", "1"),
            ("exercise", FIRST),
            ("choice", "agreed"),
        ],
    );
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused
            .text(".error-message")
            .contains("The facilitator removed you from this session")
    );

    // No one joins under the name, nor under a look-alike of it.
    for nickname in ["Rude Name", "RUDE NAME", "Rude Nаme"] {
        let page = join(&app.browser_for(browser()), &session.code, nickname);
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{nickname}");
        assert!(
            page.text(".form-error")
                .contains("The facilitator removed a participant with this nickname"),
            "{nickname}: {}",
            page.text(".form-error")
        );
    }
    // The removed person may join again under another nickname.
    let page = join(&rude, &session.code, "Kim");
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.attribute("input[name=exercise]", "value"), FIRST);

    // Removing twice, or no one, says so.
    for (id, message) in [
        (ids[0].as_str(), "not in this session"),
        ("", "did not say whom to remove"),
        ("nonsense", "did not say whom to remove"),
    ] {
        let page = remove(id);
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{id}");
        assert!(page.text(".error-message").contains(message), "{id}");
    }
    let forged = session
        .teacher
        .post(&removals, &[("participant", ids[1].as_str())]);
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // The removed name never reaches the leaderboard.
    let review = session.press_ok("end");
    let leaders = review.texts(".leaderboard li");
    assert_eq!(leaders, vec!["1. Sam 1 right".to_string()]);
    assert!(!review.body.contains("Rude Name"));
    let csv = session
        .teacher
        .get(&format!("{}/results.csv", session.presenter))
        .body;
    assert!(!csv.contains("Rude Name"), "{csv}");
}

#[test]
fn the_full_screen_view_and_the_phone_remote_make_the_same_moves() {
    let app = spawn_app();
    let session = start_session(&app, "rivera", "none");
    let screen = session
        .teacher
        .get(&format!("{}/screen", session.presenter));
    assert_eq!(screen.status, StatusCode::OK, "{}", screen.body);
    assert!(screen.texts(".site-header").is_empty(), "no site header");
    assert!(screen.texts(".site-footer").is_empty(), "no site footer");
    assert_eq!(screen.text("h1"), "Join the live session");
    assert_eq!(screen.text(".main-move"), "Open the first exercise N →");
    let presenter = session.presenter_page();
    assert!(!presenter.texts(".site-header").is_empty());

    let remote = session
        .teacher
        .get(&format!("{}/remote", session.presenter));
    assert_eq!(remote.status, StatusCode::OK, "{}", remote.body);
    assert!(remote.texts(".qr").is_empty(), "no QR code on the phone");
    assert_eq!(remote.text(".main-move"), "Open the first exercise N →");
    // A move from the remote comes back to the remote.
    let move_from = |page: &Page, action: &str| {
        let field =
            |name: &str| page.attribute(&format!("form[data-moves] input[name={name}]"), "value");
        session.teacher.post(
            &format!("{}/moves", session.presenter),
            &[
                ("csrf", field("csrf").as_str()),
                ("version", field("version").as_str()),
                ("from", field("from").as_str()),
                ("view", field("view").as_str()),
                ("action", action),
            ],
        )
    };
    let remote = move_from(&remote, "start");
    assert_eq!(remote.path(), format!("{}/remote", session.presenter));
    assert_eq!(remote.text("h1"), "Exercise 1 of 2");
    assert!(remote.texts(".live-options li").is_empty(), "no options");
    assert!(remote.texts("blockquote, .claim").is_empty(), "no prompt");
    assert_eq!(remote.text(".main-move"), "Close answers N →");
    // The screen follows, and a move from it comes back to it.
    let screen = session
        .teacher
        .get(&format!("{}/screen", session.presenter));
    assert!(screen.text(".round-place").contains("Exercise 1 of 2"));
    let screen = move_from(&screen, "close");
    assert_eq!(screen.path(), format!("{}/screen", session.presenter));
    assert!(screen.texts(".site-header").is_empty());
    assert!(
        screen
            .text(".live-status")
            .starts_with("Answers are closed")
    );
    // The remote's page, now stale, changes nothing and says so.
    let stale = move_from(&remote, "close");
    assert_eq!(stale.path(), format!("{}/remote", session.presenter));
    assert!(stale.text(".notice").contains("had already moved on"));
}
