//! Live sessions, the facilitator's side: start one from a pack, run it from the
//! presenter page (the projector view with its controls), and review it afterwards.
//!
//! Invariant: every handler loads the session through [`own_session`], which answers
//! 404 for another teacher's session exactly as for one that does not exist. A move is
//! sent with the version of the page it was made on; a move made on a page that has
//! gone stale (a second device moved on, a double click) changes nothing.

use std::time::Duration;

use actix_web::http::header;

use super::see_other;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use rand::Rng;
use serde::Deserialize;

use super::live::{
    KEEP_ALIVE, Lettered, LivePlace, event_stream, exercise_of, lettered, outcomes, state_event,
};
use super::rounds::{ChoiceOutcome, QuoteView, excerpt, passage_from, quote_views};
use crate::classes::JoinCode;
use crate::content::{Exercise, Pack, Skill};
use crate::live::{Action, LiveState, Phase, Scoring, Stage, ranks};
use crate::practice::{MAX_ROUND_LENGTH, Token, plan_round};
use crate::storage::live::{LiveAnswer, LiveSession};
use crate::web::error::AppError;
use crate::web::teacher_session::{SignedIn, check_session_form, require_teacher};
use crate::web::view::{Gloss, SkillBox, VersionView, focus_of_form, skill_boxes, version_views};
use crate::web::{AppState, format_time, now};

const NO_SUCH_SESSION: &str = "There is no live session at this address among yours. Your sessions are listed on the live sessions page.";

/// The session `id` if it is the signed-in teacher's; 404 otherwise.
fn own_session(state: &AppState, signed_in: &SignedIn, id: &str) -> Result<LiveSession, AppError> {
    Token::parse(id)
        .map(|id| state.storage.live_session(id))
        .transpose()?
        .flatten()
        .filter(|session| session.teacher == signed_in.teacher.id)
        .ok_or_else(|| AppError::NotFound(NO_SUCH_SESSION.into()))
}

fn session_url(session: &LiveSession) -> String {
    format!("/teachers/live/{}", session.id)
}

/// A session in the facilitator's list.
struct SessionLine {
    url: String,
    code: String,
    pack_title: String,
    started: String,
    status: String,
}

#[derive(Template)]
#[template(path = "teachers/live_list.html")]
struct ListPage {
    sessions: Vec<SessionLine>,
    packs: Vec<(String, String)>,
}

fn status_of(session: &LiveSession) -> String {
    let total = session.exercise_ids.len();
    match session.state.phase {
        Phase::Lobby => format!("Waiting in the lobby · {total} exercises"),
        Phase::At { position, .. } => format!("Running: exercise {} of {total}", position + 1),
        Phase::Ended => format!("Ended · {total} exercises"),
    }
}

/// `GET /teachers/live`: the teacher's live sessions, and the packs to start one from.
pub async fn show_sessions(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(&state, &request)?;
    let sessions = state
        .storage
        .live_sessions_of(signed_in.teacher.id)?
        .iter()
        .map(|session| SessionLine {
            url: session_url(session),
            code: session.code.to_string(),
            pack_title: state
                .library
                .pack(&session.pack_id)
                .map_or(session.pack_id.clone(), |pack| pack.title().to_string()),
            started: format_time(session.created_at),
            status: status_of(session),
        })
        .collect();
    super::html(&ListPage {
        sessions,
        packs: state
            .library
            .packs()
            .map(|pack| (pack.id().to_string(), pack.title().to_string()))
            .collect(),
    })
}

/// An exercise a facilitator can tick.
struct Pickable {
    id: String,
    excerpt: String,
}

#[derive(Template)]
#[template(path = "teachers/live_new.html")]
struct NewPage<'a> {
    pack: &'a Pack,
    csrf: String,
    skills: Vec<SkillBox>,
    by_skill: Vec<(&'static str, Vec<Pickable>)>,
    scorings: Vec<(&'static str, &'static str)>,
    max: usize,
}

#[derive(Deserialize)]
pub struct NewQuery {
    pack: Option<String>,
}

/// `GET /teachers/live/new?pack=…`: the form to start a live session from a pack.
pub async fn show_new(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(&state, &request)?;
    let pack = query
        .pack
        .as_deref()
        .and_then(|id| state.library.pack(id))
        .ok_or_else(|| {
            AppError::bad_request_with_back(
                "Choose one of the lessons on offer to start a live session.",
                "/teachers/live".into(),
            )
        })?;
    super::html(&NewPage {
        pack,
        csrf: signed_in.session.csrf.to_string(),
        skills: skill_boxes(Some(pack)),
        by_skill: Skill::ALL
            .iter()
            .map(|&skill| {
                (
                    skill.title(),
                    pack.exercises_of(skill)
                        .map(|exercise| Pickable {
                            id: exercise.id().to_string(),
                            excerpt: excerpt(exercise),
                        })
                        .collect(),
                )
            })
            .collect(),
        scorings: Scoring::ALL
            .into_iter()
            .map(|scoring| (scoring.slug(), scoring.title()))
            .collect(),
        max: MAX_ROUND_LENGTH,
    })
}

