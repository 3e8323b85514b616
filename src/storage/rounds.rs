//! Rounds, their answers, and a learner's progress read back from them.
//!
//! Layout (all keys are bytes):
//! - `rounds`: round id (16 bytes) → a round record (JSON).
//! - `answers`: round id (16 bytes) + position (u16, big-endian) → an answer record (JSON).
//! - `learner_rounds`: learner id (16) + sequence number (u64, big-endian) + round id (16)
//!   → empty. The sequence comes from sled's monotonic id generator, so a learner's
//!   rounds are listed in the order they were started, even within one second.
//!
//! Invariant: an answer is written at most once per round and position (compare-and-swap),
//! and `record_answer` returns only after sled has flushed it to disk.
//!
//! Rounds read are kept decoded in the cache of [`super::plans`]; every write here that
//! the cache mirrors tells it so.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::plans::Plan;
use super::{FORMAT_VERSION, Removals, Storage, StorageError, decode, encode, read_record};
use crate::content::Skill;
use crate::ids::Token;
use crate::practice::{Answer, Confidence, Focus, Round, Tally};

/// A round moving from one learner to another (see [`Storage::rounds_moved`]).
pub(super) struct MovedRound {
    pub(super) round: [u8; 16],
    /// Its record with the new learner (`None` if the record is gone).
    pub(super) record: Option<Vec<u8>>,
    pub(super) from_key: sled::IVec,
    pub(super) to_key: Vec<u8>,
}

/// Whether an answer was stored, or an earlier one for the same question already was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Stored,
    AlreadyAnswered,
}

#[derive(Serialize, Deserialize)]
struct RoundRecord {
    v: u32,
    learner: String,
    pack: String,
    focus: String,
    seed: u64,
    exercises: Vec<String>,
    created_at: u64,
    /// Absent in free practice (and in rounds stored before assignments existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    assignment: Option<String>,
    /// A review round (absent, and false, in every other round).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    review: bool,
}

/// An answer as stored. Its strings are borrowed from the stored bytes when read (they
/// hold no escapes, so nothing is copied until the answer is built).
#[derive(Serialize, Deserialize)]
struct AnswerRecord<'a> {
    v: u32,
    #[serde(borrow)]
    exercise: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    skill: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    choice: std::borrow::Cow<'a, str>,
    correct: bool,
    answered_at: u64,
    /// How sure the learner said they were (`sure`, `fairly-sure`, `guessing`); absent
    /// when they did not say, and in answers stored before it was asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    confidence: Option<std::borrow::Cow<'a, str>>,
    /// The exercise's fingerprint when answered; absent in answers stored before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fingerprint: Option<u64>,
}

impl AnswerRecord<'_> {
    fn into_answer(self, round: Token) -> Result<Answer, StorageError> {
        let skill = Skill::from_slug(&self.skill).ok_or_else(|| {
            StorageError::Corrupt(format!("round {round}: unknown skill {:?}", self.skill))
        })?;
        Ok(Answer {
            exercise_id: self.exercise.into_owned(),
            skill,
            choice: self.choice.into_owned(),
            correct: self.correct,
            answered_at: self.answered_at,
            confidence: read_confidence(self.confidence.as_deref())
                .map_err(|text| StorageError::Corrupt(format!("round {round}: {text}")))?,
            fingerprint: self.fingerprint,
        })
    }
}

/// The learner's progress: totals per skill and their most recent rounds.
#[derive(Debug)]
pub struct Progress {
    pub tally: Tally,
    pub recent_rounds: Vec<Round>,
    pub round_count: usize,
}

impl Storage {
    /// Stores a new round and waits until it is on disk.
    pub async fn create_round(&self, round: &Round) -> Result<(), StorageError> {
        let record = RoundRecord {
            v: FORMAT_VERSION,
            learner: round.learner.to_string(),
            pack: round.pack_id.clone(),
            focus: round.focus.slug().to_string(),
            seed: round.seed,
            exercises: round.exercise_ids.to_vec(),
            created_at: round.created_at,
            assignment: round.assignment.map(|assignment| assignment.to_string()),
            review: round.review,
        };
        let value = encode(&record)?;
        self.rounds.insert(round.id.as_bytes(), value)?;
        self.learner_rounds.insert(
            learner_round_key(round.learner, self.db.generate_id()?, round.id),
            &[],
        )?;
        self.flusher.flush().await?;
        Ok(())
    }

