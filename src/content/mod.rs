//! Content packs: the domain types that the rest of the program works with.
//!
//! Files are read and checked by [`load`]; once a [`Library`] exists, every id it holds
//! refers to something that exists and every quote has been found in its document.
//! Invariant: nothing outside this module can build a `Pack` that was not checked.

pub mod aids;
pub mod archive;
pub mod diff;
pub mod draft;
pub mod glossary;
pub mod load;
pub mod prose;
pub mod shelf;
pub mod text;

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

/// All the packs the server offers, by id.
#[derive(Debug)]
pub struct Library {
    packs: BTreeMap<String, Pack>,
}

impl Library {
    pub fn packs(&self) -> impl Iterator<Item = &Pack> {
        self.packs.values()
    }

    pub fn pack(&self, id: &str) -> Option<&Pack> {
        self.packs.get(id)
    }
}

pub use diff::{Change, DiffPiece};
pub use glossary::{Glossary, Term};

/// One of the four skills a learner practises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Skill {
    Source,
    Perspective,
    Contested,
    Quote,
}

impl Skill {
    pub const ALL: [Skill; 4] = [
        Skill::Source,
        Skill::Perspective,
        Skill::Contested,
        Skill::Quote,
    ];
    /// How many skills there are.
    pub const COUNT: usize = Skill::ALL.len();

    /// The name used in files, forms and URLs.
    pub fn slug(self) -> &'static str {
        match self {
            Skill::Source => "source",
            Skill::Perspective => "perspective",
            Skill::Contested => "contested",
            Skill::Quote => "quote",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Skill> {
        Skill::ALL.into_iter().find(|skill| skill.slug() == slug)
    }

    /// The name shown to learners.
    pub fn title(self) -> &'static str {
        match self {
            Skill::Source => "Which source?",
            Skill::Perspective => "Whose perspective?",
            Skill::Contested => "Agreed or contested?",
            Skill::Quote => "Is the quote faithful?",
        }
    }

    /// One sentence saying what the skill is, for the pack page.
    pub fn summary(self) -> &'static str {
        match self {
            Skill::Source => {
                "Read a passage and work out which of the documents it comes from, using cues such as the words chosen, how numbers are attributed and the citation style."
            }
            Skill::Perspective => {
                "Read a passage and say whose point of view it presents. A document can quote someone else: the answer is the voice of the passage."
            }
            Skill::Contested => {
                "Read a claim and decide whether the documents agree on it, disagree, or whether only one document makes it. Then compare the evidence side by side."
            }
            Skill::Quote => {
                "Read the words one document puts in someone's mouth, compare them with what the other documents give, and decide whether the quote is faithful, changed, or cannot be checked here."
            }
        }
    }

    /// The habit the skill trains, in one line: what the feedback leaves the learner
    /// with, before the full explanation.
    pub fn habit(self) -> &'static str {
        match self {
            Skill::Source => {
                "Before you trust a passage, find out where it comes from: its words, its numbers and how it cites give it away."
            }
            Skill::Perspective => {
                "Ask whose voice a passage carries, not only which document prints it."
            }
            Skill::Contested => {
                "Before you repeat a claim, check whether the other sources back it, dispute it, or say nothing."
            }
            Skill::Quote => {
                "Find the original before you repeat a quote, and compare every version you can find."
            }
        }
    }

    pub fn default_question(self) -> &'static str {
        match self {
            Skill::Source => "Which document is this passage from?",
            Skill::Perspective => "Whose perspective does this passage present?",
            Skill::Contested => "Do the sources agree on this claim?",
            Skill::Quote => "Is this quote faithful to the other versions in the documents?",
        }
    }
}

impl fmt::Display for Skill {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.slug())
    }
}

/// An enum of the fixed answers of one kind of exercise, each with its slug (as written
/// in pack files and stored) and the label a learner reads; `ALL` keeps their order.
macro_rules! answer_scale {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $slug:literal, $label:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($variant,)+
        }

        impl $name {
            const ALL: &'static [$name] = &[$($name::$variant,)+];

            fn slug(self) -> &'static str {
                match self {
                    $($name::$variant => $slug,)+
                }
            }

            fn from_slug(slug: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|answer| answer.slug() == slug)
            }

            fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }
        }
    };
}

