//! Practice rounds: starting one, answering its questions, the feedback after each
//! answer, and the summary at the end.
//!
//! `GET /rounds/{round}/questions/{n}` shows the question while it is unanswered and
//! the feedback once it is answered, so a reload never loses the learner's place.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use rand::Rng;
use serde::Deserialize;

use super::{anonymous_page, confidence_of, html, note_read_cookie, see_other};
use crate::content::{Choice, Exercise, Pack, Skill};
use crate::ids::Token;
use crate::measures::{Measures, Subject};
use crate::practice::{
    Answer, Confidence, DEFAULT_ROUND_LENGTH, Focus, MAX_ROUND_LENGTH, Round, SkillScore,
    option_order,
};
use crate::storage::rounds::Recorded;
use crate::web::assignment_view::feedback_hidden_until;
use crate::web::error::AppError;
use crate::web::extract::{AnonymousForm, FoundPack, LearnersRound};
use crate::web::measures_view::{JudgementView, add_round};
use crate::web::view::{
    ChoiceOutcome, ConfidenceLevel, Gloss, QuoteView, VersionView, confidence_levels, excerpt,
    passage_from, quote_views, version_views,
};
use crate::web::{AppState, learner, learner_cookie, now};

#[derive(Deserialize)]
pub struct StartForm {
    focus: Option<String>,
    length: Option<String>,
}

/// `POST /packs/{pack}/rounds`: starts a round of the pack and goes to its first
/// question.
pub async fn create_round(
    state: web::Data<AppState>,
    request: HttpRequest,
    pack: FoundPack,
    AnonymousForm(form): AnonymousForm<StartForm>,
) -> Result<HttpResponse, AppError> {
    let pack = &*pack;
    let back = format!("/packs/{}", pack.id());
    let focus = match form.focus.as_deref().map(str::trim) {
        None | Some("") => return Err(AppError::bad_request_with_back("Choose which skill to practise before you start.", back)),
        Some(slug) => Focus::from_slug(slug).ok_or_else(|| {
            AppError::bad_request_with_back(
                format!("“{slug}” is not a skill of this pack: choose source, perspective, contested, quote or all."),
                back.clone(),
            )
        })?,
    };
    let length = match form.length.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_ROUND_LENGTH,
        Some(text) => text.parse::<usize>().ok().filter(|length| (1..=MAX_ROUND_LENGTH).contains(length)).ok_or_else(|| {
            AppError::bad_request_with_back(
                format!("The number of questions must be a whole number from 1 to {MAX_ROUND_LENGTH}; “{text}” is not."),
                back.clone(),
            )
        })?,
    };
    let known_learner = learner(&request);
    let (round_id, learner_id, seed) = {
        let mut rng = rand::rng();
        (
            Token::random(&mut rng),
            known_learner.unwrap_or_else(|| Token::random(&mut rng)),
            rng.random::<u64>(),
        )
    };
    let round = Round::new(round_id, learner_id, pack, focus, length, seed, now());
    if round.is_empty() {
        return Err(AppError::bad_request_with_back(
            "This pack has no exercises of that kind yet.",
            back,
        ));
    }
    state.storage.create_round(&round).await?;
    let mut response = HttpResponse::SeeOther();
    response.insert_header((header::LOCATION, question_url(round.id, 0)));
    if known_learner.is_none() {
        response.cookie(learner_cookie(learner_id));
    }
    response.cookie(note_read_cookie(pack));
    Ok(response.finish())
}

pub async fn resume_round(
    LearnersRound { round, .. }: LearnersRound,
) -> Result<HttpResponse, AppError> {
    let location = match round.next_unanswered() {
        Some(position) => question_url(round.id, position),
        None => summary_url(round.id),
    };
    Ok(see_other(location))
}

#[derive(Template)]
#[template(path = "question.html")]
struct QuestionPage<'a> {
    exercise: &'a Exercise,
    progress: RoundPlace,
    /// The document a perspective exercise's passage comes from (hidden for source
    /// exercises, where it is the answer).
    passage_from: Option<&'a str>,
    choices: Vec<&'a Choice>,
    action: String,
    csrf: String,
    gloss: Gloss<'a>,
    /// Whether the prompt shows a quote exercise's passages to compare.
    compare: bool,
    confidence: [ConfidenceLevel; 3],
}

