//! Classes as plain values: a class and its students, names, descriptions, join
//! codes, nicknames and resume codes.
//!
//! No I/O; randomness comes in as an RNG.

use std::fmt;

use rand::Rng;

use crate::ids::Token;
use crate::names;

/// The letters and digits a join code is made of: no 0/O, 1/I/L, and upper case only,
/// so that a code read aloud or copied from a projector onto a phone comes out right.
pub const JOIN_CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// A new class code's length: 31^8 (about 8.5 × 10^11) codes, so that guessing at the
/// rate the server allows one address (docs/security.md) takes centuries.
pub const JOIN_CODE_LENGTH: usize = 8;
/// The length of the codes made before 2026-12 (31^6 codes), still read.
pub const OLD_JOIN_CODE_LENGTH: usize = 6;
/// A new live-session code's length: 10 digits (10^10 codes), read aloud in three
/// groups, "482 913 2077". A class code always has a letter, so the two kinds never
/// sound alike.
pub const LIVE_CODE_LENGTH: usize = 10;

/// A class's or live session's join code. A class's code is eight characters from
/// [`JOIN_CODE_ALPHABET`], at least one of them a letter, shown as `ABCD-2345`; a live
/// session's is ten digits, shown as `482 913 2077`. Codes made before 2026-12 (six
/// characters shown as `ABC-234`, or eight for either kind, perhaps all digits) still
/// work. Typing is forgiving: case, spaces and dashes are ignored, and the look-alikes
/// a student might type in a class code (0 for O, 1 or I or L) are refused rather than
/// guessed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JoinCode(String);

/// Which kind of thing a code names, as far as its form tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    /// Ten digits: a live session's.
    Live,
    /// Letters and digits: a class's, or a live session's made before 2026-12.
    ClassOrOlder,
}

/// `length` characters drawn from [`JOIN_CODE_ALPHABET`].
fn random_code(rng: &mut impl Rng, length: usize) -> String {
    (0..length)
        .map(|_| JOIN_CODE_ALPHABET[rng.random_range(0..JOIN_CODE_ALPHABET.len())] as char)
        .collect()
}

/// A typed code of one of `lengths`: case, spaces and dashes ignored.
fn parse_code(text: &str, lengths: &[usize]) -> Option<String> {
    let code = squeeze(text)?;
    (lengths.contains(&code.len()) && code.bytes().all(|b| JOIN_CODE_ALPHABET.contains(&b)))
        .then_some(code)
}

/// `text` without spaces and dashes, in upper case; `None` if it is far too long to be
/// a code.
fn squeeze(text: &str) -> Option<String> {
    if text.len() > 64 {
        return None;
    }
    Some(
        text.chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect(),
    )
}

impl JoinCode {
    /// A new class code: eight characters, at least one a letter.
    pub fn random(rng: &mut impl Rng) -> JoinCode {
        loop {
            let code = random_code(rng, JOIN_CODE_LENGTH);
            if code.bytes().any(|b| b.is_ascii_alphabetic()) {
                return JoinCode(code);
            }
        }
    }

    /// A new live-session code: ten digits.
    pub fn random_live(rng: &mut impl Rng) -> JoinCode {
        JoinCode(
            (0..LIVE_CODE_LENGTH)
                .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
                .collect(),
        )
    }

    pub fn parse(text: &str) -> Option<JoinCode> {
        let squeezed = squeeze(text)?;
        if squeezed.len() == LIVE_CODE_LENGTH && squeezed.bytes().all(|b| b.is_ascii_digit()) {
            return Some(JoinCode(squeezed));
        }
        parse_code(text, &[JOIN_CODE_LENGTH, OLD_JOIN_CODE_LENGTH]).map(JoinCode)
    }

    /// What the code's form says it names.
    pub fn kind(&self) -> CodeKind {
        if self.0.len() == LIVE_CODE_LENGTH {
            CodeKind::Live
        } else {
            CodeKind::ClassOrOlder
        }
    }

