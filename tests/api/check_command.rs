//! `sourcewise check` and what the loader says about broken packs: every problem, with
//! its file and line, all at once.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use sourcewise::content::Skill;

use crate::helpers::{PACK, library, questions_dir, start_server};

fn run_check(dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sourcewise"))
        .arg("check")
        .arg(dir)
        .output()
        .expect("sourcewise check runs")
}

#[test]
fn check_prints_one_summary_line_for_the_bundled_pack() {
    let output = run_check(&questions_dir());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let pack = library().pack(PACK).unwrap();
    let count = |skill| pack.exercises_of(skill).count();
    let expected = format!(
        "{PACK}: 5 sources, {} exercises (source {}, perspective {}, contested {})\n",
        pack.exercises().len(),
        count(Skill::Source),
        count(Skill::Perspective),
        count(Skill::Contested)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
}

const PACK_TOML: &str = r#"id = "tiny"
title = "A tiny pack"
description = "For tests."
content_note = "Nothing upsetting."

[[perspective]]
id = "writer"
label = "A writer"

[[perspective]]
id = "reader"
label = "A reader"
"#;

const ALPHA: &str = "+++\ntitle = \"Alpha\"\nshort_title = \"Alpha\"\nauthor = \"A\"\npublisher = \"P\"\nkind = \"essay\"\ndate = \"2020\"\nlicence = \"test\"\n+++\nThe quick brown fox\njumps over the lazy dog.\n";
const BETA: &str = "+++\ntitle = \"Beta\"\nshort_title = \"Beta\"\nauthor = \"B\"\npublisher = \"P\"\nkind = \"letter\"\ndate = \"2021\"\nlicence = \"test\"\n+++\nA letter about a dog and a cat.\n";

/// A valid exercise file; each case below breaks it in one place.
const EXERCISES: &str = r#"[[exercise]]
id = "one"
kind = "source"
explanation = "The fox gives it away."
passage = { source = "alpha", text = "quick brown fox jumps" }

[[exercise.option]]
answer = "alpha"
correct = true
why = "Only Alpha has the fox."

[[exercise.option]]
answer = "beta"
why = "Beta has no fox."

[[exercise]]
id = "two"
kind = "contested"
claim = "There is a dog."
explanation = "Both mention a dog."

[[exercise.option]]
answer = "agreed"
correct = true
why = "Both say so."

[[exercise.option]]
answer = "single-source"
why = "Two say so."

[[exercise.evidence]]
source = "beta"
text = "a dog and a cat"
"#;

/// Writes the tiny pack to a fresh folder, with `exercises` as its exercise file.
fn tiny_pack(pack_toml: &str, exercises: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let pack = root.path().join("tiny");
    fs::create_dir_all(pack.join("sources")).unwrap();
    fs::create_dir_all(pack.join("exercises")).unwrap();
    fs::write(pack.join("pack.toml"), pack_toml).unwrap();
    fs::write(pack.join("sources/alpha.txt"), ALPHA).unwrap();
    fs::write(pack.join("sources/beta.txt"), BETA).unwrap();
    fs::write(pack.join("exercises/set.toml"), exercises).unwrap();
    root
}

/// Checks that `exercises` fails with exactly the `expected` lines (path relative to
/// the pack), and that the server refuses to start for the same reasons.
fn check(exercises: &str, expected: &[&str]) {
    check_pack(PACK_TOML, exercises, expected);
}

fn check_pack(pack_toml: &str, exercises: &str, expected: &[&str]) {
    let root = tiny_pack(pack_toml, exercises);
    let output = run_check(root.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "check fails: {stderr}");
    let prefix = format!("{}/tiny/", root.path().display());
    let lines: Vec<String> = stderr
        .lines()
        .filter(|line| line.starts_with(&prefix))
        .map(|line| line[prefix.len()..].to_string())
        .collect();
    assert_eq!(
        lines.len(),
        expected.len(),
        "one line per problem: {stderr}"
    );
    for (line, expected) in lines.iter().zip(expected) {
        assert!(
            line.starts_with(expected),
            "expected a line starting {expected:?}, got {line:?}"
        );
    }
    assert!(stderr.trim_end().ends_with(&format!(
        "{} found in the content packs",
        if expected.len() == 1 {
            "1 problem".to_string()
        } else {
            format!("{} problems", expected.len())
        }
    )));
}

#[test]
fn the_tiny_pack_is_valid_as_written() {
    let root = tiny_pack(PACK_TOML, EXERCISES);
    let output = run_check(root.path());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "tiny: 2 sources, 2 exercises (source 1, perspective 0, contested 1)\n"
    );
}

