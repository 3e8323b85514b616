//! Teacher accounts and their sign-in sessions.
//!
//! Layout:
//! - `teachers`: teacher id (16 bytes) → a teacher record (JSON).
//! - `teacher_usernames`: username (lower case) → teacher id; written with
//!   compare-and-swap, so two sign-ups cannot take one username.
//! - `teacher_sessions`: SHA-256 of the session token → a session record (JSON). Only
//!   the digest is stored: a copy of the data directory holds no usable session.
//! - `meta`: `cookie_key` → the 64-byte key that signs cookies, made at first start so
//!   that sessions survive a restart.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{FORMAT_VERSION, Storage, StorageError, claim, decode, encode, id_at, read_record};
use crate::accounts::{DisplayName, Teacher, TeacherSession, Username};
use crate::ids::Token;

/// Why a teacher could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateTeacherError {
    #[error("the username is taken")]
    UsernameTaken,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Serialize, Deserialize)]
struct TeacherRecord {
    v: u32,
    username: String,
    display_name: String,
    password_hash: String,
    created_at: u64,
}

#[derive(Serialize, Deserialize)]
struct SignInRecord {
    v: u32,
    teacher: String,
    csrf: String,
    expires_at: u64,
}

fn session_key(token: Token) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl Storage {
    /// The key that signs cookies: read from the data directory, or made and stored on
    /// first use.
    pub fn cookie_key(&self, fresh: impl FnOnce() -> [u8; 64]) -> Result<Vec<u8>, StorageError> {
        let meta = self.db.open_tree("meta")?;
        if let Some(key) = meta.get("cookie_key")? {
            return Ok(key.to_vec());
        }
        let key = fresh();
        // Another process cannot hold the directory, but be exact anyway: the first key
        // written is the key.
        let _ = meta.compare_and_swap("cookie_key", None as Option<&[u8]>, Some(&key[..]))?;
        self.db.flush()?;
        Ok(meta
            .get("cookie_key")?
            .map(|key| key.to_vec())
            .unwrap_or_else(|| key.to_vec()))
    }

    /// Stores a new teacher, unless the username is taken; returns once it is on disk.
    pub async fn create_teacher(&self, teacher: &Teacher) -> Result<(), CreateTeacherError> {
        if !claim(
            &self.teacher_usernames,
            teacher.username.as_str(),
            teacher.id,
        )? {
            return Err(CreateTeacherError::UsernameTaken);
        }
        self.write_teacher(teacher)?;
        self.flusher.flush().await?;
        Ok(())
    }

    fn write_teacher(&self, teacher: &Teacher) -> Result<(), StorageError> {
        let record = TeacherRecord {
            v: FORMAT_VERSION,
            username: teacher.username.to_string(),
            display_name: teacher.display_name.as_str().to_string(),
            password_hash: teacher.password_hash.clone(),
            created_at: teacher.created_at,
        };
        self.teachers
            .insert(teacher.id.as_bytes(), encode(&record)?)?;
        Ok(())
    }

    pub fn teacher(&self, id: Token) -> Result<Option<Teacher>, StorageError> {
        read_record::<TeacherRecord, _>(&self.teachers, "teacher", id, |record, corrupt| {
            Ok(Teacher {
                id,
                username: Username::parse(&record.username).map_err(|_| corrupt("username"))?,
                display_name: DisplayName::parse(&record.display_name)
                    .map_err(|_| corrupt("display name"))?,
                password_hash: record.password_hash,
                created_at: record.created_at,
            })
        })
    }

    pub fn teacher_by_username(
        &self,
        username: &Username,
    ) -> Result<Option<Teacher>, StorageError> {
        match id_at(
            &self.teacher_usernames,
            username.as_str(),
            "teacher_usernames",
        )? {
            Some(id) => self.teacher(id),
            None => Ok(None),
        }
    }

    /// Replaces a teacher's password hash and signs out every session of theirs but
    /// `keep` (the browser that changed it, if any). Returns once it is on disk.
    pub async fn set_password_hash(
        &self,
        teacher: Token,
        password_hash: String,
        keep: Option<Token>,
    ) -> Result<(), StorageError> {
        let Some(mut record) = self.teacher(teacher)? else {
            return Err(StorageError::Corrupt(format!("no teacher {teacher}")));
        };
        record.password_hash = password_hash;
        self.write_teacher(&record)?;
        let keep = keep.map(session_key);
        for entry in self.teacher_sessions.iter() {
            let (key, value) = entry?;
            let session: SignInRecord = decode(&value)?;
            if session.teacher == teacher.to_string()
                && Some(key.as_ref()) != keep.as_ref().map(|k| &k[..])
            {
                self.teacher_sessions.remove(key)?;
            }
        }
        self.flusher.flush().await?;
        Ok(())
    }

    pub async fn create_session(
        &self,
        token: Token,
        session: &TeacherSession,
    ) -> Result<(), StorageError> {
        let record = SignInRecord {
            v: FORMAT_VERSION,
            teacher: session.teacher.to_string(),
            csrf: session.csrf.to_string(),
            expires_at: session.expires_at,
        };
        self.teacher_sessions
            .insert(session_key(token), encode(&record)?)?;
        self.flusher.flush().await?;
        Ok(())
    }

    /// The session for `token`, if there is one and it has not expired at `now`.
    pub fn session(&self, token: Token, now: u64) -> Result<Option<TeacherSession>, StorageError> {
        let key = session_key(token);
        let Some(value) = self.teacher_sessions.get(key)? else {
            return Ok(None);
        };
        let record: SignInRecord = decode(&value)?;
        if record.expires_at <= now {
            self.teacher_sessions.remove(key)?;
            return Ok(None);
        }
        let parse = |text: &str| {
            Token::parse(text).ok_or_else(|| StorageError::Corrupt("a session record".into()))
        };
        Ok(Some(TeacherSession {
            teacher: parse(&record.teacher)?,
            csrf: parse(&record.csrf)?,
            expires_at: record.expires_at,
        }))
    }

    /// Ends a session (sign-out); returns once it is gone from disk.
    pub async fn delete_session(&self, token: Token) -> Result<(), StorageError> {
        self.teacher_sessions.remove(session_key(token))?;
        self.flusher.flush().await?;
        Ok(())
    }
}
