//! The join link works: a teacher who opened sourcewise at `localhost` or `127.0.0.1`
//! would project an address that on a phone means the phone itself. The class page,
//! the projector and the live lobby say so, and say what to do.

use reqwest::StatusCode;

use crate::classes::{join_code, teacher_with_class};
use crate::helpers::{browser, spawn_app, spawn_app_with};

#[test]
fn a_server_that_listens_only_on_this_computer_says_phones_cannot_join() {
    let app = spawn_app();
    let class = teacher_with_class(&app, "rivera", "10B History");
    for path in [class.clone(), format!("{class}/projector")] {
        let page = app.get(&path);
        let warning = page.text(".join-warning");
        assert!(
            warning.contains("Phones cannot open 127.0.0.1"),
            "{path}: {warning}"
        );
        assert!(warning.contains("--bind 0.0.0.0:"), "{path}: {warning}");
    }
    let teacher = app.browser_for(browser());
    crate::live::sign_up(&teacher, "okafor");
    let lobby = crate::live::create_session(
        &teacher,
        &[("pick", "random"), ("count", "2"), ("focus", "all")],
    );
    assert_eq!(lobby.status, StatusCode::OK, "{}", lobby.body);
    assert!(lobby.text(".join-warning").contains("Phones cannot open"));
}

#[test]
fn a_server_on_the_network_gives_phones_its_network_address() {
    let app = spawn_app_with(&["--bind", "0.0.0.0:0"]);
    let class = teacher_with_class(&app, "rivera", "10B History");
    let page = app.get(&format!("{class}/projector"));
    let link = page.text(".url");
    let warning = page.text(".join-warning");
    assert!(
        warning.contains("which on a phone means the phone itself")
            || warning.contains("no network address"),
        "{warning}"
    );
    if warning.contains("which on a phone") {
        assert!(
            !link.contains("127.0.0.1") && !link.contains("0.0.0.0"),
            "{link}"
        );
        assert!(link.ends_with(&format!("/join/{}", join_code(&page).replace('-', ""))));
    }
}

#[test]
fn a_page_read_at_a_network_address_or_a_public_address_needs_no_warning() {
    let app = spawn_app_with(&["--public-url", "https://quiz.school.example"]);
    let class = teacher_with_class(&app, "rivera", "10B History");
    let page = app.get(&format!("{class}/projector"));
    assert_eq!(page.text(".join-warning"), "");
    assert!(
        page.text(".url")
            .starts_with("https://quiz.school.example/join/")
    );
}
