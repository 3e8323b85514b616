//! What is acknowledged stays: restarts, kills and a data directory that cannot be used.

use std::sync::Barrier;
use std::thread;

use reqwest::StatusCode;
use sourcewise::storage::FORMAT_VERSION;

use crate::helpers::{
    Browser, answer_form, browser, next_link, questions_dir, spawn_app, start_server, stored_format,
};

#[test]
fn a_kill_and_restart_keeps_progress_and_the_round_in_progress() {
    let mut app = spawn_app();
    let mut page = app.start_round("mix", "4");
    let round = page
        .path()
        .rsplit_once("/questions/")
        .unwrap()
        .0
        .to_string();
    for right in [true, false] {
        let feedback = app.answer(&page, right);
        page = app.get(&next_link(&feedback));
    }
    app.restart_after_kill();

    let progress = app.get("/progress");
    assert!(
        progress
            .text(".score")
            .starts_with("2 answers so far, 1 of them right, in 1 round"),
        "{}",
        progress.text(".score")
    );
    let resumed = app.get(&round);
    assert_eq!(resumed.status, StatusCode::OK);
    assert!(
        resumed.text(".round-place").contains("Question 3 of 4"),
        "the round resumes where it was"
    );
    assert_eq!(
        app.get(&format!("{round}/questions/1")).text("#verdict"),
        "✓ Right"
    );
    assert_eq!(
        app.get(&format!("{round}/questions/2")).text("#verdict"),
        "✗ Not quite"
    );
}

#[test]
fn every_answer_acknowledged_before_a_kill_is_there_after_the_restart() {
    let mut app = spawn_app();
    // Four learners answer at the same time; the server is killed as soon as the last
    // acknowledgement arrives, with no chance to shut down cleanly.
    let learners: Vec<reqwest::blocking::Client> = thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let learner = app.browser_for(browser());
                scope.spawn(move || {
                    let mut page = learner.start_round("mix", "8");
                    for number in 0..8 {
                        let feedback = learner.answer(&page, number % 2 == 0);
                        page = learner.get(&next_link(&feedback));
                    }
                    learner.client
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap())
            .collect()
    });
    app.restart_after_kill();
    for client in learners {
        let progress = app.browser_for(client).get("/progress");
        assert!(
            progress
                .text(".score")
                .starts_with("8 answers so far, 4 of them right"),
            "{}",
            progress.text(".score")
        );
    }
}