/// Where in its round a question stands, for the page's heading.
struct RoundPlace {
    number: usize,
    total: usize,
    skill_title: &'static str,
    /// The assignment the round is for, named as on "My classes"; `None` for a
    /// learner's own practice.
    assignment: Option<String>,
    /// A review round's questions are ones the learner missed or guessed before.
    review: bool,
}

/// A round's assignment, named as "My classes" and the teacher's pages name it: the
/// teacher's title, or its skills. `None` for the learner's own practice.
fn assignment_name(state: &AppState, round: &Round) -> Result<Option<String>, AppError> {
    let Some(id) = round.assignment else {
        return Ok(None);
    };
    Ok(state
        .storage
        .assignment(id)?
        .map(|assignment| assignment.title()))
}

#[derive(Template)]
#[template(path = "feedback.html")]
struct FeedbackPage<'a> {
    exercise: &'a Exercise,
    progress: RoundPlace,
    passage_from: Option<&'a str>,
    was_correct: bool,
    chosen_label: &'a str,
    /// How sure the learner said they were, as a reminder ("you were sure").
    sureness: Option<&'static str>,
    correct_label: &'a str,
    outcomes: Vec<ChoiceOutcome<'a>>,
    passage: Option<QuoteView<'a>>,
    evidence: Vec<QuoteView<'a>>,
    versions: Vec<VersionView<'a>>,
    next_url: String,
    next_label: &'static str,
    gloss: Gloss<'a>,
    compare: bool,
}

pub async fn show_question(
    state: web::Data<AppState>,
    request: HttpRequest,
    found: LearnersRound,
    path: web::Path<(String, usize)>,
) -> Result<HttpResponse, AppError> {
    let (_, number) = path.into_inner();
    let (round, pack) = (&found.round, &*found.pack);
    let (position, exercise) = exercise_at(round, pack, number)?;
    let progress = RoundPlace {
        number,
        total: round.len(),
        skill_title: exercise.skill().title(),
        assignment: assignment_name(&state, round)?,
        review: round.review,
    };
    let passage_from = passage_from(pack, exercise);
    let order = option_order(exercise, round.seed, position);
    let ordered_choices: Vec<&Choice> = order
        .iter()
        .map(|&index| &exercise.choices()[index])
        .collect();

    let Some(answer) = &round.answers[position] else {
        return anonymous_page(&state, &request, StatusCode::OK, |csrf| QuestionPage {
            exercise,
            progress,
            passage_from,
            choices: ordered_choices,
            action: question_url(round.id, position),
            csrf,
            gloss: Gloss::of(pack),
            compare: true,
            confidence: confidence_levels(None),
        });
    };
    if let Some(due) = feedback_hidden_until(&state, round)? {
        let (next_url, next_label) = match round.next_unanswered() {
            Some(next) => (question_url(round.id, next), "Next question"),
            None => (summary_url(round.id), "Finish"),
        };
        let chosen_label = exercise
            .choice(&answer.choice)
            .map(Choice::label)
            .unwrap_or(answer.choice.as_str());
        return html(&SavedPage {
            exercise,
            progress,
            passage_from,
            chosen_label,
            due,
            next_url,
            next_label,
            gloss: Gloss::of(pack),
            compare: true,
        });
    }
    let chosen_label = exercise
        .choice(&answer.choice)
        .map(Choice::label)
        .unwrap_or(answer.choice.as_str());
    let outcomes = ordered_choices
        .iter()
        .map(|choice| ChoiceOutcome::of(exercise, choice, Some(&answer.choice)))
        .collect();
    let link_suffix = format!("&round={}&number={number}", round.id);
    let (passage, evidence) = quote_views(pack, exercise, &link_suffix);
    let versions = version_views(pack, exercise, &link_suffix);
    let (next_url, next_label) = match round.next_unanswered() {
        Some(next) => (question_url(round.id, next), "Next question"),
        None => (summary_url(round.id), "See your results"),
    };
    html(&FeedbackPage {
        exercise,
        progress,
        passage_from,
        was_correct: answer.correct,
        chosen_label,
        sureness: answer.confidence.map(Confidence::reminder),
        correct_label: exercise.correct_choice().label(),
        outcomes,
        passage,
        evidence,
        versions,
        next_url,
        next_label,
        gloss: Gloss::of(pack),
        compare: false,
    })
}

