//! The pack builder's forms: a [`Draft`]'s parts as the inputs a page shows, each with
//! the problems the loader found at it ([`Placed`]), and the forms' fields read back into
//! the draft.
//!
//! Every input's HTML id is `f-` and its field key ([`crate::content::draft::FieldMap`])
//! with dots as hyphens, so that a problem listed on the pack's page links to the input
//! it is about.

use std::collections::BTreeMap;

use crate::content::Skill;
use crate::content::draft::{
    Draft, DraftDocument, DraftExercise, DraftOption, DraftOriginal, DraftPerspective, DraftQuote,
    DraftTerm, DraftVersion, FieldMap,
};
use crate::content::load::ContentError;
use crate::web::extract::{every_field, field};

/// The problems of a draft, each at the field it is about, in the loader's own words.
#[derive(Default)]
pub struct Placed {
    by_field: BTreeMap<String, Vec<String>>,
    /// Problems at no field, as `sourcewise check` prints them.
    pub elsewhere: Vec<String>,
}

impl Placed {
    pub fn new(map: &FieldMap, problems: &[ContentError]) -> Placed {
        let mut placed = Placed::default();
        for problem in problems {
            match map.field_of(problem) {
                Some(key) => placed
                    .by_field
                    .entry(key.to_string())
                    .or_default()
                    .push(problem.message().to_string()),
                None => placed.elsewhere.push(problem.to_string()),
            }
        }
        placed
    }

    /// The problems at exactly `key`.
    pub fn at(&self, key: &str) -> Vec<String> {
        self.by_field.get(key).cloned().unwrap_or_default()
    }

    /// Every problem, with its field's key.
    pub fn all(&self) -> impl Iterator<Item = (&str, &str)> {
        self.by_field.iter().flat_map(|(key, messages)| {
            messages
                .iter()
                .map(move |message| (key.as_str(), message.as_str()))
        })
    }

    /// How many problems there are at `prefix` and the fields under it.
    pub fn count_under(&self, prefix: &str) -> usize {
        self.by_field
            .iter()
            .filter(|(key, _)| {
                key.as_str() == prefix
                    || key
                        .strip_prefix(prefix)
                        .is_some_and(|rest| rest.starts_with('.'))
            })
            .map(|(_, messages)| messages.len())
            .sum()
    }

    /// How many problems there are in all.
    pub fn count(&self) -> usize {
        self.by_field.values().map(Vec::len).sum::<usize>() + self.elsewhere.len()
    }
}

/// Puts the draft's documents and exercises in the order its files give them back
/// (documents by file name, exercises by their kind's file, each kind's in draft
/// order), so that an item's number stays its own after a save; returns the new index
/// of the document and of the exercise at `document` and `exercise`.
pub fn settle(
    draft: &mut Draft,
    document: Option<usize>,
    exercise: Option<usize>,
) -> (Option<usize>, Option<usize>) {
    fn reorder<T>(
        items: &mut Vec<T>,
        key: impl Fn(&T) -> String,
        tracked: Option<usize>,
    ) -> Option<usize> {
        let mut keyed: Vec<(String, usize, T)> = items
            .drain(..)
            .enumerate()
            .map(|(index, item)| (key(&item), index, item))
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut found = None;
        for (at, (_, index, item)) in keyed.into_iter().enumerate() {
            if Some(index) == tracked {
                found = Some(at);
            }
            items.push(item);
        }
        found
    }
    let document = reorder(
        &mut draft.documents,
        |document| format!("{}.txt", document.id),
        document,
    );
    let exercise = reorder(
        &mut draft.exercises,
        |exercise| {
            if crate::content::load::is_valid_id(&exercise.kind) {
                exercise.kind.clone()
            } else {
                "exercises".to_string()
            }
        },
        exercise,
    );
    (document, exercise)
}

/// The HTML id of the input for the field `key`.
pub fn input_id(key: &str) -> String {
    format!("f-{}", key.replace('.', "-"))
}

/// One input of a builder form.
pub struct Input {
    /// The form field's name.
    pub name: String,
    pub id: String,
    pub label: String,
    pub value: String,
    pub hint: String,
    /// Rows of a text area; 0 for a one-line input.
    pub rows: usize,
    /// A select's options: value, label.
    pub choices: Vec<(String, String)>,
    pub errors: Vec<String>,
}

