//! Slowing down guessing: failed attempts counted per key (an account, a device, a
//! browser or an address), and a pause once a key has failed too often.
//!
//! No I/O; time comes in as seconds since the Unix epoch.

use std::collections::HashMap;

/// Slows down guessing: after a limit of failed attempts on one key within
/// [`FailedAttempts::WINDOW_SECONDS`], further attempts on that key are refused until
/// the window has passed. The caller chooses the key: an account or a device for
/// sign-ins, an address for sign-ups, a browser or an address for codes that match
/// nothing (`web::guesses`).
///
/// At most [`FailedAttempts::CAPACITY`] keys are kept. When a new key finds the store
/// full, windows that have passed are dropped; if none has, a tenth of the keys go,
/// those with the fewest failures and the oldest of those first. A key that is paused
/// is thus the last to go: pushing it out takes thousands of keys with as many failures
/// of their own, each a password check.
#[derive(Debug)]
pub struct FailedAttempts {
    /// Per key: when the first counted failure happened, and how many since.
    failures: HashMap<String, (u64, u32)>,
    limit: u32,
    capacity: usize,
}

impl Default for FailedAttempts {
    fn default() -> FailedAttempts {
        FailedAttempts::with_limit(FailedAttempts::LIMIT)
    }
}

impl FailedAttempts {
    /// Failures allowed per account.
    pub const LIMIT: u32 = 5;
    pub const WINDOW_SECONDS: u64 = 15 * 60;
    /// Keys kept at most (about a megabyte).
    pub const CAPACITY: usize = 10_000;

    /// A limit of `limit` failures per key and window (a class of 30 mistyping resume
    /// codes needs more room than one account).
    pub fn with_limit(limit: u32) -> FailedAttempts {
        FailedAttempts::with_limit_and_capacity(limit, FailedAttempts::CAPACITY)
    }

    /// A limit of `limit` failures per key and window, keeping at most `capacity` keys.
    pub fn with_limit_and_capacity(limit: u32, capacity: usize) -> FailedAttempts {
        FailedAttempts {
            failures: HashMap::new(),
            limit,
            capacity: capacity.max(1),
        }
    }

    /// `Err(seconds to wait)` if attempts on `key` are refused at `now`.
    pub fn check(&self, key: &str, now: u64) -> Result<(), u64> {
        match self.failures.get(key) {
            Some(&(since, count)) if count >= self.limit && now < since + Self::WINDOW_SECONDS => {
                Err(since + Self::WINDOW_SECONDS - now)
            }
            _ => Ok(()),
        }
    }

