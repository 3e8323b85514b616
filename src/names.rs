//! The checks every name people type goes through: nicknames, class names and
//! descriptions, teachers' display names.
//!
//! - Hidden characters: characters that show nothing, or that change how the text
//!   around them is shown, are refused wherever people type names. They are the
//!   control characters and every Default_Ignorable_Code_Point of Unicode: the
//!   bidirectional controls (U+061C, U+200E/F, U+202A–202E, U+2066–2069: “ab”, U+202E,
//!   “gnp.exe” shows as “abexe.png”), zero-width characters, the byte-order mark
//!   U+FEFF, the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0, which phones draw as
//!   blanks), variation selectors and tags; and the interlinear annotation characters
//!   U+FFF9–FFFB, which hide the text between them.
//! - Nicknames are compared in NFKC (fullwidth “Ｍａｙａ” is “Maya”) and may not stack
//!   more than two combining marks on a letter (text that spills over its neighbours).
//! - Two nicknames that look alike are the same nickname: they are compared by their
//!   confusable skeletons (Unicode Technical Standard #39), see [`look_alike_keys`].
//!
//! No I/O. The Unicode data come from the crates `unicode-normalization` (NFKC, which
//! characters are combining marks) and `unicode-security` (skeletons).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// At most this many combining marks may follow one another in a nickname: enough for
/// any letter of a living language typed in NFC (which composes most accents into
/// the letter), not enough to draw a tower over the neighbouring lines.
pub const MAX_MARKS_IN_A_ROW: usize = 2;

/// The Default_Ignorable_Code_Point ranges of Unicode (DerivedCoreProperties.txt):
/// characters that a renderer shows as nothing when it has no glyph for them. The
/// unit tests check this table against the one `unicode-security` drops from a
/// skeleton, which is the same property.
const DEFAULT_IGNORABLE: &[(char, char)] = &[
    ('\u{ad}', '\u{ad}'),       // soft hyphen
    ('\u{34f}', '\u{34f}'),     // combining grapheme joiner
    ('\u{61c}', '\u{61c}'),     // Arabic letter mark (a bidi control)
    ('\u{115f}', '\u{1160}'),   // Hangul choseong and jungseong fillers
    ('\u{17b4}', '\u{17b5}'),   // Khmer inherent vowels
    ('\u{180b}', '\u{180f}'),   // Mongolian variation selectors, vowel separator
    ('\u{200b}', '\u{200f}'),   // zero width space, non-joiner, joiner; LRM, RLM
    ('\u{202a}', '\u{202e}'),   // bidi embeddings and overrides
    ('\u{2060}', '\u{206f}'),   // word joiner, invisible operators, bidi isolates…
    ('\u{3164}', '\u{3164}'),   // Hangul filler
    ('\u{fe00}', '\u{fe0f}'),   // variation selectors 1–16
    ('\u{feff}', '\u{feff}'),   // zero width no-break space, the byte-order mark
    ('\u{ffa0}', '\u{ffa0}'),   // halfwidth Hangul filler
    ('\u{fff0}', '\u{fff8}'),   // unassigned, reserved as ignorable
    ('\u{1bca0}', '\u{1bca3}'), // shorthand format controls
    ('\u{1d173}', '\u{1d17a}'), // musical symbol format controls
    ('\u{e0000}', '\u{e0fff}'), // tags, variation selectors 17–256, reserved
];

