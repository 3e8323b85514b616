//! The only module that talks to sled. It stores rounds and answers and reads a
//! learner's progress back; every value carries a format version so that later
//! releases can migrate old data instead of misreading it.
//!
//! Layout (all keys are bytes):
//! - `meta`: `format_version` → the data directory's format, as a decimal string.
//! - `rounds`: round id (16 bytes) → a round record (JSON).
//! - `answers`: round id (16 bytes) + position (u16, big-endian) → an answer record (JSON).
//! - `learner_rounds`: learner id (16) + sequence number (u64, big-endian) + round id (16)
//!   → empty. The sequence comes from sled's monotonic id generator, so a learner's
//!   rounds are listed in the order they were started, even within one second.
//!
//! - teacher accounts and sessions: see [`teachers`]; classes: see [`classes`]; students:
//!   see [`students`]; assignments: see [`assignments`]; live sessions: see [`live`].
//!
//! Invariant: an answer is written at most once per round and position (compare-and-swap),
//! and `record_answer` returns only after sled has flushed it to disk.
//!
//! Flushing goes through one flusher thread (group commit): a writer queues a request
//! after its write, and one `Db::flush` serves every request queued before it started.
//! sled 0.34's `flush_async` is not used because concurrent calls to it can hang
//! forever (spacejam/sled#1308), which the answer benchmark hit at 64 connections.

pub mod assignments;
pub mod classes;
pub mod live;
pub mod students;
pub mod teachers;

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use serde::{Deserialize, Serialize};

use crate::content::Skill;
use crate::practice::{Answer, Focus, Round, Tally, Token};

/// The format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error(
        "cannot open the data directory {path}: {source}. Is another sourcewise server using it?"
    )]
    Open { path: PathBuf, source: sled::Error },
    #[error(
        "the data directory {path} holds format version {found}, but this build of sourcewise reads version {FORMAT_VERSION} or older: use a newer sourcewise"
    )]
    NewerFormat { path: PathBuf, found: String },
    #[error("the database failed: {0}")]
    Database(#[from] sled::Error),
    #[error("cannot start the thread that writes to disk: {0}")]
    Flusher(std::io::Error),
    #[error("the thread that writes to disk has stopped")]
    FlusherStopped,
    #[error("a stored record is damaged or of an unknown format: {0}")]
    Corrupt(String),
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
}

#[derive(Serialize, Deserialize)]
struct AnswerRecord {
    v: u32,
    exercise: String,
    skill: String,
    choice: String,
    correct: bool,
    answered_at: u64,
}

/// The learner's progress: totals per skill and their most recent rounds.
#[derive(Debug)]
pub struct Progress {
    pub tally: Tally,
    pub recent_rounds: Vec<Round>,
    pub round_count: usize,
}

#[derive(Clone)]
pub struct Storage {
    db: sled::Db,
    rounds: sled::Tree,
    answers: sled::Tree,
    learner_rounds: sled::Tree,
    teachers: sled::Tree,
    teacher_usernames: sled::Tree,
    teacher_sessions: sled::Tree,
    classes: sled::Tree,
    class_codes: sled::Tree,
    teacher_classes: sled::Tree,
    students: sled::Tree,
    class_students: sled::Tree,
    class_nicknames: sled::Tree,
    learner_students: sled::Tree,
    resume_codes: sled::Tree,
    assignments: sled::Tree,
    class_assignments: sled::Tree,
    assignment_rounds: sled::Tree,
    live_sessions: sled::Tree,
    live_codes: sled::Tree,
    teacher_live: sled::Tree,
    live_participants: sled::Tree,
    live_nicknames: sled::Tree,
    live_answers: sled::Tree,
    flusher: Flusher,
}

/// A request to flush: answered once a flush that started after the request was queued
/// has finished.
type FlushRequest = tokio::sync::oneshot::Sender<Result<(), sled::Error>>;

/// The handle to the flusher thread. The thread ends when the last handle is dropped.
#[derive(Clone)]
struct Flusher {
    requests: mpsc::Sender<FlushRequest>,
}

impl Flusher {
    fn start(db: sled::Db) -> std::io::Result<Flusher> {
        let (requests, queue) = mpsc::channel::<FlushRequest>();
        std::thread::Builder::new()
            .name("sourcewise-flusher".into())
            .spawn(move || {
                while let Ok(first) = queue.recv() {
                    // Every request taken here was queued after its write, so the flush
                    // below covers all of them.
                    let mut batch = vec![first];
                    batch.extend(queue.try_iter());
                    let result = db.flush().map(|_| ());
                    for waiter in batch {
                        // A waiter that gave up (its request was dropped) needs no answer.
                        let _ = waiter.send(result.clone());
                    }
                }
            })?;
        Ok(Flusher { requests })
    }

