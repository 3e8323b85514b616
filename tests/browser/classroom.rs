//! The whole classroom story in real browsers: a teacher sets up a class and an
//! assignment; two students, each in a browser of their own, join and do it with some
//! wrong answers; the teacher's results page and CSV show exactly those answers.

use crate::flows::{answer, fill, start_round, tick_only_skill};
use crate::helpers::{Scripting, Session, Viewport, session};

/// A student joins with the code and does the assignment; returns the labels chosen.
async fn a_student_does_the_assignment(
    student: &Session,
    code: &str,
    nickname: &str,
    right: [bool; 2],
) -> Vec<String> {
    student.visit("/").await;
    student.click_text("My classes").await;
    student.click_text("Join a class").await;
    fill(student, "code", code).await;
    fill(student, "nickname", nickname).await;
    student.click_text("Join the class").await;
    assert!(
        student
            .text("main")
            .await
            .contains(&format!("You are {nickname}"))
    );
    student.click_text_starting("Start").await;
    let mut chosen = Vec::new();
    for (number, right) in right.into_iter().enumerate() {
        chosen.push(answer(student, right).await);
        let next = if number == 1 {
            "See your results"
        } else {
            "Next question"
        };
        student.click_text(next).await;
    }
    chosen
}

#[tokio::test]
async fn a_teacher_and_two_students_and_the_results_show_exactly_their_answers() {
    session(Viewport::Laptop, Scripting::Enabled, async |teacher| {
        teacher.visit("/teachers/sign-up").await;
        fill(teacher, "display_name", "Ms Rivera").await;
        fill(teacher, "username", "rivera").await;
        fill(teacher, "password", "tall ships at dawn").await;
        fill(teacher, "repeat_password", "tall ships at dawn").await;
        teacher.click_text("Create the account").await;
        fill(teacher, "class_name", "10B History").await;
        teacher.click_text("Create the class").await;
        let class_page = teacher.path().await;
        let code = teacher.text(".join-code").await;
        tick_only_skill(teacher, "source").await;
        fill(teacher, "assign-length", "2").await;
        teacher.click_text("Assign the lesson").await;

        let sam = teacher.another_browser(Viewport::Phone).await;
        let sam_chose = a_student_does_the_assignment(&sam, &code, "Sam", [true, false]).await;
        assert_eq!(sam.text(".score").await, "You got 1 of 2 answers right.");
        sam.finish().await;
        let alex = teacher.another_browser(Viewport::Phone).await;
        let alex_chose = a_student_does_the_assignment(&alex, &code, "Alex", [false, false]).await;
        alex.finish().await;

        teacher.visit(&class_page).await;
        assert_eq!(
            teacher.texts("table.overview tbody tr").await,
            vec![
                "Alex 1 of 1 0 of 2 (0%) – – –".to_string(),
                "Sam 1 of 1 1 of 2 (50%) – – –".to_string()
            ]
        );
        teacher.click_and_wait(".assignments h3 a").await;
        assert_eq!(
            teacher.texts("table.scores tbody tr").await,
            vec![
                "Alex Done 0 of 2".to_string(),
                "Sam Done 1 of 2".to_string()
            ]
        );
        // Question 2, missed by both, comes first in the grid and the list.
        assert_eq!(
            teacher.execute(crate::teachers::GRID_MARKS).await,
            serde_json::json!(["Alex ✗ ✗", "Sam ✗ ✓"])
        );
        assert!(teacher.text(".item h3").await.starts_with("Question 2:"));
        teacher.check_page("classroom-results").await;
        let results_page = teacher.path().await;
        teacher
            .click_text_starting("Show question 1 to discuss in class")
            .await;
        teacher.click_text("Show the answer").await;
        assert!(
            teacher
                .text(".outcome.is-correct")
                .await
                .contains("✓ Correct answer")
        );
        teacher.check_page("classroom-discuss").await;
        teacher.visit(&results_page).await;

        // The CSV, fetched as the browser downloads it, with the teacher's cookies.
        let csv_url = teacher
            .find("a[href$='results.csv']")
            .await
            .attr("href")
            .await
            .unwrap()
            .unwrap();
        let csv = teacher
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 fetch(arguments[0]).then(r => r.text()).then(done);",
                vec![serde_json::json!(csv_url)],
            )
            .await
            .expect("download the CSV");
        let csv = csv
            .as_str()
            .unwrap()
            .trim_start_matches('\u{feff}')
            .to_string();
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let mut rows: Vec<(String, String, String)> = reader
            .records()
            .map(|row| {
                let row = row.unwrap();
                (row[0].to_string(), row[4].to_string(), row[6].to_string())
            })
            .collect();
        rows.sort();
        let mut expected: Vec<(String, String, String)> = sam_chose
            .iter()
            .zip(["yes", "no"])
            .map(|(label, right)| ("Sam".to_string(), label.clone(), right.to_string()))
            .chain(
                alex_chose
                    .iter()
                    .map(|label| ("Alex".to_string(), label.clone(), "no".to_string())),
            )
            .collect();
        expected.sort();
        assert_eq!(rows, expected, "the CSV holds exactly the answers given");
    })
    .await;
}

/// Signs up a teacher on `teacher` and creates a class; returns its join code.
pub async fn a_teacher_with_a_class(teacher: &Session, username: &str, class_name: &str) -> String {
    teacher.visit("/teachers/sign-up").await;
    fill(teacher, "display_name", "A teacher").await;
    fill(teacher, "username", username).await;
    fill(teacher, "password", "tall ships at dawn").await;
    fill(teacher, "repeat_password", "tall ships at dawn").await;
    teacher.click_text("Create the account").await;
    fill(teacher, "class_name", class_name).await;
    teacher.click_text("Create the class").await;
    teacher.text(".join-code").await
}

#[tokio::test]
async fn a_student_who_practised_then_joined_two_classes_finds_all_three() {
    session(Viewport::Phone, Scripting::Enabled, async |sam| {
        let rivera = sam.another_browser(Viewport::Laptop).await;
        let history = a_teacher_with_a_class(&rivera, "rivera", "10B History").await;
        rivera.finish().await;
        let okafor = sam.another_browser(Viewport::Laptop).await;
        let civics = a_teacher_with_a_class(&okafor, "okafor", "11A Civics").await;
        okafor.finish().await;

        start_round(sam, "source", 2).await;
        answer(sam, true).await;
        for (code, class) in [(&history, "10B History"), (&civics, "11A Civics")] {
            sam.visit("/student").await;
            sam.click_text_starting("Join").await;
            fill(sam, "code", code).await;
            fill(sam, "nickname", "Sam").await;
            sam.click_text("Join the class").await;
            assert!(sam.text("main").await.contains(class));
        }

        sam.visit("/").await;
        sam.click_text("My classes").await;
        assert_eq!(
            sam.texts(".card h2").await,
            vec!["10B History".to_string(), "11A Civics".to_string()]
        );
        sam.check_page("my-classes-two-classes").await;
        sam.click_text("My progress").await;
        let places = sam.texts(".places li").await;
        assert_eq!(
            places,
            vec![
                "Your own practice: 1 answer, 1 right, in 1 round".to_string(),
                "10B History, as Sam: nothing answered yet".to_string(),
                "11A Civics, as Sam: nothing answered yet".to_string(),
            ]
        );
        assert_eq!(
            sam.text(".score").await,
            "1 answer so far, and it was right, in 1 round."
        );
        sam.check_page("my-progress-three-places").await;
    })
    .await;
}
