//! Seeds a data directory with a whole school, for the load benchmark (bench/school.sh):
//!
//! - 40 teachers with 5 classes each (200 classes) of 30 students (6,000 students); each
//!   student has done an assignment of 10 questions and two practice rounds of 10:
//!   30 answers each, 180,000 in all;
//! - for the growth table, a class of 100, one of 500, one of 1,000 and one of 10,000
//!   students, each with an assignment of 10 questions that every student has done; they
//!   belong to the first teacher;
//! - learners with 100, 1,000 and 10,000 answers (rounds of 10), for the progress page;
//! - a learner with an unanswered round (the exercise page) and an answered one (the
//!   feedback page).
//!
//! It writes through the server's own storage code, many writes at once so that they
//! share commits, and prints a manifest (JSON) of the addresses and cookies the
//! benchmark needs. Usage:
//!
//! ```sh
//! cargo run --release --features bench --example seed_school -- DATA_DIR > manifest.json
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use futures_util::future::join_all;
use rand::Rng;
use serde_json::json;
use sourcewise::accounts::{DisplayName, Teacher, Username, hash_password};
use sourcewise::assignments::{Assignment, DueZone, FeedbackTiming, Questions};
use sourcewise::classes::{Class, ClassName, JoinCode, Nickname, ResumeCode, Student};
use sourcewise::content::Pack;
use sourcewise::content::load::load_library;
use sourcewise::ids::Token;
use sourcewise::practice::{Answer, Focus, Round};
use sourcewise::storage::Storage;

const PASSWORD: &str = "tall ships at dawn";
/// How many learners are written at once (their commits are shared).
const AT_ONCE: usize = 256;
const NOW: u64 = 1_795_000_000;

fn main() {
    let Some(data_dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: seed_school DATA_DIR > manifest.json");
        std::process::exit(2);
    };
    let library = load_library(std::path::Path::new("questions")).expect("the bundled pack loads");
    let pack = library.packs().next().expect("a pack");
    let storage = Storage::open(&data_dir).expect("the data directory opens");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let started = Instant::now();
    let manifest = runtime.block_on(seed(&storage, pack));
    eprintln!(
        "seeded {} in {:.1} s",
        data_dir.display(),
        started.elapsed().as_secs_f64()
    );
    println!("{}", serde_json::to_string_pretty(&manifest).unwrap());
}

async fn seed(storage: &Storage, pack: &Pack) -> serde_json::Value {
    let hash = hash_password(PASSWORD, &mut rand::rng());
    let mut teachers = Vec::new();
    for number in 1..=40 {
        let teacher = Teacher {
            id: Token::random(&mut rand::rng()),
            username: Username::parse(&format!("teacher-{number:02}")).unwrap(),
            display_name: DisplayName::parse(&format!("Teacher {number}")).unwrap(),
            password_hash: hash.clone(),
            created_at: NOW,
        };
        storage.create_teacher(&teacher).await.expect("a teacher");
        teachers.push(teacher);
    }
    let mut answers = 0;
    for (index, teacher) in teachers.iter().enumerate() {
        for class_number in 1..=5 {
            let name = format!("{} class {class_number}", teacher.display_name.as_str());
            let (_, _, written) = class_with_assignment(storage, pack, teacher, &name, 30, 2).await;
            answers += written;
        }
        eprintln!("  teacher {} of 40: {answers} answers so far", index + 1);
    }
    let first = &teachers[0];
    let mut results = BTreeMap::new();
    for size in [100, 500, 1_000, 10_000] {
        let (class, assignment, written) =
            class_with_assignment(storage, pack, first, &format!("{size} students"), size, 0).await;
        answers += written;
        results.insert(
            size.to_string(),
            format!(
                "/teachers/classes/{}/assignments/{}",
                class.id, assignment.id
            ),
        );
        eprintln!("  a class of {size}: {answers} answers so far");
    }
    let mut progress = BTreeMap::new();
    for count in [100, 1_000, 10_000] {
        let learner = Token::random(&mut rand::rng());
        let rounds: Vec<Round> = (0..count / 10)
            .map(|_| practice_round(pack, learner, 10))
            .collect();
        for chunk in rounds.chunks(AT_ONCE) {
            join_all(chunk.iter().map(|round| answer_round(storage, pack, round))).await;
        }
        answers += count;
        progress.insert(count.to_string(), format!("sourcewise_learner={learner}"));
    }
    let learner = Token::random(&mut rand::rng());
    let open = practice_round(pack, learner, 45);
    storage.create_round(&open).await.unwrap();
    let done = practice_round(pack, learner, 10);
    answer_round(storage, pack, &done).await;
    eprintln!("  {answers} answers in all");
    json!({
        "teacher": {"username": first.username.as_str(), "password": PASSWORD},
        "results": results,
        "progress": progress,
        "learner": format!("sourcewise_learner={learner}"),
        "exercise_page": format!("/rounds/{}/questions/1", open.id),
        "feedback_page": format!("/rounds/{}/questions/1", done.id),
        "answers": answers,
    })
}

