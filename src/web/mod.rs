//! The HTTP side: building the server, the URL space, and what every page shares.
//!
//! Invariant: handlers read content from the [`Library`] and progress through
//! [`Storage`]; templates receive plain values and never touch either.

mod assignment_view;
mod builder_view;
mod csv;
pub mod error;
mod extract;
mod guesses;
mod hashing;
mod learners;
mod live_hub;
mod live_view;
mod measures_view;
mod own_packs;
mod reports;
mod review_view;
mod routes;
mod sign_in;
mod streams;
mod view;
mod workers;

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Server;
use actix_web::error::UrlencodedError;
use actix_web::{App, HttpRequest, HttpServer, middleware, web};
use anyhow::Context;

use crate::content::load::load_library;
use crate::content::shelf::Shelf;
use crate::ids::Token;
use crate::storage::Storage;
use error::AppError;

/// Where to listen and where the content and the data live.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: String,
    pub data_dir: PathBuf,
    pub questions_dir: PathBuf,
    /// Whether every request is logged. Off by default: the log line cost a sixth of
    /// the server's time on an exercise page (bench/README.md).
    pub access_log: bool,
    /// The address students and participants are given (join links, QR codes), such as
    /// `https://quiz.school.example`. Without it, the address the request came to.
    pub public_url: Option<String>,
    /// Whether `X-Forwarded-For`, `-Host` and `-Proto` are believed: only behind a
    /// reverse proxy that sets them. Otherwise anyone could claim any address.
    pub trust_forwarded: bool,
    /// Whether browsers reach the server only over HTTPS, through a reverse proxy that
    /// serves it: then every cookie is marked `Secure` and every response says
    /// `Strict-Transport-Security`. See [`https_only`].
    pub https: bool,
}

/// What every handler can reach.
pub struct AppState {
    /// The packs on offer: the site's and the teachers' own published ones.
    pub shelf: Shelf,
    pub storage: Storage,
    /// Signs the cookies that must not be forged (teachers' sign-ins, form tokens).
    pub cookie_key: actix_web::cookie::Key,
    /// Failed sign-ins, to slow down guessing: per account from browsers it has not
    /// signed in on, and per browser that it has (device cookies).
    pub failed_sign_ins: std::sync::Mutex<crate::throttle::FailedAttempts>,
    /// Codes that matched nothing, per browser and per address, to slow down guessing.
    pub guesses: guesses::Guesses,
    /// Sign-ups told that their username is taken, per address.
    pub failed_sign_ups: std::sync::Mutex<crate::throttle::FailedAttempts>,
    /// Wrong current passwords on the password form, per account.
    pub failed_password_changes: std::sync::Mutex<crate::throttle::FailedAttempts>,
    /// The threads that hash and check passwords, with a short queue.
    pub hashing: hashing::Hashing,
    /// The event streams of live sessions.
    pub live: live_hub::LiveHub,
    /// How many event streams each participant and address hold open.
    pub streams: streams::OpenStreams,
    /// The threads that make reports over a whole class.
    pub reports: reports::Reports,
    /// See [`Settings::public_url`] (without a trailing slash).
    pub public_url: Option<String>,
    /// See [`Settings::trust_forwarded`].
    pub trust_forwarded: bool,
    /// The address the server listens on (a port of 0 in the settings is chosen here).
    pub listening: SocketAddr,
}

/// A server that is bound to its address and ready to run.
pub struct Application {
    address: SocketAddr,
    server: Server,
}

/// Sign-ups told "the username is taken" allowed per address in 15 minutes: room for
/// a staff room's guesses at a free name, too few to list a school's teachers.
pub const TAKEN_USERNAMES_PER_ADDRESS: u32 = 10;

/// How long a stopping server lets requests in flight finish.
const SHUTDOWN_SECONDS: u64 = 3;

/// The largest form body accepted; a real answer form is well under 200 bytes.
const FORM_LIMIT_BYTES: usize = 4 * 1024;

