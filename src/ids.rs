//! Identifiers: a 128-bit random [`Token`] names every record (rounds, learners,
//! teachers, classes, students, assignments, live sessions and their participants) and
//! every secret a cookie carries.
//!
//! No I/O; randomness comes in as an RNG.

use std::fmt;

use rand::Rng;

/// A 128-bit random identifier, written as 32 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Token([u8; 16]);

impl Token {
    pub fn random(rng: &mut impl Rng) -> Token {
        Token(rng.random())
    }

    /// Reads the 32 lower-case hex digits of a token; only this canonical spelling
    /// names a token, so that one id has one URL.
    pub fn parse(text: &str) -> Option<Token> {
        fn digit(byte: u8) -> Option<u8> {
            match byte {
                b'0'..=b'9' => Some(byte - b'0'),
                b'a'..=b'f' => Some(byte - b'a' + 10),
                _ => None,
            }
        }
        let text = text.as_bytes();
        if text.len() != 32 {
            return None;
        }
        let mut bytes = [0u8; 16];
        for (byte, pair) in bytes.iter_mut().zip(text.chunks_exact(2)) {
            *byte = digit(pair[0])? << 4 | digit(pair[1])?;
        }
        Some(Token(bytes))
    }

    /// The token's 32 hex digits, without going through a formatter (pages and keys
    /// write tokens often).
    pub fn hex(&self) -> [u8; 32] {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = [0u8; 32];
        for (pair, byte) in text.chunks_exact_mut(2).zip(self.0) {
            pair[0] = DIGITS[usize::from(byte >> 4)];
            pair[1] = DIGITS[usize::from(byte & 0x0f)];
        }
        text
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    pub fn from_bytes(bytes: [u8; 16]) -> Token {
        Token(bytes)
    }
}

impl fmt::Display for Token {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.hex();
        // Hex digits are ASCII, so this never fails.
        formatter.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "Token({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_through_their_text() {
        let token = Token::random(&mut rand::rng());
        assert_eq!(Token::parse(&token.to_string()), Some(token));
        assert_eq!(Token::parse("not a token"), None);
        assert_eq!(Token::parse("ABCDEF0123456789ABCDEF0123456789"), None);
        assert_eq!(Token::parse("zz000000000000000000000000000000"), None);
        assert_eq!(Token::parse("0123456789abcdef0123456789abcdeé"), None);
        let token = Token::from_bytes([
            0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xff, 0x10, 0x9a, 0xbc, 0xde,
            0xf0, 0x7e,
        ]);
        assert_eq!(token.to_string(), "000123456789abcdefff109abcdef07e");
        assert_eq!(
            Token::parse("000123456789abcdefff109abcdef07e"),
            Some(token)
        );
    }
}
