//! Making an acknowledgement mean what it says.
//!
//! - [`Flusher`]: one thread does every flush (group commit). A writer queues a request
//!   after its write, and one commit serves every request queued before it began.
//!   sled 0.34's `flush_async` is not used: concurrent calls to it can hang forever
//!   (spacejam/sled#1308).
//! - [`DiskSync`]: sled's flush on Linux ends with `sync_file_range`, which flushes
//!   neither the drive's write cache nor the file's metadata (spacejam/sled#1452), so a
//!   flushed answer could still be lost when the power goes. Each commit therefore
//!   `fsync`s every file of the data directory, and the directory itself when its files
//!   changed.
//! - [`CommitMark`]: each commit also counts itself, in sled (`meta` → `commits`) and,
//!   once sled is on disk, in a file of its own (`sourcewise.commits`). sled recovers a
//!   damaged log by dropping its tail without a word; at start the server compares the
//!   two counts, and a database that holds fewer commits than were acknowledged (a
//!   truncated, emptied or swapped-in older file) is refused instead of served.
//!
//! A commit: count it in sled, `Db::flush`, `fsync` the data files, then write and
//! `fdatasync` the mark. Only then is any waiter told that its write is on disk.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::ErrorKind;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use super::StorageError;

/// The name of the mark's file in the data directory.
pub const MARK_FILE: &str = "sourcewise.commits";
/// The mark's file: these 8 bytes, then the count (u64, big-endian).
const MARK_MAGIC: &[u8; 8] = b"SWCOMMIT";

/// The commits counted in sled's `meta` tree (0 in a data directory made before the
/// count existed).
pub fn commits_in(meta: &sled::Tree) -> Result<u64, StorageError> {
    match meta.get("commits")? {
        None => Ok(0),
        Some(bytes) => <[u8; 8]>::try_from(bytes.as_ref())
            .map(u64::from_be_bytes)
            .map_err(|_| StorageError::Corrupt("the count of commits".into())),
    }
}

/// The count of acknowledged commits, kept beside the database.
pub struct CommitMark {
    path: PathBuf,
    file: File,
    acknowledged: u64,
}

impl CommitMark {
    /// Opens (or creates, at 0) the mark of the data directory at `folder`.
    pub fn open(folder: &Path) -> Result<CommitMark, StorageError> {
        let path = folder.join(MARK_FILE);
        let io = |source| StorageError::Io {
            path: path.clone(),
            source,
        };
        let existed = path.exists();
        let file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        let acknowledged = if existed {
            let mut bytes = [0u8; 16];
            file.read_exact_at(&mut bytes, 0).map_err(io)?;
            if &bytes[..8] != MARK_MAGIC {
                return Err(StorageError::Damaged {
                    path: folder.to_path_buf(),
                    why: format!("{MARK_FILE} is not a count of commits"),
                });
            }
            u64::from_be_bytes(bytes[8..].try_into().expect("8 bytes"))
        } else {
            0
        };
        let mut mark = CommitMark {
            path: path.clone(),
            file,
            acknowledged,
        };
        if !existed {
            mark.write(0).map_err(io)?;
            File::open(folder)
                .and_then(|folder| folder.sync_all())
                .map_err(io)?;
        }
        Ok(mark)
    }

    pub fn acknowledged(&self) -> u64 {
        self.acknowledged
    }

