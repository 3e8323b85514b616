//! Live sessions, the participant's side: join with the code and a nickname, then one
//! page, `/live/{code}`, that always shows where the session stands (waiting, the
//! question, "answer received", the reveal, the end) and an event stream that tells the
//! page when that changes.
//!
//! A participant is known by a random id in a cookie scoped to the session's path, so a
//! reload, a lost connection or a phone that slept brings them back to the same place.
//! Without JavaScript the waiting pages refresh themselves; the question page does not
//! (it would wipe a choice being made) and offers a link instead.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{FormPost, JoinForm, anonymous_page, confidence_of, form_page, no_store};
use crate::classes::{JoinCode, Nickname};
use crate::content::Exercise;
use crate::ids::Token;
use crate::live::{LiveAnswer, LiveSession, Participant, Phase, Stage};
use crate::practice::Answer;
use crate::storage::students::JoinError;
use crate::web::error::AppError;
use crate::web::extract::AnonymousForm;
use crate::web::guesses::Client;
use crate::web::live_view::{
    KEEP_ALIVE, Lettered, LivePlace, Revealed, event_stream, exercise_of, lettered, state_event,
};
use crate::web::streams::OpenStreams;
use crate::web::view::{ConfidenceLevel, Gloss, confidence_levels, excerpt, passage_from};
use crate::web::{AppState, now};

const PARTICIPANT_COOKIE: &str = "sourcewise_live";

fn no_such_live_session(code: &str) -> AppError {
    AppError::NotFound(format!(
        "No live session has the code {code}. Check the code on the projector, or ask the facilitator."
    ))
}

/// What a browser that has not joined a session is told, whether or not a session has
/// the code: nothing here may tell a real code from an unknown one.
const NOT_JOINED: &str = "This browser has not joined a live session with this code. Join it first at /live, with the code on the projector.";

/// The session of the code in the address and this browser's participant in it, or
/// `None` alike for an unknown code and a session this browser has not joined.
fn joined_live_session(
    state: &AppState,
    request: &HttpRequest,
    text: &str,
) -> Result<Option<(LiveSession, Participant)>, AppError> {
    let Some(session) = JoinCode::parse(text)
        .map(|code| state.storage.live_by_code(&code))
        .transpose()?
        .flatten()
    else {
        return Ok(None);
    };
    Ok(participant_of(state, request, &session)?.map(|participant| (session, participant)))
}

/// What a removed participant is told when they try to answer.
const REMOVED: &str =
    "The facilitator removed you from this session, so your answer was not recorded.";

fn page_url(session: &LiveSession) -> String {
    format!("/live/{}", session.code.as_str())
}

/// The participant this browser is in `session`, if it joined it.
fn participant_of(
    state: &AppState,
    request: &HttpRequest,
    session: &LiveSession,
) -> Result<Option<Participant>, AppError> {
    match request
        .cookie(PARTICIPANT_COOKIE)
        .and_then(|cookie| Token::parse(cookie.value()))
    {
        Some(id) => Ok(state.storage.participant(session.id, id)?),
        None => Ok(None),
    }
}

/// The cookie that keeps a participant in their session: scoped to its address, so
/// that each session a phone has joined keeps its own.
fn participant_cookie(session: &LiveSession, participant: Token) -> Cookie<'static> {
    Cookie::build(PARTICIPANT_COOKIE, participant.to_string())
        .path(page_url(session))
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(2))
        .finish()
}

/// The exercise on a participant's screen.
struct Shown<'a> {
    place: LivePlace,
    exercise: &'a Exercise,
    passage_from: Option<&'a str>,
}

/// One exercise of the session, in the participant's summary at the end.
struct SummaryLine {
    number: usize,
    excerpt: String,
    chosen_label: Option<String>,
    correct_label: String,
    was_correct: bool,
}

/// Which part of the participant's page applies: an enum, so that a template that
/// names a view that does not exist does not compile.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ParticipantView {
    Lobby,
    Question,
    Received,
    Closed,
    Split,
    Revealed,
    Ended,
}

