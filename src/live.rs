//! Live workshop sessions: a facilitator puts one exercise up at a time, everyone in the
//! room answers on their phone, and the facilitator reveals how the room split.
//!
//! This module is the pure part: a session, its participants and their answers as
//! plain values, the phases of a session and the moves between them.
//! Storage keeps the sessions, their participants and answers (see `storage::live`);
//! the web side broadcasts each change.
//!
//! Each exercise goes through its stages: answers open, answers closed, how the room
//! split (no answer marked), the answer the sources support, then the explanation in
//! three steps (why, each option, the evidence from each document). A change of phase gives the session a new version number, which pages
//! carry so that a stale button press or a stale screen can be recognised.

use crate::classes::{JoinCode, Nickname};
use crate::ids::Token;

/// Whether participants see scores, and whether the projector shows a leaderboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scoring {
    /// No totals anywhere: the session is for discussion.
    Hidden,
    /// Each participant sees their own total at the end.
    Own,
    /// Each participant sees their own total, and the projector the ten best at the end.
    Leaderboard,
}

impl Scoring {
    pub const ALL: [Scoring; 3] = [Scoring::Hidden, Scoring::Own, Scoring::Leaderboard];

    pub fn slug(self) -> &'static str {
        match self {
            Scoring::Hidden => "none",
            Scoring::Own => "own",
            Scoring::Leaderboard => "leaderboard",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Scoring> {
        Scoring::ALL
            .into_iter()
            .find(|scoring| scoring.slug() == slug)
    }

    pub fn title(self) -> &'static str {
        match self {
            Scoring::Hidden => "No scores: the session is for discussion",
            Scoring::Own => "Each participant sees their own score at the end",
            Scoring::Leaderboard => {
                "Own scores, and the ten best nicknames on the projector at the end"
            }
        }
    }

    pub fn shows_scores(self) -> bool {
        self != Scoring::Hidden
    }
}

/// Where an exercise stands. The stages come in this order, each move going one on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Participants may answer, and change their answer.
    Open,
    /// No more answers; nothing shown yet.
    Closed,
    /// How the room split, a bar per option, with no answer marked: the room discusses
    /// before it is told.
    Split,
    /// The answer the sources support, marked on the bars.
    Revealed,
    /// The explanation: why that answer.
    Explained,
    /// Why each option is right or wrong as well.
    Options,
    /// The evidence from each document as well: everything is shown.
    Evidence,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Open,
        Stage::Closed,
        Stage::Split,
        Stage::Revealed,
        Stage::Explained,
        Stage::Options,
        Stage::Evidence,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Stage::Open => "open",
            Stage::Closed => "closed",
            Stage::Split => "split",
            Stage::Revealed => "revealed",
            Stage::Explained => "explained",
            Stage::Options => "options",
            Stage::Evidence => "evidence",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|stage| stage.slug() == slug)
    }

    /// The split of the room may be shown.
    pub fn shows_split(self) -> bool {
        self >= Stage::Split
    }

    /// The answer the sources support may be shown.
    pub fn is_revealed(self) -> bool {
        self >= Stage::Revealed
    }

    /// The stage `action` moves an exercise at this stage to, if it moves it within the
    /// exercise: closing and reopening answers, the split, the reveal, and "more" while
    /// something is left to show.
    fn after(self, action: Action) -> Option<Stage> {
        match (self, action) {
            (Stage::Open, Action::Close) => Some(Stage::Closed),
            (Stage::Closed, Action::Reopen) => Some(Stage::Open),
            (Stage::Closed, Action::Split) => Some(Stage::Split),
            (Stage::Split, Action::Reveal) => Some(Stage::Revealed),
            (Stage::Revealed, Action::More) => Some(Stage::Explained),
            (Stage::Explained, Action::More) => Some(Stage::Options),
            (Stage::Options, Action::More) => Some(Stage::Evidence),
            _ => None,
        }
    }
}

/// Where a session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Participants are joining; no exercise shown yet.
    Lobby,
    /// The exercise at `position` (0-based) is up.
    At { position: usize, stage: Stage },
    /// Over: participants see their summary, the facilitator the review.
    Ended,
}

