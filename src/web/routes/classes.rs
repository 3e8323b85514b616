//! A teacher's classes: create one, show its join code (and on the projector, with a QR
//! code), lock it to new students, archive it, delete it.
//!
//! Invariant: every handler loads the class through [`own_class`], which answers 404
//! for a class that is not the signed-in teacher's, exactly as for one that does not
//! exist.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::see_other;
use crate::assignments::{DueDate, FeedbackTiming};
use crate::classes::{ClassName, ClassProblem, JoinCode, Nickname, ResumeCode, parse_description};
use crate::practice::MAX_ROUND_LENGTH;
use crate::practice::Token;
use crate::storage::assignments::Assignment;
use crate::storage::classes::Class;
use crate::storage::students::{JoinError, Student};
use crate::web::error::AppError;
use crate::web::teacher_session::{SignedIn, check_session_form, require_teacher};
use crate::web::view::{SkillBox, focus_of_form, skill_boxes};
use crate::web::{AppState, JoinLink, now};

const NO_SUCH_CLASS: &str =
    "There is no class at this address among yours. Your classes are listed on your page.";

/// The class `id` if it belongs to the signed-in teacher; 404 otherwise.
pub(super) fn own_class(
    state: &AppState,
    signed_in: &SignedIn,
    id: &str,
) -> Result<Class, AppError> {
    Token::parse(id)
        .map(|id| state.storage.class(id))
        .transpose()?
        .flatten()
        .filter(|class| class.teacher == signed_in.teacher.id)
        .ok_or_else(|| AppError::NotFound(NO_SUCH_CLASS.into()))
}

fn class_url(class: &Class) -> String {
    format!("/teachers/classes/{}", class.id)
}

/// The address students open to join, and what to tell the teacher if phones cannot.
fn join_link(state: &AppState, request: &HttpRequest, code: &JoinCode) -> JoinLink {
    crate::web::join_link(state, request, &format!("join/{}", code.as_str()))
}

#[derive(Deserialize)]
pub struct NewClassForm {
    csrf: Option<String>,
    name: Option<String>,
    description: Option<String>,
}

#[derive(Template)]
#[template(path = "teachers/new_class.html")]
struct NewClassPage {
    csrf: String,
    name: String,
    description: String,
    error: Option<String>,
}

/// `POST /teachers/classes`: creates a class and shows it.
pub async fn create_class(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<NewClassForm>,
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(&state, &request)?;
    check_session_form(&signed_in, form.csrf.as_deref())?;
    let form = form.into_inner();
    let name_text = form.name.unwrap_or_default();
    let description_text = form.description.unwrap_or_default();
    let checked = ClassName::parse(&name_text)
        .and_then(|name| Ok::<_, ClassProblem>((name, parse_description(&description_text)?)));
    let (name, description) = match checked {
        Ok(values) => values,
        Err(problem) => {
            let page = NewClassPage {
                csrf: signed_in.session.csrf.to_string(),
                name: name_text,
                description: description_text,
                error: Some(problem.to_string()),
            };
            return Ok(HttpResponse::build(StatusCode::BAD_REQUEST)
                .content_type("text/html; charset=utf-8")
                .body(page.render()?));
        }
    };
    let mut rng = rand::rng();
    let class = Class {
        id: Token::random(&mut rng),
        teacher: signed_in.teacher.id,
        name,
        description,
        code: JoinCode::random(&mut rng),
        locked: false,
        archived: false,
        created_at: now(),
    };
    let class = state
        .storage
        .create_class(class, || JoinCode::random(&mut rand::rng()))
        .await?;
    Ok(see_other(class_url(&class)))
}

#[derive(Template)]
#[template(path = "teachers/class.html")]
struct ClassPage<'a> {
    class: &'a Class,
    csrf: String,
    join_url: String,
    join_warning: Option<String>,
    students: Vec<Student>,
    overview: Vec<OverviewRow>,
    assignments: Vec<AssignmentLine>,
    packs: Vec<(String, String)>,
    /// The skills an assignment can practise, as checkboxes.
    skills: Vec<SkillBox>,
}

