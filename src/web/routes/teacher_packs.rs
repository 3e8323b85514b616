//! A teacher's own lesson packs: the list with its import form, importing a `.zip`
//! (checked whole before anything is stored), a pack's page, exporting it, publishing or
//! withdrawing it, and deleting it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::pack_builder::{DeletePage, Working, working};
use super::see_other;
use crate::content::archive;
use crate::content::draft::{Draft, DraftExercise};
use crate::content::load::{ID_RULE, declared_id, is_valid_id, rename_pack};
use crate::content::{Pack, Skill};
use crate::ids::Token;
use crate::teacher_packs::{MAX_DOCUMENT_BYTES, MAX_DOCUMENTS, TeacherPack};
use crate::web::builder_view::{document_label, input_id};
use crate::web::error::AppError;
use crate::web::extract::{CheckedForm, CheckedUpload, OwnedPack, field};
use crate::web::own_packs::{check, on_report_thread};
use crate::web::sign_in::SignedIn;
use crate::web::{AppState, now};

/// A pack as the list shows it.
struct PackLine {
    url: String,
    title: String,
    pack_id: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "teachers/packs.html")]
struct PacksPage {
    packs: Vec<PackLine>,
    csrf: String,
    notice: Option<&'static str>,
    /// Why the last import was refused, and each problem found.
    refusal: Option<Refusal>,
    new_id: String,
    max_archive_mb: usize,
    max_documents: usize,
    max_document_mb: usize,
}

/// An import refused: what went wrong, in one sentence, and every problem.
struct Refusal {
    summary: String,
    problems: Vec<String>,
}

impl Refusal {
    fn one(summary: impl Into<String>) -> Refusal {
        Refusal {
            summary: summary.into(),
            problems: Vec::new(),
        }
    }
}

#[derive(Deserialize)]
pub struct PacksQuery {
    notice: Option<String>,
}

/// `GET /teachers/packs`: the teacher's packs and the import form.
pub async fn show_packs(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    query: web::Query<PacksQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = match query.notice.as_deref() {
        Some("deleted") => Some("The pack was deleted."),
        _ => None,
    };
    let page = packs_page(&state, &signed_in, notice, None, String::new())?;
    super::html(&page)
}

fn packs_page(
    state: &AppState,
    signed_in: &SignedIn,
    notice: Option<&'static str>,
    refusal: Option<Refusal>,
    new_id: String,
) -> Result<PacksPage, AppError> {
    let packs = state
        .storage
        .teacher_packs_of(signed_in.teacher.id)?
        .into_iter()
        .map(|pack| PackLine {
            url: pack_url(&pack),
            title: title_of(state, &pack),
            status: status_of(state, &pack),
            pack_id: pack.pack_id,
        })
        .collect();
    Ok(PacksPage {
        packs,
        csrf: signed_in.sign_in.csrf.to_string(),
        notice,
        refusal,
        new_id,
        max_archive_mb: archive::MAX_ARCHIVE_BYTES / (1024 * 1024),
        max_documents: MAX_DOCUMENTS,
        max_document_mb: MAX_DOCUMENT_BYTES / (1024 * 1024),
    })
}

fn pack_url(pack: &TeacherPack) -> String {
    format!("/teachers/packs/{}", pack.id)
}

/// The pack's title as served, or its id while it is not.
fn title_of(state: &AppState, pack: &TeacherPack) -> String {
    state
        .shelf
        .pack(&pack.key())
        .map_or_else(|| pack.pack_id.clone(), |served| served.title().to_string())
}

fn status_of(state: &AppState, pack: &TeacherPack) -> &'static str {
    match (state.shelf.pack(&pack.key()).is_some(), pack.published) {
        (false, true) => "Has problems: not offered until they are fixed",
        (false, false) => "Draft: it can be published once every check passes",
        (true, true) => "Published: in your assignment and live-session forms",
        (true, false) => {
            "Not published: it passes every check, and is offered in your forms once you publish it"
        }
    }
}

/// `POST /teachers/packs`: imports a pack from a `.zip` archive. Everything is checked
/// first; a pack with any problem is refused with all of them, and nothing is stored.
pub async fn import_pack(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    upload: CheckedUpload,
) -> Result<HttpResponse, AppError> {
    let new_id = field(&upload.fields, "new_id")
        .unwrap_or_default()
        .trim()
        .to_string();
    match imported(&state, &signed_in, upload, &new_id).await? {
        Ok(pack) => Ok(see_other(format!("{}?notice=imported", pack_url(&pack)))),
        Err(refusal) => {
            let page = packs_page(&state, &signed_in, None, Some(refusal), new_id)?;
            Ok(HttpResponse::build(StatusCode::BAD_REQUEST)
                .content_type("text/html; charset=utf-8")
                .body(page.render()?))
        }
    }
}

