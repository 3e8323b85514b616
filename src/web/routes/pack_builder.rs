//! The pack builder: a teacher makes a pack of their own in the browser, from their own
//! documents, and edits its parts (about, documents, exercises of the four kinds, the
//! glossary). Every save stores the pack whatever its problems, as a draft: each page
//! then shows each problem at its field, in the loader's own words. Files that pass
//! are served at once; files that do not leave the last ones that passed served.
//!
//! A pack's id is chosen once, when it is made: its key, in what was assigned from it,
//! keeps it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::see_other;
use crate::content::Skill;
use crate::content::draft::{Draft, DraftDocument, DraftExercise, DraftQuote, FieldMap};
use crate::content::load::{ID_RULE, PackFiles, is_valid_id};
use crate::ids::Token;
use crate::teacher_packs::{MAX_DOCUMENT_BYTES, MAX_DOCUMENTS, TeacherPack, folder_of, too_many};
use crate::web::builder_view::{
    ExerciseForm, Group, Input, Placed, about_inputs, document_inputs, document_label,
    exercise_form, id_from, input_id, next_exercise_id, perspective_groups, read_about,
    read_document, read_exercise, read_terms, rename_document, settle, term_groups,
};
use crate::web::error::AppError;
use crate::web::extract::{BuilderForm, OwnedPack, field};
use crate::web::own_packs::{on_report_thread, problems_of, save_files};
use crate::web::sign_in::SignedIn;
use crate::web::view::{ChoiceOutcome, Gloss, passage_from};
use crate::web::{AppState, now};

/// A pack's draft with its problems at their fields.
pub struct Working {
    pub draft: Draft,
    pub placed: Placed,
}

/// The draft of `pack`'s working copy and its problems.
pub async fn working(state: &AppState, pack: &TeacherPack) -> Result<Working, AppError> {
    let checking = pack.clone();
    on_report_thread(state, move || {
        let draft = parsed(&checking)?;
        let (files, map) = draft.to_files(folder_of(&checking.pack_id));
        let problems = problems_of(&checking, &files);
        Ok(Working {
            placed: Placed::new(&map, &problems),
            draft,
        })
    })
    .await?
}

/// The draft of `pack`'s working copy, unchecked: for the pages that show its
/// documents, not its problems.
pub async fn draft_of(state: &AppState, pack: &TeacherPack) -> Result<Draft, AppError> {
    let reading = pack.clone();
    on_report_thread(state, move || parsed(&reading)).await?
}

