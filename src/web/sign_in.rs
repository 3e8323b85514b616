//! Who is signed in, and whether a form came from this site.
//!
//! A teacher's sign-in is what the storage calls a teacher session; here it is a
//! "sign-in", so that "session" in the web layer means a live session alone.
//!
//! A signed-in teacher's browser holds a signed, HttpOnly, SameSite=Lax cookie with a
//! random 128-bit sign-in token; the server keeps the sign-in (its SHA-256) with an
//! expiry and the CSRF token that the teacher's forms carry. Forms shown before sign-in
//! (sign-up, sign-in) carry a token that must match a signed, SameSite=Strict cookie
//! (the "signed double-submit cookie" pattern). A refused form is logged as a warning.
//!
//! A browser where a teacher has signed in (or signed up) also holds a device cookie
//! (OWASP's "device cookies" against online guessing): signed, HttpOnly,
//! SameSite=Strict, sent only to the sign-in page, kept a year, holding the teacher's
//! id and a random nonce. Failed sign-ins from such a browser count against that
//! browser alone, so that guessing from elsewhere never locks the teacher out of it.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use subtle::ConstantTimeEq;

use crate::accounts::{Teacher, TeacherSession};
use crate::ids::Token;
use crate::web::error::AppError;
use crate::web::{AppState, client_address, now};

pub const TEACHER_COOKIE: &str = "sourcewise_teacher";
pub const FORM_COOKIE: &str = "sourcewise_form";
pub const DEVICE_COOKIE: &str = "sourcewise_device";
/// The only path the device cookie is sent to.
const SIGN_IN_PATH: &str = "/teachers/sign-in";
/// A device cookie lasts a year: a school year and the holidays.
const DEVICE_DAYS: i64 = 365;
/// A sign-in lasts a school day and a bit.
pub const SIGN_IN_SECONDS: u64 = 12 * 60 * 60;

/// A signed-in teacher, as a handler sees them.
#[derive(Clone)]
pub struct SignedIn {
    pub token: Token,
    /// The sign-in as the server keeps it: its teacher, expiry and CSRF token.
    pub sign_in: TeacherSession,
    pub teacher: Teacher,
}

/// The value of the signed cookie `name`, if present and its signature is good.
fn signed_value(request: &HttpRequest, key: &Key, name: &str) -> Option<String> {
    let cookie = request.cookie(name)?;
    let mut jar = CookieJar::new();
    jar.add_original(cookie.into_owned());
    jar.signed(key)
        .get(name)
        .map(|cookie| cookie.value().to_string())
}

/// A cookie holding `value`, signed with `key`.
fn signed_cookie(key: &Key, cookie: Cookie<'static>) -> Cookie<'static> {
    let name = cookie.name().to_string();
    let mut jar = CookieJar::new();
    jar.signed_mut(key).add(cookie);
    jar.get(&name)
        .expect("the cookie just added")
        .clone()
        .into_owned()
}

/// The cookie that keeps a teacher signed in.
pub fn sign_in_cookie(key: &Key, token: Token) -> Cookie<'static> {
    signed_cookie(
        key,
        Cookie::build(TEACHER_COOKIE, token.to_string())
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::seconds(
                SIGN_IN_SECONDS as i64,
            ))
            .finish(),
    )
}

/// A cookie that removes the sign-in cookie from the browser.
pub fn expired_sign_in_cookie() -> Cookie<'static> {
    let mut cookie = Cookie::build(TEACHER_COOKIE, "").path("/").finish();
    cookie.make_removal();
    cookie
}

/// A browser where `teacher` has signed in: its random nonce, which keys its failed
/// sign-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Device {
    pub nonce: Token,
}

/// A new device cookie for `teacher` on this browser (a new nonce at each sign-in).
pub fn device_cookie(key: &Key, teacher: Token) -> Cookie<'static> {
    let nonce = Token::random(&mut rand::rng());
    signed_cookie(
        key,
        Cookie::build(DEVICE_COOKIE, format!("{teacher}.{nonce}"))
            .path(SIGN_IN_PATH)
            .http_only(true)
            .same_site(SameSite::Strict)
            .max_age(actix_web::cookie::time::Duration::days(DEVICE_DAYS))
            .finish(),
    )
}

/// The device this browser is for `teacher`: present only if its device cookie is
/// signed by this server and was given when `teacher` signed in.
pub fn trusted_device(state: &AppState, request: &HttpRequest, teacher: Token) -> Option<Device> {
    let value = signed_value(request, &state.cookie_key, DEVICE_COOKIE)?;
    let (owner, nonce) = value.split_once('.')?;
    if Token::parse(owner)? != teacher {
        return None;
    }
    Some(Device {
        nonce: Token::parse(nonce)?,
    })
}