#[test]
fn a_passage_that_is_not_verbatim_is_rejected_with_its_line() {
    check(
        &EXERCISES.replace("quick brown fox jumps", "quick brown fox leaps"),
        &["exercises/set.toml:5: the passage is not found verbatim in the source \"alpha\""],
    );
    check(
        &EXERCISES.replace("a dog and a cat", "a dog and the cat"),
        &["exercises/set.toml:33: the evidence is not found verbatim in the source \"beta\""],
    );
}

#[test]
fn whitespace_differences_in_a_passage_are_allowed() {
    let root = tiny_pack(
        PACK_TOML,
        &EXERCISES.replace("quick brown fox jumps", "quick   brown\\nfox jumps"),
    );
    let output = run_check(root.path());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn unknown_ids_are_rejected() {
    check(
        &EXERCISES.replace("source = \"alpha\"", "source = \"gamma\""),
        &["exercises/set.toml:5: the passage names an unknown source \"gamma\""],
    );
    check(
        &EXERCISES.replace("answer = \"beta\"", "answer = \"gamma\""),
        &["exercises/set.toml:13: exercise \"one\": unknown source \"gamma\""],
    );
    let perspective = EXERCISES
        .replace("kind = \"source\"", "kind = \"perspective\"")
        .replace("answer = \"alpha\"", "answer = \"writer\"")
        .replace("answer = \"beta\"", "answer = \"critic\"");
    check(
        &perspective,
        &["exercises/set.toml:13: exercise \"one\": unknown perspective \"critic\""],
    );
    check(
        &EXERCISES.replace("answer = \"agreed\"", "answer = \"maybe\""),
        &["exercises/set.toml:23: exercise \"two\": unknown verdict \"maybe\""],
    );
    check(
        &EXERCISES.replace("kind = \"contested\"", "kind = \"quiz\""),
        &["exercises/set.toml:18: exercise \"two\": unknown kind \"quiz\""],
    );
}

#[test]
fn duplicate_ids_are_rejected() {
    check(
        &EXERCISES.replace("id = \"two\"", "id = \"one\""),
        &["exercises/set.toml:17: duplicate exercise id \"one\" (first used at "],
    );
    check(
        &EXERCISES.replace("answer = \"beta\"", "answer = \"alpha\""),
        &["exercises/set.toml:13: exercise \"one\": the option \"alpha\" is listed twice"],
    );
    check_pack(
        &PACK_TOML.replace("id = \"reader\"", "id = \"writer\""),
        EXERCISES,
        &["pack.toml:11: duplicate perspective id \"writer\" (first used at line 7)"],
    );
}

#[test]
fn an_exercise_needs_exactly_one_correct_option() {
    check(
        &EXERCISES.replacen("correct = true\n", "", 1),
        &["exercises/set.toml:2: exercise \"one\": no option is marked correct = true"],
    );
    check(
        &EXERCISES.replace(
            "why = \"Beta has no fox.\"",
            "why = \"Beta has no fox.\"\ncorrect = true",
        ),
        &[
            "exercises/set.toml:2: exercise \"one\": 2 options are marked correct = true",
            "exercises/set.toml:13: exercise \"one\": the correct option is \"beta\", but the passage is quoted from \"alpha\"",
        ],
    );
}

#[test]
fn empty_explanations_and_reasons_are_rejected() {
    check(
        &EXERCISES.replace("The fox gives it away.", " "),
        &["exercises/set.toml:4: exercise \"one\": the explanation is empty"],
    );
    check(
        &EXERCISES.replace("Beta has no fox.", ""),
        &["exercises/set.toml:14: exercise \"one\": the option \"beta\" needs a `why`"],
    );
}

#[test]
fn exercises_of_each_kind_need_what_the_kind_shows() {
    let without_evidence = EXERCISES.split("[[exercise.evidence]]").next().unwrap();
    check(
        without_evidence,
        &[
            "exercises/set.toml:17: exercise \"two\": a contested exercise needs [[exercise.evidence]]",
        ],
    );
    check(
        &EXERCISES.replace("claim = \"There is a dog.\"\n", ""),
        &["exercises/set.toml:17: exercise \"two\": a contested exercise needs a claim"],
    );
    check(
        &EXERCISES.replace(
            "passage = { source = \"alpha\", text = \"quick brown fox jumps\" }\n",
            "",
        ),
        &["exercises/set.toml:2: exercise \"one\": a source exercise needs a passage"],
    );
}

#[test]
fn a_passage_found_in_two_documents_is_rejected_for_a_source_exercise() {
    check(
        &EXERCISES.replace("quick brown fox jumps", "dog"),
        &["exercises/set.toml:2: exercise \"one\": the passage also occurs in the source \"beta\""],
    );
}

#[test]
fn misspelt_keys_and_broken_toml_are_reported_with_their_line() {
    check(
        &EXERCISES.replace("explanation = \"Both", "explantion = \"Both"),
        &["exercises/set.toml:20: unknown field `explantion`"],
    );
    check(
        &EXERCISES.replace("id = \"two\"", "id = \"two"),
        &["exercises/set.toml:17: "],
    );
}

#[test]
fn all_problems_are_reported_at_once() {
    let broken = EXERCISES
        .replace("quick brown fox jumps", "slow fox")
        .replace("Both mention a dog.", "")
        .replace("answer = \"agreed\"", "answer = \"maybe\"");
    check(
        &broken,
        &[
            "exercises/set.toml:5: the passage is not found verbatim",
            "exercises/set.toml:20: exercise \"two\": the explanation is empty",
            "exercises/set.toml:23: exercise \"two\": unknown verdict \"maybe\"",
        ],
    );
}

#[test]
fn a_source_file_without_its_header_is_rejected() {
    let root = tiny_pack(PACK_TOML, EXERCISES);
    fs::write(
        root.path().join("tiny/sources/beta.txt"),
        "A letter about a dog and a cat.\n",
    )
    .unwrap();
    let output = run_check(root.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("tiny/sources/beta.txt:1: a source file starts with a line '+++'"),
        "{stderr}"
    );
}

#[test]
fn the_server_refuses_to_start_with_a_broken_pack_and_says_why() {
    let root = tiny_pack(
        PACK_TOML,
        &EXERCISES.replace("quick brown fox jumps", "quick red fox"),
    );
    let data_dir = tempfile::tempdir().unwrap();
    let error =
        start_server(data_dir.path(), root.path()).expect_err("the server refuses to start");
    assert!(error.contains("sourcewise could not start"), "{error}");
    assert!(
        error.contains("tiny/exercises/set.toml:5: the passage is not found verbatim"),
        "{error}"
    );
}

#[test]
fn a_folder_without_packs_is_an_error() {
    let empty = tempfile::tempdir().unwrap();
    let output = run_check(empty.path());
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no content packs here"));
}

#[test]
fn the_help_documents_the_flags_and_their_environment_variables() {
    let output = Command::new(env!("CARGO_BIN_EXE_sourcewise"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "--bind",
        "SOURCEWISE_BIND",
        "--data-dir",
        "SOURCEWISE_DATA_DIR",
        "--questions",
        "SOURCEWISE_QUESTIONS",
        "check",
        "serve",
    ] {
        assert!(
            help.contains(expected),
            "--help mentions {expected}: {help}"
        );
    }
}