/// `POST /teachers/live`: starts a session in its lobby and shows the presenter page.
/// The form repeats `exercise` once per ticked exercise, so it is read as pairs.
pub async fn create_session(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(&state, &request)?;
    let field = |name: &str| {
        form.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
    };
    check_session_form(&signed_in, field("csrf"))?;
    let pack = field("pack")
        .and_then(|id| state.library.pack(id))
        .ok_or_else(|| {
            AppError::bad_request_with_back(
                "Choose one of the lessons on offer.",
                "/teachers/live".into(),
            )
        })?;
    let back = format!("/teachers/live/new?pack={}", pack.id());
    let wrong = |message: String| AppError::bad_request_with_back(message, back.clone());
    let seed = rand::rng().random::<u64>();
    let focus = || {
        focus_of_form(&form).map_err(|message| {
            wrong(format!(
                "{message} Choose which skills the exercises practise."
            ))
        })
    };
    let exercise_ids = match field("pick") {
        Some("all") => plan_round(pack, focus()?, usize::MAX, seed),
        Some("random") => {
            let text = field("count").unwrap_or_default();
            let count = text
                .parse::<usize>()
                .ok()
                .filter(|count| (1..=MAX_ROUND_LENGTH).contains(count))
                .ok_or_else(|| {
                    wrong(format!(
                        "The number of exercises must be a whole number from 1 to {MAX_ROUND_LENGTH}; “{text}” is not."
                    ))
                })?;
            plan_round(pack, focus()?, count, seed)
        }
        Some("chosen") => {
            let ticked: Vec<&str> = form
                .iter()
                .filter(|(key, _)| key == "exercise")
                .map(|(_, value)| value.as_str())
                .collect();
            if let Some(unknown) = ticked.iter().find(|id| pack.exercise(id).is_none()) {
                return Err(wrong(format!(
                    "“{unknown}” is not an exercise of this lesson."
                )));
            }
            // In the pack's order, each once.
            pack.exercises()
                .iter()
                .map(Exercise::id)
                .filter(|id| ticked.contains(id))
                .map(str::to_string)
                .collect()
        }
        _ => return Err(wrong("Choose how the exercises are picked.".into())),
    };
    if exercise_ids.is_empty() {
        return Err(wrong(
            "No exercise was chosen: tick at least one, or pick them another way.".into(),
        ));
    }
    if exercise_ids.len() > 200 {
        return Err(wrong(
            "A live session can have at most 200 exercises.".into(),
        ));
    }
    let scoring = field("scoring")
        .map(|slug| {
            Scoring::from_slug(slug).ok_or_else(|| wrong("Choose whether scores are shown.".into()))
        })
        .transpose()?
        .unwrap_or(Scoring::Hidden);
    let mut rng = rand::rng();
    let session = LiveSession {
        id: Token::random(&mut rng),
        teacher: signed_in.teacher.id,
        pack_id: pack.id().to_string(),
        state: LiveState::new(exercise_ids.len()),
        exercise_ids,
        seed,
        scoring,
        code: JoinCode::random_live(&mut rng),
        created_at: now(),
        ended_at: None,
    };
    let session = state
        .storage
        .create_live(session, || JoinCode::random_live(&mut rand::rng()))
        .await?;
    Ok(see_other(session_url(&session)))
}

/// An option's bar in the split of the room.
pub struct Bar<'a> {
    letter: char,
    label: &'a str,
    count: usize,
    percent: usize,
    is_correct: bool,
}

/// How the room answered an exercise: a bar per option in the session's order, and the
/// share who chose the answer the sources support.
fn split<'a>(
    session: &LiveSession,
    position: usize,
    exercise: &'a Exercise,
    answers: &[&LiveAnswer],
) -> (Vec<Bar<'a>>, Option<usize>) {
    let total = answers.len();
    let percent = |count: usize| (count * 100 + total / 2).checked_div(total).unwrap_or(0);
    let bars: Vec<Bar> = lettered(session, position, exercise, None)
        .into_iter()
        .map(
            |Lettered {
                 letter,
                 answer,
                 label,
                 ..
             }| {
                let count = answers.iter().filter(|a| a.choice == answer).count();
                Bar {
                    letter,
                    label,
                    count,
                    percent: percent(count),
                    is_correct: answer == exercise.correct_choice().answer(),
                }
            },
        )
        .collect();
    let right = answers.iter().filter(|answer| answer.correct).count();
    let share = (total > 0).then(|| crate::practice::SkillScore {
        skill: exercise.skill(),
        answered: total,
        correct: right,
    });
    (bars, share.and_then(|score| score.accuracy_percent()))
}

