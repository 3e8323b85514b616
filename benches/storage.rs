//! The storage micro-benchmark: what one durable write costs on this machine, and how
//! close the app's answer-recording path comes to that ceiling.
//!
//! Run it with `cargo bench --bench storage` (about two to three minutes). Every
//! benchmark works in a fresh temporary data directory of its own, and writes values of
//! about 100 bytes under 18-byte keys (a random 16-byte round id and a 2-byte position),
//! the shape of a stored answer.
//!
//! - `sled_per_op`: the durable-write ceiling for one write at a time. Each iteration
//!   inserts one key and calls `Db::flush`. sled's flush on Linux ends with
//!   `sync_file_range`, which flushes neither the drive's write cache nor the file's
//!   metadata (spacejam/sled#1452), so `insert+flush+fsync` also `fsync`s the database
//!   file (held open across iterations), which is what the app does to make an
//!   acknowledgement mean the answer survives a power cut.
//! - `sled_batched`: the ceiling when writes share a flush. Each iteration inserts 10 or
//!   100 keys, then flushes once (and `fsync`s, in the `+fsync` variants). The
//!   throughput is reported per key, so these figures read as "writes per second when
//!   N writes share one commit".
//! - `app_record_answer`: the app's own path, `Storage::record_answer`, as a POST of an
//!   answer runs it: a compare-and-swap insert, then a wait for the flusher thread's
//!   group commit (count the commit in sled, `Db::flush`, `fsync` every file of the data
//!   directory, write and `fdatasync` the small commit-mark file). `1_at_a_time` awaits
//!   each answer before the next (one commit per answer: compare it with
//!   `insert+flush+fsync`); `64_at_once` starts 64 answers together so that their waits
//!   share group commits (compare it with the batched ceiling; the throughput is per
//!   answer). Each answer goes to a new round, so none is refused as a repeat. After
//!   each, a line tells how many answers shared a group commit on average (read from the
//!   data directory's commit mark; warm-up included).
//!
//! The gap between `sled_per_op` and `sled_batched` is what group commit can win; the gap
//! between `sled_per_op/insert+flush+fsync` and `app_record_answer/1_at_a_time` is the
//! app's own overhead per commit.

use std::fs::File;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::Rng;
use sourcewise::content::Skill;
use sourcewise::ids::Token;
use sourcewise::practice::Answer;
use sourcewise::storage::Storage;
use sourcewise::storage::rounds::Recorded;

/// About the size of a stored answer record (the JSON the app writes).
const VALUE: &[u8] = br#"{"v":1,"exercise":"source-0007","skill":"source","choice":"doc-b","correct":true,"answered_at":1767225600}"#;

/// Answers that 64 learners send at the same moment.
const CONCURRENT: usize = 64;

/// A key shaped like an answer's: a random 16-byte round id, then position 0.
fn answer_key(rng: &mut impl Rng) -> [u8; 18] {
    let mut key = [0u8; 18];
    rng.fill(&mut key[..16]);
    key
}

fn open_sled(path: &Path) -> sled::Db {
    sled::Config::new()
        .path(path)
        .open()
        .expect("open sled in a temporary directory")
}

/// The database file, held open to be `fsync`ed after each flush.
fn db_file(path: &Path) -> File {
    File::open(path.join("db")).expect("open sled's db file")
}

fn configure<'a>(
    criterion: &'a mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut group = criterion.benchmark_group(name);
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    group
}

/// One insert, one flush (and one `fsync`) per operation: the ceiling for writes that do
/// not share a commit.
fn sled_per_op(criterion: &mut Criterion) {
    let mut group = configure(criterion, "sled_per_op");
    group.throughput(Throughput::Elements(1));
    for fsync in [false, true] {
        let id = BenchmarkId::from_parameter(commit_name(fsync));
        commit_every(&mut group, id, 1, fsync);
    }
    group.finish();
}

/// N inserts, then one flush (and one `fsync`): the ceiling when writes share a commit.
fn sled_batched(criterion: &mut Criterion) {
    let mut group = configure(criterion, "sled_batched");
    for batch in [10u64, 100] {
        group.throughput(Throughput::Elements(batch));
        for fsync in [false, true] {
            commit_every(
                &mut group,
                BenchmarkId::new(commit_name(fsync), batch),
                batch,
                fsync,
            );
        }
    }
    group.finish();
}

