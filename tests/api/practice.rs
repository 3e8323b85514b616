//! A learner's walk through the site: from the home page to their progress.

use reqwest::StatusCode;
use sourcewise::content::Skill;

use crate::helpers::{PACK, Page, TestApp, browser, fold, library, next_link, spawn_app};

#[test]
fn the_health_check_answers_ok() {
    let app = spawn_app();
    let page = app.get("/healthz");
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body, "ok");
}

#[test]
fn the_home_page_lists_the_pack_and_the_pack_page_shows_the_content_note_and_skills() {
    let app = spawn_app();
    let home = app.get("/");
    assert_eq!(home.status, StatusCode::OK);
    let pack = library().pack(PACK).unwrap();
    assert!(home.text("h3 a").contains(pack.title()));
    let pack_path = home.attribute("h3 a", "href");
    let pack_page = app.get(&pack_path);
    assert_eq!(pack_page.status, StatusCode::OK);
    // The whole note: its first sentence in view, the rest behind "Read more".
    assert_eq!(
        fold(&format!(
            "{} {}",
            pack_page.text(".content-note > p"),
            pack_page.text(".content-note details p")
        )),
        fold(&format!("About the content: {}", pack.content_note()))
    );
    for title in [
        "Which source?",
        "Whose perspective?",
        "Agreed or contested?",
        "Is the quote faithful?",
        "All four skills",
    ] {
        assert!(
            pack_page.text("form.start-form").contains(title),
            "the pack page offers {title}"
        );
    }
    assert_eq!(pack_page.attribute("input[name=length]", "value"), "10");
    assert_eq!(
        pack_page.attributes(".sources a", "href").len(),
        5,
        "the pack page links every document"
    );
}

/// Plays a whole round, right and wrong in turn, and returns the summary page.
fn play_round(
    app: &TestApp,
    focus: &str,
    length: usize,
    mut right: impl FnMut(usize) -> bool,
) -> Page {
    let mut page = app.start_round(focus, &length.to_string());
    for number in 1..=length {
        assert!(
            page.text(".round-place")
                .contains(&format!("Question {number} of {length}")),
            "{}",
            page.body
        );
        let was_right = right(number);
        let feedback = app.answer(&page, was_right);
        let verdict = feedback.text("#verdict");
        assert_eq!(
            verdict,
            if was_right {
                "✓ Right"
            } else {
                "✗ Not quite"
            }
        );
        page = app.get(&next_link(&feedback));
    }
    assert!(
        page.path().ends_with("/summary"),
        "after the last question comes the summary"
    );
    page
}

#[test]
fn a_learner_plays_a_mixed_round_and_sees_scores_per_skill_and_what_they_missed() {
    let app = spawn_app();
    // The skills take turns, so each turn of four has one question of each skill: the
    // first turn right, the second wrong.
    let summary = play_round(&app, "all", 8, |number| number <= 4);
    assert!(
        summary.text(".score").contains("4 of 8"),
        "{}",
        summary.text(".score")
    );
    let rows = summary.texts(".scores tbody tr");
    assert_eq!(
        rows.len(),
        4,
        "a mixed round of 8 has two questions of each skill: {rows:?}"
    );
    for skill in Skill::ALL {
        assert!(
            rows.iter()
                .any(|row| row.starts_with(&format!("{} 1 of 2", skill.title()))),
            "{rows:?}"
        );
    }
    let missed = summary.attributes(".missed a", "href");
    assert_eq!(missed.len(), 4);
    for (link, number) in missed.iter().zip([5, 6, 7, 8]) {
        assert!(link.ends_with(&format!("/questions/{number}")));
        let feedback = app.get(link);
        assert_eq!(
            feedback.text("#verdict"),
            "✗ Not quite",
            "a missed question links back to its feedback"
        );
    }
    assert!(
        summary
            .text(".actions button")
            .starts_with("Practise your weakest skill")
    );
}

