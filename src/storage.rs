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
//!
//! sled's flush on Linux ends with `sync_file_range`, which flushes neither the drive's
//! write cache nor the file's metadata (spacejam/sled#1452): an answer it flushed can
//! still be lost when the power goes. So each group commit then `fsync`s every file of
//! the data directory ([`DiskSync`]), and the directory itself when its files changed,
//! before any waiter is told the write is on disk.

pub mod assignments;
pub mod classes;
mod durable;
pub mod live;
mod plans;
pub mod students;
pub mod teachers;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use crate::content::Skill;
use crate::ids::Token;
use crate::practice::{Answer, Focus, Round, Tally};
use plans::{Plan, Plans};

/// How much memory sled may keep as a cache of the database (its default is 1 GiB). A
/// school's data is read by key prefix, so a small cache serves it, and the operating
/// system's page cache keeps the rest of the file close. Measured with the seeded
/// school (bench/school.sh): 48 MiB left the server at 160–190 MB resident, 16 MiB at
/// 125 MB, at the same speed.
const CACHE_BYTES: u64 = 16 * 1024 * 1024;

/// The format this build reads and writes.
///
/// - 2: a round's or an assignment's focus may be any set of the four skills (`all`,
///   `source+quote`, …), and answers may be of the skill `quote`. A directory of
///   format 1 reads as it is, and is marked 2 when this build opens it, so that an older
///   build refuses it with a message instead of failing on a record it cannot read.
/// - 3: nickname keys (`class_nicknames`, `live_nicknames`) are confusable skeletons
///   (see [`crate::names::look_alike_keys`]), no longer the nickname in lower case; and
///   class names, descriptions and display names hold no hidden characters. A
///   directory of format 1 or 2 is migrated when this build opens it (`migrate_to_3`):
///   the nickname keys are rebuilt from the students and participants, hidden
///   characters are taken out of class names, descriptions and display names, and the
///   directory is marked 3. Also in format 3: a browser is linked to the students it
///   joined as (`learner_students`, whose value is now the student's learner id, and
///   `student_devices`) instead of taking the student's learner id as its cookie; the
///   links of older directories read as they are.
pub const FORMAT_VERSION: u32 = 3;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error(
        "cannot open the data directory {path}: another program holds it. Is another sourcewise server using it? Stop it (or the admin command using it) first"
    )]
    InUse { path: PathBuf },
    #[error(
        "cannot open the data directory {path} ({reason}). Check that it is a sourcewise data directory and that this user may read and write it"
    )]
    Open { path: PathBuf, reason: sled::Error },
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
    #[error("writing to disk failed: {0}")]
    Flush(String),
    #[error(
        "the data directory {path} is damaged: {why}. The server did not start. Restore the directory from a backup (sourcewise admin restore), or move it aside to start afresh"
    )]
    Damaged { path: PathBuf, why: String },
    #[error("{path} is not a sourcewise data directory or backup (it has no database file \"db\")")]
    NotADataDirectory { path: PathBuf },
    #[error(
        "{path} is not empty, and it is not a sourcewise data directory (it has no database file \"db\"). Give the folder that holds your sourcewise data, or a new or empty folder to start afresh"
    )]
    Foreign { path: PathBuf },
    #[error(
        "the data directory {path} has a database but no sourcewise.commits, the count of acknowledged writes that shows whether the database has lost any. It may be an incomplete copy. The server did not start. Restore the directory from a backup (sourcewise admin restore); or, if you want it as it is, run: sourcewise admin accept --data-dir {path}"
    )]
    Unmarked { path: PathBuf },
    #[error(
        "{path} already exists and is not empty: give a new folder, or move this one aside first"
    )]
    NotEmpty { path: PathBuf },
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("a stored record is damaged or of an unknown format: {0}")]
    Corrupt(String),
}

/// A round moving from one learner to another (see [`Storage::rounds_moved`]).
struct MovedRound {
    round: [u8; 16],
    /// Its record with the new learner (`None` if the record is gone).
    record: Option<Vec<u8>>,
    from_key: sled::IVec,
    to_key: Vec<u8>,
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
    student_devices: sled::Tree,
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
    flusher: durable::Flusher,
    plans: Arc<Plans>,
    /// Held while a nickname's keys are claimed and its record written, so that two
    /// people joining at once with look-alikes see each other (see
    /// [`students::claim_nickname`]).
    nickname_claims: Arc<Mutex<()>>,
    device_links: Arc<Mutex<()>>,
}