    /// Reads a round with the answers given so far, for a page of the round: the round
    /// is kept in the cache of rounds in progress.
    pub fn round(&self, id: Token) -> Result<Option<Round>, StorageError> {
        self.read_round(id, true, true)
    }

    /// Reads a round with its answers for a report over many rounds (progress, class
    /// results): a round in the cache is read from there, but none is added, so a
    /// report does not push out the rounds in progress.
    pub(super) fn round_for_report(&self, id: Token) -> Result<Option<Round>, StorageError> {
        self.read_round(id, true, false)
    }

    /// Reads a round without its answers: every slot of `answers` is empty. For a
    /// request that only needs the round's plan (answering one question asks
    /// [`Storage::is_answered`] instead of reading every answer).
    pub fn round_without_answers(&self, id: Token) -> Result<Option<Round>, StorageError> {
        self.read_round(id, false, true)
    }

    /// Whether the question at `position` of a round has an answer.
    pub fn is_answered(&self, round: Token, position: usize) -> Result<bool, StorageError> {
        Ok(self.answers.contains_key(answer_key(round, position)?)?)
    }

    /// Reads a round, from the cache when it is there; `keep` adds what is read from
    /// the store to the cache.
    fn read_round(
        &self,
        id: Token,
        with_answers: bool,
        keep: bool,
    ) -> Result<Option<Round>, StorageError> {
        let (plan, kept) = match self.plans.get(id, with_answers) {
            Some(cached) => cached,
            None => match self.plan(id, keep)? {
                Some(plan) => (plan, None),
                None => return Ok(None),
            },
        };
        let answers = match kept {
            Some(answers) => answers,
            None if with_answers => self.read_answers(id, plan.exercise_ids.len(), keep)?,
            None => vec![None; plan.exercise_ids.len()],
        };
        Ok(Some(Round {
            id,
            learner: plan.learner,
            pack_id: plan.pack_id.clone(),
            focus: plan.focus,
            seed: plan.seed,
            exercise_ids: Arc::clone(&plan.exercise_ids),
            created_at: plan.created_at,
            answers,
            assignment: plan.assignment,
            review: plan.review,
        }))
    }

    /// Reads a round's answers from the store, and if `keep`, keeps them in the cache.
    fn read_answers(
        &self,
        id: Token,
        count: usize,
        keep: bool,
    ) -> Result<Vec<Option<Answer>>, StorageError> {
        let mark = self.plans.mark();
        let mut answers = vec![None; count];
        for entry in self.answers.scan_prefix(id.as_bytes()) {
            let (key, value) = entry?;
            let position = key
                .get(16..18)
                .map(|bytes| u16::from_be_bytes([bytes[0], bytes[1]]) as usize)
                .ok_or_else(|| StorageError::Corrupt(format!("round {id}: bad answer key")))?;
            if let Some(slot) = answers.get_mut(position) {
                *slot = Some(decode::<AnswerRecord>(&value)?.into_answer(id)?);
            }
        }
        if keep {
            self.plans.insert_answers(id, &answers, mark);
        }
        Ok(answers)
    }

    /// Reads a round's record from the store, decoded, and if `keep`, keeps it in the
    /// cache.
    fn plan(&self, id: Token, keep: bool) -> Result<Option<Arc<Plan>>, StorageError> {
        let mark = self.plans.mark();
        let Some(plan) =
            read_record::<RoundRecord, _>(&self.rounds, "round", id, |record, corrupt| {
                Ok(Arc::new(Plan {
                    learner: Token::parse(&record.learner)
                        .ok_or_else(|| corrupt("bad learner id"))?,
                    pack_id: record.pack,
                    focus: Focus::from_slug(&record.focus)
                        .ok_or_else(|| corrupt(&format!("unknown focus {:?}", record.focus)))?,
                    seed: record.seed,
                    exercise_ids: record.exercises.into(),
                    created_at: record.created_at,
                    assignment: match record.assignment.as_deref() {
                        Some(text) => {
                            Some(Token::parse(text).ok_or_else(|| corrupt("its assignment"))?)
                        }
                        None => None,
                    },
                    review: record.review,
                }))
            })?
        else {
            return Ok(None);
        };
        if keep {
            self.plans.insert(id, Arc::clone(&plan), mark);
        }
        Ok(Some(plan))
    }

