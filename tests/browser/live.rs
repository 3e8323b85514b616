//! A live workshop in real browsers: a facilitator runs a five-exercise session from the
//! projector while three participants follow on phones, one of them with JavaScript
//! off. One participant reloads in the middle of a question, and the server is killed
//! and restarted in the middle of the session: no one loses their place or an answer.

use fantoccini::key::Key;

use crate::flows::{fill, library};
use crate::helpers::{PACK, Scripting, Session, Viewport, session};

const PASSWORD: &str = "tall ships at dawn";

/// How long a page with JavaScript may take to follow the session: "within about a
/// second" is the aim; the slack is for a loaded test machine.
const FOLLOWS: u64 = 10;
/// Without JavaScript a waiting page reloads every 4 seconds.
const REFRESHES: u64 = 20;

/// Signs up Ms Rivera, a teacher, and lands on her page.
async fn sign_up(teacher: &Session) {
    teacher.visit("/teachers/sign-up").await;
    fill(teacher, "display_name", "Ms Rivera").await;
    fill(teacher, "username", "rivera").await;
    fill(teacher, "password", PASSWORD).await;
    fill(teacher, "repeat_password", PASSWORD).await;
    teacher.click_text("Create the account").await;
}

/// Signs up, starts a live session with the form's defaults (5 exercises at random, no
/// scores) and returns its code, as the presenter page shows it.
async fn start_session(teacher: &Session, viewport_name: &str) -> String {
    sign_up(teacher).await;
    teacher.click_text("Your live sessions").await;
    teacher
        .check_page(&format!("live-sessions{viewport_name}"))
        .await;
    teacher.click_text_starting("Start a session with").await;
    teacher
        .check_page(&format!("live-new{viewport_name}"))
        .await;
    teacher.click_text("Create the session").await;
    assert_eq!(teacher.text("h1").await, "Join the live session");
    teacher.text(".join-code").await
}

/// Taps the right (or a wrong) option of the question on `participant`'s phone, which
/// sends it at once; returns the option's text as the button shows it ("A …").
async fn tap_answer(participant: &Session, right: bool) -> String {
    let exercise_id = participant
        .find("input[name=exercise]")
        .await
        .attr("value")
        .await
        .expect("the exercise id")
        .expect("the hidden exercise field has a value");
    let correct = library()
        .pack(PACK)
        .expect("the bundled pack")
        .exercise(&exercise_id)
        .expect("a known exercise")
        .correct_choice()
        .answer()
        .to_string();
    let mut chosen = None;
    for button in participant.find_all("button[name=choice]").await {
        let value = button.attr("value").await.unwrap().unwrap_or_default();
        if (value == correct) == right {
            chosen = Some(value);
        }
    }
    let value = chosen.expect("an option of that kind");
    let css = format!("button[name=choice][value='{value}']");
    let text = participant.text(&css).await;
    participant.click_and_wait(&css).await;
    text
}

/// Joins from the home page's link, typing the code and a nickname.
async fn join(participant: &Session, code: &str, nickname: &str) {
    // The home page's one code box, on the first screen, takes the code as the
    // projector shows it and leads to the session's join form with the code filled in.
    participant.visit("/").await;
    let go = participant
        .execute(
            "return document.querySelector('.code-form button').getBoundingClientRect().bottom;",
        )
        .await
        .as_f64()
        .unwrap();
    let height = f64::from(participant.viewport.size().1);
    assert!(go <= height, "the code box's Go at {go} px of {height}");
    fill(participant, "code", code).await;
    participant.click_text("Go").await;
    assert_eq!(
        participant
            .find("input[name=code]")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(code),
        "the join form has the code"
    );
    fill(participant, "nickname", nickname).await;
    participant.click_text("Join the session").await;
    assert_eq!(participant.text("h1").await, "You are in");
}

/// How long `participant` may take to follow the session.
fn patience(participant: &Session) -> u64 {
    match participant.scripting {
        Scripting::Enabled => FOLLOWS,
        Scripting::Disabled => REFRESHES,
    }
}

/// Waits until `participant`'s page shows `text` in `css`. Without JavaScript, a page
/// that reloaded while the server was down shows the browser's own error page, which
/// does not reload itself: the participant reloads it, as a person would.
async fn follows(participant: &Session, css: &str, text: &str) -> String {
    if participant.scripting == Scripting::Disabled
        && participant
            .execute("return !document.getElementById('live');")
            .await
            == true
    {
        participant.client.refresh().await.expect("reload the page");
    }
    participant
        .wait_for_text(css, text, patience(participant))
        .await
}

