//! Authoring aids: pure functions that help a teacher build a lesson pack from their
//! own documents (up to 20 of up to 1 MB each). Nothing here reads or writes anything;
//! the pages that show the results come later.
//!
//! - [`find`]: where a phrase occurs in the documents, with the sentence around it.
//! - [`figures`]: every number in every document, grouped by value, so that a teacher
//!   sees at a glance which documents give which figures.
//! - [`suggestions`]: sentences worded in one document only, as candidate passages for
//!   "Which source is this from?" exercises.
//!
//! All offsets are byte offsets into a document's `text`, always on char boundaries.
//!
//! # Sentences
//!
//! One private splitter serves all three. A sentence ends:
//!
//! - at every line break: the documents keep a paragraph, a heading or a list item on
//!   a line of its own (blank lines are line breaks too);
//! - after `.`, `!` or `?` (with any `.!?`, closing quotes, closing brackets and
//!   reference markers such as `[12]` right after it) when whitespace follows and then
//!   an uppercase letter, a digit or an opening quote; except after an abbreviation: a
//!   word with a dot inside ("U.S.", "e.g.", "i.e.", "a.m."), a single capital letter
//!   (an initial, "J. Smith") or one of a short list of titles and shortened words
//!   ("Mr.", "Dr.", "St.", "Jan.", …, see `ABBREVIATIONS`), and, before a number only,
//!   "No.", "p.", "pp." and a few more (`BEFORE_NUMBERS`: "He said no. Then …" ends a
//!   sentence). The price of keeping it simple: a sentence that really ends with an
//!   abbreviation ("… in the U.S. The next …") runs on into the next one.
//!
//! Sentences are trimmed of whitespace. Where a sentence is shown around a match or a
//! figure, it is clipped to at most [`CONTEXT`] bytes on either side of it, cut after
//! a space where there is one in reach so that no word is cut in two.
//!
//! # Matching ([`find`])
//!
//! The query and each document are folded by [`NormalisedText::for_search`] (shared
//! with the loader's whitespace-insensitive passage finder): any run of whitespace is
//! one space, case is folded by Unicode simple lowercase, ’ ‘ “ ” become ' and ", and
//! – — become -. Lowercasing can change a character's length in bytes ("İ" is 2 bytes,
//! its lowercase "i" is 1); the folded text keeps a map back to the original offsets,
//! so `&text[start..end] == matched` always holds. Matches do not overlap: the search
//! resumes after each match.
//!
//! # Numbers ([`figures`])
//!
//! A number is a run of ASCII digits with, optionally:
//!
//! - thousands separators: `,`, `.` or one space (ordinary, no-break, thin or narrow
//!   no-break) followed by exactly three digits and then a non-digit, after a first
//!   group of one to three digits that does not start with 0, the same separator all
//!   along: "1,300", "1.300" and "1 300" are all "1300". So "2.500" is read as 2500,
//!   not 2.5, and "0.125" (a leading 0) as a decimal; "On 26 300 soldiers" would be
//!   read as 26300 (a rare reading we accept);
//! - a decimal part: `.` and digits, unless the dot already separates thousands
//!   ("1,300.5" is "1300.5"). A comma is never a decimal mark ("2,5" is 2 and 5);
//! - a percent sign, right after it or after one space: "45%" and "45 %" are "45%",
//!   a figure of its own, apart from the count "45".
//!
//! Digits joined by dots more than once (dates "26.02.1992", versions, addresses) are
//! separate numbers. Letters around the digits do not matter ("366th" is 366, "CO2" is
//! 2). Signs are not read ("-5" is 5). A number alone in square brackets, `[12]` (or
//! `[\[12\]]` as Markdown escapes it), is a reference marker and left out. Numbers
//! written as words are not read.
//!
//! # Suggestions ([`suggestions`])
//!
//! A word is a run of non-whitespace; it is normalised by keeping its letters and
//! digits, lowercased ("Russia’s" is "russias"); a run with neither is not a word. A
//! candidate is a sentence of 8 to 60 words none of whose runs of 5 consecutive words
//! occurs in another document. Runs are compared by a 64-bit hash of their words'
//! hashes; the runs shared by documents are found by sorting every document's runs in
//! buckets small enough for the processor's cache (see `Runs`). The candidates of a
//! document are ranked:
//!
//! 1. sentences without a warning first (one that names its own document's title,
//!    short title or publisher gives the answer away);
//! 2. then sentences that read as prose (see `reads_as_prose`: not a heading, a line
//!    of a numbered list or of a reference list);
//! 3. then by score: 3 for a figure (a number, as above: how a document gives its
//!    numbers is a cue), 3 for a quotation mark (" “ ” « »: whose words it quotes is a
//!    cue), 1 for each word that no other document uses, up to 3 (distinctive
//!    wording), and 1 for a length of 12 to 40 words (long enough to carry cues, short
//!    enough to read);
//! 4. then in the order of the document.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use super::text::NormalisedText;

/// One of a teacher's documents.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub short_title: &'a str,
    pub publisher: &'a str,
    pub text: &'a str,
}

/// How far, in bytes, a sentence shown around a match or a figure reaches on either
/// side of it.
pub const CONTEXT: usize = 200;

// ------------------------------------------------------------------------------------
// Find

/// What [`find`] found: the first places, and how many more there are.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Finds {
    pub places: Vec<Place>,
    /// Matches beyond the limit, counted but not returned.
    pub more: usize,
}

/// One match of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Index into the documents given.
    pub document: usize,
    pub start: usize,
    pub end: usize,
    /// The sentence containing the match, clipped to at most [`CONTEXT`] bytes on
    /// either side of it.
    pub sentence: Range<usize>,
    /// The text of the document at `start..end`, exactly.
    pub matched: String,
}

/// Every place where `query` occurs in `docs`, ignoring case, whitespace and
/// typographic quotes and dashes: at most `limit` places, in document order and then
/// text order, and the count of the others. A blank query occurs nowhere.
pub fn find(docs: &[Document], query: &str, limit: usize) -> Finds {
    let mut finds = Finds::default();
    if query.trim().is_empty() {
        return finds;
    }
    for (index, document) in docs.iter().enumerate() {
        let text = document.text;
        let normalised = NormalisedText::for_search(text);
        if finds.places.len() == limit {
            // Only counted: one pass of the searcher, no offsets mapped.
            finds.more += normalised.count(query);
            continue;
        }
        let mut found_all = normalised.find_all(query);
        for found in found_all.by_ref() {
            finds.places.push(Place {
                document: index,
                start: found.start,
                end: found.end,
                sentence: sentence_around(text, found.clone()),
                matched: text[found].to_string(),
            });
            if finds.places.len() == limit {
                break;
            }
        }
        finds.more += found_all.count();
    }
    finds
}

// ------------------------------------------------------------------------------------
// Figures

/// A number and every place it occurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// The number without its thousands separators: "1300", "2.5", "45%".
    pub value: String,
    /// In document order, then text order.
    pub occurrences: Vec<Occurrence>,
}

impl Figure {
    /// The documents that give this figure.
    pub fn documents(&self) -> BTreeSet<usize> {
        self.occurrences
            .iter()
            .map(|occurrence| occurrence.document)
            .collect()
    }
}