    /// Stores the answer at `position` of a round unless one is there already, and
    /// returns only once it is flushed to disk.
    pub async fn record_answer(
        &self,
        round: Token,
        position: usize,
        answer: &Answer,
    ) -> Result<Recorded, StorageError> {
        self.record_answer_scheduling(round, position, answer, None)
            .await
    }

    /// [`Storage::record_answer`], and once it is stored, its review scheduled for the
    /// round's learner ([`Storage::schedule_after_answer`]), both on disk with one
    /// flush: an answer that calls for a review costs no second wait for the disk.
    pub async fn record_answer_with_review(
        &self,
        round: &Round,
        position: usize,
        answer: &Answer,
        now: u64,
    ) -> Result<Recorded, StorageError> {
        self.record_answer_scheduling(
            round.id,
            position,
            answer,
            Some((round.learner, round.pack_id.as_str(), now)),
        )
        .await
    }

    async fn record_answer_scheduling(
        &self,
        round: Token,
        position: usize,
        answer: &Answer,
        review: Option<(Token, &str, u64)>,
    ) -> Result<Recorded, StorageError> {
        let record = AnswerRecord {
            v: FORMAT_VERSION,
            exercise: answer.exercise_id.as_str().into(),
            skill: answer.skill.slug().into(),
            choice: answer.choice.as_str().into(),
            correct: answer.correct,
            answered_at: answer.answered_at,
            confidence: answer.confidence.map(|confidence| confidence.slug().into()),
            fingerprint: answer.fingerprint,
        };
        let value = encode(&record)?;
        let key = answer_key(round, position)?;
        let outcome =
            match self
                .answers
                .compare_and_swap(key, None as Option<&[u8]>, Some(value))?
            {
                Ok(()) => {
                    self.plans.answered(round, position, answer);
                    if let Some((learner, pack_id, now)) = review {
                        self.write_schedule(learner, pack_id, answer, now)?;
                    }
                    Recorded::Stored
                }
                Err(_) => Recorded::AlreadyAnswered,
            };
        // Flush even for a repeat: the first answer may still be on its way to disk,
        // and the learner is about to be told it was kept.
        self.flusher.flush().await?;
        Ok(outcome)
    }

    /// The learner's totals over their rounds, and the `recent` newest rounds; only the
    /// rounds `shown` accepts count (right and wrong of some assignments wait for their
    /// due date). `shown` sees every round once, newest first, so it may also sum up
    /// what it accepts.
    pub fn progress(
        &self,
        learner: Token,
        recent: usize,
        mut shown: impl FnMut(&Round) -> bool,
    ) -> Result<Progress, StorageError> {
        let mut tally = Tally::default();
        let mut recent_rounds = Vec::new();
        let mut round_count = 0;
        for entry in self.learner_rounds.scan_prefix(learner.as_bytes()).rev() {
            let (key, _) = entry?;
            let round_id: [u8; 16] = key
                .get(24..40)
                .and_then(|bytes| bytes.try_into().ok())
                .ok_or_else(|| StorageError::Corrupt("bad learner round key".into()))?;
            let Some(round) = self.round_for_report(Token::from_bytes(round_id))? else {
                continue;
            };
            if !shown(&round) {
                continue;
            }
            round_count += 1;
            tally.merge(&round.tally());
            if recent_rounds.len() < recent {
                recent_rounds.push(round);
            }
        }
        Ok(Progress {
            tally,
            recent_rounds,
            round_count,
        })
    }

