//! Students: a nickname in a class, the learner id their answers are kept under, and a
//! resume code to continue on another device.
//!
//! Layout:
//! - `students`: student id (16) → a student record (JSON).
//! - `class_students`: class id (16) + student id (16) → empty.
//! - `class_nicknames`: class id (16) + a look-alike key of the nickname (its confusable
//!   skeleton, see [`Nickname::look_alike_keys`]; one or two per nickname) → student
//!   id; written with compare-and-swap, so two students cannot take one nickname, nor
//!   two that look alike, in a class. A key is removed only while it still points to
//!   its student: after the migration to format 3, two students whose nicknames had
//!   become look-alikes are both kept, and only the first to join holds the key.
//! - `learner_students`: browser id (16) + student id (16) → the student's learner id
//!   (16; empty in links made before 2026-12): the students a browser has joined or
//!   continued as, and whose rounds it may open. The browser id is the browser's own learner id
//!   (its cookie), under which its own practice is kept. (Before 2026-12 a browser that
//!   joined took the student's learner id as its cookie; those links read the same.)
//! - `student_devices`: student id (16) + browser id (16) → empty: the same links from
//!   the student's side, so that a new resume code can sign every browser out.
//! - `resume_codes`: class id (16) + SHA-256 of the resume code → student id, to find
//!   the student from a code typed on another device. (The student record keeps the
//!   code itself, to show it on the student's page.)
//!
//! Each student has a learner id of their own, made when they join and never given to a
//! browser, so deleting a class can delete every round and answer of its students and
//! nothing else, and a browser keeps its own practice and every class it joins.

use std::sync::MutexGuard;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sled::Transactional;

use super::{
    FORMAT_VERSION, Removals, Storage, StorageError, encode, id_at, ids_under, pair, read_record,
    records_under, token_at,
};
use crate::assignments::Assignment;
use crate::classes::{Class, Nickname, ResumeCode, Student};
use crate::ids::Token;

#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    /// The nickname, or one that looks like it, is taken: by this one (or, if the
    /// holder cannot be read, the nickname asked for).
    #[error("the nickname is taken by “{}”", .0.as_str())]
    NicknameTaken(Nickname),
    /// The class was deleted before the student could join it.
    #[error("the class no longer exists")]
    NoSuchClass,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[cfg(test)]