#[tokio::test]
async fn a_facilitator_and_three_phones_run_a_five_exercise_session_through_a_reload_and_a_restart()
{
    session(Viewport::Laptop, Scripting::Enabled, async |teacher| {
        let code = start_session(teacher, "").await;
        teacher.check_page("live-presenter-lobby").await;

        let ana = teacher.another_browser(Viewport::Phone).await;
        let ben = teacher.another_browser(Viewport::Phone).await;
        let cy = teacher
            .another_browser_with(Viewport::Phone, Scripting::Disabled)
            .await;
        let people = [(&ana, "Ana"), (&ben, "Ben"), (&cy, "Cy")];
        ana.visit("/live").await;
        ana.check_page("live-join").await;
        for (participant, nickname) in people {
            join(participant, &code, nickname).await;
        }
        ana.check_page("live-lobby").await;
        cy.check_page("live-lobby-without-javascript").await;
        // The projector counts them as they come, without a reload.
        teacher
            .wait_for_text("[data-count=joined]", "3", FOLLOWS)
            .await;

        let mut chosen: Vec<Vec<String>> = vec![Vec::new(); 3];
        for number in 1..=5 {
            let place = format!("Exercise {number} of 5");
            teacher
                .click_text_starting(if number == 1 {
                    "Open the first exercise"
                } else {
                    "Next exercise"
                })
                .await;
            assert!(teacher.text(".round-place").await.contains(&place));
            for (participant, _) in people {
                follows(participant, ".round-place", &place).await;
            }
            if number == 1 {
                teacher.check_page("live-presenter-open").await;
                ana.check_page("live-question").await;
                cy.check_page("live-question-without-javascript").await;
            }
            if number == 2 {
                // Ben's phone reloads before he answers: the question is still there.
                ben.client.refresh().await.expect("reload");
                assert!(ben.text(".round-place").await.contains(&place));
            }
            for (index, (participant, _)) in people.iter().enumerate() {
                let right = (index + number) % 3 != 0;
                chosen[index].push(tap_answer(participant, right).await);
                assert_eq!(participant.text("h1").await, "Answer received");
                let said = participant.text("[role=status]").await;
                assert!(
                    said.contains(
                        chosen[index]
                            .last()
                            .unwrap()
                            .trim_start_matches(|c: char| c.is_ascii_uppercase())
                            .trim()
                    ),
                    "{said}"
                );
            }
            if number == 1 {
                ana.check_page("live-received").await;
                // A tap on another option changes the answer; a tap back restores it.
                let right = number % 3 != 0;
                let other = tap_answer(&ana, !right).await;
                assert!(ana.text("button.is-chosen").await.starts_with(&other));
                ana.check_page("live-change").await;
                tap_answer(&ana, right).await;
                assert!(
                    ana.text("button.is-chosen")
                        .await
                        .starts_with(&chosen[0][0])
                );
                cy.check_page("live-received-without-javascript").await;
            }
            if number == 2 {
                // Ana's phone reloads after she answered: her answer is kept.
                ana.client.refresh().await.expect("reload");
                assert_eq!(ana.text("h1").await, "Answer received");
            }
            teacher
                .wait_for_text(".live-status", "3 of 3 have answered", FOLLOWS)
                .await;
            if number == 3 {
                // Every answer is acknowledged; the server now dies and comes back.
                teacher.restart_server();
            }
            teacher.click_text_starting("Close answers").await;
            assert_eq!(
                teacher.text(".live-status").await,
                "Answers are closed: 3 of 3 answered."
            );
            for (participant, _) in people {
                follows(participant, "h1", "Answers are closed").await;
            }
            if number == 1 {
                teacher.check_page("live-presenter-closed").await;
                ana.check_page("live-closed").await;
            }
            teacher.click_text_starting("Show the split").await;
            assert!(teacher.find_all(".live-bars .is-correct").await.is_empty());
            if number == 1 {
                teacher.check_page("live-presenter-split").await;
            }
            teacher.click_text_starting("Show the answer").await;
            let bars = teacher.texts(".live-bars li").await;
            let counted: usize = bars
                .iter()
                .map(|bar| {
                    let count = bar.rsplit_once(": ").unwrap().1;
                    count.split(' ').next().unwrap().parse::<usize>().unwrap()
                })
                .sum();
            assert_eq!(counted, 3, "{bars:?}");
            for (participant, _) in people {
                follows(participant, "#verdict", "").await;
                assert!(
                    participant
                        .text("#feedback")
                        .await
                        .contains("The answer the sources support")
                );
            }
            if number == 1 {
                teacher.check_page("live-presenter-revealed").await;
                ana.check_page("live-revealed").await;
            }
            teacher.click_text_starting("Show why").await;
            for (participant, _) in people {
                follows(participant, ".explanation", "").await;
            }
            teacher.click_text_starting("Show each option").await;
            teacher.click_text_starting("Show the evidence").await;
            if number == 1 {
                teacher.check_page("live-presenter-explained").await;
                ana.check_page("live-explained").await;
                cy.check_page("live-explained-without-javascript").await;
            }
        }
        teacher.click_text_starting("Finish the session").await;
        assert!(teacher.text("h1").await.contains("how the room answered"));
        assert_eq!(
            teacher
                .texts(".review-item p:not(.item-prompt)")
                .await
                .iter()
                .filter(|line| line.starts_with("3 answered"))
                .count(),
            5
        );
        teacher.check_page("live-review").await;
        for (index, (participant, nickname)) in people.iter().enumerate() {
            follows(participant, "h1", "The session has ended").await;
            assert!(participant.text(".lead").await.contains(nickname));
            let answers = participant.texts(".live-summary li").await;
            assert_eq!(answers.len(), 5);
            for (line, label) in answers.iter().zip(&chosen[index]) {
                let label = label
                    .trim_start_matches(|c: char| c.is_ascii_uppercase())
                    .trim();
                assert!(
                    line.contains(&format!("Your answer: {label}")),
                    "{line} / {label}"
                );
            }
        }
        ana.check_page("live-ended").await;
        cy.check_page("live-ended-without-javascript").await;
        for participant in [ana, ben, cy] {
            participant.finish().await;
        }
    })
    .await;
}

