//! The stylesheet, the scripts and the icon, compiled into the binary so that no page needs
//! anything from outside.

use actix_web::HttpResponse;

/// A file compiled into the binary, cached by browsers for an hour.
fn asset(content_type: &str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(body)
}

fn script(body: &'static str) -> HttpResponse {
    asset("text/javascript; charset=utf-8", body)
}

pub async fn show_stylesheet() -> HttpResponse {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../../templates/style.css"),
    )
}

/// The script that keeps a live session's page in step with the session.
pub async fn show_live_script() -> HttpResponse {
    script(include_str!("../../../templates/live.js"))
}

/// The script that says due times on "My classes" in the browser's own time zone.
pub async fn show_student_script() -> HttpResponse {
    script(include_str!("../../../templates/student.js"))
}

/// The script of the teacher's assign form: the teacher's time zone for a due time.
pub async fn show_teacher_script() -> HttpResponse {
    script(include_str!("../../../templates/teacher.js"))
}

/// The site's icon: a magnifying glass in the site's blue. Also answers
/// `/favicon.ico`, which browsers ask for by themselves.
pub async fn show_favicon() -> HttpResponse {
    asset(
        "image/svg+xml",
        include_str!("../../../templates/favicon.svg"),
    )
}

/// The script of the pack builder's exercise form: selecting a passage in a document.
pub async fn show_builder_script() -> HttpResponse {
    script(include_str!("../../../templates/builder.js"))
}