/// The pack an upload holds, checked and stored, or why it was refused.
async fn imported(
    state: &web::Data<AppState>,
    signed_in: &SignedIn,
    upload: CheckedUpload,
    new_id: &str,
) -> Result<Result<TeacherPack, Refusal>, AppError> {
    let mine = state.storage.teacher_packs_of(signed_in.teacher.id)?.len();
    if let Some(refusal) = crate::teacher_packs::too_many(mine) {
        return Ok(Err(Refusal::one(format!(
            "{refusal} Nothing was imported."
        ))));
    }
    let Some(file) = upload.file else {
        return Ok(Err(Refusal::one(
            "Choose the .zip file of a pack to import.",
        )));
    };
    if !new_id.is_empty() && !is_valid_id(new_id) {
        return Ok(Err(Refusal::one(format!(
            "“{new_id}” cannot be a pack's id: {ID_RULE}. Nothing was imported."
        ))));
    }
    let bytes = file.bytes;
    let unpacked = match on_report_thread(state, move || archive::read(&bytes)).await {
        Ok(Ok(unpacked)) => unpacked,
        Ok(Err(problems)) => {
            return Ok(Err(Refusal {
                summary: format!(
                    "“{}” was not imported: the archive cannot be taken as it is. Nothing was stored.",
                    file.filename
                ),
                problems,
            }));
        }
        Err(_) => return Err(AppError::Interrupted),
    };
    let mut files = unpacked.files;
    let declared = declared_id(&files);
    if !unpacked.in_folder {
        files.set_folder(declared.clone().unwrap_or_else(|| "pack".into()));
    }
    let wanted = if new_id.is_empty() {
        declared.clone()
    } else {
        Some(new_id.to_string())
    };
    if let Some(wanted) = &wanted {
        let mine = state.storage.teacher_packs_of(signed_in.teacher.id)?;
        let clash = if state.shelf.site_packs().any(|pack| pack.id() == wanted) {
            Some("a lesson this site offers to everyone")
        } else if mine.iter().any(|pack| &pack.pack_id == wanted) {
            Some("one of your packs")
        } else {
            None
        };
        if let Some(clash) = clash {
            let how = if new_id.is_empty() {
                "To import it beside that one, type a new id in “Import it under another id” and choose the file again."
            } else {
                "Choose another id, and choose the file again."
            };
            return Ok(Err(Refusal::one(format!(
                "The id “{wanted}” is taken by {clash}. {how} Nothing was imported."
            ))));
        }
        if !new_id.is_empty() && declared.is_some() {
            rename_pack(&mut files, new_id);
        }
    }
    let now = now();
    let pack = TeacherPack {
        id: Token::random(&mut rand::rng()),
        teacher: signed_in.teacher.id,
        pack_id: wanted.unwrap_or_default(),
        files,
        published: true,
        created_at: now,
        updated_at: now,
        served: None,
        versions: Vec::new(),
    };
    let checking = pack.clone();
    let checked = on_report_thread(state, move || check(&checking)).await?;
    let checked = match checked {
        Ok(checked) => checked,
        Err(problems) => {
            let count = problems.len();
            return Ok(Err(Refusal {
                summary: format!(
                    "“{}” was not imported: {count} problem{} found. Nothing was stored. Fix {} and import the pack again.",
                    file.filename,
                    if count == 1 { "" } else { "s" },
                    if count == 1 { "it" } else { "them" },
                ),
                problems: problems.iter().map(ToString::to_string).collect(),
            }));
        }
    };
    let mut pack = pack;
    pack.note_versions(&checked, now);
    state.storage.save_teacher_pack(&pack).await?;
    state.shelf.put(pack.teacher, pack.published, checked);
    Ok(Ok(pack))
}

/// A document of a pack, as its page lists it.
struct DocumentLine {
    url: String,
    label: String,
    size: String,
    problems: usize,
}

/// An exercise of a pack, as its page lists it.
struct ExerciseLine {
    url: String,
    id: String,
    skill: &'static str,
    excerpt: String,
    problems: usize,
    version: Option<u32>,
}

/// A problem of the pack, with a link to the field it is about.
struct ProblemLine {
    url: String,
    place: String,
    message: String,
}

#[derive(Template)]
#[template(path = "teachers/pack.html")]
struct PackPage<'a> {
    pack: &'a TeacherPack,
    url: String,
    served: Option<&'a Pack>,
    title: String,
    description: String,
    status: &'static str,
    notice: Option<String>,
    documents: Vec<DocumentLine>,
    exercises: Vec<ExerciseLine>,
    terms: usize,
    problems: Vec<ProblemLine>,
    /// Problems at no field, as `sourcewise check` prints them.
    other_problems: Vec<String>,
    /// Whether students are served the last files that passed, not the working copy.
    serving_older: bool,
    skills: Vec<(&'static str, &'static str)>,
    max_documents: usize,
    csrf: String,
}

