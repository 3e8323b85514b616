//! Teacher accounts: sign up, sign in, sign out, change the password, and the teacher's
//! page. Every form re-renders with what was typed (but never a password) and says what
//! to mend.

use std::sync::{Mutex, MutexGuard, PoisonError};

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::accounts::{
    AccountProblem, DisplayName, Teacher, TeacherSession, Username, check_new_password,
};
use crate::classes::Class;
use crate::ids::Token;
use crate::storage::teachers::CreateTeacherError;
use crate::throttle::FailedAttempts;
use crate::web::error::{AppError, BUSY_RETRY_AFTER};
use crate::web::extract::CheckedForm;
use crate::web::sign_in::{
    SIGN_IN_SECONDS, SignedIn, check_sign_in_form, device_cookie, expired_sign_in_cookie,
    sign_in_cookie, signed_in, trusted_device,
};
use crate::web::{AppState, TAKEN_USERNAMES_PER_ADDRESS, client_address, now};

use super::{
    CsrfForm, FormPost, NoticeQuery, html_with as page, see_other_builder, show_form, try_again_in,
};

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
                    csrf: signed_in.sign_in.csrf.to_string(),
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

super::declare_form_page! {
    /// `GET /teachers/sign-up`: the form to make a teacher's account.
    SignUpPage = "teachers/sign_up.html" for SignUpForm
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SignUpForm {
    display_name: String,
    username: String,
    password: String,
    repeat_password: String,
}

pub async fn create_teacher(
    state: web::Data<AppState>,
    request: HttpRequest,
    FormPost { form, again, .. }: FormPost<SignUpPage>,
) -> Result<HttpResponse, AppError> {
    // "The username is taken" tells whether an account exists, which a teacher needs to
    // hear; so many of them from one address pause sign-up there (every sign-up, or the
    // pause itself would tell).
    let address = client_address(&state, &request).to_string();
    if let Err(seconds) = attempts(&state.failed_sign_ups).check(&address, now()) {
        return again.show(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Many sign-ups from this network have asked for usernames that are taken. To protect teachers' accounts, sign-up is paused here: {}.",
                try_again_in(seconds)
            ),
        );
    }
    let checked = (|| {
        let display_name = DisplayName::parse(&form.display_name)?;
        let username = Username::parse(&form.username)?;
        let password = form.password;
        check_new_password(&password, &form.repeat_password, &username)?;
        Ok::<_, AccountProblem>((display_name, username, password))
    })();
    let (display_name, username, password) = match checked {
        Ok(values) => values,
        Err(problem) => return again.show(StatusCode::BAD_REQUEST, problem.to_string()),
    };
    let taken = |username: &Username| {
        if attempts(&state.failed_sign_ups).record_failure_and_pause(&address, now()) {
            tracing::warn!(
                %address,
                "sign-up paused for an address: {TAKEN_USERNAMES_PER_ADDRESS} sign-ups told a username is taken in 15 minutes"
            );
        }
        again.show(
            StatusCode::BAD_REQUEST,
            format!(
                "The username “{username}” is taken. Choose another, or sign in if it is yours."
            ),
        )
    };
    // Known to be taken: no need to hash the password (creating the account below
    // still refuses a name taken meanwhile).
    if state.storage.teacher_by_username(&username)?.is_some() {
        return taken(&username);
    }
    let password_hash = match state.hashing.hash(password).await {
        Ok(hash) => hash,
        Err(AppError::Busy) => {
            return busy(again.show(StatusCode::SERVICE_UNAVAILABLE, BUSY.into()));
        }
        Err(error) => return Err(error),
    };
    let teacher = Teacher {
        id: Token::random(&mut rand::rng()),
        username,
        display_name,
        password_hash,
        created_at: now(),
    };
    match state.storage.create_teacher(&teacher).await {
        Ok(()) => {}
        Err(CreateTeacherError::UsernameTaken) => return taken(&teacher.username),
        Err(CreateTeacherError::Storage(error)) => return Err(error.into()),
    }
    start_sign_in(&state, teacher.id, "/teachers?notice=welcome").await
}

