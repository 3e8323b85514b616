//! Teacher accounts: sign up, sign in, sign out, change the password, and the teacher's
//! page. Every form re-renders with what was typed (but never a password) and says what
//! to mend.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::accounts::{self, AccountProblem, DisplayName, Username, check_new_password};
use crate::practice::Token;
use crate::storage::classes::Class;
use crate::storage::teachers::{CreateTeacherError, Teacher, TeacherSession};
use crate::web::error::AppError;
use crate::web::teacher_session::{
    SESSION_SECONDS, SignedIn, anonymous_form_token, check_anonymous_form, check_session_form,
    expired_session_cookie, require_teacher, session_cookie, signed_in,
};
use crate::web::{AppState, now};

use super::html_with as page;

fn see_other(location: &str) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::SeeOther();
    response.insert_header((header::LOCATION, location.to_string()));
    response
}

#[derive(Template)]
#[template(path = "teachers/welcome.html")]
struct WelcomePage;

#[derive(Template)]
#[template(path = "teachers/account.html")]
struct AccountPage<'a> {
    teacher: &'a Teacher,
    csrf: String,
    notice: Option<&'a str>,
    classes: Vec<Class>,
    archived: Vec<Class>,
    /// The empty "create a class" form.
    name: String,
    description: String,
    error: Option<String>,
}

/// `GET /teachers`: the teacher's page, or what teachers can do and how to start.
pub async fn show_teachers(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    match signed_in(&state, &request)? {
        Some(signed_in) => {
            let notice = match query.notice.as_deref() {
                Some("password-changed") => Some("Your password has been changed."),
                Some("welcome") => Some("Your account is ready."),
                Some("class-deleted") => Some("The class has been deleted."),
                _ => None,
            };
            let (archived, classes) = state
                .storage
                .classes_of(signed_in.teacher.id)?
                .into_iter()
                .partition(|class| class.archived);
            page(
                StatusCode::OK,
                &AccountPage {
                    teacher: &signed_in.teacher,
                    csrf: signed_in.session.csrf.to_string(),
                    notice,
                    classes,
                    archived,
                    name: String::new(),
                    description: String::new(),
                    error: None,
                },
                None,
            )
        }
        None => page(StatusCode::OK, &WelcomePage, None),
    }
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "teachers/sign_up.html")]
struct SignUpPage {
    csrf: String,
    display_name: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct SignUpForm {
    csrf: Option<String>,
    display_name: Option<String>,
    username: Option<String>,
    password: Option<String>,
    repeat_password: Option<String>,
}

pub async fn show_sign_up(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let (csrf, cookie) = anonymous_form_token(&state, &request);
    page(
        StatusCode::OK,
        &SignUpPage {
            csrf,
            display_name: String::new(),
            username: String::new(),
            error: None,
        },
        cookie,
    )
}

pub async fn create_teacher(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<SignUpForm>,
) -> Result<HttpResponse, AppError> {
    check_anonymous_form(&state, &request, form.csrf.as_deref())?;
    let form = form.into_inner();
    let display_name_text = form.display_name.unwrap_or_default();
    let username_text = form.username.unwrap_or_default();
    let again = |error: String| {
        let (csrf, cookie) = anonymous_form_token(&state, &request);
        page(
            StatusCode::BAD_REQUEST,
            &SignUpPage {
                csrf,
                display_name: display_name_text.clone(),
                username: username_text.clone(),
                error: Some(error),
            },
            cookie,
        )
    };
    let checked = (|| {
        let display_name = DisplayName::parse(&display_name_text)?;
        let username = Username::parse(&username_text)?;
        let password = form.password.clone().unwrap_or_default();
        check_new_password(
            &password,
            form.repeat_password.as_deref().unwrap_or_default(),
            &username,
        )?;
        Ok::<_, AccountProblem>((display_name, username, password))
    })();
    let (display_name, username, password) = match checked {
        Ok(values) => values,
        Err(problem) => return again(problem.to_string()),
    };
    let password_hash = hash(password).await?;
    let teacher = Teacher {
        id: Token::random(&mut rand::rng()),
        username,
        display_name,
        password_hash,
        created_at: now(),
    };
    match state.storage.create_teacher(&teacher).await {
        Ok(()) => {}
        Err(CreateTeacherError::UsernameTaken) => {
            return again(format!(
                "The username “{}” is taken. Choose another, or sign in if it is yours.",
                teacher.username
            ));
        }
        Err(CreateTeacherError::Storage(error)) => return Err(error.into()),
    }
    start_session(&state, teacher.id, "/teachers?notice=welcome").await
}

/// Signs `teacher` in on this browser with a new session, and sends it to `location`.
async fn start_session(
    state: &AppState,
    teacher: Token,
    location: &str,
) -> Result<HttpResponse, AppError> {
    let mut rng = rand::rng();
    let token = Token::random(&mut rng);
    let session = TeacherSession {
        teacher,
        csrf: Token::random(&mut rng),
        expires_at: now() + SESSION_SECONDS,
    };
    state.storage.create_session(token, &session).await?;
    Ok(see_other(location)
        .cookie(session_cookie(&state.cookie_key, token))
        .finish())
}

/// Hashes a password off the request threads: Argon2id takes tens of milliseconds.
async fn hash(password: String) -> Result<String, AppError> {
    web::block(move || accounts::hash_password(&password, &mut rand::rng()))
        .await
        .map_err(|_| AppError::bad_request("The password could not be processed. Try again."))
}

async fn verify(password: String, hash: String) -> bool {
    web::block(move || accounts::verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// A hash that matches no password anyone knows, checked when the username is unknown
/// so that a wrong username takes as long as a wrong password.
fn no_ones_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        let secret = Token::random(&mut rand::rng()).to_string();
        accounts::hash_password(&secret, &mut rand::rng())
    })
    .clone()
}

