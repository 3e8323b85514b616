//! The pack builder in a real browser, on a phone and on a laptop: a teacher pastes two
//! documents, builds one exercise of each kind by selecting words in a document, fixes
//! a problem shown at its field, previews, publishes and assigns the pack, and sees a
//! student's answer. Every page is checked (axe-core, no sideways scrolling, text of
//! 16 px at least) and photographed.

use serde_json::json;

use crate::flows::{fill, open_assign_form};
use crate::helpers::{Scripting, Session, Viewport, session};

const COUNCIL: &str = "The council voted on Tuesday to close the old library on Mill Street. Officials said repairs would cost 2.4 million pounds, more than the town can afford. A spokesperson added that the building has been unsafe since the flood of 2019.\n\nThe mayor said the decision was painful but necessary.";
const RESIDENTS: &str = "Residents packed the hall on Tuesday night. \"We were never asked,\" said one reader, who has used the Mill Street library for forty years.\n\nThe residents' group says repairs would cost far less than the council claims: about 900,000 pounds. Speakers said the mayor had called the decision painful but necessary.";

/// Sets the select with id `id` to `value`, as choosing an option does.
async fn choose(browser: &Session, id: &str, value: &str) {
    browser
        .execute(&format!(
            "const s = document.getElementById({}); s.value = {}; s.dispatchEvent(new Event('change', {{ bubbles: true }}));",
            json!(id),
            json!(value)
        ))
        .await;
}

/// Opens document `number` in the exercise form's picker, selects `words` in it as a
/// mouse would, and presses the button `button`.
async fn select_and_use(browser: &Session, number: usize, words: &str, button: &str) {
    choose(browser, "doc-picker-document", &number.to_string()).await;
    browser
        .wait_for_text("#doc-picker-status", "Select the words you want", 10)
        .await;
    let selected = browser
        .execute(&format!(
            "const box = document.getElementById('doc-picker-text');
             const node = box.firstChild;
             const start = node.textContent.indexOf({words});
             if (start < 0) return '';
             const range = document.createRange();
             range.setStart(node, start);
             range.setEnd(node, start + {words}.length);
             const selection = window.getSelection();
             selection.removeAllRanges();
             selection.addRange(range);
             return selection.toString();",
            words = json!(words)
        ))
        .await;
    assert_eq!(
        selected,
        json!(words),
        "the words are selected in the document"
    );
    // The page notes a selection when the browser says it changed, a moment later.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    browser
        .click(&format!("#doc-picker button[data-use={button}]"))
        .await;
    assert!(
        browser
            .text("#doc-picker-status")
            .await
            .starts_with("The words are in")
    );
}

/// Types `text` into the first field named `name`.
async fn fill_named(browser: &Session, name: &str, text: &str) {
    let id = browser
        .execute(&format!(
            "return document.querySelector('[name={name}]').id;"
        ))
        .await;
    fill(browser, id.as_str().expect("a field"), text).await;
}

/// Types the why of the option `answer` and, if `correct`, marks it right.
async fn why(browser: &Session, answer: &str, text: &str, correct: bool) {
    let id = browser
        .execute(&format!(
            "const row = [...document.querySelectorAll('.option-row')].find(row => row.querySelector('input[name=option_answer]').value === {});
             return row.querySelector('textarea').id;",
            json!(answer)
        ))
        .await;
    fill(browser, id.as_str().expect("a why field"), text).await;
    if correct {
        browser
            .click(&format!("input[name=correct][value={}]", json!(answer)))
            .await;
    }
}

/// Opens the form of a new exercise of `kind` from the pack's page.
async fn new_exercise(browser: &Session, pack: &str, title: &str) {
    browser.visit(pack).await;
    browser.click_text(title).await;
    assert!(browser.text("h1").await.starts_with("New exercise"));
}

async fn save_exercise(browser: &Session) -> String {
    browser.click_text("Save the exercise").await;
    browser.text(".notice").await
}

