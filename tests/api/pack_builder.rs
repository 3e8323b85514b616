//! The pack builder: a teacher makes a pack from their own documents in the browser,
//! field by field; every save is stored, each problem shown at its field in the words of
//! `sourcewise check`; only a pack that passes is published; and what was served stays
//! served while later edits have problems.

use std::io::Cursor;

use reqwest::StatusCode;
use reqwest::blocking::multipart::{Form, Part};
use zip::ZipArchive;

use crate::check_command::run_check;
use crate::helpers::{Browser, Page, TestApp, browser, questions_dir, spawn_app, start_server};
use crate::persistence::admin;
use crate::{classes, live};

pub(crate) const COUNCIL: &str = "The council voted on Tuesday to close the old library on Mill Street. Officials said repairs would cost 2.4 million pounds, more than the town can afford.\n\nThe mayor said the decision was painful but necessary.\n";
pub(crate) const RESIDENTS: &str = "Residents packed the hall on Tuesday night. \"We were never asked,\" said one reader, who has used the Mill Street library for forty years.\n\nThe residents' group says repairs would cost far less than the council claims: about 900,000 pounds.\n";

/// Sends a builder form (multipart) to `path`, with the CSRF token of the page at
/// `form_page`, and follows the redirect.
pub(crate) fn send(
    teacher: &Browser,
    form_page: &str,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, Vec<u8>)>,
) -> Page {
    let mut form = Form::new().text("csrf", teacher.form_token(form_page));
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    if let Some((name, bytes)) = file {
        form = form.part("file", Part::bytes(bytes).file_name(name.to_string()));
    }
    let response = teacher
        .client
        .post(teacher.url(path))
        .multipart(form)
        .send()
        .expect("POST succeeds");
    let status = response.status();
    let url = response.url().to_string();
    let body = response.text().unwrap();
    Page { status, url, body }
}

pub(crate) fn teacher(app: &TestApp, username: &str) -> Browser {
    let teacher = app.browser_for(browser());
    live::sign_up(&teacher, username);
    teacher
}

/// Makes a pack with `id`; returns its page's path.
pub(crate) fn new_pack(teacher: &Browser, id: &str) -> String {
    let page = send(
        teacher,
        "/teachers/packs/new",
        "/teachers/packs/new",
        &[
            ("pack_id", id),
            ("title", "The Mill Street library"),
            (
                "description",
                "Two documents about closing a town library: the council's statement and a report of a residents' meeting.",
            ),
            (
                "goals",
                "Tell which document a passage comes from.\r\nAsk who gives a number.",
            ),
            (
                "content_note",
                "Nothing upsetting: a local argument about a library.",
            ),
            ("missing_voices", ""),
            ("perspective_id", "council"),
            ("perspective_label", "The town council"),
            ("perspective_description", ""),
            ("perspective_id", "residents"),
            ("perspective_label", "The residents' group"),
            ("perspective_description", ""),
        ],
        None,
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.url.contains("notice=created"), "{}", page.url);
    page.path()
}

fn document_fields<'a>(title: &'a str, short: &'a str, text: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("short_title", short),
        ("id", ""),
        ("author", "Not named in the text"),
        ("publisher", "Mill Town"),
        ("kind", "Statement"),
        ("date", "2026"),
        ("url", ""),
        ("licence", "Written for this test"),
        ("perspective", ""),
        ("text", text),
    ]
}

/// Adds the two documents, the council's pasted and the residents' as a file.
pub(crate) fn add_documents(teacher: &Browser, pack: &str) {
    let new = format!("{pack}/documents/new");
    let added = send(
        teacher,
        &new,
        &format!("{pack}/documents"),
        &document_fields("The council's statement", "Council statement", COUNCIL),
        None,
    );
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    assert!(
        added.url.ends_with("/documents/1?saved=1") || added.url.contains("/documents/1?saved="),
        "{}",
        added.url
    );
    let added = send(
        teacher,
        &new,
        &format!("{pack}/documents"),
        &document_fields("Report of the residents' meeting", "Residents' report", ""),
        Some(("meeting.txt", RESIDENTS.as_bytes().to_vec())),
    );
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    // Documents stand in the order of their ids: "council-statement", "residents-report".
    assert!(added.url.contains("/documents/2?saved="), "{}", added.url);
}