/// A button on the control panel.
struct Control {
    action: &'static str,
    label: String,
    primary: bool,
}

fn controls(session: &LiveSession) -> Vec<Control> {
    let control = |action, label: &str, primary| Control {
        action,
        label: label.to_string(),
        primary,
    };
    let total = session.exercise_ids.len();
    let Phase::At { position, stage } = session.state.phase else {
        return vec![control("start", "Open the first exercise", true)];
    };
    let last = position + 1 == total;
    let mut buttons = match stage {
        Stage::Open => vec![
            control("close", "Close answers", true),
            control("skip", "Skip this exercise", false),
        ],
        Stage::Closed => vec![
            control("reveal", "Reveal how the room answered", true),
            control("reopen", "Reopen answers", false),
        ],
        Stage::Revealed => vec![control(
            "explain",
            "Show the explanation and the evidence",
            true,
        )],
        Stage::Explained if last => vec![control("end", "End the session", true)],
        Stage::Explained => vec![control("next", "Next exercise", true)],
    };
    if last {
        buttons.retain(|button| button.action != "skip");
    } else if matches!(stage, Stage::Closed | Stage::Revealed) {
        buttons.push(control("next", "Next exercise", false));
    }
    if position > 0 {
        buttons.push(Control {
            action: "back",
            label: format!("Back to exercise {position}"),
            primary: false,
        });
    }
    buttons
}

#[derive(Template)]
#[template(path = "teachers/live.html")]
struct PresenterPage<'a> {
    session: &'a LiveSession,
    url: String,
    events_url: String,
    join_url: String,
    join_warning: Option<String>,
    qr_svg: String,
    csrf: String,
    notice: Option<&'static str>,
    joined: usize,
    answered: usize,
    stage: &'static str,
    place: Option<LivePlace>,
    exercise: Option<&'a Exercise>,
    passage_from: Option<&'a str>,
    choices: Vec<Lettered<'a>>,
    bars: Vec<Bar<'a>>,
    share_correct: Option<usize>,
    outcomes: Vec<ChoiceOutcome<'a>>,
    passage: Option<QuoteView<'a>>,
    evidence: Vec<QuoteView<'a>>,
    versions: Vec<VersionView<'a>>,
    /// Links into the glossary would take the projector away: none here.
    gloss: Gloss<'static>,
    /// Whether the prompt shows a quote exercise's passages to compare (until the
    /// versions are shown marked, with the explanation).
    compare: bool,
    controls: Vec<Control>,
    /// "End the session" is offered apart unless it is the next step anyway.
    offer_end: bool,
}

/// One exercise in the review after the session.
struct ReviewItem<'a> {
    number: usize,
    skill_title: &'static str,
    excerpt: String,
    answered: usize,
    bars: Vec<Bar<'a>>,
    share_correct: Option<usize>,
    opened: bool,
}

struct Leader {
    rank: usize,
    nickname: String,
    right: usize,
}

#[derive(Template)]
#[template(path = "teachers/live_review.html")]
struct ReviewPage<'a> {
    session: &'a LiveSession,
    pack_title: &'a str,
    ended: String,
    joined: usize,
    items: Vec<ReviewItem<'a>>,
    leaders: Vec<Leader>,
}

#[derive(Deserialize)]
pub struct PresenterQuery {
    moved: Option<String>,
}

