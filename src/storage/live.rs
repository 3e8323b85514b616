//! Live sessions, their participants and their answers.
//!
//! Layout:
//! - `live_sessions`: session id (16) → a session record (JSON), its phase included.
//! - `live_codes`: join code (6 ASCII bytes) → session id; compare-and-swap, so two
//!   sessions never share a code (codes are not reused once a session ends).
//! - `teacher_live`: teacher id (16) + session id (16) → empty: a teacher's sessions.
//! - `live_participants`: session id (16) + participant id (16) → a participant record.
//! - `live_nicknames`: session id (16) + a look-alike key of the nickname (as in
//!   `class_nicknames`, see [`super::students`]) → participant id; compare-and-swap,
//!   so two people cannot take one nickname, nor two that look alike, in a session.
//!   A removed participant's record stays, marked `removed`, and so does their claim on
//!   the nickname: no one rejoins under it, nor under a look-alike of it.
//! - `live_answers`: session id (16) + position (u16, big-endian) + participant id (16)
//!   → an answer record. A participant's later answer to the same exercise replaces
//!   the earlier one (they may change it until answers close).
//!
//! Writes here are not flushed by the methods themselves: the web side changes a
//! session under its lock, lets the lock go, then waits for [`Storage::flush`] before
//! it acknowledges anything.

use serde::{Deserialize, Serialize};

use super::classes::claim_code;
use super::{
    FORMAT_VERSION, Storage, StorageError, decode, encode, id_at, pair, read_record, records_under,
    token_at,
};
use crate::classes::{JoinCode, Nickname};
use crate::ids::Token;
use crate::live::{
    LiveAnswer, LiveSession, LiveState, MAX_REMOVALS, Participant, Phase, Removal, Scoring, Stage,
};
use crate::storage::students::{JoinError, claim_nickname, nickname_keys};

#[derive(Serialize, Deserialize)]
struct LiveSessionRecord {
    v: u32,
    teacher: String,
    pack: String,
    exercises: Vec<String>,
    seed: u64,
    scoring: String,
    code: String,
    created_at: u64,
    ended_at: Option<u64>,
    /// "lobby", "ended", or a stage ("open", "closed", "revealed", "explained").
    phase: String,
    position: usize,
    opened: Vec<bool>,
    version: u64,
}

#[derive(Serialize, Deserialize)]
struct ParticipantRecord {
    v: u32,
    nickname: String,
    joined_at: u64,
    /// Removed by the facilitator: out of the session, its counts and its leaderboard.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    removed: bool,
}

#[derive(Serialize, Deserialize)]
struct LiveAnswerRecord {
    v: u32,
    choice: String,
    correct: bool,
    answered_at: u64,
    /// As in a round's answer record: absent when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    confidence: Option<String>,
}

fn answers_prefix(session: Token, position: usize) -> Vec<u8> {
    let mut key = Vec::with_capacity(34);
    key.extend_from_slice(session.as_bytes());
    key.extend_from_slice(&(position as u16).to_be_bytes());
    key
}

impl Storage {
    /// Waits until everything written so far is on disk.
    pub async fn flush(&self) -> Result<(), StorageError> {
        self.flusher.flush().await
    }

    /// Stores a new session. `code` is asked for join codes until one is free; returns
    /// the session as stored, once it is on disk.
    pub async fn create_live(
        &self,
        mut session: LiveSession,
        code: impl FnMut() -> JoinCode,
    ) -> Result<LiveSession, StorageError> {
        session.code = claim_code(&self.live_codes, session.code, session.id, code)?;
        self.save_live(&session)?;
        self.teacher_live
            .insert(pair(session.teacher, session.id), &[])?;
        self.flusher.flush().await?;
        Ok(session)
    }

