//! A pack as a teacher edits it in forms ([`Draft`]): read from a pack's files without
//! the content checks, and written back to files, with a [`FieldMap`] that places the
//! loader's problems on the form's fields.
//!
//! Text fields are plain strings, empty meaning absent, as forms give them.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use toml::Spanned;

use super::load::{
    ContentError, EXERCISES, FileText, GLOSSARY_FILE, NO_HEADER, NO_PACK_FILE, PACK_FILE,
    PackFiles, RawExercise, RawExerciseFile, RawGlossary, RawOption, RawOriginal, RawPack,
    RawQuote, RawSourceHeader, RawVersion, SOURCES, is_valid_id, split_header,
};

/// An editable pack: what `pack.toml`, `sources/*.txt`, `exercises/*.toml` and
/// `glossary.toml` hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    pub id: String,
    pub title: String,
    pub description: String,
    pub goals: Vec<String>,
    pub content_note: String,
    pub missing_voices: String,
    pub perspectives: Vec<DraftPerspective>,
    pub documents: Vec<DraftDocument>,
    pub exercises: Vec<DraftExercise>,
    pub terms: Vec<DraftTerm>,
}

/// A `[[perspective]]` of `pack.toml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftPerspective {
    pub id: String,
    pub label: String,
    pub description: String,
}

/// A source document: `sources/{id}.txt`, its header and its text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftDocument {
    pub id: String,
    pub title: String,
    pub short_title: String,
    pub author: String,
    pub publisher: String,
    pub kind: String,
    pub date: String,
    pub url: String,
    pub licence: String,
    pub perspective: String,
    /// Everything after the closing `+++` line, byte for byte.
    pub text: String,
}

/// An `[[exercise]]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftExercise {
    pub id: String,
    pub kind: String,
    pub question: String,
    pub passage: Option<DraftQuote>,
    pub claim: String,
    pub speaker: String,
    pub explanation: String,
    pub options: Vec<DraftOption>,
    pub evidence: Vec<DraftQuote>,
    pub versions: Vec<DraftVersion>,
    pub originals: Vec<DraftOriginal>,
}

/// An `[[exercise.option]]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftOption {
    pub answer: String,
    pub correct: bool,
    pub why: String,
}

/// A passage or a piece of evidence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftQuote {
    pub source: String,
    pub text: String,
    pub note: String,
}

/// An `[[exercise.version]]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftVersion {
    pub source: String,
    pub text: String,
    pub note: String,
    pub difference: String,
}

/// An `[[exercise.original]]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftOriginal {
    pub title: String,
    pub look_for: String,
    pub url: String,
}

/// A `[[term]]` of `glossary.toml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftTerm {
    pub id: String,
    pub term: String,
    pub aliases: Vec<String>,
    pub definition: String,
    pub attribution: String,
}

