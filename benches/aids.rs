//! What the authoring aids (`content::aids`) cost on the largest pack a teacher may
//! build: 20 documents of 1 MB each.
//!
//! Run it with `cargo bench --bench aids` (about a minute, after the build). The
//! documents are synthetic and the same on every run (a fixed-seed SplitMix64): prose of
//! pseudo-random words (a vocabulary of 4,000 made-up words, the common ones much more
//! common, as in real text), with numbers in every form the figures read ("1,300",
//! "2.5", "45%", years, "[12]" markers), quotations, abbreviations, headings and
//! paragraphs; about one sentence in thirty comes from a pool of 300 shared by all the
//! documents, as quotes and stock phrases are. It measures:
//!
//! - `find_phrase`: a five-word phrase of a shared sentence, typed in other case, first
//!   50 places (it occurs in every document);
//! - `find_common_word`: the most common word, first 50 places, the rest counted
//!   (hundreds of thousands of matches);
//! - `figures`: every number of every document;
//! - `suggestions`: 10 per document.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use sourcewise::content::aids::{self, Document};

const DOCUMENTS: usize = 20;
const DOCUMENT_BYTES: usize = 1_000_000;

/// SplitMix64: small, fast and the same everywhere.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut value = self.0;
        value = (value ^ (value >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        value = (value ^ (value >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        value ^ (value >> 31)
    }

    /// A number in `0..bound`.
    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    /// True once in `times`.
    fn one_in(&mut self, times: usize) -> bool {
        self.below(times) == 0
    }

    /// A number in `0..bound`, small ones far more often (as words are in real text).
    fn skewed(&mut self, bound: usize) -> usize {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((unit * unit * unit * bound as f64) as usize).min(bound - 1)
    }
}

fn vocabulary(random: &mut Random) -> Vec<String> {
    const SYLLABLES: [&str; 24] = [
        "ka", "lo", "mer", "tis", "an", "dru", "vel", "os", "ri", "pan", "sú", "ne", "hor", "ja",
        "qui", "bel", "ze", "tor", "ül", "mi", "gas", "ed", "wo", "fin",
    ];
    (0..4000)
        .map(|_| {
            let syllables = 1 + random.below(3);
            (0..syllables)
                .map(|_| SYLLABLES[random.below(SYLLABLES.len())])
                .collect()
        })
        .collect()
}

fn number(random: &mut Random) -> String {
    match random.below(7) {
        0 => format!("{}", 1900 + random.below(126)),
        1 => format!("{},{:03}", 1 + random.below(99), random.below(1000)),
        2 => format!("{}.{}", random.below(100), random.below(10)),
        3 => format!("{}%", random.below(100)),
        4 => format!("{}.{:03}", 1 + random.below(999), random.below(1000)),
        _ => format!("{}", random.below(1000)),
    }
}

fn sentence(random: &mut Random, words: &[String]) -> String {
    let length = 5 + random.below(30);
    let mut sentence = String::new();
    let quote_at = random.one_in(8).then(|| random.below(length));
    for position in 0..length {
        if position > 0 {
            sentence.push(' ');
        }
        if quote_at == Some(position) {
            sentence.push('\u{201C}');
        }
        if random.one_in(12) {
            sentence.push_str(&number(random));
        } else if random.one_in(150) {
            sentence.push_str(["Dr.", "Mr.", "U.S.", "e.g.", "J."][random.below(5)]);
        } else {
            let word = &words[random.skewed(words.len())];
            if position == 0 {
                let mut characters = word.chars();
                let first = characters.next().expect("a word");
                sentence.extend(first.to_uppercase());
                sentence.push_str(characters.as_str());
            } else {
                sentence.push_str(word);
            }
        }
        if quote_at.is_some_and(|at| position == (at + 3).min(length - 1)) {
            sentence.push('\u{201D}');
        } else if position + 1 < length && random.one_in(10) {
            sentence.push(',');
        }
    }
    sentence.push(['.', '.', '.', '.', '?', '!'][random.below(6)]);
    if random.one_in(10) {
        sentence.push_str(&format!("[{}]", 1 + random.below(80)));
    }
    sentence
}

struct Corpus {
    texts: Vec<String>,
    titles: Vec<(String, String, String)>,
    /// A five-word phrase from a shared sentence, in capitals.
    phrase: String,
    common_word: String,
}

fn corpus() -> Corpus {
    let mut random = Random(0x05EE_D0FA_1D55);
    let words = vocabulary(&mut random);
    let shared: Vec<String> = (0..300).map(|_| sentence(&mut random, &words)).collect();
    let mut texts = Vec::new();
    for _ in 0..DOCUMENTS {
        let mut text = String::with_capacity(DOCUMENT_BYTES + 1000);
        while text.len() < DOCUMENT_BYTES {
            if random.one_in(10) {
                text.push_str(&sentence(&mut random, &words).to_uppercase());
                text.push('\n');
            }
            for position in 0..3 + random.below(6) {
                if position > 0 {
                    text.push(' ');
                }
                if random.one_in(30) {
                    text.push_str(&shared[random.below(shared.len())]);
                } else {
                    text.push_str(&sentence(&mut random, &words));
                }
            }
            text.push_str("\n\n");
        }
        text.truncate(text.floor_char_boundary(DOCUMENT_BYTES));
        texts.push(text);
    }
    let titles = (0..DOCUMENTS)
        .map(|n| {
            (
                format!("{} report number {n}", words[100 + n]),
                format!("Report {n}"),
                format!("{} {} Press", words[200 + n], words[300 + n]),
            )
        })
        .collect();
    let phrase = shared[0]
        .split_whitespace()
        .take(5)
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase();
    Corpus {
        texts,
        titles,
        phrase,
        common_word: words[0].clone(),
    }
}

fn authoring_aids(c: &mut Criterion) {
    let corpus = corpus();
    let documents: Vec<Document> = corpus
        .texts
        .iter()
        .zip(&corpus.titles)
        .map(|(text, (title, short_title, publisher))| Document {
            id: "document",
            title,
            short_title,
            publisher,
            text,
        })
        .collect();
    let phrase = aids::find(&documents, &corpus.phrase, 50);
    let common = aids::find(&documents, &corpus.common_word, 50);
    let figures = aids::figures(&documents);
    let suggestions = aids::suggestions(&documents, 10);
    println!(
        "{} documents, {} bytes; {:?}: {} places; {:?}: {} places; {} figures ({} occurrences); {} suggestions",
        documents.len(),
        corpus.texts.iter().map(String::len).sum::<usize>(),
        corpus.phrase,
        phrase.places.len() + phrase.more,
        corpus.common_word,
        common.places.len() + common.more,
        figures.len(),
        figures
            .iter()
            .map(|figure| figure.occurrences.len())
            .sum::<usize>(),
        suggestions.len(),
    );

    let mut group = c.benchmark_group("authoring_aids");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("find_phrase", |b| {
        b.iter(|| black_box(aids::find(&documents, &corpus.phrase, 50)))
    });
    group.bench_function("find_common_word", |b| {
        b.iter(|| black_box(aids::find(&documents, &corpus.common_word, 50)))
    });
    group.bench_function("figures", |b| {
        b.iter(|| black_box(aids::figures(&documents)))
    });
    group.bench_function("suggestions", |b| {
        b.iter(|| black_box(aids::suggestions(&documents, 10)))
    });
    group.finish();
}

criterion_group!(benches, authoring_aids);
criterion_main!(benches);