/// Whether `c` is a Default_Ignorable_Code_Point of Unicode.
pub fn is_default_ignorable(c: char) -> bool {
    DEFAULT_IGNORABLE
        .binary_search_by(|&(first, last)| {
            if last < c {
                std::cmp::Ordering::Less
            } else if first > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Whether `c` is one of the characters that control the direction of text: the
/// Arabic letter mark, the left-to-right and right-to-left marks, embeddings,
/// overrides and isolates. (Each is also default-ignorable, so [`is_invisible`]
/// covers them; they are named here for the tests and for the record.)
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` shows nothing, or changes how the text around it shows, without being
/// a control character: the default-ignorable characters (bidi controls, zero-width
/// characters, the byte-order mark, Hangul fillers, variation selectors, tags) and the
/// interlinear annotation characters.
pub fn is_invisible(c: char) -> bool {
    is_default_ignorable(c) || is_bidi_control(c) || matches!(c, '\u{fff9}'..='\u{fffb}')
}

/// Whether `text` holds a control character other than those in `allowed` (a
/// description may hold line breaks and tabs).
pub fn has_control(text: &str, allowed: &[char]) -> bool {
    text.chars()
        .any(|c| c.is_control() && !allowed.contains(&c))
}

/// A one-line name (a class's name, a teacher's display name) without the spaces around
/// it, if it has 1 to `max_characters` characters and no control or hidden characters.
/// Otherwise the problem to report, from `problems`: the name is missing, too long,
/// holds a control character, or holds a hidden character.
pub fn check_line<E>(text: &str, max_characters: usize, problems: [E; 4]) -> Result<&str, E> {
    let [missing, too_long, control, hidden] = problems;
    let text = text.trim();
    if text.is_empty() {
        return Err(missing);
    }
    if text.chars().count() > max_characters {
        return Err(too_long);
    }
    if has_control(text, &[]) {
        return Err(control);
    }
    if has_invisible(text) {
        return Err(hidden);
    }
    Ok(text)
}

/// Whether `text` holds an invisible character (see [`is_invisible`]).
pub fn has_invisible(text: &str) -> bool {
    text.chars().any(is_invisible)
}

/// Whether `text` has letters, digits or signs that can be seen: anything other than
/// invisible characters, control characters and white space.
pub fn has_visible(text: &str) -> bool {
    text.chars()
        .any(|c| !is_invisible(c) && !c.is_control() && !c.is_whitespace())
}

/// `text` in Normalization Form KC: compatibility forms (fullwidth letters, ligatures,
/// mathematical letters, superscripts) become the plain letters, and accents are
/// composed into their letters where Unicode has a composed letter.
pub fn nfkc(text: &str) -> String {
    text.nfkc().collect()
}

/// Whether more than [`MAX_MARKS_IN_A_ROW`] combining marks follow one another in
/// `text`.
pub fn has_stacked_marks(text: &str) -> bool {
    let mut in_a_row = 0;
    for c in text.chars() {
        if is_combining_mark(c) {
            in_a_row += 1;
            if in_a_row > MAX_MARKS_IN_A_ROW {
                return true;
            }
        } else {
            in_a_row = 0;
        }
    }
    false
}

/// The UTS #39 confusable skeleton of `text`: each character replaced by the prototype
/// of the characters it can be mistaken for, default-ignorable characters dropped.
/// Two strings that look alike have the same skeleton (“Maya” in Latin, with a
/// Cyrillic “М”, or with a Greek “Μ” are all “Maya”).
pub fn skeleton(text: &str) -> String {
    unicode_security::skeleton(text).collect()
}

/// The keys under which a nickname (already in NFKC) is unique in its class or live
/// session: two nicknames are the same if they share a key. There are two, for case
/// and look-alikes do not mix in one string:
///
/// - the skeleton of the nickname in lower case, so that case does not count (“MAYA”,
///   “Maya” and “maya” share “rnaya”, and so does “rnaya”, which looks like “maya”);
/// - the skeleton of the lower case of the nickname's skeleton, so that a capital
///   that looks like a Latin capital counts as that capital. Cyrillic “Мaya” looks
///   like “Maya”, but its lower case “мaya” does not look like “maya”: its first key
///   is that of “мaya”, its second that of “Maya”.
///
/// The keys are the same for most nicknames, and then only one is given.
pub fn look_alike_keys(nickname: &str) -> Vec<String> {
    let of_lower_case = skeleton(&nickname.to_lowercase());
    let of_look = skeleton(&skeleton(nickname).to_lowercase());
    if of_look == of_lower_case {
        vec![of_lower_case]
    } else {
        vec![of_lower_case, of_look]
    }
}

/// Checks that `parse` refuses each text of `cases` with its problem: the tests of each
/// kind of name (usernames, nicknames, class names, …) list their refusals this way.
#[cfg(test)]
pub(crate) fn assert_refused<T, Problem>(
    parse: impl Fn(&str) -> Result<T, Problem>,
    cases: &[(&str, Problem)],
) where
    T: std::fmt::Debug + PartialEq,
    Problem: std::fmt::Debug + PartialEq + Copy,
{
    for &(text, problem) in cases {
        assert_eq!(parse(text), Err(problem), "{text:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(first: &str, second: &str) -> bool {
        let first = look_alike_keys(&nfkc(first));
        let second = look_alike_keys(&nfkc(second));
        first.iter().any(|key| second.contains(key))
    }

    #[test]
    fn the_table_of_default_ignorables_is_the_one_skeletons_drop() {
        // A skeleton drops exactly the default-ignorable characters; no other character
        // has an empty skeleton. So the two tables agree if, for every character, the
        // skeleton is empty when and only when the table holds the character.
        let mut disagree = Vec::new();
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            if skeleton(c.encode_utf8(&mut [0; 4])).is_empty() != is_default_ignorable(c) {
                disagree.push(format!("U+{:04X}", c as u32));
            }
        }
        assert!(disagree.is_empty(), "{disagree:?}");
        assert!(
            DEFAULT_IGNORABLE
                .windows(2)
                .all(|pair| pair[0].1 < pair[1].0),
            "sorted, for the binary search"
        );
    }

    #[test]
    fn what_m6_and_l1_name_is_invisible() {
        for c in [
            '\u{61c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}',
            '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ] {
            assert!(is_bidi_control(c) && is_invisible(c), "U+{:04X}", c as u32);
        }
        for c in [
            '\u{200b}',
            '\u{200c}',
            '\u{200d}',
            '\u{2060}',
            '\u{feff}',
            '\u{3164}',
            '\u{ffa0}',
            '\u{115f}',
            '\u{1160}',
            '\u{fe0f}',
            '\u{e0041}',
            '\u{e0100}',
            '\u{ad}',
            '\u{fff9}',
        ] {
            assert!(is_invisible(c), "U+{:04X}", c as u32);
        }
        for c in ['a', 'М', 'ㅎ', ' ', '-', '\u{301}', 'ß', '美'] {
            assert!(!is_invisible(c), "U+{:04X}", c as u32);
        }
        assert!(has_control("a\u{7}b", &[]));
        assert!(!has_control("a\nb", &['\n']));
        assert!(!has_visible("\u{3164}\u{3164} \u{200b}"));
        assert!(has_visible("\u{3164}a"));
    }

    #[test]
    fn nfkc_makes_compatibility_forms_plain() {
        assert_eq!(nfkc("\u{ff2d}\u{ff41}\u{ff59}\u{ff41}"), "Maya");
        assert_eq!(nfkc("\u{1d40c}aya"), "Maya", "a mathematical bold M");
        assert_eq!(
            nfkc("Zoe\u{308}"),
            "Zoë",
            "an accent composed into its letter"
        );
        assert_eq!(nfkc("\u{fb01}ona"), "fiona", "a ligature");
    }

    #[test]
    fn more_than_two_marks_in_a_row_are_stacked() {
        assert!(!has_stacked_marks("Zoë"));
        assert!(!has_stacked_marks("Zoe\u{308}\u{301}"));
        assert!(has_stacked_marks("Ma\u{363}\u{364}\u{365}ya"));
        assert!(has_stacked_marks("Z\u{334}\u{321}\u{322}a"));
        assert!(!has_stacked_marks("ক্ষি"), "a Bengali conjunct");
    }

    #[test]
    fn look_alikes_share_a_key_and_case_does_not_count() {
        for look_alike in [
            "Maya",
            "MAYA",
            "maya",
            "\u{41c}aya",                           // Cyrillic capital em
            "M\u{430}y\u{430}",                     // Cyrillic small a
            "\u{39c}\u{3b1}ya",                     // Greek capital mu, small alpha
            "\u{ff2d}\u{ff41}\u{ff59}\u{ff41}",     // fullwidth
            "\u{1d40c}\u{1d41a}\u{1d432}\u{1d41a}", // mathematical bold
            "rnaya",                                // r and n side by side look like m
        ] {
            assert!(same("Maya", look_alike), "{look_alike}");
        }
        assert!(same("Ian", "ian"), "case, where I also looks like l");
        assert!(same("Ian", "lan"), "capital I and small l");
        assert!(same("ΟΔΥΣΣΈΑΣ", "Οδυσσέας"), "Greek, final sigma and all");
        assert!(same("КИРА", "кира"), "Cyrillic, whatever the case");
        assert!(same("\u{41c}aya", "\u{43c}aya"), "Cyrillic М and м");
        for different in ["Mayo", "Maia", "\u{43c}aya", "Kira", "Sam"] {
            assert!(!same("Maya", different), "{different}");
        }
        assert!(!same("ian", "lan"));
        assert_eq!(look_alike_keys("Maya").len(), 1);
        assert_eq!(look_alike_keys("\u{41c}aya").len(), 2);
    }
}
