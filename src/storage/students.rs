//! Students: a nickname in a class, the learner id their answers are kept under, and a
//! resume code to continue on another device.
//!
//! Layout:
//! - `students`: student id (16) → a student record (JSON).
//! - `class_students`: class id (16) + student id (16) → empty.
//! - `class_nicknames`: class id (16) + nickname in lower case → student id; written
//!   with compare-and-swap, so two students cannot take one nickname in a class.
//! - `learner_students`: browser id (16) + student id (16) → empty: the students a
//!   browser has joined or continued as. The browser id is the browser's own learner id
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

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{FORMAT_VERSION, Storage, StorageError, decode, encode, pair};
use crate::classes::{Nickname, ResumeCode};
use crate::practice::Token;
use crate::storage::classes::Class;

#[derive(Debug, Clone)]
pub struct Student {
    pub id: Token,
    pub class: Token,
    pub nickname: Nickname,
    pub learner: Token,
    /// Shown on the student's page so that they can continue on another device.
    pub resume: ResumeCode,
    pub joined_at: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error("the nickname is taken in this class")]
    NicknameTaken,
    #[error(transparent)]
    Storage(#[from] StorageError),
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

/// The key of a nickname in a group (a class, a live session): the group's id and the
/// nickname in lower case.
pub(super) fn nickname_key(group: Token, nickname: &Nickname) -> Vec<u8> {
    let mut key = group.as_bytes().to_vec();
    key.extend_from_slice(nickname.folded().as_bytes());
    key
}

fn resume_key(class: Token, code: &ResumeCode) -> Vec<u8> {
    let mut key = class.as_bytes().to_vec();
    key.extend_from_slice(&Sha256::digest(code.as_str().as_bytes()));
    key
}

pub(super) fn token_at(bytes: &[u8], what: &str) -> Result<Token, StorageError> {
    let id: [u8; 16] = bytes
        .try_into()
        .map_err(|_| StorageError::Corrupt(format!("an id in {what}")))?;
    Ok(Token::from_bytes(id))
}

impl Storage {
    /// Adds a student to a class unless the nickname is taken there, as joined from the
    /// browser `device`. Returns once on disk.
    pub async fn add_student(&self, student: &Student, device: Token) -> Result<(), JoinError> {
        let resume = &student.resume;
        let claimed = self
            .class_nicknames
            .compare_and_swap(
                nickname_key(student.class, &student.nickname),
                None as Option<&[u8]>,
                Some(&student.id.as_bytes()[..]),
            )
            .map_err(StorageError::from)?;
        if claimed.is_err() {
            return Err(JoinError::NicknameTaken);
        }
        self.write_student(student)?;
        self.class_students
            .insert(pair(student.class, student.id), &[])
            .map_err(StorageError::from)?;
        self.link(student, device)?;
        self.resume_codes
            .insert(
                resume_key(student.class, resume),
                &student.id.as_bytes()[..],
            )
            .map_err(StorageError::from)?;
        self.flusher.flush().await?;
        Ok(())
    }

    /// Lets the browser `device` continue as `student` (a resume code typed on it).
    /// Returns once on disk.
    pub async fn link_device(&self, student: &Student, device: Token) -> Result<(), StorageError> {
        self.link(student, device)?;
        self.flusher.flush().await
    }

    fn link(&self, student: &Student, device: Token) -> Result<(), StorageError> {
        self.learner_students
            .insert(pair(device, student.id), &[])?;
        self.student_devices.insert(pair(student.id, device), &[])?;
        Ok(())
    }

    /// Signs every browser out of `student` (not flushed).
    fn unlink_devices(&self, student: &Student) -> Result<(), StorageError> {
        let keys: Vec<sled::IVec> = self
            .student_devices
            .scan_prefix(student.id.as_bytes())
            .keys()
            .collect::<Result<_, _>>()?;
        for key in keys {
            let device = token_at(&key[16..], "student_devices")?;
            self.learner_students.remove(pair(device, student.id))?;
            self.student_devices.remove(key)?;
        }
        // A browser that joined before 2026-12 holds the student's learner id itself.
        self.learner_students
            .remove(pair(student.learner, student.id))?;
        Ok(())
    }

    pub fn student(&self, id: Token) -> Result<Option<Student>, StorageError> {
        let Some(value) = self.students.get(id.as_bytes())? else {
            return Ok(None);
        };
        let record: StudentRecord = decode(&value)?;
        let corrupt = |what: &str| StorageError::Corrupt(format!("student {id}: {what}"));
        Ok(Some(Student {
            id,
            class: Token::parse(&record.class).ok_or_else(|| corrupt("class"))?,
            nickname: Nickname::parse(&record.nickname).map_err(|_| corrupt("nickname"))?,
            learner: Token::parse(&record.learner).ok_or_else(|| corrupt("learner"))?,
            resume: ResumeCode::parse(&record.resume_code).ok_or_else(|| corrupt("resume code"))?,
            joined_at: record.joined_at,
        }))
    }

    /// The students of a class, in alphabetical order of nickname.
    pub fn students_of(&self, class: Token) -> Result<Vec<Student>, StorageError> {
        let mut students = Vec::new();
        for entry in self.class_students.scan_prefix(class.as_bytes()) {
            let (key, _) = entry?;
            if let Some(student) = self.student(token_at(&key[16..], "class_students")?)? {
                students.push(student);
            }
        }
        students.sort_by_key(|student| student.nickname.folded());
        Ok(students)
    }

    /// The students this browser's learner id is (one per class joined with it).
    pub fn students_of_learner(&self, learner: Token) -> Result<Vec<Student>, StorageError> {
        let mut students = Vec::new();
        for entry in self.learner_students.scan_prefix(learner.as_bytes()) {
            let (key, _) = entry?;
            if let Some(student) = self.student(token_at(&key[16..], "learner_students")?)? {
                students.push(student);
            }
        }
        Ok(students)
    }

    /// The student of `class` whose resume code is `code`, if any.
    pub fn student_by_resume_code(
        &self,
        class: Token,
        code: &ResumeCode,
    ) -> Result<Option<Student>, StorageError> {
        match self.resume_codes.get(resume_key(class, code))? {
            Some(id) => self.student(token_at(&id, "resume_codes")?),
            None => Ok(None),
        }
    }

    fn write_student(&self, student: &Student) -> Result<(), StorageError> {
        let record = StudentRecord {
            v: FORMAT_VERSION,
            class: student.class.to_string(),
            nickname: student.nickname.as_str().to_string(),
            learner: student.learner.to_string(),
            resume_code: student.resume.as_str().to_string(),
            joined_at: student.joined_at,
        };
        let value = encode(&record)?;
        self.students.insert(student.id.as_bytes(), value)?;
        Ok(())
    }

    /// Gives a student another nickname, unless a classmate has it. Returns once on disk.
    pub async fn rename_student(
        &self,
        student: &Student,
        nickname: Nickname,
    ) -> Result<Student, JoinError> {
        let same_name = nickname.folded() == student.nickname.folded();
        if !same_name {
            let claimed = self
                .class_nicknames
                .compare_and_swap(
                    nickname_key(student.class, &nickname),
                    None as Option<&[u8]>,
                    Some(&student.id.as_bytes()[..]),
                )
                .map_err(StorageError::from)?;
            if claimed.is_err() {
                return Err(JoinError::NicknameTaken);
            }
            self.class_nicknames
                .remove(nickname_key(student.class, &student.nickname))
                .map_err(StorageError::from)?;
        }
        let renamed = Student {
            nickname,
            ..student.clone()
        };
        self.write_student(&renamed)?;
        self.flusher.flush().await?;
        Ok(renamed)
    }

    /// Replaces a student's resume code: the old one stops working, and every browser
    /// that joined or continued as the student is signed out. Their rounds move to the
    /// new learner id `learner`, so that not even a browser that held the old learner id
    /// as its cookie (before 2026-12) reaches them. Returns once on disk.
    pub async fn reset_resume_code(
        &self,
        student: &Student,
        resume: ResumeCode,
        learner: Token,
    ) -> Result<Student, StorageError> {
        self.resume_codes
            .remove(resume_key(student.class, &student.resume))?;
        self.resume_codes.insert(
            resume_key(student.class, &resume),
            &student.id.as_bytes()[..],
        )?;
        self.unlink_devices(student)?;
        self.move_rounds(student.learner, learner)?;
        let updated = Student {
            resume,
            learner,
            ..student.clone()
        };
        self.write_student(&updated)?;
        self.flusher.flush().await?;
        Ok(updated)
    }

    /// Removes a student from their class with every round and answer they gave
    /// (not flushed).
    fn remove_student(&self, student: &Student) -> Result<(), StorageError> {
        self.delete_rounds_of(student.learner)?;
        self.remove_assignment_rounds_of(student.class, student.id)?;
        self.unlink_devices(student)?;
        self.class_students
            .remove(pair(student.class, student.id))?;
        self.class_nicknames
            .remove(nickname_key(student.class, &student.nickname))?;
        self.resume_codes
            .remove(resume_key(student.class, &student.resume))?;
        self.students.remove(student.id.as_bytes())?;
        Ok(())
    }

    /// Deletes a student and all their answers. Returns once it is gone from disk.
    pub async fn delete_student(&self, student: &Student) -> Result<(), StorageError> {
        self.remove_student(student)?;
        self.flusher.flush().await?;
        Ok(())
    }

    /// Deletes a class with everything in it: its students, their nicknames and resume
    /// codes, and every round and answer they gave. Returns once it is gone from disk.
    pub async fn delete_class_and_students(&self, class: &Class) -> Result<(), StorageError> {
        for student in self.students_of(class.id)? {
            self.remove_student(&student)?;
        }
        self.remove_assignments_of(class.id)?;
        self.delete_class(class).await
    }
}
