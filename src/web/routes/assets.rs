//! The stylesheet, compiled into the binary so that no page needs anything from outside.

use actix_web::HttpResponse;

const STYLESHEET: &str = include_str!("../../../templates/style.css");

pub async fn show_stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(STYLESHEET)
}