/// The fields of a source exercise whose passage is `passage`, from the council's.
pub(crate) fn source_exercise(passage: &str) -> Vec<(&str, &str)> {
    vec![
        ("kind", "source"),
        ("id", "source-01"),
        ("question", ""),
        (
            "explanation",
            "The passage gives the cost in the council's words and credits it to officials. The residents give a lower figure. Habit: ask who gives a number, and who counted it.",
        ),
        ("passage_source", "council-statement"),
        ("passage_text", passage),
        ("passage_note", ""),
        ("option_answer", "council-statement"),
        (
            "option_why",
            "Only the council's statement gives the cost as 2.4 million pounds.",
        ),
        ("option_answer", "residents-report"),
        (
            "option_why",
            "The residents' report gives a lower figure, about 900,000 pounds.",
        ),
        ("correct", "council-statement"),
        ("evidence_source", ""),
        ("evidence_text", ""),
        ("evidence_note", ""),
        ("original_title", ""),
        ("original_look_for", ""),
        ("original_url", ""),
    ]
}

/// A pack that passes every check: two documents and one source exercise; its page's
/// path.
fn passing_pack(teacher: &Browser) -> String {
    let pack = new_pack(teacher, "mill-street");
    add_documents(teacher, &pack);
    send(
        teacher,
        &format!("{pack}/exercises/new?kind=source"),
        &format!("{pack}/exercises"),
        &source_exercise(PASSAGE),
        None,
    );
    pack
}

/// Publishes the pack at `pack` and assigns it whole to a new class, "Year 10";
/// returns the key it is served under and the class page's path.
fn publish_and_assign(teacher: &Browser, pack: &str) -> (String, String) {
    let key = teacher
        .get(pack)
        .attribute("a.button[href^='/packs/']", "href")
        .trim_start_matches("/packs/")
        .to_string();
    let published = teacher.post(
        &format!("{pack}/published"),
        &[("csrf", &teacher.form_token(pack)), ("value", "yes")],
    );
    assert_eq!(published.status, StatusCode::OK, "{}", published.body);
    let class = classes::create_class(teacher, "Year 10", "");
    let assigned = crate::assignments::assign_pack(
        teacher,
        &class,
        &key,
        &[
            ("focus", "all"),
            ("length", "1"),
            ("due", ""),
            ("feedback", "immediate"),
        ],
    );
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.body);
    (key, class)
}

const PASSAGE: &str =
    "Officials said repairs would cost 2.4 million pounds, more than the town can afford.";

#[test]
fn a_teacher_builds_a_pack_field_by_field_publishes_and_assigns_it() {
    let app = spawn_app();
    let teacher = teacher(&app, "builder");
    let pack = new_pack(&teacher, "mill-street");
    let page = teacher.get(&pack);
    assert_eq!(page.text("h1"), "The Mill Street library");
    assert!(
        page.visible_text().contains("Draft"),
        "{}",
        page.visible_text()
    );
    assert!(
        page.texts("button")
            .iter()
            .all(|button| button != "Publish")
    );

    add_documents(&teacher, &pack);
    // The text is kept exactly: pasted, and uploaded.
    assert_eq!(
        teacher.get(&format!("{pack}/documents/1/text")).body,
        COUNCIL
    );
    assert_eq!(
        teacher.get(&format!("{pack}/documents/2/text")).body,
        RESIDENTS
    );

    let saved = send(
        &teacher,
        &format!("{pack}/exercises/new?kind=source"),
        &format!("{pack}/exercises"),
        &source_exercise(PASSAGE),
        None,
    );
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.url.ends_with("/exercises/1?saved=0"), "{}", saved.url);
    assert_eq!(saved.text(".notice"), "Saved. The pack passes every check.");

    let preview = teacher.get(&format!("{pack}/exercises/1/preview"));
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert_eq!(preview.text("h1"), "Which document is this passage from?");
    assert!(preview.text("blockquote").contains("2.4 million pounds"));
    assert!(
        preview
            .visible_text()
            .contains("The correct answer: Council statement")
    );

    assert!(teacher.get(&pack).texts("#problems").is_empty());
    let (_, class) = publish_and_assign(&teacher, &pack);

    // A student answers version 1; the teacher rewords the explanation, which makes
    // version 2; a second student answers that. Results say which each answered.
    let code = classes::join_code(&teacher.get(&class));
    let answer = |nickname: &str| {
        let student = app.browser_for(browser());
        classes::join(&student, &code, nickname);
        let question = crate::assignments::open_assignment(&student);
        let feedback = student.answer_choosing(&question, "council-statement", None);
        assert!(feedback.body.contains("Right"), "{}", feedback.body);
        feedback
    };
    let first = answer("Ade");
    assert!(
        first
            .visible_text()
            .contains("Habit: ask who gives a number")
    );
    let mut reworded = source_exercise(PASSAGE);
    reworded[3].1 = "The passage gives the cost in the council's words. Habit: ask who counted.";
    let saved = send(
        &teacher,
        &format!("{pack}/exercises/1"),
        &format!("{pack}/exercises/1"),
        &reworded,
        None,
    );
    assert!(saved.url.ends_with("?saved=0"), "{}", saved.url);
    assert!(
        teacher
            .get(&pack)
            .visible_text()
            .contains("source-01 · Which source? · version 2")
    );
    let second = answer("Bea");
    assert!(second.visible_text().contains("Habit: ask who counted."));

    let class_page = teacher.get(&class);
    for (nickname, version) in [("Ade", "version 1"), ("Bea", "version 2")] {
        let link = class_page
            .html()
            .select(&scraper::Selector::parse("a[href*='/students/']").unwrap())
            .find(|link| link.text().collect::<String>().contains(nickname))
            .and_then(|link| link.value().attr("href").map(str::to_string))
            .expect("a link to the student");
        let student_page = teacher.get(&link);
        assert_eq!(student_page.text(".answers .tag"), version, "{nickname}");
    }
    let results = teacher
        .get(&class)
        .attribute(".assignments .card h3 a", "href");
    let csv = teacher.get(&format!("{results}/results.csv")).body;
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .trim_start_matches('\u{feff}')
            .ends_with(",answered at (UTC),version"),
        "{csv}"
    );
    let mut versions: Vec<String> = lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            format!("{} {}", cells[0], cells[cells.len() - 1])
        })
        .collect();
    versions.sort();
    assert_eq!(versions, ["Ade 1", "Bea 2"]);
}

