//! Teachers' own packs: importing a `.zip` (checked whole, refused with every problem,
//! nothing stored), exporting it, assigning it, and keeping it to its teacher.

use std::fs;
use std::io::{Cursor, Write};
use std::path::Path;

use reqwest::StatusCode;
use reqwest::blocking::multipart::{Form, Part};
use sourcewise::content::load::load_library;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::check_command::{ALPHA, BETA, EXERCISES, PACK_TOML, run_check};
use crate::helpers::{Browser, Page, TestApp, browser, questions_dir, spawn_app};
use crate::{assignments, classes, live};

/// A zip archive of `entries` (name, bytes), deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// The tiny pack of `check_command` as a zipped folder `tiny/`, its exercises `exercises`.
fn tiny_zip(exercises: &str) -> Vec<u8> {
    zip_of(&[
        ("tiny/pack.toml", PACK_TOML.as_bytes()),
        ("tiny/sources/alpha.txt", ALPHA.as_bytes()),
        ("tiny/sources/beta.txt", BETA.as_bytes()),
        ("tiny/exercises/set.toml", exercises.as_bytes()),
    ])
}

/// Every file of the pack folder `folder`, zipped in a folder of the same name.
fn zip_folder(folder: &Path) -> Vec<u8> {
    let name = folder.file_name().unwrap().to_str().unwrap();
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    let mut stack = vec![folder.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let inner = path.strip_prefix(folder).unwrap().to_str().unwrap();
                entries.push((format!("{name}/{inner}"), fs::read(&path).unwrap()));
            }
        }
    }
    let borrowed: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
        .collect();
    zip_of(&borrowed)
}

/// Sends the import form of `/teachers/packs` with `archive` as the file.
fn import(teacher: &Browser, archive: Vec<u8>, new_id: &str) -> Page {
    send_import(teacher, Part::bytes(archive).file_name("pack.zip"), new_id)
}

/// Sends the import form with `file` as its file field.
fn send_import(teacher: &Browser, file: Part, new_id: &str) -> Page {
    let csrf = teacher.form_token("/teachers/packs");
    let form = Form::new()
        .text("csrf", csrf)
        .text("new_id", new_id.to_string())
        .part("archive", file);
    let response = teacher
        .client
        .post(teacher.url("/teachers/packs"))
        .multipart(form)
        .send()
        .expect("POST succeeds");
    let status = response.status();
    let url = response.url().to_string();
    let body = response.text().unwrap();
    Page { status, url, body }
}

fn teacher(app: &TestApp, username: &str) -> Browser {
    let teacher = app.browser_for(browser());
    live::sign_up(&teacher, username);
    teacher
}

/// The packs listed on the teacher's packs page, as "title (id)".
fn listed(teacher: &Browser) -> Vec<String> {
    teacher.get("/teachers/packs").texts(".cards .card-title")
}

/// The key the pack page's preview link serves the pack under.
fn key_of(pack_page: &Page) -> String {
    let preview = pack_page.attribute("a.button[href^='/packs/']", "href");
    preview.trim_start_matches("/packs/").to_string()
}

/// Assigns the whole pack `key` to the class at `class`, feedback straight away.
fn assign_pack(teacher: &Browser, class: &str, key: &str) -> Page {
    assignments::assign_pack(
        teacher,
        class,
        key,
        &[
            ("focus", "all"),
            ("length", "2"),
            ("due", ""),
            ("feedback", "immediate"),
        ],
    )
}

fn assert_refused(page: &Page, summary: &str, problems: &[&str]) {
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    let said = page.text(".form-error p");
    assert!(said.contains(summary), "{said:?} says {summary:?}");
    assert_eq!(page.texts(".form-error .problems li"), problems);
}