/// The other viewport of every live page: the presenter on a phone (a facilitator's
/// second device) and a participant on a laptop, through one exercise.
#[tokio::test]
async fn every_live_page_works_on_the_other_screen_too() {
    session(Viewport::Phone, Scripting::Enabled, async |teacher| {
        let code = start_session(teacher, "").await;
        teacher.check_page("live-presenter-lobby").await;
        let dana = teacher.another_browser(Viewport::Laptop).await;
        dana.visit("/live").await;
        dana.check_page("live-join").await;
        join(&dana, &code, "Dana").await;
        dana.check_page("live-lobby").await;
        teacher.click_text_starting("Open the first exercise").await;
        teacher.check_page("live-presenter-open").await;
        follows(&dana, ".round-place", "Exercise 1 of 5").await;
        dana.check_page("live-question").await;
        tap_answer(&dana, false).await;
        dana.check_page("live-received").await;
        assert_eq!(
            dana.text("fieldset:not(.confidence) > legend").await,
            "Tap another answer to change yours"
        );
        let right = tap_answer(&dana, true).await;
        assert!(dana.text("button.is-chosen").await.starts_with(&right));
        dana.check_page("live-change").await;
        teacher.click_text_starting("Close answers").await;
        follows(&dana, "h1", "Answers are closed").await;
        dana.check_page("live-closed").await;
        teacher.click_text_starting("Show the split").await;
        teacher.click_text_starting("Show the answer").await;
        assert!(
            teacher
                .text(".live-status")
                .await
                .contains("100% chose the answer")
        );
        teacher.check_page("live-presenter-revealed").await;
        follows(&dana, "#verdict", "Right").await;
        dana.check_page("live-revealed").await;
        teacher.click_text_starting("Show why").await;
        teacher.check_page("live-presenter-explained").await;
        follows(&dana, ".explanation", "").await;
        dana.check_page("live-explained").await;
        teacher.click(".end-session summary").await;
        teacher.click_text("End the session").await;
        teacher.check_page("live-review").await;
        follows(&dana, "h1", "The session has ended").await;
        dana.check_page("live-ended").await;
        dana.finish().await;
    })
    .await;
}