/// What a participant sees; `view` says which part of the page applies.
#[derive(Template)]
#[template(path = "live/participant.html")]
struct ParticipantPage<'a> {
    view: ParticipantView,
    nickname: &'a str,
    url: String,
    events_url: String,
    version: u64,
    /// Without JavaScript, a waiting page reloads itself every few seconds.
    auto_refresh: bool,
    shown: Option<Shown<'a>>,
    choices: Vec<Lettered<'a>>,
    csrf: String,
    /// The answer form replaces an earlier answer.
    replacing: bool,
    /// "How sure are you?", with the earlier answer's level checked.
    confidence: [ConfidenceLevel; 3],
    chosen_label: Option<&'a str>,
    was_correct: bool,
    correct_label: &'a str,
    explained: bool,
    revealed: Revealed<'a>,
    /// A link into the glossary would take a participant out of the session.
    gloss: Gloss<'static>,
    /// Whether the prompt shows a quote exercise's passages to compare.
    compare: bool,
    summary: Vec<SummaryLine>,
    show_score: bool,
    right: usize,
}

#[derive(Deserialize)]
pub struct PageQuery {
    change: Option<String>,
}

/// `GET /live/{code}`: the participant's page, or the form to join.
pub async fn show_live(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let code = JoinCode::parse(&path).ok_or_else(|| no_such_live_session(&path))?;
    if path.as_str() != code.as_str() {
        return Ok(see_other_uncached(format!("/live/{}", code.as_str())));
    }
    // A browser that has not joined gets the form to join, with the code filled in,
    // whether a session has the code or not: reading an address tells nothing.
    let Some((session, participant)) = joined_live_session(&state, &request, &path)? else {
        if let Some(removed) = removed_here(&state, &request, &code)? {
            return removed_page(&state, &request, &removed);
        }
        let typed = JoinForm {
            code: code.to_string(),
            ..JoinForm::default()
        };
        return form_page::<JoinPage>(&state, &request, StatusCode::OK, typed, None);
    };
    let wants_change = query.change.is_some();
    // The exercise on screen, if any: the page borrows from it.
    let found;
    let mut page = ParticipantPage {
        view: ParticipantView::Lobby,
        nickname: participant.nickname.as_str(),
        url: page_url(&session),
        events_url: format!("{}/events", page_url(&session)),
        version: session.state.version,
        auto_refresh: true,
        shown: None,
        choices: Vec::new(),
        // The browser's form token, given when the page is rendered.
        csrf: String::new(),
        replacing: false,
        confidence: confidence_levels(None),
        chosen_label: None,
        was_correct: false,
        correct_label: "",
        explained: false,
        revealed: Revealed::default(),
        gloss: Gloss::off(),
        compare: true,
        summary: Vec::new(),
        show_score: session.scoring.shows_scores(),
        right: 0,
    };
    match session.state.phase {
        Phase::Lobby => {}
        Phase::Ended => {
            page.view = ParticipantView::Ended;
            page.auto_refresh = false;
            for (position, id) in session.exercise_ids.iter().enumerate() {
                if !session.state.opened[position] {
                    continue;
                }
                let pack = state.shelf.pack(&session.pack_id);
                let Some(exercise) = pack.as_deref().and_then(|pack| pack.exercise(id)) else {
                    continue;
                };
                // Only this participant's answers are read: the whole room fetches
                // its summary at once when the session ends.
                let answer = state
                    .storage
                    .live_answer(session.id, position, participant.id)?;
                let answer = answer.as_ref();
                let chosen_label = answer
                    .and_then(|answer| exercise.choice(&answer.choice))
                    .map(|choice| choice.label().to_string());
                let was_correct = answer.is_some_and(|answer| answer.correct);
                page.right += usize::from(was_correct);
                page.summary.push(SummaryLine {
                    number: position + 1,
                    excerpt: excerpt(exercise),
                    chosen_label,
                    correct_label: exercise.correct_choice().label().to_string(),
                    was_correct,
                });
            }
        }
        Phase::At { position, stage } => {
            found = exercise_of(&state, &session, position)?;
            let (pack, exercise) = found.parts();
            let answer = state
                .storage
                .live_answer(session.id, position, participant.id)?;
            let chosen = answer.as_ref().map(|answer| answer.choice.as_str());
            page.chosen_label = chosen
                .and_then(|choice| exercise.choice(choice))
                .map(|choice| choice.label());
            page.shown = Some(Shown {
                place: LivePlace {
                    number: position + 1,
                    total: session.exercise_ids.len(),
                    skill_title: exercise.skill().title(),
                },
                exercise,
                passage_from: passage_from(pack, exercise),
            });
            page.choices = lettered(&session, position, exercise, chosen);
            page.confidence =
                confidence_levels(answer.as_ref().and_then(|answer| answer.confidence));
            page.view = match stage {
                // The options stay on the page once answered: a tap on another
                // changes the answer until answers close.
                Stage::Open if answer.is_none() || wants_change => {
                    page.auto_refresh = false;
                    page.replacing = answer.is_some();
                    ParticipantView::Question
                }
                Stage::Open => {
                    page.replacing = true;
                    ParticipantView::Received
                }
                Stage::Closed => ParticipantView::Closed,
                Stage::Split => ParticipantView::Split,
                Stage::Revealed | Stage::Explained | Stage::Options | Stage::Evidence => {
                    page.was_correct = answer.as_ref().is_some_and(|answer| answer.correct);
                    page.correct_label = exercise.correct_choice().label();
                    if stage >= Stage::Explained {
                        page.explained = true;
                        page.revealed = Revealed::options(&session, position, exercise, chosen)
                            .with_evidence(pack, exercise);
                        page.compare = false;
                    }
                    ParticipantView::Revealed
                }
            };
        }
    }
    let page = anonymous_page(&state, &request, StatusCode::OK, |csrf| ParticipantPage {
        csrf,
        ..page
    })?;
    Ok(no_store(page))
}

