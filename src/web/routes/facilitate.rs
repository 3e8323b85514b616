//! Live sessions, the facilitator's side: start one from a pack, run it from the
//! presenter page (the projector view with its controls), and review it afterwards.
//!
//! Invariant: every handler takes the session as an [`OwnedLiveSession`], which answers 404
//! for another teacher's live session exactly as for one that does not exist. A move is
//! sent with the version of the page it was made on; a move made on a page that has
//! gone stale (a second device moved on, a double click) changes nothing.

use std::time::Duration;

use actix_web::http::header;

use super::see_other;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use rand::Rng;
use serde::Deserialize;

use crate::classes::JoinCode;
use crate::content::{Exercise, Pack, Skill};
use crate::ids::Token;
use crate::live::{
    Action, LiveAnswer, LiveSession, LiveState, MAX_REMOVALS, Phase, Removal, Scoring, Stage, ranks,
};
use crate::measures::{Measures, Subject};
use crate::practice::{MAX_ROUND_LENGTH, plan_round};
use crate::web::csv::csv_response;
use crate::web::error::AppError;
use crate::web::extract::{CheckedForm, Fields, OwnedLiveSession, every_field, field};
use crate::web::live_view::{
    KEEP_ALIVE, Lettered, LivePlace, Revealed, event_stream, exercise_of, lettered, state_event,
};
use crate::web::measures_view::JudgementView;
use crate::web::sign_in::SignedIn;
use crate::web::view::{Gloss, SkillBox, excerpt, focus_of_form, passage_from, skill_boxes};
use crate::web::{AppState, format_time, now};

fn live_session_url(session: &LiveSession) -> String {
    format!("/teachers/live/{}", session.id)
}

/// A session in the facilitator's list.
struct LiveSessionLine {
    url: String,
    code: String,
    pack_title: String,
    started: String,
    status: String,
}

