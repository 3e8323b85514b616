//! The bundled pack keeps to the content rules, so that a later edit cannot quietly
//! break coverage or balance.

use std::collections::{BTreeMap, BTreeSet};

use sourcewise::content::{Pack, Skill};

use crate::helpers::{PACK, library};

fn pack() -> &'static Pack {
    library().pack(PACK).expect("the bundled pack is there")
}

#[test]
fn the_pack_has_fifteen_exercises_of_each_kind_and_six_quotes() {
    for skill in [Skill::Source, Skill::Perspective, Skill::Contested] {
        let count = pack().exercises_of(skill).count();
        assert!(count >= 15, "{skill}: {count} exercises");
    }
    let quotes = pack().exercises_of(Skill::Quote).count();
    assert!(quotes >= 6, "quote: {quotes} exercises");
}

#[test]
fn every_document_is_used_in_every_kind() {
    let all: BTreeSet<&str> = pack().sources().iter().map(|source| source.id()).collect();
    assert_eq!(all.len(), 5);
    for skill in Skill::ALL {
        let used: BTreeSet<&str> = pack()
            .exercises_of(skill)
            .flat_map(|exercise| exercise.quotes())
            .map(|quote| quote.source_id())
            .collect();
        if skill == Skill::Quote {
            // The state page quotes no one; every document that does is used.
            assert!(used.len() >= 4, "{skill} exercises quote {used:?}");
        } else {
            assert_eq!(used, all, "{skill} exercises quote every document");
        }
    }
    let answers: BTreeSet<&str> = pack()
        .exercises_of(Skill::Source)
        .map(|exercise| exercise.correct_choice().answer())
        .collect();
    assert_eq!(
        answers, all,
        "every document is the answer of some source exercise"
    );
}

/// How often each value occurs.
fn counts<'a>(values: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, usize> {
    let mut counts = BTreeMap::new();
    for value in values {
        *counts.entry(value).or_insert(0) += 1;
    }
    counts
}

#[test]
fn correct_answers_are_spread_over_documents_perspectives_and_verdicts() {
    let balanced = |skill: Skill, at_least_distinct: usize| {
        let exercises: Vec<_> = pack().exercises_of(skill).collect();
        let by_answer = counts(
            exercises
                .iter()
                .map(|exercise| exercise.correct_choice().answer()),
        );
        assert!(
            by_answer.len() >= at_least_distinct,
            "{skill}: correct answers {by_answer:?}"
        );
        let most = by_answer.values().max().copied().unwrap_or(0);
        assert!(
            most * 100 <= exercises.len() * 40,
            "{skill}: no answer is right in more than 40% of exercises: {by_answer:?}"
        );
    };
    balanced(Skill::Source, 5);
    balanced(Skill::Perspective, 6);
    balanced(Skill::Contested, 3);
    balanced(Skill::Quote, 3);
}

/// The question page shows "From: <document>" under a perspective passage, so a passage
/// in its own document's voice is answered by the caption: few of them, and the rest
/// carry a voice the document quotes or reports.
#[test]
fn few_perspective_passages_are_in_the_voice_of_their_own_document() {
    let own_voice: Vec<&str> = pack()
        .exercises_of(Skill::Perspective)
        .filter(|exercise| {
            let source = pack()
                .source(exercise.passage().unwrap().source_id())
                .unwrap();
            source.perspective() == Some(exercise.correct_choice().answer())
        })
        .map(|exercise| exercise.id())
        .collect();
    assert!(
        own_voice.len() <= 4,
        "at most 4 perspective exercises are answered by their caption: {own_voice:?}"
    );
    for source in pack().sources() {
        assert!(
            source.perspective().is_some(),
            "{} names its own voice, so the rule can be checked",
            source.id()
        );
    }
}