impl Phase {
    /// A short name, as the event stream sends it.
    pub fn slug(self) -> &'static str {
        match self {
            Phase::Lobby => "lobby",
            Phase::At { stage, .. } => stage.slug(),
            Phase::Ended => "ended",
        }
    }

    /// The exercise on screen, if any.
    pub fn position(self) -> Option<usize> {
        match self {
            Phase::At { position, .. } => Some(position),
            _ => None,
        }
    }

    /// The phase as a move's `from` field carries it: "lobby", "ended", or the
    /// exercise's 1-based number and its stage ("3-closed").
    pub fn token(self) -> String {
        match self {
            Phase::Lobby | Phase::Ended => self.slug().to_string(),
            Phase::At { position, stage } => format!("{}-{}", position + 1, stage.slug()),
        }
    }

    /// Reads [`Phase::token`]'s form back; `None` for anything else.
    pub fn from_token(token: &str) -> Option<Phase> {
        match token {
            "lobby" => Some(Phase::Lobby),
            "ended" => Some(Phase::Ended),
            _ => {
                let (number, stage) = token.split_once('-')?;
                let number: usize = number.parse().ok()?;
                Some(Phase::At {
                    position: number.checked_sub(1)?,
                    stage: Stage::from_slug(stage)?,
                })
            }
        }
    }
}

/// What the facilitator can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Open the first exercise.
    Start,
    Close,
    Reopen,
    /// Show how the room split, without marking the answer.
    Split,
    /// Mark the answer the sources support.
    Reveal,
    /// Show the next part of the explanation: why, each option, the evidence.
    More,
    /// On to the next exercise (skipping it if answers are still open).
    Next,
    /// Back to the exercise before.
    Back,
    End,
}

impl Action {
    pub fn slug(self) -> &'static str {
        match self {
            Action::Start => "start",
            Action::Close => "close",
            Action::Reopen => "reopen",
            Action::Split => "split",
            Action::Reveal => "reveal",
            Action::More => "more",
            Action::Next => "next",
            Action::Back => "back",
            Action::End => "end",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Action> {
        Some(match slug {
            "start" => Action::Start,
            "close" => Action::Close,
            "reopen" => Action::Reopen,
            "split" => Action::Split,
            "reveal" => Action::Reveal,
            "more" | "explain" => Action::More,
            "next" | "skip" => Action::Next,
            "back" => Action::Back,
            "end" => Action::End,
            _ => return None,
        })
    }
}

/// A session's phase with what the moves need to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveState {
    pub phase: Phase,
    /// Whether each exercise has been opened to answers at least once.
    pub opened: Vec<bool>,
    /// Goes up by one with every change of phase.
    pub version: u64,
}

/// Why a move was refused; the message is shown to the facilitator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(pub &'static str);

impl LiveState {
    /// A new session of `exercises` exercises, in its lobby.
    pub fn new(exercises: usize) -> LiveState {
        LiveState {
            phase: Phase::Lobby,
            opened: vec![false; exercises],
            version: 1,
        }
    }

    /// The state after `action`, or why it cannot be done now.
    pub fn apply(&self, action: Action) -> Result<LiveState, Refusal> {
        let count = self.opened.len();
        let mut next = self.clone();
        next.phase = match (self.phase, action) {
            (Phase::Ended, _) => return Err(Refusal("This session has ended.")),
            (_, Action::End) => Phase::Ended,
            (Phase::Lobby, Action::Start) if count > 0 => next.arrive(0),
            (Phase::Lobby, Action::Start) => {
                return Err(Refusal("This session has no exercises to open."));
            }
            (Phase::Lobby, _) => {
                return Err(Refusal(
                    "The session has not started: open the first exercise first.",
                ));
            }
            (Phase::At { .. }, Action::Start) => {
                return Err(Refusal("The session has already started."));
            }
            (Phase::At { position, stage }, action) => match (stage, action) {
                _ if stage.after(action).is_some() => Phase::At {
                    position,
                    stage: stage.after(action).unwrap_or(stage),
                },
                (_, Action::Next) if position + 1 < count => next.arrive(position + 1),
                (_, Action::Next) => {
                    return Err(Refusal(
                        "This is the last exercise: end the session to show the summary.",
                    ));
                }
                (_, Action::Back) if position > 0 => next.arrive(position - 1),
                (_, Action::Back) => {
                    return Err(Refusal(
                        "This is the first exercise: there is none before it.",
                    ));
                }
                (Stage::Open, _) => {
                    return Err(Refusal(
                        "Answers are still open: close them before revealing anything.",
                    ));
                }
                (Stage::Closed, _) => {
                    return Err(Refusal(
                        "Answers are closed: show how the room split, reopen answers or move on.",
                    ));
                }
                (Stage::Split, _) => {
                    return Err(Refusal(
                        "The split is shown: show the answer the sources support or move on.",
                    ));
                }
                (Stage::Revealed | Stage::Explained | Stage::Options, _) => {
                    return Err(Refusal(
                        "The answer is shown: show more of the explanation or move on.",
                    ));
                }
                (Stage::Evidence, _) => {
                    return Err(Refusal("Everything is shown: move on or go back."));
                }
            },
        };
        next.version += 1;
        Ok(next)
    }