    /// The code without the dash, as stored and as used in links.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JoinCode {
    /// `ABCD-2345` (or `ABC-234`): two halves are easier to read aloud and to copy. A
    /// live session's ten digits in three groups, as a phone number: `482 913 2077`.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind() == CodeKind::Live {
            let (first, rest) = self.0.split_at(3);
            let (second, third) = rest.split_at(3);
            return write!(formatter, "{first} {second} {third}");
        }
        let (first, second) = self.0.split_at(self.0.len() / 2);
        write!(formatter, "{first}-{second}")
    }
}

/// A class's name: 1 to 80 characters, no control characters, no hidden characters
/// (see [`names`]: a right-to-left override would show the rest of a name reversed on
/// the projector).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassName(String);

impl ClassName {
    pub fn parse(text: &str) -> Result<ClassName, ClassProblem> {
        let problems = [
            ClassProblem::NameMissing,
            ClassProblem::NameTooLong,
            ClassProblem::NameCharacters,
            ClassProblem::NameHidden,
        ];
        Ok(ClassName(
            names::check_line(text, 80, problems)?.to_string(),
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An optional description: at most 500 characters; line breaks allowed, no other
/// control characters and no hidden characters.
pub fn parse_description(text: &str) -> Result<String, ClassProblem> {
    let text = text.trim();
    if text.chars().count() > 500 {
        return Err(ClassProblem::DescriptionTooLong);
    }
    if names::has_control(text, &['\n', '\r', '\t']) {
        return Err(ClassProblem::NameCharacters);
    }
    if names::has_invisible(text) {
        return Err(ClassProblem::DescriptionHidden);
    }
    Ok(text.replace("\r\n", "\n"))
}

/// A student's name in a class or a live session: 2 to 30 characters, letters,
/// digits, spaces and `. _ -`, in NFKC, with no hidden characters and no more than two
/// combining marks in a row (see [`names`]). Two students of a class cannot share one,
/// whatever the case, nor have two that look alike ([`Nickname::look_alike_keys`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nickname(String);

impl Nickname {
    pub fn parse(text: &str) -> Result<Nickname, ClassProblem> {
        // White space (a tab, a line break pasted in) is folded below; anything else
        // that shows nothing is refused, not dropped, so that the student sees why.
        let hidden = |c: char| names::is_invisible(c) || (c.is_control() && !c.is_whitespace());
        if text.chars().any(hidden) {
            return Err(if names::has_visible(text) {
                ClassProblem::NicknameHidden
            } else {
                ClassProblem::NicknameBlank
            });
        }
        let text = names::nfkc(text);
        if text.chars().any(hidden) {
            // A compatibility form of a hidden character (a halfwidth Hangul filler).
            return Err(ClassProblem::NicknameHidden);
        }
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let length = text.chars().count();
        if length < 2 {
            return Err(ClassProblem::NicknameTooShort);
        }
        if length > 30 {
            return Err(ClassProblem::NicknameTooLong);
        }
        if names::has_stacked_marks(&text) {
            return Err(ClassProblem::NicknameMarks);
        }
        if !text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '_' | '-'))
        {
            return Err(ClassProblem::NicknameCharacters);
        }
        Ok(Nickname(text))
    }

    /// A nickname as stored, taken as it is: one stored by an older build may hold
    /// what [`Nickname::parse`] now refuses (a Hangul filler, say), and its student is
    /// still in the class. `None` for an empty one.
    pub fn from_stored(text: &str) -> Option<Nickname> {
        (!text.is_empty()).then(|| Nickname(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The nickname as sorted: lower case.
    pub fn folded(&self) -> String {
        self.0.to_lowercase()
    }

    /// The keys under which the nickname is unique in its class or session: two
    /// nicknames that share one are the same nickname (see [`names::look_alike_keys`]).
    pub fn look_alike_keys(&self) -> Vec<String> {
        names::look_alike_keys(&self.0)
    }
}

/// The first sentence of the message that refuses `typed` because `existing` is
/// already `place` ("in this class", "in this session"): it names the nickname that
/// is there, so that the student sees what to change.
pub fn nickname_taken(typed: &Nickname, existing: &Nickname, place: &str) -> String {
    if typed.folded() == existing.folded() {
        format!("Someone {place} is already called “{}”.", existing.as_str())
    } else {
        format!(
            "“{}” looks the same as “{}”, who is already {place}.",
            typed.as_str(),
            existing.as_str()
        )
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
    #[error(
        "The class name has a hidden character (a zero-width space, a byte-order mark or a mark that turns the text around, often pasted in with it): type the name again rather than pasting it."
    )]
    NameHidden,
    #[error(
        "The description has a hidden character (a zero-width space, a byte-order mark or a mark that turns the text around, often pasted in with it): type it again rather than pasting it."
    )]
    DescriptionHidden,
    #[error("The description can have at most 500 characters.")]
    DescriptionTooLong,
    #[error("The nickname needs at least 2 characters.")]
    NicknameTooShort,
    #[error("The nickname can have at most 30 characters.")]
    NicknameTooLong,
    #[error("The nickname can hold letters, digits, spaces and the signs . _ - (no other signs).")]
    NicknameCharacters,
    #[error(
        "The nickname has a hidden or invisible character; type it again with letters and digits only."
    )]
    NicknameHidden,
    #[error(
        "The nickname has no letters or digits you can see; type it again with letters and digits."
    )]
    NicknameBlank,
    #[error(
        "The nickname has more than two marks stacked on a letter; type it again with plain letters."
    )]
    NicknameMarks,
}