    /// Records that `commits` commits are on disk.
    pub fn write(&mut self, commits: u64) -> std::io::Result<()> {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(MARK_MAGIC);
        bytes[8..].copy_from_slice(&commits.to_be_bytes());
        self.file.write_all_at(&bytes, 0)?;
        self.file.sync_data()?;
        self.acknowledged = commits;
        Ok(())
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

/// A request to flush: answered once a commit that started after the request was
/// queued has finished (with what went wrong, if anything did).
type FlushRequest = tokio::sync::oneshot::Sender<Result<(), String>>;

/// The handle to the flusher thread. The thread ends when the last handle is dropped.
#[derive(Clone)]
pub struct Flusher {
    requests: mpsc::Sender<FlushRequest>,
}

impl Flusher {
    /// Starts the flusher; `committed` is the count of commits sled holds now.
    pub fn start(
        db: sled::Db,
        meta: sled::Tree,
        committed: u64,
        mut disk: DiskSync,
        mut mark: CommitMark,
    ) -> std::io::Result<Flusher> {
        disk.skip(mark.path().to_path_buf());
        let (requests, queue) = mpsc::channel::<FlushRequest>();
        std::thread::Builder::new()
            .name("sourcewise-flusher".into())
            .spawn(move || {
                let mut count = committed;
                while let Ok(first) = queue.recv() {
                    // Every request taken here was queued after its write, so the commit
                    // below covers all of them.
                    let mut batch = vec![first];
                    batch.extend(queue.try_iter());
                    let next = count + 1;
                    let result = meta
                        .insert("commits", &next.to_be_bytes())
                        .and_then(|_| db.flush())
                        .map_err(|error| error.to_string())
                        .and_then(|_| disk.sync().map_err(|error| error.to_string()))
                        .and_then(|_| mark.write(next).map_err(|error| error.to_string()));
                    match &result {
                        Ok(()) => count = next,
                        Err(error) => tracing::error!("writing to disk failed: {error}"),
                    }
                    for waiter in batch {
                        // A waiter that gave up (its request was dropped) needs no answer.
                        let _ = waiter.send(result.clone());
                    }
                }
            })?;
        Ok(Flusher { requests })
    }

    /// Waits until everything written before this call is on disk.
    pub async fn flush(&self) -> Result<(), StorageError> {
        let (done, wait) = tokio::sync::oneshot::channel();
        self.requests
            .send(done)
            .map_err(|_| StorageError::FlusherStopped)?;
        wait.await
            .map_err(|_| StorageError::FlusherStopped)?
            .map_err(StorageError::Flush)
    }
}

/// `fsync`s the files of a sled data directory, so that what sled flushed is on the
/// device and not only in the page cache or the drive's write cache. The files stay
/// open between commits; a file sled removed is let go, and a change in the list of
/// files also syncs the directory, so that a new file's name is durable too.
pub struct DiskSync {
    folders: Vec<PathBuf>,
    skipped: Vec<PathBuf>,
    open: BTreeMap<PathBuf, File>,
}

impl DiskSync {
    pub fn new(path: &Path) -> DiskSync {
        DiskSync {
            folders: vec![path.to_path_buf(), path.join("blobs")],
            skipped: Vec::new(),
            open: BTreeMap::new(),
        }
    }

    /// Leaves `path` alone (a file synced in its own turn).
    fn skip(&mut self, path: PathBuf) {
        self.skipped.push(path);
    }

    /// The files synced now.
    #[cfg(test)]
    fn files(&self) -> Vec<&Path> {
        self.open.keys().map(PathBuf::as_path).collect()
    }

    pub fn sync(&mut self) -> std::io::Result<()> {
        let mut present = Vec::new();
        for folder in &self.folders {
            let entries = match std::fs::read_dir(folder) {
                Ok(entries) => entries,
                Err(error) if error.kind() == ErrorKind::NotFound => continue,
                Err(error) => return Err(error),
            };
            for entry in entries {
                let entry = entry?;
                if entry.file_type()?.is_file() && !self.skipped.contains(&entry.path()) {
                    present.push(entry.path());
                }
            }
        }
        let before = self.open.len();
        self.open.retain(|path, _| present.contains(path));
        let mut changed = self.open.len() != before;
        for path in present {
            if let std::collections::btree_map::Entry::Vacant(entry) = self.open.entry(path) {
                match File::open(entry.key()) {
                    Ok(file) => {
                        entry.insert(file);
                        changed = true;
                    }
                    // Removed by sled since the folder was read.
                    Err(error) if error.kind() == ErrorKind::NotFound => {}
                    Err(error) => return Err(error),
                }
            }
        }
        for file in self.open.values() {
            file.sync_all()?;
        }
        if changed {
            for folder in &self.folders {
                if let Ok(folder) = File::open(folder) {
                    folder.sync_all()?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_sync_holds_the_files_there_are_and_lets_removed_ones_go() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join("db"), b"data").unwrap();
        std::fs::create_dir(folder.path().join("blobs")).unwrap();
        std::fs::write(folder.path().join("blobs").join("1"), b"blob").unwrap();
        std::fs::write(folder.path().join(MARK_FILE), b"").unwrap();
        let mut disk = DiskSync::new(folder.path());
        disk.skip(folder.path().join(MARK_FILE));
        disk.sync().unwrap();
        assert_eq!(
            disk.files(),
            vec![folder.path().join("blobs/1"), folder.path().join("db")]
        );
        std::fs::remove_file(folder.path().join("blobs").join("1")).unwrap();
        disk.sync().unwrap();
        assert_eq!(disk.files(), vec![folder.path().join("db")]);
    }

    #[test]
    fn the_mark_keeps_its_count_across_openings_and_refuses_a_foreign_file() {
        let folder = tempfile::tempdir().unwrap();
        let mut mark = CommitMark::open(folder.path()).unwrap();
        assert_eq!(mark.acknowledged(), 0);
        mark.write(41).unwrap();
        drop(mark);
        assert_eq!(CommitMark::open(folder.path()).unwrap().acknowledged(), 41);
        std::fs::write(folder.path().join(MARK_FILE), b"something else, 16+").unwrap();
        let refused = CommitMark::open(folder.path()).err().unwrap().to_string();
        assert!(refused.contains("is not a count of commits"), "{refused}");
    }
}