#[test]
fn a_wrong_answer_shows_the_correct_answer_the_explanation_and_why_each_option_is_wrong() {
    let app = spawn_app();
    let page = app.start_round("source", "1");
    let exercise_id = page.attribute("input[name=exercise]", "value");
    let exercise = library()
        .pack(PACK)
        .unwrap()
        .exercise(&exercise_id)
        .unwrap();
    assert!(
        !page.body.contains(&format!(
            "sources/{}",
            exercise.passage().unwrap().source_id()
        )),
        "the question page does not give the source away"
    );
    let feedback = app.answer(&page, false);
    let panel = feedback.text("#feedback");
    assert!(
        panel.contains(&format!(
            "The correct answer: {}",
            exercise.correct_choice().label()
        )),
        "{panel}"
    );
    assert!(panel.contains(&fold(exercise.explanation())));
    let outcomes = feedback.text(".outcomes");
    for choice in exercise.choices() {
        assert!(
            outcomes.contains(&fold(choice.why())),
            "the feedback explains the option {}",
            choice.answer()
        );
    }
    assert!(outcomes.contains("Your choice"));
    assert!(
        feedback
            .text(".outcome.is-correct")
            .contains("✓ Correct answer")
    );
}

#[test]
fn a_contested_claim_shows_the_evidence_of_every_document_and_links_to_it_highlighted() {
    let app = spawn_app();
    let page = app.start_round("contested", "1");
    let exercise_id = page.attribute("input[name=exercise]", "value");
    let pack = library().pack(PACK).unwrap();
    let exercise = pack.exercise(&exercise_id).unwrap();
    assert!(
        page.text(".claim-text")
            .contains(&fold(exercise.claim().unwrap()))
    );
    let feedback = app.answer(&page, false);
    let cards = feedback.texts(".evidence-grid .evidence");
    assert_eq!(cards.len(), exercise.evidence().len());
    for (card, quote) in cards.iter().zip(exercise.evidence()) {
        let source = pack.source(quote.source_id()).unwrap();
        assert!(
            card.starts_with(&fold(source.short_title())),
            "each piece of evidence is attributed: {card}"
        );
        assert!(
            card.contains(&fold(quote.text())),
            "each piece of evidence is verbatim: {card}"
        );
    }
    let links = feedback.attributes(".evidence-grid .evidence > a", "href");
    for (link, quote) in links.iter().zip(exercise.evidence()) {
        assert!(
            link.ends_with("#passage"),
            "the link scrolls to the passage"
        );
        let reader = app.get(link);
        assert_eq!(reader.status, StatusCode::OK);
        assert_eq!(
            reader.text("h1"),
            fold(pack.source(quote.source_id()).unwrap().title())
        );
        assert_eq!(
            reader.text("mark#passage"),
            fold(quote.text()),
            "the reader highlights the passage"
        );
        assert!(reader.text(".breadcrumbs").contains("Back to the question"));
    }
}

#[test]
fn a_perspective_question_names_the_document_the_passage_is_from() {
    let app = spawn_app();
    let page = app.start_round("perspective", "1");
    let exercise_id = page.attribute("input[name=exercise]", "value");
    let pack = library().pack(PACK).unwrap();
    let exercise = pack.exercise(&exercise_id).unwrap();
    let passage = exercise.passage().unwrap();
    assert_eq!(page.text(".passage blockquote"), fold(passage.text()));
    assert_eq!(
        page.text(".passage figcaption"),
        format!(
            "From: {}",
            fold(pack.source(passage.source_id()).unwrap().short_title())
        )
    );
    let labels = page.texts(".option span");
    for choice in exercise.choices() {
        assert!(
            labels.contains(&fold(choice.label())),
            "the options are the perspectives' labels"
        );
    }
}