/// The participant this browser was in the session of `code`, if the facilitator
/// removed them.
fn removed_here(
    state: &AppState,
    request: &HttpRequest,
    code: &JoinCode,
) -> Result<Option<(LiveSession, Participant)>, AppError> {
    let Some(session) = state.storage.live_by_code(code)? else {
        return Ok(None);
    };
    let removed = match request
        .cookie(PARTICIPANT_COOKIE)
        .and_then(|cookie| Token::parse(cookie.value()))
    {
        Some(id) => state
            .storage
            .participant_and_removal(session.id, id)?
            .and_then(|(participant, removed)| removed.then_some(participant)),
        None => None,
    };
    Ok(removed.map(|participant| (session, participant)))
}

#[derive(Template)]
#[template(path = "live/removed.html")]
struct RemovedPage<'a> {
    nickname: &'a str,
    code: String,
    csrf: String,
}

/// What a participant the facilitator removed sees: that they were removed, and the
/// form to join again under another nickname.
fn removed_page(
    state: &AppState,
    request: &HttpRequest,
    (session, participant): &(LiveSession, Participant),
) -> Result<HttpResponse, AppError> {
    let page = anonymous_page(state, request, StatusCode::OK, |csrf| RemovedPage {
        nickname: participant.nickname.as_str(),
        code: session.code.to_string(),
        csrf,
    })?;
    Ok(no_store(page))
}

super::declare_form_page! {
    /// `GET /live`: the form to join a live session.
    JoinPage = "live/join.html" for JoinForm, codes "codes"
}