    /// The move that takes the session one step on from where it stands: the one the
    /// presenter's main button makes. `None` once the session has ended.
    pub fn main_move(&self) -> Option<Action> {
        match self.phase {
            Phase::Lobby => Some(Action::Start),
            Phase::Ended => None,
            Phase::At { position, stage } => Some(match stage {
                Stage::Open => Action::Close,
                Stage::Closed => Action::Split,
                Stage::Split => Action::Reveal,
                Stage::Revealed | Stage::Explained | Stage::Options => Action::More,
                Stage::Evidence if position + 1 == self.opened.len() => Action::End,
                Stage::Evidence => Action::Next,
            }),
        }
    }

    /// Puts up the exercise at `position`: open to answers the first time, closed when
    /// it has been open before (its answers are kept; the facilitator may reopen).
    fn arrive(&mut self, position: usize) -> Phase {
        let stage = if self.opened[position] {
            Stage::Closed
        } else {
            Stage::Open
        };
        self.opened[position] = true;
        Phase::At { position, stage }
    }

    /// Whether answers to the exercise at `position` are taken now.
    pub fn accepts_answers_to(&self, position: usize) -> Result<(), Refusal> {
        match self.phase {
            Phase::At {
                position: open,
                stage: Stage::Open,
            } if open == position => Ok(()),
            Phase::Ended => Err(Refusal(
                "This session has ended, so answers are no longer taken.",
            )),
            Phase::Lobby => Err(Refusal(
                "The session has not started yet: wait for the first exercise.",
            )),
            _ => Err(Refusal(
                "Answers to this exercise are closed, so yours was not recorded.",
            )),
        }
    }
}

/// A participant's place in a leaderboard: 1-based rank, shared by equal scores.
pub fn ranks(scores: &[usize]) -> Vec<usize> {
    scores
        .iter()
        .map(|score| 1 + scores.iter().filter(|other| *other > score).count())
        .collect()
}

/// A live session: its exercises, its join code and where it is.
#[derive(Debug, Clone)]
pub struct LiveSession {
    pub id: Token,
    pub teacher: Token,
    pub pack_id: String,
    pub exercise_ids: Vec<String>,
    /// Fixes the order of each exercise's options, the same on every screen.
    pub seed: u64,
    pub scoring: Scoring,
    pub code: JoinCode,
    pub created_at: u64,
    pub ended_at: Option<u64>,
    pub state: LiveState,
}

/// Someone in a live session, known by a nickname.
#[derive(Debug, Clone)]
pub struct Participant {
    pub id: Token,
    pub session: Token,
    pub nickname: Nickname,
    pub joined_at: u64,
}

/// A participant's answer to the exercise at `position`.
#[derive(Debug, Clone)]
pub struct LiveAnswer {
    pub participant: Token,
    pub position: usize,
    pub choice: String,
    pub correct: bool,
    pub answered_at: u64,
    /// How sure the participant said they were, if they said.
    pub confidence: Option<crate::practice::Confidence>,
}

/// The most participants a session keeps as removed; past it, removing is refused.
pub const MAX_REMOVALS: usize = 200;

