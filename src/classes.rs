//! Classes as plain values: names, descriptions and join codes.
//!
//! No I/O; randomness comes in as an RNG.

use std::fmt;

use rand::Rng;

/// The letters and digits a join code is made of: no 0/O, 1/I/L, and upper case only,
/// so that a code read aloud or copied from a projector onto a phone comes out right.
pub const JOIN_CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// A new join code's length: 31^8 (about 8.5 × 10^11) codes, so that guessing at the
/// rate the server allows one address (README, "Security") takes centuries.
pub const JOIN_CODE_LENGTH: usize = 8;
/// The length of the codes made before 2026-12 (31^6 codes), still read.
pub const OLD_JOIN_CODE_LENGTH: usize = 6;

/// A class's or live session's join code: eight characters from
/// [`JOIN_CODE_ALPHABET`], shown as `ABCD-2345` (codes made before were six, shown as
/// `ABC-234`, and still work). Typing is forgiving: case, spaces and dashes are
/// ignored, and the look-alikes a student might type (0 for O, 1 or I or L) are refused
/// rather than guessed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JoinCode(String);

/// `length` characters drawn from [`JOIN_CODE_ALPHABET`].
fn random_code(rng: &mut impl Rng, length: usize) -> String {
    (0..length)
        .map(|_| JOIN_CODE_ALPHABET[rng.random_range(0..JOIN_CODE_ALPHABET.len())] as char)
        .collect()
}

/// A typed code of one of `lengths`: case, spaces and dashes ignored.
fn parse_code(text: &str, lengths: &[usize]) -> Option<String> {
    if text.len() > 64 {
        return None;
    }
    let code: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (lengths.contains(&code.len()) && code.bytes().all(|b| JOIN_CODE_ALPHABET.contains(&b)))
        .then_some(code)
}

impl JoinCode {
    pub fn random(rng: &mut impl Rng) -> JoinCode {
        JoinCode(random_code(rng, JOIN_CODE_LENGTH))
    }

    pub fn parse(text: &str) -> Option<JoinCode> {
        parse_code(text, &[JOIN_CODE_LENGTH, OLD_JOIN_CODE_LENGTH]).map(JoinCode)
    }

    /// The code without the dash, as stored and as used in links.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JoinCode {
    /// `ABCD-2345` (or `ABC-234`): two halves are easier to read aloud and to copy.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (first, second) = self.0.split_at(self.0.len() / 2);
        write!(formatter, "{first}-{second}")
    }
}

/// A class's name: 1 to 80 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassName(String);

