//! The stylesheet, compiled into the binary so that no page needs anything from outside.

use actix_web::HttpResponse;

const STYLESHEET: &str = include_str!("../../../templates/style.css");

pub async fn show_stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(STYLESHEET)
}

const LIVE_SCRIPT: &str = include_str!("../../../templates/live.js");

/// The script that keeps a live session's page in step with the session.
pub async fn show_live_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(LIVE_SCRIPT)
}

const STUDENT_SCRIPT: &str = include_str!("../../../templates/student.js");

/// The script that says due times on "My classes" in the browser's own time zone.
pub async fn show_student_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(STUDENT_SCRIPT)
}

const TEACHER_SCRIPT: &str = include_str!("../../../templates/teacher.js");

/// The script of the teacher's assign form: the teacher's time zone for a due time.
pub async fn show_teacher_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(TEACHER_SCRIPT)
}