impl Input {
    fn line(name: &str, key: &str, label: &str, value: &str, placed: &Placed) -> Input {
        Input {
            name: name.to_string(),
            id: input_id(key),
            label: label.to_string(),
            value: value.to_string(),
            hint: String::new(),
            rows: 0,
            choices: Vec::new(),
            errors: placed.at(key),
        }
    }

    fn text(
        name: &str,
        key: &str,
        label: &str,
        value: &str,
        rows: usize,
        placed: &Placed,
    ) -> Input {
        Input {
            rows,
            ..Input::line(name, key, label, value, placed)
        }
    }

    fn select(
        name: &str,
        key: &str,
        label: &str,
        value: &str,
        choices: Vec<(String, String)>,
        placed: &Placed,
    ) -> Input {
        Input {
            choices,
            ..Input::line(name, key, label, value, placed)
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Input {
        self.hint = hint.into();
        self
    }

    pub fn is_select(&self) -> bool {
        !self.choices.is_empty()
    }

    /// The ids the input is described by: its hint and its problems.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.id));
        }
        if !self.errors.is_empty() {
            ids.push(format!("{}-error", self.id));
        }
        ids.join(" ")
    }
}

/// A group of inputs: one perspective, option, piece of evidence, document, term…
pub struct Group {
    pub id: String,
    pub legend: String,
    pub hint: String,
    pub inputs: Vec<Input>,
    /// Problems about the group as a whole.
    pub errors: Vec<String>,
}

impl Group {
    fn new(key: &str, legend: impl Into<String>, inputs: Vec<Input>, placed: &Placed) -> Group {
        Group {
            id: input_id(key),
            legend: legend.into(),
            hint: String::new(),
            inputs,
            errors: placed.at(key),
        }
    }
}

/// `(value, label)` choices: the documents of a draft.
pub fn document_choices(draft: &Draft) -> Vec<(String, String)> {
    std::iter::once((String::new(), "Choose a document".to_string()))
        .chain(
            draft
                .documents
                .iter()
                .map(|document| (document.id.clone(), document_label(document).to_string())),
        )
        .collect()
}

/// What a document is called in the builder's lists.
pub fn document_label(document: &DraftDocument) -> &str {
    [&document.short_title, &document.title, &document.id]
        .into_iter()
        .find(|text| !text.trim().is_empty())
        .map_or("(untitled)", String::as_str)
}

/// The perspective of a draft to choose from, or none.
fn perspective_choices(draft: &Draft, none: &str) -> Vec<(String, String)> {
    std::iter::once((String::new(), none.to_string()))
        .chain(draft.perspectives.iter().map(|perspective| {
            (
                perspective.id.clone(),
                if perspective.label.is_empty() {
                    perspective.id.clone()
                } else {
                    perspective.label.clone()
                },
            )
        }))
        .collect()
}

// ---- About: the pack's own fields and its perspectives ----

/// The inputs of the "About the pack" form.
pub fn about_inputs(draft: &Draft, placed: &Placed) -> Vec<Input> {
    vec![
        Input::line("title", "pack.title", "Title", &draft.title, placed)
            .hint("What the lesson is about, as learners see it at the top of its page."),
        Input::text(
            "description",
            "pack.description",
            "Description",
            &draft.description,
            5,
            placed,
        )
        .hint("What the documents are and who wrote them, in a few sentences."),
        Input::text(
            "goals",
            "pack.goals",
            "Learning goals",
            &draft.goals.join("\n"),
            4,
            placed,
        )
        .hint("One goal a line."),
        Input::text(
            "content_note",
            "pack.content_note",
            "Content note",
            &draft.content_note,
            4,
            placed,
        )
        .hint("What in the documents may distress a learner, shown before they start."),
        Input::text(
            "missing_voices",
            "pack.missing_voices",
            "Whose voice is missing? (optional)",
            &draft.missing_voices,
            4,
            placed,
        )
        .hint("Whom the documents leave out, and where a learner would hear them."),
    ]
}

/// Blank rows a form offers for adding another item.
const BLANK_ROWS: usize = 2;