/// The teacher signed in on this browser, if any.
pub fn signed_in(state: &AppState, request: &HttpRequest) -> Result<Option<SignedIn>, AppError> {
    let Some(token) =
        signed_value(request, &state.cookie_key, TEACHER_COOKIE).and_then(|v| Token::parse(&v))
    else {
        return Ok(None);
    };
    let Some(sign_in) = state.storage.session(token, now())? else {
        return Ok(None);
    };
    let Some(teacher) = state.storage.teacher(sign_in.teacher)? else {
        return Ok(None);
    };
    Ok(Some(SignedIn {
        token,
        sign_in,
        teacher,
    }))
}

/// The signed-in teacher, or a redirect to the sign-in page.
pub fn require_teacher(state: &AppState, request: &HttpRequest) -> Result<SignedIn, AppError> {
    signed_in(state, request)?.ok_or(AppError::SignInNeeded)
}

const FORGED: &str = "This form has expired or did not come from this site. Go back, reload the page and send it again.";

/// Checks a signed-in teacher's form: its token must be their sign-in's.
pub fn check_sign_in_form(signed_in: &SignedIn, given: Option<&str>) -> Result<(), AppError> {
    let expected = signed_in.sign_in.csrf.to_string();
    match given {
        Some(given) if same(given, &expected) => Ok(()),
        _ => {
            tracing::warn!(
                account = %signed_in.teacher.username,
                "CSRF refusal: a signed-in teacher's form without the session's token"
            );
            Err(AppError::Forbidden(FORGED.into()))
        }
    }
}

/// The token for a form shown before sign-in: the browser's current one, or a new one
/// with the cookie to set.
pub fn anonymous_form_token(
    state: &AppState,
    request: &HttpRequest,
) -> (String, Option<Cookie<'static>>) {
    if let Some(token) = signed_value(request, &state.cookie_key, FORM_COOKIE)
        && Token::parse(&token).is_some()
    {
        return (token, None);
    }
    let token = Token::random(&mut rand::rng()).to_string();
    let cookie = signed_cookie(
        &state.cookie_key,
        Cookie::build(FORM_COOKIE, token.clone())
            .path("/")
            .http_only(true)
            .same_site(SameSite::Strict)
            .finish(),
    );
    (token, Some(cookie))
}

/// Checks a form shown before sign-in: its token must match the browser's cookie.
pub fn check_anonymous_form(
    state: &AppState,
    request: &HttpRequest,
    given: Option<&str>,
) -> Result<(), AppError> {
    match (signed_value(request, &state.cookie_key, FORM_COOKIE), given) {
        (Some(expected), Some(given)) if same(given, &expected) => Ok(()),
        _ => {
            if crate::web::anonymous_warning_allowed() {
                tracing::warn!(
                    path = request.path(),
                address = %client_address(state, request),
                    "CSRF refusal: a form without the token of this browser's form cookie"
                );
            }
            Err(AppError::Forbidden(FORGED.into()))
        }
    }
}

/// Compares two tokens in time that does not depend on where they differ. Tokens of
/// different lengths differ at once: a length is no secret.
fn same(given: &str, expected: &str) -> bool {
    given.len() == expected.len() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

/// The browser's form token, if it holds a good one: who a browser is, for counting
/// the codes it types that match nothing.
pub fn form_token(state: &AppState, request: &HttpRequest) -> Option<String> {
    signed_value(request, &state.cookie_key, FORM_COOKIE)
        .filter(|token| Token::parse(token).is_some())
}

#[cfg(test)]
mod tests {
    use super::same;

    #[test]
    fn tokens_are_the_same_only_byte_for_byte_and_length_for_length() {
        let token = "3f2a9c0d4e5b6a7f8091a2b3c4d5e6f7";
        assert!(same(token, token));
        assert!(same("", ""));
        // A difference anywhere, first or last.
        assert!(!same("af2a9c0d4e5b6a7f8091a2b3c4d5e6f7", token));
        assert!(!same("3f2a9c0d4e5b6a7f8091a2b3c4d5e6f8", token));
        // A prefix, a longer token or nothing is not the token.
        assert!(!same(&token[..31], token));
        assert!(!same(&format!("{token}0"), token));
        assert!(!same("", token));
        assert!(!same(token, ""));
    }
}