/// Where a figure occurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// Index into the documents given.
    pub document: usize,
    /// The number as written, separators and percent sign included.
    pub start: usize,
    pub end: usize,
    /// The sentence containing it, clipped to at most [`CONTEXT`] bytes on either side.
    pub sentence: Range<usize>,
}

/// Every number in every document (see the module's documentation for what a number
/// is), grouped by value and sorted by numeric value; equal numbers written
/// differently ("2" and "02", "45" and "45%") come one after the other.
pub fn figures(docs: &[Document]) -> Vec<Figure> {
    let mut figures: Vec<Figure> = Vec::new();
    let mut by_value: HashMap<String, usize> = HashMap::new();
    for (index, document) in docs.iter().enumerate() {
        let text = document.text;
        let sentences = sentences(text);
        let mut next = 0;
        for_each_number(text, |number, value| {
            while next + 1 < sentences.len() && sentences[next].end <= number.start {
                next += 1;
            }
            let occurrence = Occurrence {
                document: index,
                start: number.start,
                end: number.end,
                sentence: clip(text, sentences[next].clone(), number),
            };
            match by_value.get(value) {
                Some(&at) => figures[at].occurrences.push(occurrence),
                None => {
                    by_value.insert(value.to_string(), figures.len());
                    figures.push(Figure {
                        value: value.to_string(),
                        occurrences: vec![occurrence],
                    });
                }
            }
        });
    }
    figures.sort_unstable_by(|a, b| compare_values(&a.value, &b.value));
    figures
}

/// Orders figures' values by the numbers they stand for, exactly (no floating point):
/// the integer part by length without leading zeros and then digit by digit, then the
/// fraction digit by digit; then a count before a percentage, then as written.
fn compare_values(a: &str, b: &str) -> Ordering {
    fn key(value: &str) -> (&str, &str, bool) {
        let (number, percent) = match value.strip_suffix('%') {
            Some(number) => (number, true),
            None => (value, false),
        };
        let (integer, fraction) = number.split_once('.').unwrap_or((number, ""));
        (
            integer.trim_start_matches('0'),
            fraction.trim_end_matches('0'),
            percent,
        )
    }
    let (a_integer, a_fraction, a_percent) = key(a);
    let (b_integer, b_fraction, b_percent) = key(b);
    a_integer
        .len()
        .cmp(&b_integer.len())
        .then_with(|| a_integer.cmp(b_integer))
        .then_with(|| a_fraction.cmp(b_fraction))
        .then_with(|| a_percent.cmp(&b_percent))
        .then_with(|| a.cmp(b))
}

/// The spaces that may separate groups of three digits.
const GROUP_SPACES: [&str; 4] = [" ", "\u{A0}", "\u{2009}", "\u{202F}"];

/// Calls `each` with the range and the value of every number in `text`, in order
/// (reference markers such as "[12]" left out).
fn for_each_number(text: &str, mut each: impl FnMut(Range<usize>, &str)) {
    let bytes = text.as_bytes();
    let digit_at = |at: usize| bytes.get(at).is_some_and(u8::is_ascii_digit);
    let digits_end = |from: usize| {
        from + bytes[from..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count()
    };
    // Exactly three digits at `at`, and no fourth.
    let group_at = |at: usize| (at..at + 3).all(digit_at) && !digit_at(at + 3);
    let mut value = String::new();
    let mut at = 0;
    while at < bytes.len() {
        if !bytes[at].is_ascii_digit() {
            at += 1;
            continue;
        }
        let start = at;
        let mut end = digits_end(start);
        value.clear();
        value.push_str(&text[start..end]);
        // The middle or the end of digits joined by dots ("02" in "26.02.1992").
        let after_dot = start >= 2 && bytes[start - 1] == b'.' && digit_at(start - 2);
        let dotted_on = |at: usize| bytes.get(at) == Some(&b'.') && digit_at(at + 1);
        let mut grouped_by_dots = false;
        if (1..=3).contains(&(end - start)) && bytes[start] != b'0' && !after_dot {
            let separator = [",", "."]
                .into_iter()
                .chain(GROUP_SPACES)
                .find(|separator| {
                    text[end..].starts_with(separator) && group_at(end + separator.len())
                });
            if let Some(separator) = separator {
                let mut groups_end = end;
                let mut digits = String::new();
                while text[groups_end..].starts_with(separator)
                    && group_at(groups_end + separator.len())
                {
                    let group = groups_end + separator.len();
                    digits.push_str(&text[group..group + 3]);
                    groups_end = group + 3;
                }
                // "192.168.1.1" is not 192168 and parts.
                if !(separator == "." && dotted_on(groups_end)) {
                    value.push_str(&digits);
                    end = groups_end;
                    grouped_by_dots = separator == ".";
                }
            }
        }
        if !grouped_by_dots && !after_dot && dotted_on(end) {
            let fraction_end = digits_end(end + 1);
            if !dotted_on(fraction_end) {
                value.push_str(&text[end..fraction_end]);
                end = fraction_end;
            }
        }
        // "[12]", or "[\[12\]](#)" as Markdown writes it.
        let marker = text[..start].ends_with('[')
            && (text[end..].starts_with(']') || text[end..].starts_with("\\]"));
        if !marker {
            let percent = [""].into_iter().chain(GROUP_SPACES).find(|space| {
                text[end..]
                    .strip_prefix(space)
                    .is_some_and(|rest| rest.starts_with('%'))
            });
            if let Some(space) = percent {
                end += space.len() + 1;
                value.push('%');
            }
            each(start..end, &value);
        }
        at = end;
    }
}

// ------------------------------------------------------------------------------------
// Suggestions

/// A candidate passage for a "Which source is this from?" exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// Index into the documents given.
    pub document: usize,
    pub start: usize,
    pub end: usize,
    /// The sentence, exactly as in the document (`text[start..end]`).
    pub text: String,
    /// Why the passage may not make a fair exercise, for the teacher to read.
    pub warning: Option<String>,
}

