//! Students: joining a class with its code and a nickname, their page with the resume
//! code, and continuing on another device with that code.
//!
//! A student has a learner id of their own for the class, which no browser holds: a
//! browser that joins or types the resume code is linked to the student
//! ([`crate::web::learners`]), keeps its own practice and every other class, and is
//! signed out when the teacher gives the student a new resume code.
//!
//! Codes that match nothing count against the browser and the address that typed
//! them ([`crate::web::guesses`]); an unknown class code and a wrong resume code get
//! the same answer.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use rand::Rng;

use crate::assignments::Status;
use crate::classes::{Class, JoinCode, Nickname, ResumeCode, Student};
use crate::ids::Token;
use crate::storage::students::JoinError;
use crate::web::assignment_view::describe_without_due;
use crate::web::error::AppError;
use crate::web::extract::{AnonymousForm, JoinedAssignment};
use crate::web::guesses::Client;
use crate::web::learners::Learners;
use crate::web::{AppState, learner, learner_cookie, now};

use super::{FormPost, JoinForm, anonymous_page, form_page};

super::declare_form_page! {
    /// `GET /join`: the form to join a class.
    JoinPage = "students/join.html" for JoinForm, codes "join codes"
}

/// `GET /join/{code}`: the same form, the code filled in (from the projector's link).
pub async fn show_join_with_code(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let code = JoinCode::parse(&path)
        .map(|code| code.to_string())
        .unwrap_or_default();
    let typed = JoinForm {
        code,
        ..JoinForm::default()
    };
    form_page::<JoinPage>(&state, &request, StatusCode::OK, typed, None)
}

/// The class with the code typed, if it takes new students; otherwise what to tell them.
/// A well-formed code of nothing counts as a miss of `client`.
fn open_class(
    state: &AppState,
    client: &Client,
    typed: &str,
) -> Result<Result<Class, String>, AppError> {
    let Some(code) = JoinCode::parse(typed) else {
        return Ok(Err(
            "That is not a join code. A join code has 8 letters and digits, like ABCD-2345: copy it from the board.".into(),
        ));
    };
    match state.storage.class_by_code(&code)? {
        None if state.storage.live_by_code(&code)?.is_some() => Ok(Err(format!(
            "{code} is the code of a live session, not of a class: join it at /live (“join the live session” on the home page)."
        ))),
        None => {
            state.guesses.miss(client, now());
            Ok(Err(format!(
                "No class has the code {code}. Check it with your teacher."
            )))
        }
        Some(class) if class.locked || class.archived => Ok(Err(
            "This class is closed to new students. Ask your teacher to open it.".into(),
        )),
        Some(class) => Ok(Ok(class)),
    }
}

/// `POST /join`: joins the class and shows the student's page.
pub async fn create_student(
    state: web::Data<AppState>,
    request: HttpRequest,
    FormPost { form, again, who }: FormPost<JoinPage>,
) -> Result<HttpResponse, AppError> {
    let mistake = |error: String| again.show(StatusCode::BAD_REQUEST, error);
    let class = match open_class(&state, &who, &form.code)? {
        Ok(class) => class,
        Err(message) => return mistake(message),
    };
    let nickname = match Nickname::parse(&form.nickname) {
        Ok(nickname) => nickname,
        Err(problem) => return mistake(problem.to_string()),
    };
    let mut rng = rand::rng();
    let browser = learner(&request);
    let device = browser.unwrap_or_else(|| Token::random(&mut rng));
    let student = Student {
        id: Token::random(&mut rng),
        class: class.id,
        nickname,
        learner: Token::random(&mut rng),
        resume: ResumeCode::random(&mut rng),
        joined_at: now(),
    };
    match state.storage.add_student(&student, device).await {
        Ok(()) => {}
        Err(JoinError::NicknameTaken(existing)) => {
            return mistake(format!(
                "{} Add an initial or a number, or if it is you, continue with your resume code below.",
                crate::classes::nickname_taken(&student.nickname, &existing, "in this class")
            ));
        }
        // Deleted by the teacher after the code was checked.
        Err(JoinError::NoSuchClass) => {
            return mistake(format!(
                "No class has the code {}. Check it with your teacher.",
                class.code
            ));
        }
        Err(JoinError::Storage(error)) => return Err(error.into()),
    }
    let mut response = HttpResponse::SeeOther();
    response.insert_header((header::LOCATION, "/student?joined"));
    if browser.is_none() {
        response.cookie(learner_cookie(device));
    }
    Ok(response.finish())
}

struct Membership {
    class_name: String,
    nickname: String,
    resume: String,
}

/// An assignment as the student sees it: what, where they stand, and the way on.
struct StudentAssignment {
    class_name: String,
    title: String,
    details: String,
    status: &'static str,
    /// When it is due: in words in UTC, and for the `datetime` the browser's script
    /// says again in the browser's own time zone.
    due: Option<Due>,
    /// A round to continue or look back on; `None` until started.
    round_url: Option<String>,
    start_url: String,
    action: &'static str,
    done: bool,
    /// Its place in the to-do list ([`crate::due::to_do_key`]).
    order: (bool, u64, u64),
}

struct Due {
    words: String,
    machine: String,
}