    /// Waits until everything written before this call is on disk.
    async fn flush(&self) -> Result<(), StorageError> {
        let (done, wait) = tokio::sync::oneshot::channel();
        self.requests
            .send(done)
            .map_err(|_| StorageError::FlusherStopped)?;
        wait.await.map_err(|_| StorageError::FlusherStopped)??;
        Ok(())
    }
}

impl Storage {
    /// Opens (or creates) the data directory and checks its format version.
    pub fn open(path: &Path) -> Result<Storage, StorageError> {
        let db = sled::Config::new()
            .path(path)
            .open()
            .map_err(|source| StorageError::Open {
                path: path.to_path_buf(),
                source,
            })?;
        let meta = db.open_tree("meta")?;
        match meta.get("format_version")? {
            None => {
                meta.insert("format_version", FORMAT_VERSION.to_string().as_bytes())?;
                db.flush()?;
            }
            Some(found) => {
                let found = String::from_utf8_lossy(&found).into_owned();
                match found.parse::<u32>() {
                    Ok(version) if version <= FORMAT_VERSION => {}
                    _ => {
                        return Err(StorageError::NewerFormat {
                            path: path.to_path_buf(),
                            found,
                        });
                    }
                }
            }
        }
        Ok(Storage {
            rounds: db.open_tree("rounds")?,
            answers: db.open_tree("answers")?,
            learner_rounds: db.open_tree("learner_rounds")?,
            teachers: db.open_tree("teachers")?,
            teacher_usernames: db.open_tree("teacher_usernames")?,
            teacher_sessions: db.open_tree("teacher_sessions")?,
            classes: db.open_tree("classes")?,
            class_codes: db.open_tree("class_codes")?,
            teacher_classes: db.open_tree("teacher_classes")?,
            students: db.open_tree("students")?,
            class_students: db.open_tree("class_students")?,
            class_nicknames: db.open_tree("class_nicknames")?,
            learner_students: db.open_tree("learner_students")?,
            resume_codes: db.open_tree("resume_codes")?,
            assignments: db.open_tree("assignments")?,
            class_assignments: db.open_tree("class_assignments")?,
            assignment_rounds: db.open_tree("assignment_rounds")?,
            live_sessions: db.open_tree("live_sessions")?,
            live_codes: db.open_tree("live_codes")?,
            teacher_live: db.open_tree("teacher_live")?,
            live_participants: db.open_tree("live_participants")?,
            live_nicknames: db.open_tree("live_nicknames")?,
            live_answers: db.open_tree("live_answers")?,
            flusher: Flusher::start(db.clone()).map_err(StorageError::Flusher)?,
            db,
        })
    }