/// A student's line in the class overview: assignments finished, and per skill the
/// answers right out of answered.
pub struct OverviewRow {
    url: String,
    nickname: String,
    done: usize,
    assigned: usize,
    scores: Vec<crate::practice::SkillScore>,
}

/// How many of `assignments` the student has finished.
pub(super) fn assignments_done(
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

fn overview(
    state: &AppState,
    class: &Class,
    students: &[Student],
) -> Result<Vec<OverviewRow>, AppError> {
    let assignments = state.storage.assignments_of(class.id)?;
    let mut rows = Vec::new();
    for student in students {
        let done = assignments_done(state, student, &assignments)?;
        let tally = state.storage.progress(student.learner, 0, |_| true)?.tally;
        rows.push(OverviewRow {
            url: student_url(class, student),
            nickname: student.nickname.as_str().to_string(),
            done,
            assigned: assignments.len(),
            scores: tally.scores().to_vec(),
        });
    }
    Ok(rows)
}

/// `GET /teachers/classes/{class}`.
pub async fn show_class(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(&state, &request)?;
    let class = own_class(&state, &signed_in, &path)?;
    let csrf = signed_in.session.csrf.to_string();
    let JoinLink {
        url: join_url,
        warning: join_warning,
    } = join_link(&state, &request, &class.code);
    // Every student's progress: a report over the whole class, made off the worker.
    let page = super::off_worker(&state, move |state| {
        let students = state.storage.students_of(class.id)?;
        Ok(ClassPage {
            class: &class,
            csrf,
            join_url,
            join_warning,
            assignments: assignment_lines(state, &class, &students)?,
            overview: overview(state, &class, &students)?,
            students,
            packs: state
                .library
                .packs()
                .map(|pack| (pack.id().to_string(), pack.title().to_string()))
                .collect(),
            skills: skill_boxes(None),
        }
        .render()?)
    })
    .await?;
    Ok(super::html_page(page))
}

#[derive(Template)]
#[template(path = "teachers/projector.html")]
struct ProjectorPage<'a> {
    class: &'a Class,
    join_url: String,
    join_warning: Option<String>,
    qr_svg: String,
}

/// `GET /teachers/classes/{class}/projector`: the join code, link and QR code, large.
pub async fn show_projector(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(&state, &request)?;
    let class = own_class(&state, &signed_in, &path)?;
    let JoinLink {
        url: join_url,
        warning: join_warning,
    } = join_link(&state, &request, &class.code);
    let qr_svg = qr_svg(&join_url);
    super::html(&ProjectorPage {
        class: &class,
        join_url,
        join_warning,
        qr_svg,
    })
}

/// The QR code of `url` as an inline SVG image. It is drawn from the URL's bits only:
/// no text of the URL appears in it.
pub(super) fn qr_svg(url: &str) -> String {
    use qrcode::render::svg;
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => {
            let image = code
                .render::<svg::Color>()
                .min_dimensions(280, 280)
                .dark_color(svg::Color("#000000"))
                .light_color(svg::Color("#ffffff"))
                .build();
            let start = image.find("<svg").unwrap_or(0);
            image[start..].replacen(
                "<svg",
                "<svg role=\"img\" aria-label=\"QR code of the join link\" class=\"qr\"",
                1,
            )
        }
        Err(_) => String::new(),
    }
}

#[derive(Deserialize)]
pub struct SwitchForm {
    csrf: Option<String>,
    /// "yes" or "no".
    value: Option<String>,
}

fn switch(form: &SwitchForm) -> Result<bool, AppError> {
    match form.value.as_deref() {
        Some("yes") => Ok(true),
        Some("no") => Ok(false),
        _ => Err(AppError::bad_request(
            "The form did not say whether to switch it on or off. Go back and use the button.",
        )),
    }
}

/// `POST /teachers/classes/{class}/locked`: closes or opens the class to new students.
pub async fn update_locked(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    form: web::Form<SwitchForm>,
) -> Result<HttpResponse, AppError> {
    update_switch(&state, &request, &path, &form, |class, on| {
        class.locked = on
    })
    .await
}