/// The perspective groups of the "About the pack" form: each one's, then blank ones.
pub fn perspective_groups(draft: &Draft, placed: &Placed) -> Vec<Group> {
    let blank = DraftPerspective::default();
    let rows = draft.perspectives.len();
    draft
        .perspectives
        .iter()
        .chain(std::iter::repeat_n(&blank, BLANK_ROWS))
        .enumerate()
        .map(|(index, perspective)| {
            let key = format!("perspective.{index}");
            let legend = if index < rows {
                format!("Perspective {}", index + 1)
            } else {
                "Add a perspective".to_string()
            };
            let mut group = Group::new(
                &key,
                legend,
                vec![
                    Input::line(
                        "perspective_id",
                        &format!("{key}.id"),
                        "Id",
                        &perspective.id,
                        placed,
                    )
                    .hint("Lower-case letters, digits and hyphens, e.g. city-council."),
                    Input::line(
                        "perspective_label",
                        &format!("{key}.label"),
                        "Label",
                        &perspective.label,
                        placed,
                    ),
                    Input::text(
                        "perspective_description",
                        &format!("{key}.description"),
                        "Description",
                        &perspective.description,
                        2,
                        placed,
                    ),
                ],
                placed,
            );
            if index < rows {
                group.hint = "Clear all three to remove it.".to_string();
            }
            group
        })
        .collect()
}

/// Reads the "About the pack" form into `draft`. A perspective whose id changed is
/// renamed wherever the draft uses it.
pub fn read_about(draft: &mut Draft, fields: &[(String, String)]) {
    let text = |name: &str| field(fields, name).unwrap_or_default().to_string();
    draft.title = text("title");
    draft.description = text("description");
    draft.goals = text("goals")
        .lines()
        .map(str::trim)
        .filter(|goal| !goal.is_empty())
        .map(str::to_string)
        .collect();
    draft.content_note = text("content_note");
    draft.missing_voices = text("missing_voices");
    let ids = every_field(fields, "perspective_id");
    let labels = every_field(fields, "perspective_label");
    let descriptions = every_field(fields, "perspective_description");
    let previous: Vec<String> = draft.perspectives.iter().map(|p| p.id.clone()).collect();
    let mut perspectives = Vec::new();
    for (index, id) in ids.iter().enumerate() {
        let perspective = DraftPerspective {
            id: id.trim().to_string(),
            label: labels.get(index).unwrap_or(&"").trim().to_string(),
            description: descriptions.get(index).unwrap_or(&"").trim().to_string(),
        };
        if let Some(old) = previous.get(index)
            && !old.is_empty()
            && !perspective.id.is_empty()
            && old != &perspective.id
        {
            rename_perspective(draft, old, &perspective.id);
        }
        if perspective != DraftPerspective::default() {
            perspectives.push(perspective);
        }
    }
    draft.perspectives = perspectives;
}

fn rename_perspective(draft: &mut Draft, old: &str, new: &str) {
    for document in &mut draft.documents {
        if document.perspective == old {
            document.perspective = new.to_string();
        }
    }
    for exercise in &mut draft.exercises {
        if exercise.kind == Skill::Perspective.slug() {
            for option in &mut exercise.options {
                if option.answer == old {
                    option.answer = new.to_string();
                }
            }
        }
    }
}

// ---- Documents ----

/// The metadata inputs of a document's form.
pub fn document_inputs(
    draft: &Draft,
    index: usize,
    document: &DraftDocument,
    placed: &Placed,
) -> Vec<Input> {
    let key = |field: &str| format!("document.{index}.{field}");
    vec![
        Input::line("title", &key("title"), "Title", &document.title, placed)
            .hint("The document's own title, or a description of it if it has none."),
        Input::line(
            "short_title",
            &key("short_title"),
            "Short title",
            &document.short_title,
            placed,
        )
        .hint(
            "A few words that name it in the answer options, e.g. “The council's press release”.",
        ),
        Input::line("id", &key("id"), "Id (optional)", &document.id, placed).hint(
            "Lower-case letters, digits and hyphens; made from the short title if left empty.",
        ),
        Input::line("author", &key("author"), "Author", &document.author, placed)
            .hint("Or “Not named in the text”."),
        Input::line(
            "publisher",
            &key("publisher"),
            "Publisher",
            &document.publisher,
            placed,
        )
        .hint("Or “Not named in the text”."),
        Input::line("kind", &key("kind"), "Kind", &document.kind, placed)
            .hint("E.g. press release, news report, encyclopedia article, speech."),
        Input::line("date", &key("date"), "Date", &document.date, placed),
        Input::line(
            "url",
            &key("url"),
            "Address (optional)",
            &document.url,
            placed,
        ),
        Input::line(
            "licence",
            &key("licence"),
            "Licence",
            &document.licence,
            placed,
        )
        .hint("On what terms you use it, e.g. “Quoted for education and criticism”."),
        Input::select(
            "perspective",
            &key("perspective"),
            "The document's own perspective (optional)",
            &document.perspective,
            perspective_choices(draft, "None given"),
            placed,
        ),
    ]
}

