//! The pack builder's helpers, over every document of a teacher's pack: finding a
//! phrase or a number, every figure side by side, and passages only one document has.
//! Each place found links to a new exercise with it as the passage or as evidence.

use std::ops::Range;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::pack_builder::draft_of;
use crate::content::aids::{self, Document};
use crate::content::draft::Draft;
use crate::web::AppState;
use crate::web::builder_view::document_label;
use crate::web::error::AppError;
use crate::web::extract::OwnedPack;
use crate::web::own_packs::on_report_thread;

/// The most places a search lists.
const MOST_PLACES: usize = 200;
/// The most figures the figures page lists.
const MOST_FIGURES: usize = 400;
/// The most places of one figure the figures page shows for one document.
const PLACES_PER_DOCUMENT: usize = 3;
/// The most suggestions per document.
const SUGGESTIONS_PER_DOCUMENT: usize = 10;
/// The longest phrase a search takes, in bytes.
const LONGEST_QUERY: usize = 400;

/// A sentence with the words found in it marked: before, the words, after.
pub struct Shown {
    pub before: String,
    pub marked: String,
    pub after: String,
}

fn shown(text: &str, sentence: Range<usize>, marked: Range<usize>) -> Shown {
    Shown {
        before: text[sentence.start..marked.start].to_string(),
        marked: text[marked.clone()].to_string(),
        after: text[marked.end..sentence.end].to_string(),
    }
}

/// One place found, with the links that use it.
pub struct PlaceLine {
    pub document: String,
    pub shown: Shown,
    pub as_passage: String,
    pub as_evidence: String,
}

fn documents(draft: &Draft) -> Vec<Document<'_>> {
    draft
        .documents
        .iter()
        .map(|document| Document {
            id: &document.id,
            title: &document.title,
            short_title: &document.short_title,
            publisher: &document.publisher,
            text: &document.text,
        })
        .collect()
}

/// The link to a new exercise of `kind` with `text` of `document` as its passage or
/// as its first piece of evidence (`role`).
fn new_exercise_url(pack_url: &str, kind: &str, role: &str, document: &str, text: &str) -> String {
    let query = [
        ("kind", kind),
        (
            if role == "passage" {
                "passage_source"
            } else {
                "evidence_source"
            },
            document,
        ),
        (
            if role == "passage" {
                "passage_text"
            } else {
                "evidence_text"
            },
            text,
        ),
    ]
    .iter()
    .map(|(name, value)| format!("{name}={}", encode(value)))
    .collect::<Vec<_>>()
    .join("&");
    format!("{pack_url}/exercises/new?{query}")
}

