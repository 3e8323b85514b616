//! Names people type (issue #14, M6 and L1): nicknames that only look like another
//! are the same nickname, hidden characters are refused with a message that says so,
//! and what people typed is isolated on the page so that it cannot turn the text
//! around it.

use reqwest::StatusCode;

use crate::classes::{join, join_code, teacher_with_class};
use crate::helpers::{Page, TestApp, browser, spawn_app, stored_format};

/// “Maya” in other clothes: each looks like “Maya” on a phone or a projector.
const LOOK_ALIKES: [(&str, &str); 3] = [
    ("Cyrillic М", "\u{41c}aya"),
    ("Greek Μ and α", "\u{39c}\u{3b1}ya"),
    ("fullwidth letters", "\u{ff2d}\u{ff41}\u{ff59}\u{ff41}"),
];

/// Nicknames that hide something, with a word of the message that refuses them.
const HIDDEN: [(&str, &str, &str); 3] = [
    (
        "a Hangul filler after Maya",
        "Maya\u{3164}",
        "hidden or invisible character",
    ),
    (
        "two Hangul fillers (a blank nickname)",
        "\u{3164}\u{3164}",
        "no letters or digits you can see",
    ),
    (
        "marks stacked on a letter",
        "Ma\u{363}\u{364}\u{365}ya",
        "marks stacked",
    ),
];

fn form_error(page: &Page) -> String {
    page.text(".form-error")
}

/// A class with “Maya” in it; returns the class page's path and its join code.
fn class_with_maya(app: &TestApp) -> (String, String) {
    let class = teacher_with_class(app, "rivera", "10B History");
    let code = join_code(&app.get(&class));
    let page = join(&app.browser_for(browser()), &code, "Maya");
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    (class, code)
}

#[test]
fn a_look_alike_of_a_nickname_in_the_class_is_refused_naming_the_one_there() {
    let app = spawn_app();
    let (class, code) = class_with_maya(&app);
    let student = app.browser_for(browser());
    for (what, typed) in LOOK_ALIKES {
        let page = join(&student, &code, typed);
        assert_eq!(
            page.status,
            StatusCode::BAD_REQUEST,
            "{what}: {}",
            page.body
        );
        let said = form_error(&page);
        assert!(said.contains("“Maya”"), "{what}: {said}");
        assert!(said.contains("already"), "{what}: {said}");
        assert!(
            said.contains("continue with your resume code"),
            "{what}: the advice stays: {said}"
        );
        assert_eq!(
            page.attribute("#nickname", "value"),
            typed,
            "{what}: what was typed is kept"
        );
    }
    let page = join(&student, &code, "\u{41c}aya");
    assert!(
        form_error(&page).contains("“\u{41c}aya” looks the same as “Maya”"),
        "{}",
        form_error(&page)
    );
    // Case still does not count, and the message names the nickname as it is.
    let page = join(&student, &code, "MAYA");
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        form_error(&page).contains("“Maya”"),
        "{}",
        form_error(&page)
    );
    assert_eq!(app.get(&class).texts(".students li"), vec!["Maya"]);
}

#[test]
fn nicknames_with_hidden_characters_or_stacked_marks_are_refused() {
    let app = spawn_app();
    let (class, code) = class_with_maya(&app);
    let student = app.browser_for(browser());
    for (what, typed, message) in HIDDEN {
        let page = join(&student, &code, typed);
        assert_eq!(
            page.status,
            StatusCode::BAD_REQUEST,
            "{what}: {}",
            page.body
        );
        let said = form_error(&page);
        assert!(said.contains(message), "{what}: {said}");
        assert_eq!(page.attribute("#nickname", "value"), typed, "{what}");
    }
    for (what, typed) in [
        ("a zero-width space", "Ma\u{200b}ya"),
        ("a right-to-left override", "\u{202e}ayaM"),
        ("a byte-order mark", "\u{feff}Maya"),
        ("a variation selector", "Maya\u{fe0f}"),
        ("a tag character", "Maya\u{e0041}"),
    ] {
        let page = join(&student, &code, typed);
        assert_eq!(
            page.status,
            StatusCode::BAD_REQUEST,
            "{what}: {}",
            page.body
        );
        assert!(
            form_error(&page).contains("hidden or invisible character"),
            "{what}: {}",
            form_error(&page)
        );
    }
    assert_eq!(app.get(&class).texts(".students li"), vec!["Maya"]);
    // Names in other scripts, with their accents, are welcome.
    for name in ["Zoë", "Nguyễn", "Кира", "Ελένη", "سارة", "美咲"] {
        let page = join(&app.browser_for(browser()), &code, name);
        assert_eq!(page.status, StatusCode::OK, "{name}: {}", form_error(&page));
    }
}

