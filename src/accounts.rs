//! Teacher accounts, as plain values: usernames, display names, the password rules,
//! password hashing (Argon2id), and slowing down repeated failed sign-ins.
//!
//! No I/O: storage keeps the records, the web module keeps the sessions; time and
//! randomness come in as arguments.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;

/// The name a teacher signs in with: a username or an email address, compared without
/// regard to case. 3 to 64 characters: letters, digits and `. _ - @ +`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(text: &str) -> Result<Username, AccountProblem> {
        let text = text.trim().to_lowercase();
        let length = text.chars().count();
        if length < 3 {
            return Err(AccountProblem::UsernameTooShort);
        }
        if length > 64 {
            return Err(AccountProblem::UsernameTooLong);
        }
        if !text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+'))
        {
            return Err(AccountProblem::UsernameCharacters);
        }
        Ok(Username(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// The name shown to the teacher and, later, to their students: 1 to 80 characters,
/// no control characters, surrounding spaces dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(text: &str) -> Result<DisplayName, AccountProblem> {
        let text = text.trim();
        if text.is_empty() {
            return Err(AccountProblem::DisplayNameMissing);
        }
        if text.chars().count() > 80 {
            return Err(AccountProblem::DisplayNameTooLong);
        }
        if text.chars().any(char::is_control) {
            return Err(AccountProblem::DisplayNameCharacters);
        }
        if crate::names::has_invisible(text) {
            return Err(AccountProblem::DisplayNameHidden);
        }
        Ok(DisplayName(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What is wrong with what someone typed into an account form. The messages are shown
/// to them as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountProblem {
    #[error("The username must have at least 3 characters.")]
    UsernameTooShort,
    #[error("The username can have at most 64 characters.")]
    UsernameTooLong,
    #[error(
        "The username can hold letters, digits and the signs . _ - @ + (an email address works)."
    )]
    UsernameCharacters,
    #[error("Type the name your students will see, for example “Ms Rivera”.")]
    DisplayNameMissing,
    #[error("The name can have at most 80 characters.")]
    DisplayNameTooLong,
    #[error("The name cannot hold control characters.")]
    DisplayNameCharacters,
    #[error(
        "The name has a hidden character (a zero-width space, a byte-order mark or a mark that turns the text around, often pasted in with it): type it again rather than pasting it."
    )]
    DisplayNameHidden,
    #[error("The password must have at least {MIN_PASSWORD_CHARACTERS} characters.")]
    PasswordTooShort,
    #[error("The password can have at most {MAX_PASSWORD_CHARACTERS} characters.")]
    PasswordTooLong,
    #[error(
        "That password is on the list of the most common passwords, which are guessed first. Choose another."
    )]
    PasswordCommon,
    #[error("The password cannot be the username.")]
    PasswordIsUsername,
    #[error("The two new passwords are not the same.")]
    PasswordsDiffer,
}

pub const MIN_PASSWORD_CHARACTERS: usize = 8;
/// Long enough for any passphrase, short enough that hashing stays cheap.
pub const MAX_PASSWORD_CHARACTERS: usize = 256;

/// Checks a new password against the rules: length, not a common password, not the
/// username, and typed the same twice.
pub fn check_new_password(
    password: &str,
    repeated: &str,
    username: &Username,
) -> Result<(), AccountProblem> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARACTERS {
        return Err(AccountProblem::PasswordTooShort);
    }
    if length > MAX_PASSWORD_CHARACTERS {
        return Err(AccountProblem::PasswordTooLong);
    }
    if is_common_password(password) {
        return Err(AccountProblem::PasswordCommon);
    }
    if password.to_lowercase() == username.as_str() {
        return Err(AccountProblem::PasswordIsUsername);
    }
    if password != repeated {
        return Err(AccountProblem::PasswordsDiffer);
    }
    Ok(())
}

/// Whether `password` is on the bundled list of common passwords (case does not help).
pub fn is_common_password(password: &str) -> bool {
    static COMMON: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let common = COMMON.get_or_init(|| {
        include_str!("accounts/common-passwords.txt")
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect()
    });
    common.contains(password.to_lowercase().as_str())
}

/// Hashes a password with Argon2id (the crate's default parameters) and a random salt,
/// in the PHC string format that records the parameters with the hash.
pub fn hash_password(password: &str, rng: &mut impl Rng) -> String {
    let salt_bytes: [u8; 16] = rng.random();
    let salt = SaltString::encode_b64(&salt_bytes).expect("16 bytes make a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2id hashes any password of bounded length")
        .to_string()
}