/// `value` for a URL's query.
fn encode(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                encoded.push(byte as char);
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

fn pack_url(pack: &crate::teacher_packs::TeacherPack) -> String {
    format!("/teachers/packs/{}", pack.id)
}

#[derive(Template)]
#[template(path = "teachers/builder/find.html")]
struct FindPage {
    pack_url: String,
    query: String,
    places: Vec<PlaceLine>,
    more: usize,
    refusal: Option<String>,
}

#[derive(Deserialize)]
pub struct FindQuery {
    q: Option<String>,
}

/// `GET /teachers/packs/{pack}/find?q=…`: every place a phrase or a number occurs.
pub async fn show_find(
    state: web::Data<AppState>,
    OwnedPack { pack, .. }: OwnedPack,
    query: web::Query<FindQuery>,
) -> Result<HttpResponse, AppError> {
    let url = pack_url(&pack);
    let wanted = query.q.clone().unwrap_or_default().trim().to_string();
    if wanted.len() > LONGEST_QUERY {
        return super::html(&FindPage {
            pack_url: url,
            query: String::new(),
            places: Vec::new(),
            more: 0,
            refusal: Some(format!(
                "Search for a phrase of {LONGEST_QUERY} characters at most: a few words are enough to find a passage."
            )),
        });
    }
    let draft = draft_of(&state, &pack).await?;
    let searched = wanted.clone();
    let page_url = url.clone();
    let (places, more) = on_report_thread(&state, move || {
        let docs = documents(&draft);
        let finds = aids::find(&docs, &searched, MOST_PLACES);
        let places = finds
            .places
            .iter()
            .map(|place| {
                let document = &draft.documents[place.document];
                let sentence = document.text[place.sentence.clone()].trim().to_string();
                PlaceLine {
                    document: document_label(document).to_string(),
                    shown: shown(
                        &document.text,
                        place.sentence.clone(),
                        place.start..place.end,
                    ),
                    as_passage: new_exercise_url(
                        &page_url,
                        "source",
                        "passage",
                        &document.id,
                        &sentence,
                    ),
                    as_evidence: new_exercise_url(
                        &page_url,
                        "contested",
                        "evidence",
                        &document.id,
                        &sentence,
                    ),
                }
            })
            .collect::<Vec<_>>();
        (places, finds.more)
    })
    .await?;
    super::html(&FindPage {
        pack_url: url,
        query: wanted,
        places,
        more,
        refusal: None,
    })
}

/// A figure on the figures page: its value, and where each document gives it.
pub struct FigureLine {
    pub value: String,
    pub documents: Vec<FigureDocument>,
}

pub struct FigureDocument {
    pub label: String,
    pub count: usize,
    pub places: Vec<Shown>,
}

#[derive(Template)]
#[template(path = "teachers/builder/figures.html")]
struct FiguresPage {
    pack_url: String,
    figures: Vec<FigureLine>,
    more: usize,
}

/// `GET /teachers/packs/{pack}/figures`: every number in every document, by value, each
/// with the sentences that give it, document by document.
pub async fn show_figures(
    state: web::Data<AppState>,
    OwnedPack { pack, .. }: OwnedPack,
) -> Result<HttpResponse, AppError> {
    let draft = draft_of(&state, &pack).await?;
    let (figures, more) = on_report_thread(&state, move || {
        let figures = aids::figures(&documents(&draft));
        let more = figures.len().saturating_sub(MOST_FIGURES);
        let lines = figures
            .into_iter()
            .take(MOST_FIGURES)
            .map(|figure| FigureLine {
                documents: figure
                    .documents()
                    .into_iter()
                    .map(|index| {
                        let document = &draft.documents[index];
                        let here: Vec<_> = figure
                            .occurrences
                            .iter()
                            .filter(|occurrence| occurrence.document == index)
                            .collect();
                        FigureDocument {
                            label: document_label(document).to_string(),
                            count: here.len(),
                            places: here
                                .iter()
                                .take(PLACES_PER_DOCUMENT)
                                .map(|occurrence| {
                                    shown(
                                        &document.text,
                                        occurrence.sentence.clone(),
                                        occurrence.start..occurrence.end,
                                    )
                                })
                                .collect(),
                        }
                    })
                    .collect(),
                value: figure.value,
            })
            .collect::<Vec<_>>();
        (lines, more)
    })
    .await?;
    super::html(&FiguresPage {
        pack_url: pack_url(&pack),
        figures,
        more,
    })
}

/// A suggested passage, with its warning and the link that uses it.
pub struct SuggestionLine {
    pub text: String,
    pub warning: Option<String>,
    pub use_url: String,
}

#[derive(Template)]
#[template(path = "teachers/builder/suggestions.html")]
struct SuggestionsPage {
    pack_url: String,
    /// Each document's label and its suggestions.
    documents: Vec<(String, Vec<SuggestionLine>)>,
}

/// `GET /teachers/packs/{pack}/suggestions`: sentences only one document has, for
/// "Which source?" exercises.
pub async fn show_suggestions(
    state: web::Data<AppState>,
    OwnedPack { pack, .. }: OwnedPack,
) -> Result<HttpResponse, AppError> {
    let draft = draft_of(&state, &pack).await?;
    let url = pack_url(&pack);
    let page_url = url.clone();
    let documents = on_report_thread(&state, move || {
        let suggestions = aids::suggestions(&documents(&draft), SUGGESTIONS_PER_DOCUMENT);
        draft
            .documents
            .iter()
            .enumerate()
            .map(|(index, document)| {
                let lines = suggestions
                    .iter()
                    .filter(|suggestion| suggestion.document == index)
                    .map(|suggestion| SuggestionLine {
                        use_url: new_exercise_url(
                            &page_url,
                            "source",
                            "passage",
                            &document.id,
                            &suggestion.text,
                        ),
                        text: suggestion.text.clone(),
                        warning: suggestion.warning.clone(),
                    })
                    .collect();
                (document_label(document).to_string(), lines)
            })
            .collect::<Vec<_>>()
    })
    .await?;
    super::html(&SuggestionsPage {
        pack_url: url,
        documents,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passage_travels_in_a_link_unchanged() {
        let url = new_exercise_url("/p", "source", "passage", "doc-1", "“Quoted” & 50% — fine?");
        assert_eq!(
            url,
            "/p/exercises/new?kind=source&passage_source=doc-1&passage_text=%E2%80%9CQuoted%E2%80%9D%20%26%2050%25%20%E2%80%94%20fine%3F"
        );
    }
}