    /// Writes a session's record (not flushed).
    pub fn save_live(&self, session: &LiveSession) -> Result<(), StorageError> {
        let (phase, position) = match session.state.phase {
            Phase::Lobby => ("lobby", 0),
            Phase::Ended => ("ended", 0),
            Phase::At { position, stage } => (stage.slug(), position),
        };
        let record = LiveSessionRecord {
            v: FORMAT_VERSION,
            teacher: session.teacher.to_string(),
            pack: session.pack_id.clone(),
            exercises: session.exercise_ids.clone(),
            seed: session.seed,
            scoring: session.scoring.slug().to_string(),
            code: session.code.as_str().to_string(),
            created_at: session.created_at,
            ended_at: session.ended_at,
            phase: phase.to_string(),
            position,
            opened: session.state.opened.clone(),
            version: session.state.version,
        };
        self.live_sessions
            .insert(session.id.as_bytes(), encode(&record)?)?;
        Ok(())
    }

    pub fn live_session(&self, id: Token) -> Result<Option<LiveSession>, StorageError> {
        read_record::<LiveSessionRecord, _>(
            &self.live_sessions,
            "live session",
            id,
            |record, corrupt| {
                let phase = match record.phase.as_str() {
                    "lobby" => Phase::Lobby,
                    "ended" => Phase::Ended,
                    stage => Phase::At {
                        position: record.position,
                        stage: Stage::from_slug(stage).ok_or_else(|| corrupt("phase"))?,
                    },
                };
                if record.opened.len() != record.exercises.len()
                    || phase
                        .position()
                        .is_some_and(|p| p >= record.exercises.len())
                {
                    return Err(corrupt("its exercises"));
                }
                Ok(LiveSession {
                    id,
                    teacher: Token::parse(&record.teacher).ok_or_else(|| corrupt("teacher"))?,
                    pack_id: record.pack,
                    exercise_ids: record.exercises,
                    seed: record.seed,
                    scoring: Scoring::from_slug(&record.scoring)
                        .ok_or_else(|| corrupt("scoring"))?,
                    code: JoinCode::parse(&record.code).ok_or_else(|| corrupt("join code"))?,
                    created_at: record.created_at,
                    ended_at: record.ended_at,
                    state: LiveState {
                        phase,
                        opened: record.opened,
                        version: record.version,
                    },
                })
            },
        )
    }

    /// The session with this join code, if any.
    pub fn live_by_code(&self, code: &JoinCode) -> Result<Option<LiveSession>, StorageError> {
        match id_at(&self.live_codes, code.as_str(), "live_codes")? {
            Some(id) => self.live_session(id),
            None => Ok(None),
        }
    }

    /// A teacher's sessions, newest first.
    pub fn live_sessions_of(&self, teacher: Token) -> Result<Vec<LiveSession>, StorageError> {
        let mut sessions = records_under(&self.teacher_live, teacher, "teacher_live", |id| {
            self.live_session(id)
        })?;
        sessions.sort_by_key(|session| std::cmp::Reverse(session.created_at));
        Ok(sessions)
    }

    /// Adds a participant unless the nickname, or one that looks like it, is taken in
    /// the session. Returns once on disk.
    pub async fn add_participant(&self, participant: &Participant) -> Result<(), JoinError> {
        {
            let _claiming = self.claiming_nicknames();
            let claimed = claim_nickname(
                &self.live_nicknames,
                participant.session,
                &participant.nickname,
                participant.id,
            )?;
            if let Err(holder) = claimed {
                let existing = self
                    .participant(participant.session, holder)?
                    .map_or_else(|| participant.nickname.clone(), |holder| holder.nickname);
                return Err(JoinError::NicknameTaken(existing));
            }
            let record = ParticipantRecord {
                v: FORMAT_VERSION,
                nickname: participant.nickname.as_str().to_string(),
                joined_at: participant.joined_at,
                removed: false,
            };
            self.live_participants
                .insert(pair(participant.session, participant.id), encode(&record)?)
                .map_err(StorageError::from)?;
        }
        self.flusher.flush().await?;
        Ok(())
    }

    /// A participant of the session, unless the facilitator removed them.
    pub fn participant(
        &self,
        session: Token,
        id: Token,
    ) -> Result<Option<Participant>, StorageError> {
        Ok(self
            .participant_and_removal(session, id)?
            .and_then(|(participant, removed)| (!removed).then_some(participant)))
    }

    /// A participant of the session, and whether the facilitator removed them.
    pub fn participant_and_removal(
        &self,
        session: Token,
        id: Token,
    ) -> Result<Option<(Participant, bool)>, StorageError> {
        self.live_participants
            .get(pair(session, id))?
            .map(|value| participant_from(session, id, &value))
            .transpose()
    }

