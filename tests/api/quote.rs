//! The fourth skill, "Is the quote faithful?", wherever the other skills are: practice
//! alone and in the mix, the versions marked word by word, the glossary and "Check it
//! yourself", the pack page and summary asking whose voice is missing, an assignment
//! with its results, discussion page and CSV, and a live session.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::StatusCode;
use sourcewise::content::{Exercise, Pack, Skill};

use crate::classes::{join, join_code, teacher_with_class};
use crate::helpers::{Browser, PACK, Page, browser, fold, library, next_link, spawn_app};
use crate::live;

const QUOTE_TITLE: &str = "Is the quote faithful?";

fn pack() -> &'static Pack {
    library().pack(PACK).expect("the bundled pack")
}

fn exercise_on(page: &Page) -> &'static Exercise {
    let id = page.attribute("input[name=exercise]", "value");
    pack().exercise(&id).expect("a known exercise")
}

/// The question page shows the words, whose they are said to be, and every passage
/// the exercise gives to compare, each named by its document.
fn assert_quote_question(page: &Page, exercise: &Exercise) {
    assert_eq!(page.text("h1"), exercise.question());
    let passage = exercise
        .passage()
        .expect("a quote exercise shows a passage");
    assert_eq!(
        page.text("figure.passage:not(.compare-passage) blockquote"),
        fold(passage.text())
    );
    let caption = page.text("figure.passage:not(.compare-passage) figcaption");
    assert_eq!(
        caption,
        format!(
            "From: {} Attributed to: {}",
            passage.source_title(),
            exercise.speaker().unwrap()
        )
    );
    let compared: Vec<String> = page.texts(".compare blockquote");
    let expected: Vec<String> = exercise
        .comparisons()
        .iter()
        .map(|quote| fold(quote.text()))
        .collect();
    assert_eq!(
        compared, expected,
        "every passage to compare, in document order"
    );
    assert_eq!(
        page.texts(".compare figcaption"),
        exercise
            .comparisons()
            .iter()
            .map(|quote| format!("From: {}", quote.source_title()))
            .collect::<Vec<_>>()
    );
}

/// The feedback sets each version against the quote, the differences marked as the
/// engine computed them, says what each difference does, and gives the habit.
fn assert_quote_feedback(app: &Browser, page: &Page, exercise: &Exercise) {
    let versions = page.texts("article.version");
    assert_eq!(versions.len(), exercise.versions().len(), "{}", page.body);
    let added = page.texts("article.version ins");
    let missing = page.texts("article.version del");
    for version in exercise.versions() {
        for piece in version.diff() {
            let marked = if piece.is_added() {
                &added
            } else if piece.is_missing() {
                &missing
            } else {
                continue;
            };
            assert!(
                marked.iter().any(|text| text.contains(&fold(&piece.text))),
                "{}: “{}” is marked: {marked:?}",
                exercise.id(),
                piece.text
            );
        }
        let article = versions
            .iter()
            .find(|text| text.starts_with(version.quote().source_title()))
            .expect("an article per version, headed by its document");
        match version.difference() {
            Some(difference) => assert!(
                article.contains(&format!("What the difference does: {}", fold(difference))),
                "{article}"
            ),
            None => assert!(article.contains("The same words."), "{article}"),
        }
    }
    assert_eq!(
        added.len() + missing.len(),
        exercise
            .versions()
            .iter()
            .flat_map(|version| version.diff())
            .filter(|piece| !piece.is_same())
            .count(),
        "nothing else is marked"
    );
    assert!(
        page.text(".habit")
            .contains("find the original before you repeat a quote")
    );
    // Each version opens in its document, highlighted.
    for (link, version) in page
        .attributes("article.version > a", "href")
        .iter()
        .zip(exercise.versions())
    {
        let reader = app.get(link);
        assert_eq!(reader.status, StatusCode::OK);
        assert_eq!(reader.text("mark#passage"), fold(version.quote().text()));
    }
    let originals = page.texts(".originals li");
    assert_eq!(originals.len(), exercise.originals().len());
    for (shown, original) in originals.iter().zip(exercise.originals()) {
        assert!(shown.starts_with(&fold(original.title())), "{shown}");
        assert!(shown.contains(&fold(original.look_for())), "{shown}");
    }
    let links = page.attributes(".originals a", "href");
    let given: Vec<String> = exercise
        .originals()
        .iter()
        .filter_map(|original| original.url().map(str::to_string))
        .collect();
    assert_eq!(
        links, given,
        "a link only where a document gives the address"
    );
}