/// Signs `teacher` in on this browser with a new sign-in, and sends it to `location`.
/// The browser gets a new device cookie too: it is one the teacher uses.
async fn start_sign_in(
    state: &AppState,
    teacher: Token,
    location: &str,
) -> Result<HttpResponse, AppError> {
    let mut rng = rand::rng();
    let token = Token::random(&mut rng);
    let sign_in = TeacherSession {
        teacher,
        csrf: Token::random(&mut rng),
        expires_at: now() + SIGN_IN_SECONDS,
    };
    state.storage.create_session(token, &sign_in).await?;
    Ok(see_other_builder(location)
        .cookie(sign_in_cookie(&state.cookie_key, token))
        .cookie(device_cookie(&state.cookie_key, teacher))
        .finish())
}

/// What a form says when the password threads' queue is full.
const BUSY: &str = "Many people are signing in at once. Try again in a moment.";

/// A form page refused because the password threads are busy, with `Retry-After`.
fn busy(response: Result<HttpResponse, AppError>) -> Result<HttpResponse, AppError> {
    let mut response = response?;
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_static(BUSY_RETRY_AFTER),
    );
    Ok(response)
}

/// The counts of failures in `lock` (still good if a thread panicked holding it: a
/// count is a plain value).
fn attempts(lock: &Mutex<FailedAttempts>) -> MutexGuard<'_, FailedAttempts> {
    lock.lock().unwrap_or_else(PoisonError::into_inner)
}