/// `GET /teachers/live/{session}`: the presenter page with its controls, or the review
/// once the session has ended.
pub async fn show_session(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    query: web::Query<PresenterQuery>,
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(&state, &request)?;
    let session = own_session(&state, &signed_in, &path)?;
    let joined = state.storage.participant_count(session.id);
    if session.state.phase == Phase::Ended {
        return show_review(&state, &session, joined);
    }
    let crate::web::JoinLink {
        url: join_url,
        warning: join_warning,
    } = crate::web::join_link(&state, &request, &format!("live/{}", session.code.as_str()));
    let mut page = PresenterPage {
        session: &session,
        url: session_url(&session),
        events_url: format!("{}/events", session_url(&session)),
        qr_svg: super::classes::qr_svg(&join_url),
        join_url,
        join_warning,
        csrf: signed_in.session.csrf.to_string(),
        notice: query.moved.as_ref().map(|_| {
            "The session had already moved on (from another screen, or a second click), so that button changed nothing. This is where it stands."
        }),
        joined,
        answered: 0,
        stage: "lobby",
        place: None,
        exercise: None,
        passage_from: None,
        choices: Vec::new(),
        bars: Vec::new(),
        share_correct: None,
        outcomes: Vec::new(),
        passage: None,
        evidence: Vec::new(),
        versions: Vec::new(),
        gloss: Gloss::off(),
        compare: true,
        controls: controls(&session),
        offer_end: true,
    };
    page.offer_end = !page.controls.iter().any(|control| control.action == "end");
    if let Phase::At { position, stage } = session.state.phase {
        let (pack, exercise) = exercise_of(&state, &session, position)?;
        let answers = state.storage.live_answers_at(session.id, position)?;
        page.answered = answers.len();
        page.stage = stage.slug();
        page.place = Some(LivePlace {
            number: position + 1,
            total: session.exercise_ids.len(),
            skill_title: exercise.skill().title(),
        });
        page.exercise = Some(exercise);
        page.passage_from = passage_from(pack, exercise);
        page.choices = lettered(&session, position, exercise, None);
        if stage.is_revealed() {
            let answers: Vec<&LiveAnswer> = answers.iter().collect();
            (page.bars, page.share_correct) = split(&session, position, exercise, &answers);
        }
        if stage == Stage::Explained {
            page.outcomes = outcomes(&session, position, exercise, None);
            (page.passage, page.evidence) = quote_views(pack, exercise, "");
            page.versions = version_views(pack, exercise, "");
            page.compare = false;
        }
    }
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page.render()?))
}

fn show_review(
    state: &AppState,
    session: &LiveSession,
    joined: usize,
) -> Result<HttpResponse, AppError> {
    let pack = state.library.pack(&session.pack_id).ok_or_else(|| {
        AppError::NotFound("This session's lesson pack is no longer offered.".into())
    })?;
    let answers = state.storage.live_answers_of(session.id)?;
    let items = session
        .exercise_ids
        .iter()
        .enumerate()
        .filter_map(|(position, id)| {
            let exercise = pack.exercise(id)?;
            let here: Vec<&LiveAnswer> = answers
                .iter()
                .filter(|answer| answer.position == position)
                .collect();
            let (bars, share_correct) = split(session, position, exercise, &here);
            Some(ReviewItem {
                number: position + 1,
                skill_title: exercise.skill().title(),
                excerpt: excerpt(exercise),
                answered: here.len(),
                bars,
                share_correct,
                opened: session.state.opened[position],
            })
        })
        .collect();
    let leaders = if session.scoring == Scoring::Leaderboard {
        leaderboard(state, session, &answers)?
    } else {
        Vec::new()
    };
    super::html(&ReviewPage {
        session,
        pack_title: pack.title(),
        ended: session.ended_at.map(format_time).unwrap_or_default(),
        joined,
        items,
        leaders,
    })
}

/// The ten best participants by answers right (more when the tenth place is shared).
fn leaderboard(
    state: &AppState,
    session: &LiveSession,
    answers: &[LiveAnswer],
) -> Result<Vec<Leader>, AppError> {
    let mut scored: Vec<(String, usize)> = state
        .storage
        .participants_of(session.id)?
        .into_iter()
        .map(|participant| {
            let right = answers
                .iter()
                .filter(|answer| answer.participant == participant.id && answer.correct)
                .count();
            (participant.nickname.as_str().to_string(), right)
        })
        .filter(|(_, right)| *right > 0)
        .collect();
    scored.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| a.0.to_lowercase().cmp(&b.0.to_lowercase()))
    });
    let places = ranks(&scored.iter().map(|(_, right)| *right).collect::<Vec<_>>());
    Ok(scored
        .into_iter()
        .zip(places)
        .take_while(|(_, rank)| *rank <= 10)
        .map(|((nickname, right), rank)| Leader {
            rank,
            nickname,
            right,
        })
        .collect())
}

#[derive(Deserialize)]
pub struct MoveForm {
    csrf: Option<String>,
    action: Option<String>,
    version: Option<String>,
}