#[test]
fn a_round_of_quotes_shows_each_quote_and_then_every_version_marked_word_by_word() {
    let app = spawn_app();
    let count = pack().exercises_of(Skill::Quote).count();
    assert!(count >= 6, "the pack has at least six quote exercises");
    let mut page = app.start_round("quote", &count.to_string());
    let mut seen = BTreeSet::new();
    for number in 1..=count {
        assert_eq!(
            page.text(".round-place"),
            format!("Question {number} of {count} {QUOTE_TITLE}")
        );
        let exercise = exercise_on(&page);
        assert_eq!(exercise.skill(), Skill::Quote);
        seen.insert(exercise.id());
        assert_quote_question(&page, exercise);
        let labels = page.texts("label.option span");
        assert!(
            labels.contains(&"Cannot be checked from these documents".to_string()),
            "{labels:?}"
        );
        let feedback = app.answer(&page, number % 2 == 0);
        assert_quote_feedback(&app, &feedback, exercise);
        assert!(
            feedback.texts("section.compare").is_empty(),
            "after the answer the versions are shown marked, not again unmarked"
        );
        page = app.get(&next_link(&feedback));
    }
    assert_eq!(seen.len(), count, "every quote exercise once");
    assert!(page.path().ends_with("/summary"));
    assert_eq!(
        page.text("table.scores tbody tr"),
        format!("{QUOTE_TITLE} {} of {count} {}%", count / 2, {
            let right = count / 2;
            let rounded = (right * 100 + count / 2) / count;
            if right < count {
                rounded.min(99)
            } else {
                rounded
            }
        })
    );
    let progress = app.get("/progress");
    assert!(
        progress
            .texts("table tbody tr")
            .iter()
            .any(|row| row.starts_with(QUOTE_TITLE)),
        "the progress page has a row for the fourth skill"
    );
}

#[test]
fn a_round_of_all_four_skills_deals_them_in_turns_and_an_old_mix_keeps_its_three() {
    let app = spawn_app();
    let page = app.start_round("all", "8");
    let round = page
        .path()
        .rsplit_once("/questions/")
        .unwrap()
        .0
        .to_string();
    let mut skills: BTreeMap<String, usize> = BTreeMap::new();
    for number in 1..=8 {
        let question = app.get(&format!("{round}/questions/{number}"));
        *skills.entry(question.text(".skill-tag")).or_default() += 1;
    }
    assert_eq!(
        skills,
        Skill::ALL
            .iter()
            .map(|skill| (skill.title().to_string(), 2))
            .collect(),
        "two of each skill"
    );

    // A form sent before the fourth skill existed asked for the three skills of then.
    let page = app.start_round("mix", "6");
    let round = page
        .path()
        .rsplit_once("/questions/")
        .unwrap()
        .0
        .to_string();
    for number in 1..=6 {
        let question = app.get(&format!("{round}/questions/{number}"));
        assert_ne!(question.text(".skill-tag"), QUOTE_TITLE);
    }
}

#[test]
fn the_pack_page_offers_four_skills_and_it_and_the_summary_ask_whose_voice_is_missing() {
    let app = spawn_app();
    let page = app.get(&format!("/packs/{PACK}"));
    let form = page.text("form.start-form");
    for title in Skill::ALL.map(Skill::title) {
        assert!(form.contains(title), "{title} is offered");
    }
    assert!(form.contains("All four skills"));
    assert_eq!(page.attribute("input[name=focus][checked]", "value"), "all");
    let missing = fold(
        pack()
            .missing_voices()
            .expect("the pack says whose voices are missing"),
    );
    assert!(page.text(".missing-voices").contains(&missing));
    assert!(
        page.text("h2#missing-heading")
            .contains("Whose voice is missing?")
    );

    let question = app.start_round("quote", "1");
    let feedback = app.answer(&question, true);
    let summary = app.get(&next_link(&feedback));
    assert!(summary.path().ends_with("/summary"));
    assert!(summary.text(".missing-voices").contains(&missing));
}