async fn add_document(
    browser: &Session,
    pack: &str,
    title: &str,
    short: &str,
    text: &str,
    name: &str,
) {
    browser.visit(pack).await;
    browser.click_text("Add a document").await;
    let index = browser
        .execute("return document.querySelector('[name=title]').id;")
        .await;
    let prefix = index
        .as_str()
        .unwrap()
        .trim_end_matches("-title")
        .to_string();
    fill(browser, &format!("{prefix}-title"), title).await;
    fill(browser, &format!("{prefix}-short_title"), short).await;
    fill(
        browser,
        &format!("{prefix}-author"),
        "Not named in the text",
    )
    .await;
    fill(browser, &format!("{prefix}-publisher"), "Mill Town").await;
    fill(browser, &format!("{prefix}-kind"), "Statement").await;
    fill(browser, &format!("{prefix}-date"), "2026").await;
    fill(
        browser,
        &format!("{prefix}-licence"),
        "Written for this test",
    )
    .await;
    // Pasted: set at once, as a paste does, rather than typed key by key.
    browser
        .execute(&format!(
            "document.querySelector('[name=text]').value = {};",
            json!(text)
        ))
        .await;
    browser
        .check_page(&format!("builder-document-{name}"))
        .await;
    browser.click_text("Save the document").await;
    assert!(browser.text(".notice").await.starts_with("Saved"));
}

async fn sign_up(teacher: &Session, name: &str, username: &str) {
    teacher.visit("/teachers/sign-up").await;
    fill(teacher, "display_name", name).await;
    fill(teacher, "username", username).await;
    fill(teacher, "password", "tall ships at dawn").await;
    fill(teacher, "repeat_password", "tall ships at dawn").await;
    teacher.click_text("Create the account").await;
}

/// Fills the new pack's form: its id, title, description, content note and the two
/// perspectives.
async fn fill_new_pack(teacher: &Session) {
    fill(teacher, "pack_id", "mill-street").await;
    fill(teacher, "f-pack-title", "The Mill Street library").await;
    fill(
        teacher,
        "f-pack-description",
        "Two documents about closing a town library.",
    )
    .await;
    fill(
        teacher,
        "f-pack-content_note",
        "Nothing upsetting: a local argument.",
    )
    .await;
    fill(teacher, "f-perspective-0-id", "council").await;
    fill(teacher, "f-perspective-0-label", "The town council").await;
    fill(teacher, "f-perspective-1-id", "residents").await;
    fill(teacher, "f-perspective-1-label", "The residents' group").await;
}

/// Sends the new pack's form; returns the pack page's path.
async fn make_pack(teacher: &Session) -> String {
    teacher.click_text("Make the pack").await;
    assert_eq!(teacher.text("h1").await, "The Mill Street library");
    let pack = teacher.path().await;
    pack.split('?').next().unwrap_or_default().to_string()
}

/// The explanation and the two answers' whys of the "Which source?" exercise, the
/// council's statement marked right.
async fn source_answers(teacher: &Session) {
    fill_named(
        teacher,
        "explanation",
        "The passage speaks for the council: it cites its spokesperson. Habit: ask who speaks.",
    )
    .await;
    why(
        teacher,
        "council-statement",
        "The council's statement quotes its own spokesperson.",
        true,
    )
    .await;
    why(
        teacher,
        "residents-report",
        "The residents' report does not speak of the flood.",
        false,
    )
    .await;
}