#[test]
fn a_teacher_imports_a_pack_assigns_it_and_a_student_answers_it() {
    let app = spawn_app();
    let class = classes::teacher_with_class(&app, "okafor", "9C Media");
    let code = classes::join_code(&app.get(&class));

    let page = import(&app, tiny_zip(EXERCISES), "");
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.text(".notice")
            .starts_with("Imported: every check passed."),
        "{}",
        page.body
    );
    assert_eq!(page.text("h1"), "A tiny pack");
    let exercises: Vec<String> = page
        .texts("main li")
        .into_iter()
        .filter(|line| line.contains(" · version 1"))
        .map(|line| {
            line.split(" · version")
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(exercises.len(), 2, "{exercises:?}");
    assert!(
        exercises
            .iter()
            .any(|line| line.ends_with("· Which source?")),
        "{exercises:?}"
    );
    assert!(
        exercises
            .iter()
            .any(|line| line.ends_with("· Agreed or contested?")),
        "{exercises:?}"
    );
    let key = key_of(&page);
    assert!(key.starts_with("tiny~"), "{key}");
    assert_eq!(listed(&app), ["A tiny pack"]);

    // It is offered in the assign form beside the site's lesson, and can be assigned.
    let offered = app
        .get(&class)
        .attributes("select[name=pack] option", "value");
    assert!(offered.contains(&key), "{offered:?}");
    let page = assign_pack(&app, &class, &key);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);

    // A student does it, and opens the document from the feedback.
    let student = app.browser_for(browser());
    classes::join(&student, &code, "Ade");
    let mut question = assignments::open_assignment(&student);
    assert_eq!(question.status, StatusCode::OK, "{}", question.body);
    for _ in 0..2 {
        let exercise = question.attribute("input[name=exercise]", "value");
        let choice = if exercise == "one" { "alpha" } else { "agreed" };
        let feedback = student.answer_choosing(&question, choice, None);
        assert_eq!(feedback.status, StatusCode::OK, "{}", feedback.body);
        assert!(feedback.body.contains("Right"), "{}", feedback.body);
        let reader = student.get(&format!("/packs/{key}/sources/alpha"));
        assert_eq!(reader.status, StatusCode::OK);
        assert!(reader.visible_text().contains("The quick brown fox"));
        let next = crate::helpers::next_link(&feedback);
        question = student.get(&next);
    }
    assert!(question.path().ends_with("/summary"), "{}", question.url);

    // The teacher sees the student's answers.
    let results = app.get(&app.get(&class).attribute(".assignments .card h3 a", "href"));
    assert_eq!(results.status, StatusCode::OK);
    assert!(results.visible_text().contains("Ade"), "{}", results.body);
    assert!(
        results.visible_text().contains("2 of 2"),
        "{}",
        results.visible_text()
    );
}

#[test]
fn exporting_and_importing_the_bundled_pack_gives_the_same_exercises() {
    let app = spawn_app();
    live::sign_up(&app, "lindqvist");
    let bundled = zip_folder(&questions_dir().join("khojaly-1992"));

    // Its id is the site's own lesson's: refused unless renamed.
    let page = import(&app, bundled.clone(), "");
    assert_refused(
        &page,
        "The id “khojaly-1992” is taken by a lesson this site offers to everyone. To import it beside that one, type a new id",
        &[],
    );
    assert!(listed(&app).is_empty());
    let page = import(&app, bundled, "khojaly-copy");
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.text("h1"),
        "Khojaly, February 1992: five sources, one event"
    );

    // The export unzips into a folder `sourcewise check` takes and that serves as is.
    let export = app
        .client
        .get(app.url(&format!("{}/export.zip", page.path())))
        .send()
        .unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    assert_eq!(
        export.headers()["content-disposition"],
        "attachment; filename=\"khojaly-copy.zip\""
    );
    let bytes = export.bytes().unwrap().to_vec();
    let unzipped = tempfile::tempdir().unwrap();
    ZipArchive::new(Cursor::new(bytes))
        .unwrap()
        .extract(unzipped.path())
        .unwrap();
    let output = run_check(unzipped.path());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = run_check(&unzipped.path().join("khojaly-copy"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .starts_with("khojaly-copy: 5 sources, 61 exercises")
    );

    let copy = load_library(unzipped.path()).unwrap();
    let original = load_library(&questions_dir()).unwrap();
    let copy = copy.pack("khojaly-copy").unwrap();
    let original = original.pack("khojaly-1992").unwrap();
    assert_eq!(
        format!("{:?}", copy.exercises()),
        format!("{:?}", original.exercises())
    );
    assert_eq!(
        format!("{:?}", copy.sources()),
        format!("{:?}", original.sources())
    );
    // Every file but pack.toml's id line is byte for byte the bundled one.
    for name in [
        "sources/encyclopedia.txt",
        "exercises/quote.toml",
        "glossary.toml",
    ] {
        assert_eq!(
            fs::read(unzipped.path().join("khojaly-copy").join(name)).unwrap(),
            fs::read(questions_dir().join("khojaly-1992").join(name)).unwrap(),
            "{name}"
        );
    }
    let pack_toml = fs::read_to_string(unzipped.path().join("khojaly-copy/pack.toml")).unwrap();
    let bundled_toml = fs::read_to_string(questions_dir().join("khojaly-1992/pack.toml")).unwrap();
    assert_eq!(
        pack_toml,
        bundled_toml.replace("id = \"khojaly-1992\"", "id = \"khojaly-copy\"")
    );
}