    /// Stores a new round and waits until it is on disk.
    pub async fn create_round(&self, round: &Round) -> Result<(), StorageError> {
        let record = RoundRecord {
            v: FORMAT_VERSION,
            learner: round.learner.to_string(),
            pack: round.pack_id.clone(),
            focus: round.focus.slug().to_string(),
            seed: round.seed,
            exercises: round.exercise_ids.clone(),
            created_at: round.created_at,
            assignment: round.assignment.map(|assignment| assignment.to_string()),
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

    /// Reads a round with the answers given so far.
    pub fn round(&self, id: Token) -> Result<Option<Round>, StorageError> {
        let Some(value) = self.rounds.get(id.as_bytes())? else {
            return Ok(None);
        };
        let record: RoundRecord = decode(&value)?;
        let learner = Token::parse(&record.learner)
            .ok_or_else(|| StorageError::Corrupt(format!("round {id}: bad learner id")))?;
        let focus = Focus::from_slug(&record.focus).ok_or_else(|| {
            StorageError::Corrupt(format!("round {id}: unknown focus {:?}", record.focus))
        })?;
        let mut answers = vec![None; record.exercises.len()];
        for entry in self.answers.scan_prefix(id.as_bytes()) {
            let (key, value) = entry?;
            let position = key
                .get(16..18)
                .map(|bytes| u16::from_be_bytes([bytes[0], bytes[1]]) as usize)
                .ok_or_else(|| StorageError::Corrupt(format!("round {id}: bad answer key")))?;
            let record: AnswerRecord = decode(&value)?;
            let skill = Skill::from_slug(&record.skill).ok_or_else(|| {
                StorageError::Corrupt(format!("round {id}: unknown skill {:?}", record.skill))
            })?;
            if let Some(slot) = answers.get_mut(position) {
                *slot = Some(Answer {
                    exercise_id: record.exercise,
                    skill,
                    choice: record.choice,
                    correct: record.correct,
                    answered_at: record.answered_at,
                });
            }
        }
        Ok(Some(Round {
            id,
            learner,
            pack_id: record.pack,
            focus,
            seed: record.seed,
            exercise_ids: record.exercises,
            created_at: record.created_at,
            answers,
            assignment: match record.assignment.as_deref() {
                Some(text) => {
                    Some(Token::parse(text).ok_or_else(|| {
                        StorageError::Corrupt(format!("round {id}: its assignment"))
                    })?)
                }
                None => None,
            },
        }))
    }

    /// Stores the answer at `position` of a round unless one is there already, and
    /// returns only once it is flushed to disk.
    pub async fn record_answer(
        &self,
        round: Token,
        position: usize,
        answer: &Answer,
    ) -> Result<Recorded, StorageError> {
        let record = AnswerRecord {
            v: FORMAT_VERSION,
            exercise: answer.exercise_id.clone(),
            skill: answer.skill.slug().to_string(),
            choice: answer.choice.clone(),
            correct: answer.correct,
            answered_at: answer.answered_at,
        };
        let value = encode(&record)?;
        let position = u16::try_from(position)
            .map_err(|_| StorageError::Corrupt(format!("position {position} out of range")))?;
        let mut key = Vec::with_capacity(18);
        key.extend_from_slice(round.as_bytes());
        key.extend_from_slice(&position.to_be_bytes());
        let outcome =
            match self
                .answers
                .compare_and_swap(key, None as Option<&[u8]>, Some(value))?
            {
                Ok(()) => Recorded::Stored,
                Err(_) => Recorded::AlreadyAnswered,
            };
        // Flush even for a repeat: the first answer may still be on its way to disk,
        // and the learner is about to be told it was kept.
        self.flusher.flush().await?;
        Ok(outcome)
    }

    /// The learner's totals over their rounds, and the `recent` newest rounds; only the
    /// rounds `shown` accepts count (right and wrong of some assignments wait for their
    /// due date).
    pub fn progress(
        &self,
        learner: Token,
        recent: usize,
        shown: impl Fn(&Round) -> bool,
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
            let Some(round) = self.round(Token::from_bytes(round_id))? else {
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

    /// Removes every round of a learner and every answer in them (not flushed: the
    /// caller flushes once it has removed everything it meant to).
    fn delete_rounds_of(&self, learner: Token) -> Result<(), StorageError> {
        let keys: Vec<sled::IVec> = self
            .learner_rounds
            .scan_prefix(learner.as_bytes())
            .keys()
            .collect::<Result<_, _>>()?;
        for key in keys {
            if let Some(round) = key.get(24..40) {
                let answers: Vec<sled::IVec> = self
                    .answers
                    .scan_prefix(round)
                    .keys()
                    .collect::<Result<_, _>>()?;
                for answer in answers {
                    self.answers.remove(answer)?;
                }
                self.rounds.remove(round)?;
            }
            self.learner_rounds.remove(key)?;
        }
        Ok(())
    }
}

/// A record as stored: JSON.
fn encode<T: Serialize>(record: &T) -> Result<Vec<u8>, StorageError> {
    serde_json::to_vec(record).map_err(|error| StorageError::Corrupt(error.to_string()))
}

/// Two ids side by side: the key of an index entry such as class + student.
fn pair(first: Token, second: Token) -> Vec<u8> {
    let mut key = Vec::with_capacity(32);
    key.extend_from_slice(first.as_bytes());
    key.extend_from_slice(second.as_bytes());
    key
}

fn learner_round_key(learner: Token, sequence: u64, round: Token) -> Vec<u8> {
    let mut key = Vec::with_capacity(40);
    key.extend_from_slice(learner.as_bytes());
    key.extend_from_slice(&sequence.to_be_bytes());
    key.extend_from_slice(round.as_bytes());
    key
}

/// Reads a JSON record, refusing versions this build does not know.
fn decode<T: for<'de> Deserialize<'de>>(value: &[u8]) -> Result<T, StorageError> {
    #[derive(Deserialize)]
    struct Versioned {
        v: u32,
    }
    let versioned: Versioned =
        serde_json::from_slice(value).map_err(|error| StorageError::Corrupt(error.to_string()))?;
    if versioned.v > FORMAT_VERSION {
        return Err(StorageError::Corrupt(format!(
            "record of format version {} is newer than this build",
            versioned.v
        )));
    }
    serde_json::from_slice(value).map_err(|error| StorageError::Corrupt(error.to_string()))
}
