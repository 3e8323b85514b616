//! Bringing a data directory of an older format to this one (see
//! [`super::FORMAT_VERSION`] for what each format changed). [`super::Storage::open`] runs
//! it when the directory is older, and marks the directory with this build's format
//! afterwards.
//!
//! Layout: no trees of its own. It rewrites `class_nicknames` and `live_nicknames` (see
//! [`super::students`] and [`super::live`]) and the text fields of `classes` and
//! `teachers` in place.

use super::students::nickname_keys;
use super::{Storage, StorageError, claim, encode};
use crate::classes::Nickname;
use crate::ids::Token;

/// Migrates a data directory of format 1 or 2 to format 3 (see [`super::FORMAT_VERSION`]).
/// Each step can run again: a crash half-way leaves the directory marked as before,
/// and the next opening does it all again.
pub(super) fn migrate_to_3(storage: &Storage) -> Result<(), StorageError> {
    let students = storage.every_student()?;
    rebuild_nicknames(&storage.class_nicknames, students, |student| {
        (
            student.joined_at,
            student.class,
            &student.nickname,
            student.id,
        )
    })?;
    let participants = storage.every_participant()?;
    rebuild_nicknames(&storage.live_nicknames, participants, |participant| {
        (
            participant.joined_at,
            participant.session,
            &participant.nickname,
            participant.id,
        )
    })?;
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

/// Rebuilds a tree of nickname keys (`class_nicknames`, `live_nicknames`; keys were the
/// nickname in lower case, now they are look-alike keys) from everyone who holds a
/// nickname there; `holding` says when each joined, their group (class or session),
/// their nickname and their id. They are taken in the order they joined: if two
/// nicknames now look alike, both people stay, and the key goes to the first. Derived
/// from the records alone, so that it can run again after a crash half-way.
fn rebuild_nicknames<T>(
    tree: &sled::Tree,
    mut holders: Vec<T>,
    holding: impl Fn(&T) -> (u64, Token, &Nickname, Token),
) -> Result<(), StorageError> {
    holders.sort_by_key(|holder| holding(holder).0);
    tree.clear()?;
    for holder in &holders {
        let (_, group, nickname, id) = holding(holder);
        for key in nickname_keys(group, nickname) {
            claim(tree, key, id)?;
        }
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

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use crate::classes::{Nickname, ResumeCode};
    use crate::ids::Token;
    use crate::live::Participant;
    use crate::storage::students::tests::{join, taken_by};
    use crate::storage::{Storage, durable, pair};

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
            let outcome = join(&storage, old.class, typed).await;
            assert_eq!(taken_by(outcome), "Maya", "{typed}");
        }

        // Removing or renaming the later look-alike never frees the key “Maya” holds.
        let filler = storage.student(old.filler).unwrap().unwrap();
        let renamed = storage
            .rename_student(&filler, &Nickname::parse("Mayan").unwrap())
            .await
            .unwrap();
        storage.delete_student(&renamed).await.unwrap();
        let outcome = join(&storage, old.class, "\u{41c}aya").await;
        assert_eq!(taken_by(outcome), "Maya");
        assert!(
            join(&storage, old.class, "Mayan").await.is_ok(),
            "the renamed student's own nickname is free once they are gone"
        );
        // Renaming “Maya” lets go of the keys that were hers.
        let maya = storage.student(old.maya).unwrap().unwrap();
        storage
            .rename_student(&maya, &Nickname::parse("Maya K").unwrap())
            .await
            .unwrap();
        assert!(join(&storage, old.class, "maya").await.is_ok());

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
            Some(super::super::FORMAT_VERSION.to_string().as_bytes())
        );
    }
}