#[derive(Deserialize)]
pub struct PackQuery {
    notice: Option<String>,
}

/// Where in the builder the field `key` is edited, and what it is called there.
fn problem_place(url: &str, draft: &Draft, key: &str) -> (String, String) {
    let mut parts = key.split('.');
    let kind = parts.next().unwrap_or_default();
    let index: Option<usize> = parts.next().and_then(|index| index.parse().ok());
    let anchor = if key.contains(".option.") {
        // An option's answer and its why are both shown at its why.
        let row = key.split(".option.").nth(1).unwrap_or_default();
        let row = row.split('.').next().unwrap_or_default();
        input_id(&format!(
            "{}.option.{row}.why",
            key.split(".option.").next().unwrap_or_default()
        ))
    } else if kind == "exercise" && key.matches('.').count() == 1 {
        "exercise-problems".to_string()
    } else {
        input_id(key)
    };
    match (kind, index) {
        ("document", Some(index)) => (
            format!("{url}/documents/{}#{anchor}", index + 1),
            format!(
                "Document {} ({})",
                index + 1,
                draft
                    .documents
                    .get(index)
                    .map_or("", |document| document_label(document))
            ),
        ),
        ("exercise", Some(index)) => (
            format!("{url}/exercises/{}#{anchor}", index + 1),
            format!(
                "Exercise {} ({})",
                index + 1,
                draft
                    .exercises
                    .get(index)
                    .map_or("", |exercise| exercise.id.as_str())
            ),
        ),
        ("term", Some(index)) => (
            format!("{url}/glossary#{anchor}"),
            format!("Glossary, term {}", index + 1),
        ),
        ("perspective", Some(index)) => (
            format!("{url}/about#{anchor}"),
            format!("Perspective {}", index + 1),
        ),
        _ => (
            format!("{url}/about#{anchor}"),
            "About the pack".to_string(),
        ),
    }
}

/// `GET /teachers/packs/{pack}`: a pack's page: what it has, its problems each with a
/// link to its field, and what can be done with it.
pub async fn show_pack(
    state: web::Data<AppState>,
    OwnedPack { signed_in, pack }: OwnedPack,
    query: web::Query<PackQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = match query.notice.as_deref() {
        Some("imported") => Some(
            "Imported: every check passed. It is published, so it is in your assignment and live-session forms.".to_string(),
        ),
        Some("created") => Some("The pack is made. Add its documents next, then its exercises.".to_string()),
        Some("published") => Some("Published: it is in your assignment and live-session forms.".to_string()),
        Some("withdrawn") => Some(
            "Withdrawn: it is no longer offered in your forms. What you assigned from it still shows.".to_string(),
        ),
        Some("document-deleted") => Some("The document was deleted.".to_string()),
        Some("exercise-deleted") => Some("The exercise was deleted.".to_string()),
        _ => None,
    };
    let Working { draft, placed } = working(&state, &pack).await?;
    let url = pack_url(&pack);
    let served = state.shelf.pack(&pack.key());
    let documents = draft
        .documents
        .iter()
        .enumerate()
        .map(|(index, document)| DocumentLine {
            url: format!("{url}/documents/{}", index + 1),
            label: document_label(document).to_string(),
            size: words(&document.text),
            problems: placed.count_under(&format!("document.{index}")),
        })
        .collect();
    let exercises = draft
        .exercises
        .iter()
        .enumerate()
        .map(|(index, exercise)| ExerciseLine {
            url: format!("{url}/exercises/{}", index + 1),
            id: exercise.id.clone(),
            skill: Skill::from_slug(&exercise.kind).map_or("Unknown kind", Skill::title),
            excerpt: excerpt_of(exercise),
            problems: placed.count_under(&format!("exercise.{index}")),
            version: pack.latest_version(&exercise.id),
        })
        .collect();
    let problems = placed
        .all()
        .map(|(key, message)| {
            let (url, place) = problem_place(&url, &draft, key);
            ProblemLine {
                url,
                place,
                message: message.to_string(),
            }
        })
        .collect();
    super::html(&PackPage {
        title: if draft.title.is_empty() {
            pack.pack_id.clone()
        } else {
            draft.title.clone()
        },
        description: draft.description.clone(),
        status: status_of(&state, &pack),
        served: served.as_deref(),
        serving_older: pack.served.is_some(),
        pack: &pack,
        url,
        notice,
        documents,
        exercises,
        terms: draft.terms.len(),
        problems,
        other_problems: placed.elsewhere.clone(),
        skills: Skill::ALL
            .iter()
            .map(|skill| (skill.slug(), skill.title()))
            .collect(),
        max_documents: MAX_DOCUMENTS,
        csrf: signed_in.sign_in.csrf.to_string(),
    })
}