    /// Everyone in the session (the removed left out), in the order of their nicknames.
    pub fn participants_of(&self, session: Token) -> Result<Vec<Participant>, StorageError> {
        let mut participants = Vec::new();
        for entry in self.live_participants.scan_prefix(session.as_bytes()) {
            let (key, value) = entry?;
            let id = token_at(&key[16..], "live_participants")?;
            let (participant, removed) = participant_from(session, id, &value)?;
            if !removed {
                participants.push(participant);
            }
        }
        participants.sort_by_key(|participant| participant.nickname.folded());
        Ok(participants)
    }

    /// The removed participant whose nickname is `nickname` or looks like it, if any.
    pub fn removed_look_alike(
        &self,
        session: Token,
        nickname: &Nickname,
    ) -> Result<Option<Participant>, StorageError> {
        for key in nickname_keys(session, nickname) {
            if let Some(holder) = self.live_nicknames.get(key)?
                && let Some((participant, true)) =
                    self.participant_and_removal(session, token_at(&holder, "live_nicknames")?)?
            {
                return Ok(Some(participant));
            }
        }
        Ok(None)
    }

    /// Removes a participant from the session: their record stays, marked, so that
    /// their nickname (and its look-alikes) stays taken and their page can tell them;
    /// their answers go. Not flushed; the caller holds the session's lock.
    pub fn remove_participant(&self, session: Token, id: Token) -> Result<Removal, StorageError> {
        let Some(value) = self.live_participants.get(pair(session, id))? else {
            return Ok(Removal::NotThere);
        };
        let mut record: ParticipantRecord = decode(&value)?;
        if record.removed {
            return Ok(Removal::NotThere);
        }
        let mut removed = 0;
        for entry in self.live_participants.scan_prefix(session.as_bytes()) {
            let (_, value) = entry?;
            removed += usize::from(decode::<ParticipantRecord>(&value)?.removed);
        }
        if removed >= MAX_REMOVALS {
            return Ok(Removal::TooMany);
        }
        record.removed = true;
        self.live_participants
            .insert(pair(session, id), encode(&record)?)?;
        for entry in self.live_answers.scan_prefix(session.as_bytes()) {
            let (key, _) = entry?;
            if key.get(18..) == Some(&id.as_bytes()[..]) {
                self.live_answers.remove(key)?;
            }
        }
        let (participant, _) = participant_from(session, id, &value)?;
        Ok(Removal::Removed(participant.nickname))
    }

    /// The participants of every session, removed or not (for the migration to format
    /// 3, which rebuilds `live_nicknames` from them).
    pub(super) fn every_participant(&self) -> Result<Vec<Participant>, StorageError> {
        let mut participants = Vec::new();
        for entry in self.live_participants.iter() {
            let (key, value) = entry?;
            let session = token_at(&key[..16], "live_participants")?;
            let id = token_at(&key[16..], "live_participants")?;
            participants.push(participant_from(session, id, &value)?.0);
        }
        Ok(participants)
    }

    /// How many are in the session, the removed left out.
    pub fn participant_count(&self, session: Token) -> usize {
        self.live_participants
            .scan_prefix(session.as_bytes())
            .values()
            .filter_map(Result::ok)
            .filter(|value| decode::<ParticipantRecord>(value).is_ok_and(|record| !record.removed))
            .count()
    }

    /// Records (or replaces) a participant's answer to the exercise at its position.
    /// Not flushed.
    pub fn put_live_answer(&self, session: Token, answer: &LiveAnswer) -> Result<(), StorageError> {
        let record = LiveAnswerRecord {
            v: FORMAT_VERSION,
            choice: answer.choice.clone(),
            correct: answer.correct,
            answered_at: answer.answered_at,
            confidence: answer
                .confidence
                .map(|confidence| confidence.slug().to_string()),
        };
        let mut key = answers_prefix(session, answer.position);
        key.extend_from_slice(answer.participant.as_bytes());
        self.live_answers.insert(key, encode(&record)?)?;
        Ok(())
    }