fn student_assignments(
    state: &AppState,
    student: &Student,
    class_name: &str,
) -> Result<Vec<StudentAssignment>, AppError> {
    let mut lines = Vec::new();
    for assignment in state.storage.assignments_of(student.class)? {
        // A post-test its teacher has not opened stays off the list.
        if !assignment.open_to_students() {
            continue;
        }
        let round = state.storage.assignment_round(assignment.id, student.id)?;
        let status = Status::of(
            round.as_ref().map(|round| (round.answered(), round.len())),
            assignment.deadline,
            now(),
        );
        let pack_title = state
            .shelf
            .pack(&assignment.pack_id)
            .map(|pack| pack.title().to_string())
            .unwrap_or_default();
        let action = match (&round, status) {
            (None, _) => "Start",
            (Some(_), Status::Done) => "See your results",
            (Some(_), _) => "Continue",
        };
        let done = status == Status::Done;
        lines.push(StudentAssignment {
            class_name: class_name.to_string(),
            title: assignment.title(),
            details: [pack_title, describe_without_due(&assignment)]
                .into_iter()
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
            status: status.label(),
            due: assignment.deadline.map(|deadline| Due {
                words: crate::due::due_in_words(deadline, now()),
                machine: crate::due::machine_time(deadline),
            }),
            round_url: round.map(|round| format!("/rounds/{}", round.id)),
            start_url: format!("/student/assignments/{}", assignment.id),
            action,
            done,
            order: crate::due::to_do_key(done, assignment.deadline, assignment.created_at),
        });
    }
    Ok(lines)
}

/// `POST /student/assignments/{assignment}`: starts the student's round for it (its
/// exercises fixed from now on), or finds the one they started, and goes to it.
///
/// The assignment and the student are found before its token is checked, so that a
/// stranger's form, with or without a token, is answered 404.
pub async fn start_assignment(
    state: web::Data<AppState>,
    JoinedAssignment {
        assignment,
        student,
    }: JoinedAssignment,
    _form: AnonymousForm<()>,
) -> Result<HttpResponse, AppError> {
    let pack = state.shelf.pack(&assignment.pack_id).ok_or_else(|| {
        AppError::NotFound("The lesson of this assignment is no longer on this server.".into())
    })?;
    let pack = &*pack;
    let round = match state.storage.assignment_round(assignment.id, student.id)? {
        Some(round) => round,
        None => {
            let mut rng = rand::rng();
            let round = assignment.new_round(
                Token::random(&mut rng),
                student.learner,
                pack,
                rng.random::<u64>(),
                now(),
            );
            state
                .storage
                .start_assignment_round(assignment.id, student.id, &round)
                .await?
        }
    };
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/rounds/{}", round.id)))
        .finish())
}

#[derive(Template)]
#[template(path = "students/student.html")]
struct StudentPage {
    memberships: Vec<Membership>,
    /// Every class's assignments not done, the soonest due first.
    to_do: Vec<StudentAssignment>,
    /// And those done.
    done: Vec<StudentAssignment>,
    joined: bool,
    csrf: String,
}

/// `GET /student`: what this browser's student has to do, in every class, the soonest
/// due first; then what is done; then the classes, with the resume code.
pub async fn show_student(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let mut memberships = Vec::new();
    let mut assignments = Vec::new();
    for student in Learners::of(&state, &request)?.students {
        if let Some(class) = state.storage.class(student.class)? {
            assignments.extend(student_assignments(&state, &student, class.name.as_str())?);
            memberships.push(Membership {
                class_name: class.name.as_str().to_string(),
                nickname: student.nickname.as_str().to_string(),
                resume: student.resume.to_string(),
            });
        }
    }
    memberships.sort_by(|a, b| a.class_name.cmp(&b.class_name));
    assignments.sort_by(|a, b| a.order.cmp(&b.order).then(a.class_name.cmp(&b.class_name)));
    let (done, to_do) = assignments
        .into_iter()
        .partition(|assignment| assignment.done);
    anonymous_page(&state, &request, StatusCode::OK, |csrf| StudentPage {
        memberships,
        to_do,
        done,
        joined: request.query_string() == "joined",
        csrf,
    })
}

super::declare_form_page! {
    /// `GET /resume`: the form to continue on this device.
    ResumePage = "students/resume.html" for ResumeForm, codes "codes"
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ResumeForm {
    code: String,
    resume: String,
}

/// What a join code and resume code that match no student get, whichever is wrong.
const NO_SUCH_STUDENT: &str = "That join code and resume code do not match a student. Check both: the join code is on the board, the resume code on your page on the device you joined with (your teacher can also give you a new one).";

/// `POST /resume`: lets this browser continue as the student whose resume code it is.
/// Codes that match no student count as misses of this browser and address.
pub async fn resume_student(
    state: web::Data<AppState>,
    request: HttpRequest,
    FormPost { form, again, who }: FormPost<ResumePage>,
) -> Result<HttpResponse, AppError> {
    let class = JoinCode::parse(&form.code)
        .map(|code| state.storage.class_by_code(&code))
        .transpose()?
        .flatten();
    let resume = ResumeCode::parse(&form.resume);
    let student = match (class, resume) {
        (Some(class), Some(resume)) => state.storage.student_by_resume_code(class.id, &resume)?,
        _ => None,
    };
    // An unknown class code and a wrong resume code get the same answer, so that this
    // form tells nobody which class codes are real.
    let Some(student) = student else {
        state.guesses.miss(&who, now());
        return again.show(StatusCode::BAD_REQUEST, NO_SUCH_STUDENT.into());
    };
    let browser = learner(&request);
    let device = browser.unwrap_or_else(|| Token::random(&mut rand::rng()));
    if !state.storage.link_device(&student, device).await? {
        // The teacher gave the student a new code a moment ago.
        state.guesses.miss(&who, now());
        return again.show(StatusCode::BAD_REQUEST, NO_SUCH_STUDENT.into());
    }
    let mut response = HttpResponse::SeeOther();
    response.insert_header((header::LOCATION, "/student"));
    if browser.is_none() {
        response.cookie(learner_cookie(device));
    }
    Ok(response.finish())
}