#[test]
fn a_problem_is_shown_at_its_field_in_the_words_of_sourcewise_check() {
    let app = spawn_app();
    let teacher = teacher(&app, "fixer");
    let pack = new_pack(&teacher, "mill-street");
    add_documents(&teacher, &pack);
    let wrong = "Officials said repairs would cost 3 million pounds.";
    let saved = send(
        &teacher,
        &format!("{pack}/exercises/new?kind=source"),
        &format!("{pack}/exercises"),
        &source_exercise(wrong),
        None,
    );
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.url.ends_with("/exercises/1?saved=1"), "{}", saved.url);
    // Stored as a draft: the text is kept as typed, and the problem is at its field.
    assert_eq!(
        saved.attribute("#f-exercise-0-passage-text", "aria-invalid"),
        "true"
    );
    assert_eq!(saved.text("#f-exercise-0-passage-text").trim(), wrong);
    let shown = saved.text("#f-exercise-0-passage-text-error");

    // The pack's page lists it with a link to that field, and there is no Publish.
    let page = teacher.get(&pack);
    assert_eq!(
        page.attribute("#problems a", "href"),
        format!("{pack}/exercises/1#f-exercise-0-passage-text")
    );
    assert!(
        page.text("#problems li").ends_with(&shown),
        "{}",
        page.text("#problems li")
    );
    assert!(
        page.texts("button")
            .iter()
            .all(|button| button != "Publish")
    );
    let refused = teacher.post(
        &format!("{pack}/published"),
        &[
            ("csrf", &teacher.form_token("/teachers/packs")),
            ("value", "yes"),
        ],
    );
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);

    // `sourcewise check` on the exported folder says the same words.
    let archive = teacher
        .client
        .get(teacher.url(&format!("{pack}/export.zip")))
        .send()
        .unwrap()
        .bytes()
        .unwrap();
    let folder = tempfile::tempdir().unwrap();
    ZipArchive::new(Cursor::new(archive.to_vec()))
        .unwrap()
        .extract(folder.path())
        .unwrap();
    let output = run_check(&folder.path().join("mill-street"));
    assert!(!output.status.success());
    let output = String::from_utf8_lossy(&output.stderr).to_string()
        + &String::from_utf8_lossy(&output.stdout);
    let output = crate::helpers::fold(&output);
    assert!(
        output.contains(&shown),
        "check said {output:?}, the page {shown:?}"
    );
    assert!(
        shown.starts_with("the passage is not found verbatim in the source \"council-statement\""),
        "{shown}"
    );

    // Fixed, it passes and can be published.
    let fixed = send(
        &teacher,
        &format!("{pack}/exercises/1"),
        &format!("{pack}/exercises/1"),
        &source_exercise(PASSAGE),
        None,
    );
    assert!(fixed.url.ends_with("/exercises/1?saved=0"), "{}", fixed.url);
    assert_eq!(fixed.texts(".field-problems").len(), 0, "{}", fixed.body);
    let published = teacher.post(
        &format!("{pack}/published"),
        &[("csrf", &teacher.form_token(&pack)), ("value", "yes")],
    );
    assert_eq!(published.status, StatusCode::OK, "{}", published.body);
}

