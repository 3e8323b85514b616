//! Classes and their join codes.
//!
//! Layout:
//! - `classes`: class id (16 bytes) → a class record (JSON).
//! - `class_codes`: join code (6 ASCII bytes) → class id; written with compare-and-swap,
//!   so two classes never share a code.
//! - `teacher_classes`: teacher id (16) + class id (16) → empty: a teacher's classes.

use serde::{Deserialize, Serialize};

use super::{
    FORMAT_VERSION, Removals, Storage, StorageError, claim, encode, id_at, pair, read_record,
    records_under,
};
use crate::classes::{Class, ClassName, JoinCode};
use crate::ids::Token;

#[derive(Serialize, Deserialize)]
struct ClassRecord {
    v: u32,
    teacher: String,
    name: String,
    description: String,
    code: String,
    locked: bool,
    archived: bool,
    created_at: u64,
}

impl Storage {
    /// Stores a new class. `code` is asked for join codes until one is free; returns the
    /// class as stored, once it is on disk.
    pub async fn create_class(
        &self,
        mut class: Class,
        code: impl FnMut() -> JoinCode,
    ) -> Result<Class, StorageError> {
        class.code = claim_code(&self.class_codes, class.code, class.id, code)?;
        self.write_class(&class)?;
        self.teacher_classes
            .insert(pair(class.teacher, class.id), &[])?;
        self.flusher.flush().await?;
        Ok(class)
    }

    fn write_class(&self, class: &Class) -> Result<(), StorageError> {
        let record = ClassRecord {
            v: FORMAT_VERSION,
            teacher: class.teacher.to_string(),
            name: class.name.as_str().to_string(),
            description: class.description.clone(),
            code: class.code.as_str().to_string(),
            locked: class.locked,
            archived: class.archived,
            created_at: class.created_at,
        };
        let value = encode(&record)?;
        self.classes.insert(class.id.as_bytes(), value)?;
        Ok(())
    }

    pub fn class(&self, id: Token) -> Result<Option<Class>, StorageError> {
        read_record::<ClassRecord, _>(&self.classes, "class", id, |record, corrupt| {
            Ok(Class {
                id,
                teacher: Token::parse(&record.teacher).ok_or_else(|| corrupt("teacher"))?,
                name: ClassName::parse(&record.name).map_err(|_| corrupt("name"))?,
                description: record.description,
                code: JoinCode::parse(&record.code).ok_or_else(|| corrupt("join code"))?,
                locked: record.locked,
                archived: record.archived,
                created_at: record.created_at,
            })
        })
    }

    /// The class with this join code, if any.
    pub fn class_by_code(&self, code: &JoinCode) -> Result<Option<Class>, StorageError> {
        match id_at(&self.class_codes, code.as_str(), "class_codes")? {
            Some(id) => self.class(id),
            None => Ok(None),
        }
    }

    /// A teacher's classes, newest first.
    pub fn classes_of(&self, teacher: Token) -> Result<Vec<Class>, StorageError> {
        let mut classes = records_under(&self.teacher_classes, teacher, "teacher_classes", |id| {
            self.class(id)
        })?;
        classes.sort_by(|a, b| {
            b.created_at
                .cmp(&a.created_at)
                .then(a.name.as_str().cmp(b.name.as_str()))
        });
        Ok(classes)
    }

    /// Saves a changed class (name, description, locked, archived); the code and the
    /// teacher never change. Returns once it is on disk.
    pub async fn update_class(&self, class: &Class) -> Result<(), StorageError> {
        self.write_class(class)?;
        self.flusher.flush().await?;
        Ok(())
    }

    /// Adds a class, its join code and its place in its teacher's list to `removals`.
    pub(super) fn class_to_remove<'a>(&'a self, class: &Class, removals: &mut Removals<'a>) {
        removals.remove(&self.classes, class.id.as_bytes());
        removals.remove(&self.class_codes, class.code.as_str());
        removals.remove(&self.teacher_classes, pair(class.teacher, class.id));
    }
}

/// Claims a join code in `tree` for `id`: `code` if it is free, else the first free one
/// that `fresh` makes. Returns the code claimed.
pub(super) fn claim_code(
    tree: &sled::Tree,
    mut code: JoinCode,
    id: Token,
    mut fresh: impl FnMut() -> JoinCode,
) -> Result<JoinCode, StorageError> {
    while !claim(tree, code.as_str(), id)? {
        code = fresh();
    }
    Ok(code)
}