impl Draft {
    /// Reads a pack's files with the loader's parsers: TOML syntax and known fields
    /// only, none of the content checks. Gives every parse problem found.
    ///
    /// Documents come in the loader's order (by file name), exercises in file order,
    /// files by name.
    pub fn from_files(files: &PackFiles) -> Result<Draft, Vec<ContentError>> {
        let mut errors = Vec::new();
        let pack_path = files.path(PACK_FILE);
        let Some(pack_text) = files.get(PACK_FILE) else {
            return Err(vec![ContentError::at(pack_path, None, NO_PACK_FILE)]);
        };
        let pack: Option<RawPack> = FileText::new(&pack_path, pack_text, 1)
            .parse()
            .map_err(|error| errors.push(error))
            .ok();

        let mut documents = Vec::new();
        for (path, contents) in files.under(SOURCES, "txt") {
            match read_document(&path, contents) {
                Ok(document) => documents.push(document),
                Err(error) => errors.push(error),
            }
        }

        let mut exercises = Vec::new();
        for (path, text) in files.under(EXERCISES, "toml") {
            match FileText::new(&path, text, 1).parse::<RawExerciseFile>() {
                Ok(raw) => exercises.extend(
                    raw.exercises
                        .into_iter()
                        .map(|exercise| DraftExercise::from_raw(exercise.into_inner())),
                ),
                Err(error) => errors.push(error),
            }
        }

        let mut terms = Vec::new();
        if let Some(text) = files.get(GLOSSARY_FILE) {
            let path = files.path(GLOSSARY_FILE);
            match FileText::new(&path, text, 1).parse::<RawGlossary>() {
                Ok(raw) => terms.extend(raw.terms.into_iter().map(|term| {
                    let term = term.into_inner();
                    DraftTerm {
                        id: term.id.into_inner(),
                        term: term.term.into_inner(),
                        aliases: term.aliases,
                        definition: term.definition.into_inner(),
                        attribution: optional(term.attribution),
                    }
                })),
                Err(error) => errors.push(error),
            }
        }

        match pack {
            Some(pack) if errors.is_empty() => Ok(Draft {
                id: pack.id.into_inner(),
                title: pack.title.into_inner(),
                description: pack.description.into_inner(),
                goals: pack.goals.into_iter().map(Spanned::into_inner).collect(),
                content_note: pack.content_note.into_inner(),
                missing_voices: optional(pack.missing_voices),
                perspectives: pack
                    .perspectives
                    .into_iter()
                    .map(|perspective| {
                        let perspective = perspective.into_inner();
                        DraftPerspective {
                            id: perspective.id.into_inner(),
                            label: perspective.label.into_inner(),
                            description: perspective.description,
                        }
                    })
                    .collect(),
                documents,
                exercises,
                terms,
            }),
            _ => Err(errors),
        }
    }

    /// Writes the pack's files in the folder `folder` (whose last part the loader
    /// requires to be the pack's id), one field per line, with the field of every line.
    ///
    /// Exercises go to `exercises/{kind}.toml` (`exercises/exercises.toml` when the kind
    /// is not a valid id), in draft order; `glossary.toml` only when there are terms (the
    /// loader does not require it). A document whose id cannot name its file (empty,
    /// holding a `/`, or taken by an earlier document) goes to
    /// `sources/_document-{i}.txt`, a name the loader reports as not valid.
    pub fn to_files(&self, folder: impl Into<PathBuf>) -> (PackFiles, FieldMap) {
        let folder = folder.into();
        let mut files = PackFiles::new(folder.clone());
        let mut map = FieldMap {
            folder,
            ..FieldMap::default()
        };

        let mut pack = Emitter::new("pack");
        pack.value("id", &self.id, "pack.id");
        pack.value("title", &self.title, "pack.title");
        pack.value("description", &self.description, "pack.description");
        if !self.goals.is_empty() {
            pack.line("goals = [", "pack.goals");
            for goal in &self.goals {
                pack.line(&format!("  {},", quoted(goal)), "pack.goals");
            }
            pack.line("]", "pack.goals");
        }
        pack.value("content_note", &self.content_note, "pack.content_note");
        pack.optional(
            "missing_voices",
            &self.missing_voices,
            "pack.missing_voices",
        );
        for (i, perspective) in self.perspectives.iter().enumerate() {
            let item = format!("perspective.{i}");
            pack.table("[[perspective]]", &item);
            pack.value("id", &perspective.id, &format!("{item}.id"));
            pack.value("label", &perspective.label, &format!("{item}.label"));
            pack.optional(
                "description",
                &perspective.description,
                &format!("{item}.description"),
            );
        }
        map.add(&mut files, PACK_FILE, pack, Some("pack"));

        for (i, document) in self.documents.iter().enumerate() {
            let item = format!("document.{i}");
            let mut name = format!("{SOURCES}/{}.txt", document.id);
            if !names_file(&document.id) || files.get(&name).is_some() {
                name = format!("{SOURCES}/_document-{i}.txt");
            }
            let mut file = Emitter::new(&item);
            file.line("+++", &item);
            let field = |name: &str| format!("{item}.{name}");
            file.value("title", &document.title, &field("title"));
            file.value("short_title", &document.short_title, &field("short_title"));
            file.value("author", &document.author, &field("author"));
            file.value("publisher", &document.publisher, &field("publisher"));
            file.value("kind", &document.kind, &field("kind"));
            file.value("date", &document.date, &field("date"));
            file.optional("url", &document.url, &field("url"));
            file.value("licence", &document.licence, &field("licence"));
            file.optional("perspective", &document.perspective, &field("perspective"));
            file.line("+++", &item);
            file.verbatim(&document.text, &field("text"));
            map.add(&mut files, &name, file, Some(&item));
        }

        let mut exercise_files: BTreeMap<String, Emitter> = BTreeMap::new();
        for (i, exercise) in self.exercises.iter().enumerate() {
            let stem = if is_valid_id(&exercise.kind) {
                exercise.kind.as_str()
            } else {
                "exercises"
            };
            let item = format!("exercise.{i}");
            exercise_files
                .entry(format!("{EXERCISES}/{stem}.toml"))
                .or_insert_with(|| Emitter::new(&item))
                .exercise(exercise, &item);
        }
        for (name, file) in exercise_files {
            map.add(&mut files, &name, file, None);
        }

        if !self.terms.is_empty() {
            let mut glossary = Emitter::new("");
            for (i, term) in self.terms.iter().enumerate() {
                let item = format!("term.{i}");
                let field = |name: &str| format!("{item}.{name}");
                glossary.table("[[term]]", &item);
                glossary.value("id", &term.id, &field("id"));
                glossary.value("term", &term.term, &field("term"));
                if !term.aliases.is_empty() {
                    let aliases: Vec<String> =
                        term.aliases.iter().map(|alias| quoted(alias)).collect();
                    glossary.line(
                        &format!("aliases = [{}]", aliases.join(", ")),
                        &field("aliases"),
                    );
                }
                glossary.value("definition", &term.definition, &field("definition"));
                glossary.optional("attribution", &term.attribution, &field("attribution"));
            }
            map.add(&mut files, GLOSSARY_FILE, glossary, None);
        }
        (files, map)
    }
}