#[tokio::test]
async fn the_presenter_lobby_works_on_an_older_projector() {
    session(Viewport::Projector, Scripting::Enabled, async |teacher| {
        start_session(teacher, "-projector").await;
        let (_, top, _, height) = teacher.find(".join-code").await.rectangle().await.unwrap();
        assert!(
            top + height <= 768.0,
            "the join code is on the first screen: its bottom at {}",
            top + height
        );
        // The QR code too, above the control bar.
        let (_, qr_top, _, qr_height) = teacher.find("svg.qr").await.rectangle().await.unwrap();
        let (_, bar_top, _, _) = teacher
            .find(".control-bar")
            .await
            .rectangle()
            .await
            .unwrap();
        eprintln!(
            "1024×768: the lobby's QR code ends at {:.0} px",
            qr_top + qr_height
        );
        assert!(
            qr_top + qr_height <= bar_top,
            "the QR code ({} px) above the bar ({bar_top} px)",
            qr_top + qr_height
        );
        teacher.check_page("live-presenter-lobby").await;
    })
    .await;
}

/// The bottom of the step's main control, and the window's height, in CSS pixels.
async fn main_control_bottom(teacher: &Session) -> (String, f64, f64) {
    let measured = teacher
        .execute(
            "const button = document.querySelector('.main-move');
             const box = button.getBoundingClientRect();
             return [button.textContent.trim().replace(/\\s+/g, ' '), box.top, box.bottom, window.innerHeight];",
        )
        .await;
    let top = measured[1].as_f64().unwrap();
    assert!(
        top >= 0.0,
        "the main control starts inside the window: {top}"
    );
    (
        measured[0].as_str().unwrap().to_string(),
        measured[2].as_f64().unwrap(),
        measured[3].as_f64().unwrap(),
    )
}

/// Starts a session of two exercises at random from the form.
async fn start_two_exercises(teacher: &Session) {
    sign_up(teacher).await;
    teacher
        .visit(&format!("/teachers/live/new?pack={PACK}"))
        .await;
    fill(teacher, "count", "2").await;
    teacher.click_text("Create the session").await;
    assert_eq!(teacher.text("h1").await, "Join the live session");
}

/// Walks a two-exercise session from the lobby to the review with the keyboard alone,
/// checking at every step that the main control is inside the window without
/// scrolling; returns each step's control and its bottom.
async fn every_step_by_keyboard(teacher: &Session) -> Vec<(String, f64)> {
    let keys = [Key::Right, Key::PageDown];
    let mut steps = Vec::new();
    for step in 0.. {
        if teacher.find_all(".main-move").await.is_empty() {
            break;
        }
        assert!(step < 20, "the session ends within 15 moves");
        let (label, bottom, height) = main_control_bottom(teacher).await;
        assert!(
            bottom <= height,
            "“{label}” is on screen without scrolling on a {:?}: its bottom at {bottom} of {height}",
            teacher.viewport
        );
        let scrolled = teacher.execute("return window.scrollY;").await;
        assert_eq!(scrolled, 0, "the page was not scrolled");
        steps.push((label, bottom));
        // N, → and PageDown all make the main move.
        teacher
            .leading_to_a_new_page(async || match step % 3 {
                0 => teacher.type_text("n").await,
                other => teacher.press(keys[other - 1]).await,
            })
            .await;
        // The page opens at what a step of the explanation just showed: back to the
        // top for the next measure, as a facilitator's page would be.
        teacher.execute("window.scrollTo(0, 0);").await;
    }
    assert!(teacher.text("h1").await.contains("how the room answered"));
    steps
}

#[tokio::test]
async fn every_presenter_step_keeps_its_main_control_on_screen_and_answers_the_keyboard() {
    for viewport in [Viewport::Laptop, Viewport::Projector] {
        session(viewport, Scripting::Enabled, async |teacher| {
            start_two_exercises(teacher).await;
            let steps = every_step_by_keyboard(teacher).await;
            let labels: Vec<&str> = steps
                .iter()
                .map(|(label, _)| label.rsplit_once(" N").unwrap().0)
                .collect();
            assert_eq!(
                labels,
                [
                    "Open the first exercise",
                    "Close answers",
                    "Show the split",
                    "Show the answer",
                    "Show why",
                    "Show each option",
                    "Show the evidence",
                    "Next exercise",
                    "Close answers",
                    "Show the split",
                    "Show the answer",
                    "Show why",
                    "Show each option",
                    "Show the evidence",
                    "Finish the session",
                ]
            );
            for (label, bottom) in &steps {
                eprintln!("{viewport:?}: “{label}” bottom at {bottom:.0} px");
            }
        })
        .await;
    }
}