    /// Counts a failed attempt on `key` at `now`.
    pub fn record_failure(&mut self, key: &str, now: u64) {
        if !self.failures.contains_key(key) && self.failures.len() >= self.capacity {
            self.make_room(now);
        }
        let entry = self.failures.entry(key.to_string()).or_insert((now, 0));
        if now >= entry.0 + Self::WINDOW_SECONDS {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }

    /// Counts a failed attempt on `key` at `now`; true if this failure is the one that
    /// pauses the key (for the log: a pause is logged once, not at every refusal).
    pub fn record_failure_and_pause(&mut self, key: &str, now: u64) -> bool {
        let paused_before = self.check(key, now).is_err();
        self.record_failure(key, now);
        !paused_before && self.check(key, now).is_err()
    }

    /// Starts an attempt on `key` at `now`: refused as [`FailedAttempts::check`] does,
    /// or else counted as a failure straight away, before the (slow) password check, so
    /// that attempts sent at the same moment cannot all pass the check before any of
    /// them has failed. One that turns out not to be a failure is taken back with
    /// [`FailedAttempts::take_back`] or cleared with [`FailedAttempts::record_success`].
    /// `Ok(true)` if this attempt, should it fail, pauses the key (for the log).
    pub fn begin_attempt(&mut self, key: &str, now: u64) -> Result<bool, u64> {
        self.check(key, now)?;
        self.record_failure(key, now);
        Ok(self.check(key, now).is_err())
    }

    /// Takes back an attempt counted by [`FailedAttempts::begin_attempt`] that was not a
    /// failure (the right password, or one that could not be checked).
    pub fn take_back(&mut self, key: &str) {
        if let Some(entry) = self.failures.get_mut(key) {
            entry.1 = entry.1.saturating_sub(1);
            if entry.1 == 0 {
                self.failures.remove(key);
            }
        }
    }

    /// A successful attempt clears the count for `key`.
    pub fn record_success(&mut self, key: &str) {
        self.failures.remove(key);
    }

    /// Drops the windows that have passed; if that frees too little, a tenth of the
    /// keys: those with the fewest failures, the oldest of those first.
    fn make_room(&mut self, now: u64) {
        self.failures
            .retain(|_, (since, _)| now < *since + Self::WINDOW_SECONDS);
        if self.failures.len() < self.capacity {
            return;
        }
        let mut weakest: Vec<(u32, u64, String)> = self
            .failures
            .iter()
            .map(|(key, &(since, count))| (count, since, key.clone()))
            .collect();
        let evicted = (self.capacity / 10).max(1).min(weakest.len());
        weakest.select_nth_unstable(evicted - 1);
        for (_, _, key) in &weakest[..evicted] {
            self.failures.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Attempts with `key` paused: as many failures as the limit, at seconds 0, 1, ….
    fn paused(key: &str) -> FailedAttempts {
        let mut attempts = FailedAttempts::default();
        for second in 0..FailedAttempts::LIMIT {
            attempts.record_failure(key, u64::from(second));
        }
        attempts
    }

    #[test]
    fn repeated_failures_on_one_key_are_refused_until_the_window_passes() {
        let mut attempts = FailedAttempts::default();
        for second in 0..FailedAttempts::LIMIT {
            assert_eq!(attempts.check("rivera", u64::from(second)), Ok(()));
            attempts.record_failure("rivera", u64::from(second));
        }
        assert_eq!(
            attempts.check("rivera", 10),
            Err(FailedAttempts::WINDOW_SECONDS - 10)
        );
        assert_eq!(
            attempts.check("okafor", 10),
            Ok(()),
            "other accounts are not slowed"
        );
        assert_eq!(
            attempts.check("rivera", FailedAttempts::WINDOW_SECONDS),
            Ok(())
        );

        attempts.record_failure("okafor", 0);
        attempts.record_success("okafor");
        assert_eq!(attempts.failures.get("okafor"), None);
    }

    #[test]
    fn attempts_count_as_failures_until_taken_back() {
        let mut attempts = FailedAttempts::default();
        for second in 0..4 {
            assert_eq!(attempts.begin_attempt("rivera", second), Ok(false));
        }
        assert_eq!(
            attempts.begin_attempt("rivera", 4),
            Ok(true),
            "the last one"
        );
        assert!(
            attempts.begin_attempt("rivera", 5).is_err(),
            "five attempts under way are five failures"
        );
        attempts.take_back("rivera");
        assert_eq!(attempts.check("rivera", 6), Ok(()), "one was not a failure");
        for _ in 0..4 {
            attempts.take_back("rivera");
        }
        assert_eq!(attempts.failures.get("rivera"), None);
        attempts.take_back("okafor");
        assert_eq!(attempts.failures.get("okafor"), None);
    }

    #[test]
    fn the_failures_kept_are_bounded_and_a_paused_key_outlasts_single_failures() {
        let mut attempts = paused("rivera");
        for key in 0..25_000u64 {
            attempts.record_failure(&format!("junk{key}"), 10 + key / 100);
        }
        assert!(
            attempts.failures.len() <= FailedAttempts::CAPACITY,
            "{} keys kept",
            attempts.failures.len()
        );
        assert!(
            attempts.check("rivera", 300).is_err(),
            "the paused account is still paused"
        );
        assert!(
            attempts.failures.contains_key("junk24999"),
            "the newest key is kept"
        );
        assert!(
            !attempts.failures.contains_key("junk0"),
            "the oldest single failure went"
        );

        // A full store drops the windows that have passed first.
        let mut attempts = FailedAttempts::with_limit_and_capacity(5, 100);
        for key in 0..100 {
            attempts.record_failure(&format!("junk{key}"), 0);
        }
        attempts.record_failure("okafor", FailedAttempts::WINDOW_SECONDS);
        assert_eq!(attempts.failures.len(), 1);
    }
}