fn commit_name(fsync: bool) -> &'static str {
    if fsync {
        "insert+flush+fsync"
    } else {
        "insert+flush"
    }
}

/// Each iteration inserts `batch` answer-shaped keys into a fresh database, then
/// flushes once, and if `fsync`, `fsync`s the database file (held open throughout).
fn commit_every(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: BenchmarkId,
    batch: u64,
    fsync: bool,
) {
    let mut rng = rand::rng();
    let folder = tempfile::tempdir().expect("temporary directory");
    let db = open_sled(folder.path());
    let file = db_file(folder.path());
    group.bench_function(id, |b| {
        b.iter(|| {
            for _ in 0..batch {
                db.insert(answer_key(&mut rng), VALUE).expect("insert");
            }
            db.flush().expect("flush");
            if fsync {
                file.sync_all().expect("fsync");
            }
        })
    });
}

/// The group commits the app has made in the data directory at `folder`, read from its
/// commit mark (`sourcewise.commits`: 8 bytes of magic, then the count, big-endian).
fn commits(folder: &Path) -> u64 {
    let bytes = std::fs::read(folder.join("sourcewise.commits")).expect("read the commit mark");
    u64::from_be_bytes(bytes[8..16].try_into().expect("a 16-byte commit mark"))
}

/// Prints how many answers shared each group commit over a benchmark (warm-up included).
fn report_commits(name: &str, answers: u64, folder: &Path) {
    if answers == 0 {
        return; // skipped by a filter
    }
    let commits = commits(folder);
    println!(
        "app_record_answer/{name}: {answers} answers in {commits} group commits ({:.1} answers per commit)",
        answers as f64 / commits.max(1) as f64
    );
}

fn answer() -> Answer {
    Answer {
        exercise_id: "source-0007".into(),
        skill: Skill::Source,
        choice: "doc-b".into(),
        correct: true,
        answered_at: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs()),
        // Most answers will carry a level: the record is measured at its larger size.
        confidence: Some(sourcewise::practice::Confidence::FairlySure),
        fingerprint: Some(0x5eed_f00d_cafe_b0a7),
    }
}

/// The app's path: `Storage::record_answer`, one at a time and 64 at once.
fn app_record_answer(criterion: &mut Criterion) {
    let mut group = configure(criterion, "app_record_answer");
    // The flusher thread answers through a tokio oneshot channel: a current-thread
    // runtime without drivers is all the waiting needs.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio runtime");
    let answer = answer();
    let mut rng = rand::rng();

    let folder = tempfile::tempdir().expect("temporary directory");
    let storage = Storage::open(folder.path()).expect("open storage");
    group.throughput(Throughput::Elements(1));
    let mut answers = 0;
    group.bench_function("1_at_a_time", |b| {
        b.iter(|| {
            answers += 1;
            let round = Token::random(&mut rng);
            let recorded = runtime
                .block_on(storage.record_answer(round, 0, &answer))
                .expect("record an answer");
            assert_eq!(recorded, Recorded::Stored);
        })
    });
    drop(storage);
    report_commits("1_at_a_time", answers, folder.path());

    let folder = tempfile::tempdir().expect("temporary directory");
    let storage = Storage::open(folder.path()).expect("open storage");
    group.throughput(Throughput::Elements(CONCURRENT as u64));
    let mut answers = 0;
    group.bench_function(format!("{CONCURRENT}_at_once"), |b| {
        b.iter(|| {
            answers += CONCURRENT as u64;
            let rounds: Vec<Token> = (0..CONCURRENT).map(|_| Token::random(&mut rng)).collect();
            let outcomes = runtime.block_on(futures_util::future::join_all(
                rounds
                    .iter()
                    .map(|round| storage.record_answer(*round, 0, &answer)),
            ));
            for outcome in outcomes {
                assert_eq!(outcome.expect("record an answer"), Recorded::Stored);
            }
        })
    });
    drop(storage);
    report_commits(&format!("{CONCURRENT}_at_once"), answers, folder.path());
    group.finish();
}

criterion_group!(benches, sled_per_op, sled_batched, app_record_answer);
criterion_main!(benches);