answer_scale! {
    /// The three answers of a contested-claim exercise.
    Verdict {
        Agreed => "agreed", "Agreed: the sources that mention it agree",
        Contested => "contested",
            "Contested: the sources disagree, or one of them reports a disagreement",
        SingleSource => "single-source", "Asserted by one source only",
    }
}

/// Where an answer of an "Agreed or contested?" exercise stands on its scale (agreed,
/// contested, asserted by one source only), whose order is always kept on screen.
pub fn scale_rank(answer: &str) -> Option<usize> {
    Verdict::ALL
        .iter()
        .position(|verdict| verdict.slug() == answer)
}

answer_scale! {
    /// The three answers of a quote exercise.
    QuoteVerdict {
        Faithful => "faithful", "Faithful: the other versions give the same words",
        Changed => "changed",
            "Changed: words altered, added or dropped, and the meaning changes",
        Unverifiable => "unverifiable", "Cannot be checked from these documents",
    }
}

/// The fixed answers of an exercise of `skill`, as written in pack files and as
/// learners read them: a contested or quote exercise's verdicts; none for the skills
/// whose answers are the pack's documents or perspectives.
pub fn fixed_answers(skill: Skill) -> Vec<(&'static str, &'static str)> {
    match skill {
        Skill::Contested => Verdict::ALL
            .iter()
            .map(|verdict| (verdict.slug(), verdict.label()))
            .collect(),
        Skill::Quote => QuoteVerdict::ALL
            .iter()
            .map(|verdict| (verdict.slug(), verdict.label()))
            .collect(),
        Skill::Source | Skill::Perspective => Vec::new(),
    }
}

/// A lesson pack: documents, perspectives and exercises about one subject.
#[derive(Debug)]
pub struct Pack {
    id: String,
    title: String,
    description: String,
    goals: Vec<String>,
    content_note: String,
    perspectives: Vec<Perspective>,
    sources: Vec<Source>,
    exercises: Vec<Exercise>,
    /// Whose voices the documents leave out, and where a learner would find them.
    missing_voices: Option<String>,
    glossary: Glossary,
}

impl Pack {
    /// The name it is served under: its id, or a teacher's pack's key.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The same checked pack, served under `key` (a teacher's pack, see
    /// [`crate::teacher_packs::TeacherPack::key`]).
    pub fn served_as(mut self, key: String) -> Pack {
        self.id = key;
        self
    }

    pub fn title(&self) -> &str {
        &self.title
    }
    pub fn description(&self) -> &str {
        &self.description
    }
    pub fn goals(&self) -> &[String] {
        &self.goals
    }
    pub fn content_note(&self) -> &str {
        &self.content_note
    }
    pub fn perspectives(&self) -> &[Perspective] {
        &self.perspectives
    }
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }
    pub fn exercises(&self) -> &[Exercise] {
        &self.exercises
    }
    pub fn missing_voices(&self) -> Option<&str> {
        self.missing_voices.as_deref()
    }
    pub fn glossary(&self) -> &Glossary {
        &self.glossary
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|source| source.id == id)
    }

    pub fn exercise(&self, id: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|exercise| exercise.id == id)
    }

    pub fn exercises_of(&self, skill: Skill) -> impl Iterator<Item = &Exercise> {
        self.exercises
            .iter()
            .filter(move |exercise| exercise.skill == skill)
    }

    /// The one-line summary printed by `sourcewise check`.
    pub fn summary_line(&self) -> String {
        let counts: Vec<String> = Skill::ALL
            .iter()
            .map(|&skill| format!("{} {}", skill, self.exercises_of(skill).count()))
            .collect();
        format!(
            "{}: {} sources, {} exercises ({})",
            self.id,
            self.sources.len(),
            self.exercises.len(),
            counts.join(", ")
        )
    }
}

/// A point of view that a passage can present.
#[derive(Debug)]
pub struct Perspective {
    id: String,
    label: String,
    description: String,
}