/// Sentences of 8 to 60 words that share no run of 5 words with another document, the
/// most useful first, at most `limit_per_doc` per document, documents in order (see
/// the module's documentation for the ranking).
pub fn suggestions(docs: &[Document], limit_per_doc: usize) -> Vec<Suggestion> {
    const SHINGLE: usize = 5;
    const WORDS: std::ops::RangeInclusive<usize> = 8..=60;
    if limit_per_doc == 0 {
        return Vec::new();
    }
    // Every run of five words and every word, with the documents that have them; and
    // each document's words (their hashes) and sentences of the right length (each
    // with the range of its words).
    let bytes = docs
        .iter()
        .map(|document| document.text.len())
        .sum::<usize>();
    let mut runs = Runs::with_capacity(bytes / 6);
    let mut vocabulary: Owners = HashMap::default();
    let mut words: Vec<Word> = Vec::new();
    let mut documents: Vec<Worded> = Vec::new();
    for (index, document) in docs.iter().enumerate() {
        let owner = index as u32;
        words.clear();
        for_each_word(document.text, |word| words.push(word));
        let hashes: Vec<u64> = words.iter().map(|word| word.hash).collect();
        for &hash in &hashes {
            vocabulary
                .entry(hash)
                .and_modify(|known| {
                    if *known != owner {
                        *known = SHARED;
                    }
                })
                .or_insert(owner);
        }
        for window in hashes.windows(SHINGLE) {
            runs.add(shingle(window), owner);
        }
        let mut sentences_of_words = Vec::new();
        let (mut first, mut last) = (0, 0);
        for sentence in sentences(document.text) {
            while first < words.len() && words[first].start < sentence.start {
                first += 1;
            }
            last = last.max(first);
            while last < words.len() && words[last].start < sentence.end {
                last += 1;
            }
            if WORDS.contains(&(last - first)) {
                sentences_of_words.push((sentence, first..last));
            }
        }
        documents.push(Worded {
            hashes,
            sentences: sentences_of_words,
        });
    }
    let shared = runs.shared();

    let mut suggestions = Vec::new();
    for (index, (document, Worded { hashes, sentences })) in docs.iter().zip(documents).enumerate()
    {
        let owner = index as u32;
        let text = document.text;
        // By rank: does not read as prose, score, where.
        let mut candidates: Vec<(bool, Reverse<u32>, Range<usize>)> = Vec::new();
        for (sentence, words) in sentences {
            let words = &hashes[words];
            if words
                .windows(SHINGLE)
                .any(|window| shared.contains(&shingle(window)))
            {
                continue;
            }
            let passage = &text[sentence.clone()];
            let mut figure = false;
            for_each_number(passage, |_, _| figure = true);
            let quote = passage.contains(['"', '\u{201C}', '\u{201D}', '«', '»']);
            let own_words = words
                .iter()
                .filter(|hash| vocabulary.get(hash) == Some(&owner))
                .count()
                .min(3);
            let score = 3 * u32::from(figure)
                + 3 * u32::from(quote)
                + own_words as u32
                + u32::from((12..=40).contains(&words.len()));
            candidates.push((!reads_as_prose(passage), Reverse(score), sentence));
        }
        // The start last: equal candidates stay in the document's order.
        candidates
            .sort_unstable_by_key(|(prose, score, sentence)| (*prose, *score, sentence.start));
        // Those that name their document after all the others: look for names only as
        // far down the ranking as needed.
        let giveaways = Giveaways::new(document);
        let mut fair = Vec::new();
        let mut naming = Vec::new();
        for (_, _, sentence) in candidates {
            match Giveaways::warning(&giveaways.named(&text[sentence.clone()])) {
                None => fair.push((sentence, None)),
                Some(warning) if naming.len() < limit_per_doc => {
                    naming.push((sentence, Some(warning)))
                }
                Some(_) => {}
            }
            if fair.len() == limit_per_doc {
                break;
            }
        }
        suggestions.extend(fair.into_iter().chain(naming).take(limit_per_doc).map(
            |(sentence, warning)| Suggestion {
                document: index,
                start: sentence.start,
                end: sentence.end,
                text: text[sentence].to_string(),
                warning,
            },
        ));
    }
    suggestions
}

/// A document as [`suggestions`] reads it: its words (their hashes) and its sentences
/// of the right length, each with the range of its words.
struct Worded {
    hashes: Vec<u64>,
    sentences: Vec<(Range<usize>, Range<usize>)>,
}

/// Whether a sentence reads as a sentence of prose rather than a line of a reference
/// list or a heading: it starts with a capital letter, a digit or an opening quote,
/// ends with `.`, `!` or `?` (closing quotes, brackets and reference markers after it
/// allowed), and has no `^` (the back-links of an encyclopedia's references) or
/// numbered-list start ("1. ").
fn reads_as_prose(sentence: &str) -> bool {
    let starts = sentence.starts_with(|first: char| {
        first.is_uppercase()
            || first.is_ascii_digit()
            || matches!(first, '"' | '\'' | '\u{201C}' | '\u{2018}' | '«')
    });
    let ends = sentence
        .rfind(['.', '!', '?'])
        .is_some_and(|at| closers_end(sentence, at + 1) == sentence.len());
    let digits = sentence.len()
        - sentence
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    let numbered = digits > 0 && sentence[digits..].starts_with(". ");
    starts && ends && !numbered && !sentence.contains('^')
}

/// What names a document and so gives a passage's source away: its title, short title
/// and publisher, as given.
struct Giveaways<'a> {
    /// What each names ("title", "short title", "publisher"), in that order.
    names: Vec<(&'static str, &'a str)>,
}

impl<'a> Giveaways<'a> {
    fn new(document: &Document<'a>) -> Self {
        let mut given: Vec<(&'static str, &'a str)> = vec![
            ("title", document.title),
            ("short title", document.short_title),
        ];
        // A publisher is often written in full once and by its name alone after:
        // "Center for Eurasian Studies (AVİM), Ankara" is also "Center for Eurasian
        // Studies" and "AVİM".
        let publisher = document.publisher;
        given.push(("publisher", publisher));
        if let Some(head) = publisher.split([',', ';', '(']).next() {
            given.push(("publisher", head));
        }
        for inside in publisher.split('(').skip(1) {
            given.push(("publisher", inside.split(')').next().unwrap_or_default()));
        }
        let mut names = Vec::new();
        for (what, name) in given {
            let name = name.trim();
            if names_something(name) && !names.contains(&(what, name)) {
                names.push((what, name));
            }
        }
        Giveaways { names }
    }

    /// What of its document `sentence` names (ignoring case, whitespace and
    /// typographic quotes, as [`find`] does), in order and once each.
    fn named(&self, sentence: &str) -> Vec<&'static str> {
        if self.names.is_empty() {
            return Vec::new();
        }
        let normalised = NormalisedText::for_search(sentence);
        let mut named: Vec<&'static str> = self
            .names
            .iter()
            .filter(|(_, name)| normalised.contains(name))
            .map(|&(what, _)| what)
            .collect();
        named.dedup();
        named
    }

    /// The warning for a sentence that names what `named` lists, if anything.
    fn warning(named: &[&str]) -> Option<String> {
        let names = match named {
            [] => return None,
            [one] => one.to_string(),
            [first @ .., last] => format!("{} and {last}", first.join(", ")),
        };
        Some(format!(
            "This sentence names its own document's {names}, which gives the answer away."
        ))
    }
}

/// Whether a title or publisher as given names anything: not a placeholder such as
/// "Not named in the text" or "Unknown", and at least 4 characters long.
fn names_something(name: &str) -> bool {
    let lowercase = name.to_lowercase();
    name.chars().count() >= 4
        && !lowercase.starts_with("not ")
        && !["unknown", "none", "anonymous", "n/a", "untitled"].contains(&lowercase.as_str())
}

/// A document's index, or `SHARED` for a word in more than one document.
type Owners = HashMap<u64, u32, BuildHasherDefault<AlreadyHashed>>;
const SHARED: u32 = u32::MAX;

/// Every run of five words of every document (its hash) and the document it is in, to
/// find the runs that are in more than one. They are kept in buckets by the top bits of
/// their hash, so that each bucket, sorted on its own, fits in the processor's cache: a
/// hash table of all of them (millions for 20 MB of text) would miss the cache on
/// nearly every look-up.
struct Runs {
    buckets: Vec<Vec<(u64, u32)>>,
}

impl Runs {
    const BUCKET_BITS: u32 = 10;