    /// What moving every round of learner `from` to learner `to` writes: each round's
    /// record with its new learner, and its key in `learner_rounds` before and after.
    /// Nothing is written here; [`super::students`]'s new resume code writes it all in one
    /// transaction, then calls [`Storage::forget_rounds`].
    pub(super) fn rounds_moved(
        &self,
        from: Token,
        to: Token,
    ) -> Result<Vec<MovedRound>, StorageError> {
        let mut moved = Vec::new();
        for key in self.learner_rounds.scan_prefix(from.as_bytes()).keys() {
            let from_key = key?;
            let Some(round) = from_key
                .get(24..40)
                .and_then(|id| <[u8; 16]>::try_from(id).ok())
            else {
                continue;
            };
            let record = match self.rounds.get(round)? {
                Some(value) => {
                    let mut record: RoundRecord = decode(&value)?;
                    record.learner = to.to_string();
                    Some(encode(&record)?)
                }
                None => None,
            };
            let mut to_key = to.as_bytes().to_vec();
            to_key.extend_from_slice(&from_key[16..]);
            moved.push(MovedRound {
                round,
                record,
                from_key,
                to_key,
            });
        }
        Ok(moved)
    }

    /// Drops moved rounds from the cache of rounds in progress, which keeps who a
    /// round's learner is.
    pub(super) fn forget_rounds(&self, moved: &[MovedRound]) {
        for round in moved {
            self.plans.remove(Token::from_bytes(round.round));
        }
    }

    /// Adds every round of a learner and every answer in them to `removals`.
    pub(super) fn rounds_to_remove<'a>(
        &'a self,
        learner: Token,
        removals: &mut Removals<'a>,
    ) -> Result<(), StorageError> {
        for key in self.learner_rounds.scan_prefix(learner.as_bytes()).keys() {
            let key = key?;
            if let Some(round) = key.get(24..40) {
                for answer in self.answers.scan_prefix(round).keys() {
                    removals.remove(&self.answers, answer?);
                }
                removals.remove(&self.rounds, round);
                if let Ok(id) = <[u8; 16]>::try_from(round) {
                    removals.rounds.push(Token::from_bytes(id));
                }
            }
            removals.remove(&self.learner_rounds, key);
        }
        Ok(())
    }
}

/// A stored confidence: absent is "not given"; an unknown word is damage, said as such.
pub(super) fn read_confidence(stored: Option<&str>) -> Result<Option<Confidence>, String> {
    match stored {
        None => Ok(None),
        Some(slug) => Confidence::from_slug(slug)
            .map(Some)
            .ok_or_else(|| format!("unknown confidence {slug:?}")),
    }
}

/// The key of the answer at `position` of a round: round id + position (u16, big-endian).
fn answer_key(round: Token, position: usize) -> Result<[u8; 18], StorageError> {
    let position = u16::try_from(position)
        .map_err(|_| StorageError::Corrupt(format!("position {position} out of range")))?;
    let mut key = [0u8; 18];
    key[..16].copy_from_slice(round.as_bytes());
    key[16..].copy_from_slice(&position.to_be_bytes());
    Ok(key)
}

fn learner_round_key(learner: Token, sequence: u64, round: Token) -> Vec<u8> {
    let mut key = Vec::with_capacity(40);
    key.extend_from_slice(learner.as_bytes());
    key.extend_from_slice(&sequence.to_be_bytes());
    key.extend_from_slice(round.as_bytes());
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_stored_before_confidence_was_asked_reads_as_not_given() {
        let round = Token::from_bytes([7; 16]);
        let old = br#"{"v":3,"exercise":"contested-02","skill":"contested","choice":"agreed","correct":false,"answered_at":5}"#;
        let answer = decode::<AnswerRecord>(old)
            .unwrap()
            .into_answer(round)
            .unwrap();
        assert_eq!(answer.confidence, None);
        assert_eq!(answer.choice, "agreed");
        let new = br#"{"v":4,"exercise":"contested-02","skill":"contested","choice":"agreed","correct":false,"answered_at":5,"confidence":"fairly-sure"}"#;
        let answer = decode::<AnswerRecord>(new)
            .unwrap()
            .into_answer(round)
            .unwrap();
        assert_eq!(answer.confidence, Some(Confidence::FairlySure));
        let damaged = br#"{"v":4,"exercise":"a","skill":"contested","choice":"agreed","correct":false,"answered_at":5,"confidence":"certain"}"#;
        let error = decode::<AnswerRecord>(damaged)
            .unwrap()
            .into_answer(round)
            .unwrap_err();
        assert!(
            error.to_string().contains("unknown confidence \"certain\""),
            "{error}"
        );
    }
}