/// A facilitator's new session; returns its code as used in links.
fn live_session(app: &TestApp) -> String {
    let teacher = app.browser_for(browser());
    crate::live::sign_up(&teacher, "okafor");
    let page = crate::live::create_session(
        &teacher,
        &[
            ("pick", "chosen"),
            ("exercise", "source-03"),
            ("scoring", "none"),
        ],
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.text(".join-code").replace(['-', ' '], "")
}

#[test]
fn a_look_alike_of_a_nickname_in_a_live_session_is_refused_naming_the_one_there() {
    let app = spawn_app();
    let code = live_session(&app);
    let maya = crate::live::join(&app.browser_for(browser()), &code, "Maya");
    assert_eq!(maya.status, StatusCode::OK, "{}", maya.body);
    for (what, typed) in LOOK_ALIKES {
        let page = crate::live::join(&app.browser_for(browser()), &code, typed);
        assert_eq!(
            page.status,
            StatusCode::BAD_REQUEST,
            "{what}: {}",
            page.body
        );
        let said = form_error(&page);
        assert!(said.contains("“Maya”"), "{what}: {said}");
        assert!(said.contains("Choose another nickname"), "{what}: {said}");
    }
    for (what, typed, message) in HIDDEN {
        let page = crate::live::join(&app.browser_for(browser()), &code, typed);
        assert_eq!(
            page.status,
            StatusCode::BAD_REQUEST,
            "{what}: {}",
            page.body
        );
        assert!(form_error(&page).contains(message), "{what}");
    }
    // The participant's own page isolates the nickname.
    let sam = app.browser_for(browser());
    crate::live::join(&sam, &code, "Sam");
    let page = sam.get(&format!("/live/{code}"));
    assert_eq!(page.text(".live-who bdi"), "Sam");
}

#[test]
fn a_teacher_cannot_rename_a_student_to_a_look_alike_of_a_classmate() {
    let app = spawn_app();
    let (class, code) = class_with_maya(&app);
    join(&app.browser_for(browser()), &code, "Alex");
    let students = app.get(&class);
    assert_eq!(students.texts(".students li"), vec!["Alex", "Maya"]);
    let alex = students.attributes(".students a", "href")[0].clone();
    let csrf = app.get(&alex).attribute("input[name=csrf]", "value");
    let rename = |nickname: &str| {
        app.post(
            &format!("{alex}/nickname"),
            &[("csrf", csrf.as_str()), ("nickname", nickname)],
        )
    };
    for (what, typed) in LOOK_ALIKES {
        let page = rename(typed);
        assert_eq!(
            page.status,
            StatusCode::BAD_REQUEST,
            "{what}: {}",
            page.body
        );
        assert!(form_error(&page).contains("“Maya”"), "{what}");
        assert_eq!(page.attribute("#nickname", "value"), typed, "{what}");
    }
    let page = rename("Maya\u{3164}");
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(form_error(&page).contains("hidden or invisible character"));
    assert_eq!(
        app.get(&class).texts(".students li"),
        vec!["Alex", "Maya"],
        "nobody was renamed"
    );
    // Changing only the case of one's own nickname is no clash.
    assert_eq!(rename("ALEX").status, StatusCode::OK);
    assert_eq!(app.get(&class).texts(".students li"), vec!["ALEX", "Maya"]);
}

#[test]
fn class_names_descriptions_and_display_names_refuse_hidden_characters() {
    let app = spawn_app();
    let page = crate::live::post_sign_up(&app, "\u{feff}Ms Rivera", "rivera");
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(
        form_error(&page).contains("hidden character"),
        "{}",
        form_error(&page)
    );
    assert_eq!(
        page.attribute("#display_name", "value"),
        "\u{feff}Ms Rivera"
    );
    assert_eq!(
        crate::live::post_sign_up(&app, "Ms Rivera", "rivera").status,
        StatusCode::OK
    );

    let page = crate::classes::post_class(&app, "ab\u{202e}gnp.exe", "");
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(
        form_error(&page).contains("hidden character"),
        "{}",
        form_error(&page)
    );
    assert_eq!(page.attribute("#class_name", "value"), "ab\u{202e}gnp.exe");

    let page = crate::classes::post_class(&app, "10B History", "Tuesdays,\u{200b} room 4");
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(
        form_error(&page).contains("hidden character"),
        "{}",
        form_error(&page)
    );
    assert_eq!(page.text("textarea"), "Tuesdays,\u{200b} room 4");
    assert!(app.get("/teachers").texts(".card h3").is_empty());
}

#[test]
fn what_people_typed_is_isolated_on_the_pages_that_show_it() {
    let app = spawn_app();
    let (class, code) = class_with_maya(&app);
    let page = app.get(&class);
    assert_eq!(page.texts(".students li bdi"), vec!["Maya"]);
    assert_eq!(page.text("h1 bdi"), "10B History");
    assert_eq!(page.text(".class-description bdi"), "Tuesdays, room 4");
    assert_eq!(
        app.get(&format!("{class}/projector")).text("h1 bdi"),
        "10B History"
    );
    let home = app.get("/teachers");
    assert_eq!(home.text("h1 bdi"), "A teacher");
    assert_eq!(home.texts(".card h3 bdi"), vec!["10B History"]);
    let student = app.get(&page.attributes(".students a", "href")[0]);
    assert_eq!(student.text("h1 bdi"), "Maya");

    let sam = app.browser_for(browser());
    join(&sam, &code, "Sam");
    let mine = sam.get("/student");
    assert_eq!(mine.text("h2 bdi"), "10B History");
    assert_eq!(mine.text("strong bdi"), "Sam");
}

#[test]
fn a_data_directory_of_format_2_still_refuses_look_alikes_once_migrated() {
    let mut app = spawn_app();
    let (class, code) = class_with_maya(&app);
    app.kill();
    {
        // Make the directory what the build of format 2 wrote: a nickname's key is the
        // class id and the nickname in lower case.
        let db = sled::open(app.data_dir.path()).unwrap();
        let nicknames = db.open_tree("class_nicknames").unwrap();
        let entries: Vec<_> = nicknames.iter().map(Result::unwrap).collect();
        assert_eq!(entries.len(), 1, "one student, one key");
        nicknames.clear().unwrap();
        for (key, student) in entries {
            let mut old = key[..16].to_vec();
            old.extend_from_slice("maya".as_bytes());
            nicknames.insert(old, student).unwrap();
        }
        db.open_tree("meta")
            .unwrap()
            .insert("format_version", "2")
            .unwrap();
        db.flush().unwrap();
    }
    app.start_again();
    for typed in ["MAYA", "\u{41c}aya"] {
        let page = join(&app.browser_for(browser()), &code, typed);
        assert_eq!(
            page.status,
            StatusCode::BAD_REQUEST,
            "{typed}: {}",
            page.body
        );
        assert!(form_error(&page).contains("“Maya”"), "{typed}");
    }
    assert_eq!(app.get(&class).texts(".students li"), vec!["Maya"]);
    app.kill();
    assert_eq!(
        stored_format(app.data_dir.path()).as_deref(),
        Some(sourcewise::storage::FORMAT_VERSION.to_string().as_str()),
        "the directory is marked as migrated"
    );
}
