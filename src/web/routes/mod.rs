//! The whole URL space, registered in one place.

mod assets;
mod classes;
mod facilitate;
mod health;
mod home;
mod live;
mod pack_aids;
mod pack_builder;
mod packs;
mod pairs;
mod progress;
mod results;
mod reviews;
mod rounds;
mod sources;
mod students;
mod teacher_packs;
mod teachers;

use actix_web::dev::ServiceResponse;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{ResponseError, Route, guard, web};

use super::error::AppError;
use super::guesses::Client;
use super::sign_in::anonymous_form_token;
use super::{AppState, NOT_FOUND, now};

pub fn register(config: &mut web::ServiceConfig) {
    let paths = paths! {
        "/" => GET home::show_home;
        "/code" => POST home::enter_code;
        "/healthz" => GET health::show_health;
        "/static/style.css" => GET assets::show_stylesheet;
        "/favicon.svg" => GET assets::show_favicon;
        "/favicon.ico" => GET assets::show_favicon;
        "/packs/{pack}" => GET packs::show_pack;
        "/packs/{pack}/rounds" => POST rounds::create_round;
        "/packs/{pack}/glossary" => GET packs::show_glossary;
        "/packs/{pack}/sources/{source}" => GET sources::show_source;
        "/rounds/{round}" => GET rounds::resume_round;
        "/rounds/{round}/summary" => GET rounds::show_summary;
        "/rounds/{round}/questions/{number}" =>
            GET rounds::show_question, POST rounds::submit_answer;
        "/progress" => GET progress::show_progress;
        "/progress.json" => GET progress::show_progress_json;
        "/reviews" => POST reviews::start_review;
        "/teachers" => GET teachers::show_teachers;
        "/teachers/sign-up" => GET show_form::<teachers::SignUpPage>, POST teachers::create_teacher;
        "/teachers/sign-in" => GET teachers::show_sign_in, POST teachers::create_sign_in;
        "/teachers/sign-out" => POST teachers::delete_sign_in;
        "/teachers/password" => GET teachers::show_password, POST teachers::update_password;
        "/join" => GET show_form::<students::JoinPage>, POST students::create_student;
        "/join/{code}" => GET students::show_join_with_code;
        "/resume" => GET show_form::<students::ResumePage>, POST students::resume_student;
        "/student" => GET students::show_student;
        "/student/assignments/{assignment}" => POST students::start_assignment;
        "/teachers/packs" => GET teacher_packs::show_packs, POST teacher_packs::import_pack;
        "/teachers/packs/new" => GET pack_builder::show_new_pack, POST pack_builder::create_pack;
        "/teachers/packs/{pack}" => GET teacher_packs::show_pack;
        "/teachers/packs/{pack}/about" => GET pack_builder::show_about, POST pack_builder::update_about;
        "/teachers/packs/{pack}/documents" => POST pack_builder::create_document;
        "/teachers/packs/{pack}/documents/new" => GET pack_builder::show_new_document;
        "/teachers/packs/{pack}/documents/{number}" =>
            GET pack_builder::show_document, POST pack_builder::update_document;
        "/teachers/packs/{pack}/documents/{number}/text" => GET pack_builder::show_document_text;
        "/teachers/packs/{pack}/documents/{number}/delete" =>
            GET pack_builder::show_delete_document, POST pack_builder::delete_document;
        "/teachers/packs/{pack}/exercises" => POST pack_builder::create_exercise;
        "/teachers/packs/{pack}/exercises/new" => GET pack_builder::show_new_exercise;
        "/teachers/packs/{pack}/exercises/{number}" =>
            GET pack_builder::show_exercise, POST pack_builder::update_exercise;
        "/teachers/packs/{pack}/exercises/{number}/preview" => GET pack_builder::show_exercise_preview;
        "/teachers/packs/{pack}/exercises/{number}/delete" =>
            GET pack_builder::show_delete_exercise, POST pack_builder::delete_exercise;
        "/teachers/packs/{pack}/find" => GET pack_aids::show_find;
        "/teachers/packs/{pack}/figures" => GET pack_aids::show_figures;
        "/teachers/packs/{pack}/suggestions" => GET pack_aids::show_suggestions;
        "/teachers/packs/{pack}/glossary" => GET pack_builder::show_glossary, POST pack_builder::update_glossary;
        "/teachers/packs/{pack}/export.zip" => GET teacher_packs::export_pack;
        "/teachers/packs/{pack}/delete" =>
            GET teacher_packs::show_delete_pack, POST teacher_packs::delete_pack;
        "/teachers/packs/{pack}/published" => POST teacher_packs::update_published;
        "/teachers/classes" => POST classes::create_class;
        "/teachers/classes/{class}" => GET classes::show_class;
        "/teachers/classes/{class}/projector" => GET classes::show_projector;
        "/teachers/classes/{class}/locked" => POST classes::update_locked;
        "/teachers/classes/{class}/archived" => POST classes::update_archived;
        "/teachers/classes/{class}/delete" =>
            GET classes::show_delete_class, POST classes::delete_class;
        "/teachers/classes/{class}/assignments" => POST classes::create_assignment;
        "/teachers/classes/{class}/assignments/{assignment}" => GET results::show_assignment;
        "/teachers/classes/{class}/assignments/{assignment}/exercises/{exercise}" =>
            GET results::show_exercise;
        "/teachers/classes/{class}/assignments/{assignment}/results.csv" =>
            GET results::export_assignment;
        "/teachers/classes/{class}/assignments/{assignment}/results.json" =>
            GET results::export_assignment_json;
        "/teachers/classes/{class}/gradebook.csv" => GET results::export_gradebook;
        "/teachers/classes/{class}/pairs" => POST pairs::create_pair;
        "/teachers/classes/{class}/pairs/new" => GET pairs::show_new_pair;
        "/teachers/classes/{class}/pairs/{assignment}" => GET pairs::show_pair;
        "/teachers/classes/{class}/pairs/{assignment}/opened" => POST pairs::update_opened;
        "/teachers/classes/{class}/pairs/{assignment}/closed" => POST pairs::update_closed;
        "/teachers/classes/{class}/pairs/{assignment}/results.csv" =>
            GET pairs::export_pair_csv;
        "/teachers/classes/{class}/pairs/{assignment}/results.json" =>
            GET pairs::export_pair_json;
        "/teachers/classes/{class}/students/{student}" => GET classes::show_student;
        "/teachers/classes/{class}/students/{student}/nickname" => POST classes::update_nickname;
        "/teachers/classes/{class}/students/{student}/resume-code" =>
            POST classes::update_resume_code;
        "/teachers/classes/{class}/students/{student}/delete" => POST classes::delete_student;
        "/live" => GET show_form::<live::JoinPage>, POST live::join_live;
        "/live/{code}" => GET live::show_live;
        "/live/{code}/answers" => POST live::submit_answer;
        // Event streams take GET alone: a HEAD would hold a stream open for nothing.
        "/live/{code}/events" => STREAM live::participant_events;
        "/static/live.js" => GET assets::show_live_script;
        "/static/student.js" => GET assets::show_student_script;
        "/static/teacher.js" => GET assets::show_teacher_script;
        "/static/builder.js" => GET assets::show_builder_script;
        "/teachers/live" => GET facilitate::show_live_sessions, POST facilitate::create_live_session;
        "/teachers/live/new" => GET facilitate::show_new;
        "/teachers/live/{session}" => GET facilitate::show_live_session;
        "/teachers/live/{session}/moves" => POST facilitate::make_move;
        "/teachers/live/{session}/screen" => GET facilitate::show_screen;
        "/teachers/live/{session}/remote" => GET facilitate::show_remote;
        "/teachers/live/{session}/removals" => POST facilitate::remove_participant;
        "/teachers/live/{session}/events" => STREAM facilitate::facilitator_events;
        "/teachers/live/{session}/results.csv" => GET facilitate::export_live_session;
    };
    // Each path is one resource with all its methods: actix answers a method that a path
    // does not take with `405` and an `Allow` header of those it does. (A route
    // registered on its own makes its method the guard of a resource of its own, and a
    // request with another method falls through to the `404` of `default_service`.)
    for (path, routes) in paths {
        let resource = routes
            .into_iter()
            .fold(web::resource(path), |resource, route| resource.route(route));
        config.service(resource.wrap(
            ErrorHandlers::new().handler(StatusCode::METHOD_NOT_ALLOWED, method_not_allowed),
        ));
    }
    config.default_service(web::to(|| async {
        Err::<actix_web::HttpResponse, _>(AppError::NotFound(NOT_FOUND.into()))
    }));
}