thread_local! {
    /// In a test: adding a student stops half-way, as a crash would.
    pub(crate) static CRASH_WHILE_JOINING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[derive(Serialize, Deserialize)]
struct StudentRecord {
    v: u32,
    class: String,
    nickname: String,
    learner: String,
    resume_code: String,
    joined_at: u64,
}

/// The keys of a nickname in a group (a class, a live session): the group's id and
/// each of the nickname's look-alike keys.
pub(super) fn nickname_keys(group: Token, nickname: &Nickname) -> Vec<Vec<u8>> {
    nickname
        .look_alike_keys()
        .into_iter()
        .map(|look_alike| {
            let mut key = group.as_bytes().to_vec();
            key.extend_from_slice(look_alike.as_bytes());
            key
        })
        .collect()
}

/// Claims every key of `nickname` in `group` for `id`, by compare-and-swap. A key that
/// already points to `id` is kept. If another holds one, the keys claimed here are let
/// go again and the holder's id is returned. The caller holds the storage's nickname
/// lock, so two people joining at once with look-alikes do not both get refused.
pub(super) fn claim_nickname(
    tree: &sled::Tree,
    group: Token,
    nickname: &Nickname,
    id: Token,
) -> Result<Result<(), Token>, StorageError> {
    let mut claimed = Vec::new();
    for key in nickname_keys(group, nickname) {
        match tree.compare_and_swap(&key, None as Option<&[u8]>, Some(&id.as_bytes()[..]))? {
            Ok(()) => claimed.push(key),
            Err(taken) => {
                let holder = taken.current.unwrap_or_default();
                if holder.as_ref() == id.as_bytes() {
                    continue;
                }
                for key in claimed {
                    release_key(tree, &key, id)?;
                }
                return Ok(Err(token_at(&holder, "a nickname's key")?));
            }
        }
    }
    Ok(Ok(()))
}

/// Lets go of the keys of `nickname` in `group` that still point to `id`, except those
/// in `keep`: a key that another holds (two look-alikes kept by the migration) stays.
fn release_nickname(
    tree: &sled::Tree,
    group: Token,
    nickname: &Nickname,
    id: Token,
    keep: &[Vec<u8>],
) -> Result<(), StorageError> {
    for key in nickname_keys(group, nickname) {
        if !keep.contains(&key) {
            release_key(tree, &key, id)?;
        }
    }
    Ok(())
}

/// Removes `key` if it points to `id` (compare-and-swap), and leaves it otherwise.
fn release_key(tree: &sled::Tree, key: &[u8], id: Token) -> Result<(), StorageError> {
    let _ = tree.compare_and_swap(key, Some(&id.as_bytes()[..]), None as Option<&[u8]>)?;
    Ok(())
}

fn resume_key(class: Token, code: &ResumeCode) -> Vec<u8> {
    let mut key = class.as_bytes().to_vec();
    key.extend_from_slice(&Sha256::digest(code.as_str().as_bytes()));
    key
}

impl Storage {
    /// The lock held while browsers are linked to students and while a new resume code
    /// unlinks them.
    fn linking_devices(&self) -> MutexGuard<'_, ()> {
        self.device_links
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds a student to a class unless the nickname, or one that looks like it, is
    /// taken there, or the class is gone, as joined from the browser `device`. Returns
    /// once on disk.
    pub async fn add_student(&self, student: &Student, device: Token) -> Result<(), JoinError> {
        use sled::transaction::{ConflictableTransactionError, TransactionError};
        /// Why the transaction stopped.
        enum Refused {
            Taken(sled::IVec),
            NoClass,
            #[cfg(test)]
            Crashed,
        }
        let record = Self::student_record(student)?;
        let keys = nickname_keys(student.class, &student.nickname);
        let id = &student.id.as_bytes()[..];
        // One transaction: the nickname's keys, the student, the class's list, the
        // browser's link and the resume code are all written, or none is, so that a
        // crash half-way cannot leave a nickname reserved for no one. It reads the
        // class too, under the lock a class's deletion takes, so that a student cannot
        // join a class that is being deleted and be left behind without it.
        let outcome = {
            let _claiming = self.claiming_nicknames();
            (
                &self.classes,
                &self.class_nicknames,
                &self.students,
                &self.class_students,
                &self.student_devices,
                &self.learner_students,
                &self.resume_codes,
            )
                .transaction(
                    |(
                        classes,
                        nicknames,
                        students,
                        class_students,
                        devices,
                        learners,
                        resume_codes,
                    )| {
                        if classes.get(student.class.as_bytes())?.is_none() {
                            return Err(ConflictableTransactionError::Abort(Refused::NoClass));
                        }
                        for key in &keys {
                            match nicknames.get(key)? {
                                Some(holder) if holder.as_ref() != id => {
                                    return Err(ConflictableTransactionError::Abort(
                                        Refused::Taken(holder),
                                    ));
                                }
                                _ => {}
                            }
                        }
                        for key in &keys {
                            nicknames.insert(key.as_slice(), id)?;
                        }
                        #[cfg(test)]
                        if CRASH_WHILE_JOINING.get() {
                            return Err(ConflictableTransactionError::Abort(Refused::Crashed));
                        }
                        students.insert(id, record.as_slice())?;
                        class_students.insert(pair(student.class, student.id), &[])?;
                        devices.insert(pair(student.id, device), &[])?;
                        learners
                            .insert(pair(device, student.id), &student.learner.as_bytes()[..])?;
                        resume_codes.insert(resume_key(student.class, &student.resume), id)?;
                        Ok(())
                    },
                )
        };
        match outcome {
            Ok(()) => {}
            Err(TransactionError::Abort(Refused::Taken(holder))) => {
                let holder = token_at(&holder, "a nickname's key")?;
                return Err(JoinError::NicknameTaken(
                    self.nickname_of_student(holder, &student.nickname)?,
                ));
            }
            Err(TransactionError::Abort(Refused::NoClass)) => return Err(JoinError::NoSuchClass),
            #[cfg(test)]
            Err(TransactionError::Abort(Refused::Crashed)) => {
                return Err(StorageError::Corrupt("a student could not be added".into()).into());
            }
            Err(TransactionError::Storage(error)) => return Err(StorageError::from(error).into()),
        }
        self.flusher.flush().await?;
        Ok(())
    }

    /// Lets the browser `device` continue as `student`, found by the resume code it
    /// typed, unless that code has been replaced since (the check and the link happen
    /// under the lock a new resume code takes). Whether it was linked. Returns once on
    /// disk.
    pub async fn link_device(
        &self,
        student: &Student,
        device: Token,
    ) -> Result<bool, StorageError> {
        {
            let _linking = self.linking_devices();
            match self.student(student.id)? {
                Some(now) if now.resume == student.resume => self.link(&now, device)?,
                _ => return Ok(false),
            }
        }
        self.flusher.flush().await?;
        Ok(true)
    }

    /// Links `device` to `student`: the student's side first, so that a crash between
    /// the two writes leaves nothing a new resume code could not find.
    fn link(&self, student: &Student, device: Token) -> Result<(), StorageError> {
        self.student_devices.insert(pair(student.id, device), &[])?;
        self.learner_students
            .insert(pair(device, student.id), &student.learner.as_bytes()[..])?;
        Ok(())
    }

    /// The learner ids whose rounds the browser `device` may open as a student: one
    /// per student it is linked to. Read from the links alone (a link keeps the
    /// student's learner id; one made before 2026-12 is empty, and the student is read).
    pub fn learners_of_device(&self, device: Token) -> Result<Vec<Token>, StorageError> {
        let mut learners = Vec::new();
        for entry in self.learner_students.scan_prefix(device.as_bytes()) {
            let (key, value) = entry?;
            if value.len() == 16 {
                learners.push(token_at(&value, "learner_students")?);
            } else if let Some(student) = self.student(token_at(&key[16..], "learner_students")?)? {
                learners.push(student.learner);
            }
        }
        Ok(learners)
    }

    pub fn student(&self, id: Token) -> Result<Option<Student>, StorageError> {
        read_record::<StudentRecord, _>(&self.students, "student", id, |record, corrupt| {
            Ok(Student {
                id,
                class: Token::parse(&record.class).ok_or_else(|| corrupt("class"))?,
                nickname: Nickname::from_stored(&record.nickname)
                    .ok_or_else(|| corrupt("nickname"))?,
                learner: Token::parse(&record.learner).ok_or_else(|| corrupt("learner"))?,
                resume: ResumeCode::parse(&record.resume_code)
                    .ok_or_else(|| corrupt("resume code"))?,
                joined_at: record.joined_at,
            })
        })
    }

    /// The students of a class, in alphabetical order of nickname.
    pub fn students_of(&self, class: Token) -> Result<Vec<Student>, StorageError> {
        let mut students = records_under(&self.class_students, class, "class_students", |id| {
            self.student(id)
        })?;
        students.sort_by_key(|student| student.nickname.folded());
        Ok(students)
    }

    /// The students this browser's learner id is (one per class joined with it).
    pub fn students_of_learner(&self, learner: Token) -> Result<Vec<Student>, StorageError> {
        records_under(&self.learner_students, learner, "learner_students", |id| {
            self.student(id)
        })
    }

    /// The student of `class` whose resume code is `code`, if any.
    pub fn student_by_resume_code(
        &self,
        class: Token,
        code: &ResumeCode,
    ) -> Result<Option<Student>, StorageError> {
        match id_at(&self.resume_codes, resume_key(class, code), "resume_codes")? {
            Some(id) => self.student(id),
            None => Ok(None),
        }
    }

    fn write_student(&self, student: &Student) -> Result<(), StorageError> {
        let value = Self::student_record(student)?;
        self.students.insert(student.id.as_bytes(), value)?;
        Ok(())
    }

    fn student_record(student: &Student) -> Result<Vec<u8>, StorageError> {
        let record = StudentRecord {
            v: FORMAT_VERSION,
            class: student.class.to_string(),
            nickname: student.nickname.as_str().to_string(),
            learner: student.learner.to_string(),
            resume_code: student.resume.as_str().to_string(),
            joined_at: student.joined_at,
        };
        encode(&record)
    }

    /// Gives a student another nickname, unless a classmate has it or one that looks
    /// like it. Returns once on disk.
    pub async fn rename_student(
        &self,
        student: &Student,
        nickname: &Nickname,
    ) -> Result<Student, JoinError> {
        let renamed = {
            let _claiming = self.claiming_nicknames();
            let claimed =
                claim_nickname(&self.class_nicknames, student.class, nickname, student.id)?;
            if let Err(holder) = claimed {
                return Err(JoinError::NicknameTaken(
                    self.nickname_of_student(holder, nickname)?,
                ));
            }
            release_nickname(
                &self.class_nicknames,
                student.class,
                &student.nickname,
                student.id,
                &nickname_keys(student.class, nickname),
            )?;
            let renamed = Student {
                nickname: nickname.clone(),
                ..student.clone()
            };
            self.write_student(&renamed)?;
            renamed
        };
        self.flusher.flush().await?;
        Ok(renamed)
    }

    /// Replaces the resume code of the student `id`: the old one stops working, and every
    /// browser that joined or continued as the student is signed out. Their rounds and
    /// review cards move to the new learner id `learner`, so that not even a browser that
    /// held the old learner id as its cookie (before 2026-12) reaches them. It is one sled
    /// transaction, so a crash leaves either all of it or none; and it holds the lock
    /// that linking a browser holds, so no browser is linked half-way through. The
    /// student is read anew under the lock: two resets at once make two whole resets.
    /// `None` if the student is gone. Returns once on disk.
    pub async fn reset_resume_code(
        &self,
        id: Token,
        resume: ResumeCode,
        learner: Token,
    ) -> Result<Option<Student>, StorageError> {
        let updated = {
            let _linking = self.linking_devices();
            let Some(student) = self.student(id)? else {
                return Ok(None);
            };
            let devices: Vec<sled::IVec> = self
                .student_devices
                .scan_prefix(student.id.as_bytes())
                .keys()
                .collect::<Result<_, _>>()?;
            let moving = self.rounds_moved(student.learner, learner)?;
            let moving_reviews = self.reviews_moved(student.learner, learner)?;
            let updated = Student {
                resume,
                learner,
                ..student.clone()
            };
            let record = Self::student_record(&updated)?;
            let trees = [
                self.resume_codes.clone(),
                self.learner_students.clone(),
                self.student_devices.clone(),
                self.students.clone(),
                self.rounds.clone(),
                self.learner_rounds.clone(),
                self.reviews.clone(),
            ];
            trees
                .as_slice()
                .transaction(|trees| {
                    let [
                        resume_codes,
                        learner_students,
                        student_devices,
                        students,
                        rounds,
                        learner_rounds,
                        reviews,
                    ] = &trees[..]
                    else {
                        unreachable!("seven trees")
                    };
                    resume_codes.remove(resume_key(student.class, &student.resume))?;
                    resume_codes.insert(
                        resume_key(student.class, &updated.resume),
                        &student.id.as_bytes()[..],
                    )?;
                    for key in &devices {
                        if let Some(device) = key.get(16..) {
                            let mut link = device.to_vec();
                            link.extend_from_slice(student.id.as_bytes());
                            learner_students.remove(link)?;
                        }
                        student_devices.remove(key)?;
                    }
                    // A browser that joined before 2026-12 holds the learner id itself.
                    learner_students.remove(pair(student.learner, student.id))?;
                    for moved in &moving {
                        if let Some(record) = &moved.record {
                            rounds.insert(&moved.round[..], record.as_slice())?;
                        }
                        learner_rounds.insert(moved.to_key.as_slice(), &[])?;
                        learner_rounds.remove(&moved.from_key)?;
                    }
                    for moved in &moving_reviews {
                        reviews.insert(moved.to_key.as_slice(), &moved.value)?;
                        reviews.remove(&moved.from_key)?;
                    }
                    students.insert(student.id.as_bytes(), record.as_slice())?;
                    Ok::<_, sled::transaction::ConflictableTransactionError<()>>(())
                })
                .map_err(|error| match error {
                    sled::transaction::TransactionError::Storage(error) => {
                        StorageError::from(error)
                    }
                    sled::transaction::TransactionError::Abort(()) => {
                        StorageError::Corrupt("a new resume code could not be stored".into())
                    }
                })?;
            self.forget_rounds(&moving);
            updated
        };
        self.flusher.flush().await?;
        Ok(Some(updated))
    }

    /// Adds a student to `removals` with every round and answer they gave, their review
    /// cards, their claims on the `assignments` of their class, the links of every
    /// browser that joined or continued as them, their nickname (the keys that are still
    /// theirs) and their resume code.
    fn student_to_remove<'a>(
        &'a self,
        student: &Student,
        assignments: &[Assignment],
        removals: &mut Removals<'a>,
    ) -> Result<(), StorageError> {
        self.rounds_to_remove(student.learner, removals)?;
        self.reviews_to_remove(student.learner, removals)?;
        for assignment in assignments {
            removals.remove(&self.assignment_rounds, pair(assignment.id, student.id));
        }
        for device in ids_under(&self.student_devices, student.id, "student_devices")? {
            removals.remove(&self.learner_students, pair(device, student.id));
            removals.remove(&self.student_devices, pair(student.id, device));
        }
        // A browser that joined before 2026-12 holds the student's learner id itself.
        removals.remove(&self.learner_students, pair(student.learner, student.id));
        removals.remove(&self.class_students, pair(student.class, student.id));
        for key in nickname_keys(student.class, &student.nickname) {
            removals.remove_if_held(&self.class_nicknames, key, student.id.as_bytes());
        }
        removals.remove(
            &self.resume_codes,
            resume_key(student.class, &student.resume),
        );
        removals.remove(&self.students, student.id.as_bytes());
        Ok(())
    }

    /// Deletes a student with all their answers and review cards, in one sled
    /// transaction. Returns once it is gone from disk.
    pub async fn delete_student(&self, student: &Student) -> Result<(), StorageError> {
        let mut removals = Removals::default();
        let assignments = self.assignments_of(student.class)?;
        self.student_to_remove(student, &assignments, &mut removals)?;
        self.remove_all(removals)?;
        self.flusher.flush().await?;
        Ok(())
    }

    /// The nickname of the student `id`, who holds a key another asked for; `asked` if
    /// that student cannot be read (a key left without its student).
    fn nickname_of_student(&self, id: Token, asked: &Nickname) -> Result<Nickname, StorageError> {
        Ok(self
            .student(id)?
            .map_or_else(|| asked.clone(), |student| student.nickname))
    }

    /// The students of every class, in the order of their classes' lists (for the
    /// migration to format 3, which rebuilds `class_nicknames` from them).
    pub(super) fn every_student(&self) -> Result<Vec<Student>, StorageError> {
        let mut students = Vec::new();
        for key in self.class_students.iter().keys() {
            if let Some(student) = self.student(token_at(&key?[16..], "class_students")?)? {
                students.push(student);
            }
        }
        Ok(students)
    }

    /// Deletes a class with everything in it, in one sled transaction: its students,
    /// their nicknames, browsers' links and resume codes, every round, answer and review
    /// card of theirs, and its assignments. A crash half-way leaves the class whole.
    /// Returns once it is gone from disk.
    ///
    /// Joins wait while it reads the students and removes them (it holds the lock a
    /// join holds), and a join after it finds no class: no student is left behind.
    pub async fn delete_class_and_students(&self, class: &Class) -> Result<(), StorageError> {
        {
            let _claiming = self.claiming_nicknames();
            let mut removals = Removals::default();
            let assignments = self.assignments_of(class.id)?;
            for student in self.students_of(class.id)? {
                self.student_to_remove(&student, &assignments, &mut removals)?;
            }
            self.assignments_to_remove(class.id, &assignments, &mut removals)?;
            self.class_to_remove(class, &mut removals);
            self.remove_all(removals)?;
        }
        self.flusher.flush().await?;
        Ok(())
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A student about to join `class` as `nickname`.
    pub(in crate::storage) fn newcomer(class: Token, nickname: &str) -> Student {
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

    /// A newcomer joins `class` as `nickname`, from a browser of their own.
    pub(in crate::storage) async fn join(
        storage: &Storage,
        class: Token,
        nickname: &str,
    ) -> Result<(), JoinError> {
        let device = Token::random(&mut rand::rng());
        storage
            .add_student(&newcomer(class, nickname), device)
            .await
    }

    /// A new data directory, with the number of records it starts with.
    /// A new store in a temporary folder, and its count of records when empty.
    pub(in crate::storage) async fn empty_storage() -> (tempfile::TempDir, Storage, usize) {
        let folder = tempfile::tempdir().unwrap();
        let storage = Storage::open(folder.path()).unwrap();
        storage.flush().await.unwrap();
        let empty = storage.record_count().unwrap();
        (folder, storage, empty)
    }

    /// A new class, stored.
    pub(in crate::storage) async fn new_class(storage: &Storage) -> Class {
        use crate::classes::{ClassName, JoinCode};
        let mut rng = rand::rng();
        let class = Class {
            id: Token::random(&mut rng),
            teacher: Token::random(&mut rng),
            name: ClassName::parse("Year 9").unwrap(),
            description: String::new(),
            code: JoinCode::random(&mut rng),
            locked: false,
            archived: false,
            created_at: 1,
        };
        storage
            .create_class(class, || JoinCode::random(&mut rand::rng()))
            .await
            .unwrap()
    }

    /// The nickname that refused a join.
    pub(in crate::storage) fn taken_by(outcome: Result<(), JoinError>) -> String {
        match outcome {
            Err(JoinError::NicknameTaken(existing)) => existing.as_str().to_string(),
            other => panic!("not refused: {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_crash_while_a_student_joins_leaves_their_nickname_free() {
        let folder = tempfile::tempdir().unwrap();
        let storage = crate::storage::Storage::open(folder.path()).unwrap();
        let class = new_class(&storage).await.id;
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

    #[tokio::test]
    async fn no_one_joins_a_class_deleted_after_its_code_was_checked() {
        let (_folder, storage, empty) = empty_storage().await;
        // The join form found the class by its code; then the teacher deleted it.
        let class = new_class(&storage).await;
        storage.delete_class_and_students(&class).await.unwrap();
        let late = newcomer(class.id, "Maya");
        let outcome = storage
            .add_student(&late, Token::random(&mut rand::rng()))
            .await;
        assert!(
            matches!(outcome, Err(JoinError::NoSuchClass)),
            "{outcome:?}"
        );
        assert!(storage.student(late.id).unwrap().is_none());
        assert_eq!(
            storage.record_count().unwrap(),
            empty,
            "nothing of the class or the late student is left"
        );
    }

    #[tokio::test]
    async fn a_crash_while_a_class_is_deleted_leaves_all_of_it() {
        use crate::assignments::{Assignment, DueZone, FeedbackTiming, Questions};
        use crate::content::Skill;
        use crate::practice::{Answer, Focus, Round};
        let (_folder, storage, empty) = empty_storage().await;
        let mut rng = rand::rng();
        let class = new_class(&storage).await;
        let assignment = Assignment {
            id: Token::random(&mut rng),
            class: class.id,
            pack_id: "pack".into(),
            focus: Focus::all(),
            length: Some(1),
            deadline: None,
            feedback: FeedbackTiming::Immediate,
            created_at: 2,
            title: None,
            questions: Questions::EachTheirOwn,
            due_zone: DueZone::utc(),
            pair: None,
        };
        storage.create_assignment(&assignment).await.unwrap();
        let device = Token::random(&mut rng);
        let mut students = Vec::new();
        for nickname in ["Maya", "Ravi", "Sol"] {
            let student = newcomer(class.id, nickname);
            storage.add_student(&student, device).await.unwrap();
            let round = Round {
                id: Token::random(&mut rng),
                learner: student.learner,
                pack_id: "pack".into(),
                focus: Focus::all(),
                seed: 1,
                exercise_ids: vec!["a".to_string()].into(),
                created_at: 3,
                answers: vec![None],
                assignment: Some(assignment.id),
                review: false,
            };
            storage
                .start_assignment_round(assignment.id, student.id, &round)
                .await
                .unwrap();
            let answer = Answer {
                exercise_id: "a".into(),
                skill: Skill::Source,
                choice: "x".into(),
                correct: true,
                answered_at: 4,
                confidence: None,
                fingerprint: None,
            };
            storage.record_answer(round.id, 0, &answer).await.unwrap();
            // Read once, so that the round is in the cache of rounds in progress.
            assert!(storage.round(round.id).unwrap().is_some());
            students.push((student, round.id));
        }
        let whole = storage.record_count().unwrap();

        crate::storage::CRASH_WHILE_REMOVING.set(true);
        let outcome = storage.delete_class_and_students(&class).await;
        crate::storage::CRASH_WHILE_REMOVING.set(false);
        assert!(outcome.is_err(), "the delete did not complete");
        // Nothing of the half-done delete shows: the class is whole.
        assert_eq!(storage.record_count().unwrap(), whole);
        assert!(storage.class_by_code(&class.code).unwrap().is_some());
        assert_eq!(storage.classes_of(class.teacher).unwrap().len(), 1);
        assert_eq!(storage.students_of(class.id).unwrap().len(), 3);
        assert_eq!(storage.assignments_of(class.id).unwrap().len(), 1);
        assert_eq!(storage.learners_of_device(device).unwrap().len(), 3);
        for (student, round) in &students {
            let started = storage
                .assignment_round(assignment.id, student.id)
                .unwrap()
                .expect("the student's round stays");
            assert_eq!(started.id, *round);
            assert!(started.answers[0].is_some(), "and its answer");
            assert!(
                storage
                    .student_by_resume_code(class.id, &student.resume)
                    .unwrap()
                    .is_some()
            );
            let again = join(&storage, class.id, student.nickname.as_str()).await;
            assert_eq!(taken_by(again), student.nickname.as_str());
        }

        storage.delete_class_and_students(&class).await.unwrap();
        assert_eq!(
            storage.record_count().unwrap(),
            empty,
            "every record of the class is gone"
        );
        for (_, round) in &students {
            assert!(
                storage.round(*round).unwrap().is_none(),
                "not kept in the cache either"
            );
        }
    }
}