impl ClassName {
    pub fn parse(text: &str) -> Result<ClassName, ClassProblem> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ClassProblem::NameMissing);
        }
        if text.chars().count() > 80 {
            return Err(ClassProblem::NameTooLong);
        }
        if text.chars().any(char::is_control) {
            return Err(ClassProblem::NameCharacters);
        }
        Ok(ClassName(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An optional description: at most 500 characters; line breaks allowed.
pub fn parse_description(text: &str) -> Result<String, ClassProblem> {
    let text = text.trim();
    if text.chars().count() > 500 {
        return Err(ClassProblem::DescriptionTooLong);
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(ClassProblem::NameCharacters);
    }
    Ok(text.replace("\r\n", "\n"))
}

/// A student's name in a class: 2 to 30 characters, letters, digits, spaces and
/// `. _ -`. Two students of a class cannot share one, whatever the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nickname(String);

impl Nickname {
    pub fn parse(text: &str) -> Result<Nickname, ClassProblem> {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let length = text.chars().count();
        if length < 2 {
            return Err(ClassProblem::NicknameTooShort);
        }
        if length > 30 {
            return Err(ClassProblem::NicknameTooLong);
        }
        if !text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '_' | '-'))
        {
            return Err(ClassProblem::NicknameCharacters);
        }
        Ok(Nickname(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The nickname as compared with others: lower case.
    pub fn folded(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A student's resume code: 13 characters from [`JOIN_CODE_ALPHABET`] (over 64 bits),
/// shown as `ABCD-EFGH-JKLMN`. It is a credential: whoever has it can continue as
/// that student.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumeCode(String);

pub const RESUME_CODE_LENGTH: usize = 13;

impl ResumeCode {
    pub fn random(rng: &mut impl Rng) -> ResumeCode {
        ResumeCode(
            (0..RESUME_CODE_LENGTH)
                .map(|_| JOIN_CODE_ALPHABET[rng.random_range(0..JOIN_CODE_ALPHABET.len())] as char)
                .collect(),
        )
    }

    pub fn parse(text: &str) -> Option<ResumeCode> {
        let code: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        (code.len() == RESUME_CODE_LENGTH && code.bytes().all(|b| JOIN_CODE_ALPHABET.contains(&b)))
            .then_some(ResumeCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ResumeCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}-{}-{}",
            &self.0[..4],
            &self.0[4..8],
            &self.0[8..]
        )
    }
}

/// What is wrong with a class form; the messages are shown as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClassProblem {
    #[error("Give the class a name, for example “10B History”.")]
    NameMissing,
    #[error("The class name can have at most 80 characters.")]
    NameTooLong,
    #[error("The name and description cannot hold control characters.")]
    NameCharacters,
    #[error("The description can have at most 500 characters.")]
    DescriptionTooLong,
    #[error("The nickname needs at least 2 characters.")]
    NicknameTooShort,
    #[error("The nickname can have at most 30 characters.")]
    NicknameTooLong,
    #[error("The nickname can hold letters, digits, spaces and the signs . _ - (no other signs).")]
    NicknameCharacters,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn join_codes_avoid_look_alikes_and_forgive_how_they_are_typed() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for _ in 0..200 {
            let code = JoinCode::random(&mut rng);
            assert_eq!(code.as_str().len(), 8);
            assert_eq!(code.to_string().len(), 9);
            assert!(!code.as_str().contains(['0', 'O', '1', 'I', 'L']), "{code}");
            assert_eq!(JoinCode::parse(&code.to_string()), Some(code.clone()));
        }
        let code = JoinCode::parse(" abc-234 ").unwrap();
        assert_eq!(code.as_str(), "ABC234");
        assert_eq!(code.to_string(), "ABC-234");
        assert_eq!(JoinCode::parse("ABC 234"), Some(code));
        assert_eq!(JoinCode::parse("AB0234"), None, "0 is never in a code");
        assert_eq!(JoinCode::parse("ABC23"), None);
        assert_eq!(JoinCode::parse("ABC2345"), None);
        let code = JoinCode::parse("abcd 2345").unwrap();
        assert_eq!(code.to_string(), "ABCD-2345");
        assert_eq!(JoinCode::parse("ABCD-23456"), None);
    }

    #[test]
    fn nicknames_fold_spaces_and_case_and_refuse_signs() {
        let nickname = Nickname::parse("  Sam   R. ").unwrap();
        assert_eq!(nickname.as_str(), "Sam R.");
        assert_eq!(nickname.folded(), "sam r.");
        assert_eq!(Nickname::parse("S"), Err(ClassProblem::NicknameTooShort));
        assert_eq!(
            Nickname::parse("=cmd()"),
            Err(ClassProblem::NicknameCharacters)
        );
        assert_eq!(
            Nickname::parse("<b>"),
            Err(ClassProblem::NicknameCharacters)
        );
        assert_eq!(
            Nickname::parse(&"x".repeat(31)),
            Err(ClassProblem::NicknameTooLong)
        );
    }

    #[test]
    fn resume_codes_have_over_64_bits_and_read_back() {
        let bits = (JOIN_CODE_ALPHABET.len() as f64).log2() * RESUME_CODE_LENGTH as f64;
        assert!(bits > 64.0, "{bits}");
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        let code = ResumeCode::random(&mut rng);
        let shown = code.to_string();
        assert_eq!(shown.len(), 15);
        assert_eq!(ResumeCode::parse(&shown.to_lowercase()), Some(code));
        assert_eq!(ResumeCode::parse("ABCD-EFGH-JKLM"), None);
    }

    #[test]
    fn class_names_and_descriptions_are_checked() {
        assert_eq!(
            ClassName::parse(" 10B History ").unwrap().as_str(),
            "10B History"
        );
        assert_eq!(ClassName::parse(""), Err(ClassProblem::NameMissing));
        assert_eq!(
            ClassName::parse(&"x".repeat(81)),
            Err(ClassProblem::NameTooLong)
        );
        assert_eq!(
            parse_description("Tuesdays\r\nRoom 4").unwrap(),
            "Tuesdays\nRoom 4"
        );
        assert_eq!(
            parse_description(&"x".repeat(501)),
            Err(ClassProblem::DescriptionTooLong)
        );
    }
}