impl DraftExercise {
    fn from_raw(raw: RawExercise) -> DraftExercise {
        DraftExercise {
            id: raw.id.into_inner(),
            kind: raw.kind.into_inner(),
            question: optional(raw.question),
            passage: raw.passage.map(|passage| quote(passage.into_inner())),
            claim: optional(raw.claim),
            speaker: optional(raw.speaker),
            explanation: raw.explanation.into_inner(),
            options: raw
                .options
                .into_iter()
                .map(|option| {
                    let RawOption {
                        answer,
                        correct,
                        why,
                    } = option.into_inner();
                    DraftOption {
                        answer: answer.into_inner(),
                        correct,
                        why: why.into_inner(),
                    }
                })
                .collect(),
            evidence: raw
                .evidence
                .into_iter()
                .map(|quoted| quote(quoted.into_inner()))
                .collect(),
            versions: raw
                .versions
                .into_iter()
                .map(|version| {
                    let RawVersion {
                        source,
                        text,
                        note,
                        difference,
                    } = version.into_inner();
                    DraftVersion {
                        source: source.into_inner(),
                        text: text.into_inner(),
                        note: optional(note),
                        difference: optional(difference),
                    }
                })
                .collect(),
            originals: raw
                .originals
                .into_iter()
                .map(|original| {
                    let RawOriginal {
                        title,
                        look_for,
                        url,
                    } = original.into_inner();
                    DraftOriginal {
                        title: title.into_inner(),
                        look_for: look_for.into_inner(),
                        url: optional(url),
                    }
                })
                .collect(),
        }
    }
}

fn quote(raw: RawQuote) -> DraftQuote {
    DraftQuote {
        source: raw.source.into_inner(),
        text: raw.text.into_inner(),
        note: optional(raw.note),
    }
}

fn optional(value: Option<Spanned<String>>) -> String {
    value.map(Spanned::into_inner).unwrap_or_default()
}

/// A source file's document: its id is the file's stem.
fn read_document(path: &Path, contents: &str) -> Result<DraftDocument, ContentError> {
    let id = path
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some((header, text)) = split_header(contents) else {
        return Err(ContentError::at(path, Some(1), NO_HEADER));
    };
    let raw: RawSourceHeader = FileText::new(path, header, 2).parse()?;
    Ok(DraftDocument {
        id,
        title: raw.title,
        short_title: raw.short_title.into_inner(),
        author: raw.author,
        publisher: raw.publisher,
        kind: raw.kind,
        date: raw.date,
        url: raw.url.unwrap_or_default(),
        licence: raw.licence,
        perspective: optional(raw.perspective),
        text: text.to_string(),
    })
}