#[test]
fn a_pack_with_a_problem_is_refused_with_every_problem_and_nothing_is_stored() {
    let app = spawn_app();
    live::sign_up(&app, "moreau");
    let broken = EXERCISES
        .replace("quick brown fox jumps", "quick red fox jumps")
        .replace("text = \"a dog and a cat\"", "text = \"a dog and a mouse\"");
    let page = import(&app, tiny_zip(&broken), "");
    assert_refused(
        &page,
        "was not imported: 2 problems found. Nothing was stored.",
        &[
            "tiny/exercises/set.toml:5: the passage is not found verbatim in the source \"alpha\": copy it exactly from sources/alpha.txt (only whitespace may differ); it begins \"quick red fox jumps\"",
            "tiny/exercises/set.toml:33: the evidence is not found verbatim in the source \"beta\": copy it exactly from sources/beta.txt (only whitespace may differ); it begins \"a dog and a mouse\"",
        ],
    );
    assert!(listed(&app).is_empty());

    // The same files unzipped give `sourcewise check` the same words.
    let folder = tempfile::tempdir().unwrap();
    ZipArchive::new(Cursor::new(tiny_zip(&broken)))
        .unwrap()
        .extract(folder.path())
        .unwrap();
    let output = run_check(folder.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for problem in page.texts(".form-error .problems li") {
        assert!(
            stderr.contains(&format!("{}/{problem}", folder.path().display())),
            "{stderr}\nlacks {problem}"
        );
    }
}

#[test]
fn archives_that_could_harm_or_overwhelm_the_server_are_refused() {
    let app = spawn_app();
    live::sign_up(&app, "tanaka");
    let refused = |archive: Vec<u8>, problems: &[&str]| {
        let page = import(&app, archive, "");
        assert_refused(
            &page,
            "the archive cannot be taken as it is. Nothing was stored.",
            problems,
        );
    };
    refused(
        zip_of(&[
            ("tiny/pack.toml", PACK_TOML.as_bytes()),
            ("tiny/../../evil.txt", b"x"),
        ]),
        &["tiny/../../evil.txt: a path with '..', which would leave the archive's folder"],
    );
    refused(
        zip_of(&[("/etc/cron.d/evil", b"x")]),
        &["/etc/cron.d/evil: an absolute path; the entries of an archive stand inside its folder"],
    );
    refused(
        zip_of(&[("tiny/pack.toml", b"title = \"caf\xe9\"")]),
        &["tiny/pack.toml: not UTF-8 text; save the file as UTF-8 and zip the folder again"],
    );
    // A link, which extracted elsewhere would point outside.
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    writer
        .add_symlink(
            "tiny/sources/alpha.txt",
            "/etc/passwd",
            SimpleFileOptions::default(),
        )
        .unwrap();
    refused(
        writer.finish().unwrap().into_inner(),
        &["tiny/sources/alpha.txt: a link; an archive of a pack holds only folders and text files"],
    );
    // A bomb: 21 MB of one letter in a few kilobytes.
    let bomb = zip_of(&[("tiny/sources/alpha.txt", &vec![b'a'; 21 * 1024 * 1024])]);
    assert!(bomb.len() < 100_000);
    refused(
        bomb,
        &["the entries expand to 21 MB, more than the 20 MB a pack may be"],
    );
    let names: Vec<String> = (0..501).map(|n| format!("tiny/{n}.md")).collect();
    let many: Vec<(&str, &[u8])> = names.iter().map(|name| (name.as_str(), &b""[..])).collect();
    refused(
        zip_of(&many),
        &["the archive has 501 entries, more than the 500 it may have"],
    );
    let page = import(&app, b"PK not really".to_vec(), "");
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.text(".form-error li")
            .starts_with("this is not a zip archive that can be read")
    );

    // An archive over 5 MB is refused before it is read.
    let page = import(&app, vec![b'x'; 5 * 1024 * 1024 + 1], "");
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(
        page.visible_text().contains(
            "The file you sent is larger than the 5 MB this form takes. Nothing was stored."
        ),
        "{}",
        page.visible_text()
    );
    // No file chosen: the browser sends the field with no name and nothing in it.
    let page = send_import(&app, Part::bytes(Vec::new()).file_name(""), "");
    assert_refused(&page, "Choose the .zip file of a pack to import.", &[]);
    assert!(listed(&app).is_empty());
}

