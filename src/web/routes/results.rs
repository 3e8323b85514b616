//! What a teacher learns from a class: per assignment, who did what and how each
//! exercise went (options chosen, facility, discrimination); and CSV exports.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::assignments::{Assignment, Status};
use crate::classes::{Class, Student};
use crate::content::{Exercise, Pack};
use crate::measures::{Measures, Subject};
use crate::practice::{Confidence, Round};
use crate::results::{ItemResponse, item_statistics};
use crate::web::assignment_view::{assignments_done, describe_for_teacher};
use crate::web::csv::{csv_bytes, csv_download};
use crate::web::error::AppError;
use crate::web::extract::{OwnedAssignment, OwnedClass};
use crate::web::measures_view::{
    DiscernmentJson, JudgementRow, JudgementView, LevelJson, add_round, levels_json,
};
use crate::web::view::{Gloss, VersionView, version_views};
use crate::web::{AppState, format_time, now};
use serde::Serialize;

/// Every student of the class with their round for the assignment, if started.
fn rounds_of(
    state: &AppState,
    class: &Class,
    assignment: &Assignment,
) -> Result<Vec<(Student, Option<Round>)>, AppError> {
    let mut rows = Vec::new();
    for student in state.storage.students_of(class.id)? {
        let round = state.storage.assignment_round(assignment.id, student.id)?;
        rows.push((student, round));
    }
    Ok(rows)
}

struct StudentRow {
    url: String,
    nickname: String,
    status: &'static str,
    answered: usize,
    total: usize,
    correct: usize,
    /// One cell per question of the grid, in the grid's order.
    cells: Vec<Cell>,
}

/// A student's mark for one question in the student-by-question grid.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cell {
    Right,
    Wrong,
    /// Among the student's questions, not answered yet.
    NotDone,
    /// Not among the student's questions (each student had their own).
    NotGiven,
}

impl Cell {
    fn symbol(self) -> &'static str {
        match self {
            Cell::Right => "✓",
            Cell::Wrong => "✗",
            Cell::NotDone => "–",
            Cell::NotGiven => "",
        }
    }

    /// What a screen reader says instead of the symbol.
    fn words(self) -> &'static str {
        match self {
            Cell::Right => "right",
            Cell::Wrong => "wrong",
            Cell::NotDone => "not done",
            Cell::NotGiven => "not given",
        }
    }

    fn class(self) -> &'static str {
        match self {
            Cell::Right => "mark-right",
            Cell::Wrong => "mark-wrong",
            Cell::NotDone => "mark-not-done",
            Cell::NotGiven => "mark-not-given",
        }
    }
}

struct OptionBar {
    label: String,
    count: usize,
    /// Bar length, as a share of the widest possible bar (0 to 100).
    width: usize,
    is_correct: bool,
}

struct ExerciseResult {
    /// The question's number in the assignment (its place in the list everyone got, or
    /// in the lesson among those answered).
    number: usize,
    id: String,
    url: String,
    question: String,
    prompt: String,
    answered: usize,
    wrong: usize,
    facility: Option<usize>,
    bars: Vec<OptionBar>,
    most_common_wrong: Option<(String, usize)>,
    discrimination: Option<String>,
    correct_label: String,
    explanation: String,
}

#[derive(Template)]
#[template(path = "teachers/assignment.html")]
struct AssignmentPage<'a> {
    class: &'a Class,
    assignment_id: String,
    title: String,
    details: String,
    students: Vec<StudentRow>,
    /// Most missed first.
    exercises: Vec<ExerciseResult>,
    min_for_discrimination: usize,
    /// Each student had their own questions, so some cells of the grid stay blank.
    each_their_own: bool,
    /// The class's calibration and discernment on this assignment.
    judgement: JudgementView,
    /// Each student's, who answered.
    judgements: Vec<JudgementRow>,
}

fn prompt_of(exercise: &Exercise) -> String {
    exercise
        .claim()
        .map(str::to_string)
        .or_else(|| exercise.passage().map(|passage| passage.text().to_string()))
        .unwrap_or_default()
}