#[test]
fn the_glossary_defines_every_term_and_each_page_links_a_terms_first_use_only() {
    let app = spawn_app();
    let glossary = pack().glossary();
    for required in [
        "CIS",
        "ethnic cleansing",
        "crimes against humanity",
        "genocide",
        "pogrom",
        "Permanent Mission",
        "Nagorno-Karabakh",
        "attribution",
        "primary source",
    ] {
        assert!(
            glossary
                .terms()
                .iter()
                .any(|term| term.term().eq_ignore_ascii_case(required)
                    || term
                        .aliases()
                        .iter()
                        .any(|alias| alias.eq_ignore_ascii_case(required))),
            "the glossary defines {required}"
        );
    }
    assert!(
        glossary
            .terms()
            .iter()
            .any(|term| term.term().contains("Meskhetian")
                && term.aliases().iter().any(|alias| alias.contains("Ahiska"))),
        "Meskhetian (Ahiska) Turks"
    );
    let page = app.get(&format!("/packs/{PACK}/glossary"));
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text("h1"), "Glossary");
    let anchors: BTreeSet<String> = page
        .attributes(".glossary-entry", "id")
        .into_iter()
        .collect();
    for term in glossary.terms() {
        assert!(anchors.contains(&format!("term-{}", term.id())));
        let entry = page.text(&format!("#term-{}", term.id()));
        assert!(entry.contains(&fold(term.definition())), "{entry}");
        if let Some(attribution) = term.attribution() {
            assert!(entry.contains(&fold(attribution)), "{entry}");
        }
    }

    // Every linked word leads to an entry, each term at most once on a page: the
    // reader, and the question and feedback pages of a whole mixed round.
    let check_links = |page: &Page| -> usize {
        let links = page.attributes("a.term", "href");
        let unique: BTreeSet<&String> = links.iter().collect();
        assert_eq!(unique.len(), links.len(), "each term once: {links:?}");
        for link in &links {
            let anchor = link
                .strip_prefix(&format!("/packs/{PACK}/glossary#"))
                .expect("a link into the glossary");
            assert!(anchors.contains(anchor), "{link} has an entry");
        }
        links.len()
    };
    let reader = app.get(&format!("/packs/{PACK}/sources/encyclopedia"));
    assert!(
        check_links(&reader) >= 5,
        "the encyclopedia uses many terms"
    );
    let mut linked = 0;
    let total = pack().exercises().len().min(50);
    let mut page = app.start_round("all", &total.to_string());
    for _ in 0..total {
        linked += check_links(&page);
        let feedback = app.answer(&page, true);
        linked += check_links(&feedback);
        page = app.get(&next_link(&feedback));
    }
    assert!(linked > total, "terms are linked on questions and feedback");
}

/// A class with an assignment of `skills`; returns the class path and results path.
fn class_with_assignment(teacher: &Browser, skills: &[&str]) -> (String, String) {
    let class = teacher_with_class(teacher, "rivera", "10B History");
    let csrf = teacher.get(&class).attribute("input[name=csrf]", "value");
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("pack", PACK),
        ("length", "4"),
        ("due", ""),
        ("feedback", "immediate"),
    ];
    form.extend(skills.iter().map(|skill| ("skill", *skill)));
    let page = teacher.post(&format!("{class}/assignments"), &form);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    (class, page.attribute(".assignments h3 a", "href"))
}

