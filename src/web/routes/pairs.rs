//! A pre-test and a post-test as a pair, from the teacher's side: making one from the
//! class page, opening the post-test, closing the tests, and the pair's results (a
//! page with its chart, a CSV and a JSON).
//!
//! A pair is named in its URLs by its pre-test (`{assignment}`), taken as an
//! [`OwnedAssignment`]: another teacher's answers 404, as one that does not exist.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Serialize;

use super::see_other;
use crate::assignments::{
    Assignment, DueZone, FeedbackTiming, QuestionOrder, Questions, parse_title,
};
use crate::classes::Class;
use crate::content::{Pack, Skill};
use crate::ids::Token;
use crate::measures::{Measures, Subject, Words, hake_words, two_decimals};
use crate::pairs::{ClassGain, PairRole, Phase, Role, Score, Scores};
use crate::practice::{Focus, Round};
use crate::pre_post::{max_form_length, parallel_forms};
use crate::results::{ItemResponse, item_statistics};
use crate::web::csv::{csv_bytes, csv_download};
use crate::web::error::AppError;
use crate::web::extract::{CheckedForm, Fields, OwnedAssignment, OwnedClass, every_field, field};
use crate::web::sign_in::SignedIn;
use crate::web::view::focus_of_form;
use crate::web::{AppState, now};

const NO_SUCH_PAIR: &str = "There is no such pre-test and post-test in this class.";

fn class_url(class: &Class) -> String {
    format!("/teachers/classes/{}", class.id)
}

fn pair_url(class: &Class, pre: &Assignment) -> String {
    format!("{}/pairs/{}", class_url(class), pre.id)
}

/// The form as typed (or as it starts), so that one that comes back keeps everything.
pub struct PairForm {
    pack: String,
    skills: Vec<String>,
    length: String,
    pre_title: String,
    post_title: String,
}

impl PairForm {
    fn sent(fields: &[(String, String)]) -> PairForm {
        let field = |name: &str| field(fields, name).unwrap_or_default().to_string();
        PairForm {
            pack: field("pack"),
            skills: every_field(fields, "skill")
                .into_iter()
                .map(str::to_string)
                .collect(),
            length: field("length"),
            pre_title: field("pre_title"),
            post_title: field("post_title"),
        }
    }

    fn ticked(&self, skill: Skill) -> bool {
        self.skills.iter().any(|slug| slug == skill.slug())
    }
}

/// A lesson in the form's list, with the most questions each form can have of each
/// skill, and of the skills ticked.
pub struct PackChoice {
    id: String,
    title: String,
    selected: bool,
    /// "Which source?: up to 7", one per skill the lesson has.
    per_skill: String,
}

/// A skill's checkbox.
pub struct SkillChoice {
    slug: &'static str,
    title: &'static str,
    ticked: bool,
}

#[derive(Template)]
#[template(path = "teachers/pair_new.html")]
struct NewPairPage<'a> {
    class: &'a Class,
    csrf: String,
    form: PairForm,
    packs: Vec<PackChoice>,
    skills: Vec<SkillChoice>,
    /// "At most 12 questions each with the skills ticked."
    most: Option<String>,
    error: Option<String>,
}

/// The form's page, as `form` holds it, with `error` if it came back.
fn new_pair_page<'a>(
    state: &AppState,
    class: &'a Class,
    signed_in: &SignedIn,
    form: PairForm,
    error: Option<String>,
) -> NewPairPage<'a> {
    let packs = state.shelf.packs_for(signed_in.teacher.id);
    let selected = packs
        .iter()
        .find(|pack| pack.id() == form.pack)
        .or(packs.first())
        .map(|pack| &**pack);
    let pack_choices = packs
        .iter()
        .map(|pack| PackChoice {
            id: pack.id().to_string(),
            title: pack.title().to_string(),
            selected: Some(pack.id()) == selected.map(Pack::id),
            per_skill: Skill::ALL
                .iter()
                .filter_map(|&skill| {
                    let most = max_form_length(pack, Focus::of([skill])?);
                    (most > 0).then(|| format!("{} {most}", skill.title()))
                })
                .collect::<Vec<_>>()
                .join(" · "),
        })
        .collect();
    let focus = Focus::of(
        Skill::ALL
            .iter()
            .copied()
            .filter(|&skill| form.ticked(skill)),
    );
    let most = selected.zip(focus).map(|(pack, focus)| {
        let most = max_form_length(pack, focus);
        format!("At most {most} each with the skills ticked.")
    });
    NewPairPage {
        class,
        csrf: signed_in.sign_in.csrf.to_string(),
        skills: Skill::ALL
            .iter()
            .map(|&skill| SkillChoice {
                slug: skill.slug(),
                title: skill.title(),
                ticked: form.ticked(skill),
            })
            .collect(),
        form,
        packs: pack_choices,
        most,
        error,
    }
}

