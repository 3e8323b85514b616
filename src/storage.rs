//! The only module that talks to sled: one [`Storage`] handle over one `sled::Db`,
//! opened here, its format checked and, if older, migrated. Every value carries a
//! format version so that later releases can migrate old data instead of misreading it.
//!
//! Each area keeps its trees in a file of its own, which begins with their key layout:
//! - [`rounds`]: rounds, their answers, and a learner's progress.
//! - [`teachers`]: teacher accounts, sign-in sessions, and the cookie key.
//! - [`classes`]: classes and their join codes.
//! - [`students`]: students, their nicknames, browsers and resume codes.
//! - [`assignments`]: assignments and each student's round for one.
//! - [`live`]: live sessions, their participants and their answers.
//! - [`packs`]: teachers' own lesson packs, with their files.
//! - [`reviews`]: each learner's review cards (spaced review, see [`crate::review`]).
//! - [`backup`]: copying a data directory, opening a backup, accepting one as it is.
//! - [`migrate`]: bringing a data directory of an older format to this one.
//! - [`plans`]: the cache of rounds read recently; [`durable`]: group commit and `fsync`.
//!
//! Layout here (all keys are bytes):
//! - `meta`: `format_version` → the data directory's format, as a decimal string. (Its
//!   `cookie_key` is [`teachers`]'s, its count of commits [`durable`]'s.)
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
mod backup;
pub mod classes;
mod durable;
pub mod live;
mod migrate;
mod packs;
mod plans;
pub mod reviews;
pub mod rounds;
pub mod students;
pub mod teachers;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::ids::Token;
use plans::Plans;

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
/// - 4: answers (of rounds and of live sessions) may say how sure the learner was
///   (`confidence`), and a learner's exercises due for review are kept (`reviews`, see
///   [`reviews`]). Nothing older is rewritten: an answer without `confidence` reads as
///   not given. A directory of format 3 or older is marked 4 when this build opens it,
///   so that an older build refuses it with a message instead of dropping what it
///   cannot read (and leaving a deleted student's reviews behind).
/// - 5: teachers keep lesson packs of their own (`packs`, see [`packs`]), which
///   assignments and live sessions may name. Nothing older is rewritten; a directory of
///   format 4 or older is marked 5 when this build opens it, so that an older build
///   refuses it instead of losing the packs its assignments name.
pub const FORMAT_VERSION: u32 = 5;

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
    reviews: sled::Tree,
    packs: sled::Tree,
    teacher_packs: sled::Tree,
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
            reviews: db.open_tree("reviews")?,
            packs: db.open_tree("packs")?,
            teacher_packs: db.open_tree("teacher_packs")?,
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
                migrate::migrate_to_3(&storage)?;
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
}

/// A record as stored: JSON.
fn encode<T: Serialize>(record: &T) -> Result<Vec<u8>, StorageError> {
    serde_json::to_vec(record).map_err(|error| StorageError::Corrupt(error.to_string()))
}

/// Keys to remove from several trees, gathered by reading first and then removed in one
/// sled transaction ([`Storage::remove_all`]): all of them, or, after a crash or an
/// error, none.
#[derive(Default)]
struct Removals<'a> {
    /// Each tree, with the keys to remove from it, in the order first named.
    trees: Vec<(&'a sled::Tree, Vec<Vec<u8>>)>,
    /// Keys removed only while they still hold the value given (the tree's place in
    /// `trees`, the key, the value): a nickname's key goes only if it is still its
    /// student's.
    held: Vec<(usize, Vec<u8>, Vec<u8>)>,
    /// The rounds removed, to drop from the cache of rounds once the removal is
    /// committed.
    rounds: Vec<Token>,
}

impl<'a> Removals<'a> {
    /// The place of `tree` in `trees`, added if it is new.
    fn place(&mut self, tree: &'a sled::Tree) -> usize {
        let name = tree.name();
        match self
            .trees
            .iter()
            .position(|(known, _)| known.name() == name)
        {
            Some(place) => place,
            None => {
                self.trees.push((tree, Vec::new()));
                self.trees.len() - 1
            }
        }
    }

    /// Removes `key` from `tree`.
    fn remove(&mut self, tree: &'a sled::Tree, key: impl AsRef<[u8]>) {
        let place = self.place(tree);
        self.trees[place].1.push(key.as_ref().to_vec());
    }

    /// Removes `key` from `tree` if it still holds `value`.
    fn remove_if_held(&mut self, tree: &'a sled::Tree, key: Vec<u8>, value: &[u8]) {
        let place = self.place(tree);
        self.held.push((place, key, value.to_vec()));
    }
}