/// Opens a session of every exercise of the pack, every skill in turn.
async fn start_every_exercise(teacher: &Session) -> usize {
    sign_up(teacher).await;
    teacher
        .visit(&format!("/teachers/live/new?pack={PACK}"))
        .await;
    teacher.click("input[name=pick][value=all]").await;
    teacher.click_text("Create the session").await;
    assert_eq!(teacher.text("h1").await, "Join the live session");
    library()
        .pack(PACK)
        .expect("the bundled pack")
        .exercises()
        .len()
}

#[tokio::test]
async fn the_room_sees_every_option_of_every_exercise_above_the_control_bar() {
    for viewport in [Viewport::Laptop, Viewport::Projector] {
        session(viewport, Scripting::Enabled, async |teacher| {
            let total = start_every_exercise(teacher).await;
            teacher
                .leading_to_a_new_page(async || teacher.type_text("n").await)
                .await;
            let mut lowest = (0.0, String::new());
            for number in 1..=total {
                let place = teacher.text(".round-place").await;
                assert!(place.contains(&format!("Exercise {number} of {total}")), "{place}");
                let (last, bar) = teacher
                    .execute(
                        "const options = document.querySelectorAll('.live-options li');
                         return [options[options.length - 1].getBoundingClientRect().bottom,
                                 document.querySelector('.control-bar').getBoundingClientRect().top];",
                    )
                    .await
                    .as_array()
                    .map(|pair| (pair[0].as_f64().unwrap(), pair[1].as_f64().unwrap()))
                    .unwrap();
                if last > bar {
                    teacher.screenshot("live-option-under-the-bar").await;
                }
                assert!(
                    last <= bar,
                    "{viewport:?}, {place}: the last option ends at {last} px, under the bar at {bar} px"
                );
                if last > lowest.0 {
                    lowest = (last, place);
                }
                if number < total {
                    teacher
                        .leading_to_a_new_page(async || teacher.type_text("x").await)
                        .await;
                }
            }
            eprintln!(
                "{viewport:?}: the lowest last option ends at {:.0} px ({})",
                lowest.0, lowest.1
            );
        })
        .await;
    }
}

#[tokio::test]
async fn the_back_skip_and_reopen_keys_make_their_moves_and_a_second_press_changes_nothing() {
    session(Viewport::Projector, Scripting::Enabled, async |teacher| {
        start_two_exercises(teacher).await;
        let place = async || teacher.text(".round-place").await;
        teacher
            .leading_to_a_new_page(async || teacher.type_text("n").await)
            .await;
        assert!(place().await.contains("Exercise 1 of 2"));
        assert!(
            teacher
                .text(".control-bar")
                .await
                .contains("Skip this exercise X")
        );
        teacher
            .leading_to_a_new_page(async || teacher.type_text("x").await)
            .await;
        assert!(place().await.contains("Exercise 2 of 2"));
        teacher
            .leading_to_a_new_page(async || teacher.press(Key::Left).await)
            .await;
        assert!(place().await.contains("Exercise 1 of 2"));
        assert!(
            teacher
                .text(".live-status")
                .await
                .starts_with("Answers are closed")
        );
        teacher
            .leading_to_a_new_page(async || teacher.type_text("o").await)
            .await;
        assert!(
            teacher
                .text(".live-status")
                .await
                .starts_with("Answers are open")
        );
        // Two presses at once make one move: the second is not sent.
        teacher
            .leading_to_a_new_page(async || teacher.type_text("nn").await)
            .await;
        assert!(
            teacher
                .text(".live-status")
                .await
                .starts_with("Answers are closed")
        );
        assert!(
            teacher
                .text(".main-move")
                .await
                .starts_with("Show the split")
        );
        teacher.check_page("live-presenter-projector-closed").await;
    })
    .await;
}

/// The computed font size of the first element matching `css`, in CSS pixels.
async fn font_size(teacher: &Session, css: &str) -> f64 {
    teacher
        .client
        .execute(
            "return parseFloat(getComputedStyle(document.querySelector(arguments[0])).fontSize);",
            vec![serde_json::json!(css)],
        )
        .await
        .unwrap_or_else(|error| panic!("measure {css}: {error}"))
        .as_f64()
        .unwrap_or_else(|| panic!("the page has {css}"))
}