/// `GET /teachers/classes/{class}/pairs/new`: the form, every skill ticked and the
/// length the most the first lesson allows.
pub async fn show_new_pair(
    state: web::Data<AppState>,
    OwnedClass { signed_in, class }: OwnedClass,
) -> Result<HttpResponse, AppError> {
    let pack = state.shelf.site_packs().next();
    let form = PairForm {
        pack: pack.map(|pack| pack.id().to_string()).unwrap_or_default(),
        skills: Skill::ALL
            .iter()
            .map(|skill| skill.slug().to_string())
            .collect(),
        length: pack
            .map(|pack| max_form_length(pack, Focus::all()).to_string())
            .unwrap_or_default(),
        pre_title: String::new(),
        post_title: String::new(),
    };
    super::html(&new_pair_page(&state, &class, &signed_in, form, None))
}

/// `POST /teachers/classes/{class}/pairs`: makes the two tests and shows the pair. A
/// form with a mistake comes back with it said and everything typed kept.
pub async fn create_pair(
    state: web::Data<AppState>,
    OwnedClass { signed_in, class }: OwnedClass,
    CheckedForm(fields): CheckedForm<Fields>,
) -> Result<HttpResponse, AppError> {
    let made = {
        let class = class.clone();
        let fields = fields.to_vec();
        // The facilities come from every answer the class gave: a report, off the worker.
        super::off_worker(&state, move |state| {
            Ok(pair_of_form(state, &class, &fields))
        })
        .await?
    };
    match made {
        Ok((pre, post)) => {
            state.storage.create_pair(&pre, &post).await?;
            Ok(see_other(pair_url(&class, &pre)))
        }
        Err(message) => super::html_with(
            StatusCode::BAD_REQUEST,
            &new_pair_page(
                &state,
                &class,
                &signed_in,
                PairForm::sent(&fields),
                Some(message),
            ),
            None,
        ),
    }
}

/// Reads the form into the two tests, or says what is wrong with it.
fn pair_of_form(
    state: &AppState,
    class: &Class,
    fields: &[(String, String)],
) -> Result<(Assignment, Assignment), String> {
    let field = |name: &str| field(fields, name).unwrap_or_default();
    let pack = state
        .shelf
        .pack_for(class.teacher, field("pack"))
        .ok_or("Choose one of the lessons on offer.")?;
    let pack = &*pack;
    let focus = focus_of_form(fields)?;
    let typed = field("length").trim();
    let length: usize = typed.parse().map_err(|_| {
        format!(
            "The number of questions in each test must be a whole number, such as {}; “{typed}” is not.",
            max_form_length(pack, focus).max(1)
        )
    })?;
    let title = |name: &str, otherwise: &str| {
        parse_title(field(name)).map(|title| title.unwrap_or_else(|| otherwise.to_string()))
    };
    let pre_title = title("pre_title", "Pre-test")?;
    let post_title = title("post_title", "Post-test")?;
    let facility = class_facility(state, class, pack).map_err(|error| error.to_string())?;
    let seed = rand::Rng::random::<u64>(&mut rand::rng());
    let forms = parallel_forms(pack, focus, length, &facility, seed)
        .map_err(|problem| problem.to_string())?;
    let mut rng = rand::rng();
    let (pre_id, post_id) = (Token::random(&mut rng), Token::random(&mut rng));
    let created_at = now();
    let test = |id, other, role, title, exercise_ids: &[String]| Assignment {
        id,
        class: class.id,
        pack_id: pack.id().to_string(),
        focus,
        length: Some(exercise_ids.len()),
        deadline: None,
        feedback: FeedbackTiming::Immediate,
        created_at,
        title: Some(title),
        questions: Questions::Same {
            exercise_ids: exercise_ids.to_vec(),
            order: QuestionOrder::Shuffled,
            picked: false,
        },
        due_zone: DueZone::utc(),
        pair: Some(PairRole {
            role,
            other,
            opened_at: None,
            closed_at: None,
        }),
    };
    Ok((
        test(
            pre_id,
            post_id,
            Role::Pre,
            pre_title,
            forms.pre_test().exercise_ids(),
        ),
        test(
            post_id,
            pre_id,
            Role::Post,
            post_title,
            forms.post_test().exercise_ids(),
        ),
    ))
}