/// Whether `sources/{id}.txt` is read back by the loader as the source `id`.
fn names_file(id: &str) -> bool {
    !id.is_empty()
        && !id.contains('/')
        && Path::new(&format!("{id}.txt"))
            .file_stem()
            .is_some_and(|stem| stem == id)
}

/// `text` as a TOML basic string on one line. (`toml::Value`'s own writing turns a text
/// with a line break into a multi-line string.)
fn quoted(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for character in text.chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            character if character.is_control() => {
                quoted.push_str(&format!("\\u{:04X}", u32::from(character)));
            }
            character => quoted.push(character),
        }
    }
    quoted.push('"');
    quoted
}

/// A file being written, with the form field of each line.
struct Emitter {
    text: String,
    fields: Vec<String>,
    /// The item the lines now written belong to: blank lines are given to it.
    item: String,
}

impl Emitter {
    fn new(item: &str) -> Emitter {
        Emitter {
            text: String::new(),
            fields: Vec::new(),
            item: item.to_string(),
        }
    }

    fn line(&mut self, line: &str, field: &str) {
        self.text.push_str(line);
        self.text.push('\n');
        self.fields.push(field.to_string());
    }

    /// A table header, after a blank line unless it starts the file.
    fn table(&mut self, header: &str, item: &str) {
        if !self.text.is_empty() {
            let previous = self.item.clone();
            self.line("", &previous);
        }
        self.item = item.to_string();
        self.line(header, item);
    }

    fn value(&mut self, key: &str, value: &str, field: &str) {
        self.line(&format!("{key} = {}", quoted(value)), field);
    }

    fn optional(&mut self, key: &str, value: &str, field: &str) {
        if !value.is_empty() {
            self.value(key, value, field);
        }
    }

    /// `text` as it is, every line of it from `field`.
    fn verbatim(&mut self, text: &str, field: &str) {
        self.text.push_str(text);
        for _ in text.split_inclusive('\n') {
            self.fields.push(field.to_string());
        }
    }

    fn quote(&mut self, header: &str, item: &str, quote: &DraftQuote) {
        self.table(header, item);
        self.value("source", &quote.source, &format!("{item}.source"));
        self.value("text", &quote.text, &format!("{item}.text"));
        self.optional("note", &quote.note, &format!("{item}.note"));
    }

    fn exercise(&mut self, exercise: &DraftExercise, item: &str) {
        let field = |name: &str| format!("{item}.{name}");
        self.table("[[exercise]]", item);
        self.value("id", &exercise.id, &field("id"));
        self.value("kind", &exercise.kind, &field("kind"));
        self.optional("question", &exercise.question, &field("question"));
        self.optional("claim", &exercise.claim, &field("claim"));
        self.optional("speaker", &exercise.speaker, &field("speaker"));
        self.value("explanation", &exercise.explanation, &field("explanation"));
        if let Some(passage) = &exercise.passage {
            self.quote("[exercise.passage]", &field("passage"), passage);
        }
        for (j, option) in exercise.options.iter().enumerate() {
            let option_item = field(&format!("option.{j}"));
            self.table("[[exercise.option]]", &option_item);
            self.value("answer", &option.answer, &format!("{option_item}.answer"));
            if option.correct {
                self.line("correct = true", &format!("{option_item}.correct"));
            }
            self.value("why", &option.why, &format!("{option_item}.why"));
        }
        for (j, evidence) in exercise.evidence.iter().enumerate() {
            self.quote(
                "[[exercise.evidence]]",
                &field(&format!("evidence.{j}")),
                evidence,
            );
        }
        for (j, version) in exercise.versions.iter().enumerate() {
            let version_item = field(&format!("version.{j}"));
            self.table("[[exercise.version]]", &version_item);
            let version_field = |name: &str| format!("{version_item}.{name}");
            self.value("source", &version.source, &version_field("source"));
            self.value("text", &version.text, &version_field("text"));
            self.optional("note", &version.note, &version_field("note"));
            self.optional(
                "difference",
                &version.difference,
                &version_field("difference"),
            );
        }
        for (j, original) in exercise.originals.iter().enumerate() {
            let original_item = field(&format!("original.{j}"));
            self.table("[[exercise.original]]", &original_item);
            let original_field = |name: &str| format!("{original_item}.{name}");
            self.value("title", &original.title, &original_field("title"));
            self.value("look_for", &original.look_for, &original_field("look_for"));
            self.optional("url", &original.url, &original_field("url"));
        }
        // The next exercise's blank line belongs to this one.
        self.item = item.to_string();
    }
}