#[cfg(test)]
thread_local! {
    /// In a test: a removal of several trees ([`Storage::remove_all`]) stops half-way,
    /// as a crash would.
    pub(crate) static CRASH_WHILE_REMOVING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl Storage {
    /// Removes everything in `removals` in one sled transaction, then drops its rounds
    /// from the cache of rounds (not flushed).
    fn remove_all(&self, removals: Removals<'_>) -> Result<(), StorageError> {
        use sled::Transactional;
        use sled::transaction::TransactionError;
        let trees: Vec<&sled::Tree> = removals.trees.iter().map(|(tree, _)| *tree).collect();
        trees
            .as_slice()
            .transaction(|views| {
                for ((_, keys), view) in removals.trees.iter().zip(views) {
                    for key in keys {
                        view.remove(key.as_slice())?;
                    }
                }
                #[cfg(test)]
                if CRASH_WHILE_REMOVING.get() {
                    return Err(sled::transaction::ConflictableTransactionError::Abort(()));
                }
                for (place, key, value) in &removals.held {
                    let view = &views[*place];
                    if view.get(key.as_slice())?.as_deref() == Some(value.as_slice()) {
                        view.remove(key.as_slice())?;
                    }
                }
                Ok(())
            })
            .map_err(|error| match error {
                TransactionError::Storage(error) => StorageError::from(error),
                TransactionError::Abort(()) => {
                    StorageError::Corrupt("the records could not be removed".into())
                }
            })?;
        for round in removals.rounds {
            self.plans.remove(round);
        }
        Ok(())
    }
}

/// The record of `kind` ("class", "student", …) under the id `id` in `tree`, if there is
/// one, decoded and turned into its domain type by `into`. `into` is given the error for
/// a damaged field of it (`corrupt("name")` says "class 0123…: name").
fn read_record<R: DeserializeOwned, T>(
    tree: &sled::Tree,
    kind: &'static str,
    id: Token,
    into: impl FnOnce(R, &dyn Fn(&str) -> StorageError) -> Result<T, StorageError>,
) -> Result<Option<T>, StorageError> {
    let Some(value) = tree.get(id.as_bytes())? else {
        return Ok(None);
    };
    let corrupt = |field: &str| StorageError::Corrupt(format!("{kind} {id}: {field}"));
    into(decode(&value)?, &corrupt).map(Some)
}

/// The id stored in `bytes`, from the tree `what`.
fn token_at(bytes: &[u8], what: &str) -> Result<Token, StorageError> {
    let id: [u8; 16] = bytes
        .try_into()
        .map_err(|_| StorageError::Corrupt(format!("an id in {what}")))?;
    Ok(Token::from_bytes(id))
}

/// The id that the index `tree` (named `what`) holds under `key`, if any: the class of a
/// join code, say.
fn id_at(
    tree: &sled::Tree,
    key: impl AsRef<[u8]>,
    what: &str,
) -> Result<Option<Token>, StorageError> {
    tree.get(key)?
        .map(|value| token_at(&value, what))
        .transpose()
}

/// The second ids of the keys under `first` in `tree` (named `what`), an index of two ids
/// side by side (class + student, …).
fn ids_under(tree: &sled::Tree, first: Token, what: &str) -> Result<Vec<Token>, StorageError> {
    tree.scan_prefix(first.as_bytes())
        .keys()
        .map(|key| token_at(&key?[16..], what))
        .collect()
}

/// What `read` finds for each id under `first` in the index `tree` (see [`ids_under`]),
/// leaving out the ids it finds nothing for.
fn records_under<T>(
    tree: &sled::Tree,
    first: Token,
    what: &str,
    read: impl Fn(Token) -> Result<Option<T>, StorageError>,
) -> Result<Vec<T>, StorageError> {
    ids_under(tree, first, what)?
        .into_iter()
        .filter_map(|id| read(id).transpose())
        .collect()
}

/// Puts `id` under `key` in `tree` unless the key is taken (compare-and-swap, so two
/// writers never both get it). Whether it did.
fn claim(tree: &sled::Tree, key: impl AsRef<[u8]>, id: Token) -> Result<bool, StorageError> {
    Ok(tree
        .compare_and_swap(key, None as Option<&[u8]>, Some(&id.as_bytes()[..]))?
        .is_ok())
}

/// Two ids side by side: the key of an index entry such as class + student.
fn pair(first: Token, second: Token) -> Vec<u8> {
    let mut key = Vec::with_capacity(32);
    key.extend_from_slice(first.as_bytes());
    key.extend_from_slice(second.as_bytes());
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
}