/// The URL space as a table, one line a path: each method it takes with its handler.
/// `GET` answers `HEAD` too; `STREAM` (an event stream) takes `GET` alone.
macro_rules! paths {
    ($($path:literal => $($method:ident $handler:path),+;)*) => {
        vec![$(($path, vec![$(route!($method).to($handler)),+])),*]
    };
}
use paths;

/// The route of a method named in the table of [`paths`].
macro_rules! route {
    (GET) => {
        get()
    };
    (POST) => {
        web::post()
    };
    (STREAM) => {
        web::get()
    };
}
use route;

/// A route for `GET` that answers `HEAD` too, as `GET` without the body (the server
/// leaves it out). Actix's own `web::get()` takes `GET` alone.
fn get() -> Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// Actix's `405` for a path's resource, with its `Allow` header, as a page like the
/// other errors.
fn method_not_allowed<B>(
    response: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let allow = response
        .headers()
        .get(header::ALLOW)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let method = response.request().method().to_string();
    let (request, _) = response.into_parts();
    let page = AppError::MethodNotAllowed { method, allow }.error_response();
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(request, page).map_into_right_body(),
    ))
}

/// A `303 See Other` to `location`: where a form's POST sends the browser next.
fn see_other(location: impl Into<String>) -> actix_web::HttpResponse {
    see_other_builder(location).finish()
}

