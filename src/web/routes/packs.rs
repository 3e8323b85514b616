//! `GET /packs/{pack}`: what a pack is about, its content note, and how to start (the
//! start first, after the note's warning, so that a learner on a phone reaches it);
//! `GET /packs/{pack}/glossary`: the plain meanings of the words it uses.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::content::{Pack, Skill, Term};
use crate::practice::DEFAULT_ROUND_LENGTH;
use crate::web::AppState;
use crate::web::error::AppError;

use super::{NOTE_READ_COOKIE, anonymous_page};
use crate::web::extract::FoundPack;

/// One way to start a round, as shown on the pack page.
struct SkillOffer {
    slug: &'static str,
    title: &'static str,
    summary: &'static str,
    exercise_count: usize,
}

#[derive(Template)]
#[template(path = "pack.html")]
struct PackPage<'a> {
    pack: &'a Pack,
    offers: Vec<SkillOffer>,
    total: usize,
    default_length: usize,
    csrf: String,
    /// The content note's first sentence, shown before the start form, and the rest,
    /// which opens on demand.
    note_first: &'a str,
    note_rest: &'a str,
    /// Likewise the description: its first sentence, and the rest on demand.
    about_first: &'a str,
    about_rest: &'a str,
    /// Whether this browser has started a round of this pack, and so has read the note:
    /// it is then folded away rather than repeated.
    note_read: bool,
}

/// The first sentence of `text` and the rest (which may be empty).
fn first_sentence(text: &str) -> (&str, &str) {
    let text = text.trim();
    match text.find(". ") {
        Some(end) => (&text[..=end], text[end + 2..].trim_start()),
        None => (text, ""),
    }
}

pub async fn show_pack(
    state: web::Data<AppState>,
    request: HttpRequest,
    pack: FoundPack,
) -> Result<HttpResponse, AppError> {
    let pack = &*pack;
    let offers = Skill::ALL
        .iter()
        .map(|&skill| SkillOffer {
            slug: skill.slug(),
            title: skill.title(),
            summary: skill.summary(),
            exercise_count: pack.exercises_of(skill).count(),
        })
        .collect();
    let (note_first, note_rest) = first_sentence(pack.content_note());
    let (about_first, about_rest) = first_sentence(pack.description());
    anonymous_page(&state, &request, StatusCode::OK, |csrf| PackPage {
        pack,
        offers,
        total: pack.exercises().len(),
        default_length: DEFAULT_ROUND_LENGTH,
        csrf,
        note_first,
        note_rest,
        about_first,
        about_rest,
        note_read: request.cookie(NOTE_READ_COOKIE).is_some(),
    })
}

#[derive(Template)]
#[template(path = "glossary.html")]
struct GlossaryPage<'a> {
    pack: &'a Pack,
    /// In alphabetical order.
    terms: Vec<&'a Term>,
}

pub async fn show_glossary(pack: FoundPack) -> Result<HttpResponse, AppError> {
    let pack = &*pack;
    let mut terms: Vec<&Term> = pack.glossary().terms().iter().collect();
    terms.sort_by_key(|term| term.term().to_lowercase());
    super::html(&GlossaryPage { pack, terms })
}
