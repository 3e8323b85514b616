//! A live workshop in real browsers: a facilitator runs a five-exercise session from the
//! projector while three participants follow on phones, one of them with JavaScript
//! off. One participant reloads in the middle of a question, and the server is killed
//! and restarted in the middle of the session: no one loses their place or an answer.

use crate::flows::{answer_with, fill};
use crate::helpers::{Scripting, Session, Viewport, session};

const PASSWORD: &str = "tall ships at dawn";

/// How long a page with JavaScript may take to follow the session: "within about a
/// second" is the aim; the slack is for a loaded test machine.
const FOLLOWS: u64 = 10;
/// Without JavaScript a waiting page reloads every 4 seconds.
const REFRESHES: u64 = 20;

/// Signs up, starts a live session with the form's defaults (5 exercises at random, no
/// scores) and returns its code, as the presenter page shows it.
async fn start_session(teacher: &Session, viewport_name: &str) -> String {
    teacher.visit("/teachers/sign-up").await;
    fill(teacher, "display_name", "Ms Rivera").await;
    fill(teacher, "username", "rivera").await;
    fill(teacher, "password", PASSWORD).await;
    fill(teacher, "repeat_password", PASSWORD).await;
    teacher.click_text("Create the account").await;
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

/// Joins from the home page's link, typing the code and a nickname.
async fn join(participant: &Session, code: &str, nickname: &str) {
    participant.visit("/").await;
    participant.click_text("join the live session").await;
    fill(participant, "code", code).await;
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
                .click_text(if number == 1 {
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
                chosen[index].push(answer_with(participant, right, "Send my answer").await);
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
                ana.click_text("Change my answer").await;
                ana.check_page("live-change").await;
                ana.client.back().await.expect("go back");
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
            teacher.click_text("Close answers").await;
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
            teacher.click_text("Reveal how the room answered").await;
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
            teacher
                .click_text("Show the explanation and the evidence")
                .await;
            for (participant, _) in people {
                follows(participant, ".explanation", "").await;
            }
            if number == 1 {
                teacher.check_page("live-presenter-explained").await;
                ana.check_page("live-explained").await;
                cy.check_page("live-explained-without-javascript").await;
            }
        }
        teacher.click_text("End the session").await;
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
        teacher.click_text("Open the first exercise").await;
        teacher.check_page("live-presenter-open").await;
        follows(&dana, ".round-place", "Exercise 1 of 5").await;
        dana.check_page("live-question").await;
        answer_with(&dana, false, "Send my answer").await;
        dana.check_page("live-received").await;
        dana.click_text("Change my answer").await;
        assert_eq!(dana.text("legend").await, "Change your answer");
        dana.check_page("live-change").await;
        answer_with(&dana, true, "Send my new answer").await;
        teacher.click_text("Close answers").await;
        follows(&dana, "h1", "Answers are closed").await;
        dana.check_page("live-closed").await;
        teacher.click_text("Reveal how the room answered").await;
        assert!(
            teacher
                .text(".live-status")
                .await
                .contains("100% chose the answer")
        );
        teacher.check_page("live-presenter-revealed").await;
        follows(&dana, "#verdict", "Right").await;
        dana.check_page("live-revealed").await;
        teacher
            .click_text("Show the explanation and the evidence")
            .await;
        teacher.check_page("live-presenter-explained").await;
        follows(&dana, ".explanation", "").await;
        dana.check_page("live-explained").await;
        teacher.click("summary").await;
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
        teacher.check_page("live-presenter-lobby").await;
    })
    .await;
}