/// Whether `password` matches a hash made by [`hash_password`].
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A password made for a teacher by an administrator: 16 characters from an alphabet
/// without look-alikes (about 90 bits).
pub fn temporary_password(rng: &mut impl Rng) -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789";
    (0..16)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Slows down guessing: after [`FailedAttempts::LIMIT`] failed attempts on one key (an
/// account, later a class's join code) within [`FailedAttempts::WINDOW_SECONDS`], further
/// attempts on that key are refused until the window has passed. Keyed by what is
/// attacked, not by address: a whole school shares one address.
#[derive(Debug)]
pub struct FailedAttempts {
    /// Per key: when the first counted failure happened, and how many since.
    failures: HashMap<String, (u64, u32)>,
    limit: u32,
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

    /// A limit of `limit` failures per key and window (a class of 30 mistyping resume
    /// codes needs more room than one account).
    pub fn with_limit(limit: u32) -> FailedAttempts {
        FailedAttempts {
            failures: HashMap::new(),
            limit,
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
        // Forget windows that have passed, so that the map does not grow without end.
        if self.failures.len() > 10_000 {
            self.failures
                .retain(|_, (since, _)| now < *since + Self::WINDOW_SECONDS);
        }
        let entry = self.failures.entry(key.to_string()).or_insert((now, 0));
        if now >= entry.0 + Self::WINDOW_SECONDS {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }

    /// A successful attempt clears the count for `key`.
    pub fn record_success(&mut self, key: &str) {
        self.failures.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn username(text: &str) -> Username {
        Username::parse(text).unwrap()
    }

    #[test]
    fn usernames_ignore_case_and_surrounding_spaces() {
        assert_eq!(
            username("  M.Rivera@School.org ").as_str(),
            "m.rivera@school.org"
        );
        assert_eq!(Username::parse("ab"), Err(AccountProblem::UsernameTooShort));
        assert_eq!(
            Username::parse("rivera!"),
            Err(AccountProblem::UsernameCharacters)
        );
        assert_eq!(
            Username::parse(&"a".repeat(65)),
            Err(AccountProblem::UsernameTooLong)
        );
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse(" Ms Rivera ").unwrap().as_str(),
            "Ms Rivera"
        );
        assert_eq!(
            DisplayName::parse("   "),
            Err(AccountProblem::DisplayNameMissing)
        );
        assert_eq!(
            DisplayName::parse("a\u{7}b"),
            Err(AccountProblem::DisplayNameCharacters)
        );
        for hidden in [
            "\u{feff}Ms Rivera",
            "Ms\u{200b} Rivera",
            "Ms \u{202e}areviR",
        ] {
            assert_eq!(
                DisplayName::parse(hidden),
                Err(AccountProblem::DisplayNameHidden),
                "{hidden:?}"
            );
        }
        assert_eq!(
            DisplayName::parse("Ms Öztürk-Ильина").unwrap().as_str(),
            "Ms Öztürk-Ильина"
        );
    }

    #[test]
    fn the_password_rules_each_say_what_is_wrong() {
        let rivera = username("rivera");
        let check = |password: &str| check_new_password(password, password, &rivera);
        assert_eq!(check("short7!"), Err(AccountProblem::PasswordTooShort));
        assert_eq!(check("password1"), Err(AccountProblem::PasswordCommon));
        assert_eq!(check("PASSWORD1"), Err(AccountProblem::PasswordCommon));
        assert_eq!(check("Rivera"), Err(AccountProblem::PasswordTooShort));
        let long_name = username("rivera-history");
        assert_eq!(
            check_new_password("Rivera-History", "Rivera-History", &long_name),
            Err(AccountProblem::PasswordIsUsername)
        );
        assert_eq!(
            check_new_password("tall ships at dawn", "tall ships at noon", &rivera),
            Err(AccountProblem::PasswordsDiffer)
        );
        assert_eq!(check("tall ships at dawn"), Ok(()));
        assert_eq!(
            check(&"x".repeat(MAX_PASSWORD_CHARACTERS + 1)),
            Err(AccountProblem::PasswordTooLong)
        );
    }

    #[test]
    fn a_hash_verifies_only_its_own_password_and_is_argon2id() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let hash = hash_password("tall ships at dawn", &mut rng);
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains("tall ships"));
        assert!(verify_password("tall ships at dawn", &hash));
        assert!(!verify_password("tall ships at dusk", &hash));
        assert!(!verify_password("tall ships at dawn", "not a hash"));
        let again = hash_password("tall ships at dawn", &mut rng);
        assert_ne!(hash, again, "each hash has its own salt");
    }

    #[test]
    fn temporary_passwords_pass_the_rules() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let password = temporary_password(&mut rng);
        assert_eq!(password.chars().count(), 16);
        assert_eq!(
            check_new_password(&password, &password, &username("rivera")),
            Ok(())
        );
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
}
