//! Reading content packs from disk and checking them.
//!
//! The structs named `Raw…` mirror the file formats and nothing else; the checks turn
//! them into the domain types of [`crate::content`]. Every problem found is reported
//! with its file and line, and all of them are reported at once.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::text::NormalisedText;
use super::{Choice, Exercise, Library, Pack, Perspective, Quote, Skill, Source, Verdict};

/// One problem in a content file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentError {
    path: PathBuf,
    line: Option<usize>,
    message: String,
}

impl ContentError {
    fn new(path: &Path, line: Option<usize>, message: impl Into<String>) -> Self {
        ContentError {
            path: path.to_path_buf(),
            line,
            message: message.into(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn line(&self) -> Option<usize> {
        self.line
    }
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(
                formatter,
                "{}:{}: {}",
                self.path.display(),
                line,
                self.message
            ),
            None => write!(formatter, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// Every problem found while loading, in file order.
#[derive(Debug)]
pub struct ContentErrors(Vec<ContentError>);

impl ContentErrors {
    pub fn errors(&self) -> &[ContentError] {
        &self.0
    }
}

impl fmt::Display for ContentErrors {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for error in &self.0 {
            writeln!(formatter, "{error}")?;
        }
        write!(
            formatter,
            "{} problem{} found in the content packs",
            self.0.len(),
            if self.0.len() == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for ContentErrors {}

/// Loads every pack under `directory` (each folder holding a `pack.toml`).
pub fn load_library(directory: &Path) -> Result<Library, ContentErrors> {
    let entries = match fs::read_dir(directory) {
        Ok(entries) => entries,
        Err(error) => {
            return Err(ContentErrors(vec![ContentError::new(
                directory,
                None,
                format!("cannot read the content folder: {error}"),
            )]));
        }
    };
    let mut folders: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.join("pack.toml").is_file())
        .collect();
    folders.sort();
    if folders.is_empty() {
        return Err(ContentErrors(vec![ContentError::new(
            directory,
            None,
            "no content packs here: a pack is a folder with a pack.toml (see questions/README.md)",
        )]));
    }
    let mut errors = Vec::new();
    let mut packs = std::collections::BTreeMap::new();
    for folder in folders {
        match load_pack(&folder) {
            Ok(pack) => {
                packs.insert(pack.id.clone(), pack);
            }
            Err(pack_errors) => errors.extend(pack_errors),
        }
    }
    if errors.is_empty() {
        Ok(Library { packs })
    } else {
        Err(ContentErrors(errors))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    id: Spanned<String>,
    title: Spanned<String>,
    description: String,
    #[serde(default)]
    goals: Vec<String>,
    content_note: Spanned<String>,
    #[serde(default, rename = "perspective")]
    perspectives: Vec<Spanned<RawPerspective>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerspective {
    id: Spanned<String>,
    label: Spanned<String>,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSourceHeader {
    title: String,
    short_title: Spanned<String>,
    author: String,
    publisher: String,
    kind: String,
    date: String,
    url: Option<String>,
    licence: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExerciseFile {
    #[serde(default, rename = "exercise")]
    exercises: Vec<Spanned<RawExercise>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExercise {
    id: Spanned<String>,
    kind: Spanned<String>,
    question: Option<Spanned<String>>,
    explanation: Spanned<String>,
    passage: Option<Spanned<RawQuote>>,
    claim: Option<Spanned<String>>,
    #[serde(default, rename = "option")]
    options: Vec<Spanned<RawOption>>,
    #[serde(default)]
    evidence: Vec<Spanned<RawQuote>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuote {
    source: Spanned<String>,
    text: Spanned<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    answer: Spanned<String>,
    #[serde(default)]
    correct: bool,
    why: Spanned<String>,
}

/// A file's text with a way to turn byte offsets into line numbers.
struct FileText<'a> {
    path: &'a Path,
    text: &'a str,
    /// Lines that stand before `text` in the file (for a source's header).
    first_line: usize,
}

impl FileText<'_> {
    fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.first_line
            + self.text.as_bytes()[..offset]
                .iter()
                .filter(|&&byte| byte == b'\n')
                .count()
    }

    fn error<T>(&self, spanned: &Spanned<T>, message: impl Into<String>) -> ContentError {
        ContentError::new(self.path, Some(self.line_of(spanned.span().start)), message)
    }

    fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, ContentError> {
        toml::from_str(self.text).map_err(|error| {
            let line = error
                .span()
                .map(|span| self.line_of(span.start))
                .unwrap_or(self.first_line);
            ContentError::new(self.path, Some(line), error.message().trim().to_string())
        })
    }
}

fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

const ID_RULE: &str = "use lower-case letters, digits and '-' (at most 64 characters)";

fn read(path: &Path, errors: &mut Vec<ContentError>) -> Option<String> {
    match fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(error) => {
            errors.push(ContentError::new(
                path,
                None,
                format!("cannot read this file: {error}"),
            ));
            None
        }
    }
}

/// Loads and checks one pack folder.
pub fn load_pack(folder: &Path) -> Result<Pack, Vec<ContentError>> {
    let mut errors = Vec::new();
    let pack_path = folder.join("pack.toml");
    let Some(pack_text) = read(&pack_path, &mut errors) else {
        return Err(errors);
    };
    let pack_file = FileText {
        path: &pack_path,
        text: &pack_text,
        first_line: 1,
    };
    let raw_pack: RawPack = match pack_file.parse() {
        Ok(raw) => raw,
        Err(error) => return Err(vec![error]),
    };

    let folder_name = folder
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    if raw_pack.id.get_ref() != &folder_name {
        errors.push(pack_file.error(
            &raw_pack.id,
            format!(
                "the pack id {:?} must be the name of its folder, {:?}",
                raw_pack.id.get_ref(),
                folder_name
            ),
        ));
    } else if !is_valid_id(raw_pack.id.get_ref()) {
        errors.push(pack_file.error(&raw_pack.id, format!("the pack id is not valid: {ID_RULE}")));
    }
    if raw_pack.title.get_ref().trim().is_empty() {
        errors.push(pack_file.error(&raw_pack.title, "the pack needs a title"));
    }
    if raw_pack.content_note.get_ref().trim().is_empty() {
        errors.push(pack_file.error(
            &raw_pack.content_note,
            "the content note is empty: say what the documents contain before learners start",
        ));
    }

    let mut perspectives: Vec<Perspective> = Vec::new();
    let mut perspective_lines: HashMap<String, usize> = HashMap::new();
    for raw in raw_pack.perspectives {
        let raw = raw.into_inner();
        let line = pack_file.line_of(raw.id.span().start);
        let id = raw.id.get_ref().clone();
        if !is_valid_id(&id) {
            errors.push(pack_file.error(
                &raw.id,
                format!("the perspective id {id:?} is not valid: {ID_RULE}"),
            ));
        } else if let Some(first) = perspective_lines.get(&id) {
            errors.push(pack_file.error(
                &raw.id,
                format!("duplicate perspective id {id:?} (first used at line {first})"),
            ));
            continue;
        }
        if raw.label.get_ref().trim().is_empty() {
            errors
                .push(pack_file.error(&raw.label, format!("the perspective {id:?} needs a label")));
        }
        perspective_lines.insert(id.clone(), line);
        perspectives.push(Perspective {
            id,
            label: raw.label.into_inner(),
            description: raw.description,
        });
    }

    let sources = load_sources(&folder.join("sources"), &mut errors);
    let normalised: HashMap<&str, NormalisedText> = sources
        .iter()
        .map(|source| (source.id.as_str(), NormalisedText::new(&source.text)))
        .collect();
    let context = PackContext {
        sources: &sources,
        normalised: &normalised,
        perspectives: &perspectives,
    };

    let mut exercises = Vec::new();
    let mut exercise_places: HashMap<String, String> = HashMap::new();
    let exercise_folder = folder.join("exercises");
    for path in files_with_extension(&exercise_folder, "toml", &mut errors) {
        let Some(text) = read(&path, &mut errors) else {
            continue;
        };
        let file = FileText {
            path: &path,
            text: &text,
            first_line: 1,
        };
        let raw_file: RawExerciseFile = match file.parse() {
            Ok(raw) => raw,
            Err(error) => {
                errors.push(error);
                continue;
            }
        };
        if raw_file.exercises.is_empty() {
            errors.push(ContentError::new(
                &path,
                None,
                "this file has no [[exercise]] tables",
            ));
        }
        for raw in raw_file.exercises {
            let id = raw.get_ref().id.get_ref().clone();
            let place = format!(
                "{}:{}",
                path.display(),
                file.line_of(raw.get_ref().id.span().start)
            );
            if let Some(first) = exercise_places.get(&id) {
                errors.push(file.error(
                    &raw.get_ref().id,
                    format!("duplicate exercise id {id:?} (first used at {first})"),
                ));
                continue;
            }
            exercise_places.insert(id, place);
            if let Some(exercise) = check_exercise(&file, raw.into_inner(), &context, &mut errors) {
                exercises.push(exercise);
            }
        }
    }
    if exercises.is_empty() && errors.is_empty() {
        errors.push(ContentError::new(
            &exercise_folder,
            None,
            "the pack has no exercises: add a .toml file of [[exercise]] tables here",
        ));
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Pack {
        id: raw_pack.id.into_inner(),
        title: raw_pack.title.into_inner(),
        description: raw_pack.description.trim().to_string(),
        goals: raw_pack.goals,
        content_note: raw_pack.content_note.into_inner().trim().to_string(),
        perspectives,
        sources,
        exercises,
    })
}

/// The files in `folder` that end in `.extension`, sorted by name.
fn files_with_extension(
    folder: &Path,
    extension: &str,
    errors: &mut Vec<ContentError>,
) -> Vec<PathBuf> {
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) => {
            errors.push(ContentError::new(
                folder,
                None,
                format!("cannot read this folder: {error}"),
            ));
            return Vec::new();
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|found| found == extension))
        .collect();
    paths.sort();
    paths
}

const HEADER_FENCE: &str = "+++";

fn load_sources(folder: &Path, errors: &mut Vec<ContentError>) -> Vec<Source> {
    let mut sources = Vec::new();
    for path in files_with_extension(folder, "txt", errors) {
        let Some(contents) = read(&path, errors) else {
            continue;
        };
        let id = path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !is_valid_id(&id) {
            errors.push(ContentError::new(
                &path,
                None,
                format!("the file name gives the source id {id:?}, which is not valid: {ID_RULE}"),
            ));
            continue;
        }
        let Some((header, text)) = split_header(&contents) else {
            errors.push(ContentError::new(
                &path,
                Some(1),
                "a source file starts with a line '+++', its TOML header, and another line '+++'; the document's text follows",
            ));
            continue;
        };
        let header_file = FileText {
            path: &path,
            text: header,
            first_line: 2,
        };
        let raw: RawSourceHeader = match header_file.parse() {
            Ok(raw) => raw,
            Err(error) => {
                errors.push(error);
                continue;
            }
        };
        if raw.short_title.get_ref().trim().is_empty() {
            errors.push(header_file.error(
                &raw.short_title,
                "short_title is empty: it labels the answer options",
            ));
        }
        if text.trim().is_empty() {
            errors.push(ContentError::new(
                &path,
                None,
                "the document's text after the header is empty",
            ));
        }
        sources.push(Source {
            id,
            title: raw.title,
            short_title: raw.short_title.into_inner(),
            author: raw.author,
            publisher: raw.publisher,
            kind: raw.kind,
            date: raw.date,
            url: raw.url.filter(|url| !url.trim().is_empty()),
            licence: raw.licence,
            text: text.to_string(),
        });
    }
    if sources.is_empty() {
        errors.push(ContentError::new(
            folder,
            None,
            "the pack has no source documents: add one .txt file per document",
        ));
    }
    sources
}

/// Splits a source file into its TOML header and the document's text.
fn split_header(contents: &str) -> Option<(&str, &str)> {
    let rest = contents.strip_prefix(HEADER_FENCE)?;
    let rest = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end_matches(['\r', '\n']) == HEADER_FENCE {
            return Some((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

struct PackContext<'a> {
    sources: &'a [Source],
    normalised: &'a HashMap<&'a str, NormalisedText>,
    perspectives: &'a [Perspective],
}

impl PackContext<'_> {
    /// What an option's `answer` means for an exercise of `skill`, as the label shown.
    fn answer_label(&self, skill: Skill, answer: &str) -> Result<String, String> {
        match skill {
            Skill::Source => self
                .sources
                .iter()
                .find(|source| source.id == answer)
                .map(|source| source.short_title.clone())
                .ok_or_else(|| format!("unknown source {answer:?}: the answer of a source exercise is a source id ({})", self.source_ids())),
            Skill::Perspective => self
                .perspectives
                .iter()
                .find(|perspective| perspective.id == answer)
                .map(|perspective| perspective.label.clone())
                .ok_or_else(|| {
                    let ids: Vec<&str> = self.perspectives.iter().map(|perspective| perspective.id.as_str()).collect();
                    format!("unknown perspective {answer:?}: declare it in pack.toml or use one of {}", ids.join(", "))
                }),
            Skill::Contested => Verdict::from_slug(answer)
                .map(|verdict| verdict.label().to_string())
                .ok_or_else(|| format!("unknown verdict {answer:?}: use agreed, contested or single-source")),
        }
    }

    fn source_ids(&self) -> String {
        self.sources
            .iter()
            .map(|source| source.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn check_quote(
        &self,
        file: &FileText<'_>,
        raw: Spanned<RawQuote>,
        what: &str,
        errors: &mut Vec<ContentError>,
    ) -> Option<Quote> {
        let raw = raw.into_inner();
        let source_id = raw.source.get_ref();
        let Some(normalised) = self.normalised.get(source_id.as_str()) else {
            errors.push(file.error(
                &raw.source,
                format!(
                    "the {what} names an unknown source {source_id:?} (the pack has {})",
                    self.source_ids()
                ),
            ));
            return None;
        };
        let Some(span) = normalised.find(raw.text.get_ref()) else {
            let message = if raw.text.get_ref().trim().is_empty() {
                format!("the {what} text is empty")
            } else {
                format!(
                    "the {what} is not found verbatim in the source {source_id:?}: copy it exactly from sources/{source_id}.txt (only whitespace may differ); it begins {:?}",
                    raw.text
                        .get_ref()
                        .trim()
                        .chars()
                        .take(60)
                        .collect::<String>()
                )
            };
            errors.push(file.error(&raw.text, message));
            return None;
        };
        Some(Quote {
            source_id: source_id.clone(),
            text: raw.text.get_ref().trim().to_string(),
            note: raw.note.filter(|note| !note.trim().is_empty()),
            span,
        })
    }
}

fn check_exercise(
    file: &FileText<'_>,
    raw: RawExercise,
    context: &PackContext<'_>,
    errors: &mut Vec<ContentError>,
) -> Option<Exercise> {
    let errors_before = errors.len();
    let id = raw.id.get_ref().clone();
    if !is_valid_id(&id) {
        errors.push(file.error(
            &raw.id,
            format!("the exercise id {id:?} is not valid: {ID_RULE}"),
        ));
    }
    let Some(skill) = Skill::from_slug(raw.kind.get_ref()) else {
        errors.push(file.error(
            &raw.kind,
            format!(
                "exercise {id:?}: unknown kind {:?}: use source, perspective or contested",
                raw.kind.get_ref()
            ),
        ));
        return None;
    };
    if raw.explanation.get_ref().trim().is_empty() {
        errors.push(file.error(
            &raw.explanation,
            format!("exercise {id:?}: the explanation is empty"),
        ));
    }
    let question = match &raw.question {
        Some(question) if question.get_ref().trim().is_empty() => {
            errors.push(file.error(
                question,
                format!("exercise {id:?}: the question is empty (leave it out to use the default)"),
            ));
            String::new()
        }
        Some(question) => question.get_ref().trim().to_string(),
        None => skill.default_question().to_string(),
    };

    let passage_source = raw
        .passage
        .as_ref()
        .map(|passage| passage.get_ref().source.get_ref().clone());
    let passage = match (skill, raw.passage) {
        (Skill::Contested, Some(passage)) => {
            errors.push(file.error(&passage, format!("exercise {id:?}: a contested exercise shows a claim, not a passage; put quotes in [[exercise.evidence]]")));
            None
        }
        (_, Some(passage)) => context.check_quote(file, passage, "passage", errors),
        (Skill::Source | Skill::Perspective, None) => {
            errors.push(file.error(&raw.id, format!("exercise {id:?}: a {skill} exercise needs a passage = {{ source = \"…\", text = '…' }}")));
            None
        }
        (Skill::Contested, None) => None,
    };
    let claim = match (skill, raw.claim) {
        (Skill::Contested, Some(claim)) if claim.get_ref().trim().is_empty() => {
            errors.push(file.error(&claim, format!("exercise {id:?}: the claim is empty")));
            None
        }
        (Skill::Contested, Some(claim)) => Some(claim.into_inner().trim().to_string()),
        (Skill::Contested, None) => {
            errors.push(file.error(
                &raw.id,
                format!("exercise {id:?}: a contested exercise needs a claim"),
            ));
            None
        }
        (_, Some(claim)) => {
            errors.push(file.error(
                &claim,
                format!("exercise {id:?}: only contested exercises have a claim"),
            ));
            None
        }
        (_, None) => None,
    };

    if skill == Skill::Contested && raw.evidence.is_empty() {
        errors.push(file.error(&raw.id, format!("exercise {id:?}: a contested exercise needs [[exercise.evidence]] from every document that speaks to the claim")));
    }
    let evidence: Vec<Quote> = raw
        .evidence
        .into_iter()
        .filter_map(|quote| context.check_quote(file, quote, "evidence", errors))
        .collect();

    if raw.options.len() < 2 {
        errors.push(file.error(
            &raw.id,
            format!(
                "exercise {id:?}: it needs at least two [[exercise.option]] tables, found {}",
                raw.options.len()
            ),
        ));
    }
    let correct_count = raw
        .options
        .iter()
        .filter(|option| option.get_ref().correct)
        .count();
    if correct_count != 1 && !raw.options.is_empty() {
        let message = if correct_count == 0 {
            format!("exercise {id:?}: no option is marked correct = true; exactly one must be")
        } else {
            format!(
                "exercise {id:?}: {correct_count} options are marked correct = true; exactly one must be"
            )
        };
        errors.push(file.error(&raw.id, message));
    }
    let mut choices = Vec::new();
    let mut correct = 0;
    for option in raw.options {
        let option = option.into_inner();
        let answer = option.answer.get_ref().clone();
        if choices
            .iter()
            .any(|choice: &Choice| choice.answer == answer)
        {
            errors.push(file.error(
                &option.answer,
                format!("exercise {id:?}: the option {answer:?} is listed twice"),
            ));
            continue;
        }
        let label = match context.answer_label(skill, &answer) {
            Ok(label) => label,
            Err(message) => {
                errors.push(file.error(&option.answer, format!("exercise {id:?}: {message}")));
                continue;
            }
        };
        if option.why.get_ref().trim().is_empty() {
            errors.push(file.error(&option.why, format!("exercise {id:?}: the option {answer:?} needs a `why`: say why it is right or wrong")));
        }
        if option.correct {
            correct = choices.len();
            let known_source = passage_source
                .as_deref()
                .filter(|source| context.normalised.contains_key(source));
            if skill == Skill::Source && known_source.is_some_and(|source| source != answer) {
                errors.push(file.error(
                    &option.answer,
                    format!("exercise {id:?}: the correct option is {answer:?}, but the passage is quoted from {:?}", passage_source.as_deref().unwrap_or_default()),
                ));
            }
        }
        choices.push(Choice {
            answer,
            label,
            why: option.why.into_inner().trim().to_string(),
        });
    }
    if skill == Skill::Source
        && let Some(quote) = &passage
    {
        for (other, normalised) in context.normalised {
            if *other != quote.source_id && normalised.contains(&quote.text) {
                errors.push(ContentError::new(
                    file.path,
                    Some(file.line_of(raw.id.span().start)),
                    format!("exercise {id:?}: the passage also occurs in the source {other:?}, so two answers would be right: choose a span found in one document only"),
                ));
            }
        }
    }

    if errors.len() > errors_before {
        return None;
    }
    Some(Exercise {
        id,
        skill,
        question,
        passage,
        claim,
        choices,
        correct,
        explanation: raw.explanation.into_inner().trim().to_string(),
        evidence,
    })
}