/// The first words of an exercise's claim or passage.
fn excerpt_of(exercise: &DraftExercise) -> String {
    let text = if exercise.claim.is_empty() {
        exercise
            .passage
            .as_ref()
            .map_or("", |passage| passage.text.as_str())
    } else {
        exercise.claim.as_str()
    };
    let folded = crate::content::text::fold_whitespace(text);
    if folded.chars().count() <= 100 {
        folded
    } else {
        let cut: String = folded.chars().take(100).collect();
        format!("{}…", cut.trim_end())
    }
}

fn words(text: &str) -> String {
    let count = text.split_whitespace().count();
    format!("{count} word{}", if count == 1 { "" } else { "s" })
}

/// `GET /teachers/packs/{pack}/export.zip`: the pack's folder as a `.zip` archive, as
/// `questions/` holds a pack.
pub async fn export_pack(
    state: web::Data<AppState>,
    OwnedPack { pack, .. }: OwnedPack,
) -> Result<HttpResponse, AppError> {
    let (bytes, pack_id) = on_report_thread(&state, move || {
        (archive::write(&pack.files, &pack.pack_id), pack.pack_id)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{pack_id}.zip\""),
        ))
        .body(bytes))
}

/// `POST /teachers/packs/{pack}/published`: offers the pack in the teacher's forms
/// (`value=yes`), or stops offering it (`value=no`).
pub async fn update_published(
    state: web::Data<AppState>,
    OwnedPack { mut pack, .. }: OwnedPack,
    CheckedForm(form): CheckedForm<crate::web::extract::Fields>,
) -> Result<HttpResponse, AppError> {
    let published = match field(&form, "value") {
        Some("yes") => true,
        Some("no") => false,
        _ => {
            return Err(AppError::bad_request_with_back(
                "The form did not say whether to publish the pack or withdraw it. Use the button on the pack's page.",
                pack_url(&pack),
            ));
        }
    };
    if published && state.shelf.pack(&pack.key()).is_none() {
        return Err(AppError::bad_request_with_back(
            "This pack has problems, so it cannot be published. Its page lists them.",
            pack_url(&pack),
        ));
    }
    pack.published = published;
    pack.updated_at = now();
    state.storage.save_teacher_pack(&pack).await?;
    state.shelf.set_published(&pack.key(), published);
    let notice = if published { "published" } else { "withdrawn" };
    Ok(see_other(format!("{}?notice={notice}", pack_url(&pack))))
}

/// `GET /teachers/packs/{pack}/delete`: what deleting the pack would do, before it is
/// done: the assignments and live sessions that use it, and how many answers they hold.
pub async fn show_delete_pack(
    state: web::Data<AppState>,
    OwnedPack { signed_in, pack }: OwnedPack,
) -> Result<HttpResponse, AppError> {
    let key = pack.key();
    let mut consequences = vec![format!(
        "Its documents and exercises go, and it is no longer offered in your forms. You cannot undo this: export it first to keep a copy."
    )];
    let mut assignments = Vec::new();
    for class in state.storage.classes_of(signed_in.teacher.id)? {
        for assignment in state.storage.assignments_of(class.id)? {
            if assignment.pack_id == key {
                assignments.push(format!(
                    "“{}” in {}",
                    assignment.title(),
                    class.name.as_str()
                ));
            }
        }
    }
    if !assignments.is_empty() {
        consequences.push(format!(
            "Students can no longer start or go on with what you assigned from it: {}. The answers already given stay in your results, each under its exercise's id.",
            assignments.join("; ")
        ));
    }
    let sessions: Vec<String> = state
        .storage
        .live_sessions_of(signed_in.teacher.id)?
        .into_iter()
        .filter(|session| session.pack_id == key)
        .map(|session| {
            format!(
                "the session of {}",
                crate::web::format_time(session.created_at)
            )
        })
        .collect();
    if !sessions.is_empty() {
        consequences.push(format!(
            "These live sessions can no longer be run or joined: {}. Their results stay.",
            sessions.join("; ")
        ));
    }
    let url = pack_url(&pack);
    super::html(&DeletePage {
        heading: format!("Delete the pack “{}”?", title_of(&state, &pack)),
        consequences,
        action: format!("{url}/delete"),
        pack_url: url,
        button: "Delete the pack".into(),
        csrf: signed_in.sign_in.csrf.to_string(),
    })
}

/// `POST /teachers/packs/{pack}/delete`
pub async fn delete_pack(
    state: web::Data<AppState>,
    OwnedPack { pack, .. }: OwnedPack,
    _form: crate::web::extract::BuilderForm,
) -> Result<HttpResponse, AppError> {
    state.storage.delete_teacher_pack(&pack).await?;
    state.shelf.take(&pack.key());
    Ok(see_other("/teachers/packs?notice=deleted"))
}
