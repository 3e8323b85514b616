//! Errors that reach a learner, each with its status and a page that says what to do.

use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A pack, round, exercise or page that does not exist (or is not this learner's).
    #[error("{0}")]
    NotFound(String),
    /// A form that is missing a field or holds a value that makes no sense.
    #[error("{message}")]
    BadRequest {
        message: String,
        back: Option<String>,
    },
    /// The learner answered a question of this round that already has an answer.
    #[error(
        "You have already answered question {number} of this round. Your first answer is the one that counts."
    )]
    AlreadyAnswered { round: String, number: usize },
    /// A path that exists, asked for with a method it does not take; `allow` lists
    /// those it does, as the `Allow` header says them.
    #[error("This address exists, but not for a {method} request. It takes {allow}.")]
    MethodNotAllowed { method: String, allow: String },
    #[error("The form you sent is too large.")]
    TooLarge,
    /// A teacher page asked for by a browser that is not signed in: sends it to sign in.
    #[error("Sign in to see this page.")]
    SignInNeeded,
    /// A form whose CSRF token is missing or wrong.
    #[error("{0}")]
    Forbidden(String),
    /// The disk could not be written or read (full, failing): nothing was acknowledged.
    #[error(
        "Nothing was saved: the server could not write to its disk just now. Your last answer or change was not recorded. Please try again in a moment; if this keeps happening, tell the person who runs the server."
    )]
    Storage(#[from] StorageError),
    #[error("The page could not be drawn.")]
    Template(#[from] askama::Error),
    /// A client typed too many codes that match nothing and must wait before it tries
    /// another (see `web::guesses`).
    #[error("{message}")]
    SlowDown { message: String, seconds: u64 },
    /// Too many passwords are being checked at once (a storm of sign-ins): the work
    /// was refused rather than queued without end.
    #[error("Many people are signing in at once. Try again in a moment.")]
    Busy,
    /// A report could not be made: the server is stopping, or making it failed.
    #[error("This page could not be made just now. Try again in a moment.")]
    Interrupted,
    /// A fault of the server's own, neither the user's mistake nor the disk's: `500`,
    /// with its detail in the log and not on the page.
    #[error(
        "Something went wrong on the server, not in what you did. Try again; if it keeps happening, tell the person who runs the server."
    )]
    Fault(String),
}

/// The seconds a `503` for [`AppError::Busy`] asks to wait: a queue of password checks
/// empties in well under that.
pub const BUSY_RETRY_AFTER: &str = "2";

impl AppError {
    pub fn bad_request(message: impl Into<String>) -> AppError {
        AppError::BadRequest {
            message: message.into(),
            back: None,
        }
    }

    pub fn bad_request_with_back(message: impl Into<String>, back: String) -> AppError {
        AppError::BadRequest {
            message: message.into(),
            back: Some(back),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    heading: &'a str,
    message: String,
    link: Option<(String, &'a str)>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest { .. } | AppError::AlreadyAnswered { .. } => {
                StatusCode::BAD_REQUEST
            }
            AppError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::SignInNeeded => StatusCode::SEE_OTHER,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::SlowDown { .. } => StatusCode::TOO_MANY_REQUESTS,
            // Not the user's mistake, and worth trying again: the server is (for now)
            // unable to store anything.
            AppError::Storage(_) | AppError::Interrupted | AppError::Busy => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Template(_) | AppError::Fault(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if matches!(self, AppError::SignInNeeded) {
            return HttpResponse::SeeOther()
                .insert_header((actix_web::http::header::LOCATION, "/teachers/sign-in"))
                .finish();
        }
        let (heading, link) = match self {
            AppError::NotFound(_) => ("Page not found", None),
            AppError::BadRequest { back, .. } => (
                "That did not work",
                back.clone().map(|url| (url, "Go back")),
            ),
            AppError::AlreadyAnswered { round, number } => (
                "Already answered",
                Some((
                    format!("/rounds/{round}/questions/{number}"),
                    "See the feedback on your answer",
                )),
            ),
            AppError::MethodNotAllowed { .. } => ("Not available this way", None),
            AppError::TooLarge => ("Too much data", None),
            AppError::SignInNeeded => ("Sign in", None),
            AppError::Forbidden(_) => ("Form not accepted", None),
            AppError::SlowDown { .. } => ("Please wait", None),
            AppError::Storage(error) => {
                tracing::error!("storage failed: {error}");
                ("Not saved", None)
            }
            AppError::Template(error) => {
                tracing::error!("template failed: {error}");
                ("Something went wrong", None)
            }
            AppError::Fault(detail) => {
                tracing::error!("server fault: {detail}");
                ("Something went wrong", None)
            }
            AppError::Interrupted => {
                if crate::web::anonymous_warning_allowed() {
                    tracing::warn!("work was interrupted: the server is stopping, or it failed");
                }
                ("Try again", None)
            }
            AppError::Busy => ("Try again", None),
        };
        let message = self.to_string();
        let page = ErrorPage {
            status: self.status_code().as_u16(),
            heading,
            message,
            link,
        };
        let body = page.render().unwrap_or_else(|_| self.to_string());
        let mut response = HttpResponse::build(self.status_code());
        if matches!(self, AppError::Storage(_) | AppError::Interrupted) {
            response.insert_header((actix_web::http::header::RETRY_AFTER, "5"));
        }
        if let AppError::SlowDown { seconds, .. } = self {
            response.insert_header((actix_web::http::header::RETRY_AFTER, seconds.to_string()));
        }
        if let AppError::MethodNotAllowed { allow, .. } = self {
            response.insert_header((actix_web::http::header::ALLOW, allow.as_str()));
        }
        if matches!(self, AppError::Busy) {
            response.insert_header((actix_web::http::header::RETRY_AFTER, BUSY_RETRY_AFTER));
        }
        response.content_type(ContentType::html()).body(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn a_fault_of_the_server_is_a_500_page_that_keeps_its_detail_for_the_log() {
        let response = AppError::Fault("the secret detail".into()).error_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap();
        let page = String::from_utf8(body.to_vec()).unwrap();
        assert!(page.contains("Something went wrong"), "{page}");
        assert!(page.contains("not in what you did"), "{page}");
        assert!(!page.contains("the secret detail"), "{page}");
    }
}
