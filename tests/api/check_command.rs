//! `sourcewise check` and what the loader says about broken packs: every problem, with
//! its file and line, all at once.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use sourcewise::content::Skill;

use crate::helpers::{PACK, library, questions_dir, start_server};

pub(crate) fn run_check(dir: &Path) -> Output {
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
        "{PACK}: 5 sources, {} exercises (source {}, perspective {}, contested {}, quote {})\n",
        pack.exercises().len(),
        count(Skill::Source),
        count(Skill::Perspective),
        count(Skill::Contested),
        count(Skill::Quote)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
}

pub(crate) const PACK_TOML: &str = r#"id = "tiny"
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

pub(crate) const ALPHA: &str = "+++\ntitle = \"Alpha\"\nshort_title = \"Alpha\"\nauthor = \"A\"\npublisher = \"P\"\nkind = \"essay\"\ndate = \"2020\"\nlicence = \"test\"\n+++\nThe quick brown fox\njumps over the lazy dog.\n";
pub(crate) const BETA: &str = "+++\ntitle = \"Beta\"\nshort_title = \"Beta\"\nauthor = \"B\"\npublisher = \"P\"\nkind = \"letter\"\ndate = \"2021\"\nlicence = \"test\"\n+++\nA letter about a dog and a cat.\n";

/// A valid exercise file; each case below breaks it in one place.
pub(crate) const EXERCISES: &str = r#"[[exercise]]
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
    assert_problems(&tiny_pack(pack_toml, exercises), expected);
}