#[tokio::test]
async fn the_back_row_can_read_the_projector() {
    session(Viewport::Laptop, Scripting::Enabled, async |teacher| {
        start_two_exercises(teacher).await;
        let mut sizes = Vec::new();
        let address = font_size(teacher, ".join-address").await;
        sizes.push(("join address (lobby)", address));
        teacher.click_text_starting("Open the first exercise").await;
        for (css, name) in [
            (".live-options li", "option"),
            (".live-count", "answered count"),
            (".join-corner", "join address (corner)"),
        ] {
            sizes.push((name, font_size(teacher, css).await));
        }
        teacher.click_text_starting("Close answers").await;
        teacher.click_text_starting("Show the split").await;
        sizes.push(("bar label", font_size(teacher, ".bar-label").await));
        teacher.check_page("live-presenter-split-laptop").await;
        teacher.click_text_starting("Show the answer").await;
        teacher.click_text_starting("Show why").await;
        teacher.check_page("live-presenter-why-laptop").await;
        for (name, size) in &sizes {
            let least = if *name == "answered count" {
                48.0
            } else {
                32.0
            };
            assert!(*size >= least, "the {name} is {size} px, at least {least}");
            eprintln!("{name}: {size} px");
        }
        // The explanation's lines hold at most about 70 characters.
        let characters = teacher
            .execute(
                "const explanation = document.querySelector('.explanation');
                 const probe = document.createElement('span');
                 probe.textContent = '0'.repeat(50);
                 probe.style.whiteSpace = 'nowrap';
                 explanation.appendChild(probe);
                 const ch = probe.getBoundingClientRect().width / 50;
                 probe.remove();
                 return explanation.getBoundingClientRect().width / ch;",
            )
            .await
            .as_f64()
            .unwrap();
        assert!(
            characters <= 70.0,
            "the explanation's lines hold {characters:.0} characters"
        );
        eprintln!("explanation: {characters:.0} characters a line");
        // Each step of the explanation comes with its own move.
        assert!(teacher.find_all(".outcome").await.is_empty());
        teacher.click_text_starting("Show each option").await;
        assert!(!teacher.find_all(".outcome").await.is_empty());
        assert!(teacher.find_all(".evidence").await.is_empty());
        teacher.click_text_starting("Show the evidence").await;
        assert!(!teacher.find_all(".evidence").await.is_empty());
        teacher.check_page("live-presenter-evidence-laptop").await;
    })
    .await;
}

#[tokio::test]
async fn the_lobby_shows_nicknames_as_they_join_and_a_removed_one_is_told() {
    session(Viewport::Laptop, Scripting::Enabled, async |teacher| {
        let code = start_session(teacher, "").await;
        let ana = teacher.another_browser(Viewport::Phone).await;
        let rude = teacher.another_browser(Viewport::Phone).await;
        join(&ana, &code, "Ana").await;
        join(&rude, &code, "Rude Name").await;
        // The projector lists them as they come, without a reload.
        teacher
            .wait_for_text(".roster-list", "Rude Name", FOLLOWS)
            .await;
        assert!(teacher.text(".roster-list").await.contains("Ana"));
        // The room sees them: the nicknames are on the first screen, above the bar.
        let (last, bar) = teacher
            .execute(
                "const names = document.querySelectorAll('.roster-list li');
                 return [names[names.length - 1].getBoundingClientRect().bottom,
                         document.querySelector('.control-bar').getBoundingClientRect().top];",
            )
            .await
            .as_array()
            .map(|pair| (pair[0].as_f64().unwrap(), pair[1].as_f64().unwrap()))
            .unwrap();
        eprintln!("the last nickname ends at {last:.0} px, the bar starts at {bar:.0} px");
        assert!(
            last <= bar,
            "the nicknames ({last} px) above the bar ({bar} px)"
        );
        teacher.check_page("live-presenter-lobby-roster").await;
        // In alphabetical order, so a facilitator finds a name in a long list.
        assert_eq!(
            teacher.texts(".roster-list li > bdi").await,
            ["Ana", "Rude Name"]
        );
        teacher
            .click_and_wait(".roster-list li:nth-child(2) button")
            .await;
        assert!(teacher.text(".notice").await.contains("Rude Name"));
        assert!(!teacher.text(".roster-list").await.contains("Rude Name"));
        // Their phone says so by itself.
        rude.wait_for_text("h1", "You were removed", FOLLOWS).await;
        rude.check_page("live-removed").await;
        for participant in [ana, rude] {
            participant.finish().await;
        }
    })
    .await;
}

