//! What pages say about an assignment: how it is described to students and teachers,
//! how many of a class's assignments a student has finished, and until when a round's
//! right and wrong stay hidden.

use crate::assignments::Assignment;
use crate::assignments::{FeedbackTiming, Questions, describe_deadline};
use crate::classes::Student;
use crate::practice::Round;
use crate::web::error::AppError;
use crate::web::{AppState, now};

/// The due time until which this round's right and wrong stay hidden, if they do (a
/// round of an assignment whose teacher chose to show answers after the due date), as
/// the teacher set it: "Tuesday 1 December 2026, 17:00 (Europe/Berlin)".
pub fn feedback_hidden_until(state: &AppState, round: &Round) -> Result<Option<String>, AppError> {
    let Some(id) = round.assignment else {
        return Ok(None);
    };
    let Some(assignment) = state.storage.assignment(id)? else {
        return Ok(None);
    };
    Ok(match assignment.deadline {
        Some(deadline)
            if !crate::assignments::feedback_visible(
                assignment.feedback,
                Some(deadline),
                now(),
            ) =>
        {
            Some(crate::assignments::describe_deadline(
                deadline,
                &assignment.due_zone,
            ))
        }
        _ => None,
    })
}

/// How many of `assignments` the student has finished.
pub fn assignments_done(
    state: &AppState,
    student: &Student,
    assignments: &[Assignment],
) -> Result<usize, AppError> {
    let mut done = 0;
    for assignment in assignments {
        if let Some(round) = state.storage.assignment_round(assignment.id, student.id)?
            && round.next_unanswered().is_none()
        {
            done += 1;
        }
    }
    Ok(done)
}

/// "10 questions · due Tuesday 1 December 2026, 17:00 (Europe/Berlin) · answers shown
/// after the due date": what students and teachers read about an assignment.
pub fn describe_assignment(assignment: &Assignment) -> String {
    describe(assignment, true)
}

/// [`describe_assignment`] without the due time, for a student's list, which says when
/// it is due in the student's own words ("due tomorrow, 17:00").
pub fn describe_without_due(assignment: &Assignment) -> String {
    describe(assignment, false)
}

fn describe(assignment: &Assignment, with_due: bool) -> String {
    let count = match &assignment.questions {
        Questions::Same { exercise_ids, .. } => Some(exercise_ids.len()),
        Questions::EachTheirOwn => assignment.length,
    };
    let mut parts = vec![match count {
        Some(1) => "1 question".to_string(),
        Some(length) => format!("{length} questions"),
        None => "every question of that kind".to_string(),
    }];
    if let Some(deadline) = assignment.deadline.filter(|_| with_due) {
        parts.push(format!(
            "due {}",
            describe_deadline(deadline, &assignment.due_zone)
        ));
    }
    parts.push(match assignment.feedback {
        FeedbackTiming::Immediate => "answers shown straight away".to_string(),
        FeedbackTiming::AfterDue => "answers shown after the due date".to_string(),
    });
    parts.join(" · ")
}

/// What the teacher's pages say about an assignment: the lesson, which questions the
/// students get, then [`describe_assignment`].
pub fn describe_for_teacher(state: &AppState, assignment: &Assignment) -> String {
    let pack_title = state
        .library
        .pack(&assignment.pack_id)
        .map(|pack| pack.title().to_string())
        .unwrap_or_else(|| assignment.pack_id.clone());
    format!(
        "{pack_title} · {} · {}",
        assignment.questions.describe(),
        describe_assignment(assignment)
    )
}