fn parsed(pack: &TeacherPack) -> Result<Draft, AppError> {
    Draft::from_files(&pack.files).map_err(|problems| {
        AppError::bad_request_with_back(
            format!(
                "This pack's files cannot be edited here: {}. Export it, fix its files and import it again.",
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            format!("/teachers/packs/{}", pack.id),
        )
    })
}

/// Stores `draft` as `pack`'s working copy; returns the problems it has.
async fn save(state: &AppState, pack: TeacherPack, draft: Draft) -> Result<usize, AppError> {
    let (files, map): (PackFiles, FieldMap) = draft.to_files(folder_of(&pack.pack_id));
    let (_, problems) = save_files(state, pack, files).await?;
    Ok(Placed::new(&map, &problems).count())
}

/// Where a builder page sends the teacher after a save: back to `url`, saying how it went.
fn saved(url: &str, problems: usize) -> HttpResponse {
    see_other(format!("{url}?saved={problems}"))
}

/// What a page says after a save, from its `saved` query.
fn saved_notice(saved: Option<usize>) -> Option<String> {
    saved.map(|problems| match problems {
        0 => "Saved. The pack passes every check.".to_string(),
        1 => "Saved as a draft. The pack has 1 problem: it is shown at its field, and on the pack's page.".to_string(),
        n => format!("Saved as a draft. The pack has {n} problems: each is shown at its field, and listed on the pack's page."),
    })
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<usize>,
}

/// A builder form's fields, with the line breaks a browser sends (CR LF) as the pack's
/// files have them (LF).
fn fields_of(form: &BuilderForm) -> Vec<(String, String)> {
    form.fields
        .iter()
        .map(|(name, value)| (name.clone(), value.replace("\r\n", "\n")))
        .collect()
}

fn pack_url(pack: &TeacherPack) -> String {
    format!("/teachers/packs/{}", pack.id)
}

// ---- A new pack, and its "about" ----

#[derive(Template)]
#[template(path = "teachers/builder/about.html")]
struct AboutPage {
    /// `None` for a new pack.
    pack_url: Option<String>,
    pack_id: String,
    id_error: Option<String>,
    inputs: Vec<Input>,
    perspectives: Vec<Group>,
    notice: Option<String>,
    csrf: String,
}

/// `GET /teachers/packs/new`: the form that makes a pack.
pub async fn show_new_pack(signed_in: SignedIn) -> Result<HttpResponse, AppError> {
    let draft = Draft::default();
    super::html(&AboutPage {
        pack_url: None,
        pack_id: String::new(),
        id_error: None,
        inputs: about_inputs(&draft, &Placed::default()),
        perspectives: perspective_groups(&draft, &Placed::default()),
        notice: None,
        csrf: signed_in.sign_in.csrf.to_string(),
    })
}

/// Why `pack_id` cannot be a new pack's id for this teacher, if it cannot.
pub fn id_refusal(
    state: &AppState,
    teacher: Token,
    pack_id: &str,
) -> Result<Option<String>, AppError> {
    if !is_valid_id(pack_id) {
        return Ok(Some(format!(
            "“{pack_id}” cannot be a pack's id: {ID_RULE}."
        )));
    }
    let clash = if state.shelf.site_packs().any(|pack| pack.id() == pack_id) {
        Some("a lesson this site offers to everyone")
    } else if state
        .storage
        .teacher_packs_of(teacher)?
        .iter()
        .any(|pack| pack.pack_id == pack_id)
    {
        Some("one of your packs")
    } else {
        None
    };
    Ok(clash.map(|clash| format!("The id “{pack_id}” is taken by {clash}. Choose another.")))
}

/// `POST /teachers/packs/new`: makes a pack, as a draft, unpublished.
pub async fn create_pack(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    form: BuilderForm,
) -> Result<HttpResponse, AppError> {
    let fields = fields_of(&form);
    let pack_id = field(&fields, "pack_id")
        .unwrap_or_default()
        .trim()
        .to_string();
    let mut draft = Draft {
        id: pack_id.clone(),
        ..Draft::default()
    };
    read_about(&mut draft, &fields);
    let count = state.storage.teacher_packs_of(signed_in.teacher.id)?.len();
    let refusal = match too_many(count) {
        Some(refusal) => Some(refusal),
        None => id_refusal(&state, signed_in.teacher.id, &pack_id)?,
    };
    if let Some(refusal) = refusal {
        let page = AboutPage {
            pack_url: None,
            pack_id,
            id_error: Some(refusal),
            inputs: about_inputs(&draft, &Placed::default()),
            perspectives: perspective_groups(&draft, &Placed::default()),
            notice: None,
            csrf: signed_in.sign_in.csrf.to_string(),
        };
        return super::html_with(StatusCode::BAD_REQUEST, &page, None);
    }
    let now = now();
    let pack = TeacherPack {
        id: Token::random(&mut rand::rng()),
        teacher: signed_in.teacher.id,
        pack_id: pack_id.clone(),
        files: PackFiles::new(folder_of(&pack_id)),
        published: false,
        created_at: now,
        updated_at: now,
        served: None,
        versions: Vec::new(),
    };
    let url = pack_url(&pack);
    save(&state, pack, draft).await?;
    Ok(see_other(format!("{url}?notice=created")))
}

/// `GET /teachers/packs/{pack}/about`
pub async fn show_about(
    state: web::Data<AppState>,
    OwnedPack { signed_in, pack }: OwnedPack,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, AppError> {
    let Working { draft, placed } = working(&state, &pack).await?;
    super::html(&AboutPage {
        pack_url: Some(pack_url(&pack)),
        pack_id: pack.pack_id.clone(),
        id_error: None,
        inputs: about_inputs(&draft, &placed),
        perspectives: perspective_groups(&draft, &placed),
        notice: saved_notice(query.saved),
        csrf: signed_in.sign_in.csrf.to_string(),
    })
}

/// `POST /teachers/packs/{pack}/about`
pub async fn update_about(
    state: web::Data<AppState>,
    OwnedPack { pack, .. }: OwnedPack,
    form: BuilderForm,
) -> Result<HttpResponse, AppError> {
    save_part(&state, pack, &form, "about", read_about).await
}

/// Reads a form of the pack's part `part` (its page's last segment) with `read`, saves
/// the pack, and sends the teacher back to that page.
async fn save_part(
    state: &AppState,
    pack: TeacherPack,
    form: &BuilderForm,
    part: &str,
    read: fn(&mut Draft, &[(String, String)]),
) -> Result<HttpResponse, AppError> {
    let mut draft = draft_of(state, &pack).await?;
    read(&mut draft, &fields_of(form));
    let url = format!("{}/{part}", pack_url(&pack));
    let problems = save(state, pack, draft).await?;
    Ok(saved(&url, problems))
}

// ---- Documents ----

#[derive(Template)]
#[template(path = "teachers/builder/document.html")]
struct DocumentPage {
    pack_url: String,
    /// The form's address: the document's, or the pack's documents' for a new one.
    action: String,
    heading: String,
    inputs: Vec<Input>,
    text: Input,
    /// Why the form was not stored, if it was not.
    refusal: Option<String>,
    notice: Option<String>,
    /// The document's number, once it has one.
    number: Option<usize>,
    csrf: String,
    max_document_mb: usize,
}

#[derive(Deserialize)]
pub struct ItemPath {
    number: usize,
}

/// The document numbered `number` (from 1) of `draft`, or 404.
fn document_at(draft: &Draft, number: usize) -> Result<usize, AppError> {
    item_at(draft.documents.len(), number, "document")
}

/// The index of the item numbered `number` (from 1) of `count` items called `what`
/// (a document, an exercise), or 404.
fn item_at(count: usize, number: usize, what: &str) -> Result<usize, AppError> {
    (1..=count).contains(&number).then(|| number - 1).ok_or_else(|| {
        AppError::NotFound(format!(
            "This pack has no {what} at this address. Its {what}s are listed on the pack's page."
        ))
    })
}

fn text_input(index: usize, text: &str, placed: &Placed) -> Input {
    let key = format!("document.{index}.text");
    Input {
        name: "text".into(),
        id: input_id(&key),
        label: "The document's text".into(),
        value: text.to_string(),
        hint: "Paste it here, or choose a .txt or .md file below. It is kept exactly as given: every passage of an exercise must be found in it word for word.".into(),
        rows: 12,
        choices: Vec::new(),
        errors: placed.at(&key),
    }
}

fn document_page(
    pack: &TeacherPack,
    signed_in: &SignedIn,
    draft: &Draft,
    index: usize,
    document: &DraftDocument,
    placed: &Placed,
) -> DocumentPage {
    let is_new = index >= draft.documents.len();
    let number = (!is_new).then_some(index + 1);
    DocumentPage {
        pack_url: pack_url(pack),
        action: match number {
            Some(number) => format!("{}/documents/{number}", pack_url(pack)),
            None => format!("{}/documents", pack_url(pack)),
        },
        heading: if is_new {
            "Add a document".to_string()
        } else {
            format!("Document {}: {}", index + 1, document_label(document))
        },
        inputs: document_inputs(draft, index, document, placed),
        text: text_input(index, &document.text, placed),
        refusal: None,
        notice: None,
        number,
        csrf: signed_in.sign_in.csrf.to_string(),
        max_document_mb: MAX_DOCUMENT_BYTES / (1024 * 1024),
    }
}

/// `GET /teachers/packs/{pack}/documents/new`
pub async fn show_new_document(
    state: web::Data<AppState>,
    OwnedPack { signed_in, pack }: OwnedPack,
) -> Result<HttpResponse, AppError> {
    let draft = draft_of(&state, &pack).await?;
    if draft.documents.len() >= MAX_DOCUMENTS {
        return Err(AppError::bad_request_with_back(
            format!(
                "This pack has {MAX_DOCUMENTS} documents, the most a pack may have. Delete one to add another."
            ),
            pack_url(&pack),
        ));
    }
    let index = draft.documents.len();
    let page = document_page(
        &pack,
        &signed_in,
        &draft,
        index,
        &DraftDocument::default(),
        &Placed::default(),
    );
    super::html(&page)
}

/// `GET /teachers/packs/{pack}/documents/{number}`
pub async fn show_document(
    state: web::Data<AppState>,
    OwnedPack { signed_in, pack }: OwnedPack,
    path: web::Path<ItemPath>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, AppError> {
    let Working { draft, placed } = working(&state, &pack).await?;
    let index = document_at(&draft, path.number)?;
    let mut page = document_page(
        &pack,
        &signed_in,
        &draft,
        index,
        &draft.documents[index],
        &placed,
    );
    page.notice = saved_notice(query.saved);
    super::html(&page)
}

/// `GET /teachers/packs/{pack}/documents/{number}/text`: the document's text alone, for
/// the exercise form's script that selects passages in it.
pub async fn show_document_text(
    state: web::Data<AppState>,
    OwnedPack { pack, .. }: OwnedPack,
    path: web::Path<ItemPath>,
) -> Result<HttpResponse, AppError> {
    let draft = draft_of(&state, &pack).await?;
    let index = document_at(&draft, path.number)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(draft.documents[index].text.clone()))
}

/// `POST /teachers/packs/{pack}/documents`: adds a document.
pub async fn create_document(
    state: web::Data<AppState>,
    OwnedPack { signed_in, pack }: OwnedPack,
    form: BuilderForm,
) -> Result<HttpResponse, AppError> {
    let draft = draft_of(&state, &pack).await?;
    let index = draft.documents.len();
    store_document(&state, &signed_in, pack, draft, index, form).await
}

/// `POST /teachers/packs/{pack}/documents/{number}`: changes a document.
pub async fn update_document(
    state: web::Data<AppState>,
    OwnedPack { signed_in, pack }: OwnedPack,
    path: web::Path<ItemPath>,
    form: BuilderForm,
) -> Result<HttpResponse, AppError> {
    let draft = draft_of(&state, &pack).await?;
    let index = document_at(&draft, path.number)?;
    store_document(&state, &signed_in, pack, draft, index, form).await
}

/// Reads a document's form into document `index` of `draft` (a new one if it is past
/// the last) and saves the pack; a text that cannot be taken is refused with the form
/// as sent, and nothing is stored.
async fn store_document(
    state: &AppState,
    signed_in: &SignedIn,
    pack: TeacherPack,
    mut draft: Draft,
    index: usize,
    form: BuilderForm,
) -> Result<HttpResponse, AppError> {
    let fields = fields_of(&form);
    let is_new = index >= draft.documents.len();
    let mut document = draft.documents.get(index).cloned().unwrap_or_default();
    let old_id = document.id.clone();
    read_document(&fields, &mut document);
    let pasted = field(&fields, "text").unwrap_or_default().to_string();
    let text = match &form.file {
        Some(file) => String::from_utf8(file.bytes.clone()).map_err(|_| {
            format!(
                "“{}” is not UTF-8 text, so it was not taken. Save it as UTF-8 text (.txt) and choose it again, or paste its text. Nothing was stored.",
                file.filename
            )
        }),
        None => Ok(pasted.clone()),
    };
    let refusal = match &text {
        Err(message) => Some(message.clone()),
        Ok(_) if is_new && draft.documents.len() >= MAX_DOCUMENTS => Some(format!(
            "This pack has {MAX_DOCUMENTS} documents, the most a pack may have. Nothing was stored."
        )),
        Ok(text) if text.len() > MAX_DOCUMENT_BYTES => Some(format!(
            "The text has {} bytes; a document may have 1 MB (1,048,576 bytes) at most. Split it, or keep the part the lesson needs. Nothing was stored.",
            text.len()
        )),
        Ok(text) if text.trim().is_empty() => Some(
            "The document has no text: paste it, or choose a .txt or .md file. Nothing was stored."
                .to_string(),
        ),
        Ok(_) => None,
    };
    if let Some(refusal) = refusal {
        document.text = pasted;
        let mut page = document_page(
            &pack,
            signed_in,
            &draft,
            index,
            &document,
            &Placed::default(),
        );
        page.text.errors.push(refusal.clone());
        page.refusal = Some(refusal);
        return super::html_with(StatusCode::BAD_REQUEST, &page, None);
    }
    document.text = text.unwrap_or_default();
    if document.id.is_empty() {
        let taken: Vec<&str> = draft
            .documents
            .iter()
            .enumerate()
            .filter(|(at, _)| *at != index)
            .map(|(_, document)| document.id.as_str())
            .collect();
        document.id = id_from(
            if document.short_title.is_empty() {
                &document.title
            } else {
                &document.short_title
            },
            "document",
            &taken,
        );
    }
    let id_problem = if !is_valid_id(&document.id) {
        Some(format!(
            "“{}” cannot be a document's id: {ID_RULE}.",
            document.id
        ))
    } else if draft
        .documents
        .iter()
        .enumerate()
        .any(|(at, other)| at != index && other.id == document.id)
    {
        Some(format!(
            "Another document of the pack has the id “{}”: choose another.",
            document.id
        ))
    } else {
        None
    };
    if let Some(problem) = id_problem {
        let mut page = document_page(
            &pack,
            signed_in,
            &draft,
            index,
            &document,
            &Placed::default(),
        );
        if let Some(input) = page.inputs.iter_mut().find(|input| input.name == "id") {
            input.errors.push(problem.clone());
        }
        page.refusal = Some(format!("{problem} Nothing was stored."));
        return super::html_with(StatusCode::BAD_REQUEST, &page, None);
    }
    if !is_new && !old_id.is_empty() && old_id != document.id {
        rename_document(&mut draft, &old_id, &document.id);
    }
    if is_new {
        draft.documents.push(document);
    } else {
        draft.documents[index] = document;
    }
    let (index, _) = settle(&mut draft, Some(index), None);
    let url = format!(
        "{}/documents/{}",
        pack_url(&pack),
        index.unwrap_or_default() + 1
    );
    let problems = save(state, pack, draft).await?;
    Ok(saved(&url, problems))
}

// ---- Deleting a document or an exercise ----

/// The page that asks before something is deleted, saying what goes with it.
#[derive(Template)]
#[template(path = "teachers/builder/delete.html")]
pub(super) struct DeletePage {
    pub(super) pack_url: String,
    pub(super) heading: String,
    pub(super) consequences: Vec<String>,
    pub(super) action: String,
    pub(super) button: String,
    pub(super) csrf: String,
}

/// `GET /teachers/packs/{pack}/documents/{number}/delete`: what deleting it would do.
pub async fn show_delete_document(
    state: web::Data<AppState>,
    OwnedPack { signed_in, pack }: OwnedPack,
    path: web::Path<ItemPath>,
) -> Result<HttpResponse, AppError> {
    let draft = draft_of(&state, &pack).await?;
    let index = document_at(&draft, path.number)?;
    let document = &draft.documents[index];
    let users: Vec<String> = draft
        .exercises
        .iter()
        .filter(|exercise| quotes_or_answers(exercise, &document.id))
        .map(|exercise| exercise.id.clone())
        .collect();
    let mut consequences = vec![format!(
        "Its text and its details go. You cannot undo this; export the pack first to keep a copy."
    )];
    if !users.is_empty() {
        consequences.push(format!(
            "These exercises quote it or offer it as an answer, and will have problems to fix: {}.",
            users.join(", ")
        ));
    }
    super::html(&DeletePage {
        pack_url: pack_url(&pack),
        heading: format!("Delete the document “{}”?", document_label(document)),
        consequences,
        action: format!("{}/documents/{}/delete", pack_url(&pack), index + 1),
        button: "Delete the document".into(),
        csrf: signed_in.sign_in.csrf.to_string(),
    })
}

/// Removes an item called `what` from the pack's draft with `remove`, saves the pack
/// and leads back to its page, which says so.
async fn remove_item(
    state: &AppState,
    pack: TeacherPack,
    what: &str,
    remove: impl FnOnce(&mut Draft) -> Result<(), AppError>,
) -> Result<HttpResponse, AppError> {
    let mut draft = draft_of(state, &pack).await?;
    remove(&mut draft)?;
    let url = pack_url(&pack);
    save(state, pack, draft).await?;
    Ok(see_other(format!("{url}?notice={what}-deleted")))
}

fn quotes_or_answers(exercise: &DraftExercise, document: &str) -> bool {
    exercise
        .passage
        .iter()
        .chain(exercise.evidence.iter())
        .any(|quote| quote.source == document)
        || exercise
            .versions
            .iter()
            .any(|version| version.source == document)
        || (exercise.kind == Skill::Source.slug()
            && exercise
                .options
                .iter()
                .any(|option| option.answer == document))
}

/// `POST /teachers/packs/{pack}/documents/{number}/delete`
pub async fn delete_document(
    state: web::Data<AppState>,
    OwnedPack { pack, .. }: OwnedPack,
    path: web::Path<ItemPath>,
    _form: BuilderForm,
) -> Result<HttpResponse, AppError> {
    remove_item(&state, pack, "document", |draft| {
        let index = document_at(draft, path.number)?;
        draft.documents.remove(index);
        Ok(())
    })
    .await
}

// ---- Exercises ----

#[derive(Template)]
#[template(path = "teachers/builder/exercise.html")]
struct ExercisePage {
    pack_url: String,
    action: String,
    heading: String,
    skill: Skill,
    form: ExerciseForm,
    /// The documents to select passages in: number, label and id.
    documents: Vec<(usize, String, String)>,
    notice: Option<String>,
    number: Option<usize>,
    csrf: String,
}

/// A new exercise's kind, and what the helpers' links fill in: a passage, or a first
/// piece of evidence.
#[derive(Deserialize)]
pub struct NewExerciseQuery {
    kind: Option<String>,
    passage_source: Option<String>,
    passage_text: Option<String>,
    evidence_source: Option<String>,
    evidence_text: Option<String>,
}

fn exercise_at(draft: &Draft, number: usize) -> Result<usize, AppError> {
    item_at(draft.exercises.len(), number, "exercise")
}

fn skill_of(kind: &str, back: String) -> Result<Skill, AppError> {
    Skill::from_slug(kind).ok_or_else(|| {
        AppError::bad_request_with_back(
            "Choose the kind of exercise: source, perspective, contested or quote.",
            back,
        )
    })
}

fn exercise_page(
    pack: &TeacherPack,
    signed_in: &SignedIn,
    draft: &Draft,
    index: usize,
    exercise: &DraftExercise,
    skill: Skill,
    placed: &Placed,
) -> ExercisePage {
    let is_new = index >= draft.exercises.len();
    let number = (!is_new).then_some(index + 1);
    ExercisePage {
        pack_url: pack_url(pack),
        action: match number {
            Some(number) => format!("{}/exercises/{number}", pack_url(pack)),
            None => format!("{}/exercises", pack_url(pack)),
        },
        heading: match number {
            Some(number) => format!("Exercise {number} ({}): {}", exercise.id, skill.title()),
            None => format!("New exercise: {}", skill.title()),
        },
        skill,
        form: exercise_form(draft, index, exercise, skill, placed),
        documents: draft
            .documents
            .iter()
            .enumerate()
            .map(|(at, document)| {
                (
                    at + 1,
                    document_label(document).to_string(),
                    document.id.clone(),
                )
            })
            .collect(),
        notice: None,
        number,
        csrf: signed_in.sign_in.csrf.to_string(),
    }
}

/// `GET /teachers/packs/{pack}/exercises/new?kind=…`
pub async fn show_new_exercise(
    state: web::Data<AppState>,
    OwnedPack { signed_in, pack }: OwnedPack,
    query: web::Query<NewExerciseQuery>,
) -> Result<HttpResponse, AppError> {
    let skill = skill_of(query.kind.as_deref().unwrap_or_default(), pack_url(&pack))?;
    let draft = draft_of(&state, &pack).await?;
    let quote = |source: &Option<String>, text: &Option<String>| {
        text.as_ref().map(|text| DraftQuote {
            source: source.clone().unwrap_or_default(),
            text: text.clone(),
            note: String::new(),
        })
    };
    let exercise = DraftExercise {
        id: next_exercise_id(&draft, skill),
        kind: skill.slug().to_string(),
        passage: quote(&query.passage_source, &query.passage_text)
            .filter(|_| skill != Skill::Contested),
        evidence: quote(&query.evidence_source, &query.evidence_text)
            .into_iter()
            .collect(),
        ..DraftExercise::default()
    };
    let page = exercise_page(
        &pack,
        &signed_in,
        &draft,
        draft.exercises.len(),
        &exercise,
        skill,
        &Placed::default(),
    );
    super::html(&page)
}

/// `GET /teachers/packs/{pack}/exercises/{number}`
pub async fn show_exercise(
    state: web::Data<AppState>,
    OwnedPack { signed_in, pack }: OwnedPack,
    path: web::Path<ItemPath>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, AppError> {
    let Working { draft, placed } = working(&state, &pack).await?;
    let index = exercise_at(&draft, path.number)?;
    let exercise = &draft.exercises[index];
    let skill = Skill::from_slug(&exercise.kind).unwrap_or(Skill::Source);
    let mut page = exercise_page(&pack, &signed_in, &draft, index, exercise, skill, &placed);
    page.notice = saved_notice(query.saved);
    super::html(&page)
}

/// `POST /teachers/packs/{pack}/exercises`: adds an exercise.
pub async fn create_exercise(
    state: web::Data<AppState>,
    OwnedPack { pack, .. }: OwnedPack,
    form: BuilderForm,
) -> Result<HttpResponse, AppError> {
    let fields = fields_of(&form);
    let skill = skill_of(field(&fields, "kind").unwrap_or_default(), pack_url(&pack))?;
    let mut draft = draft_of(&state, &pack).await?;
    let mut exercise = DraftExercise::default();
    read_exercise(&fields, &mut exercise, skill);
    draft.exercises.push(exercise);
    let last = draft.exercises.len() - 1;
    let (_, index) = settle(&mut draft, None, Some(last));
    let url = format!(
        "{}/exercises/{}",
        pack_url(&pack),
        index.unwrap_or_default() + 1
    );
    let problems = save(&state, pack, draft).await?;
    Ok(saved(&url, problems))
}

/// `POST /teachers/packs/{pack}/exercises/{number}`: changes an exercise.
pub async fn update_exercise(
    state: web::Data<AppState>,
    OwnedPack { pack, .. }: OwnedPack,
    path: web::Path<ItemPath>,
    form: BuilderForm,
) -> Result<HttpResponse, AppError> {
    let mut draft = draft_of(&state, &pack).await?;
    let index = exercise_at(&draft, path.number)?;
    let skill = Skill::from_slug(&draft.exercises[index].kind).unwrap_or(Skill::Source);
    read_exercise(&fields_of(&form), &mut draft.exercises[index], skill);
    let (_, index) = settle(&mut draft, None, Some(index));
    let url = format!(
        "{}/exercises/{}",
        pack_url(&pack),
        index.unwrap_or_default() + 1
    );
    let problems = save(&state, pack, draft).await?;
    Ok(saved(&url, problems))
}

/// `GET /teachers/packs/{pack}/exercises/{number}/delete`
pub async fn show_delete_exercise(
    state: web::Data<AppState>,
    OwnedPack { signed_in, pack }: OwnedPack,
    path: web::Path<ItemPath>,
) -> Result<HttpResponse, AppError> {
    let draft = draft_of(&state, &pack).await?;
    let index = exercise_at(&draft, path.number)?;
    let exercise = &draft.exercises[index];
    let mut consequences = vec![
        "Its passage, options and feedback go. You cannot undo this; export the pack first to keep a copy."
            .to_string(),
    ];
    if pack.latest_version(&exercise.id).is_some() {
        consequences.push("Answers already given to it stay in your results, under its id.".into());
    }
    super::html(&DeletePage {
        pack_url: pack_url(&pack),
        heading: format!("Delete the exercise “{}”?", exercise.id),
        consequences,
        action: format!("{}/exercises/{}/delete", pack_url(&pack), index + 1),
        button: "Delete the exercise".into(),
        csrf: signed_in.sign_in.csrf.to_string(),
    })
}

/// `POST /teachers/packs/{pack}/exercises/{number}/delete`
pub async fn delete_exercise(
    state: web::Data<AppState>,
    OwnedPack { pack, .. }: OwnedPack,
    path: web::Path<ItemPath>,
    _form: BuilderForm,
) -> Result<HttpResponse, AppError> {
    remove_item(&state, pack, "exercise", |draft| {
        let index = exercise_at(draft, path.number)?;
        draft.exercises.remove(index);
        Ok(())
    })
    .await
}

// ---- The glossary ----

#[derive(Template)]
#[template(path = "teachers/builder/glossary.html")]
struct GlossaryPage {
    pack_url: String,
    terms: Vec<Group>,
    notice: Option<String>,
    csrf: String,
}

/// `GET /teachers/packs/{pack}/glossary`
pub async fn show_glossary(
    state: web::Data<AppState>,
    OwnedPack { signed_in, pack }: OwnedPack,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, AppError> {
    let Working { draft, placed } = working(&state, &pack).await?;
    super::html(&GlossaryPage {
        pack_url: pack_url(&pack),
        terms: term_groups(&draft, &placed),
        notice: saved_notice(query.saved),
        csrf: signed_in.sign_in.csrf.to_string(),
    })
}

/// `POST /teachers/packs/{pack}/glossary`
pub async fn update_glossary(
    state: web::Data<AppState>,
    OwnedPack { pack, .. }: OwnedPack,
    form: BuilderForm,
) -> Result<HttpResponse, AppError> {
    save_part(&state, pack, &form, "glossary", read_terms).await
}

// ---- Preview ----

#[derive(Template)]
#[template(path = "teachers/builder/preview.html")]
struct PreviewPage<'a> {
    pack_url: String,
    number: usize,
    exercise: &'a crate::content::Exercise,
    gloss: Gloss<'static>,
    passage_from: Option<&'a str>,
    compare: bool,
    outcomes: Vec<ChoiceOutcome<'a>>,
    evidence: Vec<(&'a str, Option<&'a str>, &'a str)>,
}

#[derive(Template)]
#[template(path = "teachers/builder/preview_problems.html")]
struct PreviewProblemsPage {
    pack_url: String,
    number: usize,
    problems: Vec<String>,
}

/// `GET /teachers/packs/{pack}/exercises/{number}/preview`: the exercise as a learner
/// sees it, and the feedback after an answer. It is checked with the pack's documents
/// alone, so that problems elsewhere in the pack do not hide it.
pub async fn show_exercise_preview(
    state: web::Data<AppState>,
    OwnedPack { pack, .. }: OwnedPack,
    path: web::Path<ItemPath>,
) -> Result<HttpResponse, AppError> {
    let draft = draft_of(&state, &pack).await?;
    let index = exercise_at(&draft, path.number)?;
    let mut alone = draft.clone();
    alone.exercises = vec![draft.exercises[index].clone()];
    for (text, placeholder) in [
        (&mut alone.title, "Preview"),
        (&mut alone.description, "A preview of one exercise."),
        (&mut alone.content_note, "A preview."),
    ] {
        if text.trim().is_empty() {
            *text = placeholder.to_string();
        }
    }
    let pack_id = pack.pack_id.clone();
    let checked = on_report_thread(&state, move || {
        let (files, _) = alone.to_files(folder_of(&pack_id));
        match crate::content::load::check_pack(&files) {
            Ok(checked) => Ok(checked),
            // A glossary with problems of its own does not stop a preview.
            Err(_) => {
                alone.terms.clear();
                let (files, _) = alone.to_files(folder_of(&pack_id));
                crate::content::load::check_pack(&files)
            }
        }
    })
    .await?;
    let url = pack_url(&pack);
    let checked = match checked {
        Ok(checked) => checked,
        Err(problems) => {
            return super::html(&PreviewProblemsPage {
                pack_url: url,
                number: index + 1,
                problems: problems
                    .iter()
                    .map(|problem| problem.message().to_string())
                    .collect(),
            });
        }
    };
    let Some(exercise) = checked.exercises().first() else {
        return Err(AppError::Fault("a checked preview has no exercise".into()));
    };
    let evidence = exercise
        .evidence()
        .iter()
        .chain(exercise.versions().iter().map(|version| version.quote()))
        .map(|quote| {
            (
                checked
                    .source(quote.source_id())
                    .map_or(quote.source_id(), |source| source.short_title()),
                quote.note(),
                quote.text(),
            )
        })
        .collect();
    super::html(&PreviewPage {
        pack_url: url,
        number: index + 1,
        passage_from: passage_from(&checked, exercise),
        compare: exercise.is_quote(),
        outcomes: exercise
            .choices()
            .iter()
            .map(|choice| ChoiceOutcome::of(exercise, choice, None))
            .collect(),
        evidence,
        gloss: Gloss::off(),
        exercise,
    })
}
