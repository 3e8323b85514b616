//! `POST /reviews`: starts a review round of the exercises due for review in one place
//! (this browser's own practice, or a class it joined) and one pack.

use actix_web::{HttpRequest, HttpResponse, web};
use rand::Rng;
use serde::Deserialize;

use super::see_other;
use crate::ids::Token;
use crate::practice::{Focus, MAX_ROUND_LENGTH, Round};
use crate::web::error::AppError;
use crate::web::extract::AnonymousForm;
use crate::web::learners::Learners;
use crate::web::review_view::learner_of_place;
use crate::web::{AppState, now};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    /// `own`, or the id of a student this browser is.
    place: String,
    pack: String,
}

pub async fn start_review(
    state: web::Data<AppState>,
    request: HttpRequest,
    AnonymousForm(form): AnonymousForm<ReviewForm>,
) -> Result<HttpResponse, AppError> {
    let back = || "/progress".to_string();
    let learners = Learners::of(&state, &request)?;
    let learner = learner_of_place(&learners, form.place.trim()).ok_or_else(|| {
        AppError::bad_request_with_back(
            "These reviews are not this browser's: start them from the home page or My progress.",
            back(),
        )
    })?;
    let pack = state.shelf.pack(form.pack.trim()).ok_or_else(|| {
        AppError::bad_request_with_back(
            "That lesson is not on offer here any more, so it has nothing to review.",
            back(),
        )
    })?;
    let pack = &*pack;
    let now = now();
    let due: Vec<String> = state
        .storage
        .due_reviews(learner, now)?
        .into_iter()
        .filter(|review| {
            review.pack_id == pack.id() && pack.exercise(&review.exercise_id).is_some()
        })
        .map(|review| review.exercise_id)
        .take(MAX_ROUND_LENGTH)
        .collect();
    let skills = due
        .iter()
        .filter_map(|id| pack.exercise(id))
        .map(|exercise| exercise.skill());
    let Some(focus) = Focus::of(skills) else {
        return Err(AppError::bad_request_with_back(
            "Nothing is due for review yet: each exercise comes back on its own day. My progress says when the next one is.",
            back(),
        ));
    };
    let (id, seed) = {
        let mut rng = rand::rng();
        (Token::random(&mut rng), rng.random::<u64>())
    };
    let mut round = Round::with_exercises(id, learner, pack, focus, due, seed, now);
    round.review = true;
    state.storage.create_round(&round).await?;
    Ok(see_other(format!("/rounds/{}/questions/1", round.id)))
}