fn practice_round(pack: &Pack, learner: Token, length: usize) -> Round {
    let mut rng = rand::rng();
    Round::new(
        Token::random(&mut rng),
        learner,
        pack,
        Focus::all(),
        length,
        rng.random(),
        NOW,
    )
}

/// Stores `round` and answers every question of it.
async fn answer_round(storage: &Storage, pack: &Pack, round: &Round) {
    storage.create_round(round).await.expect("a round");
    answer_questions(storage, pack, round).await;
}

/// Answers every question of a stored round, about two in three right.
async fn answer_questions(storage: &Storage, pack: &Pack, round: &Round) {
    for (position, id) in round.exercise_ids.iter().enumerate() {
        let exercise = pack.exercise(id).expect("a planned exercise");
        let right = rand::rng().random_range(0..3) > 0;
        let choice = if right {
            exercise.correct_choice()
        } else {
            exercise
                .choices()
                .iter()
                .find(|choice| choice.answer() != exercise.correct_choice().answer())
                .expect("a wrong option")
        };
        let answer = Answer::grade(exercise, choice.answer(), None, NOW).expect("an option");
        storage
            .record_answer(round.id, position, &answer)
            .await
            .expect("an answer");
    }
}

/// A class of `size` students with an assignment of 10 questions that every student
/// has done, plus `practice` practice rounds of 10 per student. Returns the class, the
/// assignment and the number of answers written.
async fn class_with_assignment(
    storage: &Storage,
    pack: &Pack,
    teacher: &Teacher,
    name: &str,
    size: usize,
    practice: usize,
) -> (Class, Assignment, usize) {
    let mut rng = rand::rng();
    let class = Class {
        id: Token::random(&mut rng),
        teacher: teacher.id,
        name: ClassName::parse(name).unwrap(),
        description: String::new(),
        code: JoinCode::random(&mut rng),
        locked: false,
        archived: false,
        created_at: NOW,
    };
    let class = storage
        .create_class(class, || JoinCode::random(&mut rand::rng()))
        .await
        .unwrap();
    let assignment = Assignment {
        id: Token::random(&mut rng),
        class: class.id,
        pack_id: pack.id().to_string(),
        focus: Focus::all(),
        length: Some(10),
        deadline: None,
        feedback: FeedbackTiming::Immediate,
        created_at: NOW,
        title: None,
        // Each student their own questions, as the figures in bench/README.md were made.
        questions: Questions::EachTheirOwn,
        due_zone: DueZone::utc(),
        pair: None,
    };
    storage.create_assignment(&assignment).await.unwrap();
    let students: Vec<usize> = (0..size).collect();
    for chunk in students.chunks(AT_ONCE) {
        join_all(chunk.iter().map(|&number| {
            let (class, assignment) = (&class, &assignment);
            async move {
                let mut rng = rand::rng();
                let student = Student {
                    id: Token::random(&mut rng),
                    class: class.id,
                    nickname: Nickname::parse(&format!("Student {number:05}")).unwrap(),
                    learner: Token::random(&mut rng),
                    resume: ResumeCode::random(&mut rng),
                    joined_at: NOW,
                };
                // The browser of the load test holds the student's learner id as its own.
                storage
                    .add_student(&student, student.learner)
                    .await
                    .expect("a student");
                let mut round = practice_round(pack, student.learner, 10);
                round.assignment = Some(assignment.id);
                let round = storage
                    .start_assignment_round(assignment.id, student.id, &round)
                    .await
                    .unwrap();
                answer_questions(storage, pack, &round).await;
                for _ in 0..practice {
                    answer_round(storage, pack, &practice_round(pack, student.learner, 10)).await;
                }
            }
        }))
        .await;
    }
    (class, assignment, size * 10 * (1 + practice))
}