/// The facility of each exercise of `pack` from the answers the class's students gave
/// to its assignments so far: none before any answer.
fn class_facility(
    state: &AppState,
    class: &Class,
    pack: &Pack,
) -> Result<HashMap<String, f64>, AppError> {
    let mut responses: HashMap<String, Vec<ItemResponse>> = HashMap::new();
    let students = state.storage.students_of(class.id)?;
    for assignment in state.storage.assignments_of(class.id)? {
        if assignment.pack_id != pack.id() {
            continue;
        }
        for student in &students {
            let Some(round) = state.storage.assignment_round(assignment.id, student.id)? else {
                continue;
            };
            for answer in round.answers.iter().flatten() {
                responses
                    .entry(answer.exercise_id.clone())
                    .or_default()
                    .push(ItemResponse {
                        choice: answer.choice.clone(),
                        correct: answer.correct,
                        student_score: 0.0,
                    });
            }
        }
    }
    Ok(responses
        .into_iter()
        .filter_map(|(id, responses)| Some((id, item_statistics(&responses).facility()?)))
        .collect())
}

/// The pair whose pre-test or post-test the path names: both tests, the pre-test first.
fn pair_of(
    state: &AppState,
    OwnedAssignment { class, assignment }: OwnedAssignment,
) -> Result<(Class, Assignment, Assignment), AppError> {
    let missing = || AppError::NotFound(NO_SUCH_PAIR.into());
    let role = assignment.pair.clone().ok_or_else(missing)?;
    let other = state
        .storage
        .assignment(role.other)?
        .filter(|other| other.class == class.id)
        .ok_or_else(missing)?;
    Ok(match role.role {
        Role::Pre => (class, assignment, other),
        Role::Post => (class, other, assignment),
    })
}

/// What pressing one of the pair's buttons reads from a request.
type PairMove = (web::Data<AppState>, OwnedAssignment, CheckedForm<()>);

/// `POST …/pairs/{assignment}/opened`: shows the post-test to the students.
pub async fn update_opened(asked: PairMove) -> Result<HttpResponse, AppError> {
    update_post_test(asked, |role, at| {
        role.opened_at.get_or_insert(at);
    })
    .await
}

/// `POST …/pairs/{assignment}/closed`: closes the tests; students see their right and
/// wrong on both.
pub async fn update_closed(asked: PairMove) -> Result<HttpResponse, AppError> {
    update_post_test(asked, |role, at| {
        role.closed_at.get_or_insert(at);
    })
    .await
}

/// Changes the pair's state, kept on its post-test, and goes back to the pair's page.
async fn update_post_test(
    (state, owned, _form): PairMove,
    change: impl FnOnce(&mut PairRole, u64),
) -> Result<HttpResponse, AppError> {
    let (class, pre, mut post) = pair_of(&state, owned)?;
    if let Some(role) = post.pair.as_mut() {
        change(role, now());
    }
    state.storage.update_assignment(&post).await?;
    Ok(see_other(pair_url(&class, &pre)))
}

/// How far a student got with one test.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct TestResult {
    /// `not-started`, `in-progress` or `done`.
    status: &'static str,
    answered: usize,
    correct: usize,
    questions: usize,
    /// The share right, once done.
    percent: Option<f64>,
}