impl Perspective {
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn label(&self) -> &str {
        &self.label
    }
    pub fn description(&self) -> &str {
        &self.description
    }
}

/// One document, with what is known about it and its full text.
#[derive(Debug)]
pub struct Source {
    id: String,
    title: String,
    short_title: String,
    author: String,
    publisher: String,
    kind: String,
    date: String,
    url: Option<String>,
    licence: String,
    /// The perspective id of the document's own voice, if the pack names one.
    perspective: Option<String>,
    text: String,
}

impl Source {
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn title(&self) -> &str {
        &self.title
    }
    pub fn short_title(&self) -> &str {
        &self.short_title
    }
    pub fn author(&self) -> &str {
        &self.author
    }
    pub fn publisher(&self) -> &str {
        &self.publisher
    }
    pub fn kind(&self) -> &str {
        &self.kind
    }
    pub fn date(&self) -> &str {
        &self.date
    }
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }
    pub fn licence(&self) -> &str {
        &self.licence
    }
    pub fn perspective(&self) -> Option<&str> {
        self.perspective.as_deref()
    }
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// A verbatim span of one document, found there when the pack loaded.
#[derive(Debug)]
pub struct Quote {
    source_id: String,
    /// The short title of the source, as answer options and evidence show it.
    source_title: String,
    text: String,
    note: Option<String>,
    /// Where the quote stands in the source's text, in bytes.
    span: Range<usize>,
}

impl Quote {
    pub fn source_id(&self) -> &str {
        &self.source_id
    }
    pub fn source_title(&self) -> &str {
        &self.source_title
    }
    pub fn text(&self) -> &str {
        &self.text
    }
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }
}

/// Another document's version of the words a quote exercise shows, with the
/// differences computed word by word when the pack loaded.
#[derive(Debug)]
pub struct Version {
    quote: Quote,
    /// What the differences do to the meaning, in the author's words.
    difference: Option<String>,
    diff: Vec<DiffPiece>,
}

impl Version {
    pub fn quote(&self) -> &Quote {
        &self.quote
    }
    pub fn difference(&self) -> Option<&str> {
        self.difference.as_deref()
    }
    /// The version's words, with the words only it has and the words only the shown
    /// quote has marked.
    pub fn diff(&self) -> &[DiffPiece] {
        &self.diff
    }
    /// Whether any word differs from the quote the exercise shows.
    pub fn differs(&self) -> bool {
        self.diff.iter().any(|piece| piece.change != Change::Same)
    }
}

/// An original that the documents cite, where a learner can check for themselves.
#[derive(Debug)]
pub struct Original {
    title: String,
    look_for: String,
    /// Only an address that one of the pack's documents gives.
    url: Option<String>,
}

impl Original {
    pub fn title(&self) -> &str {
        &self.title
    }
    pub fn look_for(&self) -> &str {
        &self.look_for
    }
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }
}

/// One answer a learner can choose.
#[derive(Debug)]
pub struct Choice {
    /// The value sent by the form: a source id, a perspective id or a verdict.
    answer: String,
    /// What the learner reads.
    label: String,
    why: String,
}

impl Choice {
    pub fn answer(&self) -> &str {
        &self.answer
    }
    pub fn label(&self) -> &str {
        &self.label
    }
    pub fn why(&self) -> &str {
        &self.why
    }
}

/// One exercise. Invariant: exactly one choice is correct, and every quote was found.
#[derive(Debug)]
pub struct Exercise {
    id: String,
    skill: Skill,
    question: String,
    passage: Option<Quote>,
    claim: Option<String>,
    /// Quote exercises: to whom the document attributes the words.
    speaker: Option<String>,
    choices: Vec<Choice>,
    correct: usize,
    explanation: String,
    evidence: Vec<Quote>,
    versions: Vec<Version>,
    originals: Vec<Original>,
    /// [`Exercise::fingerprint`], computed once when the pack is checked: an answer
    /// keeps it, and hashing every answer's exercise anew cost 7 % of the answers a
    /// second.
    fingerprint: u64,
}

