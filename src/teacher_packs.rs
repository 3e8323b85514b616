//! A teacher's own lesson pack: its files (as `questions/` holds a pack's folder), whose
//! it is, and whether it is published. A published pack that passes the checks is served
//! under its key (`{id}~{32 hex digits}`), which no site pack can have, so that two
//! teachers may each have a pack with the same id.
//!
//! Beside the loader's checks, a teacher's pack keeps to limits of its own: at most
//! [`MAX_DOCUMENTS`] documents of at most [`MAX_DOCUMENT_BYTES`] each.

use std::path::PathBuf;

use crate::content::load::{ContentError, PackFiles};
use crate::ids::Token;

/// The most documents a teacher's pack may have.
pub const MAX_DOCUMENTS: usize = 20;
/// The most bytes one document of a teacher's pack may have (1 MB).
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

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
}

impl TeacherPack {
    /// The name it is served under (pages' addresses, rounds, assignments).
    pub fn key(&self) -> String {
        key_of(&self.pack_id, self.id)
    }
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