impl TestResult {
    fn of(round: Option<&Round>, questions: usize) -> TestResult {
        let answered = round.map_or(0, Round::answered);
        let correct = round.map_or(0, |round| round.tally().correct());
        let done = round.is_some_and(|round| round.next_unanswered().is_none());
        TestResult {
            status: match (round, done) {
                (None, _) => "not-started",
                (Some(_), false) => "in-progress",
                (Some(_), true) => "done",
            },
            answered,
            correct,
            questions,
            percent: done.then(|| Score { correct, questions }.percent()),
        }
    }

    fn score(&self) -> Option<Score> {
        self.percent.map(|_| Score {
            correct: self.correct,
            questions: self.questions,
        })
    }

    /// "2 of 6 (33%)", "in progress: 3 of 6 answered", "not done".
    fn words(&self) -> String {
        match (self.status, self.percent) {
            (_, Some(percent)) => {
                format!(
                    "{} of {} ({})",
                    self.correct,
                    self.questions,
                    whole(percent)
                )
            }
            ("in-progress", _) => format!(
                "in progress: {} of {} answered",
                self.answered, self.questions
            ),
            _ => "not done".to_string(),
        }
    }
}

/// A student's line: both tests and the gain, when they did both.
#[derive(Debug, Clone, Serialize)]
pub struct StudentLine {
    nickname: String,
    pre: TestResult,
    post: TestResult,
    /// Post minus pre in percentage points.
    gain_points: Option<f64>,
    /// The student's own normalised gain.
    hake_gain: Option<f64>,
    /// Whether they count in the class's means and gain (they did both).
    counted: bool,
}

impl StudentLine {
    fn pre_words(&self) -> String {
        self.pre.words()
    }

    fn post_words(&self) -> String {
        self.post.words()
    }

    fn gain_words(&self) -> String {
        match self.gain_points {
            Some(points) => signed_points(points),
            None => "not counted".to_string(),
        }
    }

    fn hake_words(&self) -> String {
        match (self.counted, self.hake_gain) {
            (true, Some(gain)) => two_decimals(gain),
            (true, None) => "none (100% before)".to_string(),
            (false, _) => "–".to_string(),
        }
    }
}

/// One test's identity in the report.
#[derive(Debug, Clone, Serialize)]
pub struct TestLine {
    id: String,
    title: String,
    questions: usize,
    /// Its questions, as the pack names them (each student gets them shuffled).
    exercise_ids: Vec<String>,
    /// The students who finished it.
    done: usize,
}

/// Everything the pair's page, CSV and JSON show.
#[derive(Serialize)]
pub struct PairReport {
    class: String,
    pre_test: TestLine,
    post_test: TestLine,
    phase: Phase,
    students: Vec<StudentLine>,
    class_gain: ClassGain,
    /// Hake's g in words, once a student did both.
    gain_words: Option<String>,
    /// The measures of the pre-test's and the post-test's answers, of the students
    /// who did both.
    before: Measures,
    after: Measures,
    before_words: Words,
    after_words: Words,
}