    fn with_capacity(runs: usize) -> Self {
        let buckets = 1 << Self::BUCKET_BITS;
        // A little more than an even share each, to grow rarely.
        let each = runs / buckets + runs / buckets / 8;
        Runs {
            buckets: (0..buckets).map(|_| Vec::with_capacity(each)).collect(),
        }
    }

    fn add(&mut self, hash: u64, owner: u32) {
        self.buckets[(hash >> (64 - Self::BUCKET_BITS)) as usize].push((hash, owner));
    }

    /// The runs in more than one document.
    fn shared(self) -> HashSet<u64, BuildHasherDefault<AlreadyHashed>> {
        let mut shared = HashSet::default();
        for mut bucket in self.buckets {
            bucket.sort_unstable();
            for same in bucket.chunk_by(|a, b| a.0 == b.0) {
                if same[0].1 != same[same.len() - 1].1 {
                    shared.insert(same[0].0);
                }
            }
        }
        shared
    }
}

/// A hasher for keys that are hashes already (well mixed, 64 bits): it passes them on.
#[derive(Default)]
struct AlreadyHashed(u64);

impl Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = mix(self.0 ^ u64::from(byte));
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// The finaliser of SplitMix64: every bit of the input affects every bit of the output.
fn mix(mut value: u64) -> u64 {
    value = (value ^ (value >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    value ^ (value >> 31)
}

/// A word: the hash of its letters and digits, lowercased, and where it starts.
#[derive(Debug, Clone, Copy)]
struct Word {
    hash: u64,
    start: usize,
}

/// The hash of five words (their hashes), in order.
fn shingle(words: &[u64]) -> u64 {
    mix(words.iter().fold(0x9E37_79B9_7F4A_7C15, |hash, &word| {
        (hash.rotate_left(23) ^ word).wrapping_mul(0x2127_599B_F432_5C37)
    }))
}

/// How a word takes each ASCII byte: 0 ends it (whitespace), 1 is dropped
/// (punctuation), any other value is the byte kept, lowercased.
const ASCII_IN_WORDS: [u8; 128] = {
    let mut table = [1; 128];
    let mut byte = 0;
    while byte < 128 {
        let ascii = byte as u8;
        if matches!(ascii, b' ' | b'\t'..=b'\r') {
            table[byte] = 0;
        } else if ascii.is_ascii_alphanumeric() {
            table[byte] = ascii.to_ascii_lowercase();
        }
        byte += 1;
    }
    table
};

/// Calls `each` with every word of `text`, in order.
fn for_each_word(text: &str, mut each: impl FnMut(Word)) {
    const SEED: u64 = 0xCBF2_9CE4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01B3;
    let bytes = text.as_bytes();
    let mut hash = SEED;
    let mut kept = false;
    let mut start = None;
    let mut recent = [('\0', None); 64];
    let mut offset = 0;
    while offset < bytes.len() {
        let byte = bytes[offset];
        // What the word keeps of this character: `None` for whitespace, `Some(None)`
        // for punctuation.
        let (taken, length) = if byte.is_ascii() {
            let taken = match ASCII_IN_WORDS[usize::from(byte)] {
                0 => None,
                1 => Some(None),
                kept => Some(Some(char::from(kept))),
            };
            (taken, 1)
        } else {
            let character = text[offset..].chars().next().unwrap_or_default();
            // The Unicode tables are searched: remember the characters seen lately.
            let slot = &mut recent[character as usize % recent.len()];
            if slot.0 != character {
                let taken = if character.is_whitespace() {
                    None
                } else if character.is_alphanumeric() {
                    Some(Some(character.to_lowercase().next().unwrap_or(character)))
                } else {
                    Some(None)
                };
                *slot = (character, taken);
            }
            (slot.1, character.len_utf8())
        };
        match taken {
            None => {
                if let Some(start) = start.take()
                    && kept
                {
                    each(Word {
                        hash: mix(hash),
                        start,
                    });
                }
                hash = SEED;
                kept = false;
            }
            Some(character) => {
                start.get_or_insert(offset);
                if let Some(character) = character {
                    hash = (hash ^ u64::from(character)).wrapping_mul(PRIME);
                    kept = true;
                }
            }
        }
        offset += length;
    }
    if let Some(start) = start
        && kept
    {
        each(Word {
            hash: mix(hash),
            start,
        });
    }
}

// ------------------------------------------------------------------------------------
// Sentences

/// Shortened words after which a dot does not end a sentence, lowercased and without
/// the dot. Words with a dot inside and single capital letters are abbreviations too.
const ABBREVIATIONS: [&str; 35] = [
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "col", "lt", "sgt", "capt", "rev",
    "gov", "sen", "rep", "pres", "hon", "vs", "cf", "approx", "ca", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];

/// Shortened words that are abbreviations only before a number ("No. 26", "p. 12"):
/// "He said no. Then …" ends a sentence.
const BEFORE_NUMBERS: [&str; 7] = ["no", "nos", "vol", "p", "pp", "fig", "ch"];

/// If a sentence ends at the byte `at` (a line break, or a `.`, `!` or `?` that ends
/// one), where it ends: at the line break itself, or after the punctuation and any
/// closing quotes and brackets right after it.
fn sentence_end(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    match bytes[at] {
        b'\n' => return Some(at),
        b'.' | b'!' | b'?' => {}
        _ => return None,
    }
    let end = closers_end(text, at + 1);
    let mut after = text[end..].chars();
    if !after.next().is_some_and(char::is_whitespace) {
        return None;
    }
    let next = after.find(|character| !character.is_whitespace());
    let starts_sentence = next.is_none_or(|next| {
        next.is_uppercase()
            || next.is_ascii_digit()
            || matches!(next, '"' | '\'' | '\u{201C}' | '\u{2018}' | '«')
    });
    let before_number = next.is_some_and(|next| next.is_ascii_digit());
    (starts_sentence && !(bytes[at] == b'.' && abbreviation_before(text, at, before_number)))
        .then_some(end)
}

/// Where the run of punctuation, closing quotes and brackets and reference markers
/// that may follow a sentence's last word, from `from` on, ends. It looks about
/// `CLOSERS` bytes ahead at most, so that the splitter, which asks at every `.`, `!`
/// and `?`, stays linear on a long line of dots.
fn closers_end(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut end = from;
    while end - from < CLOSERS {
        if matches!(
            bytes.get(end),
            Some(b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']')
        ) {
            end += 1;
        } else if text[end..].starts_with(['\u{2019}', '\u{201D}', '»']) {
            end += text[end..].chars().next().map_or(1, char::len_utf8);
        } else if let Some(length) = reference_marker(&text[end..]) {
            end += length;
        } else {
            return end;
        }
    }
    end
}

/// The most [`closers_end`] takes.
const CLOSERS: usize = 48;

/// The length of the reference marker `text` starts with, if it does: a short
/// bracketed group without whitespace (`[12]`, `[a]`; `[\[1\]](#)` as Markdown
/// writes it), which a sentence's punctuation may carry after it.
fn reference_marker(text: &str) -> Option<usize> {
    const LONGEST: usize = 16;
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'[') {
        return None;
    }
    let within = |from: usize, close: u8| {
        (from..bytes.len().min(from + LONGEST))
            .take_while(|&at| !bytes[at].is_ascii_whitespace())
            .find(|&at| bytes[at] == close && bytes[at - 1] != b'\\')
    };
    let close = within(1, b']')?;
    let mut length = close + 1;
    if bytes.get(length) == Some(&b'(')
        && let Some(close) = within(length + 1, b')')
    {
        length = close + 1;
    }
    Some(length)
}

/// Whether the word before the dot at `dot` is an abbreviation; `before_number` if a
/// number comes next.
fn abbreviation_before(text: &str, dot: usize, before_number: bool) -> bool {
    const LONGEST: usize = 40;
    let from = text.floor_char_boundary(dot.saturating_sub(LONGEST));
    let before = &text[from..dot];
    let word = match before.rfind(|character: char| {
        character.is_whitespace()
            || matches!(character, '(' | '[' | '"' | '\'' | '\u{201C}' | '\u{2018}')
    }) {
        Some(separator) => {
            let separator_length = before[separator..].chars().next().map_or(1, char::len_utf8);
            &before[separator + separator_length..]
        }
        // A word longer than any abbreviation, unless the text starts with it.
        None if from > 0 => return false,
        None => before,
    };
    let mut characters = word.chars();
    match (characters.next(), characters.next()) {
        (None, _) => false,
        (Some(letter), None) => letter.is_uppercase() || (before_number && letter == 'p'),
        _ if word.contains('.') => word.chars().any(char::is_alphabetic),
        _ => {
            let word = word.to_lowercase();
            ABBREVIATIONS.contains(&word.as_str())
                || (before_number && BEFORE_NUMBERS.contains(&word.as_str()))
        }
    }
}

/// The sentences of `text`, trimmed of whitespace, in order.
fn sentences(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut sentences = Vec::new();
    let mut push = |range: Range<usize>| {
        let trimmed = trim(text, range);
        if !trimmed.is_empty() {
            sentences.push(trimmed);
        }
    };
    const CHUNK: usize = 16;
    let candidate = |byte: u8| matches!(byte, b'\n' | b'.' | b'!' | b'?');
    let mut start = 0;
    let mut at = 0;
    while at < bytes.len() {
        // Whole chunks without a candidate at a time (vectorised: no early exit).
        while at + CHUNK <= bytes.len()
            && !bytes[at..at + CHUNK]
                .iter()
                .fold(false, |any, &byte| any | candidate(byte))
        {
            at += CHUNK;
        }
        if at < bytes.len()
            && candidate(bytes[at])
            && let Some(end) = sentence_end(text, at)
        {
            push(start..end);
            start = end;
            at = end.max(at + 1);
            continue;
        }
        at += 1;
    }
    push(start..bytes.len());
    sentences
}

/// `range` without the whitespace at either end.
fn trim(text: &str, range: Range<usize>) -> Range<usize> {
    let inside = &text[range.clone()];
    let start = range.start + (inside.len() - inside.trim_start().len());
    let end = range.end - (inside.len() - inside.trim_end().len());
    start..end.max(start)
}

/// The sentence around `found`, clipped: the same as finding the sentence in
/// [`sentences`] and clipping it, but looking only at the text within reach.
fn sentence_around(text: &str, found: Range<usize>) -> Range<usize> {
    // More than the closing quotes, brackets and reference markers after a sentence's
    // punctuation can take (`CLOSERS`).
    const SLACK: usize = CLOSERS + 16;
    let bytes = text.as_bytes();
    let is_candidate = |at: &usize| matches!(bytes[*at], b'\n' | b'.' | b'!' | b'?');
    let low = found.start.saturating_sub(CONTEXT + SLACK);
    let start = (low..found.start)
        .rev()
        .filter(is_candidate)
        .find_map(|at| sentence_end(text, at).filter(|&end| end <= found.start))
        .unwrap_or(0);
    let high = (found.end + CONTEXT + 1).min(bytes.len());
    // From a little before the end: the match may end in or before closing quotes.
    let end = (found
        .end
        .saturating_sub(SLACK)
        .max(found.start.saturating_sub(SLACK))..high)
        .filter(is_candidate)
        .find_map(|at| sentence_end(text, at).filter(|&end| end >= found.end))
        .unwrap_or(bytes.len());
    clip(text, start..end, found)
}

/// `sentence` trimmed, and clipped to at most [`CONTEXT`] bytes on either side of
/// `found`, after a space where there is one within reach.
fn clip(text: &str, sentence: Range<usize>, found: Range<usize>) -> Range<usize> {
    let sentence = trim(text, sentence);
    let mut start = sentence.start.min(found.start);
    if found.start - start > CONTEXT {
        start = text.ceil_char_boundary(found.start - CONTEXT);
        let in_a_word = !text[..start].ends_with(char::is_whitespace);
        if in_a_word && let Some(space) = text[start..found.start].find(char::is_whitespace) {
            start += space;
        }
    }
    let mut end = sentence.end.max(found.end);
    if end - found.end > CONTEXT {
        end = text.floor_char_boundary(found.end + CONTEXT);
        let in_a_word = !text[end..].starts_with(char::is_whitespace);
        if in_a_word && let Some(space) = text[found.end..end].rfind(char::is_whitespace) {
            end = found.end + space;
        }
    }
    let inside = trim(text, start..end);
    inside.start.min(found.start)..inside.end.max(found.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(text: &str) -> Document<'_> {
        Document {
            id: "doc",
            title: "",
            short_title: "",
            publisher: "",
            text,
        }
    }

    fn documents<'a>(texts: &[&'a str]) -> Vec<Document<'a>> {
        texts.iter().map(|text| document(text)).collect()
    }

    /// The matched texts of `query` in `texts`, checking every place's invariants.
    fn found(texts: &[&str], query: &str) -> Vec<String> {
        let docs = documents(texts);
        let finds = find(&docs, query, usize::MAX);
        assert_eq!(finds.more, 0);
        for place in &finds.places {
            let text = texts[place.document];
            assert!(text.is_char_boundary(place.start) && text.is_char_boundary(place.end));
            assert_eq!(text[place.start..place.end], place.matched);
            assert!(place.sentence.start <= place.start && place.end <= place.sentence.end);
            assert!(text.get(place.sentence.clone()).is_some(), "{place:?}");
        }
        finds
            .places
            .into_iter()
            .map(|place| place.matched)
            .collect()
    }

    // --- find ---

    #[test]
    fn find_ignores_case() {
        assert_eq!(
            found(&["The United Nations said so."], "united NATIONS"),
            ["United Nations"]
        );
        assert_eq!(found(&["KHOJALY, Khojaly, khojaly"], "Khojaly").len(), 3);
    }

    #[test]
    fn find_ignores_runs_of_whitespace_and_line_breaks() {
        let text = "by Armenian\n   forces\tand\r\n\r\nothers";
        assert_eq!(found(&[text], "armenian forces"), ["Armenian\n   forces"]);
        assert_eq!(found(&[text], "  and \n others "), ["and\r\n\r\nothers"]);
        assert_eq!(
            found(&["Armenianforces"], "armenian forces"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn find_matches_typographic_quotes_apostrophes_and_dashes_as_typed() {
        let text = "Russia\u{2019}s \u{201C}genocide\u{201D} of 1991\u{2013}1992 \u{2014} or \u{2018}not\u{2019}";
        assert_eq!(
            found(&[text], "russia's \"genocide\""),
            ["Russia\u{2019}s \u{201C}genocide\u{201D}"]
        );
        assert_eq!(found(&[text], "1991-1992 - or 'NOT'").len(), 1);
        // And the other way round: a pasted typographic phrase finds the plain one.
        assert_eq!(
            found(&["Russia's \"war\""], "Russia\u{2019}s \u{201C}war\u{201D}"),
            ["Russia's \"war\""]
        );
    }

    #[test]
    fn find_maps_lowercase_forms_of_another_length_back_to_the_original() {
        // İ is 2 bytes and lowercases to i (1 byte); the Kelvin sign is 3 bytes, k is 1;
        // Ⱥ is 2 bytes, ⱥ is 3.
        let text = "İSTANBUL, AVİM; the \u{212A}elvin scale; Ⱥ and ⱥ; istanbul";
        assert_eq!(found(&[text], "istanbul"), ["İSTANBUL", "istanbul"]);
        assert_eq!(found(&[text], "İstanbul"), ["İSTANBUL", "istanbul"]);
        assert_eq!(found(&[text], "avim;"), ["AVİM;"]);
        assert_eq!(found(&[text], "kelvin"), ["\u{212A}elvin"]);
        assert_eq!(found(&[text], "ⱥ AND Ⱥ"), ["Ⱥ and ⱥ"]);
    }

    #[test]
    fn a_blank_query_finds_nothing() {
        let docs = documents(&["some text", "  "]);
        for query in ["", " ", "\n\t "] {
            assert_eq!(find(&docs, query, 10), Finds::default());
        }
    }

    #[test]
    fn places_come_in_document_then_text_order_and_more_counts_the_rest() {
        let docs = documents(&["b a b", "no match", "a b a b"]);
        let finds = find(&docs, "B", 3);
        let places: Vec<(usize, usize)> = finds
            .places
            .iter()
            .map(|place| (place.document, place.start))
            .collect();
        assert_eq!(places, [(0, 0), (0, 4), (2, 2)]);
        assert_eq!(finds.more, 1);
        let two = find(&docs, "b", 2);
        assert_eq!((two.places.len(), two.more), (2, 2));
        let all = find(&docs, "b", 4);
        assert_eq!((all.places.len(), all.more), (4, 0));
        let none = find(&docs, "b", 0);
        assert!(none.places.is_empty());
        assert_eq!(none.more, 4);
    }

    #[test]
    fn a_place_s_sentence_is_its_own_sentence() {
        let text = "First one. Mr. Smith said \u{201C}yes.\u{201D} Then more.\nA heading\nLast";
        let docs = documents(&[text]);
        let sentence = |query: &str| {
            let place = &find(&docs, query, 1).places[0];
            &text[place.sentence.clone()]
        };
        assert_eq!(sentence("smith"), "Mr. Smith said \u{201C}yes.\u{201D}");
        assert_eq!(sentence("first"), "First one.");
        assert_eq!(sentence("more"), "Then more.");
        assert_eq!(sentence("heading"), "A heading");
        assert_eq!(sentence("last"), "Last");
        // A match across sentences gets both.
        assert_eq!(
            sentence("one. mr"),
            "First one. Mr. Smith said \u{201C}yes.\u{201D}"
        );
    }

    #[test]
    fn a_long_sentence_is_clipped_around_the_match_on_char_boundaries() {
        let words = "İé€𝄞 wörds ".repeat(100);
        let text = format!("Start. {words}needle {words}end. Next.");
        let docs = documents(&[&text]);
        let place = &find(&docs, "NEEDLE", 1).places[0];
        assert_eq!(place.matched, "needle");
        let sentence = &text[place.sentence.clone()];
        assert!(place.start - place.sentence.start <= CONTEXT);
        assert!(place.sentence.end - place.end <= CONTEXT);
        assert!(place.start - place.sentence.start > CONTEXT - 20);
        // Cut between words.
        assert!(sentence.starts_with("İé€𝄞") || sentence.starts_with("wörds"));
        assert!(sentence.ends_with("wörds") || sentence.ends_with("İé€𝄞"));
    }

    // --- figures ---

    fn values(texts: &[&str]) -> Vec<String> {
        let docs = documents(texts);
        let figures = figures(&docs);
        for figure in &figures {
            for occurrence in &figure.occurrences {
                let text = texts[occurrence.document];
                let number = &text[occurrence.start..occurrence.end];
                assert!(
                    number.starts_with(|c: char| c.is_ascii_digit()),
                    "{number:?}"
                );
                let sentence = &occurrence.sentence;
                assert!(sentence.start <= occurrence.start && occurrence.end <= sentence.end);
                assert!(text.get(sentence.clone()).is_some());
            }
        }
        figures.into_iter().map(|figure| figure.value).collect()
    }

    fn written(text: &str) -> Vec<&str> {
        let mut numbers = Vec::new();
        for_each_number(text, |range, _| numbers.push(&text[range]));
        numbers
    }

    #[test]
    fn thousands_separators_are_removed() {
        let text = "1,300 and 1.300 and 1 300 and 1\u{2009}300 and 1\u{A0}300 and 1\u{202F}300.";
        let docs = documents(&[text]);
        let figures = figures(&docs);
        assert_eq!(figures.len(), 1);
        assert_eq!(figures[0].value, "1300");
        assert_eq!(figures[0].occurrences.len(), 6);
        assert_eq!(
            written(text),
            [
                "1,300",
                "1.300",
                "1 300",
                "1\u{2009}300",
                "1\u{A0}300",
                "1\u{202F}300"
            ]
        );
        assert_eq!(
            values(&["10,000,000 people; 1.300.000 euros"]),
            ["1300000", "10000000"]
        );
    }

    #[test]
    fn a_separator_needs_exactly_three_digits_and_a_short_first_group() {
        // Four digits after it, or a first group of four: not separators.
        assert_eq!(written("1,3000 and 1992,300"), ["1", "3000", "1992", "300"]);
        assert_eq!(written("in 1992 300 died"), ["1992", "300"]);
        // A comma is never a decimal mark; a list stays a list.
        assert_eq!(written("2,5 and 1, 2, 3"), ["2", "5", "1", "2", "3"]);
        // A leading zero: a decimal.
        assert_eq!(values(&["0.125"]), ["0.125"]);
    }

    #[test]
    fn decimals_are_kept() {
        assert_eq!(
            values(&["2.5 million and 1,300.5 and 3.14159"]),
            ["2.5", "3.14159", "1300.5"]
        );
        // Three digits after a dot are thousands: the documented ambiguity.
        assert_eq!(values(&["2.500"]), ["2500"]);
        // A full stop is not a decimal point.
        assert_eq!(written("in 1992. Then 5."), ["1992", "5"]);
    }

    #[test]
    fn dates_and_other_dotted_runs_are_separate_numbers() {
        assert_eq!(
            written("26.02.1992 and 192.168.1.1"),
            ["26", "02", "1992", "192", "168", "1", "1"]
        );
        assert_eq!(
            written("On 26 February 1992, at 23:00"),
            ["26", "1992", "23", "00"]
        );
        assert_eq!(
            written("the 366th regiment, CO2, (212) 371-2559, -5"),
            ["366", "2", "212", "371", "2559", "5"]
        );
    }

    #[test]
    fn reference_markers_are_left_out() {
        let text = "Deaths 200+ (per HRW)[1][2] and 613 [12], [3][6][7] but [12 people] and 12. \
            Orphaned.[\\[1\\]](#) [12\\x";
        assert_eq!(written(text), ["200", "613", "12", "12", "12"]);
        assert_eq!(values(&[text]), ["12", "200", "613"]);
    }

    #[test]
    fn percentages_are_figures_of_their_own() {
        assert_eq!(
            written("45% and 45 % and 45 and 2.5%"),
            ["45%", "45 %", "45", "2.5%"]
        );
        assert_eq!(
            values(&["45% and 45 % and 45 and 2.5%"]),
            ["2.5%", "45", "45%"]
        );
    }

    #[test]
    fn figures_are_sorted_by_numeric_value() {
        let text = "1992, 02, 2, 100, 10, 9.75, 0.5, 1,000, 1000.5, 99, 0, 007, 2.50, 2.5";
        assert_eq!(
            values(&[text]),
            [
                "0", "0.5", "02", "2", "2.5", "2.50", "007", "9.75", "10", "99", "100", "1000",
                "1000.5", "1992"
            ]
        );
    }

    #[test]
    fn a_figure_knows_its_documents_and_occurrences() {
        let texts = [
            "It killed 613 people.",
            "No figure here.",
            "Some say 613. Others 485.",
        ];
        let docs = documents(&texts);
        let figures = figures(&docs);
        let figure = figures.iter().find(|figure| figure.value == "613").unwrap();
        assert_eq!(figure.documents(), BTreeSet::from([0, 2]));
        let places: Vec<(usize, &str, &str)> = figure
            .occurrences
            .iter()
            .map(|occurrence| {
                let text = texts[occurrence.document];
                (
                    occurrence.document,
                    &text[occurrence.start..occurrence.end],
                    &text[occurrence.sentence.clone()],
                )
            })
            .collect();
        assert_eq!(
            places,
            [
                (0, "613", "It killed 613 people."),
                (2, "613", "Some say 613.")
            ]
        );
    }

    // --- sentences ---

    fn split(text: &str) -> Vec<&str> {
        sentences(text)
            .into_iter()
            .map(|range| &text[range])
            .collect()
    }

    #[test]
    fn sentences_end_at_punctuation_before_a_capital_a_digit_or_a_quote() {
        assert_eq!(
            split("One ends. Two ends! Three? 1992 was. \u{201C}Four,\u{201D} he said. 'Five.'"),
            [
                "One ends.",
                "Two ends!",
                "Three?",
                "1992 was.",
                "\u{201C}Four,\u{201D} he said.",
                "'Five.'"
            ]
        );
        // Not before a lowercase letter, and not without whitespace.
        assert_eq!(
            split("about 3. million and e.g.The end"),
            ["about 3. million and e.g.The end"]
        );
        // Closing quotes and brackets stay with their sentence.
        assert_eq!(
            split("He said \"No.\" Then (it ended.) After?! Yes."),
            ["He said \"No.\"", "Then (it ended.)", "After?!", "Yes."]
        );
    }

    #[test]
    fn long_runs_of_punctuation_stay_linear() {
        let dots = format!("Dots{} and more. End", ".".repeat(200_000));
        assert_eq!(split(&dots), [&dots[..dots.len() - 4], "End"]);
        let closers = format!("Yes.{} No", ")".repeat(100));
        assert_eq!(split(&closers), [closers.as_str()]);
    }

    #[test]
    fn reference_markers_stay_with_their_sentence() {
        assert_eq!(
            split(
                "In the conflict.[9] Khojaly was a town.[3][6] Due to it.[\\[1\\]](#) The end.[citation needed] Not split."
            ),
            [
                "In the conflict.[9]",
                "Khojaly was a town.[3][6]",
                "Due to it.[\\[1\\]](#)",
                "The end.[citation needed] Not split."
            ]
        );
    }

    #[test]
    fn prose_is_told_from_headings_and_references() {
        for prose in [
            "The town fell.",
            "\u{201C}It fell,\u{201D} he said (at dawn).",
            "1992 was the year.[3][6]",
            "Due to it.[\\[1\\]](#)",
            "Why?!",
        ] {
            assert!(reads_as_prose(prose), "{prose}");
        }
        for other in [
            "23rd ANNIVERSARY OF THE KHOJALY MASSACRE",
            "1. ^ a b \"Human Rights Watch World Report 1993\".",
            "[4] Özarslan, Bahadır Bumin (2014): Hocalı Katliamı.",
            "- a list item.",
            "the rest of a sentence.",
            "12. The twelfth point.",
        ] {
            assert!(!reads_as_prose(other), "{other}");
        }
    }

    #[test]
    fn sentences_end_at_line_breaks_and_blank_lines() {
        assert_eq!(
            split(
                "  A HEADING\nA paragraph without a full stop\n\n\nAnother one. Two.\r\n- a list item\n"
            ),
            [
                "A HEADING",
                "A paragraph without a full stop",
                "Another one.",
                "Two.",
                "- a list item"
            ]
        );
        assert!(split(" \n\n ").is_empty());
    }

    #[test]
    fn sentences_do_not_end_after_abbreviations() {
        assert_eq!(
            split(
                "Mr. Smith and Dr. Jones met Prof. Brown. The U.S. Army came, e.g. Troops. J. R. Smith wrote. Commentary No. 2015/26 is here. St. Louis."
            ),
            [
                "Mr. Smith and Dr. Jones met Prof. Brown.",
                "The U.S. Army came, e.g. Troops.",
                "J. R. Smith wrote.",
                "Commentary No. 2015/26 is here.",
                "St. Louis."
            ]
        );
        // A word that only looks like one still ends its sentence.
        assert_eq!(
            split("He said no. Then left. In 2.5. Then"),
            ["He said no.", "Then left.", "In 2.5.", "Then"]
        );
    }

    #[test]
    fn the_sentence_around_a_place_is_the_clipped_sentence_of_the_split() {
        let long = "word ".repeat(80);
        let text = format!(
            "Mr. A. Smith said \u{201C}no.\u{201D} Then {long}it ended!\n\nU.S. forces, e.g. these, came. {long} 12 {long}\u{2003}\n 1992: İstanbul. \"Quoted.\" (Aside.) Last"
        );
        let sentences = sentences(&text);
        let mut checked = 0;
        for (start, _) in text.char_indices() {
            if text[start..].starts_with(char::is_whitespace) {
                continue;
            }
            let end = start + text[start..].chars().next().unwrap().len_utf8();
            let sentence = sentences
                .iter()
                .find(|sentence| sentence.contains(&start))
                .unwrap();
            assert_eq!(
                sentence_around(&text, start..end),
                clip(&text, sentence.clone(), start..end),
                "at {start}"
            );
            checked += 1;
        }
        assert!(checked > 1000);
    }

    #[test]
    fn the_same_holds_on_pseudo_random_texts() {
        const PIECES: [&str; 24] = [
            "word",
            "Word",
            "Mr.",
            "U.S.",
            "no.",
            "No.",
            "\u{201C}Quoted.\u{201D}",
            "\n",
            "\n\n",
            "  ",
            "\u{2003}",
            "İstanbul.",
            "1,300",
            "[12]",
            "?!",
            "(aside.)",
            "e.g.",
            "A.",
            "end.",
            "\"Yes!\"",
            "2.5.",
            "26.02.1992",
            "’",
            "45 %",
        ];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20 {
            let mut text = String::new();
            while text.len() < 3000 {
                state = mix(state.wrapping_add(0x9E37_79B9_7F4A_7C15));
                text.push_str(PIECES[(state % PIECES.len() as u64) as usize]);
                if state & 0x300 != 0 {
                    text.push(' ');
                }
            }
            let sentences = sentences(&text);
            for (start, character) in text.char_indices() {
                if character.is_whitespace() {
                    continue;
                }
                let found = start..start + character.len_utf8();
                let sentence = sentences.iter().find(|sentence| sentence.contains(&start));
                assert_eq!(
                    Some(sentence_around(&text, found.clone())),
                    sentence.map(|sentence| clip(&text, sentence.clone(), found)),
                    "at {start} in {text:?}"
                );
            }
            // Every number is within its text and starts with a digit.
            for_each_number(&text, |range, value| {
                assert!(text[range].starts_with(|c: char| c.is_ascii_digit()));
                assert!(value.starts_with(|c: char| c.is_ascii_digit()));
            });
        }
    }

    // --- suggestions ---

    const UNIQUE: &str = "The garrison left the burning town before dawn on the second day.";

    fn texts_of(suggestions: &[Suggestion]) -> Vec<(usize, &str)> {
        suggestions
            .iter()
            .map(|suggestion| (suggestion.document, suggestion.text.as_str()))
            .collect()
    }

    #[test]
    fn a_sentence_sharing_five_words_with_another_document_is_not_suggested() {
        let shared = "Refugees crossed the frozen river at night under fire from the hills.";
        let four = "Many officials said that the frozen river was the only way out.";
        let texts = [
            format!("{shared} {four} {UNIQUE}"),
            // Five words in a row of `shared`, in other case and punctuation; four of `four`.
            "Witnesses say: \u{201C}the FROZEN river, at night\u{201D} was crossed. Only the frozen river was mentioned there.".to_string(),
        ];
        let docs = documents(&[&texts[0], &texts[1]]);
        let suggestions = suggestions(&docs, 10);
        let first: Vec<&str> = suggestions
            .iter()
            .filter(|suggestion| suggestion.document == 0)
            .map(|suggestion| suggestion.text.as_str())
            .collect();
        assert!(!first.contains(&shared));
        assert!(first.contains(&four));
        assert!(first.contains(&UNIQUE));
        for suggestion in &suggestions {
            let text = docs[suggestion.document].text;
            assert_eq!(text[suggestion.start..suggestion.end], suggestion.text);
        }
    }

    #[test]
    fn a_sentence_has_8_to_60_words() {
        let sentence = |words: usize| {
            let mut text: Vec<String> = (0..words).map(|n| format!("w{n}")).collect();
            text[0] = format!("W{words}x");
            format!("{}.", text.join(" "))
        };
        let text = [7, 8, 60, 61].map(sentence).join(" ");
        let docs = documents(&[&text]);
        let counts: Vec<usize> = suggestions(&docs, 10)
            .iter()
            .map(|suggestion| suggestion.text.split_whitespace().count())
            .collect();
        assert_eq!(counts, [8, 60]);
        // Punctuation alone is not a word.
        let dashes = "One two three \u{2014} four - five six seven.";
        assert!(suggestions(&documents(&[dashes]), 10).is_empty());
    }

    #[test]
    fn a_sentence_naming_its_document_has_a_warning() {
        let text = "The Center for Eurasian Studies wrote this commentary in March of that year. \
            Analysts at AVİM in Ankara published the following short commentary today. \
            The 23rd Anniversary of the Khojaly Massacre is marked in many cities today. \
            The anniversary of the Khojaly massacre, wrote AVIM, was marked in many cities. \
            The garrison left the burning town before dawn on the second day.";
        let doc = Document {
            id: "avim",
            title: "23rd anniversary of the Khojaly massacre",
            short_title: "AVİM commentary",
            publisher: "Center for Eurasian Studies (AVİM), Ankara",
            text,
        };
        let suggestions = suggestions(&[doc], 10);
        let warnings: Vec<(&str, Option<&str>)> = suggestions
            .iter()
            .map(|suggestion| (&suggestion.text[..12], suggestion.warning.as_deref()))
            .collect();
        assert_eq!(
            warnings,
            [
                ("The garrison", None),
                // A figure (23) ranks it first among those with a warning.
                (
                    "The 23rd Ann",
                    Some(
                        "This sentence names its own document's title, which gives the answer away."
                    )
                ),
                (
                    "The Center f",
                    Some(
                        "This sentence names its own document's publisher, which gives the answer away."
                    )
                ),
                (
                    "The annivers",
                    Some(
                        "This sentence names its own document's publisher, which gives the answer away."
                    )
                ),
                (
                    "Analysts at ",
                    Some(
                        "This sentence names its own document's publisher, which gives the answer away."
                    )
                ),
            ]
        );
        let both = Document {
            title: "the garrison left",
            publisher: "BURNING TOWN",
            ..doc
        };
        let last = super::suggestions(&[both], 10).pop().unwrap();
        assert_eq!(
            last.warning.as_deref(),
            Some(
                "This sentence names its own document's title and publisher, which gives the answer away."
            )
        );
    }

    #[test]
    fn placeholders_and_short_names_give_no_warning() {
        for publisher in [
            "Not named in the text",
            "Not named in the text; written by the state",
            "BBC",
            "Unknown",
        ] {
            let doc = Document {
                publisher,
                title: "The",
                short_title: "",
                ..document(
                    "Not named in the text, the BBC said the town was unknown to the garrison.",
                )
            };
            let suggestions = suggestions(&[doc], 10);
            assert_eq!(suggestions.len(), 1, "{publisher}");
            assert_eq!(suggestions[0].warning, None, "{publisher}");
        }
    }

    #[test]
    fn suggestions_rank_figures_and_quotes_first_at_most_the_limit_per_document() {
        let plain = "The garrison left the burning town before dawn on the second day.";
        let figure = "Around 613 civilians were killed in the town that night, officials say.";
        let quote = "One witness said the town was \u{201C}burning like a torch\u{201D} at dawn.";
        let both = "The mission said \"613 civilians\" had been killed when the town fell.";
        let texts = [
            format!("{plain} {figure} {quote} {both}"),
            "Another document speaks of something else entirely, in words of its own.".to_string(),
        ];
        let docs = documents(&[&texts[0], &texts[1]]);
        assert_eq!(
            texts_of(&suggestions(&docs, 3)),
            [(0, both), (0, figure), (0, quote), (1, texts[1].as_str())]
        );
        assert_eq!(
            texts_of(&suggestions(&docs, 1)),
            [(0, both), (1, texts[1].as_str())]
        );
        assert!(suggestions(&docs, 0).is_empty());
    }
}
