//! `GET /progress`: what this browser's learner has done, per skill and per round.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::html;
use crate::practice::{SkillScore, Tally};
use crate::web::error::AppError;
use crate::web::{AppState, format_time, learner};

/// How many rounds the progress page lists.
const RECENT_ROUNDS: usize = 10;

/// One round as listed on the progress page.
struct RoundLine {
    started: String,
    pack_title: String,
    focus_title: String,
    answered: usize,
    total: usize,
    correct: usize,
    finished: bool,
    url: String,
}

#[derive(Template)]
#[template(path = "progress.html")]
struct ProgressPage {
    scores: Vec<SkillScore>,
    answered: usize,
    correct: usize,
    rounds: Vec<RoundLine>,
    round_count: usize,
}

pub async fn show_progress(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let progress = match learner(&request) {
        Some(learner) => Some(state.storage.progress(learner, RECENT_ROUNDS, |round| {
            matches!(
                super::rounds::feedback_hidden_until(&state, round),
                Ok(None)
            )
        })?),
        None => None,
    };
    let tally = progress
        .as_ref()
        .map(|progress| progress.tally.clone())
        .unwrap_or_default();
    let rounds = progress
        .as_ref()
        .map(|progress| {
            progress
                .recent_rounds
                .iter()
                .map(|round| {
                    let finished = round.is_finished();
                    RoundLine {
                        started: format_time(round.created_at),
                        pack_title: state
                            .library
                            .pack(&round.pack_id)
                            .map(|pack| pack.title().to_string())
                            .unwrap_or_else(|| round.pack_id.clone()),
                        focus_title: round.focus.title(),
                        answered: round.answered(),
                        total: round.len(),
                        correct: round.tally().correct(),
                        finished,
                        url: if finished {
                            format!("/rounds/{}/summary", round.id)
                        } else {
                            format!("/rounds/{}", round.id)
                        },
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    html(&ProgressPage {
        scores: tally.scores().to_vec(),
        answered: tally.answered(),
        correct: Tally::correct(&tally),
        rounds,
        round_count: progress.map(|progress| progress.round_count).unwrap_or(0),
    })
}
