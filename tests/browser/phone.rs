//! The student's phone: a header of one line with its links under "Menu", and each
//! page's main control on the first screen: "Start practising" on the pack page, "Check
//! my answer" on a question (however long its passage), "Next question" after it. On a
//! laptop too. Due times on "My classes" in the browser's own time zone.

use fantoccini::key::Key;
use serde_json::json;

use crate::flows::{answer, library, start_round};
use crate::helpers::{PACK, Scripting, Session, Viewport, session};

/// The bottom of the first element matching `css`, in CSS pixels from the top of the
/// window, as the page first shows (no scrolling by the test).
async fn bottom_of(browser: &Session, css: &str) -> f64 {
    browser
        .client
        .execute(
            "return document.querySelector(arguments[0]).getBoundingClientRect().bottom;",
            vec![json!(css)],
        )
        .await
        .expect("measure an element")
        .as_f64()
        .unwrap_or_else(|| panic!("the page has `{css}`"))
}

fn screen_height(browser: &Session) -> f64 {
    f64::from(browser.viewport.size().1)
}

async fn header_height(browser: &Session) -> f64 {
    browser
        .execute("return document.querySelector('.site-header').getBoundingClientRect().height;")
        .await
        .as_f64()
        .expect("the header's height")
}

/// Whether the element matching `css` is shown (not inside a closed <details>).
async fn shown(browser: &Session, css: &str) -> bool {
    browser
        .client
        .execute(
            "return document.querySelector(arguments[0]).checkVisibility();",
            vec![json!(css)],
        )
        .await
        .expect("look at an element")
        .as_bool()
        .unwrap_or(false)
}

#[tokio::test]
async fn on_a_phone_the_header_is_one_short_line_and_its_links_open_under_menu() {
    session(Viewport::Phone, Scripting::Enabled, async |browser| {
        browser.visit("/").await;
        let height = header_height(browser).await;
        eprintln!("Phone: the header is {height} px high");
        assert!(height <= 56.0, "the header is {height} px high");
        assert!(shown(browser, ".site-menu > summary").await);
        assert!(
            !shown(browser, ".site-header a[href='/progress']").await,
            "the links wait under “Menu”"
        );
        // From the keyboard: Tab to "Menu", Enter opens it, Tab reaches the links.
        browser.tab_to(".site-menu > summary").await;
        browser.press(Key::Enter).await;
        assert!(shown(browser, ".site-header a[href='/progress']").await);
        browser.check_page("menu-open").await;
        browser.tab_to(".site-header a[href='/progress']").await;
        browser
            .leading_to_a_new_page(async || browser.press(Key::Enter).await)
            .await;
        assert_eq!(browser.path().await, "/progress");
        // The helper opens the menu as a finger would.
        browser.click_text("My classes").await;
        assert_eq!(browser.path().await, "/student");
    })
    .await;
}

#[tokio::test]
async fn the_phone_s_menu_opens_without_javascript() {
    session(Viewport::Phone, Scripting::Disabled, async |browser| {
        browser.visit("/").await;
        assert!(header_height(browser).await <= 56.0);
        browser.click(".site-menu > summary").await;
        assert!(shown(browser, ".site-header a[href='/student']").await);
        browser
            .click_and_wait(".site-header a[href='/student']")
            .await;
        assert_eq!(browser.path().await, "/student");
    })
    .await;
}

#[tokio::test]
async fn on_a_laptop_the_header_shows_its_links_in_one_line_without_menu() {
    session(Viewport::Laptop, Scripting::Enabled, async |browser| {
        browser.visit("/").await;
        let height = header_height(browser).await;
        assert!(height <= 56.0, "the header is {height} px high");
        assert!(!shown(browser, ".site-menu > summary").await);
        for link in ["/", "/progress", "/student", "/teachers"] {
            assert!(
                shown(browser, &format!(".site-header nav a[href='{link}']")).await,
                "{link} is in view"
            );
        }
    })
    .await;
}

/// "Start practising" on the first screen; the content note short, and once a round is
/// started, folded away.
async fn start_is_on_the_first_screen(browser: &Session) {
    browser.visit(&format!("/packs/{PACK}")).await;
    let bottom = bottom_of(browser, ".start-form button[type=submit]").await;
    eprintln!(
        "{:?}: “Start practising” ends at {bottom} px",
        browser.viewport
    );
    assert!(
        bottom <= screen_height(browser),
        "“Start practising” is on the first screen of a {:?}: its bottom at {bottom} px",
        browser.viewport
    );
    assert!(
        shown(browser, ".content-note > p").await,
        "the note's warning is in view"
    );
    // The summary of the folded skills names the one chosen.
    assert_eq!(
        browser.text(".skill-choice > summary").await,
        "Skill: All four skills (change)"
    );
    browser
        .click("label.option:has(input[name=focus][value=quote])")
        .await;
    assert_eq!(
        browser.text(".skill-choice > summary").await,
        "Skill: Is the quote faithful? (change)"
    );
    browser.check_page("pack-start-first").await;
    start_round(browser, "all", 2).await;
    browser.visit(&format!("/packs/{PACK}")).await;
    assert_eq!(
        browser.text("details.content-note.is-read > summary").await,
        "About the content"
    );
    let bottom = bottom_of(browser, ".start-form button[type=submit]").await;
    assert!(bottom <= screen_height(browser));
    browser.check_page("pack-note-read").await;
}

#[tokio::test]
async fn start_practising_is_on_a_phone_s_first_screen() {
    session(Viewport::Phone, Scripting::Enabled, async |browser| {
        start_is_on_the_first_screen(browser).await;
    })
    .await;
}