/// `response`, marked for no cache to keep: a live page changes with the session, a
/// learner's progress with each answer.
fn no_store(mut response: actix_web::HttpResponse) -> actix_web::HttpResponse {
    use actix_web::http::header;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// [`see_other`], still open for cookies and headers.
fn see_other_builder(location: impl Into<String>) -> actix_web::HttpResponseBuilder {
    let mut response = actix_web::HttpResponse::SeeOther();
    response.insert_header((actix_web::http::header::LOCATION, location.into()));
    response
}

/// A form that carries nothing but its CSRF token, for the two handlers that check it
/// themselves (a sign-out, starting an assignment).
#[derive(serde::Deserialize)]
pub struct CsrfForm {
    csrf: Option<String>,
}

/// A page's query that names the notice to show after a form was sent
/// (`?notice=renamed`).
#[derive(serde::Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// The form that joins a class or a live session: its code and a nickname.
#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct JoinForm {
    code: String,
    nickname: String,
}

/// The optional "How sure are you?" of an answer form: nothing chosen (or the field
/// left out) is "not given"; a value that is not one of the three is refused with what
/// to do, so that nothing is stored under a level no one chose.
fn confidence_of(field: Option<&str>) -> Result<Option<crate::practice::Confidence>, &'static str> {
    match field.map(str::trim).filter(|field| !field.is_empty()) {
        None => Ok(None),
        Some(slug) => crate::practice::Confidence::from_slug(slug).map(Some).ok_or(
            "How sure you are is one of “Sure”, “Fairly sure” and “Guessing”, or left out. Go back and choose one of them, or none.",
        ),
    }
}

/// A page with a form shown before sign-in: `page` is made with the browser's form
/// token, and the response sets the form cookie if the browser has none yet.
fn anonymous_page<T: askama::Template>(
    state: &AppState,
    request: &actix_web::HttpRequest,
    status: StatusCode,
    page: impl FnOnce(String) -> T,
) -> Result<actix_web::HttpResponse, AppError> {
    let (csrf, cookie) = anonymous_form_token(state, request);
    html_with(status, &page(csrf), cookie)
}

/// A page with a form shown before sign-in: the browser's form token, what was typed
/// into the form (nothing at first), and what to mend, if anything. Its template shows
/// what it needs of what was typed, never a password.
trait FormPage: askama::Template {
    /// The form the page sends.
    type Form: Default;

    /// For a form that takes codes, what they are called ("join codes"): a browser
    /// that guessed too many wrong codes lately gets the page again, saying how long to
    /// wait, before the handler runs.
    const CODES: Option<&'static str> = None;

    fn new(csrf: String, typed: Self::Form, error: Option<String>) -> Self;
}