/// `POST /live`: joins a session under a nickname and shows its page.
pub async fn join_live(
    state: web::Data<AppState>,
    request: HttpRequest,
    FormPost { form, again, who }: FormPost<JoinPage>,
) -> Result<HttpResponse, AppError> {
    let Some(code) = JoinCode::parse(&form.code) else {
        return again.show(
            StatusCode::BAD_REQUEST,
            "That is not a session code. A live-session code has 10 digits, like 482 913 2077: copy it from the projector.".into(),
        );
    };
    let session = state.storage.live_by_code(&code)?;
    if let Some(session) = &session
        && participant_of(&state, &request, session)?.is_some()
    {
        return Ok(see_other_uncached(page_url(session)));
    }
    // An ended session takes no one, and is answered as an unknown code is.
    let Some(session) = session.filter(|session| session.state.phase != Phase::Ended) else {
        if state.storage.class_by_code(&code)?.is_some() {
            return again.show(
                StatusCode::BAD_REQUEST,
                format!(
                    "{code} is the join code of a class, not of a live session: join the class under “My classes”."
                ),
            );
        }
        state.guesses.miss(&who, now());
        return again.show(
            StatusCode::BAD_REQUEST,
            format!(
                "No live session is open with the code {code}. Check the code on the projector: a session that has ended takes no one."
            ),
        );
    };
    let nickname = match Nickname::parse(&form.nickname) {
        Ok(nickname) => nickname,
        Err(problem) => return again.show(StatusCode::BAD_REQUEST, problem.to_string()),
    };
    let participant = Participant {
        id: Token::random(&mut rand::rng()),
        session: session.id,
        nickname,
        joined_at: now(),
    };
    match state.storage.add_participant(&participant).await {
        Ok(()) => {}
        Err(JoinError::NicknameTaken(_))
            if state
                .storage
                .removed_look_alike(session.id, &participant.nickname)?
                .is_some() =>
        {
            return again.show(
                StatusCode::BAD_REQUEST,
                "The facilitator removed a participant with this nickname, or one that looks like it, so no one can join under it. Choose another nickname.".into(),
            );
        }
        Err(JoinError::NicknameTaken(existing)) => {
            return again.show(
                StatusCode::BAD_REQUEST,
                format!(
                    "{} Choose another nickname.",
                    crate::classes::nickname_taken(
                        &participant.nickname,
                        &existing,
                        "in this session"
                    )
                ),
            );
        }
        // Only a class's join says this; a live session is never deleted.
        Err(JoinError::NoSuchClass) => {
            return Err(no_such_live_session(&session.code.to_string()));
        }
        Err(JoinError::Storage(error)) => return Err(error.into()),
    }
    state.live.channel(session.id, &session.state).touch();
    let mut response = see_other_uncached(page_url(&session));
    response
        .add_cookie(&participant_cookie(&session, participant.id))
        .map_err(|error| AppError::Fault(format!("the participant's cookie: {error}")))?;
    Ok(response)
}

#[derive(Deserialize)]
pub struct AnswerForm {
    number: Option<String>,
    exercise: Option<String>,
    choice: Option<String>,
    /// How sure the participant is; optional.
    confidence: Option<String>,
    /// Present on the form that changes an earlier answer.
    replace: Option<String>,
}