#[test]
fn a_reload_shows_the_same_round_with_the_options_in_the_same_order() {
    let app = spawn_app();
    let first = app.start_round("mix", "10");
    let again = app.get(&first.path());
    assert_eq!(
        again.attributes("input[name=choice]", "value"),
        first.attributes("input[name=choice]", "value")
    );
    assert_eq!(
        again.attribute("input[name=exercise]", "value"),
        first.attribute("input[name=exercise]", "value")
    );
    let round_path = first
        .path()
        .rsplit_once("/questions/")
        .unwrap()
        .0
        .to_string();
    let mut seen = Vec::new();
    let mut orders = Vec::new();
    for number in 1..=10 {
        let page = app.get(&format!("{round_path}/questions/{number}"));
        seen.push(page.attribute("input[name=exercise]", "value"));
        orders.push(page.attributes("input[name=choice]", "value"));
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 10, "a round never repeats an exercise");
    let second_round = app.start_round("mix", "10");
    assert_ne!(
        second_round.path(),
        first.path(),
        "each round has its own address"
    );
    assert!(
        orders.iter().any(|order| {
            let mut sorted = order.clone();
            sorted.sort();
            *order != sorted
        }),
        "options are shuffled"
    );
}

#[test]
fn a_round_of_one_skill_asks_only_that_skill_and_stops_when_the_pack_runs_out() {
    let app = spawn_app();
    let pack = library().pack(PACK).unwrap();
    let available = pack.exercises_of(Skill::Perspective).count();
    let page = app.start_round("perspective", "50");
    assert!(
        page.text(".round-place")
            .contains(&format!("Question 1 of {available}"))
    );
    assert!(page.text(".skill-tag").contains("Whose perspective?"));
}

#[test]
fn the_summary_offers_a_round_of_the_weakest_skill() {
    let app = spawn_app();
    // Wrong on every contested claim, right on everything else.
    let mut page = app.start_round("mix", "6");
    for _ in 0..6 {
        let exercise_id = page.attribute("input[name=exercise]", "value");
        let skill = library()
            .pack(PACK)
            .unwrap()
            .exercise(&exercise_id)
            .unwrap()
            .skill();
        let feedback = app.answer(&page, skill != Skill::Contested);
        page = app.get(&next_link(&feedback));
    }
    assert_eq!(
        page.text(".actions button"),
        "Practise your weakest skill: Agreed or contested?"
    );
    assert_eq!(
        page.attribute(".actions input[name=focus]", "value"),
        "contested"
    );
    let next_round = app.post(
        &page.attribute(".actions form", "action"),
        &[
            (
                "csrf",
                &page.attribute(".actions input[name=csrf]", "value"),
            ),
            ("focus", "contested"),
        ],
    );
    assert!(
        next_round
            .text(".skill-tag")
            .contains("Agreed or contested?")
    );
}

#[test]
fn the_progress_page_counts_answers_per_skill_and_lists_recent_rounds() {
    let app = spawn_app();
    let empty = app.get("/progress");
    assert!(
        empty
            .visible_text()
            .contains("You have not answered any questions")
    );
    play_round(&app, "source", 3, |number| number != 2);
    let unfinished = app.start_round("contested", "4");
    app.answer(&unfinished, true);

    let progress = app.get("/progress");
    let rows = progress.texts(".scores tbody tr");
    assert_eq!(
        rows,
        vec![
            "Which source? 2 of 3 67%",
            "Whose perspective? none yet –",
            "Agreed or contested? 1 of 1 100%",
            "Is the quote faithful? none yet –"
        ]
    );
    assert!(
        progress
            .text(".score")
            .contains("4 answers so far, 3 of them right, in 2 rounds")
    );
    let rounds = progress.texts(".rounds li");
    assert_eq!(rounds.len(), 2);
    assert!(
        rounds[0].contains("Agreed or contested?")
            && rounds[0].contains("1 of 4 answered")
            && rounds[0].contains("not finished"),
        "{rounds:?}"
    );
    assert!(rounds[1].contains("3 of 3 answered, 2 right"), "{rounds:?}");
    let resume = app.get(&progress.attribute(".rounds a", "href"));
    assert!(
        resume.text(".round-place").contains("Question 2 of 4"),
        "an unfinished round resumes at its next question"
    );
}

