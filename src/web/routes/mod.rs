//! The whole URL space, registered in one place.

mod assets;
mod classes;
mod facilitate;
mod health;
mod home;
mod live;
mod packs;
mod progress;
mod results;
mod rounds;
mod sources;
mod students;
mod teachers;

use actix_web::dev::ServiceResponse;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{ResponseError, Route, guard, web};

use super::error::AppError;
use super::{AppState, NOT_FOUND};

pub fn register(config: &mut web::ServiceConfig) {
    let paths = Paths::default()
        .route("/", get().to(home::show_home))
        .route("/code", web::post().to(home::enter_code))
        .route("/healthz", get().to(health::show_health))
        .route("/static/style.css", get().to(assets::show_stylesheet))
        .route("/favicon.svg", get().to(assets::show_favicon))
        .route("/favicon.ico", get().to(assets::show_favicon))
        .route("/packs/{pack}", get().to(packs::show_pack))
        .route("/packs/{pack}/rounds", web::post().to(rounds::create_round))
        .route("/packs/{pack}/glossary", get().to(packs::show_glossary))
        .route(
            "/packs/{pack}/sources/{source}",
            get().to(sources::show_source),
        )
        .route("/rounds/{round}", get().to(rounds::resume_round))
        .route("/rounds/{round}/summary", get().to(rounds::show_summary))
        .route(
            "/rounds/{round}/questions/{number}",
            get().to(rounds::show_question),
        )
        .route(
            "/rounds/{round}/questions/{number}",
            web::post().to(rounds::submit_answer),
        )
        .route("/progress", get().to(progress::show_progress))
        .route("/teachers", get().to(teachers::show_teachers))
        .route("/teachers/sign-up", get().to(teachers::show_sign_up))
        .route(
            "/teachers/sign-up",
            web::post().to(teachers::create_teacher),
        )
        .route("/teachers/sign-in", get().to(teachers::show_sign_in))
        .route(
            "/teachers/sign-in",
            web::post().to(teachers::create_session),
        )
        .route(
            "/teachers/sign-out",
            web::post().to(teachers::delete_session),
        )
        .route("/teachers/password", get().to(teachers::show_password))
        .route(
            "/teachers/password",
            web::post().to(teachers::update_password),
        )
        .route("/join", get().to(students::show_join))
        .route("/join", web::post().to(students::create_student))
        .route("/join/{code}", get().to(students::show_join_with_code))
        .route("/resume", get().to(students::show_resume))
        .route("/resume", web::post().to(students::resume_student))
        .route("/student", get().to(students::show_student))
        .route(
            "/student/assignments/{assignment}",
            web::post().to(students::start_assignment),
        )
        .route("/teachers/classes", web::post().to(classes::create_class))
        .route("/teachers/classes/{class}", get().to(classes::show_class))
        .route(
            "/teachers/classes/{class}/projector",
            get().to(classes::show_projector),
        )
        .route(
            "/teachers/classes/{class}/locked",
            web::post().to(classes::update_locked),
        )
        .route(
            "/teachers/classes/{class}/archived",
            web::post().to(classes::update_archived),
        )
        .route(
            "/teachers/classes/{class}/delete",
            get().to(classes::show_delete_class),
        )
        .route(
            "/teachers/classes/{class}/delete",
            web::post().to(classes::delete_class),
        )
        .route(
            "/teachers/classes/{class}/assignments",
            web::post().to(classes::create_assignment),
        )
        .route(
            "/teachers/classes/{class}/assignments/{assignment}",
            get().to(results::show_assignment),
        )
        .route(
            "/teachers/classes/{class}/assignments/{assignment}/exercises/{exercise}",
            get().to(results::show_exercise),
        )
        .route(
            "/teachers/classes/{class}/assignments/{assignment}/results.csv",
            get().to(results::export_assignment),
        )
        .route(
            "/teachers/classes/{class}/gradebook.csv",
            get().to(results::export_gradebook),
        )
        .route(
            "/teachers/classes/{class}/students/{student}",
            get().to(classes::show_student),
        )
        .route(
            "/teachers/classes/{class}/students/{student}/nickname",
            web::post().to(classes::update_nickname),
        )
        .route(
            "/teachers/classes/{class}/students/{student}/resume-code",
            web::post().to(classes::update_resume_code),
        )
        .route(
            "/teachers/classes/{class}/students/{student}/delete",
            web::post().to(classes::delete_student),
        )
        .route("/live", get().to(live::show_join))
        .route("/live", web::post().to(live::join_live))
        .route("/live/{code}", get().to(live::show_live))
        .route("/live/{code}/answers", web::post().to(live::submit_answer))
        // Event streams take GET alone: a HEAD would hold a stream open for nothing.
        .route(
            "/live/{code}/events",
            web::get().to(live::participant_events),
        )
        .route("/static/live.js", get().to(assets::show_live_script))
        .route("/static/student.js", get().to(assets::show_student_script))
        .route("/static/teacher.js", get().to(assets::show_teacher_script))
        .route("/teachers/live", get().to(facilitate::show_sessions))
        .route("/teachers/live", web::post().to(facilitate::create_session))
        .route("/teachers/live/new", get().to(facilitate::show_new))
        .route(
            "/teachers/live/{session}",
            get().to(facilitate::show_session),
        )
        .route(
            "/teachers/live/{session}/moves",
            web::post().to(facilitate::make_move),
        )
        .route(
            "/teachers/live/{session}/screen",
            get().to(facilitate::show_screen),
        )
        .route(
            "/teachers/live/{session}/remote",
            get().to(facilitate::show_remote),
        )
        .route(
            "/teachers/live/{session}/removals",
            web::post().to(facilitate::remove_participant),
        )
        .route(
            "/teachers/live/{session}/events",
            web::get().to(facilitate::facilitator_events),
        )
        .route(
            "/teachers/live/{session}/results.csv",
            get().to(facilitate::export_session),
        );
    for (path, routes) in paths.0 {
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

/// The routes gathered by path, each path then registered as one resource with all its
/// methods: actix answers a method that a path does not take with `405` and an `Allow`
/// header of those it does. (A route registered on its own makes its method the guard
/// of a resource of its own, and a request with another method falls through to the
/// `404` of `default_service`.)
#[derive(Default)]
struct Paths(Vec<(&'static str, Vec<Route>)>);

impl Paths {
    fn route(mut self, path: &'static str, route: Route) -> Self {
        match self.0.iter_mut().find(|(known, _)| *known == path) {
            Some((_, routes)) => routes.push(route),
            None => self.0.push((path, vec![route])),
        }
        self
    }
}

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

/// [`see_other`], still open for cookies and headers.
fn see_other_builder(location: impl Into<String>) -> actix_web::HttpResponseBuilder {
    let mut response = actix_web::HttpResponse::SeeOther();
    response.insert_header((actix_web::http::header::LOCATION, location.into()));
    response
}

/// A form that carries nothing but its CSRF token (a confirmation, a sign-out).
#[derive(serde::Deserialize)]
pub struct CsrfForm {
    csrf: Option<String>,
}

crate::web::extract::with_csrf!(CsrfForm);

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

/// The pack `id`, or the page that says there is none.
fn find_pack<'a>(state: &'a AppState, id: &str) -> Result<&'a crate::content::Pack, AppError> {
    state.library.pack(id).ok_or_else(|| {
        AppError::NotFound(format!(
            "There is no lesson pack called “{id}”. The home page lists the packs on offer."
        ))
    })
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