/// Reads a document's form; the text is read by the caller (pasted or a file).
pub fn read_document(fields: &[(String, String)], document: &mut DraftDocument) {
    let text = |name: &str| field(fields, name).unwrap_or_default().trim().to_string();
    document.title = text("title");
    document.short_title = text("short_title");
    document.id = text("id");
    document.author = text("author");
    document.publisher = text("publisher");
    document.kind = text("kind");
    document.date = text("date");
    document.url = text("url");
    document.licence = text("licence");
    document.perspective = text("perspective");
}

/// An id made of `text`'s letters and digits (lower case, hyphens between words), not
/// one of `taken`.
pub fn id_from(text: &str, fallback: &str, taken: &[&str]) -> String {
    let mut id = String::new();
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        if id.len() + word.len() > 40 {
            break;
        }
        if !id.is_empty() {
            id.push('-');
        }
        id.push_str(&word.to_ascii_lowercase());
    }
    if id.is_empty() {
        id = fallback.to_string();
    }
    let mut candidate = id.clone();
    let mut number = 2;
    while taken.contains(&candidate.as_str()) {
        candidate = format!("{id}-{number}");
        number += 1;
    }
    candidate
}

/// Renames a document wherever the draft's exercises quote it or answer with it.
pub fn rename_document(draft: &mut Draft, old: &str, new: &str) {
    for exercise in &mut draft.exercises {
        let quotes = exercise
            .passage
            .iter_mut()
            .chain(exercise.evidence.iter_mut());
        for quote in quotes {
            if quote.source == old {
                quote.source = new.to_string();
            }
        }
        for version in &mut exercise.versions {
            if version.source == old {
                version.source = new.to_string();
            }
        }
        if exercise.kind == Skill::Source.slug() {
            for option in &mut exercise.options {
                if option.answer == old {
                    option.answer = new.to_string();
                }
            }
        }
    }
}

// ---- Exercises ----

/// The answers an exercise of `skill` offers in `draft`: value and label.
pub fn possible_answers(draft: &Draft, skill: Skill) -> Vec<(String, String)> {
    match skill {
        Skill::Source => draft
            .documents
            .iter()
            .map(|document| (document.id.clone(), document_label(document).to_string()))
            .collect(),
        Skill::Perspective => perspective_choices(draft, "").into_iter().skip(1).collect(),
        Skill::Contested | Skill::Quote => crate::content::fixed_answers(skill)
            .iter()
            .map(|(value, label)| (value.to_string(), label.to_string()))
            .collect(),
    }
}

/// An exercise's form, in its groups.
pub struct ExerciseForm {
    /// Id, question, claim, speaker and explanation.
    pub main: Vec<Input>,
    /// The passage: document, text, note.
    pub passage: Option<Group>,
    pub options: Vec<OptionRow>,
    /// Problems of the options as a whole (none correct, two correct…): the exercise's.
    pub evidence: Vec<Group>,
    pub versions: Vec<Group>,
    pub originals: Vec<Group>,
    /// Problems of the exercise as a whole.
    pub errors: Vec<String>,
}

/// One possible answer of an exercise, with its "why" and whether it is the right one.
pub struct OptionRow {
    pub answer: String,
    pub label: String,
    pub correct: bool,
    pub why: Input,
    pub errors: Vec<String>,
}

