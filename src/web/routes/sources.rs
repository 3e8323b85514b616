//! `GET /packs/{pack}/sources/{source}`: a document in full, with one quote of an
//! exercise highlighted when the link names it (`?exercise=…&quote=…`).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::html;
use crate::content::{Pack, Source};
use crate::ids::Token;
use crate::web::error::AppError;
use crate::web::extract::FoundPack;
use crate::web::view::{Gloss, glossary_url};

#[derive(Deserialize)]
pub struct ReaderQuery {
    exercise: Option<String>,
    quote: Option<usize>,
    round: Option<String>,
    number: Option<usize>,
}

#[derive(Template)]
#[template(path = "reader.html")]
struct ReaderPage<'a> {
    pack: &'a Pack,
    source: &'a Source,
    before: &'a str,
    highlighted: Option<&'a str>,
    after: &'a str,
    back_url: Option<String>,
    gloss: Gloss<'a>,
    glossary_url: String,
}

pub async fn show_source(
    pack: FoundPack,
    path: web::Path<(String, String)>,
    query: web::Query<ReaderQuery>,
) -> Result<HttpResponse, AppError> {
    let (_, source_id) = path.into_inner();
    let pack = &*pack;
    let source = pack.source(&source_id).ok_or_else(|| {
        AppError::NotFound(format!(
            "The lesson pack “{}” has no document called “{source_id}”.",
            pack.title()
        ))
    })?;
    let text = source.text();
    let span = match (&query.exercise, query.quote) {
        (Some(exercise_id), Some(index)) => {
            let quote = pack
                .exercise(exercise_id)
                .and_then(|exercise| exercise.quotes().nth(index))
                .filter(|quote| quote.source_id() == source.id())
                .ok_or_else(|| AppError::NotFound("The passage this link points to is not in this document. The whole document is still here without the highlight.".into()))?;
            Some(quote.span())
        }
        (None, None) => None,
        _ => {
            return Err(AppError::bad_request(
                "A link to a passage needs both an exercise and a quote number.",
            ));
        }
    };
    // The round is only used to offer a way back; a malformed one is simply ignored.
    let back_url = match (query.round.as_deref().and_then(Token::parse), query.number) {
        (Some(round), Some(number)) => Some(format!("/rounds/{round}/questions/{number}")),
        _ => None,
    };
    let page = match span {
        Some(span) => ReaderPage {
            pack,
            source,
            before: &text[..span.start],
            highlighted: Some(&text[span.clone()]),
            after: &text[span.end..],
            back_url,
            gloss: Gloss::of(pack),
            glossary_url: glossary_url(pack),
        },
        None => ReaderPage {
            pack,
            source,
            before: text,
            highlighted: None,
            after: "",
            back_url,
            gloss: Gloss::of(pack),
            glossary_url: glossary_url(pack),
        },
    };
    html(&page)
}
