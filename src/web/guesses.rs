//! Codes typed that match nothing ("misses"), counted per browser and per network
//! address, so that guessing join codes, live-session codes and resume codes stays
//! hopeless while nobody can stop anyone else from joining.
//!
//! Every request that takes a code (joining a class or a live session, continuing with
//! a resume code, answering in a live session) asks [`Guesses::check`] first and tells
//! [`Guesses::miss`] when the code matched nothing. Past [`PER_BROWSER`] misses in
//! [`FailedAttempts::WINDOW_SECONDS`] that browser waits; past [`PER_ADDRESS`] misses from one address
//! every browser at that address waits. A right code from anyone else joins at once: no
//! count is shared by the whole server. GETs never count (an image tag on any page
//! could make them) and never tell a real code from an unknown one.

use std::net::IpAddr;
use std::sync::Mutex;

use actix_web::HttpRequest;

use crate::throttle::FailedAttempts;
use crate::web::{AppState, client_address};

/// Misses one browser may make in a window: room for a student's typos.
pub const PER_BROWSER: u32 = 10;
/// Misses one network address may make in a window, whatever the browsers. It bounds a
/// guesser who takes a new browser for every try (1,000 per 15 minutes is 96,000 a day,
/// far too few for 31^8 class codes or 10^10 live-session codes), and it is high enough that no one behind an address a
/// whole school shares (a NAT) reaches it by typing: only a script does.
pub const PER_ADDRESS: u32 = 1_000;

/// Who is typing codes: their address, and their browser's form token (every form that
/// takes a code carries one, see [`crate::web::sign_in`]).
pub struct Client {
    address: IpAddr,
    browser: Option<String>,
}

impl Client {
    pub fn of(state: &AppState, request: &HttpRequest) -> Client {
        Client {
            address: client_address(state, request),
            browser: crate::web::sign_in::form_token(state, request),
        }
    }
}

/// Why a client must wait, and how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    Browser(u64),
    Address(u64),
}

impl Wait {
    pub fn seconds(self) -> u64 {
        match self {
            Wait::Browser(seconds) | Wait::Address(seconds) => seconds,
        }
    }

    /// The error page a request that must wait gets.
    pub fn error(self, what: &str) -> crate::web::error::AppError {
        crate::web::error::AppError::SlowDown {
            message: self.message(what),
            seconds: self.seconds(),
        }
    }

    /// What the page says: whose misses, and when to try again.
    pub fn message(self, what: &str) -> String {
        match self {
            Wait::Browser(seconds) => format!(
                "Too many {what} that match nothing have been typed in this browser. To keep the codes safe from guessing, this browser must wait: {}. Check the code with your teacher meanwhile.",
                crate::web::routes::try_again_in(seconds)
            ),
            Wait::Address(seconds) => format!(
                "Too many {what} that match nothing have been typed from this network address. To keep the codes safe from guessing, devices at this address must wait: {}.",
                crate::web::routes::try_again_in(seconds)
            ),
        }
    }
}

#[derive(Debug)]
pub struct Guesses {
    by_browser: Mutex<FailedAttempts>,
    by_address: Mutex<FailedAttempts>,
}

impl Default for Guesses {
    fn default() -> Guesses {
        Guesses {
            by_browser: Mutex::new(FailedAttempts::with_limit(PER_BROWSER)),
            by_address: Mutex::new(FailedAttempts::with_limit(PER_ADDRESS)),
        }
    }
}

impl Guesses {
    /// `Err` if `client` has made too many misses lately and must wait.
    pub fn check(&self, client: &Client, now: u64) -> Result<(), Wait> {
        if let Some(browser) = &client.browser {
            locked(&self.by_browser)
                .check(browser, now)
                .map_err(Wait::Browser)?;
        }
        let address = client.address.to_string();
        locked(&self.by_address)
            .check(&address, now)
            .map_err(Wait::Address)
    }

