//! What a save costs the pack builder on the largest pack a teacher may have: 20
//! documents of 1 MB each, and 40 exercises quoting them.
//!
//! Run it with `cargo bench --bench builder` (about a minute). Each builder request
//! reads the stored files into a draft (`from_files`), writes the draft's files back
//! (`to_files`) and checks them with the loader's own check (`check_pack`); a save does
//! so once more after the change. The benchmark measures each step and the three
//! together, as one page of the builder costs.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sourcewise::content::draft::{Draft, DraftDocument, DraftExercise, DraftOption, DraftQuote};
use sourcewise::content::load::check_pack;

const DOCUMENTS: usize = 20;
const DOCUMENT_BYTES: usize = 1024 * 1024;
const EXERCISES: usize = 40;

/// A document of about `DOCUMENT_BYTES` of made-up sentences, its own words drawn from
/// a vocabulary of its own so that no two documents share a run of words.
fn document_text(rng: &mut ChaCha8Rng, number: usize) -> String {
    let vocabulary: Vec<String> = (0..3000).map(|word| format!("w{number}x{word}")).collect();
    let mut text = String::with_capacity(DOCUMENT_BYTES + 200);
    while text.len() < DOCUMENT_BYTES {
        let words = rng.random_range(8..24);
        for index in 0..words {
            let word = &vocabulary[rng.random_range(0..vocabulary.len())];
            if index > 0 {
                text.push(' ');
            }
            text.push_str(word);
        }
        text.push_str(". ");
        if rng.random_range(0..8) == 0 {
            text.push_str("\n\n");
        }
    }
    text
}

/// A whole sentence of `text` near `at`, to quote.
fn sentence_near(text: &str, at: usize) -> String {
    let start = text[..at].rfind(". ").map_or(0, |dot| dot + 2);
    let end = text[start..]
        .find(". ")
        .map_or(text.len(), |dot| start + dot + 1);
    text[start..end].trim().to_string()
}

fn largest_draft() -> Draft {
    let mut rng = ChaCha8Rng::seed_from_u64(18);
    let documents: Vec<DraftDocument> = (0..DOCUMENTS)
        .map(|number| DraftDocument {
            id: format!("document-{number:02}"),
            title: format!("Document {number}"),
            short_title: format!("Document {number}"),
            author: "Not named in the text".into(),
            publisher: "A publisher".into(),
            kind: "Report".into(),
            date: "2026".into(),
            licence: "Made up for the benchmark".into(),
            text: document_text(&mut rng, number),
            ..DraftDocument::default()
        })
        .collect();
    let exercises = (0..EXERCISES)
        .map(|number| {
            let source = &documents[number % DOCUMENTS];
            let other = &documents[(number + 1) % DOCUMENTS];
            let at = rng.random_range(0..source.text.len() - 1000);
            let at = (at..).find(|at| source.text.is_char_boundary(*at)).unwrap_or(0);
            DraftExercise {
                id: format!("source-{number:02}"),
                kind: "source".into(),
                explanation: "The words of the passage are found in one document only. Habit: ask who wrote it.".into(),
                passage: Some(DraftQuote {
                    source: source.id.clone(),
                    text: sentence_near(&source.text, at),
                    note: String::new(),
                }),
                options: vec![
                    DraftOption {
                        answer: source.id.clone(),
                        correct: true,
                        why: "This document has these words.".into(),
                    },
                    DraftOption {
                        answer: other.id.clone(),
                        correct: false,
                        why: "This document does not have them.".into(),
                    },
                ],
                ..DraftExercise::default()
            }
        })
        .collect();
    Draft {
        id: "largest".into(),
        title: "The largest pack".into(),
        description: "Twenty documents of a megabyte each.".into(),
        content_note: "Nothing upsetting.".into(),
        documents,
        exercises,
        ..Draft::default()
    }
}

fn builder(c: &mut Criterion) {
    let draft = largest_draft();
    let (files, _) = draft.to_files("largest");
    if let Err(problems) = check_pack(&files) {
        panic!(
            "the benchmark's pack has problems: {:?}",
            &problems[..problems.len().min(5)]
        );
    }
    println!(
        "pack: {} documents, {} bytes of files, {} exercises",
        DOCUMENTS,
        files.size(),
        EXERCISES
    );
    let mut group = c.benchmark_group("builder");
    group.sample_size(10);
    group.bench_function("from_files", |b| {
        b.iter(|| Draft::from_files(black_box(&files)).expect("it parses"));
    });
    group.bench_function("to_files", |b| {
        b.iter(|| black_box(&draft).to_files("largest"));
    });
    group.bench_function("check_pack", |b| {
        b.iter(|| check_pack(black_box(&files)).expect("it passes"));
    });
    group.bench_function("one_page", |b| {
        b.iter(|| {
            let read = Draft::from_files(black_box(&files)).expect("it parses");
            let (written, map) = read.to_files("largest");
            let problems = check_pack(&written).err().unwrap_or_default();
            black_box((map.place(&problems), written.size()))
        });
    });
    group.finish();
}

criterion_group!(benches, builder);
criterion_main!(benches);