#[test]
fn a_clashing_id_is_refused_unless_renamed() {
    let app = spawn_app();
    live::sign_up(&app, "nakamura");
    assert_eq!(import(&app, tiny_zip(EXERCISES), "").status, StatusCode::OK);
    let page = import(&app, tiny_zip(EXERCISES), "");
    assert_refused(
        &page,
        "The id “tiny” is taken by one of your packs. To import it beside that one, type a new id in “Import it under another id” and choose the file again. Nothing was imported.",
        &[],
    );
    let page = import(&app, tiny_zip(EXERCISES), "Tiny Two");
    assert_refused(
        &page,
        "“Tiny Two” cannot be a pack's id: use lower-case letters, digits and '-' (at most 64 characters). Nothing was imported.",
        &[],
    );
    assert_eq!(page.attribute("input[name=new_id]", "value"), "Tiny Two");
    let page = import(&app, tiny_zip(EXERCISES), "tiny-two");
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.text("main").contains("Id tiny-two"));
    assert_eq!(listed(&app), ["A tiny pack", "A tiny pack"]);

    // Another teacher may have a pack with the same id.
    let other = teacher(&app, "obi");
    assert_eq!(
        import(&other, tiny_zip(EXERCISES), "").status,
        StatusCode::OK
    );
}

#[test]
fn another_teachers_pack_is_not_found_anywhere() {
    let app = spawn_app();
    live::sign_up(&app, "ferreira");
    let page = import(&app, tiny_zip(EXERCISES), "");
    let pack_url = page.path();
    let key = key_of(&page);

    let other = teacher(&app, "kowalski");
    let class = classes::create_class(&other, "8A", "");
    for path in [
        pack_url.clone(),
        format!("{pack_url}/export.zip"),
        format!("/packs/{key}"),
        format!("/packs/{key}/glossary"),
        format!("/packs/{key}/sources/alpha"),
        format!("/teachers/live/new?pack={key}"),
    ] {
        let status = other.get(&path).status;
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::BAD_REQUEST,
            "{path}: {status}"
        );
    }
    let csrf = other.form_token("/teachers/packs");
    let page = other.post(
        &format!("{pack_url}/published"),
        &[("csrf", &csrf), ("value", "no")],
    );
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let offered = other
        .get(&class)
        .attributes("select[name=pack] option", "value");
    assert!(!offered.contains(&key), "{offered:?}");
    let page = assign_pack(&other, &class, &key);
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.visible_text()
            .contains("Choose one of the lessons on offer.")
    );

    // Its own teacher, and a learner's browser given the address, see it.
    assert_eq!(app.get(&format!("/packs/{key}")).status, StatusCode::OK);
    let learner = app.browser_for(browser());
    assert_eq!(
        learner.get(&format!("/packs/{key}/sources/alpha")).status,
        StatusCode::OK
    );
    // It is not on the home page.
    assert!(!learner.get("/").body.contains(&key));
}

#[test]
fn a_withdrawn_pack_leaves_the_forms_and_what_was_assigned_stays() {
    let mut app = spawn_app();
    let class = classes::teacher_with_class(&app, "haddad", "7D");
    let page = import(&app, tiny_zip(EXERCISES), "");
    let pack_url = page.path();
    let key = key_of(&page);
    let page = assign_pack(&app, &class, &key);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);

    let csrf = app.form_token(&pack_url);
    let page = app.post(
        &format!("{pack_url}/published"),
        &[("csrf", &csrf), ("value", "no")],
    );
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text(".notice").starts_with("Withdrawn"));
    let offered = app
        .get(&class)
        .attributes("select[name=pack] option", "value");
    assert!(!offered.contains(&key), "{offered:?}");
    assert_eq!(app.get(&format!("/packs/{key}")).status, StatusCode::OK);

    // After a restart the pack is served again from the store, still withdrawn.
    app.restart_after_kill();
    let page = app.get(&pack_url);
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text("main").contains("Not published"), "{}", page.body);
    assert_eq!(
        app.get(&format!("/packs/{key}/sources/beta")).status,
        StatusCode::OK
    );
    let csrf = app.form_token(&pack_url);
    let page = app.post(
        &format!("{pack_url}/published"),
        &[("csrf", &csrf), ("value", "yes")],
    );
    assert!(page.text(".notice").starts_with("Published"));
    let offered = app
        .get(&class)
        .attributes("select[name=pack] option", "value");
    assert!(offered.contains(&key), "{offered:?}");
}