/// The end of an assignment whose results wait for the due date.
#[derive(Template)]
#[template(path = "saved_summary.html")]
struct SavedSummaryPage<'a> {
    pack: &'a Pack,
    assignment: Option<String>,
    answered: usize,
    total: usize,
    due: String,
    next_url: Option<String>,
}

/// An answer to an assignment whose correct answers wait for the due date.
#[derive(Template)]
#[template(path = "saved.html")]
struct SavedPage<'a> {
    exercise: &'a Exercise,
    progress: RoundPlace,
    passage_from: Option<&'a str>,
    chosen_label: &'a str,
    due: String,
    next_url: String,
    next_label: &'static str,
    gloss: Gloss<'a>,
    compare: bool,
}

#[derive(Deserialize)]
pub struct AnswerForm {
    exercise: Option<String>,
    choice: Option<String>,
    /// How sure the learner is; optional.
    confidence: Option<String>,
}

/// `POST /rounds/{round}/questions/{n}`: records the answer, once, and goes to its
/// feedback.
pub async fn submit_answer(
    state: web::Data<AppState>,
    // Answering needs the round's plan, not its other answers.
    found: LearnersRound<false>,
    path: web::Path<(String, usize)>,
    AnonymousForm(form): AnonymousForm<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    let (_, number) = path.into_inner();
    let (round, pack) = (&found.round, &*found.pack);
    let (position, exercise) = exercise_at(round, pack, number)?;
    let here = question_url(round.id, position);
    match form.exercise.as_deref() {
        None | Some("") => {
            return Err(AppError::bad_request_with_back(
                "The answer form was incomplete (it did not say which question it answers). Go back and answer again.",
                here,
            ));
        }
        Some(id) if id != exercise.id() => {
            return Err(AppError::bad_request_with_back(
                format!(
                    "This answer was sent for a different question than question {number} of this round, so it was not recorded. Go back and answer the question shown."
                ),
                here,
            ));
        }
        Some(_) => {}
    }
    let already_answered = || AppError::AlreadyAnswered {
        round: round.id.to_string(),
        number,
    };
    // A question answered before says so, whatever this form holds; the store's
    // compare-and-swap decides for a valid answer, so only a form that is refused
    // anyway reads whether one is there.
    let refuse = |error: AppError| -> Result<HttpResponse, AppError> {
        if state.storage.is_answered(round.id, position)? {
            Err(already_answered())
        } else {
            Err(error)
        }
    };
    let Some(choice) = form.choice.as_deref().filter(|choice| !choice.is_empty()) else {
        return refuse(AppError::bad_request_with_back(
            "Choose one of the options before you submit your answer.",
            here,
        ));
    };
    let confidence = match confidence_of(form.confidence.as_deref()) {
        Ok(confidence) => confidence,
        Err(message) => return refuse(AppError::bad_request_with_back(message, here)),
    };
    let Some(answer) = Answer::grade(exercise, choice, confidence, now()) else {
        return refuse(AppError::bad_request_with_back(
            format!(
                "“{choice}” is not one of the options of this question. Go back and choose one of them."
            ),
            here,
        ));
    };
    // A review scheduled now would tell the learner, before the feedback does, that
    // the answer was wrong: those wait for the summary (`catch_up_reviews`).
    let recorded = if feedback_hidden_until(&state, round)?.is_none() {
        state
            .storage
            .record_answer_with_review(round, position, &answer, now())
            .await?
    } else {
        state
            .storage
            .record_answer(round.id, position, &answer)
            .await?
    };
    match recorded {
        Recorded::Stored => Ok(see_other(format!("{here}#feedback"))),
        Recorded::AlreadyAnswered => Err(already_answered()),
    }
}