#[tokio::test]
async fn the_full_screen_view_and_the_phone_remote_keep_their_controls_on_screen() {
    session(Viewport::Projector, Scripting::Enabled, async |teacher| {
        start_two_exercises(teacher).await;
        let presenter = teacher.path().await;
        teacher.visit(&format!("{presenter}/screen")).await;
        assert!(
            teacher
                .find_all(".site-header, .site-footer")
                .await
                .is_empty()
        );
        let (label, bottom, height) = main_control_bottom(teacher).await;
        assert!(bottom <= height, "“{label}” at {bottom} of {height}");
        teacher.check_page("live-screen-lobby").await;
        teacher
            .leading_to_a_new_page(async || teacher.type_text("n").await)
            .await;
        assert_eq!(teacher.path().await, format!("{presenter}/screen"));
        let (label, bottom, height) = main_control_bottom(teacher).await;
        assert!(label.starts_with("Close answers"), "{label}");
        assert!(bottom <= height, "“{label}” at {bottom} of {height}");
        teacher.check_page("live-screen-open").await;
    })
    .await;
    session(Viewport::Phone, Scripting::Enabled, async |teacher| {
        start_two_exercises(teacher).await;
        let presenter = teacher.path().await;
        teacher.visit(&format!("{presenter}/remote")).await;
        teacher.check_page("live-remote-lobby").await;
        for expected in ["Open the first exercise", "Close answers", "Show the split"] {
            let (label, bottom, height) = main_control_bottom(teacher).await;
            assert!(label.starts_with(expected), "{label}");
            assert!(bottom <= height, "“{label}” at {bottom} of {height}");
            teacher.click_text_starting(expected).await;
            assert_eq!(teacher.path().await, format!("{presenter}/remote"));
        }
        assert!(
            teacher
                .find_all("blockquote, .live-options")
                .await
                .is_empty()
        );
        teacher.check_page("live-remote-split").await;
    })
    .await;
}

#[tokio::test]
async fn a_phone_sends_its_answer_on_a_tap_within_the_first_screen() {
    session(Viewport::Laptop, Scripting::Enabled, async |teacher| {
        let code = start_session(teacher, "").await;
        let ana = teacher.another_browser(Viewport::Phone).await;
        join(&ana, &code, "Ana").await;
        assert!(
            ana.find_all(".site-header").await.is_empty(),
            "no site header"
        );
        teacher.click_text_starting("Open the first exercise").await;
        follows(&ana, ".round-place", "Exercise 1 of 5").await;
        let lowest = ana
            .execute(
                "return Math.max(...[...document.querySelectorAll('button[name=choice]')]
                   .map(button => button.getBoundingClientRect().bottom));",
            )
            .await
            .as_f64()
            .unwrap();
        eprintln!("the last option's bottom on the phone: {lowest:.0} px");
        assert!(lowest <= 667.0, "every option within 667 px: {lowest}");
        let chosen = tap_answer(&ana, true).await;
        assert_eq!(ana.text("h1").await, "Answer received");
        assert!(ana.text("button.is-chosen").await.starts_with(&chosen));
        ana.finish().await;
    })
    .await;
}

#[tokio::test]
async fn the_class_projector_shows_the_qr_code_beside_the_code_on_one_screen() {
    for viewport in [Viewport::Laptop, Viewport::Projector] {
        session(viewport, Scripting::Enabled, async |teacher| {
            sign_up(teacher).await;
            fill(teacher, "class_name", "10B History").await;
            teacher.click_text("Create the class").await;
            let class_page = teacher.path().await;
            teacher.visit(&format!("{class_page}/projector")).await;
            let measured = teacher
                .execute(
                    "const qr = document.querySelector('svg.qr').getBoundingClientRect();
                     const code = document.querySelector('.join-code').getBoundingClientRect();
                     return [qr.bottom, qr.left, code.right, code.top, qr.top];",
                )
                .await;
            let number = |index: usize| measured[index].as_f64().unwrap();
            eprintln!("{viewport:?}: the QR code's bottom at {:.0} px", number(0));
            assert!(number(0) <= 768.0, "the QR code's bottom at {}", number(0));
            assert!(
                number(1) >= number(2),
                "the QR code is beside the code, not under it"
            );
            teacher.check_page("teacher-projector-one-screen").await;
        })
        .await;
    }
}