impl Storage {
    /// Opens (or creates, in a new or empty folder) the data directory, checks its format
    /// version, and checks that it holds every write that was acknowledged (see
    /// [`durable::CommitMark`]). A folder that holds something else, and a database
    /// whose count of commits is missing, are refused.
    pub fn open(path: &Path) -> Result<Storage, StorageError> {
        Storage::open_with(path, false)
    }

    /// Opens a data directory whose count of commits (`sourcewise.commits`) is missing,
    /// accepting the database as it is: the count is made anew from the database.
    pub fn accept(path: &Path) -> Result<Storage, StorageError> {
        if !path.join("db").is_file() {
            return Err(StorageError::NotADataDirectory {
                path: path.to_path_buf(),
            });
        }
        Storage::open_with(path, true)
    }

    fn open_with(path: &Path, accept_unmarked: bool) -> Result<Storage, StorageError> {
        // A new file system's own lost+found does not make a folder someone else's.
        let occupied = std::fs::read_dir(path)
            .map(|entries| {
                entries
                    .flatten()
                    .any(|entry| entry.file_name() != "lost+found")
            })
            .unwrap_or(false);
        if occupied && !path.join("db").exists() {
            return Err(StorageError::Foreign {
                path: path.to_path_buf(),
            });
        }
        let marked = path.join(durable::MARK_FILE).exists();
        // sled may panic on a badly damaged file rather than return an error.
        let opened = std::panic::catch_unwind(|| {
            sled::Config::new()
                .path(path)
                .cache_capacity(CACHE_BYTES)
                .open()
        })
        .map_err(|_| StorageError::Damaged {
            path: path.to_path_buf(),
            why: "the database could not be read".into(),
        })?;
        let db = opened.map_err(|reason| match &reason {
            sled::Error::Io(error) if error.to_string().contains("could not acquire lock") => {
                StorageError::InUse {
                    path: path.to_path_buf(),
                }
            }
            _ => StorageError::Open {
                path: path.to_path_buf(),
                reason,
            },
        })?;
        let meta = db.open_tree("meta")?;
        if !marked && !accept_unmarked {
            // A database without its count of commits (a newer format is refused below,
            // with its own message).
            if let Some(found) = meta.get("format_version")?
                && String::from_utf8_lossy(&found)
                    .parse::<u32>()
                    .is_ok_and(|version| version <= FORMAT_VERSION)
            {
                return Err(StorageError::Unmarked {
                    path: path.to_path_buf(),
                });
            }
        }
        let mut mark = durable::CommitMark::open(path)?;
        let mut older = None;
        match meta.get("format_version")? {
            None if mark.acknowledged() > 0 => {
                return Err(StorageError::Damaged {
                    path: path.to_path_buf(),
                    why: format!(
                        "its database is empty, but {} writes to it were acknowledged",
                        mark.acknowledged()
                    ),
                });
            }
            None => {
                meta.insert("format_version", FORMAT_VERSION.to_string().as_bytes())?;
                db.flush()?;
            }
            Some(found) => {
                let found = String::from_utf8_lossy(&found).into_owned();
                match found.parse::<u32>() {
                    Ok(version) if version <= FORMAT_VERSION => {
                        older = (version < FORMAT_VERSION).then_some(version);
                    }
                    _ => {
                        return Err(StorageError::NewerFormat {
                            path: path.to_path_buf(),
                            found,
                        });
                    }
                }
            }
        }
        let committed = durable::commits_in(&meta)?;
        if !marked && accept_unmarked {
            mark.write(committed).map_err(|source| StorageError::Io {
                path: path.join(durable::MARK_FILE),
                source,
            })?;
        }
        if committed < mark.acknowledged() {
            return Err(StorageError::Damaged {
                path: path.to_path_buf(),
                why: format!(
                    "its database holds {committed} commits, but {} were acknowledged: the file was truncated or replaced by an older copy",
                    mark.acknowledged()
                ),
            });
        }
        let storage = Storage {
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
            student_devices: db.open_tree("student_devices")?,
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
            plans: Arc::default(),
            nickname_claims: Arc::default(),
            device_links: Arc::default(),
            flusher: durable::Flusher::start(
                db.clone(),
                meta.clone(),
                committed,
                durable::DiskSync::new(path),
                mark,
            )
            .map_err(StorageError::Flusher)?,
            db,
        };
        if let Some(version) = older {
            if version < 3 {
                migrate_to_3(&storage)?;
            }
            // What this build writes from now on an older build could not read.
            meta.insert("format_version", FORMAT_VERSION.to_string().as_bytes())?;
            storage.db.flush()?;
        }
        Ok(storage)
    }