/// The form of exercise `index` of `draft`.
pub fn exercise_form(
    draft: &Draft,
    index: usize,
    exercise: &DraftExercise,
    skill: Skill,
    placed: &Placed,
) -> ExerciseForm {
    let key = |field: &str| format!("exercise.{index}.{field}");
    let mut main = vec![
        Input::line("id", &key("id"), "Id", &exercise.id, placed)
            .hint("Lower-case letters, digits and hyphens. Keep it once students have answered."),
        Input::line(
            "question",
            &key("question"),
            "Question (optional)",
            &exercise.question,
            placed,
        )
        .hint(format!("Left empty, it is “{}”", skill.default_question())),
    ];
    if skill == Skill::Contested {
        main.push(
            Input::text("claim", &key("claim"), "Claim", &exercise.claim, 2, placed).hint(
                "One sentence, in your own words, that learners check against the documents.",
            ),
        );
    }
    if skill == Skill::Quote {
        main.push(
            Input::line(
                "speaker",
                &key("speaker"),
                "Speaker",
                &exercise.speaker,
                placed,
            )
            .hint("To whom the document attributes the words."),
        );
    }
    main.push(
        Input::text(
            "explanation",
            &key("explanation"),
            "Explanation",
            &exercise.explanation,
            5,
            placed,
        )
        .hint("Shown after an answer: the cues, attributed to the documents, and a habit to keep. It never rules on what happened."),
    );
    let documents = document_choices(draft);
    let passage = (skill != Skill::Contested).then(|| {
        let blank = DraftQuote::default();
        let passage = exercise.passage.as_ref().unwrap_or(&blank);
        let key = key("passage");
        let mut group = Group::new(
            &key,
            "The passage learners read",
            vec![
                Input::select(
                    "passage_source",
                    &format!("{key}.source"),
                    "From the document",
                    &passage.source,
                    documents.clone(),
                    placed,
                ),
                Input::text(
                    "passage_text",
                    &format!("{key}.text"),
                    "Text, exactly as the document has it",
                    &passage.text,
                    4,
                    placed,
                ),
                Input::line(
                    "passage_note",
                    &format!("{key}.note"),
                    "Note (optional)",
                    &passage.note,
                    placed,
                )
                .hint("Who speaks in it, shown with the feedback."),
            ],
            placed,
        );
        group.hint =
            "Paste it, or select it in a document at the top of the page and press “Use as the passage”.".into();
        group
    });
    let options = option_rows(draft, index, exercise, skill, placed);
    let evidence = quote_groups(
        index,
        "evidence",
        "Evidence",
        &exercise
            .evidence
            .iter()
            .map(|quote| (quote.clone(), String::new()))
            .collect::<Vec<_>>(),
        &documents,
        false,
        placed,
    );
    let versions = if skill == Skill::Quote {
        quote_groups(
            index,
            "version",
            "Another document's version",
            &exercise
                .versions
                .iter()
                .map(|version| {
                    (
                        DraftQuote {
                            source: version.source.clone(),
                            text: version.text.clone(),
                            note: version.note.clone(),
                        },
                        version.difference.clone(),
                    )
                })
                .collect::<Vec<_>>(),
            &documents,
            true,
            placed,
        )
    } else {
        Vec::new()
    };
    let blank = DraftOriginal::default();
    let originals = exercise
        .originals
        .iter()
        .chain(std::iter::repeat_n(&blank, 1))
        .enumerate()
        .map(|(row, original)| {
            let key = format!("exercise.{index}.original.{row}");
            Group::new(
                &key,
                if row < exercise.originals.len() {
                    format!("Check it yourself {}", row + 1)
                } else {
                    "Add a “check it yourself” entry".to_string()
                },
                vec![
                    Input::line(
                        "original_title",
                        &format!("{key}.title"),
                        "Title of the original a document cites",
                        &original.title,
                        placed,
                    ),
                    Input::text(
                        "original_look_for",
                        &format!("{key}.look_for"),
                        "What to look for in it",
                        &original.look_for,
                        2,
                        placed,
                    ),
                    Input::line(
                        "original_url",
                        &format!("{key}.url"),
                        "Address (optional: only one a document gives)",
                        &original.url,
                        placed,
                    ),
                ],
                placed,
            )
        })
        .collect();
    ExerciseForm {
        main,
        passage,
        options,
        evidence,
        versions,
        originals,
        errors: placed.at(&format!("exercise.{index}")),
    }
}