/// Declares `Page = "path" for Form`: the [`FormPage`] of the template at `path` for the
/// form `Form`, and with `, codes "join codes"` one that takes codes (see
/// [`FormPage::CODES`]). Its template reads `csrf`, `typed` (the form) and `error`.
macro_rules! declare_form_page {
    ($(#[$doc:meta])* $page:ident = $path:literal for $form:ty $(, codes $codes:literal)?) => {
        $(#[$doc])*
        #[derive(askama::Template)]
        #[template(path = $path)]
        pub struct $page {
            csrf: String,
            typed: $form,
            error: Option<String>,
        }

        impl super::FormPage for $page {
            type Form = $form;
            $(const CODES: Option<&'static str> = Some($codes);)?

            fn new(csrf: String, typed: $form, error: Option<String>) -> $page {
                $page { csrf, typed, error }
            }
        }
    };
}
use declare_form_page;

/// `GET` a page with a form shown before sign-in, the form empty.
async fn show_form<P: FormPage>(
    state: web::Data<AppState>,
    request: actix_web::HttpRequest,
) -> Result<actix_web::HttpResponse, AppError> {
    form_page::<P>(&state, &request, StatusCode::OK, P::Form::default(), None)
}

/// The page `P` with what was `typed` into its form and the `error` to mend, if any.
fn form_page<P: FormPage>(
    state: &AppState,
    request: &actix_web::HttpRequest,
    status: StatusCode,
    typed: P::Form,
    error: Option<String>,
) -> Result<actix_web::HttpResponse, AppError> {
    anonymous_page(state, request, status, |csrf| P::new(csrf, typed, error))
}

/// A form shown before sign-in, its token checked as an
/// [`AnonymousForm`](crate::web::extract::AnonymousForm)'s, with its page `P` ready to be
/// shown again with what was typed: `FormPost { form, again, .. }: FormPost<JoinPage>`.
/// A form that takes codes is refused here while its browser waits after wrong guesses.
struct FormPost<P: FormPage> {
    form: P::Form,
    again: Again<P>,
    /// Who sent it: the browser and address, who may be guessing codes.
    who: Client,
}

/// The page `P` of a form that was sent, to show again with what was typed.
struct Again<P: FormPage> {
    state: web::Data<AppState>,
    request: actix_web::HttpRequest,
    typed: P::Form,
}

impl<P: FormPage<Form: Clone>> Again<P> {
    /// The page again, answering `status` and saying what to mend.
    fn show(&self, status: StatusCode, error: String) -> Result<actix_web::HttpResponse, AppError> {
        let typed = self.typed.clone();
        form_page::<P>(&self.state, &self.request, status, typed, Some(error))
    }
}

impl<P> actix_web::FromRequest for FormPost<P>
where
    P: FormPage<Form: serde::de::DeserializeOwned + Clone> + 'static,
{
    type Error = actix_web::Error;
    type Future = std::pin::Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(
        request: &actix_web::HttpRequest,
        payload: &mut actix_web::dev::Payload,
    ) -> Self::Future {
        let request = request.clone();
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let sent = crate::web::extract::AnonymousForm::<P::Form>::from_request(&request, payload);
        Box::pin(async move {
            let crate::web::extract::AnonymousForm(form) = sent.await?;
            let state =
                state.ok_or_else(|| AppError::Fault("the server's state is missing".into()))?;
            let typed = form.clone();
            let who = Client::of(&state, &request);
            let again = Again {
                state,
                request,
                typed,
            };
            if let Some(codes) = P::CODES
                && let Err(wait) = again.state.guesses.check(&who, now())
            {
                let page = again.show(StatusCode::TOO_MANY_REQUESTS, wait.message(codes))?;
                return Err(actix_web::error::InternalError::from_response("waiting", page).into());
            }
            Ok(FormPost { form, again, who })
        })
    }
}

/// Renders a template into an HTML response with `status`, setting `cookie` if any.
fn html_with(
    status: actix_web::http::StatusCode,
    template: &impl askama::Template,
    cookie: Option<actix_web::cookie::Cookie<'static>>,
) -> Result<actix_web::HttpResponse, AppError> {
    let mut response = actix_web::HttpResponse::build(status);
    response.content_type("text/html; charset=utf-8");
    if let Some(cookie) = cookie {
        response.cookie(cookie);
    }
    Ok(response.body(template.render()?))
}

/// "try again in 3 minutes": how long a paused sign-in or resume code waits.
pub(crate) fn try_again_in(seconds: u64) -> String {
    let minutes = seconds.div_ceil(60);
    format!(
        "try again in {minutes} minute{}",
        if minutes == 1 { "" } else { "s" }
    )
}

/// Makes a report over a whole class (its results, its exports) on a report thread
/// ([`crate::web::reports`]): the worker that took the request goes on serving
/// everyone else meanwhile.
async fn off_worker<T: Send + 'static>(
    state: &actix_web::web::Data<AppState>,
    work: impl FnOnce(&AppState) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let shared = actix_web::web::Data::clone(state);
    state
        .reports
        .make(move || work(&shared))
        .await
        .ok_or(AppError::Interrupted)?
}

/// An HTML response of a page already rendered.
fn html_page(body: String) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// Renders a template into an HTML response.
fn html(template: &impl askama::Template) -> Result<actix_web::HttpResponse, AppError> {
    Ok(html_page(template.render()?))
}

/// The cookie a browser gets when it starts a round of a pack, scoped to the pack's
/// pages: the learner has seen its content note, which the pack page then folds away.
const NOTE_READ_COOKIE: &str = "sourcewise_note_read";

/// The cookie saying that this browser has read the content note of `pack`.
fn note_read_cookie(pack: &crate::content::Pack) -> actix_web::cookie::Cookie<'static> {
    actix_web::cookie::Cookie::build(NOTE_READ_COOKIE, "1")
        .path(format!("/packs/{}", pack.id()))
        .http_only(true)
        .same_site(actix_web::cookie::SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish()
}
