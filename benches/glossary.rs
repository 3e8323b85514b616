//! What linking glossary terms costs a page: the question, the feedback and the reader
//! pages find the first use of each term of the pack's glossary in every text they show
//! (`Glossary::first_uses`), once per request.
//!
//! Run it with `cargo bench --bench glossary` (under a minute). It loads the bundled
//! pack and, for each of the three pages, links the texts the page shows, in order,
//! with a fresh record of the terms already linked, as one request does:
//!
//! - `question_page`: every exercise's passage or claim (and a quote exercise's passages
//!   to compare), one exercise per iteration, round-robin over the pack;
//! - `feedback_page`: the same, plus the explanation, every option's reason, every
//!   evidence note and text and every version's difference;
//! - `reader_page`: the encyclopedia, the longest document (about 47 KB), in the three
//!   parts the reader shows around a highlighted passage.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use sourcewise::content::load::load_library;
use sourcewise::content::{Exercise, Pack};

fn question_texts(exercise: &Exercise) -> Vec<&str> {
    let mut texts: Vec<&str> = Vec::new();
    texts.extend(exercise.claim());
    texts.extend(exercise.passage().map(|passage| passage.text()));
    texts.extend(exercise.comparisons().iter().map(|quote| quote.text()));
    texts
}

fn feedback_texts(exercise: &Exercise) -> Vec<&str> {
    let mut texts = question_texts(exercise);
    texts.push(exercise.explanation());
    texts.extend(exercise.choices().iter().map(|choice| choice.why()));
    for quote in exercise.evidence() {
        texts.extend(quote.note());
        texts.push(quote.text());
    }
    texts.extend(
        exercise
            .versions()
            .iter()
            .filter_map(|version| version.difference()),
    );
    texts
}

fn link_all(pack: &Pack, texts: &[&str]) -> usize {
    let glossary = pack.glossary();
    let mut seen = vec![false; glossary.terms().len()];
    texts
        .iter()
        .map(|text| glossary.first_uses(text, &mut seen).len())
        .sum()
}

fn glossary(c: &mut Criterion) {
    let library = load_library(&Path::new(env!("CARGO_MANIFEST_DIR")).join("questions"))
        .expect("the bundled pack loads");
    let pack = library.packs().next().expect("a pack");
    let exercises = pack.exercises();
    let mut group = c.benchmark_group("glossary_links");
    let mut next = 0;
    group.bench_function("question_page", |b| {
        b.iter(|| {
            next = (next + 1) % exercises.len();
            black_box(link_all(pack, &question_texts(&exercises[next])))
        })
    });
    group.bench_function("feedback_page", |b| {
        b.iter(|| {
            next = (next + 1) % exercises.len();
            black_box(link_all(pack, &feedback_texts(&exercises[next])))
        })
    });
    let document = pack
        .source("encyclopedia")
        .expect("the encyclopedia")
        .text();
    // The reader shows a document in three parts around the highlighted passage.
    let (third, two_thirds) = (
        document.floor_char_boundary(document.len() / 3),
        document.floor_char_boundary(document.len() * 2 / 3),
    );
    let parts = [
        &document[..third],
        &document[third..two_thirds],
        &document[two_thirds..],
    ];
    group.bench_function("reader_page", |b| {
        b.iter(|| black_box(link_all(pack, &parts)))
    });
    group.finish();
}

criterion_group!(benches, glossary);
criterion_main!(benches);
