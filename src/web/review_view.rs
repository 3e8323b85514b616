//! What the home page and "My progress" say about reviews: for each place this browser
//! practises in (its own practice, each class it joined) and each pack, how many
//! exercises are due for review now, or when the next one is. Nothing is offered
//! before it is due.

use crate::ids::Token;
use crate::review::is_due;
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::learners::Learners;

/// The form's name for the browser's own practice (a class's is its student's id).
pub const OWN_PLACE: &str = "own";

/// One place and pack with exercises scheduled for review.
pub struct ReviewLine {
    /// "Your own practice", or "Class, as nickname".
    pub place_name: String,
    /// The form's `place`: [`OWN_PLACE`] or the student's id.
    pub place: String,
    pub pack_id: String,
    pub pack_title: String,
    /// Due now: what a review round would hold.
    pub due_now: usize,
    /// When none is due: when the next one is.
    next_due: Option<u64>,
    now: u64,
}

impl ReviewLine {
    /// When none is due: in how many days the next one is ("tomorrow", "in 3 days").
    pub fn next_in(&self) -> Option<String> {
        self.next_due.map(|due| in_days(due, self.now))
    }
}

/// The places of a browser: the learner id its answers are kept under, the form's name
/// for it, and what pages call it. A browser that joined before 2026-12 holds a
/// student's learner id as its own: that is the class's place only.
pub fn places(
    state: &AppState,
    learners: &Learners,
) -> Result<Vec<(Token, String, String)>, AppError> {
    let mut places = Vec::new();
    if let Some(own) = learners.own.filter(|own| {
        !learners
            .students
            .iter()
            .any(|student| student.learner == *own)
    }) {
        places.push((own, OWN_PLACE.to_string(), "Your own practice".to_string()));
    }
    let mut classes = Vec::new();
    for student in &learners.students {
        let class = state
            .storage
            .class(student.class)?
            .map(|class| class.name.as_str().to_string())
            .unwrap_or_default();
        classes.push((
            student.learner,
            student.id.to_string(),
            format!("{class}, as {}", student.nickname.as_str()),
        ));
    }
    classes.sort_by(|a, b| a.2.cmp(&b.2));
    places.extend(classes);
    Ok(places)
}

/// The learner id behind a form's `place`, if it is one of this browser's.
pub fn learner_of_place(learners: &Learners, place: &str) -> Option<Token> {
    if place == OWN_PLACE {
        return learners.own;
    }
    let student = Token::parse(place)?;
    learners
        .students
        .iter()
        .find(|known| known.id == student)
        .map(|known| known.learner)
}

/// Every place and pack of this browser with reviews scheduled, in the order of
/// [`places`], then of pack.
pub fn review_lines(
    state: &AppState,
    learners: &Learners,
    now: u64,
) -> Result<Vec<ReviewLine>, AppError> {
    let mut lines: Vec<ReviewLine> = Vec::new();
    for (learner, place, place_name) in places(state, learners)? {
        for review in state.storage.reviews(learner)? {
            let Some(pack) = state.shelf.pack(&review.pack_id) else {
                continue;
            };
            if pack.exercise(&review.exercise_id).is_none() {
                continue;
            }
            let line = match lines
                .iter_mut()
                .find(|line| line.place == place && line.pack_id == review.pack_id)
            {
                Some(line) => line,
                None => {
                    lines.push(ReviewLine {
                        place_name: place_name.clone(),
                        place: place.clone(),
                        pack_id: review.pack_id.clone(),
                        pack_title: pack.title().to_string(),
                        due_now: 0,
                        next_due: None,
                        now,
                    });
                    lines.last_mut().expect("just pushed")
                }
            };
            if is_due(&review.card, now) {
                line.due_now += 1;
            } else {
                let due = review.card.due;
                line.next_due = Some(line.next_due.map_or(due, |next| next.min(due)));
            }
        }
    }
    Ok(lines)
}

/// When a review `due` in the future comes, in whole days from `now`, rounded up:
/// "later today" within the day, "tomorrow", "in 3 days".
fn in_days(due: u64, now: u64) -> String {
    let seconds = due.saturating_sub(now);
    match seconds.div_ceil(86_400) {
        0 | 1 if seconds < 12 * 3600 => "later today".to_string(),
        0 | 1 => "tomorrow".to_string(),
        days => format!("in {days} days"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_review_is_said_in_days() {
        let day = 86_400;
        assert_eq!(in_days(100 + 3600, 100), "later today");
        assert_eq!(in_days(100 + day, 100), "tomorrow");
        assert_eq!(in_days(100 + day + 1, 100), "in 2 days");
        assert_eq!(in_days(100 + 8 * day, 100), "in 8 days");
    }
}