/// A question the learner got wrong, for the summary.
struct Missed {
    number: usize,
    skill_title: &'static str,
    excerpt: String,
    url: String,
}

#[derive(Template)]
#[template(path = "summary.html")]
struct SummaryPage<'a> {
    pack: &'a Pack,
    /// For an assignment's round: handed in once every question is answered.
    assignment: Option<String>,
    focus_title: String,
    answered: usize,
    total: usize,
    correct: usize,
    next_url: Option<String>,
    scores: Vec<SkillScore>,
    missed: Vec<Missed>,
    weakest: Option<Skill>,
    judgement: JudgementView,
    csrf: String,
}

pub async fn show_summary(
    state: web::Data<AppState>,
    request: HttpRequest,
    found: LearnersRound,
) -> Result<HttpResponse, AppError> {
    let (round, pack) = (&found.round, &*found.pack);
    if let Some(due) = feedback_hidden_until(&state, round)? {
        return html(&SavedSummaryPage {
            pack,
            assignment: assignment_name(&state, round)?,
            answered: round.answered(),
            total: round.len(),
            due,
            next_url: round
                .next_unanswered()
                .map(|position| question_url(round.id, position)),
        });
    }
    catch_up_reviews(&state, round).await?;
    let tally = round.tally();
    let missed = round
        .answers
        .iter()
        .enumerate()
        .filter_map(|(position, answer)| {
            let answer = answer.as_ref().filter(|answer| !answer.correct)?;
            let exercise = pack.exercise(&answer.exercise_id)?;
            Some(Missed {
                number: position + 1,
                skill_title: exercise.skill().title(),
                excerpt: excerpt(exercise),
                url: question_url(round.id, position),
            })
        })
        .collect();
    let assignment = assignment_name(&state, round)?;
    let mut measures = Measures::default();
    add_round(&mut measures, &state.shelf, round);
    let judgement = JudgementView::of(&measures, &Subject::You);
    anonymous_page(&state, &request, StatusCode::OK, |csrf| SummaryPage {
        pack,
        assignment,
        focus_title: if round.review {
            "Review of what you missed or guessed".to_string()
        } else {
            round.focus.title()
        },
        answered: round.answered(),
        total: round.len(),
        correct: tally.correct(),
        next_url: round
            .next_unanswered()
            .map(|position| question_url(round.id, position)),
        scores: tally
            .scores()
            .iter()
            .copied()
            .filter(|score| score.answered > 0)
            .collect(),
        missed,
        weakest: tally.weakest(),
        judgement,
        csrf,
    })
}

/// Schedules the reviews of an assignment's round whose feedback waited (for a due
/// date, or a post-test), once its summary shows: each answer that calls for a review
/// and has no card yet gets one, from now. Free practice scheduled its own as it was
/// answered.
async fn catch_up_reviews(state: &AppState, round: &Round) -> Result<(), AppError> {
    if round.assignment.is_none() {
        return Ok(());
    }
    for answer in round.answers.iter().flatten() {
        if crate::review::needs_review(answer)
            && state
                .storage
                .review_card(round.learner, &round.pack_id, &answer.exercise_id)?
                .is_none()
        {
            state
                .storage
                .schedule_after_answer(round.learner, &round.pack_id, answer, now())
                .await?;
        }
    }
    Ok(())
}

/// The exercise at 1-based `number` of the round, with its 0-based position.
fn exercise_at<'a>(
    round: &Round,
    pack: &'a Pack,
    number: usize,
) -> Result<(usize, &'a Exercise), AppError> {
    let position = number
        .checked_sub(1)
        .filter(|&position| position < round.len())
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "This round has questions 1 to {}; there is no question {number}.",
                round.len()
            ))
        })?;
    let exercise = pack
        .exercise(&round.exercise_ids[position])
        .ok_or_else(|| {
            AppError::NotFound(
                "This question has been removed from the lesson pack since the round started."
                    .into(),
            )
        })?;
    Ok((position, exercise))
}

fn question_url(round: Token, position: usize) -> String {
    format!("/rounds/{round}/questions/{}", position + 1)
}

fn summary_url(round: Token) -> String {
    format!("/rounds/{round}/summary")
}