/// `GET /teachers/classes/{class}/assignments/{assignment}`: who did what, a grid of
/// students by questions, and the questions most missed first.
pub async fn show_assignment(
    state: web::Data<AppState>,
    OwnedAssignment { class, assignment }: OwnedAssignment,
) -> Result<HttpResponse, AppError> {
    let page = super::off_worker(&state, move |state| {
        let pack = state.shelf.pack(&assignment.pack_id);
        let rows = rounds_of(state, &class, &assignment)?;
        let exercises = match pack.as_deref() {
            Some(pack) => exercise_results(
                pack,
                &assignment,
                &rows,
                &format!(
                    "/teachers/classes/{}/assignments/{}",
                    class.id, assignment.id
                ),
            ),
            None => Vec::new(),
        };
        let (judgement, judgements) = judgements(state, &class, &rows);
        let students = rows
            .iter()
            .map(|(student, round)| {
                let (answered, total, correct) = round
                    .as_ref()
                    .map(|round| (round.answered(), round.len(), round.tally().correct()))
                    .unwrap_or((0, 0, 0));
                StudentRow {
                    url: format!("/teachers/classes/{}/students/{}", class.id, student.id),
                    nickname: student.nickname.as_str().to_string(),
                    status: Status::of(
                        round.as_ref().map(|round| (round.answered(), round.len())),
                        assignment.deadline,
                        now(),
                    )
                    .label(),
                    answered,
                    total,
                    correct,
                    cells: exercises
                        .iter()
                        .map(|exercise| cell_of(&assignment, round.as_ref(), &exercise.id))
                        .collect(),
                }
            })
            .collect();
        Ok(AssignmentPage {
            class: &class,
            assignment_id: assignment.id.to_string(),
            title: assignment.title(),
            details: describe_for_teacher(state, &assignment),
            students,
            exercises,
            min_for_discrimination: crate::results::MIN_STUDENTS_FOR_DISCRIMINATION,
            each_their_own: assignment.questions.same_list().is_none(),
            judgement,
            judgements,
        }
        .render()?)
    })
    .await?;
    Ok(super::html_page(page))
}

/// The class's judgement on an assignment, and each student's who answered.
fn judgements(
    state: &AppState,
    class: &Class,
    rows: &[(Student, Option<Round>)],
) -> (JudgementView, Vec<JudgementRow>) {
    let mut class_measures = Measures::default();
    let mut students = Vec::new();
    for (student, round) in rows {
        let Some(round) = round.as_ref().filter(|round| round.answered() > 0) else {
            continue;
        };
        let mut measures = Measures::default();
        add_round(&mut measures, &state.shelf, round);
        class_measures.merge(&measures);
        students.extend(JudgementRow::of(
            student.nickname.as_str(),
            format!("/teachers/classes/{}/students/{}", class.id, student.id),
            &measures,
        ));
    }
    (
        JudgementView::of(&class_measures, &Subject::Class),
        students,
    )
}

/// A student's mark for the exercise `id`: from their round if it has the exercise;
/// before they start, "not done" if everyone gets the same questions.
fn cell_of(assignment: &Assignment, round: Option<&Round>, id: &str) -> Cell {
    match round {
        Some(round) => match round.exercise_ids.iter().position(|planned| planned == id) {
            Some(position) => match &round.answers[position] {
                Some(answer) if answer.correct => Cell::Right,
                Some(_) => Cell::Wrong,
                None => Cell::NotDone,
            },
            None => Cell::NotGiven,
        },
        None if assignment.questions.same_list().is_some() => Cell::NotDone,
        None => Cell::NotGiven,
    }
}

