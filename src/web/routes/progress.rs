//! `GET /progress`: what this browser has done, per skill and per round: its own
//! practice and its work in each class it joined, together and place by place.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::html;
use crate::ids::Token;
use crate::practice::{SkillScore, Tally};
use crate::web::assignment_view::feedback_hidden_until;
use crate::web::error::AppError;
use crate::web::learners::Learners;
use crate::web::{AppState, format_time};

/// How many rounds the progress page lists.
const RECENT_ROUNDS: usize = 10;

/// Where a browser's answers were given: its own practice, or a class.
struct PlaceLine {
    name: String,
    answered: usize,
    correct: usize,
    rounds: usize,
}

/// One round as listed on the progress page.
struct RoundLine {
    place: String,
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
    places: Vec<PlaceLine>,
}

pub async fn show_progress(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let learners = Learners::of(&state, &request)?;
    // Where this browser has answered: its own practice, then each class by name.
    let mut classes: Vec<(Token, String)> = Vec::new();
    for student in &learners.students {
        let class = state
            .storage
            .class(student.class)?
            .map(|class| class.name.as_str().to_string())
            .unwrap_or_default();
        classes.push((
            student.learner,
            format!("{class}, as {}", student.nickname.as_str()),
        ));
    }
    classes.sort_by(|a, b| a.1.cmp(&b.1));
    // A browser that joined before 2026-12 holds a student's learner id as its own: what
    // it did is that class's, and is shown as such.
    let own = learners
        .own
        .filter(|own| !learners.students.iter().any(|s| s.learner == *own))
        .map(|own| (own, "Your own practice".to_string()));
    let sources = own.into_iter().chain(classes);
    let mut tally = Tally::default();
    let mut round_count = 0;
    let mut places = Vec::new();
    let mut recent = Vec::new();
    for (learner, name) in sources {
        let progress = state.storage.progress(learner, RECENT_ROUNDS, |round| {
            matches!(feedback_hidden_until(&state, round), Ok(None))
        })?;
        tally.merge(&progress.tally);
        round_count += progress.round_count;
        places.push(PlaceLine {
            name: name.clone(),
            answered: progress.tally.answered(),
            correct: Tally::correct(&progress.tally),
            rounds: progress.round_count,
        });
        recent.extend(
            progress
                .recent_rounds
                .into_iter()
                .map(|round| (name.clone(), round)),
        );
    }
    recent.sort_by_key(|(_, round)| std::cmp::Reverse(round.created_at));
    recent.truncate(RECENT_ROUNDS);
    let rounds = recent
        .into_iter()
        .map(|(place, round)| {
            let finished = round.is_finished();
            RoundLine {
                place,
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
        .collect();
    html(&ProgressPage {
        scores: tally.scores().to_vec(),
        answered: tally.answered(),
        correct: Tally::correct(&tally),
        rounds,
        round_count,
        places,
    })
}