async fn build_publish_and_assign(teacher: &Session, viewport: &str) {
    sign_up(teacher, "Mr Okafor", "okafor").await;
    fill(teacher, "class_name", "9C Media").await;
    teacher.click_text("Create the class").await;
    let class_page = teacher.path().await;
    let code = teacher.text(".join-code").await;

    teacher.click_text("Your packs").await;
    teacher.check_page("builder-packs").await;
    teacher.click_text("New pack").await;
    fill_new_pack(teacher).await;
    teacher.check_page("builder-new-pack").await;
    let pack = make_pack(teacher).await;

    add_document(
        teacher,
        &pack,
        "The council's statement",
        "Council statement",
        COUNCIL,
        "council",
    )
    .await;
    add_document(
        teacher,
        &pack,
        "Report of the residents' meeting",
        "Residents' report",
        RESIDENTS,
        "residents",
    )
    .await;

    // Which source? The passage first pasted with a slip, then selected.
    new_exercise(teacher, &pack, "Which source?").await;
    choose(teacher, "f-exercise-0-passage-source", "council-statement").await;
    fill(
        teacher,
        "f-exercise-0-passage-text",
        "A spokesman added that the building has been unsafe since the flood of 2019.",
    )
    .await;
    source_answers(teacher).await;
    let notice = save_exercise(teacher).await;
    assert!(
        notice.starts_with("Saved as a draft. The pack has"),
        "{notice}"
    );
    let shown = teacher.text("#f-exercise-0-passage-text-error").await;
    assert!(
        shown.starts_with("the passage is not found verbatim in the source \"council-statement\""),
        "{shown}"
    );
    teacher
        .check_page(&format!("builder-problem-at-its-field{viewport}"))
        .await;
    select_and_use(
        teacher,
        1,
        "A spokesperson added that the building has been unsafe since the flood of 2019.",
        "passage",
    )
    .await;
    let notice = save_exercise(teacher).await;
    assert_eq!(notice, "Saved. The pack passes every check.");
    teacher.click_text("Preview it as a learner").await;
    assert_eq!(
        teacher.text("h1").await,
        "Which document is this passage from?"
    );
    teacher.check_page("builder-preview").await;

    // Whose perspective?
    new_exercise(teacher, &pack, "Whose perspective?").await;
    select_and_use(
        teacher,
        2,
        "\"We were never asked,\" said one reader",
        "passage",
    )
    .await;
    fill_named(
        teacher,
        "explanation",
        "A reader speaks, as the residents' report quotes them. Habit: ask whose voice it is.",
    )
    .await;
    why(
        teacher,
        "residents",
        "A reader at the residents' meeting speaks.",
        true,
    )
    .await;
    why(
        teacher,
        "council",
        "No one from the council speaks here.",
        false,
    )
    .await;
    assert_eq!(
        save_exercise(teacher).await,
        "Saved. The pack passes every check."
    );

    // Agreed or contested? Evidence from both documents, selected one after the other.
    new_exercise(teacher, &pack, "Agreed or contested?").await;
    fill_named(
        teacher,
        "claim",
        "Repairs to the library would cost about 2.4 million pounds.",
    )
    .await;
    select_and_use(
        teacher,
        1,
        "Officials said repairs would cost 2.4 million pounds",
        "evidence",
    )
    .await;
    select_and_use(
        teacher,
        2,
        "repairs would cost far less than the council claims: about 900,000 pounds",
        "evidence",
    )
    .await;
    fill_named(teacher, "explanation", "The council gives 2.4 million pounds; the residents' group says far less. Habit: ask who counted.").await;
    why(
        teacher,
        "contested",
        "The two documents give different costs.",
        true,
    )
    .await;
    why(teacher, "agreed", "They do not agree on the cost.", false).await;
    assert_eq!(
        save_exercise(teacher).await,
        "Saved. The pack passes every check."
    );
    assert_eq!(
        teacher.texts("textarea[name=evidence_text]").await.len(),
        3,
        "two pieces of evidence and a blank row"
    );

    // Is the quote faithful?
    new_exercise(teacher, &pack, "Is the quote faithful?").await;
    select_and_use(
        teacher,
        2,
        "the mayor had called the decision painful but necessary",
        "passage",
    )
    .await;
    fill_named(teacher, "speaker", "The mayor").await;
    select_and_use(
        teacher,
        1,
        "The mayor said the decision was painful but necessary.",
        "version",
    )
    .await;
    let difference = teacher
        .execute("return document.querySelector('[name=version_difference]').id;")
        .await;
    fill(
        teacher,
        difference.as_str().unwrap(),
        "Reported speech instead of a report of the words: the meaning is the same.",
    )
    .await;
    fill_named(teacher, "explanation", "Both documents give the same words of the mayor. Habit: find the original before you repeat a quote.").await;
    why(teacher, "faithful", "The words are the same in both.", true).await;
    why(
        teacher,
        "changed",
        "No word that matters was changed.",
        false,
    )
    .await;
    assert_eq!(
        save_exercise(teacher).await,
        "Saved. The pack passes every check."
    );
    teacher
        .check_page(&format!("builder-exercise-quote{viewport}"))
        .await;

    // The helpers: find, every figure, passages only one document has.
    teacher.visit(&pack).await;
    fill(teacher, "find-query", "REPAIRS would").await;
    teacher.click_text("Find").await;
    assert_eq!(teacher.text("main h2").await, "2 places");
    teacher.check_page(&format!("builder-find{viewport}")).await;
    teacher.visit(&format!("{pack}/figures")).await;
    assert!(teacher.text(".figures").await.contains("900000"));
    teacher
        .check_page(&format!("builder-figures{viewport}"))
        .await;
    teacher.visit(&format!("{pack}/suggestions")).await;
    teacher
        .check_page(&format!("builder-suggestions{viewport}"))
        .await;

    // The pack passes: publish it, and assign it.
    teacher.visit(&pack).await;
    assert!(teacher.find_all("#problems").await.is_empty());
    teacher.check_page(&format!("builder-pack{viewport}")).await;
    teacher.click_text("Publish").await;
    assert!(teacher.text(".notice").await.starts_with("Published"));
    let key = teacher
        .execute("return document.querySelector(\"a.button[href^='/packs/']\").getAttribute('href').slice(7);")
        .await;
    let key = key.as_str().unwrap().to_string();
    teacher.visit(&class_page).await;
    open_assign_form(teacher).await;
    choose(teacher, "pack", &key).await;
    fill(teacher, "assign-length", "4").await;
    teacher.click_text("Assign the lesson").await;

    let student = teacher.another_browser(Viewport::Phone).await;
    student.visit("/join").await;
    fill(&student, "code", &code).await;
    fill(&student, "nickname", "Ade").await;
    student.click_text("Join the class").await;
    student.click_text_starting("Start").await;
    let chosen = student.text("label.option").await;
    student.click("label.option").await;
    student.click_text("Check my answer").await;
    assert!(student.text("main").await.contains("Your answer"));
    student.finish().await;

    teacher.visit(&class_page).await;
    teacher.click_and_wait(".assignments h3 a").await;
    let rows = teacher.texts("table.scores tbody tr").await;
    assert!(rows.iter().any(|row| row.starts_with("Ade")), "{rows:?}");
    assert!(
        teacher.text("main").await.contains(&chosen),
        "the answer chosen, {chosen}, shows"
    );
    teacher
        .check_page(&format!("builder-results{viewport}"))
        .await;
}