impl Application {
    /// Loads the packs, opens the data directory and binds the address. Fails, saying
    /// why, when a pack has errors or the data directory cannot be used.
    pub fn build(settings: &Settings) -> anyhow::Result<Application> {
        let library = load_library(&settings.questions_dir)?;
        if settings.data_dir.exists() && !settings.data_dir.is_dir() {
            anyhow::bail!(
                "the data directory {} is a file, not a folder: give the path of a folder (it is made if missing)",
                settings.data_dir.display()
            );
        }
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                settings.data_dir.display()
            )
        })?;
        let storage = Storage::open(&settings.data_dir)?;
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let address = listener.local_addr()?;
        let cookie_key = storage.cookie_key(|| {
            use rand::Rng;
            let mut key = [0u8; 64];
            rand::rng().fill(&mut key[..]);
            key
        })?;
        let state = web::Data::new(AppState {
            shelf: own_packs::shelf(library, &storage)?,
            storage,
            cookie_key: actix_web::cookie::Key::from(&cookie_key),
            failed_sign_ins: std::sync::Mutex::new(Default::default()),
            guesses: Default::default(),
            failed_sign_ups: std::sync::Mutex::new(crate::throttle::FailedAttempts::with_limit(
                TAKEN_USERNAMES_PER_ADDRESS,
            )),
            failed_password_changes: std::sync::Mutex::new(Default::default()),
            hashing: hashing::Hashing::start()
                .context("cannot start the threads that hash passwords")?,
            live: Default::default(),
            streams: Default::default(),
            reports: reports::Reports::start()
                .context("cannot start the threads that make reports")?,
            public_url: settings
                .public_url
                .as_deref()
                .map(|url| url.trim_end_matches('/').to_string()),
            trust_forwarded: settings.trust_forwarded,
            listening: address,
        });
        let access_log = settings.access_log;
        let https = settings.https;
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::FormConfig::default().limit(FORM_LIMIT_BYTES).error_handler(form_error))
                .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound(NOT_FOUND.into()).into()))
                .app_data(web::QueryConfig::default().error_handler(|error, _| {
                    AppError::bad_request(format!("The address has a parameter that makes no sense: {error}")).into()
                }))
                .wrap(
                    middleware::DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("Referrer-Policy", "no-referrer"))
                        // Pages show private data (a student's resume code, a class's
                        // results): no cache keeps any. The stylesheet and script say
                        // otherwise for themselves.
                        .add(("Cache-Control", "no-store"))
                        .add((
                            "Content-Security-Policy",
                            "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
                        )),
                )
                .wrap(middleware::Condition::new(https, middleware::from_fn(https_only)))
                .wrap(middleware::Compress::default())
                .wrap(middleware::Condition::new(
                    access_log,
                    middleware::Logger::new("%s %r %Dms").exclude("/healthz"),
                ))
                // Outermost, so that every line a request logs is inside its span.
                .wrap(middleware::from_fn(request_span))
                .configure(routes::register)
        })
        // Live sessions hold event streams open for as long as a page is; on a stop
        // they are cut after a short wait instead of holding the server up for 30 s.
        .shutdown_timeout(SHUTDOWN_SECONDS)
        // Small writes go out at once: an event that follows another within the
        // client's delayed-ACK time (about 40 ms) is otherwise held back by Nagle's
        // algorithm, which the live-session load program measured.
        .tcp_nodelay(true)
        .listen(listener)?
        .run();
        Ok(Application { address, server })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub async fn run(self) -> std::io::Result<()> {
        self.server.await
    }
}

const NOT_FOUND: &str = "There is nothing at this address. It may have been mistyped, or the page belongs to another browser.";

fn form_error(error: UrlencodedError, _request: &HttpRequest) -> actix_web::Error {
    match error {
        UrlencodedError::Overflow { .. } | UrlencodedError::UnknownLength => {
            AppError::TooLarge.into()
        }
        other => AppError::bad_request(format!(
            "The form could not be read ({other}). Go back and submit it again."
        ))
        .into(),
    }
}

/// How long a browser that has seen `Strict-Transport-Security` uses nothing but
/// HTTPS for this host: a year, renewed by every response.
const HSTS: &str = "max-age=31536000";

/// With `--https`: every cookie a response sets is sent back only over HTTPS, and the
/// browser is told to use HTTPS alone for this host. Done here, on the response, so
/// that no cookie is missed, whichever handler builds it.
async fn https_only(
    request: actix_web::dev::ServiceRequest,
    next: middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use actix_web::http::header::{self, HeaderValue};
    let mut response = next.call(request).await?;
    let headers = response.headers_mut();
    let cookies: Vec<HeaderValue> = headers.get_all(header::SET_COOKIE).cloned().collect();
    if !cookies.is_empty() {
        headers.remove(header::SET_COOKIE);
        for cookie in cookies {
            headers.append(header::SET_COOKIE, secure_cookie(cookie));
        }
    }
    headers.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static(HSTS),
    );
    Ok(response)
}

/// A `Set-Cookie` value with the `Secure` attribute (unchanged if it has it already).
fn secure_cookie(
    value: actix_web::http::header::HeaderValue,
) -> actix_web::http::header::HeaderValue {
    let already = value
        .to_str()
        .ok()
        .and_then(|text| Cookie::parse(text).ok())
        .is_some_and(|cookie| cookie.secure() == Some(true));
    if already {
        return value;
    }
    let mut bytes = value.as_bytes().to_vec();
    bytes.extend_from_slice(b"; Secure");
    actix_web::http::header::HeaderValue::from_bytes(&bytes).unwrap_or(value)
}