#[derive(Template)]
#[template(path = "teachers/live_list.html")]
struct ListPage {
    sessions: Vec<LiveSessionLine>,
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
pub async fn show_live_sessions(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, AppError> {
    let sessions = state
        .storage
        .live_sessions_of(signed_in.teacher.id)?
        .iter()
        .map(|session| LiveSessionLine {
            url: live_session_url(session),
            code: session.code.to_string(),
            pack_title: state
                .shelf
                .pack(&session.pack_id)
                .map_or(session.pack_id.clone(), |pack| pack.title().to_string()),
            started: format_time(session.created_at),
            status: status_of(session),
        })
        .collect();
    super::html(&ListPage {
        sessions,
        packs: state
            .shelf
            .packs_for(signed_in.teacher.id)
            .iter()
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
    signed_in: SignedIn,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    let pack = query
        .pack
        .as_deref()
        .and_then(|id| state.shelf.pack_for(signed_in.teacher.id, id))
        .ok_or_else(|| {
            AppError::bad_request_with_back(
                "Choose one of the lessons on offer to start a live session.",
                "/teachers/live".into(),
            )
        })?;
    let pack = &*pack;
    super::html(&NewPage {
        pack,
        csrf: signed_in.sign_in.csrf.to_string(),
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
pub async fn create_live_session(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    CheckedForm(form): CheckedForm<Fields>,
) -> Result<HttpResponse, AppError> {
    let field = |name: &str| field(&form, name).map(str::trim);
    let pack = field("pack")
        .and_then(|id| state.shelf.pack_for(signed_in.teacher.id, id))
        .ok_or_else(|| {
            AppError::bad_request_with_back(
                "Choose one of the lessons on offer.",
                "/teachers/live".into(),
            )
        })?;
    let pack = &*pack;
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
        Some("all") => {
            // Every exercise of the skills ticked: as many as there are, since a round
            // of several skills is dealt into a list made to that length.
            let focus = focus()?;
            let count = focus
                .skills()
                .map(|skill| pack.exercises_of(skill).count())
                .sum();
            plan_round(pack, focus, count, seed)
        }
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
            let ticked = every_field(&form, "exercise");
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
    Ok(see_other(live_session_url(&session)))
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
    mark_answer: bool,
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
                    is_correct: mark_answer && answer == exercise.correct_choice().answer(),
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
    let share = share.filter(|_| mark_answer);
    (bars, share.and_then(|score| score.accuracy_percent()))
}

/// A button of the control bar: a move, its label, and the keys that make it.
pub(super) struct Control {
    action: &'static str,
    label: String,
    /// The keys shown on the button, separated by spaces.
    key: &'static str,
    /// The keys the page's script answers with this move (`KeyboardEvent.key` values).
    keys: &'static str,
    primary: bool,
}

/// The keys of the main move, of going back, of skipping and of reopening answers.
const MAIN_KEYS: (&str, &str) = ("N →", "n N ArrowRight PageDown");
const BACK_KEYS: (&str, &str) = ("B ←", "b B ArrowLeft");
const SKIP_KEYS: (&str, &str) = ("X", "x X");
const REOPEN_KEYS: (&str, &str) = ("O", "o O");

/// The label of each main move.
fn main_label(action: Action, stage: Option<Stage>) -> &'static str {
    match (action, stage) {
        (Action::Start, _) => "Open the first exercise",
        (Action::Close, _) => "Close answers",
        (Action::Split, _) => "Show the split",
        (Action::Reveal, _) => "Show the answer",
        (Action::More, Some(Stage::Revealed)) => "Show why",
        (Action::More, Some(Stage::Explained)) => "Show each option",
        (Action::More, _) => "Show the evidence",
        (Action::Next, _) => "Next exercise",
        (Action::End, _) => "Finish the session",
        (Action::Reopen, _) => "Reopen answers",
        (Action::Back, _) => "Back",
    }
}

/// The buttons for where the session stands: the main move first, then those that
/// exist here (reopen, skip or next, back).
fn controls(session: &LiveSession) -> Vec<Control> {
    let control =
        |action, label: String, (key, keys): (&'static str, &'static str), primary| Control {
            action,
            label,
            key,
            keys,
            primary,
        };
    let Some(main) = session.state.main_move() else {
        return Vec::new();
    };
    let stage = match session.state.phase {
        Phase::At { stage, .. } => Some(stage),
        _ => None,
    };
    let mut buttons = vec![control(
        main.slug(),
        main_label(main, stage).to_string(),
        MAIN_KEYS,
        true,
    )];
    let Phase::At { position, stage } = session.state.phase else {
        return buttons;
    };
    let last = position + 1 == session.exercise_ids.len();
    if stage == Stage::Closed {
        buttons.push(control(
            "reopen",
            "Reopen answers".into(),
            REOPEN_KEYS,
            false,
        ));
    }
    if !last && main != Action::Next {
        let label = if stage == Stage::Open {
            "Skip this exercise"
        } else {
            "Next exercise"
        };
        buttons.push(control("next", label.into(), SKIP_KEYS, false));
    }
    if position > 0 {
        buttons.push(control(
            "back",
            format!("Back to exercise {position}"),
            BACK_KEYS,
            false,
        ));
    }
    buttons
}

/// Someone in the lobby, with the id the Remove button sends.
struct RosterLine {
    id: String,
    nickname: String,
}

/// Which page shows the session: the presenter page (projector and controls), the
/// full-screen view (no site header or footer), or the phone's controls.
#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    Presenter,
    Screen,
    Remote,
}

/// As forms carry it (`view`) and the page's class names it: "presenter", "screen" or
/// "remote".
impl std::fmt::Display for View {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.slug())
    }
}

impl View {
    fn slug(self) -> &'static str {
        match self {
            View::Presenter => "presenter",
            View::Screen => "screen",
            View::Remote => "remote",
        }
    }

    fn from_slug(slug: &str) -> View {
        match slug {
            "screen" => View::Screen,
            "remote" => View::Remote,
            _ => View::Presenter,
        }
    }

    /// The address of this view of `session`.
    fn url(self, session: &LiveSession) -> String {
        match self {
            View::Presenter => live_session_url(session),
            View::Screen => format!("{}/screen", live_session_url(session)),
            View::Remote => format!("{}/remote", live_session_url(session)),
        }
    }
}

#[derive(Template)]
#[template(path = "teachers/live.html")]
struct PresenterPage<'a> {
    session: &'a LiveSession,
    /// The presenter page, the full-screen view or the phone remote.
    view: View,
    url: String,
    events_url: String,
    join_url: String,
    join_warning: Option<String>,
    qr_svg: String,
    csrf: String,
    /// The phase this page shows, as moves carry it (`from`).
    from: String,
    notice: Option<String>,
    joined: usize,
    roster: Vec<RosterLine>,
    answered: usize,
    /// Where the exercise shown stands; `None` in the lobby.
    stage: Option<Stage>,
    place: Option<LivePlace>,
    exercise: Option<&'a Exercise>,
    passage_from: Option<&'a str>,
    choices: Vec<Lettered<'a>>,
    bars: Vec<Bar<'a>>,
    /// The answer the sources support is marked on the bars.
    answer_shown: bool,
    /// How much of the explanation is shown: 0 none, 1 why, 2 each option, 3 the evidence.
    explained: u8,
    share_correct: Option<usize>,
    revealed: Revealed<'a>,
    /// Links into the glossary would take the projector away: none here.
    gloss: Gloss<'static>,
    /// Whether the prompt shows a quote exercise's passages to compare (until the
    /// versions are shown marked, with the evidence).
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
    /// The room's calibration and discernment, over every answer.
    judgement: JudgementView,
}

#[derive(Deserialize)]
pub struct PresenterQuery {
    moved: Option<String>,
    removed: Option<String>,
}

/// What the presenter page, the full-screen view and the remote read from a request.
type ViewRequest = (
    web::Data<AppState>,
    HttpRequest,
    OwnedLiveSession,
    web::Query<PresenterQuery>,
);

/// `GET /teachers/live/{session}`: the presenter page with its controls, or the review
/// once the session has ended.
pub async fn show_live_session(asked: ViewRequest) -> Result<HttpResponse, AppError> {
    show_view(asked, View::Presenter)
}

/// `GET /teachers/live/{session}/screen`: the presenter page for a projector alone,
/// without the site's header and footer.
pub async fn show_screen(asked: ViewRequest) -> Result<HttpResponse, AppError> {
    show_view(asked, View::Screen)
}

/// `GET /teachers/live/{session}/remote`: the controls alone, for the facilitator's
/// phone, with the exercise's number and where it stands but not the question.
pub async fn show_remote(asked: ViewRequest) -> Result<HttpResponse, AppError> {
    show_view(asked, View::Remote)
}

fn show_view(
    (state, request, OwnedLiveSession { signed_in, session }, query): ViewRequest,
    view: View,
) -> Result<HttpResponse, AppError> {
    let (state, request) = (state.get_ref(), &request);
    let joined = state.storage.participant_count(session.id);
    if session.state.phase == Phase::Ended {
        return show_review(state, &session, joined);
    }
    let crate::web::JoinLink {
        url: join_url,
        warning: join_warning,
    } = crate::web::join_link(state, request, &format!("live/{}", session.code.as_str()));
    let notice = if query.moved.is_some() {
        Some("The session had already moved on (from another screen, or a second press), so that move changed nothing. This is where it stands.".to_string())
    } else {
        query.removed.as_deref().map(|nickname| {
            format!("“{nickname}” was removed: their phone says so, and no one can join under that nickname or one that looks like it.")
        })
    };
    let roster = if session.state.phase == Phase::Lobby {
        state
            .storage
            .participants_of(session.id)?
            .into_iter()
            .map(|participant| RosterLine {
                id: participant.id.to_string(),
                nickname: participant.nickname.as_str().to_string(),
            })
            .collect()
    } else {
        Vec::new()
    };
    // The exercise on screen, if any: the page borrows from it.
    let found;
    let mut page = PresenterPage {
        session: &session,
        view,
        url: live_session_url(&session),
        events_url: format!("{}/events", live_session_url(&session)),
        qr_svg: crate::web::view::qr_svg(&join_url),
        join_url,
        join_warning,
        csrf: signed_in.sign_in.csrf.to_string(),
        from: session.state.phase.token(),
        notice,
        joined,
        roster,
        answered: 0,
        stage: None,
        place: None,
        exercise: None,
        passage_from: None,
        choices: Vec::new(),
        bars: Vec::new(),
        answer_shown: false,
        explained: 0,
        share_correct: None,
        revealed: Revealed::default(),
        gloss: Gloss::off(),
        compare: true,
        controls: controls(&session),
        offer_end: true,
    };
    page.offer_end = !page.controls.iter().any(|control| control.action == "end");
    if let Phase::At { position, stage } = session.state.phase {
        found = exercise_of(state, &session, position)?;
        let (pack, exercise) = found.parts();
        let answers = state.storage.live_answers_at(session.id, position)?;
        page.answered = answers.len();
        page.stage = Some(stage);
        page.place = Some(LivePlace {
            number: position + 1,
            total: session.exercise_ids.len(),
            skill_title: exercise.skill().title(),
        });
        page.exercise = Some(exercise);
        page.passage_from = passage_from(pack, exercise);
        page.choices = lettered(&session, position, exercise, None);
        if stage.shows_split() {
            let answers: Vec<&LiveAnswer> = answers.iter().collect();
            page.answer_shown = stage.is_revealed();
            (page.bars, page.share_correct) =
                split(&session, position, exercise, &answers, page.answer_shown);
        }
        page.explained = match stage {
            Stage::Explained => 1,
            Stage::Options => 2,
            Stage::Evidence => 3,
            _ => 0,
        };
        if page.explained >= 2 {
            page.revealed = Revealed::options(&session, position, exercise, None);
        }
        if page.explained >= 3 {
            page.revealed = std::mem::take(&mut page.revealed).with_evidence(pack, exercise);
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
    let pack = state.shelf.pack(&session.pack_id).ok_or_else(|| {
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
            let (bars, share_correct) = split(session, position, exercise, &here, true);
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
    let mut measures = Measures::default();
    for answer in &answers {
        if let Some(exercise) = session
            .exercise_ids
            .get(answer.position)
            .and_then(|id| pack.exercise(id))
        {
            measures.add(answer, exercise);
        }
    }
    super::html(&ReviewPage {
        session,
        pack_title: pack.title(),
        ended: session.ended_at.map(format_time).unwrap_or_default(),
        joined,
        items,
        leaders,
        judgement: JudgementView::of(&measures, &Subject::Room),
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
    action: Option<String>,
    version: Option<String>,
    /// The phase the page showed when the move was made ([`Phase::token`]).
    from: Option<String>,
    /// The view to come back to: "presenter" (the default), "screen" or "remote".
    view: Option<String>,
}

/// `POST /teachers/live/{session}/moves`: opens, closes, reveals, moves on or ends.
/// A move made on a page that no longer shows where the session stands (a second
/// press, another device) changes nothing and says so.
pub async fn make_move(
    state: web::Data<AppState>,
    OwnedLiveSession { session, .. }: OwnedLiveSession,
    CheckedForm(form): CheckedForm<MoveForm>,
) -> Result<HttpResponse, AppError> {
    let here = View::from_slug(form.view.as_deref().unwrap_or_default()).url(&session);
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
    let from = form
        .from
        .as_deref()
        .and_then(Phase::from_token)
        .ok_or_else(|| {
            AppError::bad_request_with_back(
                "That move did not say which step of the session it was made on, so it changed nothing. Go back to the presenter page and use its buttons.",
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
            .ok_or_else(|| AppError::NotFound(crate::web::extract::NO_SUCH_LIVE_SESSION.into()))?;
        let stale = from != current.state.phase
            || version.is_some_and(|version| version != current.state.version);
        if stale {
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

#[derive(Deserialize)]
pub struct RemovalForm {
    participant: Option<String>,
    view: Option<String>,
}

/// `POST /teachers/live/{session}/removals`: removes a participant. Their page tells
/// them; their nickname, and its look-alikes, stay taken; their answers go.
pub async fn remove_participant(
    state: web::Data<AppState>,
    OwnedLiveSession { session, .. }: OwnedLiveSession,
    CheckedForm(form): CheckedForm<RemovalForm>,
) -> Result<HttpResponse, AppError> {
    let here = View::from_slug(form.view.as_deref().unwrap_or_default()).url(&session);
    let refuse = |message: &str| AppError::bad_request_with_back(message, here.clone());
    let participant = form
        .participant
        .as_deref()
        .and_then(|id| Token::parse(id.trim()))
        .ok_or_else(|| {
            refuse("That Remove button did not say whom to remove. Use the buttons beside the nicknames.")
        })?;
    if session.state.phase == Phase::Ended {
        return Err(refuse(
            "This session has ended: its participants can no longer be removed.",
        ));
    }
    let channel = state.live.channel(session.id, &session.state);
    let removal = {
        let _still = channel.lock();
        state.storage.remove_participant(session.id, participant)?
    };
    let nickname = match removal {
        Removal::Removed(nickname) => nickname,
        Removal::NotThere => {
            return Err(refuse(
                "That participant is not in this session: they may have been removed already.",
            ));
        }
        Removal::TooMany => {
            return Err(refuse(&format!(
                "This session has had {MAX_REMOVALS} participants removed, the most it keeps. Start a new session if the room needs a fresh start."
            )));
        }
    };
    state.storage.flush().await?;
    channel.nudge();
    let mut query = url_query(&[("removed", nickname.as_str())]);
    query.insert(0, '?');
    Ok(see_other(format!("{here}{query}")))
}

/// A query string (without its `?`) with each value percent-encoded.
fn url_query(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| {
            let encoded: String = value
                .bytes()
                .map(|byte| match byte {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                        (byte as char).to_string()
                    }
                    _ => format!("%{byte:02X}"),
                })
                .collect();
            format!("{name}={encoded}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// How long the facilitator's stream waits after an update before the next: a room
/// answering at once becomes a few updates a second, not one per answer.
const COUNTS_EVERY: Duration = Duration::from_millis(250);

/// `GET /teachers/live/{session}/events`: the facilitator's stream: the phase, and the
/// counts of participants and answers as they change.
pub async fn facilitator_events(
    state: web::Data<AppState>,
    OwnedLiveSession { session, .. }: OwnedLiveSession,
) -> Result<HttpResponse, AppError> {
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
pub async fn export_live_session(
    state: web::Data<AppState>,
    OwnedLiveSession { session, .. }: OwnedLiveSession,
) -> Result<HttpResponse, AppError> {
    let pack = state.shelf.pack(&session.pack_id);
    let pack = pack.as_deref();
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
    csv_response(&format!("live-session-{}.csv", session.code.as_str()), rows)
}