fn option_rows(
    draft: &Draft,
    index: usize,
    exercise: &DraftExercise,
    skill: Skill,
    placed: &Placed,
) -> Vec<OptionRow> {
    let mut answers = possible_answers(draft, skill);
    // An option whose answer the pack no longer has (a document deleted) still shows,
    // so that its problem can be seen and its why cleared.
    for option in &exercise.options {
        if !answers.iter().any(|(value, _)| value == &option.answer) {
            answers.push((
                option.answer.clone(),
                format!("“{}” (not in the pack)", option.answer),
            ));
        }
    }
    answers
        .into_iter()
        .enumerate()
        .map(|(row, (answer, label))| {
            let given = exercise
                .options
                .iter()
                .position(|option| option.answer == answer);
            let option = given.map(|at| &exercise.options[at]);
            let key = match given {
                Some(at) => format!("exercise.{index}.option.{at}"),
                None => format!("exercise.{index}.row.{row}"),
            };
            let mut why = Input::text(
                "option_why",
                &format!("{key}.why"),
                &format!("Why “{label}” is right or wrong"),
                option.map_or("", |option| option.why.as_str()),
                2,
                placed,
            );
            why.errors.extend(placed.at(&format!("{key}.answer")));
            OptionRow {
                correct: option.is_some_and(|option| option.correct),
                errors: placed.at(&key),
                answer,
                label,
                why,
            }
        })
        .collect()
}

/// Rows of quotes (evidence or versions), each one's and one blank.
fn quote_groups(
    index: usize,
    kind: &str,
    legend: &str,
    quotes: &[(DraftQuote, String)],
    documents: &[(String, String)],
    versions: bool,
    placed: &Placed,
) -> Vec<Group> {
    let blank = (DraftQuote::default(), String::new());
    quotes
        .iter()
        .chain(std::iter::repeat_n(&blank, 1))
        .enumerate()
        .map(|(row, (quote, difference))| {
            let key = format!("exercise.{index}.{kind}.{row}");
            let mut inputs = vec![
                Input::select(
                    &format!("{kind}_source"),
                    &format!("{key}.source"),
                    "From the document",
                    &quote.source,
                    documents.to_vec(),
                    placed,
                ),
                Input::text(
                    &format!("{kind}_text"),
                    &format!("{key}.text"),
                    "Text, exactly as the document has it",
                    &quote.text,
                    3,
                    placed,
                ),
                Input::line(
                    &format!("{kind}_note"),
                    &format!("{key}.note"),
                    "Note: who speaks (optional)",
                    &quote.note,
                    placed,
                ),
            ];
            if versions {
                inputs.push(Input::text(
                    "version_difference",
                    &format!("{key}.difference"),
                    "What the differences do to the meaning (if its words differ)",
                    difference,
                    2,
                    placed,
                ));
            }
            let legend = if row < quotes.len() {
                format!("{legend} {}", row + 1)
            } else {
                format!("Add: {}", legend.to_lowercase())
            };
            let mut group = Group::new(&key, legend, inputs, placed);
            group.hint = if row < quotes.len() {
                "Clear its text to remove it.".into()
            } else {
                "Paste it, or select it in a document at the top of the page and press the button."
                    .into()
            };
            group
        })
        .collect()
}