/// The pair's report: every student of the class with their two rounds.
fn pair_report(
    state: &AppState,
    class: &Class,
    pre: &Assignment,
    post: &Assignment,
) -> Result<PairReport, AppError> {
    let pack = state.shelf.pack(&pre.pack_id);
    let pack = pack.as_deref();
    let length =
        |assignment: &Assignment| assignment.questions.same_list().map_or(0, <[String]>::len);
    let mut students = Vec::new();
    let (mut before, mut after) = (Measures::default(), Measures::default());
    for student in state.storage.students_of(class.id)? {
        let pre_round = state.storage.assignment_round(pre.id, student.id)?;
        let post_round = state.storage.assignment_round(post.id, student.id)?;
        let pre_result = TestResult::of(pre_round.as_ref(), length(pre));
        let post_result = TestResult::of(post_round.as_ref(), length(post));
        let scores = Scores {
            pre: pre_result.score(),
            post: post_result.score(),
        };
        if scores.counted()
            && let (Some(pack), Some(pre_round), Some(post_round)) = (pack, &pre_round, &post_round)
        {
            for (measures, round) in [(&mut before, pre_round), (&mut after, post_round)] {
                for answer in round.answers.iter().flatten() {
                    if let Some(exercise) = pack.exercise(&answer.exercise_id) {
                        measures.add(answer, exercise);
                    }
                }
            }
        }
        students.push(StudentLine {
            nickname: student.nickname.as_str().to_string(),
            pre: pre_result,
            post: post_result,
            gain_points: scores.gain_points(),
            hake_gain: scores.hake_gain(),
            counted: scores.counted(),
        });
    }
    let scores: Vec<Scores> = students
        .iter()
        .map(|line| Scores {
            pre: line.pre.score(),
            post: line.post.score(),
        })
        .collect();
    let class_gain = ClassGain::of(&scores);
    let test_line = |assignment: &Assignment, done: fn(&StudentLine) -> bool| TestLine {
        id: assignment.id.to_string(),
        title: assignment.title(),
        questions: length(assignment),
        exercise_ids: assignment
            .questions
            .same_list()
            .map(<[String]>::to_vec)
            .unwrap_or_default(),
        done: students.iter().filter(|line| done(line)).count(),
    };
    Ok(PairReport {
        class: class.name.as_str().to_string(),
        pre_test: test_line(pre, |line| line.pre.percent.is_some()),
        post_test: test_line(post, |line| line.post.percent.is_some()),
        phase: Phase::of(post, now()),
        gain_words: class_gain
            .pre_mean_percent
            .zip(class_gain.post_mean_percent)
            .map(|(pre, post)| hake_words(&Subject::Class, pre, post)),
        class_gain,
        before_words: before.words(&Subject::Class),
        after_words: after.words(&Subject::Class),
        before,
        after,
        students,
    })
}

/// "33%": a share in whole percent.
fn whole(percent: f64) -> String {
    format!("{}%", percent.round() as i64)
}

/// "+50 points", "−8 points", "0 points".
fn signed_points(points: f64) -> String {
    let rounded = points.round() as i64;
    let sign = match rounded {
        0 => "",
        rounded if rounded > 0 => "+",
        _ => "\u{2212}",
    };
    let unit = if rounded.abs() == 1 {
        "point"
    } else {
        "points"
    };
    format!("{sign}{} {unit}", rounded.abs())
}

/// A row of the discernment table: one skill before or after.
pub struct DiscernmentRow {
    when: &'static str,
    words: String,
    d_prime: String,
    criterion: String,
    hits: usize,
    misses: usize,
    false_alarms: usize,
    correct_rejections: usize,
}

/// A row of the calibration table: one level of confidence, before and after.
pub struct CalibrationRow {
    level: &'static str,
    before: String,
    after: String,
}

#[derive(Template)]
#[template(path = "teachers/pair.html")]
struct PairPage<'a> {
    class: &'a Class,
    csrf: String,
    url: String,
    pre_url: String,
    post_url: String,
    report: &'a PairReport,
    phase_words: &'static str,
    chart: String,
    mean_pre: Option<String>,
    mean_post: Option<String>,
    hake: Option<String>,
    discernment: Vec<(&'static str, Vec<DiscernmentRow>)>,
    calibration: Vec<CalibrationRow>,
}

