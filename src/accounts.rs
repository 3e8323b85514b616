//! Teacher accounts, as plain values: a teacher and a signed-in browser's session,
//! usernames, display names, the password rules and password hashing (Argon2id).
//! Slowing down repeated failed sign-ins is in [`crate::throttle`].
//!
//! No I/O: storage keeps the records, the web module keeps the cookies; time and
//! randomness come in as arguments.

use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::Rng;

use crate::ids::Token;

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
        let problems = [
            AccountProblem::DisplayNameMissing,
            AccountProblem::DisplayNameTooLong,
            AccountProblem::DisplayNameCharacters,
            AccountProblem::DisplayNameHidden,
        ];
        Ok(DisplayName(
            crate::names::check_line(text, 80, problems)?.to_string(),
        ))
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
    #[error("The password cannot be only spaces. A few words make a good one.")]
    PasswordBlank,
    #[error("The password cannot hold control characters (such as tabs or line breaks).")]
    PasswordControlCharacters,
    #[error("The password cannot be the username.")]
    PasswordIsUsername,
    #[error("The two new passwords are not the same.")]
    PasswordsDiffer,
}

pub const MIN_PASSWORD_CHARACTERS: usize = 8;
/// Long enough for any passphrase, short enough that hashing stays cheap.
pub const MAX_PASSWORD_CHARACTERS: usize = 256;

/// Checks a new password against the rules: length, not only spaces, no control
/// characters, not a common password, not the username, and typed the same twice.
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
    if password.chars().all(char::is_whitespace) {
        return Err(AccountProblem::PasswordBlank);
    }
    if password.chars().any(char::is_control) {
        return Err(AccountProblem::PasswordControlCharacters);
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
    HashingMemory::new().hash_password(password, rng)
}

/// Whether `password` matches a hash made by [`hash_password`].
pub fn verify_password(password: &str, hash: &str) -> bool {
    HashingMemory::new().verify_password(password, hash)
}

/// The working memory of Argon2id (19 MiB with the default parameters), for a thread
/// that hashes passwords one after another: made once and used again, instead of a
/// fresh 19 MiB at each hash, which the allocator kept (a few threads' worth grew to
/// over 200 MB in a storm of sign-ins, bench/README.md).
#[derive(Default)]
pub struct HashingMemory(Vec<argon2::Block>);

impl HashingMemory {
    pub fn new() -> HashingMemory {
        HashingMemory(Vec::new())
    }

    /// `count` blocks, made the first time (or when a hash needs more).
    fn blocks(&mut self, count: usize) -> &mut [argon2::Block] {
        if self.0.len() < count {
            self.0 = Vec::new();
            self.0.resize(count, argon2::Block::default());
        }
        &mut self.0[..count]
    }

    /// As [`hash_password`], in this memory.
    pub fn hash_password(&mut self, password: &str, rng: &mut impl Rng) -> String {
        let salt_bytes: [u8; 16] = rng.random();
        let salt = SaltString::encode_b64(&salt_bytes).expect("16 bytes make a valid salt");
        let params = Params::default();
        let mut output = [0u8; Params::DEFAULT_OUTPUT_LEN];
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
            .hash_password_into_with_memory(
                password.as_bytes(),
                &salt_bytes,
                &mut output,
                self.blocks(params.block_count()),
            )
            .expect("Argon2id hashes any password of bounded length");
        PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params).expect("the default parameters"),
            salt: Some(salt.as_salt()),
            hash: Some(Output::new(&output).expect("an output of the default length")),
        }
        .to_string()
    }

    /// As [`verify_password`], in this memory: the hash's own algorithm, version and
    /// parameters, and a comparison in constant time.
    pub fn verify_password(&mut self, password: &str, hash: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return false;
        };
        let algorithm = Algorithm::try_from(parsed.algorithm);
        let version = parsed
            .version
            .map_or(Ok(Version::default()), Version::try_from);
        let params = Params::try_from(&parsed);
        let (Ok(algorithm), Ok(version), Ok(params)) = (algorithm, version, params) else {
            return false;
        };
        let mut salt_bytes = [0u8; 64];
        let Ok(salt_bytes) = salt.decode_b64(&mut salt_bytes) else {
            return false;
        };
        let mut output = vec![0u8; expected.len()];
        let hashed = Argon2::new(algorithm, version, params.clone())
            .hash_password_into_with_memory(
                password.as_bytes(),
                salt_bytes,
                &mut output,
                self.blocks(params.block_count()),
            );
        hashed.is_ok() && Output::new(&output).is_ok_and(|output| output == expected)
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

