//! What is acknowledged stays: restarts, kills and a data directory that cannot be used.

use std::sync::Barrier;
use std::thread;

use reqwest::StatusCode;

use crate::helpers::{
    Browser, answer_form, browser, next_link, questions_dir, spawn_app, start_server,
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