#[test]
fn an_assignment_of_any_skills_is_done_and_its_results_discussion_and_csv_show_quotes() {
    let app = spawn_app();
    // The form's boxes: all four ticked to begin with.
    let (class, results) = class_with_assignment(&app, &["source", "quote"]);
    let class_page = app.get(&class);
    assert_eq!(
        class_page.attributes("input[name=skill][checked]", "value"),
        vec!["source", "perspective", "contested", "quote"]
    );
    assert!(
        class_page
            .text(".assignments .card")
            .contains("Which source? and Is the quote faithful?")
    );
    // No box ticked: said so, and nothing assigned.
    let csrf = class_page.attribute("input[name=csrf]", "value");
    let refused = app.post(
        &format!("{class}/assignments"),
        &[
            ("csrf", csrf.as_str()),
            ("pack", PACK),
            ("feedback", "immediate"),
        ],
    );
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.text("main").contains("Tick at least one skill."));
    assert_eq!(app.get(&class).texts(".assignments .card").len(), 1);

    let sam = app.browser_for(browser());
    assert_eq!(
        join(&sam, &join_code(&class_page), "Sam").status,
        StatusCode::OK
    );
    let mine = sam.get("/student");
    let action = mine.attribute(".assignments form", "action");
    let csrf = mine.attribute(".assignments input[name=csrf]", "value");
    let mut page = sam.post(&action, &[("csrf", &csrf)]);
    let mut skills = BTreeMap::new();
    let mut quote_ids = Vec::new();
    for _ in 0..4 {
        let exercise = exercise_on(&page);
        *skills.entry(exercise.skill()).or_insert(0) += 1;
        if exercise.skill() == Skill::Quote {
            quote_ids.push(exercise.id().to_string());
            assert_quote_question(&page, exercise);
        }
        let feedback = sam.answer(&page, true);
        page = sam.get(&next_link(&feedback));
    }
    assert_eq!(
        skills,
        BTreeMap::from([(Skill::Source, 2), (Skill::Quote, 2)]),
        "the two skills dealt in turns"
    );

    let report = app.get(&results);
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.visible_text().contains("Sam"));
    let discussion = report
        .attributes("a[href*='/exercises/']", "href")
        .into_iter()
        .find(|link| link.ends_with(&format!("/exercises/{}", quote_ids[0])))
        .expect("the quote exercise opens on its own page");
    let discussed = app.get(&format!("{discussion}?answer=yes"));
    assert_eq!(discussed.status, StatusCode::OK);
    let exercise = pack().exercise(&quote_ids[0]).unwrap();
    assert_eq!(
        discussed.texts("article.version").len(),
        exercise.versions().len()
    );
    assert!(discussed.text(".habit").contains("find the original"));

    let csv = app.get(&format!("{results}/results.csv"));
    assert_eq!(csv.status, StatusCode::OK);
    let quote_rows = csv
        .body
        .lines()
        .filter(|line| line.contains(QUOTE_TITLE))
        .count();
    assert_eq!(quote_rows, 2, "{}", csv.body);
    let gradebook = app.get(&format!("{class}/gradebook.csv"));
    let header = gradebook.body.lines().next().unwrap().to_string();
    assert!(
        header.contains(&format!("{QUOTE_TITLE} answered")),
        "{header}"
    );
}

#[test]
fn a_live_session_of_quotes_shows_the_passages_to_compare_then_the_versions() {
    let app = spawn_app();
    let teacher = app.browser_for(browser());
    live::sign_up(&teacher, "rivera");
    let form = teacher.get(&format!("/teachers/live/new?pack={PACK}"));
    assert_eq!(
        form.attributes("input[name=skill]", "value"),
        vec!["source", "perspective", "contested", "quote"]
    );
    let page = live::create_session(
        &teacher,
        &[("pick", "all"), ("skill", "quote"), ("scoring", "none")],
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let session = live::Session {
        presenter: page.path(),
        code: page.text(".join-code").replace('-', ""),
        teacher,
    };
    let sam = app.browser_for(browser());
    assert_eq!(
        live::join(&sam, &session.code, "Sam").status,
        StatusCode::OK
    );

    let presenter = session.press_ok("start");
    let count = pack().exercises_of(Skill::Quote).count();
    assert!(
        presenter
            .text(".round-place")
            .contains(&format!("Exercise 1 of {count}"))
    );
    assert!(presenter.text(".round-place").contains(QUOTE_TITLE));
    let question = sam.get(&session.page_url());
    let exercise = exercise_on(&question);
    assert_eq!(exercise.skill(), Skill::Quote);
    assert_quote_question(&question, exercise);
    assert_eq!(
        presenter.texts(".compare blockquote"),
        question.texts(".compare blockquote"),
        "the projector shows the same passages to compare"
    );
    let (_, right) = live::pick(&question, true);
    live::send(&sam, &question, &right);
    for action in ["close", "split", "reveal", "more", "more"] {
        session.press_ok(action);
    }
    let presenter = session.press_ok("more");
    assert_eq!(
        presenter.texts("article.version").len(),
        exercise.versions().len()
    );
    assert!(presenter.texts("section.compare").is_empty());
    assert!(presenter.text(".habit").contains("find the original"));
    let explained = sam.get(&session.page_url());
    assert_eq!(explained.text("#verdict"), "✓ Right");
    assert_eq!(
        explained.texts("article.version").len(),
        exercise.versions().len()
    );
    assert!(
        explained.attributes("a.term", "href").is_empty(),
        "no link takes a participant out of the session"
    );
}