#[tokio::test]
async fn start_practising_is_on_a_laptop_s_first_screen() {
    session(Viewport::Laptop, Scripting::Enabled, async |browser| {
        start_is_on_the_first_screen(browser).await;
    })
    .await;
}

/// "Check my answer" on the first screen, also with the longest passage of the pack
/// put in the question's place; and the last option can still be scrolled clear of it.
async fn check_my_answer_is_in_reach(browser: &Session) {
    start_round(browser, "source", 2).await;
    let submit = ".answer-form button[type=submit]";
    let bottom = bottom_of(browser, submit).await;
    eprintln!(
        "{:?}: “Check my answer” ends at {bottom} px",
        browser.viewport
    );
    assert!(
        bottom <= screen_height(browser),
        "“Check my answer” is on the first screen of a {:?}: its bottom at {bottom} px",
        browser.viewport
    );
    let longest = library()
        .pack(PACK)
        .expect("the bundled pack")
        .exercises()
        .iter()
        .filter_map(|exercise| exercise.passage().map(|passage| passage.text().to_string()))
        .max_by_key(String::len)
        .expect("a passage");
    browser
        .client
        .execute(
            "document.querySelector('.passage blockquote').textContent = arguments[0];",
            vec![json!(longest)],
        )
        .await
        .expect("put the longest passage in");
    let bottom = bottom_of(browser, submit).await;
    assert!(
        bottom <= screen_height(browser),
        "with the longest passage, “Check my answer” still ends at {bottom} px"
    );
    // Scrolled to the end, the last option is clear of the bar.
    browser
        .execute("window.scrollTo(0, document.documentElement.scrollHeight);")
        .await;
    let last_option = bottom_of(browser, "form label.option:last-of-type").await;
    let bar_top = browser
        .execute("return document.querySelector('.submit-bar').getBoundingClientRect().top;")
        .await
        .as_f64()
        .unwrap();
    assert!(
        last_option <= bar_top,
        "the last option ({last_option} px) is not hidden under the bar ({bar_top} px)"
    );
    browser.check_page("question-longest-passage").await;
    let chosen = answer(browser, true).await;
    assert!(!chosen.is_empty());
    let next = bottom_of(browser, "#feedback a.button").await;
    let scrolled = browser.execute("return window.scrollY;").await;
    eprintln!(
        "{:?}: the first “Next question” ends at {next} px (the page scrolled to the feedback by {scrolled} px)",
        browser.viewport
    );
    assert!(next <= screen_height(browser));
    // Opened, each folded section shows its title once: no heading inside repeats it.
    let repeated = browser
        .execute(
            "return [...document.querySelectorAll('details.more')].flatMap(details => {
               details.open = true;
               const title = details.querySelector('summary').textContent.trim();
               return [...details.querySelectorAll('h2, h3')]
                 .filter(heading => heading.getBoundingClientRect().width > 1
                   && heading.textContent.trim() === title)
                 .map(heading => heading.textContent.trim());
             });",
        )
        .await;
    assert_eq!(repeated, json!([]), "headings shown twice");
    browser.check_page("feedback-sections-open").await;
}

#[tokio::test]
async fn check_my_answer_is_on_a_phone_s_first_screen_even_with_the_longest_passage() {
    session(Viewport::Phone, Scripting::Enabled, async |browser| {
        check_my_answer_is_in_reach(browser).await;
    })
    .await;
}

#[tokio::test]
async fn check_my_answer_is_on_a_laptop_s_first_screen_even_with_the_longest_passage() {
    session(Viewport::Laptop, Scripting::Enabled, async |browser| {
        check_my_answer_is_in_reach(browser).await;
    })
    .await;
}

/// The script of "My classes" says a due time in the browser's own zone and words: a
/// time tomorrow at 18:00 in New York reads "due tomorrow, 6:00 PM" there.
#[tokio::test]
async fn due_times_are_said_in_the_browser_s_own_time_zone() {
    session(Viewport::Phone, Scripting::Enabled, async |browser| {
        browser
            .cdp(
                "Emulation.setTimezoneOverride",
                json!({ "timezoneId": "America/New_York" }),
            )
            .await;
        browser.visit("/student").await;
        let words = browser
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const tomorrow = new Date();
                 tomorrow.setDate(tomorrow.getDate() + 1);
                 tomorrow.setHours(18, 0, 0, 0);
                 const later = new Date(tomorrow);
                 later.setDate(later.getDate() + 20);
                 const list = document.createElement('p');
                 list.innerHTML = '<time class=\"due\" id=\"t1\" datetime=\"' + tomorrow.toISOString()
                   + '\">UTC</time> <time class=\"due\" id=\"t2\" datetime=\"' + later.toISOString() + '\">UTC</time>';
                 document.querySelector('main').append(list);
                 const script = document.createElement('script');
                 script.src = '/static/student.js?again';
                 script.onload = () => done([document.getElementById('t1').textContent,
                                             document.getElementById('t2').textContent]);
                 document.head.append(script);",
                Vec::new(),
            )
            .await
            .expect("run the script");
        // The hour as the browser's locale writes it (a narrow space before "PM" in
        // recent versions of ICU).
        let said = |index: usize| {
            words[index]
                .as_str()
                .expect("the words")
                .replace('\u{202f}', " ")
        };
        let at_six = |text: &str| text.ends_with(", 6:00 PM") || text.ends_with(", 18:00");
        assert!(said(0).starts_with("due tomorrow, ") && at_six(&said(0)), "{words}");
        assert!(said(1).starts_with("due ") && at_six(&said(1)), "{words}");
        assert!(!said(1).contains("tomorrow"), "{words}");
    })
    .await;
}