    /// The lock held while a nickname's keys are claimed (a panic while it was held
    /// left nothing half-done that the next claim could not cope with).
    fn claiming_nicknames(&self) -> MutexGuard<'_, ()> {
        self.nickname_claims
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Opens a data directory that must already exist (a backup to restore from, say):
    /// unlike [`Storage::open`], a missing or empty folder is an error, not a new start.
    pub fn open_existing(path: &Path) -> Result<Storage, StorageError> {
        if !path.join("db").is_file() {
            return Err(StorageError::NotADataDirectory {
                path: path.to_path_buf(),
            });
        }
        Storage::open(path)
    }

    /// How many records the database holds, in all its trees.
    pub fn record_count(&self) -> Result<usize, StorageError> {
        let mut records = 0;
        for name in self.db.tree_names() {
            records += self.db.open_tree(name)?.len();
        }
        Ok(records)
    }

    /// Copies every record to `destination`, a folder that must not exist yet or be
    /// empty, as a data directory of its own, and makes the copy durable. Returns the
    /// number of records copied. (Backing up and restoring are both this copy.)
    pub fn copy_to(&self, destination: &Path) -> Result<usize, StorageError> {
        let occupied = match std::fs::read_dir(destination) {
            Ok(mut entries) => entries.next().is_some(),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => false,
            Err(_) => true,
        };
        if occupied {
            return Err(StorageError::NotEmpty {
                path: destination.to_path_buf(),
            });
        }
        let target = sled::Config::new()
            .path(destination)
            .open()
            .map_err(|reason| StorageError::Open {
                path: destination.to_path_buf(),
                reason,
            })?;
        // sled's import panics rather than return an error.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            target.import(self.db.export())
        }))
        .map_err(|_| {
            StorageError::Flush(format!("copying into {} failed", destination.display()))
        })?;
        target.flush()?;
        let mut records = 0;
        for name in target.tree_names() {
            records += target.open_tree(name)?.len();
        }
        let commits = durable::commits_in(&target.open_tree("meta")?)?;
        drop(target);
        let io = |source| StorageError::Io {
            path: destination.to_path_buf(),
            source,
        };
        durable::DiskSync::new(destination).sync().map_err(io)?;
        durable::CommitMark::open(destination)?
            .write(commits)
            .map_err(io)?;
        Ok(records)
    }

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
    fn round_for_report(&self, id: Token) -> Result<Option<Round>, StorageError> {
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
        let Some(value) = self.rounds.get(id.as_bytes())? else {
            return Ok(None);
        };
        let record: RoundRecord = decode(&value)?;
        let corrupt = |what: String| StorageError::Corrupt(format!("round {id}: {what}"));
        let plan = Arc::new(Plan {
            learner: Token::parse(&record.learner)
                .ok_or_else(|| corrupt("bad learner id".into()))?,
            pack_id: record.pack,
            focus: Focus::from_slug(&record.focus)
                .ok_or_else(|| corrupt(format!("unknown focus {:?}", record.focus)))?,
            seed: record.seed,
            exercise_ids: record.exercises.into(),
            created_at: record.created_at,
            assignment: match record.assignment.as_deref() {
                Some(text) => {
                    Some(Token::parse(text).ok_or_else(|| corrupt("its assignment".into()))?)
                }
                None => None,
            },
        });
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
        let record = AnswerRecord {
            v: FORMAT_VERSION,
            exercise: answer.exercise_id.as_str().into(),
            skill: answer.skill.slug().into(),
            choice: answer.choice.as_str().into(),
            correct: answer.correct,
            answered_at: answer.answered_at,
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
    /// Nothing is written here; [`students`]'s new resume code writes it all in one
    /// transaction, then calls [`Storage::forget_rounds`].
    fn rounds_moved(&self, from: Token, to: Token) -> Result<Vec<MovedRound>, StorageError> {
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
    fn forget_rounds(&self, moved: &[MovedRound]) {
        for round in moved {
            self.plans.remove(Token::from_bytes(round.round));
        }
    }

    /// The lock held while browsers are linked to students and while a new resume code
    /// unlinks them.
    fn linking_devices(&self) -> MutexGuard<'_, ()> {
        self.device_links
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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
                if let Ok(id) = <[u8; 16]>::try_from(round) {
                    self.plans.remove(Token::from_bytes(id));
                }
            }
            self.learner_rounds.remove(key)?;
        }
        Ok(())
    }
}

