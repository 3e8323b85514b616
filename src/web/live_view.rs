//! What the live pages of both sides show alike: an exercise of the session with its
//! options lettered in the session's order, what its explanation shows after the reveal,
//! where the room is, and the server-sent events that tell a page the session moved.
//!
//! The participant's routes (`routes/live.rs`) and the facilitator's
//! (`routes/facilitate.rs`) take these from here, not from one another.

use std::time::Duration;

use actix_web::http::header::{self, ContentEncoding};
use actix_web::{HttpResponse, web};

use crate::content::{Choice, Exercise, Pack};
use crate::live::LiveSession;
use crate::practice::option_order;
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::live_hub::Signal;
use crate::web::view::{ChoiceOutcome, QuoteView, VersionView, quote_views, version_views};

/// How often an idle event stream sends a comment, so that a dead connection is noticed
/// and no proxy closes a quiet one.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// An option with the letter the room calls it by. The order is the session's, the
/// same on the projector and on every phone.
pub struct Lettered<'a> {
    pub letter: char,
    pub answer: &'a str,
    pub label: &'a str,
    pub checked: bool,
}

pub fn lettered<'a>(
    session: &LiveSession,
    position: usize,
    exercise: &'a Exercise,
    chosen: Option<&str>,
) -> Vec<Lettered<'a>> {
    in_session_order(session, position, exercise)
        .zip('A'..='Z')
        .map(|(choice, letter)| Lettered {
            letter,
            answer: choice.answer(),
            label: choice.label(),
            checked: chosen == Some(choice.answer()),
        })
        .collect()
}

/// What an exercise's explanation shows as the facilitator reveals it, on the
/// projector and on the phones alike: each option's outcome, then the documents'
/// evidence (the passage, the evidence and the versions). Empty until revealed.
#[derive(Default)]
pub struct Revealed<'a> {
    pub outcomes: Vec<ChoiceOutcome<'a>>,
    pub passage: Option<QuoteView<'a>>,
    pub evidence: Vec<QuoteView<'a>>,
    pub versions: Vec<VersionView<'a>>,
}

impl<'a> Revealed<'a> {
    /// The options with their explanations, in the session's order, `chosen` marked.
    pub fn options(
        session: &LiveSession,
        position: usize,
        exercise: &'a Exercise,
        chosen: Option<&str>,
    ) -> Revealed<'a> {
        Revealed {
            outcomes: in_session_order(session, position, exercise)
                .map(|choice| ChoiceOutcome::of(exercise, choice, chosen))
                .collect(),
            ..Revealed::default()
        }
    }

    /// With the documents' evidence as well.
    pub fn with_evidence(self, pack: &'a Pack, exercise: &'a Exercise) -> Revealed<'a> {
        let (passage, evidence) = quote_views(pack, exercise, "");
        Revealed {
            passage,
            evidence,
            versions: version_views(pack, exercise, ""),
            ..self
        }
    }
}

/// The options of the exercise at `position` of a session, in the session's order.
fn in_session_order<'a>(
    session: &LiveSession,
    position: usize,
    exercise: &'a Exercise,
) -> impl Iterator<Item = &'a Choice> {
    option_order(exercise, session.seed, position)
        .into_iter()
        .map(|index| &exercise.choices()[index])
}

/// A session's exercise with its pack (see [`exercise_of`]).
pub struct SessionExercise {
    pack: std::sync::Arc<Pack>,
    id: String,
}

impl SessionExercise {
    /// The pack and the exercise.
    pub fn parts(&self) -> (&Pack, &Exercise) {
        let exercise = self
            .pack
            .exercise(&self.id)
            .expect("exercise_of found it in this pack");
        (&self.pack, exercise)
    }
}

/// The pack and the exercise at `position` of a session.
pub fn exercise_of(
    state: &AppState,
    session: &LiveSession,
    position: usize,
) -> Result<SessionExercise, AppError> {
    let gone = || {
        AppError::NotFound(
            "This session's exercise is no longer in its lesson pack, so it cannot be shown."
                .into(),
        )
    };
    let pack = state.shelf.pack(&session.pack_id).ok_or_else(gone)?;
    let id = session
        .exercise_ids
        .get(position)
        .filter(|id| pack.exercise(id).is_some())
        .ok_or_else(gone)?;
    Ok(SessionExercise {
        id: id.clone(),
        pack,
    })
}

/// Where the room is, for the heading of an exercise.
pub struct LivePlace {
    pub number: usize,
    pub total: usize,
    pub skill_title: &'static str,
}

/// One server-sent event about the phase, with `extra` JSON fields (",\"a\":1").
pub fn state_event(signal: Signal, extra: &str) -> String {
    format!(
        "id: {version}\nevent: state\ndata: {{\"version\":{version},\"phase\":\"{phase}\",\"number\":{number}{extra}}}\n\n",
        version = signal.version,
        phase = signal.phase,
        number = signal.number,
    )
}

/// A response that streams server-sent events as they come, uncompressed and uncached.
pub fn event_stream(
    stream: impl futures_util::Stream<Item = Result<web::Bytes, actix_web::Error>> + 'static,
) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        // The compressor would hold events back until a buffer fills.
        .insert_header(ContentEncoding::Identity)
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(stream)
}