/// `POST /live/{code}/answers`: records (or changes) the participant's answer to the
/// exercise that is open.
pub async fn submit_answer(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    AnonymousForm(form): AnonymousForm<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    // A participant answers whatever anyone else has typed; a browser that has not
    // joined (or names an unknown code) makes a miss, past its allowance a wait.
    let Some((session, participant)) = joined_live_session(&state, &request, &path)? else {
        if let Some(code) = JoinCode::parse(&path)
            && removed_here(&state, &request, &code)?.is_some()
        {
            return Err(AppError::bad_request_with_back(
                REMOVED,
                format!("/live/{}", code.as_str()),
            ));
        }
        let client = Client::of(&state, &request);
        state
            .guesses
            .check(&client, now())
            .map_err(|wait| wait.error("codes"))?;
        state.guesses.miss(&client, now());
        return Err(AppError::bad_request_with_back(NOT_JOINED, "/live".into()));
    };
    let here = page_url(&session);
    let refuse = |message: &str| AppError::bad_request_with_back(message, here.clone());
    let position = form
        .number
        .as_deref()
        .and_then(|number| number.trim().parse::<usize>().ok())
        .and_then(|number| number.checked_sub(1))
        .filter(|&position| position < session.exercise_ids.len())
        .ok_or_else(|| refuse("The answer form did not say which exercise it answers."))?;
    if form.exercise.as_deref() != Some(session.exercise_ids[position].as_str()) {
        return Err(refuse(
            "This answer was sent for a different exercise than the one it names, so it was not recorded.",
        ));
    }
    let found = exercise_of(&state, &session, position)?;
    let (_, exercise) = found.parts();
    let channel = state.live.channel(session.id, &session.state);
    {
        let _still = channel.lock();
        let current = state
            .storage
            .live_session(session.id)?
            .ok_or_else(|| no_such_live_session(&session.code.to_string()))?;
        current
            .state
            .accepts_answers_to(position)
            .map_err(|refusal| refuse(refusal.0))?;
        let Some(choice) = form.choice.as_deref().filter(|choice| !choice.is_empty()) else {
            return Err(refuse(
                "Choose one of the options before you send your answer.",
            ));
        };
        let confidence = confidence_of(form.confidence.as_deref()).map_err(refuse)?;
        let Some(graded) = Answer::grade(exercise, choice, confidence, now()) else {
            return Err(refuse(&format!(
                "“{choice}” is not one of the options of this exercise. Go back and choose one of them."
            )));
        };
        let earlier = state
            .storage
            .live_answer(session.id, position, participant.id)?;
        if let Some(earlier) = earlier
            && form.replace.is_none()
        {
            let label = exercise
                .choice(&earlier.choice)
                .map_or(earlier.choice.as_str(), |choice| choice.label());
            return Err(refuse(&format!(
                "You have already answered this exercise, so this answer was not recorded. Your answer “{label}” stands; to change it, choose “Change my answer”."
            )));
        }
        state.storage.put_live_answer(
            session.id,
            &LiveAnswer {
                participant: participant.id,
                position,
                choice: graded.choice,
                correct: graded.correct,
                answered_at: graded.answered_at,
                confidence: graded.confidence,
            },
        )?;
    }
    state.storage.flush().await?;
    channel.touch();
    Ok(see_other_uncached(here))
}

/// `GET /live/{code}/events`: the participant's event stream. It sends the session's
/// phase at once, then again at every change.
pub async fn participant_events(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let Some((session, participant)) = joined_live_session(&state, &request, &path)? else {
        return Err(AppError::NotFound(NOT_JOINED.into()));
    };
    let address = crate::web::client_address(&state, &request);
    let Some(place) = OpenStreams::open(&state, participant.id, address) else {
        return Err(AppError::SlowDown {
            message: "This session is open in too many tabs or devices here, so this page will not follow it by itself. Close the tabs you do not need, then reload this page.".into(),
            seconds: 5,
        });
    };
    let receiver = state
        .live
        .channel(session.id, &session.state)
        .phase
        .subscribe();
    let ids = (session.id, participant.id);
    // The stream keeps its place until it ends. Once the participant is removed it
    // says so, and ends.
    let stream = futures_util::stream::unfold(
        (receiver, true, Some(place)),
        move |(mut receiver, first, place)| {
            let state = state.clone();
            async move {
                let place = place?;
                let chunk = if first {
                    format!(
                        "retry: 1000\n{}",
                        state_event(*receiver.borrow_and_update(), "")
                    )
                } else {
                    match actix_web::rt::time::timeout(KEEP_ALIVE, receiver.changed()).await {
                        Ok(Ok(())) => {
                            let signal = *receiver.borrow_and_update();
                            if matches!(state.storage.participant(ids.0, ids.1), Ok(None)) {
                                let event = state_event(signal, ",\"removed\":true");
                                return Some((
                                    Ok::<_, actix_web::Error>(web::Bytes::from(event)),
                                    (receiver, false, None),
                                ));
                            }
                            state_event(signal, "")
                        }
                        Ok(Err(_)) => return None,
                        Err(_) => ": still here\n\n".to_string(),
                    }
                };
                Some((
                    Ok::<_, actix_web::Error>(web::Bytes::from(chunk)),
                    (receiver, false, Some(place)),
                ))
            }
        },
    );
    Ok(event_stream(stream))
}

/// A redirect that no cache keeps: where it leads depends on the session's phase.
fn see_other_uncached(location: String) -> HttpResponse {
    no_store(super::see_other(location))
}