/// Migrates a data directory of format 1 or 2 to format 3 (see [`FORMAT_VERSION`]).
/// Each step can run again: a crash half-way leaves the directory marked as before,
/// and the next opening does it all again.
fn migrate_to_3(storage: &Storage) -> Result<(), StorageError> {
    storage.rebuild_class_nicknames()?;
    storage.rebuild_live_nicknames()?;
    let cleaned = take_out_hidden_characters(&storage.classes, "name", "Class")?
        + take_out_hidden_characters(&storage.classes, "description", "")?
        + take_out_hidden_characters(&storage.teachers, "display_name", "Teacher")?;
    if cleaned > 0 {
        tracing::info!(
            "took hidden characters (zero-width, byte-order or text-direction marks) out of {cleaned} class names, descriptions and display names"
        );
    }
    Ok(())
}

/// Takes the invisible characters (see [`crate::names::is_invisible`]) out of the text
/// field `field` of every record in `tree`, which an older build let through and this
/// one refuses; a text that had nothing else becomes `blank`. Returns how many records
/// changed. The record's other fields stay as they are.
fn take_out_hidden_characters(
    tree: &sled::Tree,
    field: &str,
    blank: &str,
) -> Result<usize, StorageError> {
    let mut changed = 0;
    for entry in tree.iter() {
        let (key, value) = entry?;
        let mut record: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&value)
            .map_err(|error| StorageError::Corrupt(error.to_string()))?;
        let Some(serde_json::Value::String(text)) = record.get(field) else {
            continue;
        };
        if !crate::names::has_invisible(text) {
            continue;
        }
        let visible: String = text
            .chars()
            .filter(|&c| !crate::names::is_invisible(c))
            .collect();
        let visible = if visible.trim().is_empty() && !text.trim().is_empty() {
            blank.to_string()
        } else {
            visible
        };
        record.insert(field.to_string(), serde_json::Value::String(visible));
        // The fields come out in alphabetical order, `v` last: `decode` reads both.
        tree.insert(key, encode(&record)?)?;
        changed += 1;
    }
    Ok(changed)
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

/// Reads a JSON record, refusing versions this build does not know. Records are written
/// with their version first (`{"v":1,…`), so it is read from there without a second
/// parse; anything else is parsed once for its version and once for the record.
fn decode<'a, T: Deserialize<'a>>(value: &'a [u8]) -> Result<T, StorageError> {
    let version = match leading_version(value) {
        Some(version) => version,
        None => {
            #[derive(Deserialize)]
            struct Versioned {
                v: u32,
            }
            serde_json::from_slice::<Versioned>(value)
                .map_err(|error| StorageError::Corrupt(error.to_string()))?
                .v
        }
    };
    if version > FORMAT_VERSION {
        return Err(StorageError::Corrupt(format!(
            "record of format version {version} is newer than this build"
        )));
    }
    serde_json::from_slice(value).map_err(|error| StorageError::Corrupt(error.to_string()))
}