/// Per exercise, most missed first: the statistics and a bar per option. An assignment
/// that gives everyone the same questions lists them all, answered or not; otherwise
/// the exercises someone answered.
fn exercise_results(
    pack: &Pack,
    assignment: &Assignment,
    rows: &[(Student, Option<Round>)],
    results_url: &str,
) -> Vec<ExerciseResult> {
    let score = |round: &Round| {
        let answered = round.answered();
        if answered == 0 {
            0.0
        } else {
            round.tally().correct() as f64 / answered as f64
        }
    };
    // One pass over every answer, grouped by exercise: linear in the answers.
    let mut by_exercise: std::collections::HashMap<&str, Vec<ItemResponse>> =
        std::collections::HashMap::new();
    for round in rows.iter().filter_map(|(_, round)| round.as_ref()) {
        let student_score = score(round);
        for answer in round.answers.iter().flatten() {
            by_exercise
                .entry(answer.exercise_id.as_str())
                .or_default()
                .push(ItemResponse {
                    choice: answer.choice.clone(),
                    correct: answer.correct,
                    student_score,
                });
        }
    }
    let listed: Vec<&Exercise> = match assignment.questions.same_list() {
        Some(ids) => ids.iter().filter_map(|id| pack.exercise(id)).collect(),
        None => pack
            .exercises()
            .iter()
            .filter(|exercise| by_exercise.contains_key(exercise.id()))
            .collect(),
    };
    let mut results = Vec::new();
    for (index, exercise) in listed.into_iter().enumerate() {
        let responses = by_exercise
            .get(exercise.id())
            .map(Vec::as_slice)
            .unwrap_or_default();
        let statistics = item_statistics(responses);
        let most = statistics
            .chosen
            .values()
            .copied()
            .max()
            .unwrap_or(1)
            .max(1);
        let bars = exercise
            .choices()
            .iter()
            .map(|choice| {
                let count = statistics.chosen.get(choice.answer()).copied().unwrap_or(0);
                OptionBar {
                    label: choice.label().to_string(),
                    count,
                    width: count * 100 / most,
                    is_correct: choice.answer() == exercise.correct_choice().answer(),
                }
            })
            .collect();
        results.push(ExerciseResult {
            number: index + 1,
            id: exercise.id().to_string(),
            url: format!("{results_url}/exercises/{}", exercise.id()),
            question: exercise.question().to_string(),
            prompt: prompt_of(exercise),
            answered: statistics.answered,
            wrong: statistics.answered - statistics.correct,
            facility: statistics
                .facility()
                .map(|facility| (facility * 100.0).round() as usize),
            bars,
            most_common_wrong: statistics
                .most_common_wrong
                .as_ref()
                .map(|(choice, count)| {
                    (
                        exercise
                            .choice(choice)
                            .map(|choice| choice.label().to_string())
                            .unwrap_or_else(|| choice.clone()),
                        *count,
                    )
                }),
            discrimination: statistics
                .discrimination
                .map(|index| format!("{index:+.2}")),
            correct_label: exercise.correct_choice().label().to_string(),
            explanation: exercise.explanation().to_string(),
        });
    }
    results.sort_by(most_missed_first);
    results
}

/// Most missed first (see [`crate::results::most_missed_first`]).
fn most_missed_first(left: &ExerciseResult, right: &ExerciseResult) -> std::cmp::Ordering {
    crate::results::most_missed_first(
        (left.answered, left.wrong, left.number),
        (right.answered, right.wrong, right.number),
    )
}

/// `GET …/assignments/{assignment}/results.csv`: one row per student per exercise.
pub async fn export_assignment(
    state: web::Data<AppState>,
    OwnedAssignment { class, assignment }: OwnedAssignment,
) -> Result<HttpResponse, AppError> {
    let filename = format!("assignment-{}.csv", assignment.id);
    let bytes = super::off_worker(&state, move |state| {
        let pack = state.shelf.pack(&assignment.pack_id);
        let pack = pack.as_deref();
        let record = crate::web::own_packs::record_of(&state.storage, &assignment.pack_id)?;
        let mut rows = vec![
            [
                "nickname",
                "question",
                "exercise",
                "skill",
                "chosen",
                "correct answer",
                "right",
                "how sure",
                "answered at (UTC)",
                "version",
            ]
            .map(str::to_string)
            .to_vec(),
        ];
        for (student, round) in rounds_of(state, &class, &assignment)? {
            let Some(round) = round else { continue };
            for (position, answer) in round.answers.iter().enumerate() {
                let Some(answer) = answer else { continue };
                let exercise = pack.and_then(|pack| pack.exercise(&answer.exercise_id));
                let label = |answer: &str| {
                    exercise
                        .and_then(|exercise| exercise.choice(answer))
                        .map(|choice| choice.label().to_string())
                        .unwrap_or_else(|| answer.to_string())
                };
                rows.push(vec![
                    student.nickname.as_str().to_string(),
                    (position + 1).to_string(),
                    answer.exercise_id.clone(),
                    answer.skill.title().to_string(),
                    label(&answer.choice),
                    exercise
                        .map(|exercise| exercise.correct_choice().label().to_string())
                        .unwrap_or_default(),
                    if answer.correct { "yes" } else { "no" }.to_string(),
                    answer
                        .confidence
                        .map_or("not said", Confidence::label)
                        .to_string(),
                    format_time(answer.answered_at),
                    record
                        .as_ref()
                        .and_then(|record| {
                            record.version_of(
                                &answer.exercise_id,
                                answer.fingerprint,
                                answer.answered_at,
                            )
                        })
                        .map(|version| version.to_string())
                        .unwrap_or_default(),
                ]);
            }
        }
        csv_bytes(rows)
    })
    .await?;
    Ok(csv_download(&filename, bytes))
}

