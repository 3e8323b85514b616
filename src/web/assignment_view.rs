//! What pages say about an assignment: how it is described to students and teachers,
//! how many of a class's assignments a student has finished, and until when a round's
//! right and wrong stay hidden.

use crate::assignments::Assignment;
use crate::assignments::{FeedbackTiming, Questions, describe_deadline};
use crate::classes::Student;
use crate::pairs::{Phase, Role};
use crate::practice::Round;
use crate::web::error::AppError;
use crate::web::{AppState, now};

/// When this round's right and wrong will show, if they stay hidden for now, in words
/// that follow "shown": "after the due date, Tuesday 1 December 2026, 17:00
/// (Europe/Berlin)" for a round of an assignment whose teacher chose to show answers
/// after the due date, as the teacher set it; "after the post-test, once your teacher
/// closes the tests" for a round of a pre- or post-test until the pair is closed.
pub fn feedback_hidden_until(state: &AppState, round: &Round) -> Result<Option<String>, AppError> {
    let Some(id) = round.assignment else {
        return Ok(None);
    };
    let Some(assignment) = state.storage.assignment(id)? else {
        return Ok(None);
    };
    if let Some(role) = &assignment.pair {
        let post = match role.role {
            Role::Post => Some(assignment.clone()),
            Role::Pre => state.storage.assignment(role.other)?,
        };
        let closed = post.is_none_or(|post| Phase::of(&post, now()) == Phase::Closed);
        return Ok((!closed).then(|| AFTER_THE_POST_TEST.to_string()));
    }
    Ok(match assignment.deadline {
        Some(deadline)
            if !crate::assignments::feedback_visible(
                assignment.feedback,
                Some(deadline),
                now(),
            ) =>
        {
            Some(format!(
                "after the due date, {}",
                describe_deadline(deadline, &assignment.due_zone)
            ))
        }
        _ => None,
    })
}

/// When a pre- or post-test's right and wrong show.
const AFTER_THE_POST_TEST: &str = "after the post-test, once your teacher closes the tests";

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
        _ if assignment.pair.is_some() => {
            "answers shown after the post-test, once the tests are closed".to_string()
        }
        FeedbackTiming::Immediate => "answers shown straight away".to_string(),
        FeedbackTiming::AfterDue => "answers shown after the due date".to_string(),
    });
    parts.join(" · ")
}

/// What the teacher's pages say about an assignment: the lesson, which questions the
/// students get, then [`describe_assignment`].
pub fn describe_for_teacher(state: &AppState, assignment: &Assignment) -> String {
    let pack_title = state
        .shelf
        .pack(&assignment.pack_id)
        .map(|pack| pack.title().to_string())
        .unwrap_or_else(|| assignment.pack_id.clone());
    format!(
        "{pack_title} · {} · {}",
        assignment.questions.describe(),
        describe_assignment(assignment)
    )
}