    /// A participant's answer to the exercise at `position`, if they gave one.
    pub fn live_answer(
        &self,
        session: Token,
        position: usize,
        participant: Token,
    ) -> Result<Option<LiveAnswer>, StorageError> {
        let mut key = answers_prefix(session, position);
        key.extend_from_slice(participant.as_bytes());
        match self.live_answers.get(key)? {
            Some(value) => Ok(Some(answer_from(participant, position, &value)?)),
            None => Ok(None),
        }
    }

    /// Every answer to the exercise at `position`.
    pub fn live_answers_at(
        &self,
        session: Token,
        position: usize,
    ) -> Result<Vec<LiveAnswer>, StorageError> {
        let mut answers = Vec::new();
        for entry in self
            .live_answers
            .scan_prefix(answers_prefix(session, position))
        {
            let (key, value) = entry?;
            let participant = token_at(&key[18..], "live_answers")?;
            answers.push(answer_from(participant, position, &value)?);
        }
        Ok(answers)
    }

    pub fn live_answer_count(&self, session: Token, position: usize) -> usize {
        self.live_answers
            .scan_prefix(answers_prefix(session, position))
            .keys()
            .count()
    }

    /// Every answer of the session, exercise by exercise.
    pub fn live_answers_of(&self, session: Token) -> Result<Vec<LiveAnswer>, StorageError> {
        let mut answers = Vec::new();
        for entry in self.live_answers.scan_prefix(session.as_bytes()) {
            let (key, value) = entry?;
            let position = key
                .get(16..18)
                .map(|bytes| u16::from_be_bytes([bytes[0], bytes[1]]) as usize)
                .ok_or_else(|| StorageError::Corrupt("a live answer's key".into()))?;
            let participant = token_at(key.get(18..).unwrap_or_default(), "live_answers")?;
            answers.push(answer_from(participant, position, &value)?);
        }
        Ok(answers)
    }
}

/// A participant from their record, with whether they were removed.
fn participant_from(
    session: Token,
    id: Token,
    value: &[u8],
) -> Result<(Participant, bool), StorageError> {
    let record: ParticipantRecord = decode(value)?;
    let participant = Participant {
        id,
        session,
        nickname: Nickname::from_stored(&record.nickname)
            .ok_or_else(|| StorageError::Corrupt(format!("participant {id}: nickname")))?,
        joined_at: record.joined_at,
    };
    Ok((participant, record.removed))
}

fn answer_from(
    participant: Token,
    position: usize,
    value: &[u8],
) -> Result<LiveAnswer, StorageError> {
    let record: LiveAnswerRecord = decode(value)?;
    Ok(LiveAnswer {
        participant,
        position,
        choice: record.choice,
        correct: record.correct,
        answered_at: record.answered_at,
        confidence: super::rounds::read_confidence(record.confidence.as_deref()).map_err(
            |text| StorageError::Corrupt(format!("live answer of {participant}: {text}")),
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_live_session_keeps_at_most_its_cap_of_removed_participants() {
        let folder = tempfile::tempdir().unwrap();
        let storage = Storage::open(folder.path()).unwrap();
        let session = Token::random(&mut rand::rng());
        let mut ids = Vec::new();
        for number in 0..=MAX_REMOVALS {
            let participant = Participant {
                id: Token::random(&mut rand::rng()),
                session,
                nickname: Nickname::parse(&format!("Guest {number}")).unwrap(),
                joined_at: number as u64,
            };
            assert!(storage.add_participant(&participant).await.is_ok());
            ids.push(participant.id);
        }
        for id in &ids[..MAX_REMOVALS] {
            let removal = storage.remove_participant(session, *id).unwrap();
            assert!(matches!(removal, Removal::Removed(_)), "{removal:?}");
        }
        let removal = storage
            .remove_participant(session, ids[MAX_REMOVALS])
            .unwrap();
        assert!(matches!(removal, Removal::TooMany), "{removal:?}");
        assert_eq!(storage.participants_of(session).unwrap().len(), 1);
        // Removed twice is not removed again, and does not count against the cap.
        assert!(matches!(
            storage.remove_participant(session, ids[0]).unwrap(),
            Removal::NotThere
        ));
    }
}