#[tokio::test]
async fn a_teacher_builds_a_pack_from_two_documents_on_a_laptop() {
    session(Viewport::Laptop, Scripting::Enabled, async |teacher| {
        build_publish_and_assign(teacher, "").await;
    })
    .await;
}

#[tokio::test]
async fn a_teacher_builds_a_pack_from_two_documents_on_a_phone() {
    session(Viewport::Phone, Scripting::Enabled, async |teacher| {
        build_publish_and_assign(teacher, "").await;
    })
    .await;
}

#[tokio::test]
async fn without_javascript_a_teacher_pastes_the_passage_instead() {
    session(Viewport::Phone, Scripting::Disabled, async |teacher| {
        sign_up(teacher, "Ms Haddad", "haddad").await;
        teacher.visit("/teachers/packs/new").await;
        fill_new_pack(teacher).await;
        let pack = make_pack(teacher).await;
        add_document(
            teacher,
            &pack,
            "The council's statement",
            "Council statement",
            COUNCIL,
            "council-nojs",
        )
        .await;
        add_document(
            teacher,
            &pack,
            "Report of the residents' meeting",
            "Residents' report",
            RESIDENTS,
            "residents-nojs",
        )
        .await;

        new_exercise(teacher, &pack, "Which source?").await;
        let picker = teacher.find("#doc-picker").await;
        assert!(
            !picker.is_displayed().await.unwrap(),
            "no picker without a script"
        );
        teacher
            .click("#f-exercise-0-passage-source option[value=council-statement]")
            .await;
        fill_named(
            teacher,
            "passage_text",
            "A spokesperson added that the building has been unsafe since the flood of 2019.",
        )
        .await;
        source_answers(teacher).await;
        assert_eq!(
            save_exercise(teacher).await,
            "Saved. The pack passes every check."
        );
        teacher.check_page("builder-exercise-nojs").await;
    })
    .await;
}
