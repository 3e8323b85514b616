//! Teachers' own packs as the server serves them: checked as `sourcewise check` checks a
//! pack (the same code, [`check_pack`]) and against a teacher's pack's limits, and put
//! on the [`Shelf`] once published.

use crate::content::Library;
use crate::content::Pack;
use crate::content::load::{ContentError, check_pack};
use crate::content::shelf::Shelf;
use crate::storage::{Storage, StorageError};
use crate::teacher_packs::{TeacherPack, limits};

/// Checks a teacher's pack: every problem, or the pack ready to serve under its key.
pub fn check(pack: &TeacherPack) -> Result<Pack, Vec<ContentError>> {
    let mut problems = limits(&pack.files);
    match check_pack(&pack.files) {
        Ok(checked) if problems.is_empty() => Ok(checked.served_as(pack.key())),
        Ok(_) => Err(problems),
        Err(found) => {
            problems.extend(found);
            Err(problems)
        }
    }
}

/// The shelf the server starts with: the site's packs, and every teacher's pack that
/// passes the checks. One that no longer does (a later release checks more) stays
/// stored but is not served: its page shows its problems.
pub fn shelf(library: Library, storage: &Storage) -> Result<Shelf, StorageError> {
    let shelf = Shelf::new(library);
    for pack in storage.all_teacher_packs()? {
        if let Ok(checked) = check(&pack) {
            shelf.put(pack.teacher, pack.published, checked);
        }
    }
    Ok(shelf)
}
