//! Teachers' own lesson packs (see [`crate::teacher_packs`]).
//!
//! Layout:
//! - `packs`: pack record id (16 bytes) → a pack record (JSON), which holds the pack's
//!   files whole.
//! - `teacher_packs`: teacher id (16) + pack record id (16) → empty: a teacher's packs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{FORMAT_VERSION, Removals, Storage, StorageError, decode, encode, pair, records_under};
use crate::content::load::PackFiles;
use crate::ids::Token;
use crate::teacher_packs::{ExerciseVersion, TeacherPack, folder_of};

#[derive(Serialize, Deserialize)]
struct PackRecord {
    v: u32,
    teacher: String,
    pack_id: String,
    /// Each file's text by its path in the pack's folder.
    files: BTreeMap<String, String>,
    published: bool,
    created_at: u64,
    updated_at: u64,
    /// The files last served, while `files` have problems.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    served: Option<BTreeMap<String, String>>,
    #[serde(default)]
    versions: Vec<VersionRecord>,
}

#[derive(Serialize, Deserialize)]
struct VersionRecord {
    exercise: String,
    number: u32,
    fingerprint: u64,
    since: u64,
}

fn file_map(files: &PackFiles) -> BTreeMap<String, String> {
    files
        .files()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect()
}

fn pack_files(pack_id: &str, map: BTreeMap<String, String>) -> PackFiles {
    let mut files = PackFiles::new(folder_of(pack_id));
    for (name, text) in map {
        files.insert(name, text);
    }
    files
}

impl PackRecord {
    fn of(pack: &TeacherPack) -> PackRecord {
        PackRecord {
            v: FORMAT_VERSION,
            teacher: pack.teacher.to_string(),
            pack_id: pack.pack_id.clone(),
            files: file_map(&pack.files),
            published: pack.published,
            created_at: pack.created_at,
            updated_at: pack.updated_at,
            served: pack.served.as_ref().map(file_map),
            versions: pack
                .versions
                .iter()
                .map(|version| VersionRecord {
                    exercise: version.exercise.clone(),
                    number: version.number,
                    fingerprint: version.fingerprint,
                    since: version.since,
                })
                .collect(),
        }
    }

    fn into_pack(self, id: Token) -> Result<TeacherPack, StorageError> {
        let teacher = Token::parse(&self.teacher)
            .ok_or_else(|| StorageError::Corrupt(format!("pack {id}: teacher")))?;
        Ok(TeacherPack {
            id,
            teacher,
            files: pack_files(&self.pack_id, self.files),
            served: self.served.map(|served| pack_files(&self.pack_id, served)),
            pack_id: self.pack_id,
            published: self.published,
            created_at: self.created_at,
            updated_at: self.updated_at,
            versions: self
                .versions
                .into_iter()
                .map(|version| ExerciseVersion {
                    exercise: version.exercise,
                    number: version.number,
                    fingerprint: version.fingerprint,
                    since: version.since,
                })
                .collect(),
        })
    }
}

impl Storage {
    /// Stores a teacher's pack, new or changed; returns once it is on disk.
    pub async fn save_teacher_pack(&self, pack: &TeacherPack) -> Result<(), StorageError> {
        use sled::Transactional;
        let value = encode(&PackRecord::of(pack))?;
        let index = pair(pack.teacher, pack.id);
        (&self.packs, &self.teacher_packs)
            .transaction(|(packs, teacher_packs)| {
                packs.insert(&pack.id.as_bytes()[..], value.as_slice())?;
                teacher_packs.insert(index.as_slice(), &[][..])?;
                Ok::<(), sled::transaction::ConflictableTransactionError<()>>(())
            })
            .map_err(|error| StorageError::Flush(format!("storing a pack failed: {error:?}")))?;
        self.flusher.flush().await?;
        Ok(())
    }