impl Exercise {
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn skill(&self) -> Skill {
        self.skill
    }
    pub fn question(&self) -> &str {
        &self.question
    }
    pub fn passage(&self) -> Option<&Quote> {
        self.passage.as_ref()
    }
    pub fn claim(&self) -> Option<&str> {
        self.claim.as_deref()
    }
    pub fn choices(&self) -> &[Choice] {
        &self.choices
    }
    pub fn correct_choice(&self) -> &Choice {
        &self.choices[self.correct]
    }
    pub fn explanation(&self) -> &str {
        &self.explanation
    }
    pub fn evidence(&self) -> &[Quote] {
        &self.evidence
    }
    /// Whether this is an exercise of the quote skill ("Is the quote faithful?").
    pub fn is_quote(&self) -> bool {
        self.skill == Skill::Quote
    }
    pub fn speaker(&self) -> Option<&str> {
        self.speaker.as_deref()
    }
    /// Quote exercises: the other documents' versions of the words shown.
    pub fn versions(&self) -> &[Version] {
        &self.versions
    }
    /// Originals the documents cite, to check the exercise against.
    pub fn originals(&self) -> &[Original] {
        &self.originals
    }

    /// What a quote exercise gives to compare the shown quote with, before the answer:
    /// its versions and its evidence together, in the pack's order of documents and
    /// then as they stand in each document, so the order does not tell which is which.
    pub fn comparisons(&self) -> Vec<&Quote> {
        let mut quotes: Vec<&Quote> = self
            .versions
            .iter()
            .map(Version::quote)
            .chain(self.evidence.iter())
            .collect();
        quotes.sort_by(|left, right| {
            (left.source_id.as_str(), left.span.start)
                .cmp(&(right.source_id.as_str(), right.span.start))
        });
        quotes
    }

    pub fn choice(&self, answer: &str) -> Option<&Choice> {
        self.choices.iter().find(|choice| choice.answer == answer)
    }

    /// Every quote of the exercise, numbered as the reader page addresses them:
    /// the passage first (if any), then the evidence in order, then the versions.
    pub fn quotes(&self) -> impl Iterator<Item = &Quote> {
        self.passage
            .iter()
            .chain(self.evidence.iter())
            .chain(self.versions.iter().map(Version::quote))
    }

    /// Every text a page may show of the exercise: its prompt, its feedback, the notes
    /// and texts of its quotes, its versions' differences and its originals.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        let quotes = self
            .quotes()
            .flat_map(|quote| std::iter::once(quote.text()).chain(quote.note()));
        self.claim
            .as_deref()
            .into_iter()
            .chain(self.speaker.as_deref())
            .chain(std::iter::once(self.explanation.as_str()))
            .chain(self.choices.iter().map(Choice::why))
            .chain(quotes)
            .chain(self.versions.iter().filter_map(Version::difference))
            .chain(self.originals.iter().map(Original::look_for))
    }

    /// What a learner is shown of the exercise and told about it, hashed: two exercises
    /// with the same fingerprint ask the same question with the same answers and
    /// feedback. An answer keeps it, to tell which version of an exercise it was given to.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The hash [`Exercise::fingerprint`] gives, computed.
    fn hash_shown(&self) -> u64 {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        let mut part = |text: &str| {
            hasher.update((text.len() as u64).to_le_bytes());
            hasher.update(text.as_bytes());
        };
        part(self.skill.slug());
        part(&self.question);
        for text in self.texts() {
            part(text);
        }
        for quote in self.quotes() {
            part(quote.source_id());
        }
        for choice in &self.choices {
            part(&choice.answer);
            part(&choice.label);
        }
        part(self.correct_choice().answer());
        for original in &self.originals {
            part(&original.title);
            part(original.url.as_deref().unwrap_or_default());
        }
        let digest = hasher.finalize();
        let mut first = [0; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_le_bytes(first)
    }

    /// The number by which the reader page addresses `quote`, one of this exercise's.
    pub fn quote_index(&self, quote: &Quote) -> Option<usize> {
        self.quotes()
            .position(|candidate| std::ptr::eq(candidate, quote))
    }
}