/// `POST /teachers/live/{session}/moves`: opens, closes, reveals, moves on or ends.
pub async fn make_move(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(&state, &request)?;
    let session = own_session(&state, &signed_in, &path)?;
    check_session_form(&signed_in, form.csrf.as_deref())?;
    let here = session_url(&session);
    let action = form
        .action
        .as_deref()
        .and_then(Action::from_slug)
        .ok_or_else(|| {
            AppError::bad_request_with_back(
                "That button is not one the presenter page has. Go back and use one of its buttons.",
                here.clone(),
            )
        })?;
    let version = form
        .version
        .as_deref()
        .and_then(|text| text.parse::<u64>().ok());
    let channel = state.live.channel(session.id, &session.state);
    let changed = {
        let _still = channel.lock();
        let mut current = state
            .storage
            .live_session(session.id)?
            .ok_or_else(|| AppError::NotFound(NO_SUCH_SESSION.into()))?;
        if version != Some(current.state.version) {
            None
        } else {
            current.state = current
                .state
                .apply(action)
                .map_err(|refusal| AppError::bad_request_with_back(refusal.0, here.clone()))?;
            if current.state.phase == Phase::Ended {
                current.ended_at = Some(now());
            }
            state.storage.save_live(&current)?;
            Some(current)
        }
    };
    let Some(current) = changed else {
        return Ok(see_other(format!("{here}?moved=1")));
    };
    state.storage.flush().await?;
    channel.announce(&current.state);
    Ok(see_other(here))
}

/// How long the facilitator's stream waits after an update before the next: a room
/// answering at once becomes a few updates a second, not one per answer.
const COUNTS_EVERY: Duration = Duration::from_millis(250);

/// `GET /teachers/live/{session}/events`: the facilitator's stream: the phase, and the
/// counts of participants and answers as they change.
pub async fn facilitator_events(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(&state, &request)?;
    let session = own_session(&state, &signed_in, &path)?;
    let channel = state.live.channel(session.id, &session.state);
    let receiver = channel.activity.subscribe();
    let id = session.id;
    let stream = futures_util::stream::unfold((receiver, true), move |(mut receiver, first)| {
        let state = state.clone();
        let channel = channel.clone();
        async move {
            let prefix = if first {
                receiver.borrow_and_update();
                "retry: 1000\n"
            } else {
                actix_web::rt::time::sleep(COUNTS_EVERY).await;
                match actix_web::rt::time::timeout(KEEP_ALIVE, receiver.changed()).await {
                    Ok(Ok(())) => {
                        receiver.borrow_and_update();
                        ""
                    }
                    Ok(Err(_)) => return None,
                    Err(_) => {
                        return Some((
                            Ok(web::Bytes::from_static(b": still here\n\n")),
                            (receiver, false),
                        ));
                    }
                }
            };
            let signal = *channel.phase.borrow();
            let joined = state.storage.participant_count(id);
            let answered = signal
                .number
                .checked_sub(1)
                .map_or(0, |position| state.storage.live_answer_count(id, position));
            let event = state_event(
                signal,
                &format!(",\"joined\":{joined},\"answered\":{answered}"),
            );
            Some((
                Ok::<_, actix_web::Error>(web::Bytes::from(format!("{prefix}{event}"))),
                (receiver, false),
            ))
        }
    });
    Ok(event_stream(stream))
}

/// `GET /teachers/live/{session}/results.csv`: one row per answer, participant by
/// participant.
pub async fn export_session(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(&state, &request)?;
    let session = own_session(&state, &signed_in, &path)?;
    let pack = state.library.pack(&session.pack_id);
    let answers = state.storage.live_answers_of(session.id)?;
    let mut rows = vec![
        [
            "Nickname",
            "Exercise",
            "Skill",
            "Question",
            "Answer",
            "Answer the sources support",
            "Right",
            "Answered at",
        ]
        .map(str::to_string)
        .to_vec(),
    ];
    for participant in state.storage.participants_of(session.id)? {
        for answer in answers
            .iter()
            .filter(|answer| answer.participant == participant.id)
        {
            let Some(exercise) = session
                .exercise_ids
                .get(answer.position)
                .and_then(|id| pack?.exercise(id))
            else {
                continue;
            };
            rows.push(vec![
                participant.nickname.as_str().to_string(),
                (answer.position + 1).to_string(),
                exercise.skill().title().to_string(),
                excerpt(exercise),
                exercise
                    .choice(&answer.choice)
                    .map_or(answer.choice.clone(), |choice| choice.label().to_string()),
                exercise.correct_choice().label().to_string(),
                if answer.correct { "yes" } else { "no" }.to_string(),
                format_time(answer.answered_at),
            ]);
        }
    }
    super::results::csv_response(&format!("live-session-{}.csv", session.code.as_str()), rows)
}