super::declare_form_page! {
    /// `GET /teachers/sign-in`: the form to sign in.
    SignInPage = "teachers/sign_in.html" for SignInForm
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SignInForm {
    username: String,
    password: String,
}

pub async fn show_sign_in(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    if signed_in(&state, &request)?.is_some() {
        return Ok(see_other_builder("/teachers").finish());
    }
    show_form::<SignInPage>(state, request).await
}

/// Signing in, slowed down against guessing with device cookies (OWASP): a browser
/// where the teacher has signed in before counts its failures against itself alone
/// and is never paused by failures elsewhere; other browsers count against the
/// account, and past [`FailedAttempts::LIMIT`] in 15 minutes they are all paused for
/// it.
pub async fn create_sign_in(
    state: web::Data<AppState>,
    request: HttpRequest,
    FormPost { form, again, .. }: FormPost<SignInPage>,
) -> Result<HttpResponse, AppError> {
    let not_right = || {
        again.show(
            StatusCode::BAD_REQUEST,
            "The username or the password is not right. Check both and try again.".into(),
        )
    };
    // A username that cannot be one matches no account: not counted, nothing kept.
    let Ok(username) = Username::parse(&form.username) else {
        return not_right();
    };
    let teacher = state.storage.teacher_by_username(&username)?;
    let device = teacher
        .as_ref()
        .and_then(|teacher| trusted_device(&state, &request, teacher.id));
    let key = match device {
        Some(device) => format!("device {}", device.nonce),
        None => format!("account {username}"),
    };
    // Counted as a failure until the password proves right (and still counted if the
    // request is dropped meanwhile).
    let pauses = match attempts(&state.failed_sign_ins).begin_attempt(&key, now()) {
        Ok(pauses) => pauses,
        Err(seconds) => {
            let message = match device {
                Some(_) => format!(
                    "There have been too many failed sign-ins for this account on this browser. To protect it, sign-in is paused on this browser: {}.",
                    try_again_in(seconds)
                ),
                None => format!(
                    "There have been too many failed sign-ins for this account. To protect it, sign-in is paused on browsers where it has not signed in before: {}. A browser where you have signed in to this account before can still sign in.",
                    try_again_in(seconds)
                ),
            };
            return again.show(StatusCode::TOO_MANY_REQUESTS, message);
        }
    };
    let password = form.password;
    let matches = if password.is_empty() {
        false
    } else {
        let hash = teacher
            .as_ref()
            .map(|teacher| teacher.password_hash.clone());
        match state.hashing.verify(password, hash).await {
            Ok(matches) => matches,
            Err(error) => {
                attempts(&state.failed_sign_ins).take_back(&key);
                return match error {
                    AppError::Busy => {
                        busy(again.show(StatusCode::SERVICE_UNAVAILABLE, BUSY.into()))
                    }
                    error => Err(error),
                };
            }
        }
    };
    match (teacher, matches) {
        (Some(teacher), true) => {
            // A success clears this browser's count; it says nothing of the other
            // browsers, so the account's count only loses this attempt.
            match device {
                Some(_) => attempts(&state.failed_sign_ins).record_success(&key),
                None => attempts(&state.failed_sign_ins).take_back(&key),
            }
            start_sign_in(&state, teacher.id, "/teachers").await
        }
        _ => {
            if pauses {
                match device {
                    Some(_) => tracing::warn!(
                        account = %username,
                        "sign-in paused on one browser of the account (device cookie): {} failures in 15 minutes",
                        FailedAttempts::LIMIT
                    ),
                    None => tracing::warn!(
                        account = %username,
                        address = %client_address(&state, &request),
                        "sign-in paused for the account on browsers where it has not signed in: {} failures in 15 minutes",
                        FailedAttempts::LIMIT
                    ),
                }
            }
            not_right()
        }
    }
}

/// `POST /teachers/sign-out`: ends the sign-in on the server and in the browser.
pub async fn delete_sign_in(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    let Some(signed_in) = signed_in(&state, &request)? else {
        return Ok(see_other_builder("/teachers")
            .cookie(expired_sign_in_cookie())
            .finish());
    };
    check_sign_in_form(&signed_in, form.csrf.as_deref())?;
    state.storage.delete_session(signed_in.token).await?;
    Ok(see_other_builder("/teachers/sign-in?signed-out")
        .cookie(expired_sign_in_cookie())
        .finish())
}

#[derive(Template)]
#[template(path = "teachers/password.html")]
struct PasswordPage {
    csrf: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    repeat_password: String,
}

pub async fn show_password(signed_in: SignedIn) -> Result<HttpResponse, AppError> {
    page(
        StatusCode::OK,
        &PasswordPage {
            csrf: signed_in.sign_in.csrf.to_string(),
            error: None,
        },
        None,
    )
}

pub async fn update_password(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    CheckedForm(form): CheckedForm<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let again = |status: StatusCode, error: String| {
        page(
            status,
            &PasswordPage {
                csrf: signed_in.sign_in.csrf.to_string(),
                error: Some(error),
            },
            None,
        )
    };
    // Whoever has the sign-in (a laptop left open) must not guess the password here
    // faster than at the sign-in page.
    let key = signed_in.teacher.id.to_string();
    let pauses = match attempts(&state.failed_password_changes).begin_attempt(&key, now()) {
        Ok(pauses) => pauses,
        Err(seconds) => {
            return again(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "There have been too many wrong current passwords on this form. To protect your account, changing the password is paused: {}.",
                    try_again_in(seconds)
                ),
            );
        }
    };
    let current = form.current_password;
    let right = if current.is_empty() {
        false
    } else {
        let hash = Some(signed_in.teacher.password_hash.clone());
        match state.hashing.verify(current, hash).await {
            Ok(right) => right,
            Err(error) => {
                attempts(&state.failed_password_changes).take_back(&key);
                return match error {
                    AppError::Busy => busy(again(StatusCode::SERVICE_UNAVAILABLE, BUSY.into())),
                    error => Err(error),
                };
            }
        }
    };
    if !right {
        if pauses {
            tracing::warn!(
                account = %signed_in.teacher.username,
                "password form paused for the account: {} wrong current passwords in 15 minutes",
                FailedAttempts::LIMIT
            );
        }
        return again(
            StatusCode::BAD_REQUEST,
            "Your current password is not right.".into(),
        );
    }
    attempts(&state.failed_password_changes).record_success(&key);
    let new_password = form.new_password;
    if let Err(problem) = check_new_password(
        &new_password,
        &form.repeat_password,
        &signed_in.teacher.username,
    ) {
        return again(StatusCode::BAD_REQUEST, problem.to_string());
    }
    let password_hash = match state.hashing.hash(new_password).await {
        Ok(hash) => hash,
        Err(AppError::Busy) => return busy(again(StatusCode::SERVICE_UNAVAILABLE, BUSY.into())),
        Err(error) => return Err(error),
    };
    state
        .storage
        .set_password_hash(signed_in.teacher.id, password_hash, Some(signed_in.token))
        .await?;
    Ok(see_other_builder("/teachers?notice=password-changed").finish())
}
