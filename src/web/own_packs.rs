//! Teachers' own packs as the server serves them: checked as `sourcewise check` checks a
//! pack (the same code, [`check_pack`]) and against a teacher's pack's limits, put on
//! the [`Shelf`] when they pass, and saved by the pack builder as drafts that may have
//! problems while the last files that passed stay served.

use super::error::AppError;
use super::{AppState, now};
use crate::content::Library;
use crate::content::Pack;
use crate::content::load::{ContentError, PackFiles, check_pack};
use crate::content::shelf::Shelf;
use crate::storage::{Storage, StorageError};
use crate::teacher_packs::{TeacherPack, limits};

/// Checks a teacher's pack's working copy: every problem, or the pack ready to serve
/// under its key.
pub fn check(pack: &TeacherPack) -> Result<Pack, Vec<ContentError>> {
    check_files(pack, &pack.files)
}

/// Checks `files` as the files of `pack`.
fn check_files(pack: &TeacherPack, files: &PackFiles) -> Result<Pack, Vec<ContentError>> {
    let mut problems = limits(files);
    match check_pack(files) {
        Ok(checked) if problems.is_empty() => Ok(checked.served_as(pack.key())),
        Ok(_) => Err(problems),
        Err(found) => {
            problems.extend(found);
            Err(problems)
        }
    }
}

/// The shelf the server starts with: the site's packs, and every teacher's pack whose
/// served files pass the checks. One that no longer does (a later release checks more)
/// stays stored but is not served: its page shows its problems.
pub fn shelf(library: Library, storage: &Storage) -> Result<Shelf, StorageError> {
    let shelf = Shelf::new(library);
    for pack in storage.all_teacher_packs()? {
        if let Ok(checked) = check_files(&pack, pack.serving()) {
            shelf.put(pack.teacher, pack.published, checked);
        }
    }
    Ok(shelf)
}

/// Runs `work` on the report thread ([`crate::web::reports`]) and waits for it: a
/// pack's check, its helpers and its archives take up to a few tenths of a second on a
/// pack of 20 MB, and made there they queue behind each other on one thread, leaving
/// the other core to learners, and keep their memory in that thread's one arena.
pub async fn on_report_thread<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    state.reports.make(work).await.ok_or(AppError::Interrupted)
}

/// Stores `files` as `pack`'s working copy, whatever problems they have, and returns
/// the pack as stored with those problems. Files that pass are served at once (and
/// their changed exercises get new versions); files that do not leave the last files
/// that passed served.
pub async fn save_files(
    state: &AppState,
    mut pack: TeacherPack,
    files: PackFiles,
) -> Result<(TeacherPack, Vec<ContentError>), AppError> {
    let previous = std::mem::replace(&mut pack.files, files);
    let checking = pack.clone();
    let checked = on_report_thread(state, move || check(&checking)).await?;
    pack.updated_at = now();
    match checked {
        Ok(served) => {
            pack.served = None;
            pack.note_versions(&served, pack.updated_at);
            state.storage.save_teacher_pack(&pack).await?;
            state.shelf.put(pack.teacher, pack.published, served);
            Ok((pack, Vec::new()))
        }
        Err(problems) => {
            if pack.served.is_none() && state.shelf.pack(&pack.key()).is_some() {
                pack.served = Some(previous);
            }
            state.storage.save_teacher_pack(&pack).await?;
            Ok((pack, problems))
        }
    }
}

/// Every problem of `files` as the files of `pack`: none when they pass.
pub fn problems_of(pack: &TeacherPack, files: &PackFiles) -> Vec<ContentError> {
    check_files(pack, files).err().unwrap_or_default()
}

/// The stored record of the teacher's pack served under `key`, if it is one: what
/// tells which version of an exercise an answer was given to.
pub fn record_of(storage: &Storage, key: &str) -> Result<Option<TeacherPack>, StorageError> {
    match crate::teacher_packs::id_in_key(key) {
        Some(id) => storage.teacher_pack(id),
        None => Ok(None),
    }
}