/// `POST /teachers/classes/{class}/archived`: puts the class away or brings it back.
pub async fn update_archived(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    form: web::Form<SwitchForm>,
) -> Result<HttpResponse, AppError> {
    update_switch(&state, &request, &path, &form, |class, on| {
        class.archived = on
    })
    .await
}

async fn update_switch(
    state: &AppState,
    request: &HttpRequest,
    id: &str,
    form: &SwitchForm,
    apply: impl FnOnce(&mut Class, bool),
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(state, request)?;
    let mut class = own_class(state, &signed_in, id)?;
    check_session_form(&signed_in, form.csrf.as_deref())?;
    apply(&mut class, switch(form)?);
    state.storage.update_class(&class).await?;
    Ok(see_other(class_url(&class)))
}

#[derive(Template)]
#[template(path = "teachers/delete_class.html")]
struct DeleteClassPage<'a> {
    class: &'a Class,
    csrf: String,
}

/// `GET /teachers/classes/{class}/delete`: asks before deleting.
pub async fn show_delete_class(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(&state, &request)?;
    let class = own_class(&state, &signed_in, &path)?;
    super::html(&DeleteClassPage {
        class: &class,
        csrf: signed_in.session.csrf.to_string(),
    })
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: Option<String>,
}

/// `POST /teachers/classes/{class}/delete`: deletes the class.
pub async fn delete_class(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(&state, &request)?;
    let class = own_class(&state, &signed_in, &path)?;
    check_session_form(&signed_in, form.csrf.as_deref())?;
    state.storage.delete_class_and_students(&class).await?;
    Ok(see_other("/teachers?notice=class-deleted".into()))
}

/// The student `id` of a class of the signed-in teacher; 404 otherwise.
fn own_student(
    state: &AppState,
    signed_in: &SignedIn,
    class_id: &str,
    student_id: &str,
) -> Result<(Class, Student), AppError> {
    let class = own_class(state, signed_in, class_id)?;
    let student = Token::parse(student_id)
        .map(|id| state.storage.student(id))
        .transpose()?
        .flatten()
        .filter(|student| student.class == class.id)
        .ok_or_else(|| AppError::NotFound("There is no such student in this class.".into()))?;
    Ok((class, student))
}

fn student_url(class: &Class, student: &Student) -> String {
    format!("/teachers/classes/{}/students/{}", class.id, student.id)
}

#[derive(Template)]
#[template(path = "teachers/student.html")]
struct StudentPage<'a> {
    class: &'a Class,
    student: &'a Student,
    answers: Vec<AnswerLine>,
    csrf: String,
    nickname: String,
    error: Option<String>,
    notice: Option<&'static str>,
}

/// One answer as the teacher's student page lists it.
pub struct AnswerLine {
    when: String,
    skill: &'static str,
    question: String,
    chosen: String,
    right: bool,
}

/// Every answer the student gave, newest first.
fn answer_lines(state: &AppState, student: &Student) -> Result<Vec<AnswerLine>, AppError> {
    let progress = state
        .storage
        .progress(student.learner, usize::MAX, |_| true)?;
    let mut lines = Vec::new();
    for round in progress.recent_rounds {
        let pack = state.library.pack(&round.pack_id);
        for answer in round.answers.iter().flatten() {
            let exercise = pack.and_then(|pack| pack.exercise(&answer.exercise_id));
            lines.push((
                answer.answered_at,
                AnswerLine {
                    when: crate::web::format_time(answer.answered_at),
                    skill: answer.skill.title(),
                    question: exercise
                        .map(super::rounds::excerpt)
                        .unwrap_or_else(|| answer.exercise_id.clone()),
                    chosen: exercise
                        .and_then(|exercise| exercise.choice(&answer.choice))
                        .map(|choice| choice.label().to_string())
                        .unwrap_or_else(|| answer.choice.clone()),
                    right: answer.correct,
                },
            ));
        }
    }
    lines.sort_by_key(|(when, _)| std::cmp::Reverse(*when));
    Ok(lines.into_iter().map(|(_, line)| line).collect())
}

