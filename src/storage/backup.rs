//! Backing up and restoring: copying every record of a data directory into a new one,
//! opening a backup (which must exist), and accepting a data directory whose count of
//! commits is missing.
//!
//! Layout: no trees of its own. A copy holds every tree of the database as it is, and
//! the count of commits ([`super::durable`]'s `sourcewise.commits`) is written beside
//! it anew from the copied `meta` tree.

use std::path::Path;

use super::{Storage, StorageError, durable};

impl Storage {
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
        records_in(&self.db)
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
        let records = records_in(&target)?;
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
}

/// How many records `db` holds, in all its trees.
fn records_in(db: &sled::Db) -> Result<usize, StorageError> {
    let mut records = 0;
    for name in db.tree_names() {
        records += db.open_tree(name)?.len();
    }
    Ok(records)
}