/// "The UN mission" reads as the United Nations to a 14-year-old: the press release
/// comes from Azerbaijan's mission, and every text the pack writes says so.
#[test]
fn the_press_release_is_always_azerbaijans_un_mission() {
    let mut texts: Vec<(String, &str)> = vec![
        ("description".into(), pack().description()),
        (
            "missing voices".into(),
            pack().missing_voices().unwrap_or_default(),
        ),
    ];
    for exercise in pack().exercises() {
        let id = exercise.id();
        texts.push((format!("{id} explanation"), exercise.explanation()));
        texts.extend(exercise.claim().map(|claim| (format!("{id} claim"), claim)));
        texts.extend(
            exercise
                .speaker()
                .map(|speaker| (format!("{id} speaker"), speaker)),
        );
        for choice in exercise.choices() {
            texts.push((format!("{id} why {}", choice.answer()), choice.why()));
        }
        for quote in exercise.quotes() {
            texts.extend(quote.note().map(|note| (format!("{id} note"), note)));
        }
        for version in exercise.versions() {
            texts.extend(
                version
                    .difference()
                    .map(|text| (format!("{id} difference"), text)),
            );
        }
    }
    for (place, text) in texts {
        for (at, _) in text.match_indices("UN mission") {
            assert!(
                text[..at].ends_with("Azerbaijan's ") || text[..at].ends_with("Azerbaijan’s "),
                "{place}: “UN mission” without “Azerbaijan's”: {text}"
            );
        }
    }
}

#[test]
fn the_pack_says_whose_voice_is_missing_and_where_to_look() {
    let missing = pack()
        .missing_voices()
        .expect("missing_voices in pack.toml");
    for expected in ["Armenian", "Human Rights Watch", "Memorial", "de Waal"] {
        assert!(missing.contains(expected), "it names {expected}: {missing}");
    }
    assert!(
        !pack().description().contains("who is to blame"),
        "all five documents blame the same side; the description does not say they disagree on it"
    );
}

#[test]
fn correct_options_are_not_always_in_the_same_place_in_the_files() {
    for skill in Skill::ALL {
        let positions: BTreeSet<usize> = pack()
            .exercises_of(skill)
            .map(|exercise| {
                exercise
                    .choices()
                    .iter()
                    .position(|choice| choice.answer() == exercise.correct_choice().answer())
                    .unwrap()
            })
            .collect();
        assert!(
            positions.len() >= 3,
            "{skill}: correct options stand at positions {positions:?}"
        );
    }
}

#[test]
fn every_exercise_explains_every_option_and_contested_claims_carry_evidence() {
    for exercise in pack().exercises() {
        assert!(
            exercise.explanation().len() > 80,
            "{}: the explanation names the cue and the lesson",
            exercise.id()
        );
        for choice in exercise.choices() {
            assert!(
                !choice.why().is_empty(),
                "{}: option {} is explained",
                exercise.id(),
                choice.answer()
            );
        }
        if exercise.skill() == Skill::Contested {
            assert_eq!(
                exercise.choices().len(),
                3,
                "{}: all three verdicts are offered",
                exercise.id()
            );
            assert!(
                !exercise.evidence().is_empty(),
                "{}: evidence",
                exercise.id()
            );
            let documents: BTreeSet<&str> = exercise
                .evidence()
                .iter()
                .map(|quote| quote.source_id())
                .collect();
            match exercise.correct_choice().answer() {
                "agreed" => assert!(
                    documents.len() >= 2,
                    "{}: agreement needs evidence from two documents or more",
                    exercise.id()
                ),
                "single-source" => assert_eq!(
                    documents.len(),
                    1,
                    "{}: a single-source claim has evidence from one document",
                    exercise.id()
                ),
                _ => {}
            }
        }
    }
}

#[test]
fn every_quote_is_highlighted_exactly_as_written_in_its_document() {
    for exercise in pack().exercises() {
        for quote in exercise.quotes() {
            let text = pack().source(quote.source_id()).unwrap().text();
            let highlighted = &text[quote.span()];
            assert_eq!(
                highlighted.split_whitespace().collect::<Vec<_>>(),
                quote.text().split_whitespace().collect::<Vec<_>>(),
                "{}",
                exercise.id()
            );
        }
    }
}
