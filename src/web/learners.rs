//! Who a learner's browser is: its own learner id (the `sourcewise_learner` cookie),
//! under which its own practice is kept, and the students it has joined classes as or
//! continued as with a resume code. Joining never replaces the cookie, so a browser
//! keeps everything it had.

use actix_web::HttpRequest;

use crate::classes::Student;
use crate::ids::Token;
use crate::web::error::AppError;
use crate::web::{AppState, learner};

pub struct Learners {
    /// The browser's own learner id, if it has one yet.
    pub own: Option<Token>,
    /// The students this browser is, one per class joined (the pages that list them
    /// order them by class).
    pub students: Vec<Student>,
}

impl Learners {
    pub fn of(state: &AppState, request: &HttpRequest) -> Result<Learners, AppError> {
        let own = learner(request);
        let students = match own {
            Some(own) => state.storage.students_of_learner(own)?,
            None => Vec::new(),
        };
        Ok(Learners { own, students })
    }
}

/// Whether this browser may open the rounds kept under `learner`: its own at once, a
/// class's from its links (which keep each student's learner id: no student record is
/// read on a question page).
pub fn may_open(
    state: &AppState,
    request: &HttpRequest,
    learner_id: Token,
) -> Result<bool, AppError> {
    match learner(request) {
        Some(own) if own == learner_id => Ok(true),
        Some(own) => Ok(state.storage.learners_of_device(own)?.contains(&learner_id)),
        None => Ok(false),
    }
}