#[test]
fn answers_sent_at_the_same_moment_are_all_acknowledged_and_kept() {
    // A class pressing "Check" together: 144 answers from 6 learners, 3 rounds each,
    // arrive at once.
    // (sled's own flush_async can hang under concurrent calls; this must not.)
    let mut app = spawn_app();
    let learners: Vec<Browser> = (0..6).map(|_| app.browser_for(browser())).collect();
    let mut questions = Vec::new();
    for (learner, browser) in learners.iter().enumerate() {
        for _ in 0..3 {
            let first = browser.start_round("mix", "8").path();
            let (round, _) = first.rsplit_once("/questions/").unwrap();
            for number in 1..=8 {
                let page = browser.get(&format!("{round}/questions/{number}"));
                let csrf = page.attribute("input[name=csrf]", "value");
                questions.push((learner, csrf, answer_form(&page, number % 2 == 1)));
            }
        }
    }
    let barrier = Barrier::new(questions.len());
    let statuses: Vec<StatusCode> = thread::scope(|scope| {
        let handles: Vec<_> = questions
            .iter()
            .map(|(learner, csrf, (action, (exercise, choice)))| {
                let browser = &learners[*learner];
                let barrier = &barrier;
                scope.spawn(move || {
                    barrier.wait();
                    browser
                        .post(
                            action,
                            &[("csrf", csrf), ("exercise", exercise), ("choice", choice)],
                        )
                        .status
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap())
            .collect()
    });
    assert!(
        statuses.iter().all(|status| *status == StatusCode::OK),
        "every answer gets its feedback page: {statuses:?}"
    );
    app.restart_after_kill();
    for learner in &learners {
        let progress = app.get_with(&learner.client, "/progress");
        assert!(
            progress
                .text(".score")
                .starts_with("24 answers so far, 12 of them right, in 3 rounds"),
            "{}",
            progress.text(".score")
        );
    }
}

#[test]
fn a_data_directory_of_a_newer_format_is_refused_with_a_clear_message() {
    let data_dir = tempfile::tempdir().unwrap();
    {
        let db = sled::open(data_dir.path()).unwrap();
        db.open_tree("meta")
            .unwrap()
            .insert("format_version", "99")
            .unwrap();
        db.flush().unwrap();
    }
    let error =
        start_server(data_dir.path(), &questions_dir()).expect_err("the server refuses to start");
    assert!(error.contains("holds format version 99"), "{error}");
    assert!(error.contains("use a newer sourcewise"), "{error}");
}

#[test]
fn a_data_directory_of_the_format_before_the_fourth_skill_is_read_and_marked_current() {
    let mut app = spawn_app();
    let round = app.start_round("source", "2").path();
    app.kill();
    {
        let db = sled::open(app.data_dir.path()).unwrap();
        let meta = db.open_tree("meta").unwrap();
        assert_eq!(
            meta.get("format_version").unwrap().as_deref(),
            Some(FORMAT_VERSION.to_string().as_bytes())
        );
        meta.insert("format_version", "1").unwrap();
        db.flush().unwrap();
    }
    app.start_again();
    assert_eq!(
        app.get(&round).status,
        StatusCode::OK,
        "the round reads as before"
    );
    app.kill();
    assert_eq!(
        stored_format(app.data_dir.path()),
        Some(FORMAT_VERSION.to_string()),
        "an older build would now refuse the directory instead of misreading it"
    );
}

#[test]
fn a_data_directory_in_use_by_another_server_is_refused() {
    let app = spawn_app();
    let error = start_server(app.data_dir.path(), &questions_dir())
        .expect_err("a second server refuses to start");
    assert!(error.contains("cannot open the data directory"), "{error}");
    assert!(
        error.contains("Is another sourcewise server using it?"),
        "{error}"
    );
    assert_eq!(
        app.get("/healthz").body,
        "ok",
        "the first server keeps running"
    );
}

/// Runs `sourcewise admin …`; returns whether it succeeded, and what it printed.
pub(crate) fn admin(arguments: &[&std::ffi::OsStr]) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sourcewise"))
        .arg("admin")
        .args(arguments)
        .output()
        .expect("run sourcewise admin");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), said)
}

/// A copy of `from` (a data directory) at a new temporary path, altered by `damage`.
fn damaged_copy(
    from: &std::path::Path,
    damage: impl FnOnce(&std::path::Path),
) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), copy.path().join(entry.file_name())).unwrap();
        }
    }
    damage(copy.path());
    copy
}

/// A way to damage a copy of a data directory.
type Damage = Box<dyn FnOnce(&std::path::Path)>;

#[test]
fn a_truncated_emptied_or_unreadable_data_directory_is_refused_never_reset() {
    let mut app = spawn_app();
    for _ in 0..6 {
        let page = app.start_round("mix", "2");
        app.answer(&page, true);
    }
    app.kill();
    let db_length = std::fs::metadata(app.data_dir.path().join("db"))
        .unwrap()
        .len();
    let cases: [(&str, Damage, &str); 4] = [
        (
            "truncated",
            Box::new(move |dir| {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(dir.join("db"))
                    .unwrap();
                file.set_len(db_length / 2).unwrap();
            }),
            "was truncated or replaced by an older copy",
        ),
        (
            "emptied",
            Box::new(|dir| std::fs::write(dir.join("db"), b"").unwrap()),
            "its database is empty, but",
        ),
        (
            "a folder where the database should be",
            Box::new(|dir| {
                std::fs::remove_file(dir.join("db")).unwrap();
                std::fs::create_dir(dir.join("db")).unwrap();
            }),
            "Check that it is a sourcewise data directory",
        ),
        (
            "a foreign count of commits",
            Box::new(|dir| std::fs::write(dir.join("sourcewise.commits"), [7u8; 16]).unwrap()),
            "is not a count of commits",
        ),
    ];
    for (case, damage, expected) in cases {
        let copy = damaged_copy(app.data_dir.path(), damage);
        let error = start_server(copy.path(), &questions_dir())
            .expect_err(&format!("a data directory {case} is refused"));
        assert!(
            error.contains("sourcewise could not start"),
            "{case}: {error}"
        );
        assert!(error.contains(expected), "{case}: {error}");
        assert!(!error.contains("panicked"), "{case}: {error}");
    }
    let file = tempfile::NamedTempFile::new().unwrap();
    let error = start_server(file.path(), &questions_dir()).expect_err("a file is refused");
    assert!(error.contains("is a file, not a folder"), "{error}");
    // The intact directory still starts, with everything in it.
    app.start_again();
    assert!(
        app.get("/progress")
            .text(".score")
            .starts_with("6 answers so far")
    );
}