#[test]
fn bad_input_to_the_builder_is_refused_with_a_message_and_loses_nothing() {
    let app = spawn_app();
    let teacher = teacher(&app, "careful");
    // Ids: not valid, and taken by the site.
    for (id, said) in [
        ("Mill Street", "cannot be a pack's id"),
        (
            "khojaly-1992",
            "is taken by a lesson this site offers to everyone",
        ),
    ] {
        let page = send(
            &teacher,
            "/teachers/packs/new",
            "/teachers/packs/new",
            &[("pack_id", id), ("title", "Kept")],
            None,
        );
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
        assert!(
            page.text("#pack_id-error").contains(said),
            "{}",
            page.text("#pack_id-error")
        );
        assert_eq!(page.attribute("#f-pack-title", "value"), "Kept");
    }
    let pack = new_pack(&teacher, "mill-street");
    let taken = send(
        &teacher,
        "/teachers/packs/new",
        "/teachers/packs/new",
        &[("pack_id", "mill-street")],
        None,
    );
    assert!(
        taken
            .text("#pack_id-error")
            .contains("is taken by one of your packs")
    );

    let new = format!("{pack}/documents/new");
    let documents = format!("{pack}/documents");
    // A file that is not UTF-8: refused, the form kept.
    let page = send(
        &teacher,
        &new,
        &documents,
        &document_fields("Kept title", "Kept", ""),
        Some(("latin1.txt", vec![b'c', b'a', 0xe9, b'\n'])),
    );
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(
        page.text(".form-error")
            .contains("“latin1.txt” is not UTF-8 text"),
        "{}",
        page.text(".form-error")
    );
    assert_eq!(page.attribute("#f-document-0-title", "value"), "Kept title");
    // Too long a text, and no text at all.
    let long = "word ".repeat(220_000);
    let page = send(
        &teacher,
        &new,
        &documents,
        &document_fields("Long", "Long", &long),
        None,
    );
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.text(".form-error")
            .contains("a document may have 1 MB"),
        "{}",
        page.text(".form-error")
    );
    let page = send(
        &teacher,
        &new,
        &documents,
        &document_fields("Empty", "Empty", "  "),
        None,
    );
    assert!(
        page.text(".form-error")
            .contains("The document has no text")
    );
    // A document id that is not valid.
    let mut fields = document_fields("Bad id", "Bad", COUNCIL);
    fields[2] = ("id", "Bad Id");
    let page = send(&teacher, &new, &documents, &fields, None);
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.text("#f-document-0-id-error")
            .contains("cannot be a document's id")
    );
    assert_eq!(
        teacher.get(&pack).texts(".item-list li").len(),
        0,
        "nothing was stored"
    );

    // Numbers past the end, an unknown kind.
    add_documents(&teacher, &pack);
    assert_eq!(
        teacher.get(&format!("{pack}/documents/3")).status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        teacher.get(&format!("{pack}/exercises/1")).status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        teacher
            .get(&format!("{pack}/exercises/new?kind=essay"))
            .status,
        StatusCode::BAD_REQUEST
    );

    // Another teacher gets 404 for every page of the pack.
    let other = self::teacher(&app, "other");
    for path in [
        pack.clone(),
        format!("{pack}/about"),
        format!("{pack}/documents/1"),
        format!("{pack}/documents/1/text"),
        format!("{pack}/glossary"),
        format!("{pack}/exercises/new?kind=source"),
    ] {
        assert_eq!(other.get(&path).status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[test]
fn while_an_edit_has_problems_the_last_version_that_passed_stays_served() {
    let mut app = spawn_app();
    let teacher = teacher(&app, "editor");
    let pack = passing_pack(&teacher);
    let key = teacher
        .get(&pack)
        .attribute("a.button[href^='/packs/']", "href");
    let broken = send(
        &teacher,
        &format!("{pack}/exercises/1"),
        &format!("{pack}/exercises/1"),
        &source_exercise("Not in the document at all."),
        None,
    );
    assert!(broken.url.ends_with("?saved=1"), "{}", broken.url);
    let page = teacher.get(&pack);
    assert!(
        page.text("#problems")
            .contains("Students are still given the last version that passed")
    );
    assert_eq!(teacher.get(&key).status, StatusCode::OK);
    app.restart_after_kill();
    let teacher = Browser {
        address: app.browser.address.clone(),
        client: teacher.client,
    };
    let learner = app.browser_for(browser());
    assert_eq!(
        learner.get(&key).status,
        StatusCode::OK,
        "served after a restart"
    );
    // The working copy, with its problem, was kept too.
    let exercise = teacher.get(&format!("{pack}/exercises/1"));
    assert_eq!(
        exercise.text("#f-exercise-0-passage-text").trim(),
        "Not in the document at all."
    );
}

#[test]
fn the_helpers_find_a_phrase_every_figure_and_passages_only_one_document_has() {
    let app = spawn_app();
    let teacher = teacher(&app, "helped");
    let pack = new_pack(&teacher, "mill-street");
    add_documents(&teacher, &pack);

    // Capitals and spaces do not matter; each place links to a new exercise.
    let found = teacher.get(&format!("{pack}/find?q=REPAIRS%20%20would"));
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(found.text("h2"), "2 places");
    assert_eq!(
        found.texts(".finds mark"),
        ["repairs would", "repairs would"]
    );
    let link = found.attribute(".finds a", "href");
    let form = teacher.get(&link);
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert_eq!(
        form.attribute("#f-exercise-0-passage-source option[selected]", "value"),
        "council-statement"
    );
    assert_eq!(
        form.text("#f-exercise-0-passage-text"),
        "Officials said repairs would cost 2.4 million pounds, more than the town can afford."
    );
    let evidence = teacher.get(&found.attributes(".finds a", "href")[1]);
    assert_eq!(
        evidence.text("#f-exercise-0-evidence-0-text"),
        "Officials said repairs would cost 2.4 million pounds, more than the town can afford."
    );
    assert_eq!(
        teacher.get(&format!("{pack}/find?q=a%20dragon")).text("h2"),
        "“a dragon” is in none of the documents"
    );
    let long = "word%20".repeat(100);
    let refused = teacher.get(&format!("{pack}/find?q={long}"));
    assert!(
        refused
            .text(".form-error")
            .contains("400 characters at most")
    );

    // Every figure, by value, with the documents that give it.
    let figures = teacher.get(&format!("{pack}/figures"));
    let values = figures.texts(".figures tbody th");
    assert!(
        values.contains(&"2.4".to_string()) && values.contains(&"900000".to_string()),
        "{values:?}"
    );
    let rows = figures.texts(".figures tbody tr");
    assert!(
        rows.iter()
            .any(|row| row.starts_with("900000 Residents' report")),
        "{rows:?}"
    );

    // Passages only one document has: "Tuesday" and "Mill Street" are in both, so
    // their sentences are suggested only where no run of five words is shared.
    let suggestions = teacher.get(&format!("{pack}/suggestions"));
    assert_eq!(
        suggestions.texts("h2"),
        ["Council statement", "Residents' report"]
    );
    assert!(
        suggestions
            .texts(".finds li")
            .iter()
            .any(|line| line.starts_with("The mayor said the decision was painful but necessary.")),
        "{:?}",
        suggestions.texts(".finds li")
    );
    let other = self::teacher(&app, "nosy");
    for path in ["find?q=repairs", "figures", "suggestions"] {
        assert_eq!(
            other.get(&format!("{pack}/{path}")).status,
            StatusCode::NOT_FOUND
        );
    }
}

#[test]
fn deleting_a_pack_asks_first_and_says_what_goes() {
    let app = spawn_app();
    let teacher = teacher(&app, "tidy");
    let pack = passing_pack(&teacher);
    let (key, class) = publish_and_assign(&teacher, &pack);

    let asked = teacher.get(&format!("{pack}/delete"));
    assert_eq!(
        asked.text("h1"),
        "Delete the pack “The Mill Street library”?"
    );
    let said = asked.text("main ul");
    assert!(
        said.contains("in Year 10") && said.contains("The answers already given stay"),
        "{said}"
    );
    // Nothing goes until the button is pressed.
    assert_eq!(teacher.get(&pack).status, StatusCode::OK);

    let deleted = send(
        &teacher,
        &format!("{pack}/delete"),
        &format!("{pack}/delete"),
        &[],
        None,
    );
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert_eq!(deleted.text(".notice"), "The pack was deleted.");
    assert_eq!(teacher.get(&pack).status, StatusCode::NOT_FOUND);
    assert_eq!(
        teacher.get(&format!("/packs/{key}")).status,
        StatusCode::NOT_FOUND
    );
    // The assignment's results page still opens.
    let results = teacher
        .get(&class)
        .attribute(".assignments .card h3 a", "href");
    assert_eq!(teacher.get(&results).status, StatusCode::OK);
}

#[test]
fn a_teachers_pack_is_in_the_backup_and_serves_from_the_restored_copy() {
    let mut app = spawn_app();
    let teacher = teacher(&app, "careful-backer");
    let pack = passing_pack(&teacher);
    let key = teacher
        .get(&pack)
        .attribute("a.button[href^='/packs/']", "href");
    app.kill();
    let copies = tempfile::tempdir().unwrap();
    let backup = copies.path().join("backup");
    let restored = copies.path().join("restored");
    let (done, said) = admin(&[
        "backup".as_ref(),
        backup.as_os_str(),
        "--data-dir".as_ref(),
        app.data_dir.path().as_os_str(),
    ]);
    assert!(done, "{said}");
    let (done, said) = admin(&[
        "restore".as_ref(),
        backup.as_os_str(),
        "--data-dir".as_ref(),
        restored.as_os_str(),
    ]);
    assert!(done, "{said}");
    let (mut server, address) =
        start_server(&restored, &questions_dir()).expect("the restored copy starts");
    let teacher = Browser {
        address,
        client: teacher.client,
    };
    let page = teacher.get(&pack);
    let text = teacher.get(&format!("{pack}/documents/1/text")).body;
    let served = teacher.get(&key).status;
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.text("h1"), "The Mill Street library");
    assert_eq!(text, COUNCIL);
    assert_eq!(served, StatusCode::OK);
}

#[test]
fn one_teacher_keeps_thirty_packs_at_most() {
    let app = spawn_app();
    let teacher = teacher(&app, "collector");
    for number in 0..30 {
        new_pack(&teacher, &format!("pack-{number}"));
    }
    let refused = send(
        &teacher,
        "/teachers/packs/new",
        "/teachers/packs/new",
        &[("pack_id", "one-more"), ("title", "Kept")],
        None,
    );
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused
            .text("#pack_id-error")
            .starts_with("You have 30 packs, the most one teacher may keep."),
        "{}",
        refused.text("#pack_id-error")
    );
    assert_eq!(refused.attribute("#f-pack-title", "value"), "Kept");
    let import = send(
        &teacher,
        "/teachers/packs",
        "/teachers/packs",
        &[("new_id", "")],
        Some(("pack.zip", vec![1, 2, 3])),
    );
    assert_eq!(import.status, StatusCode::BAD_REQUEST);
    assert!(
        import.text(".form-error").contains("You have 30 packs"),
        "{}",
        import.text(".form-error")
    );
    // Another teacher is not held back by this one.
    new_pack(&self::teacher(&app, "another"), "pack-0");
}