/// Reads an exercise's form into `exercise` (of kind `skill`).
pub fn read_exercise(fields: &[(String, String)], exercise: &mut DraftExercise, skill: Skill) {
    let text = |name: &str| field(fields, name).unwrap_or_default().trim().to_string();
    exercise.kind = skill.slug().to_string();
    exercise.id = text("id");
    exercise.question = text("question");
    exercise.claim = if skill == Skill::Contested {
        text("claim")
    } else {
        String::new()
    };
    exercise.speaker = if skill == Skill::Quote {
        text("speaker")
    } else {
        String::new()
    };
    exercise.explanation = text("explanation");
    exercise.passage = if skill == Skill::Contested {
        None
    } else {
        let passage = DraftQuote {
            source: text("passage_source"),
            text: text("passage_text"),
            note: text("passage_note"),
        };
        (passage != DraftQuote::default()).then_some(passage)
    };
    let answers = every_field(fields, "option_answer");
    let whys = every_field(fields, "option_why");
    let correct = field(fields, "correct").unwrap_or_default();
    exercise.options = answers
        .iter()
        .enumerate()
        .map(|(row, answer)| DraftOption {
            answer: answer.to_string(),
            correct: *answer == correct,
            why: whys.get(row).unwrap_or(&"").trim().to_string(),
        })
        .filter(|option| option.correct || !option.why.is_empty())
        .collect();
    exercise.evidence = quotes(fields, "evidence")
        .into_iter()
        .map(|(quote, _)| quote)
        .collect();
    exercise.versions = if skill == Skill::Quote {
        quotes(fields, "version")
            .into_iter()
            .map(|(quote, difference)| DraftVersion {
                source: quote.source,
                text: quote.text,
                note: quote.note,
                difference,
            })
            .collect()
    } else {
        Vec::new()
    };
    let titles = every_field(fields, "original_title");
    let look_fors = every_field(fields, "original_look_for");
    let urls = every_field(fields, "original_url");
    exercise.originals = titles
        .iter()
        .enumerate()
        .map(|(row, title)| DraftOriginal {
            title: title.trim().to_string(),
            look_for: look_fors.get(row).unwrap_or(&"").trim().to_string(),
            url: urls.get(row).unwrap_or(&"").trim().to_string(),
        })
        .filter(|original| original != &DraftOriginal::default())
        .collect();
}

/// The rows of quotes named `kind` (`evidence`, `version`) a form sent, leaving out
/// those with no text and no note; with each one's difference (versions).
fn quotes(fields: &[(String, String)], kind: &str) -> Vec<(DraftQuote, String)> {
    let sources = every_field(fields, &format!("{kind}_source"));
    let texts = every_field(fields, &format!("{kind}_text"));
    let notes = every_field(fields, &format!("{kind}_note"));
    let differences = every_field(fields, "version_difference");
    texts
        .iter()
        .enumerate()
        .map(|(row, text)| {
            (
                DraftQuote {
                    source: sources.get(row).unwrap_or(&"").trim().to_string(),
                    text: text.trim().to_string(),
                    note: notes.get(row).unwrap_or(&"").trim().to_string(),
                },
                if kind == "version" {
                    differences.get(row).unwrap_or(&"").trim().to_string()
                } else {
                    String::new()
                },
            )
        })
        .filter(|(quote, difference)| {
            !quote.text.is_empty() || !quote.note.is_empty() || !difference.is_empty()
        })
        .collect()
}

/// A new exercise's id: the kind and the next free number, as `source-03`.
pub fn next_exercise_id(draft: &Draft, skill: Skill) -> String {
    (1..)
        .map(|number| format!("{}-{number:02}", skill.slug()))
        .find(|id| !draft.exercises.iter().any(|exercise| &exercise.id == id))
        .unwrap_or_default()
}

// ---- Glossary ----

/// The glossary form's groups: each term's, then blank ones.
pub fn term_groups(draft: &Draft, placed: &Placed) -> Vec<Group> {
    let blank = DraftTerm::default();
    let rows = draft.terms.len();
    draft
        .terms
        .iter()
        .chain(std::iter::repeat_n(&blank, BLANK_ROWS))
        .enumerate()
        .map(|(index, term)| {
            let key = format!("term.{index}");
            let mut group = Group::new(
                &key,
                if index < rows {
                    format!("Term {}", index + 1)
                } else {
                    "Add a term".to_string()
                },
                vec![
                    Input::line(
                        "term_term",
                        &format!("{key}.term"),
                        "Term",
                        &term.term,
                        placed,
                    ),
                    Input::line(
                        "term_id",
                        &format!("{key}.id"),
                        "Id (optional)",
                        &term.id,
                        placed,
                    )
                    .hint("Made from the term if left empty."),
                    Input::line(
                        "term_aliases",
                        &format!("{key}.aliases"),
                        "Other forms (optional)",
                        &term.aliases.join(", "),
                        placed,
                    )
                    .hint("Separated by commas, e.g. plurals."),
                    Input::text(
                        "term_definition",
                        &format!("{key}.definition"),
                        "Definition",
                        &term.definition,
                        2,
                        placed,
                    ),
                    Input::line(
                        "term_attribution",
                        &format!("{key}.attribution"),
                        "Whose definition (optional)",
                        &term.attribution,
                        placed,
                    ),
                ],
                placed,
            );
            if index < rows {
                group.hint = "Clear the term and its definition to remove it.".into();
            }
            group
        })
        .collect()
}