/// The version of a record that starts `{"v":N,` or `{"v":N}`, as this build writes them.
fn leading_version(value: &[u8]) -> Option<u32> {
    let rest = value.strip_prefix(b"{\"v\":")?;
    let digits = rest.iter().take_while(|byte| byte.is_ascii_digit()).count();
    if !matches!(rest.get(digits), Some(b',' | b'}')) {
        return None;
    }
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classes::{Nickname, ResumeCode, Student};
    use crate::live::Participant;
    use crate::storage::students::JoinError;
    use rand::SeedableRng;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Record {
        v: u32,
        name: String,
    }

    #[test]
    fn records_are_read_whether_or_not_their_version_comes_first() {
        let expected = Record {
            v: 1,
            name: "x".into(),
        };
        assert_eq!(
            decode::<Record>(br#"{"v":1,"name":"x"}"#).unwrap(),
            expected
        );
        assert_eq!(
            decode::<Record>(br#"{"name":"x","v":1}"#).unwrap(),
            expected
        );
        assert_eq!(
            decode::<Record>(br#"{ "v" : 1, "name":"x"}"#).unwrap(),
            expected
        );
    }

    #[test]
    fn records_of_a_newer_version_or_damaged_are_refused() {
        let newer = FORMAT_VERSION + 1;
        for record in [
            format!(r#"{{"v":{newer},"name":"x"}}"#),
            format!(r#"{{"name":"x","v":{newer}}}"#),
            format!(r#"{{"v":{newer}}}"#),
        ] {
            let error = decode::<Record>(record.as_bytes()).unwrap_err().to_string();
            assert!(
                error.contains(&format!("version {newer} is newer")),
                "{error}"
            );
        }
        // Format 1 records read as they are.
        assert!(decode::<Record>(br#"{"v":1,"name":"x"}"#).is_ok());
        for damaged in [
            &br#"{"v":1,"name":"#[..],
            br#"{"v":99999999999,"name":"x"}"#,
            b"",
            b"{",
        ] {
            assert!(matches!(
                decode::<Record>(damaged),
                Err(StorageError::Corrupt(_))
            ));
        }
    }

    /// Writes what a build of format 2 wrote for a class with two students whose
    /// nicknames were different then and look alike now (“Maya”, and “Maya” with an
    /// invisible Hangul filler, which joined later), a live session with “Maya” and a
    /// Cyrillic “Мaya”, a class name with a right-to-left override and a display name
    /// with a byte-order mark.
    struct Format2 {
        folder: tempfile::TempDir,
        teacher: Token,
        class: Token,
        maya: Token,
        filler: Token,
        session: Token,
    }

    fn format_2_directory() -> Format2 {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(14);
        let folder = tempfile::tempdir().unwrap();
        let [teacher, class, maya, filler, session, first, second] =
            std::array::from_fn(|_| Token::random(&mut rng));
        let db = sled::open(folder.path()).unwrap();
        db.open_tree("meta")
            .unwrap()
            .insert("format_version", "2")
            .unwrap();
        let teachers = db.open_tree("teachers").unwrap();
        let record = serde_json::json!({"v": 2, "username": "rivera",
            "display_name": "\u{feff}Ms Rivera", "password_hash": "x", "created_at": 1});
        teachers
            .insert(teacher.as_bytes(), record.to_string().as_bytes())
            .unwrap();
        let classes = db.open_tree("classes").unwrap();
        let record = serde_json::json!({"v": 2, "teacher": teacher.to_string(),
            "name": "ab\u{202e}gnp.exe", "description": "Tuesdays\u{200b}", "code": "ABCDEF",
            "locked": false, "archived": false, "created_at": 1});
        classes
            .insert(class.as_bytes(), record.to_string().as_bytes())
            .unwrap();
        let students = db.open_tree("students").unwrap();
        let class_students = db.open_tree("class_students").unwrap();
        let class_nicknames = db.open_tree("class_nicknames").unwrap();
        for (id, nickname, joined_at) in [(maya, "Maya", 1), (filler, "Maya\u{3164}", 2)] {
            let record = serde_json::json!({"v": 2, "class": class.to_string(),
                "nickname": nickname, "learner": Token::random(&mut rng).to_string(),
                "resume_code": ResumeCode::random(&mut rng).as_str(), "joined_at": joined_at});
            students
                .insert(id.as_bytes(), record.to_string().as_bytes())
                .unwrap();
            class_students.insert(pair(class, id), &[]).unwrap();
            let mut key = class.as_bytes().to_vec();
            key.extend_from_slice(nickname.to_lowercase().as_bytes());
            class_nicknames.insert(key, id.as_bytes()).unwrap();
        }
        let participants = db.open_tree("live_participants").unwrap();
        let live_nicknames = db.open_tree("live_nicknames").unwrap();
        for (id, nickname, joined_at) in [(first, "Maya", 1), (second, "\u{41c}aya", 2)] {
            let record = serde_json::json!({"v": 2, "nickname": nickname, "joined_at": joined_at});
            participants
                .insert(pair(session, id), record.to_string().as_bytes())
                .unwrap();
            let mut key = session.as_bytes().to_vec();
            key.extend_from_slice(nickname.to_lowercase().as_bytes());
            live_nicknames.insert(key, id.as_bytes()).unwrap();
        }
        db.flush().unwrap();
        drop(db);
        // A directory that was served has its count of commits beside the database.
        durable::CommitMark::open(folder.path()).unwrap();
        Format2 {
            folder,
            teacher,
            class,
            maya,
            filler,
            session,
        }
    }

    fn newcomer(class: Token, nickname: &str) -> Student {
        let mut rng = rand::rng();
        Student {
            id: Token::random(&mut rng),
            class,
            nickname: Nickname::parse(nickname).unwrap(),
            learner: Token::random(&mut rng),
            resume: ResumeCode::random(&mut rng),
            joined_at: 3,
        }
    }

    fn taken_by(outcome: Result<(), JoinError>) -> String {
        match outcome {
            Err(JoinError::NicknameTaken(existing)) => existing.as_str().to_string(),
            other => panic!("not refused: {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_format_2_directory_is_migrated_and_keeps_both_of_two_look_alikes() {
        let old = format_2_directory();
        let storage = Storage::open(old.folder.path()).unwrap();
        let nicknames: Vec<String> = storage
            .students_of(old.class)
            .unwrap()
            .iter()
            .map(|student| student.nickname.as_str().to_string())
            .collect();
        assert_eq!(nicknames, ["Maya", "Maya\u{3164}"], "both students stay");
        for typed in ["MAYA", "\u{41c}aya", "\u{ff2d}\u{ff41}\u{ff59}\u{ff41}"] {
            let outcome = storage
                .add_student(&newcomer(old.class, typed), Token::random(&mut rand::rng()))
                .await;
            assert_eq!(taken_by(outcome), "Maya", "{typed}");
        }

        // Removing or renaming the later look-alike never frees the key “Maya” holds.
        let filler = storage.student(old.filler).unwrap().unwrap();
        let renamed = storage
            .rename_student(&filler, &Nickname::parse("Mayan").unwrap())
            .await
            .unwrap();
        storage.delete_student(&renamed).await.unwrap();
        let outcome = storage
            .add_student(
                &newcomer(old.class, "\u{41c}aya"),
                Token::random(&mut rand::rng()),
            )
            .await;
        assert_eq!(taken_by(outcome), "Maya");
        assert!(
            storage
                .add_student(
                    &newcomer(old.class, "Mayan"),
                    Token::random(&mut rand::rng())
                )
                .await
                .is_ok(),
            "the renamed student's own nickname is free once they are gone"
        );
        // Renaming “Maya” lets go of the keys that were hers.
        let maya = storage.student(old.maya).unwrap().unwrap();
        storage
            .rename_student(&maya, &Nickname::parse("Maya K").unwrap())
            .await
            .unwrap();
        assert!(
            storage
                .add_student(
                    &newcomer(old.class, "maya"),
                    Token::random(&mut rand::rng())
                )
                .await
                .is_ok()
        );

        // The live session: “Мaya” joined after “Maya”, both stay, and the key is Maya's.
        let participants = storage.participants_of(old.session).unwrap();
        assert_eq!(participants.len(), 2);
        let outcome = storage
            .add_participant(&Participant {
                id: Token::random(&mut rand::rng()),
                session: old.session,
                nickname: Nickname::parse("MAYA").unwrap(),
                joined_at: 3,
            })
            .await;
        assert_eq!(taken_by(outcome), "Maya");

        // Hidden characters are out of the names that are read back as checked values.
        let class = storage.class(old.class).unwrap().unwrap();
        assert_eq!(class.name.as_str(), "abgnp.exe");
        assert_eq!(class.description, "Tuesdays");
        let teacher = storage.teacher(old.teacher).unwrap().unwrap();
        assert_eq!(teacher.display_name.as_str(), "Ms Rivera");
        assert_eq!(
            storage
                .db
                .open_tree("meta")
                .unwrap()
                .get("format_version")
                .unwrap()
                .as_deref(),
            Some(&b"3"[..])
        );
    }

    #[tokio::test]
    async fn a_live_session_keeps_at_most_its_cap_of_removed_participants() {
        use crate::live::{MAX_REMOVALS, Removal};
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

    #[tokio::test]
    async fn a_crash_while_a_student_joins_leaves_their_nickname_free() {
        use crate::storage::students::CRASH_WHILE_JOINING;
        let folder = tempfile::tempdir().unwrap();
        let storage = Storage::open(folder.path()).unwrap();
        let class = Token::random(&mut rand::rng());
        let first = newcomer(class, "Maya");
        CRASH_WHILE_JOINING.set(true);
        let outcome = storage
            .add_student(&first, Token::random(&mut rand::rng()))
            .await;
        CRASH_WHILE_JOINING.set(false);
        assert!(outcome.is_err(), "the join did not complete");
        assert!(storage.student(first.id).unwrap().is_none());
        // Nothing of the half-made join stays: the nickname is free for the next one.
        let again = newcomer(class, "Maya");
        let outcome = storage
            .add_student(&again, Token::random(&mut rand::rng()))
            .await;
        assert!(outcome.is_ok(), "{outcome:?}");
        assert_eq!(
            storage
                .student(again.id)
                .unwrap()
                .unwrap()
                .nickname
                .as_str(),
            "Maya"
        );
    }
}