/// Which form field each line of the written files comes from, to place the loader's
/// problems on the form. Fields are named `pack.title`, `document.{i}.short_title`,
/// `exercise.{i}.option.{j}.why` and so on (indexes into the [`Draft`]'s lists); a
/// table header, or a line that is not a field, is its item's (`exercise.{i}`,
/// `exercise.{i}.option.{j}`); a problem without a line is its file's item (`pack`,
/// `document.{i}`), if it has one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldMap {
    /// The folder the files were written in, as problems name it.
    folder: PathBuf,
    /// For each file, the field of each of its lines (line 1 first).
    lines: BTreeMap<String, Vec<String>>,
    /// For each file with one, the item a problem without a line belongs to.
    items: BTreeMap<String, String>,
}

impl FieldMap {
    fn add(&mut self, files: &mut PackFiles, name: &str, file: Emitter, item: Option<&str>) {
        files.insert(name, file.text);
        self.lines.insert(name.to_string(), file.fields);
        if let Some(item) = item {
            self.items.insert(name.to_string(), item.to_string());
        }
    }

    /// The field of line `line` (from 1) of the file `name` (`exercises/source.toml`).
    pub fn field_at(&self, name: &str, line: usize) -> Option<&str> {
        self.lines
            .get(name)?
            .get(line.checked_sub(1)?)
            .map(String::as_str)
            .filter(|field| !field.is_empty())
    }

    /// The field a problem of the loader belongs to, if any.
    pub fn field_of(&self, error: &ContentError) -> Option<&str> {
        let name = self.file_name(error.path())?;
        error
            .line()
            .and_then(|line| self.field_at(&name, line))
            .or_else(|| self.items.get(&name).map(String::as_str))
    }

    /// The loader's problems by field (each field's messages, in order), and the
    /// problems of no field, as `sourcewise check` prints them.
    pub fn place(&self, errors: &[ContentError]) -> (BTreeMap<String, Vec<String>>, Vec<String>) {
        let mut placed: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut elsewhere = Vec::new();
        for error in errors {
            match self.field_of(error) {
                Some(field) => placed
                    .entry(field.to_string())
                    .or_default()
                    .push(error.message().to_string()),
                None => elsewhere.push(error.to_string()),
            }
        }
        (placed, elsewhere)
    }