/// The measures of a class or a student, as the assignment's JSON gives them.
#[derive(Serialize)]
struct MeasuresJson {
    answered: usize,
    correct: usize,
    discernment: DiscernmentJson,
    quote_discernment: DiscernmentJson,
    calibration: Vec<LevelJson>,
}

impl MeasuresJson {
    fn of(answered: usize, correct: usize, measures: &Measures) -> MeasuresJson {
        MeasuresJson {
            answered,
            correct,
            discernment: DiscernmentJson::of(measures.contested()),
            quote_discernment: DiscernmentJson::of(measures.quote()),
            calibration: levels_json(measures.calibration()),
        }
    }
}

#[derive(Serialize)]
struct StudentJson {
    nickname: String,
    /// How many questions the student's round has; 0 before they start.
    questions: usize,
    #[serde(flatten)]
    measures: MeasuresJson,
}

#[derive(Serialize)]
struct AssignmentJson {
    assignment: String,
    title: String,
    pack: String,
    class: MeasuresJson,
    students: Vec<StudentJson>,
}

/// `GET /teachers/classes/{class}/assignments/{assignment}/results.json`: the class's
/// and each student's scores, discernment and calibration (`docs/measures.md`).
pub async fn export_assignment_json(
    state: web::Data<AppState>,
    OwnedAssignment { class, assignment }: OwnedAssignment,
) -> Result<HttpResponse, AppError> {
    let body = super::off_worker(&state, move |state| {
        let mut class_measures = Measures::default();
        let (mut answered, mut correct) = (0, 0);
        let mut students = Vec::new();
        for (student, round) in rounds_of(state, &class, &assignment)? {
            let mut measures = Measures::default();
            let (questions, tally) = match &round {
                Some(round) => {
                    add_round(&mut measures, &state.shelf, round);
                    (round.len(), round.tally())
                }
                None => (0, Default::default()),
            };
            class_measures.merge(&measures);
            answered += tally.answered();
            correct += tally.correct();
            students.push(StudentJson {
                nickname: student.nickname.as_str().to_string(),
                questions,
                measures: MeasuresJson::of(tally.answered(), tally.correct(), &measures),
            });
        }
        serde_json::to_vec(&AssignmentJson {
            assignment: assignment.id.to_string(),
            title: assignment.title(),
            pack: assignment.pack_id.clone(),
            class: MeasuresJson::of(answered, correct, &class_measures),
            students,
        })
        .map_err(|error| AppError::Fault(error.to_string()))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(body))
}

/// `GET /teachers/classes/{class}/gradebook.csv`: one row per student.
pub async fn export_gradebook(
    state: web::Data<AppState>,
    OwnedClass { class, .. }: OwnedClass,
) -> Result<HttpResponse, AppError> {
    let filename = format!("gradebook-{}.csv", class.id);
    let bytes = super::off_worker(&state, move |state| {
        let assignments = state.storage.assignments_of(class.id)?;
        let mut header = vec!["nickname".to_string(), "assignments done".to_string()];
        for skill in crate::content::Skill::ALL {
            header.push(format!("{} answered", skill.title()));
            header.push(format!("{} right", skill.title()));
        }
        let mut rows = vec![header];
        for student in state.storage.students_of(class.id)? {
            let done = assignments_done(state, &student, &assignments)?;
            let tally = state.storage.progress(student.learner, 0, |_| true)?.tally;
            let mut row = vec![
                student.nickname.as_str().to_string(),
                format!("{done} of {}", assignments.len()),
            ];
            for score in tally.scores() {
                row.push(score.answered.to_string());
                row.push(score.correct.to_string());
            }
            rows.push(row);
        }
        csv_bytes(rows)
    })
    .await?;
    Ok(csv_download(&filename, bytes))
}

struct DiscussedOption {
    label: String,
    why: String,
    is_correct: bool,
    chosen_by: usize,
}

struct DiscussedQuote {
    source_title: String,
    note: Option<String>,
    text: String,
}

#[derive(Template)]
#[template(path = "teachers/exercise.html")]
struct ExercisePage<'a> {
    class: &'a Class,
    results_url: String,
    exercise: &'a Exercise,
    passage_from: Option<&'a str>,
    options: Vec<DiscussedOption>,
    quotes: Vec<DiscussedQuote>,
    versions: Vec<VersionView<'a>>,
    answered: usize,
    gloss: Gloss<'a>,
    compare: bool,
    /// "From:" is shown (asked for with `?from=yes`).
    show_from: bool,
    /// The marked answer, the reasons, the explanation and the evidence are shown
    /// (asked for with `?answer=yes`).
    show_answer: bool,
    /// The links that show each, keeping what is shown already.
    from_url: String,
    answer_url: String,
}