/// A teacher's class.
#[derive(Debug, Clone)]
pub struct Class {
    pub id: Token,
    pub teacher: Token,
    pub name: ClassName,
    pub description: String,
    pub code: JoinCode,
    /// No new students may join.
    pub locked: bool,
    /// Put away: listed apart, closed to new students.
    pub archived: bool,
    pub created_at: u64,
}

/// A student: a nickname in a class, with a learner id of their own.
#[derive(Debug, Clone)]
pub struct Student {
    pub id: Token,
    pub class: Token,
    pub nickname: Nickname,
    pub learner: Token,
    /// Shown on the student's page so that they can continue on another device.
    pub resume: ResumeCode,
    pub joined_at: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::assert_refused;
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
    fn class_codes_have_a_letter_and_live_codes_ten_digits_so_they_never_sound_alike() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(15);
        for _ in 0..2_000 {
            let class = JoinCode::random(&mut rng);
            assert!(
                class.as_str().bytes().any(|b| b.is_ascii_alphabetic()),
                "{class}"
            );
            assert_eq!(class.kind(), CodeKind::ClassOrOlder);
            let live = JoinCode::random_live(&mut rng);
            assert_eq!(live.as_str().len(), 10);
            assert!(live.as_str().bytes().all(|b| b.is_ascii_digit()), "{live}");
            assert_eq!(live.kind(), CodeKind::Live);
            assert_eq!(JoinCode::parse(&live.to_string()), Some(live.clone()));
        }
        let live = JoinCode::parse("4829132077").unwrap();
        assert_eq!(live.to_string(), "482 913 2077");
        assert_eq!(JoinCode::parse(" 482 913 2077 "), Some(live.clone()));
        assert_eq!(JoinCode::parse("482-913-2077"), Some(live));
        assert_eq!(
            JoinCode::parse("0000000001").unwrap().kind(),
            CodeKind::Live,
            "0 and 1 are digits of a live code"
        );
        assert_eq!(JoinCode::parse("482 913 207"), None, "nine digits");
        assert_eq!(JoinCode::parse("482 913 20777"), None, "eleven digits");
        assert_eq!(
            JoinCode::parse("23456789").map(|code| code.kind()),
            Some(CodeKind::ClassOrOlder),
            "an older code of eight digits still reads"
        );
    }

    #[test]
    fn nicknames_fold_spaces_and_case_and_refuse_signs() {
        let nickname = Nickname::parse("  Sam   R. ").unwrap();
        assert_eq!(nickname.as_str(), "Sam R.");
        assert_eq!(nickname.folded(), "sam r.");
        assert_refused(
            Nickname::parse,
            &[
                ("S", ClassProblem::NicknameTooShort),
                ("=cmd()", ClassProblem::NicknameCharacters),
                ("<b>", ClassProblem::NicknameCharacters),
                (&"x".repeat(31), ClassProblem::NicknameTooLong),
            ],
        );
    }

    #[test]
    fn nicknames_are_normalised_and_refuse_hidden_characters_and_stacked_marks() {
        assert_eq!(
            Nickname::parse("\u{ff2d}\u{ff41}\u{ff59}\u{ff41}")
                .unwrap()
                .as_str(),
            "Maya",
            "fullwidth letters are the plain ones"
        );
        assert_eq!(Nickname::parse("Zoe\u{308}").unwrap().as_str(), "Zoë");
        assert_eq!(Nickname::parse(" Sam\tR. ").unwrap().as_str(), "Sam R.");
        let refused = [
            (
                ClassProblem::NicknameHidden,
                &[
                    "Maya\u{3164}",
                    "Ma\u{200b}ya",
                    "\u{202e}ayaM",
                    "Maya\u{200f}",
                    "\u{feff}Maya",
                    "Maya\u{fe0f}",
                    "Maya\u{e0041}",
                    "Ma\u{ffa0}ya",
                    "Ma\u{7}ya",
                ][..],
            ),
            (
                ClassProblem::NicknameBlank,
                &["\u{3164}\u{3164}", "\u{115f}\u{1160} \u{200b}"],
            ),
            (
                ClassProblem::NicknameMarks,
                &["Ma\u{363}\u{364}\u{365}ya", "Z\u{334}\u{321}\u{322}oe"],
            ),
        ];
        for (problem, texts) in refused {
            for text in texts {
                assert_eq!(Nickname::parse(text), Err(problem), "{text:?}");
            }
        }
        for name in ["Nguyễn", "Кира", "Ελένη", "سارة", "美咲"] {
            assert!(Nickname::parse(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn a_stored_nickname_is_read_as_it_is() {
        let old = Nickname::from_stored("Maya\u{3164}").unwrap();
        assert_eq!(old.as_str(), "Maya\u{3164}");
        assert_eq!(
            old.look_alike_keys(),
            Nickname::parse("Maya").unwrap().look_alike_keys(),
            "and it is the same nickname as the one it looks like"
        );
        assert_eq!(Nickname::from_stored(""), None);
    }

    #[test]
    fn a_clash_names_the_nickname_already_there() {
        let maya = Nickname::parse("Maya").unwrap();
        assert_eq!(
            nickname_taken(&Nickname::parse("MAYA").unwrap(), &maya, "in this class"),
            "Someone in this class is already called “Maya”."
        );
        assert_eq!(
            nickname_taken(
                &Nickname::parse("\u{41c}aya").unwrap(),
                &maya,
                "in this session"
            ),
            "“\u{41c}aya” looks the same as “Maya”, who is already in this session."
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
        assert_refused(
            ClassName::parse,
            &[
                ("", ClassProblem::NameMissing),
                (&"x".repeat(81), ClassProblem::NameTooLong),
            ],
        );
        assert_eq!(
            parse_description("Tuesdays\r\nRoom 4").unwrap(),
            "Tuesdays\nRoom 4"
        );
        assert_eq!(
            parse_description(&"x".repeat(501)),
            Err(ClassProblem::DescriptionTooLong)
        );
        for hidden in [
            "ab\u{202e}gnp.exe",
            "10B\u{200b} History",
            "\u{feff}10B",
            "10B\u{2066}",
        ] {
            assert_eq!(
                ClassName::parse(hidden),
                Err(ClassProblem::NameHidden),
                "{hidden:?}"
            );
            assert_eq!(
                parse_description(hidden),
                Err(ClassProblem::DescriptionHidden),
                "{hidden:?}"
            );
        }
        assert_eq!(
            ClassName::parse("10B \u{627}\u{644}\u{62a}\u{627}\u{631}\u{64a}\u{62e}")
                .unwrap()
                .as_str(),
            "10B \u{627}\u{644}\u{62a}\u{627}\u{631}\u{64a}\u{62e}",
            "right-to-left letters themselves are welcome"
        );
    }
}