/// Checks that the pack in `root` fails with exactly the `expected` lines (path
/// relative to the pack), and says how many problems it found.
fn assert_problems(root: &tempfile::TempDir, expected: &[&str]) {
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
        "tiny: 2 sources, 2 exercises (source 1, perspective 0, contested 1, quote 0)\n"
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

/// `count` words of filler, for texts over a limit.
fn words(count: usize) -> String {
    vec!["word"; count].join(" ")
}

#[test]
fn a_question_passage_repeated_in_another_exercise_is_a_leak_naming_both_places() {
    // The fox's whole sentence as the passage, and eight of its words as evidence of
    // the contested exercise: a mixed round would show them labelled "Alpha".
    let leaking = EXERCISES
        .replace(
            "text = \"quick brown fox jumps\"",
            "text = \"The quick brown fox jumps over the lazy dog.\"",
        )
        .replace(
            "[[exercise.evidence]]\nsource = \"beta\"\ntext = \"a dog and a cat\"\n",
            "[[exercise.evidence]]\nsource = \"beta\"\ntext = \"a dog and a cat\"\n\n[[exercise.evidence]]\nsource = \"alpha\"\ntext = \"quick brown fox jumps over the lazy dog\"\n",
        );
    check(
        &leaking,
        &[
            "exercises/set.toml:5: exercise \"one\": its passage shares 8 or more consecutive words (\"quick brown fox jumps over the lazy dog\") with the evidence of exercise \"two\" at ",
        ],
    );
    let root = tiny_pack(PACK_TOML, &leaking);
    let stderr = String::from_utf8_lossy(&run_check(root.path()).stderr).into_owned();
    assert!(
        stderr.contains(&format!(
            "at {}/tiny/exercises/set.toml:37",
            root.path().display()
        )),
        "the message names the other place as path:line: {stderr}"
    );

    // The feedback an author writes counts too: an explanation quoting the passage.
    let quoted = EXERCISES
        .replace(
            "text = \"quick brown fox jumps\"",
            "text = \"The quick brown fox jumps over the lazy dog.\"",
        )
        .replace(
            "explanation = \"Both mention a dog.\"",
            "explanation = \"Both mention a dog, as in 'the quick brown fox jumps over the lazy dog'.\"",
        );
    check(
        &quoted,
        &[
            "exercises/set.toml:5: exercise \"one\": its passage shares 8 or more consecutive words (\"the quick brown fox jumps over the lazy\") with the explanation of exercise \"two\" at ",
        ],
    );

    // So does the glossary, one click away from the question.
    let root = tiny_pack(
        PACK_TOML,
        &EXERCISES.replace(
            "text = \"quick brown fox jumps\"",
            "text = \"The quick brown fox jumps over the lazy dog.\"",
        ),
    );
    fs::write(
        root.path().join("tiny/glossary.toml"),
        "[[term]]\nid = \"fox\"\nterm = \"fox\"\ndefinition = \"As in: the quick brown fox jumps over the lazy dog.\"\n",
    )
    .unwrap();
    let stderr = String::from_utf8_lossy(&run_check(root.path()).stderr).into_owned();
    assert!(
        stderr.contains(&format!(
            "tiny/exercises/set.toml:5: exercise \"one\": its passage shares 8 or more consecutive words (\"the quick brown fox jumps over the lazy\") with the glossary entry at {}/tiny/glossary.toml:4",
            root.path().display()
        )),
        "{stderr}"
    );

    // Seven words in common are not a leak.
    let seven = leaking.replace(
        "text = \"quick brown fox jumps over the lazy dog\"",
        "text = \"brown fox jumps over the lazy dog\"",
    );
    let root = tiny_pack(PACK_TOML, &seven);
    assert!(run_check(root.path()).status.success());
}

#[test]
fn over_long_explanations_reasons_and_sentences_are_refused_with_their_line() {
    // Short sentences, so that only the word count is over.
    let long_explanation = ["Four words and stop."; 38].join(" ");
    check(
        &EXERCISES.replace("The fox gives it away.", &long_explanation),
        &[
            "exercises/set.toml:4: exercise \"one\": the explanation has 152 words: keep it to 150 at most",
        ],
    );
    let long_why = ["Six words here and then stop."; 11].join(" ");
    check(
        &EXERCISES.replace("Beta has no fox.", &long_why),
        &[
            "exercises/set.toml:14: exercise \"one\": the why of \"beta\" has 66 words: keep it to 60 at most",
        ],
    );
    check(
        &EXERCISES.replace("Both mention a dog.", &format!("{}.", words(41))),
        &[
            "exercises/set.toml:20: exercise \"two\": the explanation has a sentence of 41 words outside quotation marks (at most 40): split the one that begins \"word word word word word word word word\"",
        ],
    );
    // Quoted words are the documents' own and do not count.
    let quoted = format!("{} \\\"{}\\\" and so on.", words(30), words(20));
    let root = tiny_pack(
        PACK_TOML,
        &EXERCISES.replace("Both mention a dog.", &quoted),
    );
    let output = run_check(root.path());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

const REPORT: &str = "+++\ntitle = \"Report\"\nshort_title = \"The report\"\nauthor = \"R\"\npublisher = \"P\"\nkind = \"report\"\ndate = \"2020\"\nlicence = \"test\"\nperspective = \"writer\"\n+++\nThe minister said: “We were able to break that stereotype.” See https://example.org/book for the book.\n";
const BOOK: &str = "+++\ntitle = \"Book\"\nshort_title = \"The book\"\nauthor = \"B\"\npublisher = \"P\"\nkind = \"book\"\ndate = \"2003\"\nlicence = \"test\"\n+++\nIn the interview the minister said: We were able to break that [stereotype]. And that is what happened. He also spoke of the war.\n";

/// A valid quote exercise; each case below breaks it in one place.
const QUOTE: &str = r#"[[exercise]]
id = "three"
kind = "quote"
speaker = "The minister, in an interview"
explanation = "The report drops the brackets."
passage = { source = "report", text = "We were able to break that stereotype." }

[[exercise.version]]
source = "book"
text = "We were able to break that [stereotype]."
difference = "The brackets show the word was added by the editor."

[[exercise.option]]
answer = "changed"
correct = true
why = "The brackets are gone."

[[exercise.option]]
answer = "faithful"
why = "The brackets matter."

[[exercise.option]]
answer = "unverifiable"
why = "The book has the words."
"#;

/// The tiny pack with two more documents and `quote` as a second exercise file.
fn quote_pack(quote: &str) -> tempfile::TempDir {
    let root = tiny_pack(PACK_TOML, EXERCISES);
    let pack = root.path().join("tiny");
    fs::write(pack.join("sources/report.txt"), REPORT).unwrap();
    fs::write(pack.join("sources/book.txt"), BOOK).unwrap();
    fs::write(pack.join("exercises/quote.toml"), quote).unwrap();
    root
}

/// Checks that the quote file `quote` fails with exactly the `expected` lines.
fn check_quote(quote: &str, expected: &[&str]) {
    assert_problems(&quote_pack(quote), expected);
}

#[test]
fn a_quote_exercise_is_checked_like_the_others_and_counted() {
    let root = quote_pack(QUOTE);
    let output = run_check(root.path());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "tiny: 4 sources, 3 exercises (source 1, perspective 0, contested 1, quote 1)\n"
    );
    check_quote(
        &QUOTE.replace("break that [stereotype].", "break that [cliché]."),
        &["exercises/quote.toml:10: the version is not found verbatim in the source \"book\""],
    );
    check_quote(
        &QUOTE.replace("source = \"book\"", "source = \"atlas\""),
        &["exercises/quote.toml:9: the version names an unknown source \"atlas\""],
    );
    check_quote(
        &QUOTE.replace("speaker = \"The minister, in an interview\"\n", ""),
        &["exercises/quote.toml:2: exercise \"three\": a quote exercise needs a speaker"],
    );
    check_quote(
        &QUOTE.replace("answer = \"unverifiable\"", "answer = \"half-true\""),
        &[
            "exercises/quote.toml:23: exercise \"three\": unknown verdict \"half-true\": use faithful, changed or unverifiable",
        ],
    );
}

#[test]
fn a_quote_exercise_whose_key_does_not_fit_its_versions_is_refused() {
    let key = |answer: &str| {
        QUOTE.replace("correct = true\n", "").replace(
            &format!("answer = \"{answer}\"\n"),
            &format!("answer = \"{answer}\"\ncorrect = true\n"),
        )
    };
    check_quote(
        &key("unverifiable"),
        &[
            "exercises/quote.toml:22: exercise \"three\": the key is unverifiable, but the exercise gives other versions of the words",
        ],
    );
    // The same words in the book: nothing was changed.
    let same = QUOTE
        .replace(
            "text = \"We were able to break that [stereotype].\"",
            "text = \"We were able to break that\"",
        )
        .replace(
            "passage = { source = \"report\", text = \"We were able to break that stereotype.\" }",
            "passage = { source = \"report\", text = \"We were able to break that\" }",
        );
    check_quote(
        &same,
        &[
            "exercises/quote.toml:14: exercise \"three\": the key is changed, but every version has the same words as the passage",
        ],
    );
    check_quote(
        &QUOTE.replace(
            "difference = \"The brackets show the word was added by the editor.\"\n",
            "",
        ),
        &[
            "exercises/quote.toml:10: exercise \"three\": this version's words differ from the passage's, so it needs a `difference`",
        ],
    );
    // Without a version, the quote cannot be checked: only unverifiable fits, and the
    // learner still gets the book's other words to compare.
    let alone = QUOTE.replace(
        "[[exercise.version]]\nsource = \"book\"\ntext = \"We were able to break that [stereotype].\"\ndifference = \"The brackets show the word was added by the editor.\"\n",
        "[[exercise.evidence]]\nsource = \"book\"\ntext = \"He also spoke of the war.\"\n",
    );
    check_quote(
        &alone,
        &[
            "exercises/quote.toml:13: exercise \"three\": the key says the quote can be checked, but the exercise gives no other version",
        ],
    );
    let nothing = alone.replace(
        "[[exercise.evidence]]\nsource = \"book\"\ntext = \"He also spoke of the war.\"\n",
        "",
    );
    check_quote(
        &nothing,
        &[
            "exercises/quote.toml:2: exercise \"three\": a quote exercise gives the learner something to compare",
            "exercises/quote.toml:10: exercise \"three\": the key says the quote can be checked",
        ],
    );
    let root = quote_pack(&alone.replace("correct = true\n", "").replace(
        "answer = \"unverifiable\"\n",
        "answer = \"unverifiable\"\ncorrect = true\n",
    ));
    let output = run_check(root.path());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn versions_speakers_and_claims_belong_to_their_own_kinds() {
    check(
        &EXERCISES.replace(
            "[[exercise.option]]\nanswer = \"alpha\"",
            "[[exercise.version]]\nsource = \"beta\"\ntext = \"a dog\"\n\n[[exercise.option]]\nanswer = \"alpha\"",
        ),
        &["exercises/set.toml:7: exercise \"one\": only quote exercises have [[exercise.version]]"],
    );
    check(
        &EXERCISES.replace(
            "kind = \"source\"\n",
            "kind = \"source\"\nspeaker = \"Someone\"\n",
        ),
        &["exercises/set.toml:4: exercise \"one\": only quote exercises have a speaker"],
    );
}

#[test]
fn an_original_links_only_to_an_address_a_document_gives() {
    let with_original = |url: &str| {
        QUOTE.replace(
            "[[exercise.option]]\nanswer = \"changed\"",
            &format!("[[exercise.original]]\ntitle = \"The book\"\nlook_for = \"The page with the interview.\"\nurl = \"{url}\"\n\n[[exercise.option]]\nanswer = \"changed\""),
        )
    };
    let root = quote_pack(&with_original("https://example.org/book"));
    let output = run_check(root.path());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    check_quote(
        &with_original("https://example.org/elsewhere"),
        &[
            "exercises/quote.toml:16: exercise \"three\": the address \"https://example.org/elsewhere\" is not given by any document of the pack",
        ],
    );
}

#[test]
fn a_glossary_keeps_its_definitions_short_and_its_forms_apart() {
    let root = tiny_pack(PACK_TOML, EXERCISES);
    let glossary = root.path().join("tiny/glossary.toml");
    fs::write(
        &glossary,
        "[[term]]\nid = \"fox\"\nterm = \"fox\"\naliases = [\"foxes\"]\ndefinition = \"A wild animal of the dog family.\"\n",
    )
    .unwrap();
    assert!(run_check(root.path()).status.success());
    fs::write(
        &glossary,
        format!(
            "[[term]]\nid = \"fox\"\nterm = \"fox\"\ndefinition = \"{}.\"\n\n[[term]]\nid = \"vixen\"\nterm = \"vixen\"\naliases = [\"Fox\"]\ndefinition = \"A female fox.\"\n",
            words(31)
        ),
    )
    .unwrap();
    let stderr = String::from_utf8_lossy(&run_check(root.path()).stderr).into_owned();
    assert!(
        stderr.contains(
            "tiny/glossary.toml:4: the definition of \"fox\" has 31 words: keep it to 30 at most"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("tiny/glossary.toml:8: \"Fox\" is a form of both \"fox\" and \"vixen\""),
        "{stderr}"
    );
}

#[test]
fn a_document_names_its_own_voice_with_a_known_perspective() {
    let root = tiny_pack(PACK_TOML, EXERCISES);
    fs::write(
        root.path().join("tiny/sources/beta.txt"),
        BETA.replace(
            "licence = \"test\"\n",
            "licence = \"test\"\nperspective = \"critic\"\n",
        ),
    )
    .unwrap();
    let stderr = String::from_utf8_lossy(&run_check(root.path()).stderr).into_owned();
    assert!(
        stderr.contains("tiny/sources/beta.txt:9: unknown perspective \"critic\""),
        "{stderr}"
    );
}

#[test]
fn whose_voices_are_missing_is_checked_as_plain_words() {
    check_pack(
        &PACK_TOML.replace(
            "content_note = \"Nothing upsetting.\"\n",
            &format!(
                "content_note = \"Nothing upsetting.\"\nmissing_voices = \"{}.\"\n",
                words(41)
            ),
        ),
        EXERCISES,
        &["pack.toml:5: missing_voices has a sentence of 41 words outside quotation marks"],
    );
}