/// What came of removing a participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    /// Removed now: their answers are gone and their nickname stays taken.
    Removed(Nickname),
    /// No such participant, or removed already.
    NotThere,
    /// The session already has [`MAX_REMOVALS`] removed participants.
    TooMany,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(position: usize, stage: Stage) -> Phase {
        Phase::At { position, stage }
    }

    fn run(state: &LiveState, actions: &[Action]) -> LiveState {
        actions.iter().fold(state.clone(), |state, &action| {
            state
                .apply(action)
                .unwrap_or_else(|refusal| panic!("{action:?}: {refusal}"))
        })
    }

    #[test]
    fn an_exercise_goes_through_every_stage_then_the_next_opens() {
        let state = LiveState::new(3);
        let state = run(&state, &[Action::Start]);
        assert_eq!(state.phase, at(0, Stage::Open));
        let state = run(&state, &[Action::Close, Action::Split]);
        assert_eq!(state.phase, at(0, Stage::Split));
        assert!(
            state.phase != at(0, Stage::Revealed),
            "the split comes first"
        );
        let state = run(&state, &[Action::Reveal, Action::More, Action::More]);
        assert_eq!(state.phase, at(0, Stage::Options));
        let state = run(&state, &[Action::More]);
        assert_eq!(state.phase, at(0, Stage::Evidence));
        assert!(state.apply(Action::More).is_err(), "nothing more to show");
        let state = run(&state, &[Action::Next]);
        assert_eq!(state.phase, at(1, Stage::Open));
        assert_eq!(state.version, 9);
    }

    #[test]
    fn the_main_move_walks_a_session_from_the_lobby_to_its_end() {
        let mut state = LiveState::new(2);
        let mut moves = Vec::new();
        while let Some(action) = state.main_move() {
            moves.push(action);
            state = run(&state, &[action]);
        }
        assert_eq!(state.phase, Phase::Ended);
        assert_eq!(moves.len(), 1 + 7 + 7, "{moves:?}");
    }

    #[test]
    fn a_phase_reads_back_from_its_token() {
        for phase in [Phase::Lobby, Phase::Ended]
            .into_iter()
            .chain(Stage::ALL.map(|stage| at(4, stage)))
        {
            assert_eq!(Phase::from_token(&phase.token()), Some(phase));
        }
        for nonsense in ["", "0-open", "2-shown", "x-open", "open", "-1-open"] {
            assert_eq!(Phase::from_token(nonsense), None, "{nonsense}");
        }
    }

    #[test]
    fn skipping_and_going_back_keep_answers_closed_where_they_were_taken() {
        let state = run(&LiveState::new(3), &[Action::Start, Action::Next]);
        assert_eq!(state.phase, at(1, Stage::Open), "skipped while open");
        let state = run(&state, &[Action::Back]);
        assert_eq!(state.phase, at(0, Stage::Closed), "opened before: closed");
        let state = run(&state, &[Action::Reopen]);
        assert_eq!(state.phase, at(0, Stage::Open));
        let state = run(&state, &[Action::Next, Action::Next]);
        assert_eq!(state.phase, at(2, Stage::Open), "never opened: open");
    }

    #[test]
    fn moves_out_of_turn_are_refused_and_change_nothing() {
        let lobby = LiveState::new(2);
        assert!(lobby.apply(Action::Close).is_err());
        let open = run(&lobby, &[Action::Start]);
        for action in [
            Action::Start,
            Action::Split,
            Action::Reveal,
            Action::More,
            Action::Back,
        ] {
            assert!(open.apply(action).is_err(), "{action:?} while open");
        }
        let last = run(&open, &[Action::Next]);
        assert_eq!(
            last.apply(Action::Next),
            Err(Refusal(
                "This is the last exercise: end the session to show the summary."
            ))
        );
        let ended = run(&last, &[Action::End]);
        assert_eq!(ended.phase, Phase::Ended);
        for action in [Action::Start, Action::Next, Action::End] {
            assert_eq!(ended.apply(action), Err(Refusal("This session has ended.")));
        }
    }

    #[test]
    fn answers_are_taken_only_for_the_exercise_that_is_open() {
        let state = run(&LiveState::new(2), &[Action::Start]);
        assert!(state.accepts_answers_to(0).is_ok());
        assert!(state.accepts_answers_to(1).is_err());
        let closed = run(&state, &[Action::Close]);
        assert!(closed.accepts_answers_to(0).is_err());
        assert!(LiveState::new(2).accepts_answers_to(0).is_err());
    }

    #[test]
    fn equal_scores_share_a_rank() {
        assert_eq!(ranks(&[5, 4, 4, 2]), vec![1, 2, 2, 4]);
    }
}
