//! `GET /progress`: what this browser has done, per skill and per round: its own
//! practice and its work in each class it joined, together and place by place; its
//! judgement (calibration and discernment) and its reviews. `GET /progress.json` is the
//! same learner's progress for programs (its format is in `docs/measures.md`).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Serialize;

use super::{anonymous_page, no_store};
use crate::measures::{Measures, Subject};
use crate::practice::{Round, SkillScore, Tally};
use crate::review::ReviewCounts;
use crate::web::assignment_view::feedback_hidden_until;
use crate::web::error::AppError;
use crate::web::learners::Learners;
use crate::web::measures_view::{
    DiscernmentJson, JudgementView, LevelJson, add_round, levels_json,
};
use crate::web::review_view::{ReviewLine, places, review_lines};
use crate::web::{AppState, format_time, now};

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
    judgement: JudgementView,
    reviews: Vec<ReviewLine>,
    csrf: String,
}

/// Everything this browser has done, summed over its places.
struct Done {
    tally: Tally,
    measures: Measures,
    round_count: usize,
    places: Vec<PlaceLine>,
    /// The newest rounds, each with the name of its place.
    recent: Vec<(String, Round)>,
    reviews: ReviewCounts,
}

fn done(state: &AppState, learners: &Learners, now: u64) -> Result<Done, AppError> {
    let mut done = Done {
        tally: Tally::default(),
        measures: Measures::default(),
        round_count: 0,
        places: Vec::new(),
        recent: Vec::new(),
        reviews: ReviewCounts::default(),
    };
    for (learner, _, name) in places(state, learners)? {
        let measures = &mut done.measures;
        let progress = state.storage.progress(learner, RECENT_ROUNDS, |round| {
            let shown = matches!(feedback_hidden_until(state, round), Ok(None));
            if shown {
                add_round(measures, &state.shelf, round);
            }
            shown
        })?;
        done.tally.merge(&progress.tally);
        done.round_count += progress.round_count;
        done.reviews
            .merge(&state.storage.review_counts(learner, now)?);
        done.places.push(PlaceLine {
            name: name.clone(),
            answered: progress.tally.answered(),
            correct: Tally::correct(&progress.tally),
            rounds: progress.round_count,
        });
        done.recent.extend(
            progress
                .recent_rounds
                .into_iter()
                .map(|round| (name.clone(), round)),
        );
    }
    done.recent
        .sort_by_key(|(_, round)| std::cmp::Reverse(round.created_at));
    done.recent.truncate(RECENT_ROUNDS);
    Ok(done)
}

pub async fn show_progress(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let learners = Learners::of(&state, &request)?;
    let now = now();
    let done = done(&state, &learners, now)?;
    let rounds = done
        .recent
        .into_iter()
        .map(|(place, round)| {
            let finished = round.is_finished();
            RoundLine {
                place,
                started: format_time(round.created_at),
                pack_title: state
                    .shelf
                    .pack(&round.pack_id)
                    .map(|pack| pack.title().to_string())
                    .unwrap_or_else(|| round.pack_id.clone()),
                focus_title: if round.review {
                    "Review".to_string()
                } else {
                    round.focus.title()
                },
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
    let reviews = review_lines(&state, &learners, now)?;
    anonymous_page(&state, &request, actix_web::http::StatusCode::OK, |csrf| {
        ProgressPage {
            scores: done.tally.scores().to_vec(),
            answered: done.tally.answered(),
            correct: Tally::correct(&done.tally),
            rounds,
            round_count: done.round_count,
            places: done.places,
            judgement: JudgementView::of(&done.measures, &Subject::You),
            reviews,
            csrf,
        }
    })
}

/// `GET /progress.json`: the learner's own progress (see `docs/measures.md`).
#[derive(Serialize)]
struct ProgressJson {
    answered: usize,
    correct: usize,
    rounds: usize,
    skills: Vec<SkillJson>,
    /// Agreed or contested claims.
    discernment: DiscernmentJson,
    /// Faithful or changed quotes.
    quote_discernment: DiscernmentJson,
    calibration: Vec<LevelJson>,
    reviews_due: usize,
    reviews_due_today: usize,
    reviews_scheduled: usize,
}

#[derive(Serialize)]
struct SkillJson {
    skill: &'static str,
    answered: usize,
    correct: usize,
}

pub async fn show_progress_json(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let learners = Learners::of(&state, &request)?;
    let done = done(&state, &learners, now())?;
    let body = ProgressJson {
        answered: done.tally.answered(),
        correct: done.tally.correct(),
        rounds: done.round_count,
        skills: done
            .tally
            .scores()
            .iter()
            .map(|score| SkillJson {
                skill: score.skill.slug(),
                answered: score.answered,
                correct: score.correct,
            })
            .collect(),
        discernment: DiscernmentJson::of(done.measures.contested()),
        quote_discernment: DiscernmentJson::of(done.measures.quote()),
        calibration: levels_json(done.measures.calibration()),
        reviews_due: done.reviews.due_now,
        reviews_due_today: done.reviews.due_today,
        reviews_scheduled: done.reviews.scheduled,
    };
    Ok(no_store(HttpResponse::Ok().json(body)))
}