#[derive(Template)]
#[template(path = "teachers/sign_in.html")]
struct SignInPage {
    csrf: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct SignInForm {
    csrf: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

pub async fn show_sign_in(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    if signed_in(&state, &request)?.is_some() {
        return Ok(see_other("/teachers").finish());
    }
    let (csrf, cookie) = anonymous_form_token(&state, &request);
    page(
        StatusCode::OK,
        &SignInPage {
            csrf,
            username: String::new(),
            error: None,
        },
        cookie,
    )
}

pub async fn create_session(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, AppError> {
    check_anonymous_form(&state, &request, form.csrf.as_deref())?;
    let form = form.into_inner();
    let username_text = form.username.unwrap_or_default();
    let again = |status: StatusCode, error: String| {
        let (csrf, cookie) = anonymous_form_token(&state, &request);
        page(
            status,
            &SignInPage {
                csrf,
                username: username_text.clone(),
                error: Some(error),
            },
            cookie,
        )
    };
    let key = username_text.trim().to_lowercase();
    let refused = state
        .failed_sign_ins
        .lock()
        .map_err(|_| AppError::bad_request("Try again."))?
        .check(&key, now());
    if let Err(seconds) = refused {
        return again(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "There have been too many failed sign-ins for this account. To protect it, sign-in is paused: {}.",
                super::try_again_in(seconds)
            ),
        );
    }
    let password = form.password.unwrap_or_default();
    let teacher = match Username::parse(&username_text) {
        Ok(username) => state.storage.teacher_by_username(&username)?,
        Err(_) => None,
    };
    let hash = teacher
        .as_ref()
        .map(|teacher| teacher.password_hash.clone())
        .unwrap_or_else(no_ones_hash);
    let matches = !password.is_empty() && verify(password, hash).await;
    match (teacher, matches) {
        (Some(teacher), true) => {
            if let Ok(mut attempts) = state.failed_sign_ins.lock() {
                attempts.record_success(&key);
            }
            start_session(&state, teacher.id, "/teachers").await
        }
        _ => {
            if let Ok(mut attempts) = state.failed_sign_ins.lock() {
                attempts.record_failure(&key, now());
            }
            again(
                StatusCode::BAD_REQUEST,
                "The username or the password is not right. Check both and try again.".into(),
            )
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: Option<String>,
}

/// `POST /teachers/sign-out`: ends the session on the server and in the browser.
pub async fn delete_session(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    let Some(signed_in) = signed_in(&state, &request)? else {
        return Ok(see_other("/teachers")
            .cookie(expired_session_cookie())
            .finish());
    };
    check_session_form(&signed_in, form.csrf.as_deref())?;
    state.storage.delete_session(signed_in.token).await?;
    Ok(see_other("/teachers/sign-in?signed-out")
        .cookie(expired_session_cookie())
        .finish())
}

#[derive(Template)]
#[template(path = "teachers/password.html")]
struct PasswordPage {
    csrf: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: Option<String>,
    current_password: Option<String>,
    new_password: Option<String>,
    repeat_password: Option<String>,
}

pub async fn show_password(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let signed_in = require_teacher(&state, &request)?;
    page(
        StatusCode::OK,
        &PasswordPage {
            csrf: signed_in.session.csrf.to_string(),
            error: None,
        },
        None,
    )
}

pub async fn update_password(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let signed_in: SignedIn = require_teacher(&state, &request)?;
    check_session_form(&signed_in, form.csrf.as_deref())?;
    let form = form.into_inner();
    let again = |error: String| {
        page(
            StatusCode::BAD_REQUEST,
            &PasswordPage {
                csrf: signed_in.session.csrf.to_string(),
                error: Some(error),
            },
            None,
        )
    };
    let current = form.current_password.unwrap_or_default();
    if current.is_empty() || !verify(current, signed_in.teacher.password_hash.clone()).await {
        return again("Your current password is not right.".into());
    }
    let new_password = form.new_password.unwrap_or_default();
    if let Err(problem) = check_new_password(
        &new_password,
        form.repeat_password.as_deref().unwrap_or_default(),
        &signed_in.teacher.username,
    ) {
        return again(problem.to_string());
    }
    let password_hash = hash(new_password).await?;
    state
        .storage
        .set_password_hash(signed_in.teacher.id, password_hash, Some(signed_in.token))
        .await?;
    Ok(see_other("/teachers?notice=password-changed").finish())
}