/// What the discussion page shows beyond the question and how the class answered.
#[derive(serde::Deserialize)]
pub struct RevealQuery {
    from: Option<String>,
    answer: Option<String>,
}

/// `GET …/assignments/{assignment}/exercises/{exercise}`: one exercise, to show in
/// class and discuss. It starts with the prompt and how many chose each option; links
/// show where the passage is from (`?from=yes`) and the answer (`?answer=yes`): the
/// marked option, why each is right or wrong, the explanation, and the evidence
/// quoted from each document.
pub async fn show_exercise(
    state: web::Data<AppState>,
    OwnedAssignment { class, assignment }: OwnedAssignment,
    path: web::Path<(String, String, String)>,
    query: web::Query<RevealQuery>,
) -> Result<HttpResponse, AppError> {
    let show_from = query.from.as_deref() == Some("yes");
    let show_answer = query.answer.as_deref() == Some("yes");
    let reveal_url = |from: bool, answer: bool| {
        let mut asked = Vec::new();
        if from {
            asked.push("from=yes");
        }
        if answer {
            asked.push("answer=yes");
        }
        format!("?{}", asked.join("&"))
    };
    let from_url = reveal_url(true, show_answer);
    let answer_url = format!("{}#options", reveal_url(show_from, true));
    let exercise_id = path.into_inner().2;
    let page = super::off_worker(&state, move |state| {
        let not_found = || AppError::NotFound("This assignment has no such exercise.".into());
        let pack = state
            .shelf
            .pack(&assignment.pack_id)
            .ok_or_else(not_found)?;
        let pack = &*pack;
        let exercise = pack.exercise(&exercise_id).ok_or_else(not_found)?;
        let rows = rounds_of(state, &class, &assignment)?;
        let answers: Vec<&crate::practice::Answer> = rows
            .iter()
            .filter_map(|(_, round)| round.as_ref())
            .flat_map(|round| round.answers.iter().flatten())
            .filter(|answer| answer.exercise_id == exercise.id())
            .collect();
        let options = exercise
            .choices()
            .iter()
            .map(|choice| DiscussedOption {
                label: choice.label().to_string(),
                why: choice.why().to_string(),
                is_correct: choice.answer() == exercise.correct_choice().answer(),
                chosen_by: answers
                    .iter()
                    .filter(|answer| answer.choice == choice.answer())
                    .count(),
            })
            .collect();
        let quotes = exercise
            .passage()
            .into_iter()
            .chain(exercise.evidence())
            .map(|quote| DiscussedQuote {
                source_title: pack
                    .source(quote.source_id())
                    .map(|source| source.short_title().to_string())
                    .unwrap_or_else(|| quote.source_id().to_string()),
                note: quote.note().map(str::to_string),
                text: quote.text().to_string(),
            })
            .collect();
        Ok(ExercisePage {
            class: &class,
            results_url: format!(
                "/teachers/classes/{}/assignments/{}",
                class.id, assignment.id
            ),
            exercise,
            passage_from: exercise
                .passage()
                .and_then(|passage| pack.source(passage.source_id()))
                .map(|source| source.short_title())
                .filter(|_| show_from),
            options,
            quotes,
            versions: version_views(pack, exercise, ""),
            answered: answers.len(),
            gloss: Gloss::of(pack),
            compare: false,
            show_from,
            show_answer,
            from_url,
            answer_url,
        }
        .render()?)
    })
    .await?;
    Ok(super::html_page(page))
}