    /// The teacher's pack stored under `id`, if there is one.
    pub fn teacher_pack(&self, id: Token) -> Result<Option<TeacherPack>, StorageError> {
        match self.packs.get(id.as_bytes())? {
            Some(value) => decode::<PackRecord>(&value)?.into_pack(id).map(Some),
            None => Ok(None),
        }
    }

    /// A teacher's packs, newest first.
    pub fn teacher_packs_of(&self, teacher: Token) -> Result<Vec<TeacherPack>, StorageError> {
        let mut packs = records_under(&self.teacher_packs, teacher, "teacher_packs", |id| {
            self.teacher_pack(id)
        })?;
        packs.sort_by(|a, b| {
            b.created_at
                .cmp(&a.created_at)
                .then(a.pack_id.cmp(&b.pack_id))
        });
        Ok(packs)
    }

    /// Every teacher's packs, for the server to check and serve when it starts.
    pub fn all_teacher_packs(&self) -> Result<Vec<TeacherPack>, StorageError> {
        self.packs
            .iter()
            .map(|entry| {
                let (key, value) = entry?;
                let id = super::token_at(&key, "packs")?;
                decode::<PackRecord>(&value)?.into_pack(id)
            })
            .collect()
    }

    /// Deletes a teacher's pack; returns once that is on disk.
    pub async fn delete_teacher_pack(&self, pack: &TeacherPack) -> Result<(), StorageError> {
        let mut removals = Removals::default();
        removals.remove(&self.packs, pack.id.as_bytes());
        removals.remove(&self.teacher_packs, pair(pack.teacher, pack.id));
        self.remove_all(removals)?;
        self.flusher.flush().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::students::tests::empty_storage;

    fn pack(teacher: Token, pack_id: &str, created_at: u64) -> TeacherPack {
        let mut files = PackFiles::new(folder_of(pack_id));
        files.insert("pack.toml", format!("id = \"{pack_id}\"\n"));
        files.insert("sources/a.txt", "+++\n+++\nÉté, “quotes”.\n");
        TeacherPack {
            id: Token::random(&mut rand::rng()),
            teacher,
            pack_id: pack_id.to_string(),
            files,
            published: false,
            created_at,
            updated_at: created_at,
            served: None,
            versions: Vec::new(),
        }
    }

    #[actix_web::test]
    async fn a_pack_is_stored_listed_changed_and_deleted() {
        let (_folder, storage, empty) = empty_storage().await;
        let teacher = Token::random(&mut rand::rng());
        let other = Token::random(&mut rand::rng());
        let older = pack(teacher, "older", 1);
        let mut newer = pack(teacher, "newer", 2);
        let theirs = pack(other, "older", 3);
        for pack in [&older, &newer, &theirs] {
            storage.save_teacher_pack(pack).await.unwrap();
        }
        assert_eq!(storage.teacher_pack(older.id).unwrap(), Some(older.clone()));
        let mine: Vec<String> = storage
            .teacher_packs_of(teacher)
            .unwrap()
            .into_iter()
            .map(|pack| pack.pack_id)
            .collect();
        assert_eq!(mine, ["newer", "older"]);
        assert_eq!(storage.all_teacher_packs().unwrap().len(), 3);

        newer.published = true;
        newer.served = Some(older.files.clone());
        newer.versions.push(ExerciseVersion {
            exercise: "one".into(),
            number: 2,
            fingerprint: u64::MAX,
            since: 9,
        });
        storage.save_teacher_pack(&newer).await.unwrap();
        let mut served = older.files.clone();
        served.set_folder(folder_of("newer"));
        let stored = storage.teacher_pack(newer.id).unwrap().unwrap();
        assert_eq!(stored.served, Some(served));
        assert_eq!(stored.versions, newer.versions);
        assert!(stored.published);

        for pack in [&older, &newer, &theirs] {
            storage.delete_teacher_pack(pack).await.unwrap();
        }
        assert_eq!(storage.teacher_pack(older.id).unwrap(), None);
        assert_eq!(storage.record_count().unwrap(), empty);
    }
}