#[derive(Deserialize)]
pub struct StudentNotice {
    notice: Option<String>,
}

/// `GET /teachers/classes/{class}/students/{student}`: rename, new resume code, remove.
pub async fn show_student(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<StudentNotice>,
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(&state, &request)?;
    let (class, student) = own_student(&state, &signed_in, &path.0, &path.1)?;
    let notice = match query.notice.as_deref() {
        Some("renamed") => Some("The nickname has been changed."),
        Some("resume-code") => Some(
            "The student has a new resume code; the old one no longer works, and every device that used it is signed out.",
        ),
        _ => None,
    };
    super::html(&StudentPage {
        class: &class,
        answers: answer_lines(&state, &student)?,
        student: &student,
        csrf: signed_in.session.csrf.to_string(),
        nickname: student.nickname.as_str().to_string(),
        error: None,
        notice,
    })
}

#[derive(Deserialize)]
pub struct RenameForm {
    csrf: Option<String>,
    nickname: Option<String>,
}

/// `POST …/students/{student}/nickname`.
pub async fn update_nickname(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    form: web::Form<RenameForm>,
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(&state, &request)?;
    let (class, student) = own_student(&state, &signed_in, &path.0, &path.1)?;
    check_session_form(&signed_in, form.csrf.as_deref())?;
    let typed = form.nickname.clone().unwrap_or_default();
    let again = |error: String| {
        super::html_with(
            StatusCode::BAD_REQUEST,
            &StudentPage {
                class: &class,
                answers: answer_lines(&state, &student)?,
                student: &student,
                csrf: signed_in.session.csrf.to_string(),
                nickname: typed.clone(),
                error: Some(error),
                notice: None,
            },
            None,
        )
    };
    let nickname = match Nickname::parse(&typed) {
        Ok(nickname) => nickname,
        Err(problem) => return again(problem.to_string()),
    };
    match state.storage.rename_student(&student, &nickname).await {
        Ok(renamed) => Ok(see_other(format!(
            "{}?notice=renamed",
            student_url(&class, &renamed)
        ))),
        Err(JoinError::NicknameTaken(existing)) => again(crate::classes::nickname_taken(
            &nickname,
            &existing,
            "in this class",
        )),
        Err(JoinError::Storage(error)) => Err(error.into()),
    }
}

/// `POST …/students/{student}/resume-code`: a new resume code for a student who lost it
/// (or whose code someone else has seen). Every browser that was the student is signed
/// out: the student types the new code on the device they mean to use.
pub async fn update_resume_code(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(&state, &request)?;
    let (class, student) = own_student(&state, &signed_in, &path.0, &path.1)?;
    check_session_form(&signed_in, form.csrf.as_deref())?;
    let student = state
        .storage
        .reset_resume_code(
            student.id,
            ResumeCode::random(&mut rand::rng()),
            Token::random(&mut rand::rng()),
        )
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such student in this class.".into()))?;
    tracing::warn!(
        class = %class.id,
        student = %student.id,
        "a new resume code: every device of the student is signed out"
    );
    Ok(see_other(format!(
        "{}?notice=resume-code",
        student_url(&class, &student)
    )))
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    csrf: Option<String>,
    confirm: Option<String>,
}

/// `POST …/students/{student}/delete`: removes the student and all their answers, once
/// the teacher has ticked the box that says so.
pub async fn delete_student(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    form: web::Form<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(&state, &request)?;
    let (class, student) = own_student(&state, &signed_in, &path.0, &path.1)?;
    check_session_form(&signed_in, form.csrf.as_deref())?;
    if form.confirm.as_deref() != Some("yes") {
        return Err(AppError::bad_request_with_back(
            "Tick the box to confirm that the student's answers should be deleted.",
            student_url(&class, &student),
        ));
    }
    state.storage.delete_student(&student).await?;
    Ok(see_other(class_url(&class)))
}