#[test]
fn deleting_a_document_or_an_exercise_asks_first() {
    let app = spawn_app();
    let teacher = teacher(&app, "pruner");
    let pack = passing_pack(&teacher);
    let asked = teacher.get(&format!("{pack}/documents/1/delete"));
    assert_eq!(asked.text("h1"), "Delete the document “Council statement”?");
    assert!(
        asked.text("main ul").contains(
            "quote it or offer it as an answer, and will have problems to fix: source-01."
        ),
        "{}",
        asked.text("main ul")
    );
    let asked = teacher.get(&format!("{pack}/exercises/1/delete"));
    assert_eq!(asked.text("h1"), "Delete the exercise “source-01”?");
    let deleted = send(
        &teacher,
        &format!("{pack}/exercises/1/delete"),
        &format!("{pack}/exercises/1/delete"),
        &[],
        None,
    );
    assert_eq!(deleted.text(".notice"), "The exercise was deleted.");
    assert_eq!(deleted.text("main h2:nth-of-type(3)"), "Exercises (0)");
    let deleted = send(
        &teacher,
        &format!("{pack}/documents/1/delete"),
        &format!("{pack}/documents/1/delete"),
        &[],
        None,
    );
    assert_eq!(deleted.text(".notice"), "The document was deleted.");
    assert_eq!(
        teacher.get(&format!("{pack}/documents/1/text")).body,
        RESIDENTS
    );
    assert_eq!(
        teacher.get(&format!("{pack}/documents/2")).status,
        StatusCode::NOT_FOUND
    );
}