const LEARNER_COOKIE: &str = "sourcewise_learner";

/// The learner named by the request's cookie, if it holds a well-formed id.
fn learner(request: &HttpRequest) -> Option<Token> {
    request
        .cookie(LEARNER_COOKIE)
        .and_then(|cookie| Token::parse(cookie.value()))
}

/// The cookie that identifies a learner: a random id and nothing else, kept a year.
pub(crate) fn learner_cookie(learner: Token) -> Cookie<'static> {
    Cookie::build(LEARNER_COOKIE, learner.to_string())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish()
}

/// The address a request comes from: the connection's peer, or, behind a trusted
/// reverse proxy, the last address of `X-Forwarded-For`: the one the proxy added, since
/// whatever comes before it the client may have written itself. An IPv6 address stands
/// for its /64 network, which one device can fill with addresses of its own.
pub(crate) fn client_address(state: &AppState, request: &HttpRequest) -> std::net::IpAddr {
    use std::net::{IpAddr, Ipv6Addr};
    let forwarded = state
        .trust_forwarded
        .then(|| request.headers().get("x-forwarded-for"))
        .flatten()
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .and_then(|last| last.trim().parse::<IpAddr>().ok());
    let address = forwarded
        .or_else(|| request.peer_addr().map(|peer| peer.ip()))
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let segments = v6.segments();
                IpAddr::V6(Ipv6Addr::new(
                    segments[0],
                    segments[1],
                    segments[2],
                    segments[3],
                    0,
                    0,
                    0,
                    0,
                ))
            }
        },
        v4 => v4,
    }
}

/// The address students are given to join, and what the teacher must be told when
/// phones cannot open it.
pub(crate) struct JoinLink {
    pub url: String,
    /// Why phones cannot open the address the page was read at, and what to do.
    pub warning: Option<String>,
}

/// The join link for `path` (no leading slash). A teacher who opened the page at a
/// loopback address (`localhost`, `127.0.0.1`) would otherwise project an address that
/// on a phone means the phone itself: then the link uses this computer's network
/// address, when the server listens on the network, and the page says so; or, when it
/// listens only on this computer, the page says how to serve the room.
pub(crate) fn join_link(state: &AppState, request: &HttpRequest, path: &str) -> JoinLink {
    let url = public_url_for(state, request, path);
    if state.public_url.is_some() {
        return JoinLink { url, warning: None };
    }
    // The host the link was made with (the request's, as `public_url_for` believes it).
    let host = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
        .to_string();
    let host_name = host
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(host.as_str(), |(name, _)| name)
        .trim_start_matches('[')
        .trim_end_matches(']');
    let this_computer = host_name.eq_ignore_ascii_case("localhost")
        || host_name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified());
    if !this_computer {
        return JoinLink { url, warning: None };
    }
    let port = state.listening.port();
    if !state.listening.ip().is_unspecified() {
        return JoinLink {
            url,
            warning: Some(format!(
                "Phones cannot open {host}: it means “this computer”, and this server listens only on this computer. To let the room join, stop it and start it again with --bind 0.0.0.0:{port} (see the README), then open this page at this computer's network address."
            )),
        };
    }
    let addresses = network_addresses();
    let Some(first) = addresses.first() else {
        return JoinLink {
            url,
            warning: Some(format!(
                "Phones cannot open {host}: it means “this computer”. This computer has no network address phones could reach: connect it to the room's network, then reload this page."
            )),
        };
    };
    let scheme = if request.app_config().secure() {
        "https"
    } else {
        "http"
    };
    let url = format!("{scheme}://{first}:{port}/{path}");
    let others: Vec<String> = addresses[1..]
        .iter()
        .map(|address| format!("{scheme}://{address}:{port}"))
        .collect();
    let others = if others.is_empty() {
        String::new()
    } else {
        format!(" Other addresses of this computer: {}.", others.join(", "))
    };
    JoinLink {
        url,
        warning: Some(format!(
            "You opened this page at {host}, which on a phone means the phone itself. Students use this computer's network address instead, shown here and in the QR code.{others}"
        )),
    }
}

