//! Reading content packs from disk and checking them.
//!
//! The structs named `Raw…` mirror the file formats and nothing else; the checks turn
//! them into the domain types of [`crate::content`]. Every problem found is reported
//! with its file and line, and all of them are reported at once.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::diff::word_diff;
use super::glossary::{Glossary, Term};
use super::prose::{long_sentences, word_count};
use super::text::NormalisedText;
use super::{
    Choice, Exercise, Library, Original, Pack, Perspective, Quote, QuoteVerdict, Skill, Source,
    Verdict, Version,
};

/// The most words an explanation may have.
pub const MAX_EXPLANATION_WORDS: usize = 150;
/// The most words an option's `why` may have.
pub const MAX_WHY_WORDS: usize = 60;
/// The most words a sentence may have outside quotation marks.
pub const MAX_SENTENCE_WORDS: usize = 40;
/// The most words a glossary definition may have.
pub const MAX_DEFINITION_WORDS: usize = 30;
/// A question's passage may share fewer consecutive words than this with any other
/// exercise's passage, evidence or versions.
pub const LEAK_WORDS: usize = 8;

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

    /// A problem with the file or folder at `path` (at `line`, if given).
    pub fn at(path: impl Into<PathBuf>, line: Option<usize>, message: impl Into<String>) -> Self {
        ContentError {
            path: path.into(),
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

/// Loads every pack under `directory` (each folder holding a `pack.toml`), or the one
/// pack that `directory` is, if it holds a `pack.toml` itself.
pub fn load_library(directory: &Path) -> Result<Library, ContentErrors> {
    if directory.join(PACK_FILE).is_file() {
        return load_pack(directory)
            .map(|pack| Library {
                packs: std::iter::once((pack.id.clone(), pack)).collect(),
            })
            .map_err(ContentErrors);
    }
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
pub(super) struct RawPack {
    pub(super) id: Spanned<String>,
    pub(super) title: Spanned<String>,
    pub(super) description: Spanned<String>,
    #[serde(default)]
    pub(super) goals: Vec<Spanned<String>>,
    pub(super) content_note: Spanned<String>,
    pub(super) missing_voices: Option<Spanned<String>>,
    #[serde(default, rename = "perspective")]
    pub(super) perspectives: Vec<Spanned<RawPerspective>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGlossary {
    #[serde(default, rename = "term")]
    pub(super) terms: Vec<Spanned<RawTerm>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTerm {
    pub(super) id: Spanned<String>,
    pub(super) term: Spanned<String>,
    #[serde(default)]
    pub(super) aliases: Vec<String>,
    pub(super) definition: Spanned<String>,
    pub(super) attribution: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPerspective {
    pub(super) id: Spanned<String>,
    pub(super) label: Spanned<String>,
    #[serde(default)]
    pub(super) description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSourceHeader {
    pub(super) title: String,
    pub(super) short_title: Spanned<String>,
    pub(super) author: String,
    pub(super) publisher: String,
    pub(super) kind: String,
    pub(super) date: String,
    pub(super) url: Option<String>,
    pub(super) licence: String,
    pub(super) perspective: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawExerciseFile {
    #[serde(default, rename = "exercise")]
    pub(super) exercises: Vec<Spanned<RawExercise>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawExercise {
    pub(super) id: Spanned<String>,
    pub(super) kind: Spanned<String>,
    pub(super) question: Option<Spanned<String>>,
    pub(super) explanation: Spanned<String>,
    pub(super) passage: Option<Spanned<RawQuote>>,
    pub(super) claim: Option<Spanned<String>>,
    pub(super) speaker: Option<Spanned<String>>,
    #[serde(default, rename = "option")]
    pub(super) options: Vec<Spanned<RawOption>>,
    #[serde(default)]
    pub(super) evidence: Vec<Spanned<RawQuote>>,
    #[serde(default, rename = "version")]
    pub(super) versions: Vec<Spanned<RawVersion>>,
    #[serde(default, rename = "original")]
    pub(super) originals: Vec<Spanned<RawOriginal>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawQuote {
    pub(super) source: Spanned<String>,
    pub(super) text: Spanned<String>,
    pub(super) note: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawVersion {
    pub(super) source: Spanned<String>,
    pub(super) text: Spanned<String>,
    pub(super) note: Option<Spanned<String>>,
    pub(super) difference: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOriginal {
    pub(super) title: Spanned<String>,
    pub(super) look_for: Spanned<String>,
    pub(super) url: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOption {
    pub(super) answer: Spanned<String>,
    #[serde(default)]
    pub(super) correct: bool,
    pub(super) why: Spanned<String>,
}

/// A file's text with a way to turn byte offsets into line numbers.
pub(super) struct FileText<'a> {
    path: &'a Path,
    text: &'a str,
    /// Lines that stand before `text` in the file (for a source's header).
    first_line: usize,
    /// Where each line break of `text` stands, so that a line is found by a search.
    breaks: Vec<usize>,
}

impl<'a> FileText<'a> {
    pub(super) fn new(path: &'a Path, text: &'a str, first_line: usize) -> FileText<'a> {
        let breaks = text
            .bytes()
            .enumerate()
            .filter(|&(_, byte)| byte == b'\n')
            .map(|(at, _)| at)
            .collect();
        FileText {
            path,
            text,
            first_line,
            breaks,
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.first_line + self.breaks.partition_point(|&at| at < offset)
    }

    fn error<T>(&self, spanned: &Spanned<T>, message: impl Into<String>) -> ContentError {
        ContentError::new(self.path, Some(self.line_of(spanned.span().start)), message)
    }

    /// Checks the id of an entry in a list (a perspective, a glossary term): that it is
    /// valid, and that no earlier entry has it (`seen` holds the line of each id so far).
    /// Gives the id, or `None` for a duplicate, which the caller then skips.
    fn entry_id(
        &self,
        id: &Spanned<String>,
        what: &str,
        seen: &mut HashMap<String, usize>,
        errors: &mut Vec<ContentError>,
    ) -> Option<String> {
        let value = id.get_ref();
        if !is_valid_id(value) {
            errors.push(self.error(
                id,
                format!("the {what} id {value:?} is not valid: {ID_RULE}"),
            ));
        } else if let Some(first) = seen.get(value) {
            errors.push(self.error(
                id,
                format!("duplicate {what} id {value:?} (first used at line {first})"),
            ));
            return None;
        }
        seen.insert(value.clone(), self.line_of(id.span().start));
        Some(value.clone())
    }

    /// Checks the plain-words rules on a text the pack's author wrote: at most
    /// `max_words` words in all (if given) and no sentence over
    /// [`MAX_SENTENCE_WORDS`] words outside quotation marks.
    fn prose(
        &self,
        text: &Spanned<String>,
        what: &str,
        max_words: Option<usize>,
        errors: &mut Vec<ContentError>,
    ) {
        let count = word_count(text.get_ref());
        if let Some(max) = max_words.filter(|&max| count > max) {
            errors.push(self.error(
                text,
                format!("{what} has {count} words: keep it to {max} at most"),
            ));
        }
        for (words, start) in long_sentences(text.get_ref(), MAX_SENTENCE_WORDS) {
            errors.push(self.error(
                text,
                format!(
                    "{what} has a sentence of {words} words outside quotation marks (at most {MAX_SENTENCE_WORDS}): split the one that begins {start:?}"
                ),
            ));
        }
    }

    pub(super) fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, ContentError> {
        toml::from_str(self.text).map_err(|error| {
            let line = error
                .span()
                .map(|span| self.line_of(span.start))
                .unwrap_or(self.first_line);
            ContentError::new(self.path, Some(line), error.message().trim().to_string())
        })
    }
}

/// Whether `id` is a valid id of a pack, a source, an exercise or an entry: see [`ID_RULE`].
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// What a valid id is, in words.
pub const ID_RULE: &str = "use lower-case letters, digits and '-' (at most 64 characters)";

/// A pack folder's files as text, each by its path inside the folder (`pack.toml`,
/// `glossary.toml`, `sources/….txt`, `exercises/….toml`): what the checks read, from the
/// disk ([`PackFiles::read`]) or from elsewhere (an archive, the store).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackFiles {
    /// The folder, as messages name it; its last part must be the pack's id.
    folder: PathBuf,
    files: BTreeMap<String, String>,
}

impl PackFiles {
    /// An empty folder at `folder`, which messages name.
    pub fn new(folder: impl Into<PathBuf>) -> PackFiles {
        PackFiles {
            folder: folder.into(),
            files: BTreeMap::new(),
        }
    }

    /// Reads the files of the pack folder `folder` that a pack is made of. Every file
    /// that cannot be read is a problem.
    pub fn read(folder: &Path) -> (PackFiles, Vec<ContentError>) {
        let mut errors = Vec::new();
        let mut files = PackFiles::new(folder);
        let mut read =
            |name: String, path: &Path, errors: &mut Vec<ContentError>| match fs::read_to_string(
                path,
            ) {
                Ok(text) => {
                    files.files.insert(name, text);
                }
                Err(error) => errors.push(ContentError::new(
                    path,
                    None,
                    format!("cannot read this file: {error}"),
                )),
            };
        for name in [PACK_FILE, GLOSSARY_FILE] {
            let path = folder.join(name);
            if name == PACK_FILE || path.exists() {
                read(name.to_string(), &path, &mut errors);
            }
        }
        for (subfolder, extension) in [(SOURCES, "txt"), (EXERCISES, "toml")] {
            for path in files_with_extension(&folder.join(subfolder), extension, &mut errors) {
                if let Some(name) = path.file_name().and_then(|name| name.to_str()) {
                    read(format!("{subfolder}/{name}"), &path, &mut errors);
                }
            }
        }
        (files, errors)
    }

    /// The folder, as messages name it.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// Names the folder `folder` from now on.
    pub fn set_folder(&mut self, folder: impl Into<PathBuf>) {
        self.folder = folder.into();
    }

    /// Adds a file, or replaces the one at `name`.
    pub fn insert(&mut self, name: impl Into<String>, text: impl Into<String>) {
        self.files.insert(name.into(), text.into());
    }

    /// The text of the file at `name`, if there is one.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(String::as_str)
    }

    /// Every file, by name in order, with its text.
    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str()))
    }

    /// The bytes of every file's text, together.
    pub fn size(&self) -> usize {
        self.files.values().map(String::len).sum()
    }

    /// Whether `name` is one of the files a pack is made of (see [`PackFiles::read`]).
    pub fn belongs(name: &str) -> bool {
        if name == PACK_FILE || name == GLOSSARY_FILE {
            return true;
        }
        [(SOURCES, ".txt"), (EXERCISES, ".toml")]
            .iter()
            .any(|(subfolder, extension)| {
                name.strip_prefix(subfolder)
                    .and_then(|rest| rest.strip_prefix('/'))
                    .is_some_and(|file| {
                        file.len() > extension.len()
                            && file.ends_with(extension)
                            && !file.contains('/')
                    })
            })
    }

    /// The path of the file `name`, as messages name it.
    pub(super) fn path(&self, name: &str) -> PathBuf {
        self.folder.join(name)
    }

    /// The files in `subfolder` that end in `.extension`, by name, with their paths.
    pub(super) fn under(&self, subfolder: &str, extension: &str) -> Vec<(PathBuf, &str)> {
        self.files
            .iter()
            .filter(|(name, _)| {
                name.strip_prefix(subfolder)
                    .and_then(|rest| rest.strip_prefix('/'))
                    .is_some_and(|file| {
                        !file.contains('/')
                            && Path::new(file)
                                .extension()
                                .is_some_and(|found| found == extension)
                    })
            })
            .map(|(name, text)| (self.path(name), text.as_str()))
            .collect()
    }
}

/// The id `pack.toml` gives, if it can be read.
pub fn declared_id(files: &PackFiles) -> Option<String> {
    files.get(PACK_FILE).and_then(id_span).map(|(id, _)| id)
}

/// Gives the pack the id `new_id` in its `pack.toml` (the rest of the file as it was)
/// and names its folder by it. Does nothing to a pack whose `pack.toml` cannot be read.
pub fn rename_pack(files: &mut PackFiles, new_id: &str) {
    let Some(text) = files.get(PACK_FILE) else {
        return;
    };
    let Some((_, span)) = id_span(text) else {
        return;
    };
    let quoted = toml::Value::String(new_id.to_string()).to_string();
    let renamed = format!("{}{quoted}{}", &text[..span.start], &text[span.end..]);
    files.insert(PACK_FILE, renamed);
    files.set_folder(new_id);
}

/// The id `pack.toml`'s text gives, and where its value stands.
fn id_span(text: &str) -> Option<(String, std::ops::Range<usize>)> {
    #[derive(Deserialize)]
    struct JustTheId {
        id: Spanned<String>,
    }
    let parsed: JustTheId = toml::from_str(text).ok()?;
    let span = parsed.id.span();
    Some((parsed.id.into_inner(), span))
}

pub(super) const PACK_FILE: &str = "pack.toml";
/// The problem with a pack that has no `pack.toml`.
pub(super) const NO_PACK_FILE: &str =
    "the pack has no pack.toml: it gives the pack's id, title, description and content note";
pub(super) const GLOSSARY_FILE: &str = "glossary.toml";
pub(super) const SOURCES: &str = "sources";
pub(super) const EXERCISES: &str = "exercises";

/// Loads and checks one pack folder.
pub fn load_pack(folder: &Path) -> Result<Pack, Vec<ContentError>> {
    let (files, errors) = PackFiles::read(folder);
    if !errors.is_empty() {
        return Err(errors);
    }
    check_pack(&files)
}

/// Checks a pack's files: every check `sourcewise check` makes, with the same messages.
pub fn check_pack(files: &PackFiles) -> Result<Pack, Vec<ContentError>> {
    let mut errors = Vec::new();
    let folder = files.folder();
    let pack_path = files.path(PACK_FILE);
    let Some(pack_text) = files.get(PACK_FILE) else {
        return Err(vec![ContentError::new(&pack_path, None, NO_PACK_FILE)]);
    };
    let pack_file = FileText::new(&pack_path, pack_text, 1);
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
    pack_file.prose(&raw_pack.description, "the description", None, &mut errors);
    pack_file.prose(
        &raw_pack.content_note,
        "the content note",
        None,
        &mut errors,
    );
    for goal in &raw_pack.goals {
        pack_file.prose(goal, "a goal", None, &mut errors);
    }
    if let Some(missing) = &raw_pack.missing_voices {
        if missing.get_ref().trim().is_empty() {
            errors.push(pack_file.error(
                missing,
                "missing_voices is empty: say whose voices the documents leave out and where to find them, or leave it out",
            ));
        }
        pack_file.prose(missing, "missing_voices", None, &mut errors);
    }

    let mut perspectives: Vec<Perspective> = Vec::new();
    let mut perspective_lines: HashMap<String, usize> = HashMap::new();
    for raw in raw_pack.perspectives {
        let raw = raw.into_inner();
        let Some(id) =
            pack_file.entry_id(&raw.id, "perspective", &mut perspective_lines, &mut errors)
        else {
            continue;
        };
        if raw.label.get_ref().trim().is_empty() {
            errors
                .push(pack_file.error(&raw.label, format!("the perspective {id:?} needs a label")));
        }
        perspectives.push(Perspective {
            id,
            label: raw.label.into_inner(),
            description: raw.description,
        });
    }

    let sources = load_sources(files, &perspectives, &mut errors);
    let mut quote_places: Vec<QuotePlace> = Vec::new();
    let glossary = load_glossary(files, &mut quote_places, &mut errors);
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
    let exercise_folder = folder.join(EXERCISES);
    for (path, text) in files.under(EXERCISES, "toml") {
        let file = FileText::new(&path, text, 1);
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
            if let Some(exercise) = check_exercise(
                &file,
                raw.into_inner(),
                &context,
                &mut quote_places,
                &mut errors,
            ) {
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

    errors.extend(leaks(&quote_places));

    if !errors.is_empty() {
        return Err(errors);
    }
    let mut glossary = glossary;
    for text in exercises.iter().flat_map(Exercise::texts) {
        glossary.remember(text);
    }
    for source in &sources {
        glossary.remember(&source.text);
    }
    Ok(Pack {
        id: raw_pack.id.into_inner(),
        title: raw_pack.title.into_inner(),
        description: raw_pack.description.into_inner().trim().to_string(),
        goals: raw_pack
            .goals
            .into_iter()
            .map(|goal| goal.into_inner().trim().to_string())
            .collect(),
        content_note: raw_pack.content_note.into_inner().trim().to_string(),
        perspectives,
        sources,
        exercises,
        missing_voices: raw_pack
            .missing_voices
            .map(|missing| missing.into_inner().trim().to_string()),
        glossary,
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
/// The problem with a source file that does not start with a `+++` header.
pub(super) const NO_HEADER: &str = "a source file starts with a line '+++', its TOML header, and another line '+++'; the document's text follows";

fn load_sources(
    files: &PackFiles,
    perspectives: &[Perspective],
    errors: &mut Vec<ContentError>,
) -> Vec<Source> {
    let mut sources = Vec::new();
    for (path, contents) in files.under(SOURCES, "txt") {
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
        let Some((header, text)) = split_header(contents) else {
            errors.push(ContentError::new(&path, Some(1), NO_HEADER));
            continue;
        };
        let header_file = FileText::new(&path, header, 2);
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
        if let Some(perspective) = &raw.perspective
            && !perspectives
                .iter()
                .any(|known| &known.id == perspective.get_ref())
        {
            errors.push(header_file.error(
                perspective,
                format!(
                    "unknown perspective {:?}: the document's own voice is one of the perspectives in pack.toml",
                    perspective.get_ref()
                ),
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
            perspective: raw.perspective.map(Spanned::into_inner),
            text: text.to_string(),
        });
    }
    if sources.is_empty() {
        errors.push(ContentError::new(
            &files.path(SOURCES),
            None,
            "the pack has no source documents: add one .txt file per document",
        ));
    }
    sources
}

/// Reads the pack's glossary, if it has one (`glossary.toml`, `[[term]]` tables).
fn load_glossary(
    files: &PackFiles,
    places: &mut Vec<QuotePlace>,
    errors: &mut Vec<ContentError>,
) -> Glossary {
    let Some(text) = files.get(GLOSSARY_FILE) else {
        return Glossary::default();
    };
    let path = &files.path(GLOSSARY_FILE);
    let file = FileText::new(path, text, 1);
    let raw: RawGlossary = match file.parse() {
        Ok(raw) => raw,
        Err(error) => {
            errors.push(error);
            return Glossary::default();
        }
    };
    let mut terms: Vec<Term> = Vec::new();
    let mut lines: HashMap<String, usize> = HashMap::new();
    let mut forms: HashMap<String, String> = HashMap::new();
    for raw in raw.terms {
        let raw = raw.into_inner();
        let Some(id) = file.entry_id(&raw.id, "term", &mut lines, errors) else {
            continue;
        };
        if raw.term.get_ref().trim().is_empty() {
            errors.push(file.error(&raw.term, format!("the term {id:?} is empty")));
        }
        for form in std::iter::once(raw.term.get_ref()).chain(raw.aliases.iter()) {
            let key = form.trim().to_lowercase();
            if key.is_empty() {
                errors.push(file.error(&raw.term, format!("the term {id:?} has an empty alias")));
            } else if let Some(other) = forms.insert(key, id.clone())
                && other != id
            {
                errors.push(file.error(
                    &raw.term,
                    format!(
                        "{form:?} is a form of both {other:?} and {id:?}: a word links to one entry"
                    ),
                ));
            }
        }
        // A definition that repeated a question's passage would answer it one click
        // away from the question.
        for text in std::iter::once(&raw.definition).chain(raw.attribution.iter()) {
            places.push(QuotePlace {
                exercise: String::new(),
                role: "glossary entry",
                place: format!("{}:{}", path.display(), file.line_of(text.span().start)),
                words: comparable_words(text.get_ref()),
            });
        }
        let what = format!("the definition of {id:?}");
        if raw.definition.get_ref().trim().is_empty() {
            errors.push(file.error(&raw.definition, format!("{what} is empty")));
        }
        file.prose(&raw.definition, &what, Some(MAX_DEFINITION_WORDS), errors);
        if let Some(attribution) = &raw.attribution {
            file.prose(
                attribution,
                &format!("the attribution of {id:?}"),
                None,
                errors,
            );
        }
        terms.push(Term {
            id,
            term: raw.term.into_inner().trim().to_string(),
            aliases: raw
                .aliases
                .into_iter()
                .map(|alias| alias.trim().to_string())
                .collect(),
            definition: raw.definition.into_inner().trim().to_string(),
            attribution: raw
                .attribution
                .map(|attribution| attribution.into_inner().trim().to_string())
                .filter(|attribution| !attribution.is_empty()),
        });
    }
    Glossary::new(terms)
}

/// Where a quote of an exercise stands in the files, for the check against leaks.
struct QuotePlace {
    exercise: String,
    /// "passage", "evidence" or "version".
    role: &'static str,
    /// `path:line` of the quote's text.
    place: String,
    /// The quote's words, compared without case or punctuation at their edges.
    words: Vec<String>,
}

fn comparable_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|word| {
            word.trim_matches(|character: char| !character.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|word| !word.is_empty())
        .collect()
}

/// A number for a word, the same for the same word (FNV-1a).
fn word_number(word: &str) -> u64 {
    word.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A number for the run of [`LEAK_WORDS`] words whose numbers are `run`.
fn run_number(run: &[u64]) -> u64 {
    run.iter().fold(0, |hash, &word| {
        hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ word
    })
}

/// A question's passage that shares [`LEAK_WORDS`] consecutive words with another
/// exercise's passage, evidence, version or feedback would hand out its answer in a
/// mixed round: one error per pair, at the passage, naming the other place and the
/// first run of words they share there.
///
/// The runs of words of the questions' passages are numbered and indexed once, and every
/// other text is read once against that index, so the check takes time in proportion
/// to the words of the pack (comparing every passage with every other text, run by run,
/// took a tenth of a second at start-up).
fn leaks(places: &[QuotePlace]) -> Vec<ContentError> {
    use std::collections::{BTreeMap, HashMap};
    let numbers: Vec<Vec<u64>> = places
        .iter()
        .map(|place| place.words.iter().map(|word| word_number(word)).collect())
        .collect();
    // Where each run of words of a question's passage occurs: (passage, first word).
    let mut passage_runs: HashMap<u64, Vec<(usize, usize)>> = HashMap::new();
    for (index, passage) in places.iter().enumerate() {
        if passage.role == "passage" {
            for (start, run) in numbers[index].windows(LEAK_WORDS).enumerate() {
                passage_runs
                    .entry(run_number(run))
                    .or_default()
                    .push((index, start));
            }
        }
    }
    // For each pair (passage, other place) that shares a run, the other's first one.
    let mut shared: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (other_index, other) in places.iter().enumerate() {
        for (other_start, run) in numbers[other_index].windows(LEAK_WORDS).enumerate() {
            let Some(found) = passage_runs.get(&run_number(run)) else {
                continue;
            };
            for &(index, start) in found {
                let passage = &places[index];
                if other.exercise == passage.exercise
                    || (other.role == "passage" && other_index < index)
                    || other.words[other_start..other_start + LEAK_WORDS]
                        != passage.words[start..start + LEAK_WORDS]
                {
                    continue;
                }
                shared.entry((index, other_index)).or_insert(other_start);
            }
        }
    }
    let mut errors = Vec::new();
    for ((index, other_index), other_start) in shared {
        let passage = &places[index];
        let other = &places[other_index];
        let (path, line) = passage
            .place
            .rsplit_once(':')
            .map(|(path, line)| (path, line.parse().ok()))
            .unwrap_or((passage.place.as_str(), None));
        errors.push(ContentError::new(
            Path::new(path),
            line,
            format!(
                "exercise {:?}: its passage shares {LEAK_WORDS} or more consecutive words (\"{}\") with the {}{} at {}, so a mixed round would hand out the answer: {}",
                passage.exercise,
                other.words[other_start..other_start + LEAK_WORDS].join(" "),
                other.role,
                if other.exercise.is_empty() {
                    String::new()
                } else {
                    format!(" of exercise {:?}", other.exercise)
                },
                other.place,
                if matches!(other.role, "passage" | "evidence" | "version") {
                    "choose another span for one of them"
                } else {
                    "reword that text, or choose another span for the passage"
                },
            ),
        ));
    }
    errors
}

/// Splits a source file into its TOML header and the document's text.
pub(super) fn split_header(contents: &str) -> Option<(&str, &str)> {
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
            Skill::Quote => QuoteVerdict::from_slug(answer)
                .map(|verdict| verdict.label().to_string())
                .ok_or_else(|| format!("unknown verdict {answer:?}: use faithful, changed or unverifiable")),
        }
    }

    fn source_ids(&self) -> String {
        self.sources
            .iter()
            .map(|source| source.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Finds a quote in its document; on success, also returns the line of its text.
    fn check_quote(
        &self,
        file: &FileText<'_>,
        raw: RawQuote,
        what: &str,
        errors: &mut Vec<ContentError>,
    ) -> Option<(Quote, usize)> {
        if let Some(note) = &raw.note {
            file.prose(note, &format!("the note of a {what}"), None, errors);
        }
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
        let source_title = self
            .sources
            .iter()
            .find(|source| &source.id == source_id)
            .map(|source| source.short_title.clone())
            .unwrap_or_default();
        Some((
            Quote {
                source_id: source_id.clone(),
                source_title,
                text: raw.text.get_ref().trim().to_string(),
                note: raw
                    .note
                    .map(Spanned::into_inner)
                    .filter(|note| !note.trim().is_empty()),
                span,
            },
            file.line_of(raw.text.span().start),
        ))
    }
}

/// A text that exercises of one kind need and others must not have (a contested
/// exercise's claim, a quote exercise's speaker), checked and trimmed. `kinds` is the
/// exercise's kind and the kind that owns the field; `missing` says what is needed.
fn owned_text(
    file: &FileText<'_>,
    raw_id: &Spanned<String>,
    (skill, owner): (Skill, Skill),
    text: Option<Spanned<String>>,
    name: &str,
    missing: &str,
    errors: &mut Vec<ContentError>,
) -> Option<String> {
    let id = raw_id.get_ref();
    match text {
        Some(text) if skill != owner => {
            errors.push(file.error(
                &text,
                format!("exercise {id:?}: only {owner} exercises have a {name}"),
            ));
            None
        }
        Some(text) if text.get_ref().trim().is_empty() => {
            errors.push(file.error(&text, format!("exercise {id:?}: the {name} is empty")));
            None
        }
        Some(text) => {
            file.prose(&text, &format!("exercise {id:?}: the {name}"), None, errors);
            Some(text.into_inner().trim().to_string())
        }
        None if skill == owner => {
            errors.push(file.error(raw_id, format!("exercise {id:?}: {missing}")));
            None
        }
        None => None,
    }
}

fn check_exercise(
    file: &FileText<'_>,
    raw: RawExercise,
    context: &PackContext<'_>,
    places: &mut Vec<QuotePlace>,
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
                "exercise {id:?}: unknown kind {:?}: use source, perspective, contested or quote",
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
    file.prose(
        &raw.explanation,
        &format!("exercise {id:?}: the explanation"),
        Some(MAX_EXPLANATION_WORDS),
        errors,
    );
    let question = match &raw.question {
        Some(question) if question.get_ref().trim().is_empty() => {
            errors.push(file.error(
                question,
                format!("exercise {id:?}: the question is empty (leave it out to use the default)"),
            ));
            String::new()
        }
        Some(question) => {
            file.prose(
                question,
                &format!("exercise {id:?}: the question"),
                None,
                errors,
            );
            question.get_ref().trim().to_string()
        }
        None => skill.default_question().to_string(),
    };
    let place = |line: usize| format!("{}:{line}", file.path.display());
    // What the author wrote around the quotes, shown after an answer: a question's
    // passage must not come back in it either.
    let notes = raw
        .passage
        .iter()
        .chain(raw.evidence.iter())
        .filter_map(|quote| quote.get_ref().note.as_ref())
        .chain(raw.versions.iter().flat_map(|version| {
            let version = version.get_ref();
            version.note.iter().chain(version.difference.iter())
        }));
    let authored: Vec<(&'static str, usize, String)> =
        std::iter::once(("explanation", &raw.explanation))
            .chain(notes.map(|note| ("note", note)))
            .chain(
                raw.options
                    .iter()
                    .map(|option| ("why", &option.get_ref().why)),
            )
            .chain(
                raw.originals
                    .iter()
                    .map(|original| ("original", &original.get_ref().look_for)),
            )
            .map(|(role, text)| {
                (
                    role,
                    file.line_of(text.span().start),
                    text.get_ref().clone(),
                )
            })
            .collect();
    let mut record = |role: &'static str, quote: &Quote, line: usize| {
        places.push(QuotePlace {
            exercise: id.clone(),
            role,
            place: place(line),
            words: comparable_words(quote.text()),
        });
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
        (_, Some(passage)) => context
            .check_quote(file, passage.into_inner(), "passage", errors)
            .map(|(quote, line)| {
                record("passage", &quote, line);
                quote
            }),
        (Skill::Source | Skill::Perspective | Skill::Quote, None) => {
            errors.push(file.error(&raw.id, format!("exercise {id:?}: a {skill} exercise needs a passage = {{ source = \"…\", text = '…' }}")));
            None
        }
        (Skill::Contested, None) => None,
    };
    let claim = owned_text(
        file,
        &raw.id,
        (skill, Skill::Contested),
        raw.claim,
        "claim",
        "a contested exercise needs a claim",
        errors,
    );
    let speaker = owned_text(
        file,
        &raw.id,
        (skill, Skill::Quote),
        raw.speaker,
        "speaker",
        "a quote exercise needs a speaker: to whom does the document attribute these words?",
        errors,
    );

    if skill == Skill::Contested && raw.evidence.is_empty() {
        errors.push(file.error(&raw.id, format!("exercise {id:?}: a contested exercise needs [[exercise.evidence]] from every document that speaks to the claim")));
    }
    let evidence: Vec<Quote> = raw
        .evidence
        .into_iter()
        .filter_map(|quote| {
            let (quote, line) =
                context.check_quote(file, quote.into_inner(), "evidence", errors)?;
            record("evidence", &quote, line);
            Some(quote)
        })
        .collect();

    if skill != Skill::Quote
        && let Some(version) = raw.versions.first()
    {
        errors.push(file.error(
            version,
            format!("exercise {id:?}: only quote exercises have [[exercise.version]]; use [[exercise.evidence]]"),
        ));
    }
    if skill == Skill::Quote && raw.versions.is_empty() && evidence.is_empty() {
        errors.push(file.error(&raw.id, format!("exercise {id:?}: a quote exercise gives the learner something to compare: the other documents' versions of the words ([[exercise.version]]) or, if none has them, their nearest passages on the same speaker ([[exercise.evidence]])")));
    }
    // Versions that fail their own checks still count as given, so that the key is not
    // also reported for them.
    let declared_versions = raw.versions.len();
    let raw_versions = if skill == Skill::Quote {
        raw.versions
    } else {
        Vec::new()
    };
    let mut versions: Vec<Version> = Vec::new();
    for raw_version in raw_versions {
        let raw_version = raw_version.into_inner();
        let difference = raw_version.difference;
        if let Some(difference) = &difference {
            file.prose(
                difference,
                &format!("exercise {id:?}: the difference of a version"),
                Some(MAX_WHY_WORDS),
                errors,
            );
        }
        let quote = RawQuote {
            source: raw_version.source,
            text: raw_version.text,
            note: raw_version.note,
        };
        let text_span = quote.text.span();
        let Some((quote, line)) = context.check_quote(file, quote, "version", errors) else {
            continue;
        };
        record("version", &quote, line);
        let Some(shown) = &passage else {
            continue;
        };
        let diff = word_diff(shown.text(), quote.text());
        let version = Version {
            quote,
            difference: difference
                .map(Spanned::into_inner)
                .map(|text| text.trim().to_string())
                .filter(|text| !text.is_empty()),
            diff,
        };
        if version.differs() && version.difference.is_none() {
            errors.push(ContentError::new(
                file.path,
                Some(file.line_of(text_span.start)),
                format!("exercise {id:?}: this version's words differ from the passage's, so it needs a `difference`: say what the changes do to the meaning (or that they change nothing)"),
            ));
        }
        versions.push(version);
    }

    let mut originals = Vec::new();
    for raw_original in raw.originals {
        let raw_original = raw_original.into_inner();
        if raw_original.title.get_ref().trim().is_empty() {
            errors.push(file.error(
                &raw_original.title,
                format!("exercise {id:?}: an original needs a title"),
            ));
        }
        if raw_original.look_for.get_ref().trim().is_empty() {
            errors.push(file.error(
                &raw_original.look_for,
                format!("exercise {id:?}: say what to look for in the original"),
            ));
        }
        file.prose(
            &raw_original.look_for,
            &format!("exercise {id:?}: what to look for in an original"),
            Some(MAX_WHY_WORDS),
            errors,
        );
        if let Some(url) = &raw_original.url
            && !context
                .sources
                .iter()
                .any(|source| source.text.contains(url.get_ref().as_str()))
        {
            errors.push(file.error(url, format!("exercise {id:?}: the address {:?} is not given by any document of the pack: link only to an address a document gives, or leave the url out", url.get_ref())));
        }
        originals.push(Original {
            title: raw_original.title.into_inner().trim().to_string(),
            look_for: raw_original.look_for.into_inner().trim().to_string(),
            url: raw_original.url.map(Spanned::into_inner),
        });
    }

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
        file.prose(
            &option.why,
            &format!("exercise {id:?}: the why of {answer:?}"),
            Some(MAX_WHY_WORDS),
            errors,
        );
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
            if skill == Skill::Quote && passage.is_some() {
                let line = Some(file.line_of(option.answer.span().start));
                let problem = match QuoteVerdict::from_slug(&answer) {
                    Some(QuoteVerdict::Unverifiable) if declared_versions > 0 => Some(
                        "the key is unverifiable, but the exercise gives other versions of the words: a quote that other documents repeat can be checked",
                    ),
                    Some(QuoteVerdict::Faithful | QuoteVerdict::Changed)
                        if declared_versions == 0 =>
                    {
                        Some(
                            "the key says the quote can be checked, but the exercise gives no other version of the words ([[exercise.version]])",
                        )
                    }
                    Some(QuoteVerdict::Changed)
                        if versions.len() == declared_versions
                            && !versions.iter().any(Version::differs) =>
                    {
                        Some(
                            "the key is changed, but every version has the same words as the passage",
                        )
                    }
                    _ => None,
                };
                if let Some(problem) = problem {
                    errors.push(ContentError::new(
                        file.path,
                        line,
                        format!("exercise {id:?}: {problem}"),
                    ));
                }
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

    for (role, line, text) in authored {
        places.push(QuotePlace {
            exercise: id.clone(),
            role,
            place: place(line),
            words: comparable_words(&text),
        });
    }

    if errors.len() > errors_before {
        return None;
    }
    let mut exercise = Exercise {
        id,
        skill,
        question,
        passage,
        claim,
        speaker,
        choices,
        correct,
        explanation: raw.explanation.into_inner().trim().to_string(),
        evidence,
        versions,
        originals,
        fingerprint: 0,
    };
    exercise.fingerprint = exercise.hash_shown();
    Some(exercise)
}