/// A teacher's account.
#[derive(Debug, Clone)]
pub struct Teacher {
    pub id: Token,
    pub username: Username,
    pub display_name: DisplayName,
    pub password_hash: String,
    pub created_at: u64,
}

/// A signed-in browser: whose it is, the token its forms must carry, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeacherSession {
    pub teacher: Token,
    pub csrf: Token,
    pub expires_at: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::assert_refused;
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
        assert_refused(
            Username::parse,
            &[
                ("ab", AccountProblem::UsernameTooShort),
                ("rivera!", AccountProblem::UsernameCharacters),
                (&"a".repeat(65), AccountProblem::UsernameTooLong),
            ],
        );
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse(" Ms Rivera ").unwrap().as_str(),
            "Ms Rivera"
        );
        assert_refused(
            DisplayName::parse,
            &[
                ("   ", AccountProblem::DisplayNameMissing),
                ("a\u{7}b", AccountProblem::DisplayNameCharacters),
                ("\u{feff}Ms Rivera", AccountProblem::DisplayNameHidden),
                ("Ms\u{200b} Rivera", AccountProblem::DisplayNameHidden),
                ("Ms \u{202e}areviR", AccountProblem::DisplayNameHidden),
            ],
        );
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
        assert_eq!(check("        "), Err(AccountProblem::PasswordBlank));
        assert_eq!(
            check("\u{3000}\u{a0}\u{2003}\u{3000}\u{a0}\u{2003}  "),
            Err(AccountProblem::PasswordBlank)
        );
        assert_eq!(
            check("\0\0\0\0\0\0\0\0"),
            Err(AccountProblem::PasswordControlCharacters)
        );
        assert_eq!(
            check("tall ships\u{7f}at dawn"),
            Err(AccountProblem::PasswordControlCharacters)
        );
        assert_eq!(
            check("  tall ships at dawn  "),
            Ok(()),
            "spaces around are kept"
        );
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
    fn hashes_are_the_argon2_crates_own_and_one_memory_serves_many() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut memory = HashingMemory::new();
        let ours = memory.hash_password("tall ships at dawn", &mut rng);
        let parsed = PasswordHash::new(&ours).unwrap();
        let theirs = Argon2::default()
            .hash_password(b"tall ships at dawn", parsed.salt.unwrap())
            .unwrap()
            .to_string();
        assert_eq!(ours, theirs, "the same salt gives the crate's own hash");
        assert!(
            Argon2::default()
                .verify_password(b"tall ships at dawn", &parsed)
                .is_ok()
        );
        let other = Argon2::default()
            .hash_password(
                b"another passphrase",
                &SaltString::encode_b64(&[5; 16]).unwrap(),
            )
            .unwrap()
            .to_string();
        for _ in 0..2 {
            assert!(memory.verify_password("another passphrase", &other));
            assert!(!memory.verify_password("another passphrase!", &other));
            assert!(memory.verify_password("tall ships at dawn", &ours));
        }
        // A hash of other parameters (less memory, more passes) is checked by its own.
        let light = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4096, 3, 1, None).unwrap(),
        )
        .hash_password(b"light", &SaltString::encode_b64(&[9; 16]).unwrap())
        .unwrap()
        .to_string();
        assert!(memory.verify_password("light", &light));
        assert!(!memory.verify_password("heavy", &light));
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
}
