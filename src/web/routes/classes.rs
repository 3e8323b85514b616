//! A teacher's classes: create one, show its join code (and on the projector, with a QR
//! code), lock it to new students, archive it, delete it.
//!
//! Invariant: every handler takes the class as an [`OwnedClass`] (or a student as an
//! [`OwnedStudent`]), which answers 404 for a class that is not the signed-in teacher's,
//! exactly as for one that does not exist.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{NoticeQuery, see_other};
use crate::assignments::{
    Assignment, DueDate, DueZone, FeedbackTiming, MAX_PICKED, QuestionOrder, Questions,
    check_picked, deadline_at, parse_time, parse_title,
};
use crate::classes::{
    Class, ClassName, ClassProblem, JoinCode, Nickname, ResumeCode, Student, parse_description,
};
use crate::content::Skill;
use crate::ids::Token;
use crate::measures::{Measures, Subject};
use crate::practice::{Focus, MAX_ROUND_LENGTH, plan_round};
use crate::storage::students::JoinError;
use crate::web::assignment_view::{assignments_done, describe_for_teacher};
use crate::web::error::AppError;
use crate::web::extract::{CheckedForm, Fields, OwnedClass, OwnedStudent, every_field, field};
use crate::web::measures_view::{JudgementRow, JudgementView, add_round};
use crate::web::sign_in::SignedIn;
use crate::web::view::{focus_of_form, qr_svg};
use crate::web::{AppState, JoinLink, now};

fn class_url(class: &Class) -> String {
    format!("/teachers/classes/{}", class.id)
}