    /// The name in the pack of the file at `path` (`sources/x.txt`), if it is in the
    /// folder.
    fn file_name(&self, path: &Path) -> Option<String> {
        let parts = path
            .strip_prefix(&self.folder)
            .ok()?
            .components()
            .map(|part| match part {
                Component::Normal(part) => part.to_str(),
                _ => None,
            })
            .collect::<Option<Vec<&str>>>()?;
        Some(parts.join("/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::load::check_pack;

    const FOLDER: &str = "bridge-2024";

    fn bundled() -> PackFiles {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("questions/khojaly-1992");
        let (files, errors) = PackFiles::read(&folder);
        assert!(errors.is_empty(), "{errors:?}");
        files
    }

    fn option(answer: &str, correct: bool, why: &str) -> DraftOption {
        DraftOption {
            answer: answer.into(),
            correct,
            why: why.into(),
        }
    }

    fn passage(source: &str, text: &str) -> Option<DraftQuote> {
        Some(DraftQuote {
            source: source.into(),
            text: text.into(),
            note: String::new(),
        })
    }

    /// A small pack that passes every check.
    fn small_draft() -> Draft {
        let document = |id: &str, short_title: &str, perspective: &str, text: &str| DraftDocument {
            id: id.into(),
            title: format!("The bridge, by the {id}"),
            short_title: short_title.into(),
            author: "Not named in the text".into(),
            publisher: "Invented for a test".into(),
            kind: "News".into(),
            date: "1 May 2024".into(),
            url: String::new(),
            licence: "Written for this test.".into(),
            perspective: perspective.into(),
            text: text.into(),
        };
        Draft {
            id: FOLDER.into(),
            title: "A new bridge".into(),
            description: "Two documents about a bridge.".into(),
            goals: vec!["Tell the documents apart.".into()],
            content_note: "Nothing upsetting here.".into(),
            missing_voices: "The people who live by the river.".into(),
            perspectives: vec![
                DraftPerspective {
                    id: "officials".into(),
                    label: "Officials".into(),
                    description: String::new(),
                },
                DraftPerspective {
                    id: "reporters".into(),
                    label: "Reporters".into(),
                    description: "People who write the news.".into(),
                },
            ],
            documents: vec![
                document(
                    "bulletin",
                    "Ministry bulletin",
                    "officials",
                    "The minister opened the new bridge on Monday.\nIt cost a great deal of money, the ministry said.\n",
                ),
                document(
                    "newspaper",
                    "Newspaper",
                    "reporters",
                    "Our reporter watched the crowd on Monday morning.\nLocal people were not invited, they told us.\n",
                ),
            ],
            // In the order the files give them back: perspective.toml, source.toml.
            exercises: vec![
                DraftExercise {
                    id: "perspective-1".into(),
                    kind: "perspective".into(),
                    question: "Whose voice is this?".into(),
                    passage: passage("newspaper", "Local people were not invited, they told us."),
                    explanation: "The reporter tells what people said.".into(),
                    options: vec![
                        option("reporters", true, "The reporter writes it down."),
                        option("officials", false, "No official speaks here."),
                    ],
                    ..DraftExercise::default()
                },
                DraftExercise {
                    id: "source-1".into(),
                    kind: "source".into(),
                    passage: passage("bulletin", "The minister opened the new bridge on Monday."),
                    explanation: "The bulletin speaks for the minister.".into(),
                    options: vec![
                        option("bulletin", true, "It names the minister first."),
                        option("newspaper", false, "The paper speaks of its reporter."),
                    ],
                    ..DraftExercise::default()
                },
            ],
            terms: vec![DraftTerm {
                id: "bridge".into(),
                term: "bridge".into(),
                aliases: vec!["bridges".into()],
                definition: "A road built over a river.".into(),
                attribution: String::new(),
            }],
        }
    }

    /// Each problem's field (or "none") and message.
    fn fields_of<'a>(map: &'a FieldMap, errors: &'a [ContentError]) -> Vec<(&'a str, &'a str)> {
        errors
            .iter()
            .map(|error| (map.field_of(error).unwrap_or("none"), error.message()))
            .collect()
    }

    fn assert_placed(fields: &[(&str, &str)], field: &str, start: &str) {
        assert!(
            fields
                .iter()
                .any(|(found, message)| *found == field && message.starts_with(start)),
            "no problem {start:?} at {field}: {fields:#?}"
        );
    }

    #[test]
    fn the_bundled_pack_comes_back_the_same() {
        let files = bundled();
        let original = check_pack(&files).expect("the bundled pack is valid");
        let draft = Draft::from_files(&files).expect("the bundled pack parses");
        assert_eq!(draft.documents.len(), original.sources().len());
        assert_eq!(draft.exercises.len(), original.exercises().len());

        let (written, _) = draft.to_files(files.folder());
        let pack = check_pack(&written).unwrap_or_else(|errors| panic!("{errors:#?}"));
        assert_eq!(pack.id(), original.id());
        assert_eq!(pack.title(), original.title());
        assert_eq!(pack.description(), original.description());
        assert_eq!(pack.goals(), original.goals());
        assert_eq!(pack.content_note(), original.content_note());
        assert_eq!(pack.missing_voices(), original.missing_voices());
        assert_eq!(
            format!("{:?}", pack.perspectives()),
            format!("{:?}", original.perspectives())
        );
        assert_eq!(pack.sources().len(), original.sources().len());
        for (source, expected) in pack.sources().iter().zip(original.sources()) {
            assert_eq!(source.text().as_bytes(), expected.text().as_bytes());
            assert_eq!(format!("{source:?}"), format!("{expected:?}"));
        }
        assert_eq!(pack.exercises().len(), original.exercises().len());
        for (exercise, expected) in pack.exercises().iter().zip(original.exercises()) {
            assert_eq!(exercise.id(), expected.id());
            assert_eq!(exercise.skill(), expected.skill());
            assert_eq!(exercise.question(), expected.question());
            assert_eq!(
                exercise.correct_choice().answer(),
                expected.correct_choice().answer()
            );
            // Everything else too: claim, speaker, choices (answers, labels, whys),
            // passage, evidence, versions, originals, explanation.
            assert_eq!(
                format!("{exercise:?}"),
                format!("{expected:?}"),
                "{}",
                expected.id()
            );
        }
        assert_eq!(
            format!("{:?}", pack.glossary().terms()),
            format!("{:?}", original.glossary().terms())
        );
        assert_eq!(Draft::from_files(&written), Ok(draft));
    }

    #[test]
    fn awkward_text_survives() {
        let awkward = "He said \"no\", then '''yes''' and ''; C:\\path\\ and \\n as written,\na new line, a\ttab, # no comment ], Khojalı İ ü “curly” 𝄞 \u{1}\u{7f}.";
        let mut draft = small_draft();
        draft.description = awkward.into();
        draft.goals.push(awkward.into());
        draft.perspectives[1].description = awkward.into();
        draft.documents[0].licence = awkward.into();
        draft.documents[0].url = awkward.into();
        draft.documents[0].text = format!(
            "The minister opened the new bridge on Monday.\n+++\nid = \"not a header\"\r\n{awkward}\n\nno line break at the end"
        );
        draft.exercises[0].explanation = awkward.into();
        draft.exercises[0].options[1].why = awkward.into();
        draft.exercises[1].question = awkward.into();
        draft.terms[0].aliases.push(awkward.into());
        draft.terms[0].attribution = awkward.into();

        let (files, map) = draft.to_files(FOLDER);
        let pack = check_pack(&files).unwrap_or_else(|errors| panic!("{errors:#?}"));
        let bulletin = pack
            .sources()
            .iter()
            .find(|source| source.id() == "bulletin");
        assert_eq!(
            bulletin.map(|source| source.text()),
            Some(&*draft.documents[0].text)
        );
        assert_eq!(Draft::from_files(&files), Ok(draft.clone()));

        // One line per field: every line of every file has its field.
        for (name, text) in files.files() {
            let lines = text.split_inclusive('\n').count();
            assert!(map.field_at(name, lines).is_some(), "{name}");
            assert_eq!(map.field_at(name, lines + 1), None, "{name}");
        }
        let exercises = files.get("exercises/perspective.toml").unwrap_or_default();
        let line = exercises
            .lines()
            .position(|line| line.starts_with("explanation = "))
            .map(|index| index + 1);
        assert_eq!(
            line.and_then(|line| map.field_at("exercises/perspective.toml", line)),
            Some("exercise.0.explanation")
        );
        let source = files.get("sources/bulletin.txt").unwrap_or_default();
        let last = source.lines().count();
        assert_eq!(
            map.field_at("sources/bulletin.txt", last),
            Some("document.0.text")
        );
        assert_eq!(map.field_at("sources/bulletin.txt", 1), Some("document.0"));
    }

    #[test]
    fn problems_are_placed_on_their_fields() {
        let mut draft = small_draft();
        draft.exercises[1].passage = passage("bulletin", "Nobody said this in the bulletin.");
        draft.exercises[0].options[0].why = String::new();
        draft.exercises[0].options[1].answer = "nobody".into();
        draft.documents[1].short_title = String::new();

        let (files, map) = draft.to_files(FOLDER);
        let errors = check_pack(&files).expect_err("the draft has problems");
        let fields = fields_of(&map, &errors);
        assert_eq!(fields.len(), 4, "{fields:#?}");
        assert_placed(
            &fields,
            "exercise.1.passage.text",
            "the passage is not found verbatim in the source \"bulletin\"",
        );
        assert_placed(
            &fields,
            "exercise.0.option.0.why",
            "exercise \"perspective-1\": the option \"reporters\" needs a `why`",
        );
        assert_placed(
            &fields,
            "exercise.0.option.1.answer",
            "exercise \"perspective-1\": unknown perspective \"nobody\"",
        );
        assert_placed(&fields, "document.1.short_title", "short_title is empty");

        let (placed, elsewhere) = map.place(&errors);
        assert!(elsewhere.is_empty(), "{elsewhere:?}");
        for error in &errors {
            let field = map.field_of(error).unwrap_or_default();
            assert_eq!(placed[field], vec![error.message().to_string()]);
        }
    }

    #[test]
    fn problems_at_headers_or_without_lines_go_to_their_item() {
        // At a table header: the item. A leak is reported at the passage's text.
        let mut draft = small_draft();
        draft.exercises[0].versions = vec![DraftVersion {
            source: "newspaper".into(),
            text: "Local people were not invited".into(),
            ..DraftVersion::default()
        }];
        draft.exercises[0].explanation =
            "Unlike the bulletin, which says the minister opened the new bridge on Monday.".into();
        let (files, map) = draft.to_files(FOLDER);
        let errors = check_pack(&files).expect_err("the draft has problems");
        let fields = fields_of(&map, &errors);
        assert_eq!(fields.len(), 2, "{fields:#?}");
        assert_placed(
            &fields,
            "exercise.0.version.0",
            "exercise \"perspective-1\": only quote exercises have [[exercise.version]]",
        );
        assert_placed(
            &fields,
            "exercise.1.passage.text",
            "exercise \"source-1\": its passage shares 8 or more consecutive words",
        );

        // Without a line: the document.
        let mut draft = small_draft();
        draft.documents[1].text = "\n".into();
        let (files, map) = draft.to_files(FOLDER);
        let errors = check_pack(&files).expect_err("the draft has problems");
        let fields = fields_of(&map, &errors);
        assert_placed(
            &fields,
            "document.1",
            "the document's text after the header is empty",
        );
        assert_placed(
            &fields,
            "exercise.0.passage.text",
            "the passage is not found verbatim",
        );

        // Not in any file the draft wrote: as `sourcewise check` prints it.
        let mut draft = small_draft();
        draft.exercises.clear();
        let (files, map) = draft.to_files(FOLDER);
        let errors = check_pack(&files).expect_err("the draft has no exercises");
        let (placed, elsewhere) = map.place(&errors);
        assert!(placed.is_empty(), "{placed:?}");
        assert_eq!(elsewhere, vec![errors[0].to_string()]);
        assert!(elsewhere[0].starts_with("bridge-2024/exercises: the pack has no exercises"));
    }

    #[test]
    fn the_written_files_are_where_the_loader_reads_them() {
        let mut draft = small_draft();
        draft.terms.clear();
        draft.exercises[1].kind = "Not A Kind".into();
        draft.documents[1].id = String::new();
        let (files, map) = draft.to_files(FOLDER);
        let names: Vec<&str> = files.files().map(|(name, _)| name).collect();
        assert_eq!(
            names,
            [
                "exercises/exercises.toml",
                "exercises/perspective.toml",
                "pack.toml",
                "sources/_document-1.txt",
                "sources/bulletin.txt",
            ]
        );
        let errors = check_pack(&files).expect_err("the draft has problems");
        let fields = fields_of(&map, &errors);
        assert_placed(
            &fields,
            "document.1",
            "the file name gives the source id \"_document-1\"",
        );
        assert_placed(
            &fields,
            "exercise.1.kind",
            "exercise \"source-1\": unknown kind \"Not A Kind\"",
        );
    }

    #[test]
    fn reading_reports_what_does_not_parse() {
        let (mut files, _) = small_draft().to_files(FOLDER);
        files.insert("sources/loose.txt", "no header here\n");
        files.insert(
            "exercises/extra.toml",
            "[[exercise]]\nid = \"x\"\ncolour = \"red\"\n",
        );
        let errors = Draft::from_files(&files).expect_err("two files do not parse");
        let found: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(
            found[0],
            format!("bridge-2024/sources/loose.txt:1: {NO_HEADER}")
        );
        assert!(
            found[1].starts_with("bridge-2024/exercises/extra.toml:3: "),
            "{found:#?}"
        );

        let errors = Draft::from_files(&PackFiles::new(FOLDER)).expect_err("no pack.toml");
        assert_eq!(errors[0].message(), NO_PACK_FILE);
    }
}