/// This computer's IPv4 addresses on its networks, not loopback nor link-local: the
/// addresses phones in the room can open.
fn network_addresses() -> Vec<std::net::Ipv4Addr> {
    let mut addresses = Vec::new();
    #[cfg(unix)]
    // SAFETY: getifaddrs fills a list that freeifaddrs releases; each entry and its
    // address are read only while the list is alive, and null pointers are skipped.
    unsafe {
        let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
        if libc::getifaddrs(&mut list) == 0 {
            let mut entry = list;
            while !entry.is_null() {
                let address = (*entry).ifa_addr;
                let up = (*entry).ifa_flags & (libc::IFF_UP as libc::c_uint) != 0;
                if up && !address.is_null() && i32::from((*address).sa_family) == libc::AF_INET {
                    let inet = &*(address as *const libc::sockaddr_in);
                    let ip = std::net::Ipv4Addr::from(u32::from_be(inet.sin_addr.s_addr));
                    if !ip.is_loopback() && !ip.is_link_local() && !addresses.contains(&ip) {
                        addresses.push(ip);
                    }
                }
                entry = (*entry).ifa_next;
            }
            libc::freeifaddrs(list);
        }
    }
    addresses
}

/// The full address of `path` (no leading slash) for students and participants: on
/// the configured public address, or on the host the request came to. Forwarded host
/// and scheme are believed only behind a trusted proxy.
pub(crate) fn public_url_for(state: &AppState, request: &HttpRequest, path: &str) -> String {
    if let Some(base) = &state.public_url {
        return format!("{base}/{path}");
    }
    if state.trust_forwarded {
        let info = request.connection_info();
        return format!("{}://{}/{path}", info.scheme(), info.host());
    }
    let host = request
        .headers()
        .get(actix_web::http::header::HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .map(str::to_string)
        .unwrap_or_else(|| request.app_config().host().to_string());
    let scheme = if request.app_config().secure() {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}/{path}")
}

/// Runs every request in a span with a short random id, its method and its path, so
/// that each line it logs (a warning, an error, the access log) says which request it
/// was; the id goes back to the browser as `X-Request-Id`, for an operator to find what
/// a user reports. The span is at the level of errors, so that it shows whenever
/// anything is logged (a span below the log's level would be left out). The query is
/// not logged: it can carry what a form typed.
async fn request_span(
    request: actix_web::dev::ServiceRequest,
    next: middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use tracing::Instrument;
    let id = format!("{:08x}", rand::random::<u32>());
    let span = tracing::error_span!(
        "request",
        id = %id,
        method = %request.method(),
        path = %request.path(),
    );
    let mut response = next.call(request).instrument(span).await?;
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&id) {
        response.headers_mut().insert(
            actix_web::http::header::HeaderName::from_static("x-request-id"),
            value,
        );
    }
    Ok(response)
}

/// Whether a warning that any anonymous request can cause (a refused form, say) may be
/// logged now: at most [`WARNINGS_PER_SECOND`] a second, so that a flood of bad
/// requests cannot fill the log (or the disk it is written to). The first allowed
/// warning of a second says how many were left out in the second before.
pub(crate) fn anonymous_warning_allowed() -> bool {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SECOND_AND_COUNT: AtomicU64 = AtomicU64::new(0);
    let second = now() & 0xFFFF_FFFF;
    let previous = SECOND_AND_COUNT
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |packed| {
            if packed >> 32 == second {
                Some(packed + 1)
            } else {
                Some(second << 32 | 1)
            }
        })
        .unwrap_or(0);
    let (previous_second, previous_count) = (previous >> 32, previous & 0xFFFF_FFFF);
    if previous_second != second {
        if previous_count > WARNINGS_PER_SECOND {
            tracing::warn!(
                "{} more warnings like the ones above were left out of the log",
                previous_count - WARNINGS_PER_SECOND
            );
        }
        return true;
    }
    previous_count < WARNINGS_PER_SECOND
}

/// See [`anonymous_warning_allowed`].
const WARNINGS_PER_SECOND: u64 = 10;

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|duration| duration.as_secs())
        .unwrap_or(0)
}

/// A time as "2026-11-22 14:05 UTC": learners may be anywhere, so say the zone.
fn format_time(seconds: u64) -> String {
    let time = crate::assignments::date_time(seconds, time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        time.year(),
        u8::from(time.month()),
        time.day(),
        time.hour(),
        time.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::format_time;

    #[test]
    fn times_are_shown_as_utc_dates() {
        assert_eq!(format_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_time(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(format_time(1_795_356_300), "2026-11-22 14:05 UTC");
        // 2100 is not a leap year; the turn of a year.
        assert_eq!(format_time(4_107_456_000 + 86_399), "2100-02-28 23:59 UTC");
        assert_eq!(format_time(4_107_456_000 + 86_400), "2100-03-01 00:00 UTC");
        assert_eq!(format_time(1_798_761_600 - 60), "2026-12-31 23:59 UTC");
        assert_eq!(format_time(1_798_761_600), "2027-01-01 00:00 UTC");
    }
}