    /// Counts a code from `client` that matched nothing.
    pub fn miss(&self, client: &Client, now: u64) {
        let was_free = self.check(client, now).is_ok();
        if let Some(browser) = &client.browser {
            locked(&self.by_browser).record_failure(browser, now);
        }
        let address = client.address.to_string();
        locked(&self.by_address).record_failure(&address, now);
        if let (true, Err(wait)) = (was_free, self.check(client, now)) {
            let whom = match wait {
                Wait::Browser(_) => "a browser",
                Wait::Address(_) => "every browser at an address",
            };
            tracing::warn!(
                address = %client.address,
                "too many codes that match nothing: {whom} is slowed down for {} seconds",
                wait.seconds()
            );
        }
    }
}

/// A count, even if a thread panicked while holding it (the counts stay usable).
fn locked(attempts: &Mutex<FailedAttempts>) -> std::sync::MutexGuard<'_, FailedAttempts> {
    attempts
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW_SECONDS: u64 = FailedAttempts::WINDOW_SECONDS;

    fn client(address: &str, browser: &str) -> Client {
        Client {
            address: address.parse().unwrap(),
            browser: Some(browser.to_string()),
        }
    }

    #[test]
    fn misses_hold_up_their_own_browser_and_address_and_no_one_else() {
        let guesses = Guesses::default();
        let prankster = client("10.0.0.66", "a");
        for _ in 0..PER_BROWSER {
            assert_eq!(guesses.check(&prankster, 0), Ok(()));
            guesses.miss(&prankster, 0);
        }
        assert_eq!(
            guesses.check(&prankster, 1),
            Err(Wait::Browser(WINDOW_SECONDS - 1))
        );
        assert_eq!(guesses.check(&client("10.0.0.66", "b"), 1), Ok(()));
        assert_eq!(guesses.check(&client("10.0.0.7", "c"), 1), Ok(()));

        for n in 0..PER_ADDRESS - PER_BROWSER {
            guesses.miss(&client("10.0.0.66", &format!("fresh {n}")), 2);
        }
        assert_eq!(
            guesses.check(&client("10.0.0.66", "new"), 3),
            Err(Wait::Address(WINDOW_SECONDS - 3))
        );
        assert_eq!(guesses.check(&client("10.0.0.7", "c"), 3), Ok(()));
        assert_eq!(
            guesses.check(&client("10.0.0.66", "new"), WINDOW_SECONDS + 2),
            Ok(())
        );
    }

    /// The figure in docs/security.md: at the rate one address is allowed, finding any of 1,000
    /// open classes' codes takes, on average, far more than a year.
    #[test]
    fn guessing_a_code_at_the_allowed_rate_takes_over_a_year() {
        let codes = (crate::classes::JOIN_CODE_ALPHABET.len() as f64)
            .powi(crate::classes::JOIN_CODE_LENGTH as i32);
        let open_classes = 1_000.0;
        let tries_per_second = f64::from(PER_ADDRESS) / WINDOW_SECONDS as f64;
        let seconds = codes / open_classes / tries_per_second;
        let years = seconds / (365.25 * 86_400.0);
        assert!(years > 20.0, "{years}");
    }

    /// The figure in docs/security.md for live sessions: ten digits, so that a live-session code
    /// never sounds like a class's. With 100 sessions open at once, finding any of them
    /// still takes years at the rate one address is allowed; a session lasts hours.
    #[test]
    fn guessing_a_live_session_code_at_the_allowed_rate_takes_years() {
        let codes = 10f64.powi(crate::classes::LIVE_CODE_LENGTH as i32);
        let open_sessions = 100.0;
        let tries_per_second = f64::from(PER_ADDRESS) / WINDOW_SECONDS as f64;
        let seconds = codes / open_sessions / tries_per_second;
        let years = seconds / (365.25 * 86_400.0);
        assert!(years > 2.5, "{years}");
        let chance_in_an_hour = 3_600.0 * tries_per_second * open_sessions / codes;
        assert!(chance_in_an_hour < 1e-4, "{chance_in_an_hour}");
    }
}