#[test]
fn a_backup_restored_into_a_new_data_directory_serves_the_same_school() {
    let mut app = spawn_app();
    let teacher = app.browser_for(browser());
    let class_page = crate::classes::teacher_with_class(&teacher, "rivera", "10B History");
    let code = crate::classes::join_code(&teacher.get(&class_page));
    let students: Vec<Browser> = (0..3).map(|_| app.browser_for(browser())).collect();
    for (index, student) in students.iter().enumerate() {
        crate::classes::join(student, &code, &format!("Student {index}"));
        let page = student.start_round("source", "3");
        let feedback = student.answer(&page, index % 2 == 0);
        student.answer(&student.get(&next_link(&feedback)), true);
    }
    let mut student_pages: Vec<String> = teacher
        .get(&class_page)
        .attributes("a[href*='/students/']", "href");
    student_pages.sort();
    student_pages.dedup();
    assert_eq!(student_pages.len(), 3);
    let seen = |address: &str| -> Vec<String> {
        let view = |browser: &Browser, path: &str| {
            let page = Browser {
                address: address.to_string(),
                client: browser.client.clone(),
            }
            .get(path);
            assert_eq!(page.status, StatusCode::OK, "{path}");
            // The join link names the server's address, and the note that phones cannot
            // reach it names its port: both change with each start.
            let port = address.rsplit(':').next().unwrap_or_default();
            page.text("main")
                .replace(address, "SERVER")
                .replace(&format!(":{port} "), ":PORT ")
        };
        let mut texts = vec![view(&teacher, &class_page)];
        texts.extend(student_pages.iter().map(|path| view(&teacher, path)));
        texts.extend(students.iter().map(|student| view(student, "/progress")));
        texts
    };
    let before = seen(&app.address);

    let backup = tempfile::tempdir().unwrap();
    let backup_path = backup.path().join("copy");
    let (done, said) = admin(&[
        "backup".as_ref(),
        backup_path.as_os_str(),
        "--data-dir".as_ref(),
        app.data_dir.path().as_os_str(),
    ]);
    assert!(!done, "no backup while the server runs");
    assert!(
        said.contains("Is another sourcewise server using it?"),
        "{said}"
    );
    app.kill();
    let (done, said) = admin(&[
        "backup".as_ref(),
        backup_path.as_os_str(),
        "--data-dir".as_ref(),
        app.data_dir.path().as_os_str(),
    ]);
    assert!(done, "{said}");
    assert!(said.starts_with("Copied "), "{said}");
    let (done, said) = admin(&[
        "backup".as_ref(),
        backup_path.as_os_str(),
        "--data-dir".as_ref(),
        app.data_dir.path().as_os_str(),
    ]);
    assert!(
        !done && said.contains("already exists and is not empty"),
        "{said}"
    );

    let new_home = tempfile::tempdir().unwrap();
    let restored = new_home.path().join("data");
    let missing = new_home.path().join("no-such-backup");
    let (done, said) = admin(&[
        "restore".as_ref(),
        missing.as_os_str(),
        "--data-dir".as_ref(),
        restored.as_os_str(),
    ]);
    assert!(
        !done && said.contains("is not a sourcewise data directory or backup"),
        "{said}"
    );
    let (done, said) = admin(&[
        "restore".as_ref(),
        backup_path.as_os_str(),
        "--data-dir".as_ref(),
        restored.as_os_str(),
    ]);
    assert!(done, "{said}");
    let (mut server, address) =
        start_server(&restored, &questions_dir()).expect("the restored copy starts");
    let after = seen(&address);
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(after, before, "the restored school looks exactly as it did");
}

