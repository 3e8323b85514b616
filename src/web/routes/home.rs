//! `GET /`: "Enter your code" and the packs on offer; `POST /code`: the one code box,
//! which works out whether a code is a class's or a live session's and sends the
//! student to the form that joins it.
//!
//! A code that matches nothing counts against the browser and the address that typed
//! it ([`crate::web::guesses`]), as on the join forms themselves.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{anonymous_page, see_other};
use crate::classes::{CodeKind, JoinCode};
use crate::content::Pack;
use crate::web::error::AppError;
use crate::web::extract::AnonymousForm;
use crate::web::guesses::Client;
use crate::web::learners::Learners;
use crate::web::review_view::{ReviewLine, review_lines};
use crate::web::{AppState, learner, now};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    packs: Vec<&'a Pack>,
    csrf: String,
    /// The code as typed, kept in the box when it matched nothing.
    code: String,
    error: Option<String>,
    /// Exercises due for review in this browser's places.
    reviews: Vec<ReviewLine>,
}

pub async fn show_home(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    home_page(&state, &request, StatusCode::OK, String::new(), None)
}

fn home_page(
    state: &AppState,
    request: &HttpRequest,
    status: StatusCode,
    code: String,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    // A browser that has never answered has nothing to review: no look-up for it.
    let reviews = match learner(request) {
        Some(_) => review_lines(state, &Learners::of(state, request)?, now())?,
        None => Vec::new(),
    };
    anonymous_page(state, request, status, |csrf| HomePage {
        packs: state.shelf.site_packs().map(|pack| &**pack).collect(),
        csrf,
        code,
        error,
        reviews,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

/// What a code of the wrong form gets.
const NOT_A_CODE: &str = "That is not a code. A class code has 8 letters and digits, like ABCD-2345; a live-session code has 10 digits, like 482 913 2077. Copy it from the board or the projector.";

/// `POST /code`: to the form that joins the class or the live session with this code,
/// the code filled in.
pub async fn enter_code(
    state: web::Data<AppState>,
    request: HttpRequest,
    AnonymousForm(form): AnonymousForm<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let typed = form.code;
    let again = |status: StatusCode, error: String| {
        home_page(&state, &request, status, typed.clone(), Some(error))
    };
    let client = Client::of(&state, &request);
    if let Err(wait) = state.guesses.check(&client, now()) {
        return again(StatusCode::TOO_MANY_REQUESTS, wait.message("codes"));
    }
    let Some(code) = JoinCode::parse(&typed) else {
        return again(StatusCode::BAD_REQUEST, NOT_A_CODE.into());
    };
    let live = format!("/live/{}", code.as_str());
    if code.kind() == CodeKind::Live {
        if state.storage.live_by_code(&code)?.is_some() {
            return Ok(see_other(live));
        }
    } else if state.storage.class_by_code(&code)?.is_some() {
        return Ok(see_other(format!("/join/{}", code.as_str())));
    } else if state.storage.live_by_code(&code)?.is_some() {
        // A live session made before codes were ten digits.
        return Ok(see_other(live));
    }
    state.guesses.miss(&client, now());
    again(
        StatusCode::BAD_REQUEST,
        format!("No class or live session has the code {code}. Check it with your teacher."),
    )
}