#[test]
fn another_browser_cannot_open_a_learners_round_and_has_its_own_progress() {
    let app = spawn_app();
    let page = app.start_round("mix", "3");
    app.answer(&page, true);
    let stranger = browser();
    let seen = app.get_with(&stranger, &page.path());
    assert_eq!(seen.status, StatusCode::NOT_FOUND);
    assert!(
        seen.visible_text()
            .contains("only be opened in the browser that started it")
    );
    let progress = app.get_with(&stranger, "/progress");
    assert!(
        progress
            .visible_text()
            .contains("You have not answered any questions")
    );
}

#[test]
fn the_options_of_agreed_or_contested_keep_the_order_of_their_scale() {
    let app = spawn_app();
    let first = app.start_round("contested", "10");
    let round_path = first
        .path()
        .rsplit_once("/questions/")
        .unwrap()
        .0
        .to_string();
    const SCALE: [&str; 3] = ["agreed", "contested", "single-source"];
    for number in 1..=10 {
        let page = app.get(&format!("{round_path}/questions/{number}"));
        let order = page.attributes("input[name=choice]", "value");
        let expected: Vec<String> = SCALE
            .iter()
            .filter(|answer| order.iter().any(|shown| shown == *answer))
            .map(|answer| answer.to_string())
            .collect();
        assert_eq!(order, expected, "question {number}");
    }
    // The other kinds keep their shuffle (checked in the test of a reload above).
}

#[test]
fn the_pack_page_puts_the_start_first_and_keeps_the_content_warning_in_view() {
    let app = spawn_app();
    let page = app.get(&format!("/packs/{PACK}"));
    let body = &page.body;
    let position = |needle: &str| {
        body.find(needle)
            .unwrap_or_else(|| panic!("{needle} is on the page"))
    };
    let start = position("class=\"start-form\"");
    for later in [
        "What you will practise",
        "Whose voice is missing?",
        "The documents",
    ] {
        assert!(
            start < position(later),
            "the start form comes before “{later}”"
        );
    }
    // The first sentence of the content note, the warning itself, is shown before the
    // form; the rest opens on demand.
    let note = library().pack(PACK).unwrap().content_note();
    let first = fold(note.split_inclusive(". ").next().unwrap());
    assert!(
        page.text(".content-note > p").contains(&first),
        "{}",
        page.text(".content-note")
    );
    assert!(position("class=\"content-note\"") < start);
    assert!(
        page.text(".content-note details")
            .contains("This tool does not take a side")
    );
    // The description likewise: its first sentence, then the rest on demand.
    let about = library().pack(PACK).unwrap().description();
    assert_eq!(
        fold(&format!(
            "{} {}",
            page.text("p.lead"),
            page.text(".about-pack p")
        )),
        fold(about)
    );
    assert!(
        start < position("class=\"lead\""),
        "the description follows the start"
    );
}

#[test]
fn the_content_note_is_folded_away_once_the_learner_has_started_a_round() {
    let app = spawn_app();
    let note = fold(library().pack(PACK).unwrap().content_note());
    let before = app.get(&format!("/packs/{PACK}"));
    assert!(
        before
            .text(".content-note > p")
            .starts_with("About the content:")
    );
    assert!(!before.body.contains("<details class=\"content-note"));
    app.start_round("all", "2");
    let after = app.get(&format!("/packs/{PACK}"));
    assert_eq!(
        after.text("details.content-note.is-read > summary"),
        "About the content",
        "a learner who has started sees the note as a fold"
    );
    assert_eq!(
        after.text("details.content-note.is-read p"),
        note,
        "the whole note is still there to open"
    );
    assert!(
        !after.body.contains("Read more about the content"),
        "the note is not repeated in full"
    );
}
