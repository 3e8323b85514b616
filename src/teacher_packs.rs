//! A teacher's own lesson pack: its files (as `questions/` holds a pack's folder), whose
//! it is, and whether it is published. A published pack that passes the checks is served
//! under its key (`{id}~{32 hex digits}`), which no site pack can have, so that two
//! teachers may each have a pack with the same id.
//!
//! Beside the loader's checks, a teacher's pack keeps to limits of its own: at most
//! [`MAX_DOCUMENTS`] documents of at most [`MAX_DOCUMENT_BYTES`] each.

use std::path::PathBuf;

use crate::content::Pack;
use crate::content::load::{ContentError, PackFiles};
use crate::ids::Token;

/// The most documents a teacher's pack may have.
pub const MAX_DOCUMENTS: usize = 20;
/// The most bytes one document of a teacher's pack may have (1 MB).
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;
/// The most packs one teacher may keep: with 20 MB each at most, what one account can
/// make the server store stays bounded (anyone may sign up as a teacher).
pub const MAX_PACKS: usize = 30;

/// A teacher's own pack, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeacherPack {
    pub id: Token,
    pub teacher: Token,
    /// The pack's own id, as `pack.toml` gives it: the name of its folder.
    pub pack_id: String,
    /// Its files, in a folder named `pack_id`.
    pub files: PackFiles,
    /// Whether it is offered in its teacher's assignment and live-session forms.
    pub published: bool,
    /// Seconds since 1970.
    pub created_at: u64,
    pub updated_at: u64,
    /// The files last served, kept while `files` (the working copy) has problems, so
    /// that what was assigned from the pack stays served, a restart included.
    pub served: Option<PackFiles>,
    /// Each exercise's versions, oldest first: a new one whenever a changed exercise
    /// is served. An answer was given to the version served when it was given.
    pub versions: Vec<ExerciseVersion>,
}

/// One version of one exercise of a teacher's pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExerciseVersion {
    pub exercise: String,
    /// 1, 2, …
    pub number: u32,
    /// The [`Exercise::fingerprint`] of the exercise as this version served it.
    pub fingerprint: u64,
    /// When it was first served, in seconds since 1970.
    pub since: u64,
}

impl TeacherPack {
    /// The name it is served under (pages' addresses, rounds, assignments).
    pub fn key(&self) -> String {
        key_of(&self.pack_id, self.id)
    }

    /// The files students are served: the working copy, or while it has problems the
    /// last files that passed.
    pub fn serving(&self) -> &PackFiles {
        self.served.as_ref().unwrap_or(&self.files)
    }

    /// Notes a newly served `pack`: each exercise that is new or changed since its last
    /// version gets a new version, served from `now`.
    pub fn note_versions(&mut self, pack: &Pack, now: u64) {
        for exercise in pack.exercises() {
            let fingerprint = exercise.fingerprint();
            let last = self
                .versions
                .iter()
                .rev()
                .find(|version| version.exercise == exercise.id());
            if last.is_some_and(|last| last.fingerprint == fingerprint) {
                continue;
            }
            let number = last.map_or(1, |last| last.number + 1);
            self.versions.push(ExerciseVersion {
                exercise: exercise.id().to_string(),
                number,
                fingerprint,
                since: now,
            });
        }
    }

    /// The version of `exercise` served at `time` (seconds since 1970), if it was.
    pub fn version_at(&self, exercise: &str, time: u64) -> Option<u32> {
        let mut versions = self
            .versions
            .iter()
            .filter(|version| version.exercise == exercise);
        let first = versions.next()?;
        // An answer given in the second a version replaced another counts for the new.
        Some(
            versions
                .take_while(|version| version.since <= time)
                .last()
                .unwrap_or(first)
                .number,
        )
    }

    /// The version of `exercise` an answer was given to: the one with the answer's
    /// fingerprint, or for an answer stored without one, the one served at `time`.
    pub fn version_of(&self, exercise: &str, fingerprint: Option<u64>, time: u64) -> Option<u32> {
        fingerprint
            .and_then(|fingerprint| {
                self.versions
                    .iter()
                    .rev()
                    .find(|version| {
                        version.exercise == exercise && version.fingerprint == fingerprint
                    })
                    .map(|version| version.number)
            })
            .or_else(|| self.version_at(exercise, time))
    }

    /// The latest version of `exercise`, if it was ever served.
    pub fn latest_version(&self, exercise: &str) -> Option<u32> {
        self.versions
            .iter()
            .rev()
            .find(|version| version.exercise == exercise)
            .map(|version| version.number)
    }
}

/// Why a teacher who has `count` packs may not make or import another, if they may not.
pub fn too_many(count: usize) -> Option<String> {
    (count >= MAX_PACKS).then(|| {
        format!(
            "You have {count} packs, the most one teacher may keep. Delete one you no longer need (export it first to keep a copy), then make or import this one."
        )
    })
}