/// The address students open to join, and what to tell the teacher if phones cannot.
fn join_link(state: &AppState, request: &HttpRequest, code: &JoinCode) -> JoinLink {
    crate::web::join_link(state, request, &format!("join/{}", code.as_str()))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewClassForm {
    name: String,
    description: String,
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
    signed_in: SignedIn,
    CheckedForm(form): CheckedForm<NewClassForm>,
) -> Result<HttpResponse, AppError> {
    let checked = ClassName::parse(&form.name)
        .and_then(|name| Ok::<_, ClassProblem>((name, parse_description(&form.description)?)));
    let (name, description) = match checked {
        Ok(values) => values,
        Err(problem) => {
            let page = NewClassPage {
                csrf: signed_in.sign_in.csrf.to_string(),
                name: form.name,
                description: form.description,
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
    overview: Overview,
    assignments: Vec<AssignmentLine>,
    /// The assign form, as typed (or as it starts).
    form: AssignForm,
    packs: Vec<PackChoice>,
    /// The skills an assignment can practise, as checkboxes with their counts.
    skills: Vec<SkillChoice>,
    /// The questions a teacher can pick by hand, by lesson and skill.
    pick_groups: Vec<PickGroup>,
    max_picked: usize,
    /// What is wrong with the assign form, when it comes back.
    error: Option<String>,
}

/// A lesson in the assign form's list.
pub struct PackChoice {
    id: String,
    title: String,
    selected: bool,
}

/// A skill's checkbox in the assign form, with how many questions each lesson has.
pub struct SkillChoice {
    slug: &'static str,
    title: &'static str,
    counts: String,
    ticked: bool,
}

/// A lesson's questions of one skill, to pick by hand.
pub struct PickGroup {
    title: String,
    questions: Vec<PickChoice>,
}

/// A question to pick by hand: its prompt and skill.
pub struct PickChoice {
    id: String,
    prompt: String,
    skill: &'static str,
    ticked: bool,
}

/// What the assign form holds: as it starts, or as the teacher sent it, so that a form
/// that comes back with a mistake keeps everything typed.
pub struct AssignForm {
    pack: String,
    skills: Vec<String>,
    length: String,
    /// `same`, `picked` or `own`.
    questions: String,
    shuffled: bool,
    picked: Vec<String>,
    title: String,
    due: String,
    due_time: String,
    feedback: String,
}

impl AssignForm {
    /// The form as it starts: every skill, 10 questions, the same for everyone.
    fn blank() -> AssignForm {
        AssignForm {
            pack: String::new(),
            skills: Skill::ALL
                .iter()
                .map(|skill| skill.slug().to_string())
                .collect(),
            length: "10".into(),
            questions: "same".into(),
            shuffled: false,
            picked: Vec::new(),
            title: String::new(),
            due: String::new(),
            due_time: String::new(),
            feedback: FeedbackTiming::Immediate.slug().into(),
        }
    }

    fn sent(fields: &[(String, String)]) -> AssignForm {
        let field = |name: &str| field(fields, name).unwrap_or_default().to_string();
        let all = |name: &str| {
            every_field(fields, name)
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        let mut skills = all("skill");
        if skills.is_empty()
            && let Ok(focus) = focus_of_form(fields)
        {
            skills = focus
                .skills()
                .map(|skill| skill.slug().to_string())
                .collect();
        }
        AssignForm {
            pack: field("pack"),
            skills,
            length: field("length"),
            questions: match field("questions").as_str() {
                "" => "same".into(),
                other => other.into(),
            },
            shuffled: field("order") == QuestionOrder::Shuffled.slug(),
            picked: all("pick"),
            title: field("title"),
            due: field("due"),
            due_time: field("due_time"),
            feedback: field("feedback"),
        }
    }

    fn skill_ticked(&self, slug: &str) -> bool {
        self.skills.iter().any(|ticked| ticked == slug)
    }

    fn is_picked(&self, id: &str) -> bool {
        self.picked.iter().any(|picked| picked == id)
    }
}

/// The assign form's lists: the lessons, the skills with their counts, and every
/// question to pick from.
fn assign_choices(
    state: &AppState,
    teacher: Token,
    form: &AssignForm,
) -> (Vec<PackChoice>, Vec<SkillChoice>, Vec<PickGroup>) {
    let packs = state.shelf.packs_for(teacher);
    let several = packs.len() > 1;
    let pack_choices = packs
        .iter()
        .map(|pack| PackChoice {
            id: pack.id().to_string(),
            title: pack.title().to_string(),
            selected: pack.id() == form.pack,
        })
        .collect();
    let skills = Skill::ALL
        .iter()
        .map(|&skill| {
            let counts: Vec<String> = packs
                .iter()
                .map(|pack| {
                    let count = pack.exercises_of(skill).count();
                    let noun = if count == 1 { "question" } else { "questions" };
                    if several {
                        format!("{count} {noun} in {}", pack.title())
                    } else {
                        format!("{count} {noun}")
                    }
                })
                .collect();
            SkillChoice {
                slug: skill.slug(),
                title: skill.title(),
                counts: counts.join(", "),
                ticked: form.skill_ticked(skill.slug()),
            }
        })
        .collect();
    let mut groups = Vec::new();
    for pack in &packs {
        for skill in Skill::ALL {
            let questions: Vec<PickChoice> = pack
                .exercises_of(skill)
                .map(|exercise| PickChoice {
                    id: exercise.id().to_string(),
                    prompt: crate::web::view::excerpt(exercise),
                    skill: skill.title(),
                    ticked: form.is_picked(exercise.id()),
                })
                .collect();
            if questions.is_empty() {
                continue;
            }
            groups.push(PickGroup {
                title: if several {
                    format!("{}: {} ({})", pack.title(), skill.title(), questions.len())
                } else {
                    format!("{} ({})", skill.title(), questions.len())
                },
                questions,
            });
        }
    }
    (pack_choices, skills, groups)
}

/// The class page, with the assign form as `form` holds it and `error` if it came back.
async fn class_page(
    state: &web::Data<AppState>,
    request: &HttpRequest,
    signed_in: &SignedIn,
    class: Class,
    form: AssignForm,
    error: Option<String>,
) -> Result<String, AppError> {
    let csrf = signed_in.sign_in.csrf.to_string();
    let JoinLink {
        url: join_url,
        warning: join_warning,
    } = join_link(state, request, &class.code);
    // Every student's progress: a report over the whole class, made off the worker.
    super::off_worker(state, move |state| {
        let students = state.storage.students_of(class.id)?;
        let (packs, skills, pick_groups) = assign_choices(state, class.teacher, &form);
        Ok(ClassPage {
            class: &class,
            csrf,
            join_url,
            join_warning,
            assignments: assignment_lines(state, &class, &students)?,
            overview: overview(state, &class, &students)?,
            students,
            form,
            packs,
            skills,
            pick_groups,
            max_picked: MAX_PICKED,
            error,
        }
        .render()?)
    })
    .await
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

/// The class overview: a line per student, and the class's judgement over everything
/// its students answered, with each student's.
struct Overview {
    rows: Vec<OverviewRow>,
    judgement: JudgementView,
    judgements: Vec<JudgementRow>,
}

fn overview(state: &AppState, class: &Class, students: &[Student]) -> Result<Overview, AppError> {
    let assignments = state.storage.assignments_of(class.id)?;
    let mut rows = Vec::new();
    let mut class_measures = Measures::default();
    let mut judgements = Vec::new();
    for student in students {
        let done = assignments_done(state, student, &assignments)?;
        let mut measures = Measures::default();
        let tally = state
            .storage
            .progress(student.learner, 0, |round| {
                add_round(&mut measures, &state.shelf, round);
                true
            })?
            .tally;
        judgements.extend(JudgementRow::of(
            student.nickname.as_str(),
            student_url(class, student),
            &measures,
        ));
        class_measures.merge(&measures);
        rows.push(OverviewRow {
            url: student_url(class, student),
            nickname: student.nickname.as_str().to_string(),
            done,
            assigned: assignments.len(),
            scores: tally.scores().to_vec(),
        });
    }
    Ok(Overview {
        rows,
        judgement: JudgementView::of(&class_measures, &Subject::Class),
        judgements,
    })
}

/// `GET /teachers/classes/{class}`.
pub async fn show_class(
    state: web::Data<AppState>,
    request: HttpRequest,
    OwnedClass { signed_in, class }: OwnedClass,
) -> Result<HttpResponse, AppError> {
    let page = class_page(
        &state,
        &request,
        &signed_in,
        class,
        AssignForm::blank(),
        None,
    )
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
    OwnedClass { class, .. }: OwnedClass,
) -> Result<HttpResponse, AppError> {
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

#[derive(Deserialize)]
pub struct SwitchForm {
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

/// What switching a class on or off reads from a request.
type SwitchRequest = (web::Data<AppState>, OwnedClass, CheckedForm<SwitchForm>);

/// `POST /teachers/classes/{class}/locked`: closes or opens the class to new students.
pub async fn update_locked(asked: SwitchRequest) -> Result<HttpResponse, AppError> {
    update_switch(asked, |class, on| class.locked = on).await
}

/// `POST /teachers/classes/{class}/archived`: puts the class away or brings it back.
pub async fn update_archived(asked: SwitchRequest) -> Result<HttpResponse, AppError> {
    update_switch(asked, |class, on| class.archived = on).await
}

async fn update_switch(
    (state, OwnedClass { mut class, .. }, CheckedForm(form)): SwitchRequest,
    apply: impl FnOnce(&mut Class, bool),
) -> Result<HttpResponse, AppError> {
    apply(&mut class, switch(&form)?);
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
    _state: web::Data<AppState>,
    OwnedClass { signed_in, class }: OwnedClass,
) -> Result<HttpResponse, AppError> {
    super::html(&DeleteClassPage {
        class: &class,
        csrf: signed_in.sign_in.csrf.to_string(),
    })
}

/// `POST /teachers/classes/{class}/delete`: deletes the class.
pub async fn delete_class(
    state: web::Data<AppState>,
    OwnedClass { class, .. }: OwnedClass,
    _form: CheckedForm<()>,
) -> Result<HttpResponse, AppError> {
    state.storage.delete_class_and_students(&class).await?;
    Ok(see_other("/teachers?notice=class-deleted"))
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
    /// The version of the exercise answered, for a teacher's own pack.
    version: Option<u32>,
}

/// Every answer the student gave, newest first.
fn answer_lines(state: &AppState, student: &Student) -> Result<Vec<AnswerLine>, AppError> {
    let progress = state
        .storage
        .progress(student.learner, usize::MAX, |_| true)?;
    let mut lines = Vec::new();
    let mut records = std::collections::HashMap::new();
    for round in progress.recent_rounds {
        let pack = state.shelf.pack(&round.pack_id);
        let pack = pack.as_deref();
        // A teacher's pack's record holds its files whole: read once for all its rounds.
        if !records.contains_key(&round.pack_id) {
            let record = crate::web::own_packs::record_of(&state.storage, &round.pack_id)?;
            records.insert(round.pack_id.clone(), record);
        }
        let record = &records[&round.pack_id];
        for answer in round.answers.iter().flatten() {
            let exercise = pack.and_then(|pack| pack.exercise(&answer.exercise_id));
            lines.push((
                answer.answered_at,
                AnswerLine {
                    when: crate::web::format_time(answer.answered_at),
                    skill: answer.skill.title(),
                    question: exercise
                        .map(crate::web::view::excerpt)
                        .unwrap_or_else(|| answer.exercise_id.clone()),
                    chosen: exercise
                        .and_then(|exercise| exercise.choice(&answer.choice))
                        .map(|choice| choice.label().to_string())
                        .unwrap_or_else(|| answer.choice.clone()),
                    right: answer.correct,
                    version: record.as_ref().and_then(|record| {
                        record.version_of(
                            &answer.exercise_id,
                            answer.fingerprint,
                            answer.answered_at,
                        )
                    }),
                },
            ));
        }
    }
    lines.sort_by_key(|(when, _)| std::cmp::Reverse(*when));
    Ok(lines.into_iter().map(|(_, line)| line).collect())
}

/// `GET /teachers/classes/{class}/students/{student}`: rename, new resume code, remove.
pub async fn show_student(
    state: web::Data<AppState>,
    owned: OwnedStudent,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = match query.notice.as_deref() {
        Some("renamed") => Some("The nickname has been changed."),
        Some("resume-code") => Some(
            "The student has a new resume code; the old one no longer works, and every device that used it is signed out.",
        ),
        _ => None,
    };
    let nickname = owned.student.nickname.as_str().to_string();
    student_page(&state, &owned, StatusCode::OK, nickname, None, notice)
}

/// The teacher's page of a student, with the rename form holding `nickname` and the
/// `error` it came back with, if any.
fn student_page(
    state: &AppState,
    OwnedStudent {
        signed_in,
        class,
        student,
    }: &OwnedStudent,
    status: StatusCode,
    nickname: String,
    error: Option<String>,
    notice: Option<&'static str>,
) -> Result<HttpResponse, AppError> {
    super::html_with(
        status,
        &StudentPage {
            class,
            answers: answer_lines(state, student)?,
            student,
            csrf: signed_in.sign_in.csrf.to_string(),
            nickname,
            error,
            notice,
        },
        None,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RenameForm {
    nickname: String,
}

/// `POST …/students/{student}/nickname`.
pub async fn update_nickname(
    state: web::Data<AppState>,
    owned: OwnedStudent,
    CheckedForm(form): CheckedForm<RenameForm>,
) -> Result<HttpResponse, AppError> {
    let again = |error: String| {
        let typed = form.nickname.clone();
        student_page(
            &state,
            &owned,
            StatusCode::BAD_REQUEST,
            typed,
            Some(error),
            None,
        )
    };
    let nickname = match Nickname::parse(&form.nickname) {
        Ok(nickname) => nickname,
        Err(problem) => return again(problem.to_string()),
    };
    match state
        .storage
        .rename_student(&owned.student, &nickname)
        .await
    {
        Ok(renamed) => Ok(see_other(format!(
            "{}?notice=renamed",
            student_url(&owned.class, &renamed)
        ))),
        Err(JoinError::NicknameTaken(existing)) => again(crate::classes::nickname_taken(
            &nickname,
            &existing,
            "in this class",
        )),
        Err(JoinError::NoSuchClass) => Err(AppError::NotFound(
            "There is no such student in this class.".into(),
        )),
        Err(JoinError::Storage(error)) => Err(error.into()),
    }
}

/// `POST …/students/{student}/resume-code`: a new resume code for a student who lost it
/// (or whose code someone else has seen). Every browser that was the student is signed
/// out: the student types the new code on the device they mean to use.
pub async fn update_resume_code(
    state: web::Data<AppState>,
    OwnedStudent { class, student, .. }: OwnedStudent,
    _form: CheckedForm<()>,
) -> Result<HttpResponse, AppError> {
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
    confirm: Option<String>,
}

/// `POST …/students/{student}/delete`: removes the student and all their answers, once
/// the teacher has ticked the box that says so.
pub async fn delete_student(
    state: web::Data<AppState>,
    OwnedStudent { class, student, .. }: OwnedStudent,
    CheckedForm(form): CheckedForm<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
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
    /// The page of its pre- and post-test pair, if it is in one.
    pub pair_url: Option<String>,
}

/// The class's assignments, described, with how many students finished each.
fn assignment_lines(
    state: &AppState,
    class: &Class,
    students: &[Student],
) -> Result<Vec<AssignmentLine>, AppError> {
    let mut lines = Vec::new();
    for assignment in state.storage.assignments_of(class.id)? {
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
            title: assignment.title(),
            details: describe_for_teacher(state, &assignment),
            done,
            students: students.len(),
            pair_url: assignment.pair.as_ref().map(|role| {
                let pre = match role.role {
                    crate::pairs::Role::Pre => assignment.id,
                    crate::pairs::Role::Post => role.other,
                };
                format!("{}/pairs/{pre}", class_url(class))
            }),
        });
    }
    Ok(lines)
}

/// `POST /teachers/classes/{class}/assignments`: gives the class a lesson to do. A
/// form with a mistake comes back on the class page, open, with everything typed.
pub async fn create_assignment(
    state: web::Data<AppState>,
    request: HttpRequest,
    OwnedClass { signed_in, class }: OwnedClass,
    CheckedForm(fields): CheckedForm<Fields>,
) -> Result<HttpResponse, AppError> {
    let assignment = match assignment_of_form(&state, &class, &fields) {
        Ok(assignment) => assignment,
        Err(message) => {
            let page = class_page(
                &state,
                &request,
                &signed_in,
                class,
                AssignForm::sent(&fields),
                Some(message),
            )
            .await?;
            return Ok(HttpResponse::build(StatusCode::BAD_REQUEST)
                .content_type("text/html; charset=utf-8")
                .body(page));
        }
    };
    state.storage.create_assignment(&assignment).await?;
    Ok(see_other(format!("{}#assignments", class_url(&class))))
}

/// Reads the assign form into an assignment, or says what is wrong with it.
fn assignment_of_form(
    state: &AppState,
    class: &Class,
    fields: &[(String, String)],
) -> Result<Assignment, String> {
    let field = |name: &str| field(fields, name);
    let pack = field("pack")
        .and_then(|id| state.shelf.pack_for(class.teacher, id))
        .ok_or("Choose one of the lessons on offer.")?;
    let pack = &*pack;
    let title = parse_title(field("title").unwrap_or_default())?;
    let order = match field("order").map(str::trim) {
        None | Some("") => QuestionOrder::Fixed,
        Some(slug) => QuestionOrder::from_slug(slug)
            .ok_or("Choose whether the questions come in the same order for everyone.")?,
    };
    let length = || {
        match field("length").map(str::trim) {
        None | Some("") | Some("all") => Ok(None),
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|length| (1..=MAX_ROUND_LENGTH).contains(length))
            .map(Some)
            .ok_or_else(|| {
                format!(
                    "The number of questions must be a whole number from 1 to {MAX_ROUND_LENGTH}, or empty for all; “{text}” is not."
                )
            }),
    }
    };
    let focus = || {
        focus_of_form(fields)
            .map_err(|message| format!("{message} Choose which skills the students practise."))
    };
    let (focus, length, questions) = match field("questions").map(str::trim) {
        None | Some("") | Some("same") => {
            let focus = focus()?;
            let length = length()?;
            let seed = rand::Rng::random::<u64>(&mut rand::rng());
            let all = pack.exercises().len();
            let exercise_ids = plan_round(pack, focus, length.unwrap_or(all), seed);
            if exercise_ids.is_empty() {
                return Err("This lesson has no questions of the skills ticked.".into());
            }
            let count = exercise_ids.len();
            let questions = Questions::Same {
                exercise_ids,
                order,
                picked: false,
            };
            (focus, Some(length.unwrap_or(count)), questions)
        }
        Some("picked") => {
            let picked: Vec<&str> = every_field(fields, "pick")
                .into_iter()
                .map(str::trim)
                .collect();
            let exercise_ids = check_picked(&picked, pack.exercises().iter().map(|e| e.id()))
                .map_err(|problem| problem.to_string())?;
            // The skills are those of the questions picked.
            let focus = Focus::of(
                exercise_ids
                    .iter()
                    .filter_map(|id| pack.exercise(id))
                    .map(|exercise| exercise.skill()),
            )
            .ok_or("No question was picked.")?;
            let count = exercise_ids.len();
            let questions = Questions::Same {
                exercise_ids,
                order,
                picked: true,
            };
            (focus, Some(count), questions)
        }
        Some("own") => (focus()?, length()?, Questions::EachTheirOwn),
        Some(_) => return Err("Choose which questions the students get.".into()),
    };
    let zone = DueZone::parse(
        field("tz_offset").unwrap_or_default(),
        field("tz_name").unwrap_or_default(),
    )
    .ok_or("The time zone sent with the form was not understood: reload the page and try again.")?;
    let time = match field("due_time").map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(parse_time(text).ok_or_else(|| {
            format!("“{text}” is not a time: use the time field (such as 17:00), or leave it empty for the end of the day.")
        })?),
    };
    let deadline = match field("due").map(str::trim) {
        None | Some("") if time.is_some() => {
            return Err(
                "A due time needs a due date: give the date too, or clear the time.".into(),
            );
        }
        None | Some("") => None,
        Some(text) => Some(deadline_at(
            DueDate::parse(text).ok_or_else(|| {
                format!("“{text}” is not a date: use the date field, or leave it empty.")
            })?,
            time,
            &zone,
        )),
    };
    let feedback = field("feedback")
        .and_then(FeedbackTiming::from_slug)
        .ok_or("Choose when students see the correct answers.")?;
    if feedback == FeedbackTiming::AfterDue && deadline.is_none() {
        return Err("To show the answers after the due date, give a due date.".into());
    }
    Ok(Assignment {
        id: Token::random(&mut rand::rng()),
        class: class.id,
        pack_id: pack.id().to_string(),
        focus,
        length,
        deadline,
        feedback,
        created_at: now(),
        title,
        questions,
        due_zone: zone,
        pair: None,
    })
}