/// `GET /teachers/classes/{class}/pairs/{assignment}`: the pair's results.
pub async fn show_pair(
    state: web::Data<AppState>,
    OwnedClass { signed_in, .. }: OwnedClass,
    owned: OwnedAssignment,
) -> Result<HttpResponse, AppError> {
    let csrf = signed_in.sign_in.csrf.to_string();
    let page = super::off_worker(&state, move |state| {
        let (class, pre, post) = pair_of(state, owned)?;
        let report = pair_report(state, &class, &pre, &post)?;
        let assignment_url = |assignment: &Assignment| {
            format!("{}/assignments/{}", class_url(&class), assignment.id)
        };
        let gain = &report.class_gain;
        let discernment = [Skill::Contested, Skill::Quote]
            .into_iter()
            .filter(|&skill| pre.focus.skills().any(|of| of == skill))
            .filter_map(|skill| {
                let rows = [("Pre-test", &report.before), ("Post-test", &report.after)]
                    .into_iter()
                    .filter_map(|(when, measures)| {
                        let discernment = measures.discernment(skill)?;
                        (discernment.answered() > 0).then(|| DiscernmentRow {
                            when,
                            words: discernment.words(&Subject::Class),
                            d_prime: two_decimals(discernment.d_prime()),
                            criterion: two_decimals(discernment.criterion()),
                            hits: discernment.hits(),
                            misses: discernment.misses(),
                            false_alarms: discernment.false_alarms(),
                            correct_rejections: discernment.correct_rejections(),
                        })
                    })
                    .collect::<Vec<_>>();
                (!rows.is_empty()).then_some((skill.title(), rows))
            })
            .collect();
        let calibration = [
            ("Sure", Some(crate::practice::Confidence::Sure)),
            ("Fairly sure", Some(crate::practice::Confidence::FairlySure)),
            ("Guessing", Some(crate::practice::Confidence::Guessing)),
            ("Not said", None),
        ]
        .into_iter()
        .map(|(level, confidence)| {
            let cell = |measures: &Measures| {
                let count = measures.calibration().level(confidence);
                match count.share_correct() {
                    Some(share) => format!(
                        "{} of {} right ({})",
                        count.correct,
                        count.answered,
                        whole(share * 100.0)
                    ),
                    None => "–".to_string(),
                }
            };
            CalibrationRow {
                level,
                before: cell(&report.before),
                after: cell(&report.after),
            }
        })
        .collect();
        Ok(PairPage {
            class: &class,
            csrf,
            url: pair_url(&class, &pre),
            pre_url: assignment_url(&pre),
            post_url: assignment_url(&post),
            phase_words: report.phase.words(),
            chart: slope_chart(&report),
            mean_pre: gain.pre_mean_percent.map(whole),
            mean_post: gain.post_mean_percent.map(whole),
            hake: gain.hake_gain.map(two_decimals),
            discernment,
            calibration,
            report: &report,
        }
        .render()?)
    })
    .await?;
    Ok(super::html_page(page))
}