/// The name a teacher's pack `id` is served under.
pub fn key_of(pack_id: &str, id: Token) -> String {
    format!("{pack_id}~{id}")
}

/// The record id in a key that [`key_of`] made, if `key` is one.
pub fn id_in_key(key: &str) -> Option<Token> {
    key.rsplit_once('~').and_then(|(_, id)| Token::parse(id))
}

/// The limits a teacher's pack keeps to beyond the loader's checks, as problems in the
/// loader's form.
pub fn limits(files: &PackFiles) -> Vec<ContentError> {
    let documents: Vec<(&str, &str)> = files
        .files()
        .filter(|(name, _)| name.starts_with("sources/"))
        .collect();
    let mut problems = Vec::new();
    if documents.len() > MAX_DOCUMENTS {
        problems.push(ContentError::at(
            files.folder().join("sources"),
            None,
            format!(
                "the pack has {} documents: a teacher's pack may have {MAX_DOCUMENTS} at most",
                documents.len()
            ),
        ));
    }
    for (name, text) in documents {
        if text.len() > MAX_DOCUMENT_BYTES {
            problems.push(ContentError::at(
                files.folder().join(name),
                None,
                format!(
                    "the document has {} bytes: a document of a teacher's pack may have 1 MB (1,048,576 bytes) at most",
                    text.len()
                ),
            ));
        }
    }
    problems
}

/// The folder a pack with this id stands in.
pub fn folder_of(pack_id: &str) -> PathBuf {
    PathBuf::from(pack_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_names_its_record_and_no_site_pack_has_one() {
        let id = Token::from_bytes([7; 16]);
        let key = key_of("my-pack", id);
        assert_eq!(id_in_key(&key), Some(id));
        assert_eq!(id_in_key("khojaly-1992"), None);
        assert!(key.starts_with("my-pack~"));
    }

    fn record(pack_id: &str) -> TeacherPack {
        TeacherPack {
            id: Token::from_bytes([1; 16]),
            teacher: Token::from_bytes([2; 16]),
            pack_id: pack_id.into(),
            files: PackFiles::new(pack_id),
            published: true,
            created_at: 0,
            updated_at: 0,
            served: None,
            versions: Vec::new(),
        }
    }

    #[test]
    fn an_answer_belongs_to_the_version_served_when_it_was_given() {
        let mut pack = record("p");
        for (exercise, number, fingerprint, since) in
            [("a", 1, 7, 10), ("b", 1, 8, 10), ("a", 2, 9, 20)]
        {
            pack.versions.push(ExerciseVersion {
                exercise: exercise.into(),
                number,
                fingerprint,
                since,
            });
        }
        let versions: Vec<Option<u32>> = [10, 19, 20, 99]
            .iter()
            .map(|&time| pack.version_at("a", time))
            .collect();
        assert_eq!(versions, [Some(1), Some(1), Some(2), Some(2)]);
        assert_eq!(pack.version_at("b", 99), Some(1));
        assert_eq!(pack.version_at("c", 99), None);
        assert_eq!(pack.latest_version("a"), Some(2));
    }

    #[test]
    fn a_changed_exercise_gets_a_new_version_and_an_unchanged_one_does_not() {
        let library = crate::content::load::load_library(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/questions"
        )))
        .unwrap();
        let bundled = library.packs().next().unwrap();
        let mut pack = record(bundled.id());
        pack.note_versions(bundled, 10);
        let count = pack.versions.len();
        assert_eq!(count, bundled.exercises().len());
        pack.note_versions(bundled, 20);
        assert_eq!(pack.versions.len(), count, "nothing changed");
        // A changed fingerprint, as a changed exercise would give, makes version 2.
        let first = bundled.exercises()[0].id().to_string();
        pack.versions[0].fingerprint ^= 1;
        pack.note_versions(bundled, 30);
        assert_eq!(pack.versions.len(), count + 1);
        assert_eq!(pack.latest_version(&first), Some(2));
        assert_eq!(pack.version_at(&first, 29), Some(1));
    }

    #[test]
    fn too_many_and_too_long_documents_are_problems() {
        let mut files = PackFiles::new("p");
        for n in 0..=MAX_DOCUMENTS {
            files.insert(format!("sources/d{n}.txt"), "short");
        }
        files.insert("sources/long.txt", "a".repeat(MAX_DOCUMENT_BYTES + 1));
        let problems: Vec<String> = limits(&files).iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "p/sources: the pack has 22 documents: a teacher's pack may have 20 at most",
                "p/sources/long.txt: the document has 1048577 bytes: a document of a teacher's pack may have 1 MB (1,048,576 bytes) at most"
            ]
        );
    }
}