/// Starts the server on `data_dir` in a shell that limits the size of any file it
/// writes (`ulimit -f`, in blocks) and ignores SIGXFSZ, so that a write past the limit
/// fails with EFBIG as a write to a full disk fails with ENOSPC.
fn start_server_on_a_small_disk(
    data_dir: &std::path::Path,
    blocks: u32,
) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    let mut process = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_sourcewise"))
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .arg("--questions")
        .arg(questions_dir())
        .env("RUST_LOG", "off")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the server starts");
    let mut line = String::new();
    BufReader::new(process.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line
        .trim()
        .strip_prefix("sourcewise listening on http://")
        .unwrap_or_else(|| panic!("the server says where it listens: {line:?}"))
        .to_string();
    (process, address)
}

#[test]
fn a_full_disk_gets_a_clear_not_saved_page_and_never_a_false_acknowledgement() {
    let data_dir = tempfile::tempdir().unwrap();
    let (mut server, address) = start_server_on_a_small_disk(data_dir.path(), 500);
    let learner = Browser {
        address,
        client: browser(),
    };
    let mut acknowledged = Vec::new();
    let mut refused = None;
    'answering: for _ in 0..200 {
        // Starting a round writes too, so the disk may fill there as well.
        let csrf = learner.learner_token();
        let mut page = learner.post(
            "/packs/khojaly-1992/rounds",
            &[("csrf", &csrf), ("focus", "mix"), ("length", "45")],
        );
        if page.status != StatusCode::OK {
            refused = Some(page);
            break;
        }
        loop {
            let (action, (exercise, choice)) = answer_form(&page, true);
            let csrf = page.attribute("input[name=csrf]", "value");
            let reply = learner.post(
                &action,
                &[
                    ("csrf", &csrf),
                    ("exercise", &exercise),
                    ("choice", &choice),
                ],
            );
            if reply.status != StatusCode::OK {
                refused = Some(reply);
                break 'answering;
            }
            acknowledged.push(action);
            match reply.attributes("#feedback a.button", "href").first() {
                Some(next) if next.contains("/questions/") => page = learner.get(next),
                _ => break,
            }
        }
    }
    let refused = refused.expect("the disk fills up");
    assert!(
        !acknowledged.is_empty(),
        "answers were kept before the disk filled"
    );
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.text("h1"), "Not saved");
    assert!(
        refused
            .text(".error-message")
            .contains("Your last answer or change was not recorded"),
        "{}",
        refused.text(".error-message")
    );
    server.kill().unwrap();
    server.wait().unwrap();

    // With room on the disk again, every acknowledged answer is there.
    let (mut server, address) =
        start_server(data_dir.path(), &questions_dir()).expect("the server starts again");
    let learner = Browser {
        address,
        client: learner.client,
    };
    for action in &acknowledged {
        assert!(
            !learner.get(action).texts("#feedback").is_empty(),
            "the acknowledged answer to {action} was kept"
        );
    }
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn serve_refuses_a_folder_that_is_not_a_sourcewise_data_directory() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("essay.txt"), "my homework").unwrap();
    let error = start_server(folder.path(), &questions_dir())
        .expect_err("a folder of something else is refused");
    assert!(
        error.contains("is not a sourcewise data directory"),
        "{error}"
    );
    assert!(error.contains("new or empty folder"), "{error}");
    let names: Vec<_> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, vec!["essay.txt"], "nothing was written there");
}

#[test]
fn a_database_without_its_count_of_commits_is_refused_until_an_administrator_accepts_it() {
    let mut app = spawn_app();
    let page = app.start_round("mix", "2");
    app.answer(&page, true);
    app.kill();
    std::fs::remove_file(app.data_dir.path().join("sourcewise.commits")).unwrap();

    let error = start_server(app.data_dir.path(), &questions_dir())
        .expect_err("a database without its mark is refused");
    assert!(error.contains("sourcewise.commits"), "{error}");
    assert!(error.contains("sourcewise admin accept"), "{error}");
    assert!(
        !app.data_dir.path().join("sourcewise.commits").exists(),
        "the refusal writes no new mark"
    );

    let (done, said) = admin(&[
        "accept".as_ref(),
        "--data-dir".as_ref(),
        app.data_dir.path().as_os_str(),
    ]);
    assert!(done, "{said}");
    assert!(said.contains("Accepted"), "{said}");
    app.start_again();
    assert_eq!(
        app.get("/progress").text(".score"),
        "1 answer so far, and it was right, in 1 round."
    );
}