/// The chart: each student who did both as a line from their pre-test score to their
/// post-test score, and the class's means as a thicker line. Drawn here, as SVG; the
/// page gives the same numbers in its table.
fn slope_chart(report: &PairReport) -> String {
    const LEFT: f64 = 60.0;
    const RIGHT: f64 = 240.0;
    const TOP: f64 = 20.0;
    const HEIGHT: f64 = 200.0;
    let y = |percent: f64| TOP + (100.0 - percent) / 100.0 * HEIGHT;
    let mut svg = String::new();
    let gain = &report.class_gain;
    let summary = match (gain.pre_mean_percent, gain.post_mean_percent) {
        (Some(pre), Some(post)) => format!(
            "Scores before and after, {} students who did both: class mean {} on the pre-test and {} on the post-test.",
            gain.students_counted,
            whole(pre),
            whole(post)
        ),
        _ => "Scores before and after: no student has done both tests yet.".to_string(),
    };
    svg.push_str(&format!(
        "<svg class=\"pair-chart\" viewBox=\"0 0 400 260\" width=\"400\" height=\"260\" role=\"img\" aria-labelledby=\"chart-title\"><title id=\"chart-title\">{}</title>",
        summary
    ));
    for percent in [0.0, 25.0, 50.0, 75.0, 100.0] {
        svg.push_str(&format!(
            "<line x1=\"{LEFT}\" x2=\"{RIGHT}\" y1=\"{0}\" y2=\"{0}\" stroke=\"#d8d8d0\" stroke-width=\"1\"/><text x=\"{1}\" y=\"{2}\" text-anchor=\"end\" font-size=\"16\" fill=\"#4a4a4a\">{3}</text>",
            y(percent),
            LEFT - 12.0,
            y(percent) + 4.0,
            whole(percent)
        ));
    }
    for (x, label) in [(LEFT, "Pre-test"), (RIGHT, "Post-test")] {
        svg.push_str(&format!(
            "<text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" font-size=\"16\" fill=\"#1b1b1b\">{label}</text>",
            TOP + HEIGHT + 28.0
        ));
    }
    for line in report.students.iter().filter(|line| line.counted) {
        let (Some(pre), Some(post)) = (line.pre.percent, line.post.percent) else {
            continue;
        };
        svg.push_str(&format!(
            "<g><line x1=\"{LEFT}\" y1=\"{0}\" x2=\"{RIGHT}\" y2=\"{1}\" stroke=\"#6b8fc0\" stroke-width=\"2\"/><circle cx=\"{LEFT}\" cy=\"{0}\" r=\"4\" fill=\"#6b8fc0\"/><circle cx=\"{RIGHT}\" cy=\"{1}\" r=\"4\" fill=\"#6b8fc0\"/></g>",
            y(pre),
            y(post)
        ));
    }
    if let (Some(pre), Some(post)) = (gain.pre_mean_percent, gain.post_mean_percent) {
        svg.push_str(&format!(
            "<g><line x1=\"{LEFT}\" y1=\"{0}\" x2=\"{RIGHT}\" y2=\"{1}\" stroke=\"#143a6b\" stroke-width=\"5\"/><text x=\"{2}\" y=\"{3}\" font-size=\"16\" fill=\"#143a6b\">Class mean {4}</text></g>",
            y(pre),
            y(post),
            RIGHT + 10.0,
            y(post) + 4.0,
            whole(post)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// `GET …/pairs/{assignment}/results.csv`: one row per student.
pub async fn export_pair_csv(
    state: web::Data<AppState>,
    owned: OwnedAssignment,
) -> Result<HttpResponse, AppError> {
    let (filename, bytes) = super::off_worker(&state, move |state| {
        let (class, pre, post) = pair_of(state, owned)?;
        let report = pair_report(state, &class, &pre, &post)?;
        let number =
            |value: Option<f64>| value.map(|value| format!("{value:.4}")).unwrap_or_default();
        let mut rows = vec![
            [
                "nickname",
                "pre-test right",
                "pre-test questions",
                "pre-test %",
                "post-test right",
                "post-test questions",
                "post-test %",
                "gain (points)",
                "normalised gain",
                "counted",
            ]
            .map(str::to_string)
            .to_vec(),
        ];
        for line in &report.students {
            let test = |result: &TestResult| match result.percent {
                Some(percent) => [
                    result.correct.to_string(),
                    result.questions.to_string(),
                    format!("{percent:.4}"),
                ],
                None => [String::new(), result.questions.to_string(), String::new()],
            };
            let mut row = vec![line.nickname.clone()];
            row.extend(test(&line.pre));
            row.extend(test(&line.post));
            row.push(number(line.gain_points));
            row.push(number(line.hake_gain));
            row.push(if line.counted { "yes" } else { "no" }.to_string());
            rows.push(row);
        }
        let gain = &report.class_gain;
        rows.push(vec![
            "class mean (students who did both)".to_string(),
            String::new(),
            report.pre_test.questions.to_string(),
            number(gain.pre_mean_percent),
            String::new(),
            report.post_test.questions.to_string(),
            number(gain.post_mean_percent),
            number(
                gain.post_mean_percent
                    .zip(gain.pre_mean_percent)
                    .map(|(post, pre)| post - pre),
            ),
            number(gain.hake_gain),
            gain.students_counted.to_string(),
        ]);
        Ok((format!("pre-post-{}.csv", pre.id), csv_bytes(rows)?))
    })
    .await?;
    Ok(csv_download(&filename, bytes))
}

/// `GET …/pairs/{assignment}/results.json`: the report as JSON (see
/// `docs/teachers.md`).
pub async fn export_pair_json(
    state: web::Data<AppState>,
    owned: OwnedAssignment,
) -> Result<HttpResponse, AppError> {
    let body = super::off_worker(&state, move |state| {
        let (class, pre, post) = pair_of(state, owned)?;
        serde_json::to_vec_pretty(&pair_report(state, &class, &pre, &post)?)
            .map_err(|error| AppError::Fault(format!("the report could not be written: {error}")))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(body))
}