/// An assignment as the class page lists it.
pub struct AssignmentLine {
    pub url: String,
    pub title: String,
    pub details: String,
    pub done: usize,
    pub students: usize,
}

/// The class's assignments, described, with how many students finished each.
fn assignment_lines(
    state: &AppState,
    class: &Class,
    students: &[Student],
) -> Result<Vec<AssignmentLine>, AppError> {
    let mut lines = Vec::new();
    for assignment in state.storage.assignments_of(class.id)? {
        let pack_title = state
            .library
            .pack(&assignment.pack_id)
            .map(|pack| pack.title().to_string())
            .unwrap_or_else(|| assignment.pack_id.clone());
        let mut done = 0;
        for student in students {
            if let Some(round) = state.storage.assignment_round(assignment.id, student.id)?
                && round.next_unanswered().is_none()
            {
                done += 1;
            }
        }
        lines.push(AssignmentLine {
            url: format!("{}/assignments/{}", class_url(class), assignment.id),
            title: format!("{pack_title}: {}", assignment.focus.title()),
            details: describe_assignment(&assignment),
            done,
            students: students.len(),
        });
    }
    Ok(lines)
}

/// "10 questions · due 2026-11-30 · answers shown after the due date".
pub fn describe_assignment(assignment: &Assignment) -> String {
    let mut parts = vec![match assignment.length {
        Some(1) => "1 question".to_string(),
        Some(length) => format!("{length} questions"),
        None => "every question of that kind".to_string(),
    }];
    if let Some(deadline) = assignment.deadline {
        parts.push(format!("due {}", DueDate::from_deadline(deadline)));
    }
    parts.push(match assignment.feedback {
        FeedbackTiming::Immediate => "answers shown straight away".to_string(),
        FeedbackTiming::AfterDue => "answers shown after the due date".to_string(),
    });
    parts.join(" · ")
}

/// `POST /teachers/classes/{class}/assignments`: gives the class a lesson to do.
pub async fn create_assignment(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(&state, &request)?;
    let class = own_class(&state, &signed_in, &path)?;
    let field = |name: &str| {
        form.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    check_session_form(&signed_in, field("csrf"))?;
    let back = class_url(&class);
    let wrong = |message: String| AppError::bad_request_with_back(message, back.clone());
    let pack = field("pack")
        .and_then(|id| state.library.pack(id))
        .ok_or_else(|| wrong("Choose one of the lessons on offer.".into()))?;
    let focus = focus_of_form(&form).map_err(|message| {
        wrong(format!(
            "{message} Choose which skills the students practise."
        ))
    })?;
    let length = match field("length").map(str::trim) {
        None | Some("") | Some("all") => None,
        Some(text) => Some(
            text.parse::<usize>()
                .ok()
                .filter(|length| (1..=MAX_ROUND_LENGTH).contains(length))
                .ok_or_else(|| {
                    wrong(format!(
                        "The number of questions must be a whole number from 1 to {MAX_ROUND_LENGTH}, or empty for all; “{text}” is not."
                    ))
                })?,
        ),
    };
    let deadline = match field("due").map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(
            DueDate::parse(text)
                .ok_or_else(|| {
                    wrong(format!(
                        "“{text}” is not a date: use the date field, or leave it empty."
                    ))
                })?
                .deadline(),
        ),
    };
    let feedback = field("feedback")
        .and_then(FeedbackTiming::from_slug)
        .ok_or_else(|| wrong("Choose when students see the correct answers.".into()))?;
    if feedback == FeedbackTiming::AfterDue && deadline.is_none() {
        return Err(wrong(
            "To show the answers after the due date, give a due date.".into(),
        ));
    }
    let assignment = Assignment {
        id: Token::random(&mut rand::rng()),
        class: class.id,
        pack_id: pack.id().to_string(),
        focus,
        length,
        deadline,
        feedback,
        created_at: now(),
    };
    state.storage.create_assignment(&assignment).await?;
    Ok(see_other(format!("{back}#assignments")))
}