/// Reads the glossary form into `draft`.
pub fn read_terms(draft: &mut Draft, fields: &[(String, String)]) {
    let terms = every_field(fields, "term_term");
    let ids = every_field(fields, "term_id");
    let aliases = every_field(fields, "term_aliases");
    let definitions = every_field(fields, "term_definition");
    let attributions = every_field(fields, "term_attribution");
    let mut read: Vec<DraftTerm> = Vec::new();
    for (row, term) in terms.iter().enumerate() {
        let mut entry = DraftTerm {
            id: ids.get(row).unwrap_or(&"").trim().to_string(),
            term: term.trim().to_string(),
            aliases: aliases
                .get(row)
                .unwrap_or(&"")
                .split(',')
                .map(str::trim)
                .filter(|alias| !alias.is_empty())
                .map(str::to_string)
                .collect(),
            definition: definitions.get(row).unwrap_or(&"").trim().to_string(),
            attribution: attributions.get(row).unwrap_or(&"").trim().to_string(),
        };
        if entry.term.is_empty() && entry.definition.is_empty() {
            continue;
        }
        if entry.id.is_empty() {
            let taken: Vec<&str> = read.iter().map(|term| term.id.as_str()).collect();
            entry.id = id_from(&entry.term, "term", &taken);
        }
        read.push(entry);
    }
    draft.terms = read;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    }

    #[test]
    fn ids_are_made_from_words_and_kept_apart() {
        assert_eq!(
            id_from("The Council's Press Release", "x", &[]),
            "the-council-s-press-release"
        );
        assert_eq!(id_from("«»", "document", &[]), "document");
        assert_eq!(id_from("Report", "x", &["report", "report-2"]), "report-3");
    }

    #[test]
    fn blank_rows_are_left_out_and_the_correct_option_is_kept_without_a_why() {
        let mut exercise = DraftExercise::default();
        let form = fields(&[
            ("id", "source-01"),
            ("passage_source", "a"),
            ("passage_text", " Some words. "),
            ("passage_note", ""),
            ("explanation", "Because."),
            ("option_answer", "a"),
            ("option_why", ""),
            ("option_answer", "b"),
            ("option_why", "It is not b."),
            ("option_answer", "c"),
            ("option_why", ""),
            ("correct", "a"),
            ("evidence_source", ""),
            ("evidence_text", ""),
            ("evidence_note", ""),
            ("original_title", ""),
            ("original_look_for", ""),
            ("original_url", ""),
        ]);
        read_exercise(&form, &mut exercise, Skill::Source);
        assert_eq!(exercise.kind, "source");
        assert_eq!(exercise.passage.as_ref().unwrap().text, "Some words.");
        let options: Vec<(&str, bool)> = exercise
            .options
            .iter()
            .map(|option| (option.answer.as_str(), option.correct))
            .collect();
        assert_eq!(options, [("a", true), ("b", false)]);
        assert!(exercise.evidence.is_empty());
        assert!(exercise.originals.is_empty());
    }

    #[test]
    fn renaming_a_document_follows_it_into_exercises() {
        let mut draft = Draft::default();
        draft.exercises.push(DraftExercise {
            kind: "source".into(),
            passage: Some(DraftQuote {
                source: "old".into(),
                ..DraftQuote::default()
            }),
            options: vec![DraftOption {
                answer: "old".into(),
                correct: true,
                why: "w".into(),
            }],
            ..DraftExercise::default()
        });
        rename_document(&mut draft, "old", "new");
        let exercise = &draft.exercises[0];
        assert_eq!(exercise.passage.as_ref().unwrap().source, "new");
        assert_eq!(exercise.options[0].answer, "new");
    }
}
