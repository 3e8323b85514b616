//! Comparing two versions of the same quoted words, word by word.
//!
//! A quote exercise shows what one document attributes to a speaker; its feedback sets
//! every other document's version beside it with the differences marked. The marks are
//! computed here from the verbatim passages, never written by hand. Words are compared
//! without regard to letter case, to the quotation marks around them and to the one mark
//! of punctuation that ends them, because a quote set inside another sentence changes
//! those without changing the words. Everything else counts: a changed spelling, an
//! ellipsis standing for dropped words (alone or at the end of a word), square brackets
//! that mark an editor's insertion, a possessive apostrophe.
//!
//! The alignment is a Myers diff from the `similar` crate over the words' keys.

use similar::{Algorithm, DiffOp, capture_diff_slices};

/// Whether a run of words is in both versions or in one only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// In both versions.
    Same,
    /// In the quote the exercise shows, missing from this version.
    Missing,
    /// In this version only.
    Added,
}

/// A run of words with the same [`Change`], as written in its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffPiece {
    pub change: Change,
    pub text: String,
}

impl DiffPiece {
    pub fn is_same(&self) -> bool {
        self.change == Change::Same
    }
    pub fn is_missing(&self) -> bool {
        self.change == Change::Missing
    }
    pub fn is_added(&self) -> bool {
        self.change == Change::Added
    }
}

/// Double quotation marks, which may stand around a quoted word without changing it.
fn is_double_quote(character: char) -> bool {
    matches!(character, '"' | '“' | '”' | '„')
}

/// What each word of `words` is compared by: lower case, curly apostrophes made
/// straight, without the double quotation marks around it, the one mark of punctuation
/// that ends it, or the single quotation marks that open and close a quoted phrase. An
/// ellipsis ("...", "…") is never dropped, whether it stands alone or ends a word, and
/// neither is an apostrophe that ends a word outside a quoted phrase (a plural
/// possessive). A word of punctuation alone is compared as it is.
fn keys(words: &[&str]) -> Vec<String> {
    let mut in_single_quotes = false;
    words
        .iter()
        .map(|word| {
            let mut core = word.trim_start_matches(is_double_quote);
            loop {
                let trimmed = core.trim_end_matches(is_double_quote);
                let trimmed = match trimmed.strip_suffix([',', ';', ':', '!', '?', '.']) {
                    Some(shorter) if !trimmed.ends_with("..") => shorter,
                    _ => trimmed,
                };
                if trimmed.len() == core.len() {
                    break;
                }
                core = trimmed;
            }
            if core.len() > 1
                && let Some(rest) = core.strip_prefix(['\'', '‘'])
            {
                core = rest;
                in_single_quotes = true;
            }
            if in_single_quotes && let Some(rest) = core.strip_suffix(['\'', '’']) {
                core = rest;
                in_single_quotes = false;
            }
            let core = if core.is_empty() { *word } else { core };
            core.chars()
                .flat_map(char::to_lowercase)
                .map(|character| match character {
                    '’' | '‘' => '\'',
                    other => other,
                })
                .collect()
        })
        .collect()
}

/// The words of `version` compared with the words of `shown`: runs of words in both,
/// words only `version` has (added) and words only `shown` has (missing), in reading
/// order. The text of each run is as its version writes it.
pub fn word_diff(shown: &str, version: &str) -> Vec<DiffPiece> {
    let old_words: Vec<&str> = shown.split_whitespace().collect();
    let new_words: Vec<&str> = version.split_whitespace().collect();
    let old_keys = keys(&old_words);
    let new_keys = keys(&new_words);
    let mut pieces: Vec<DiffPiece> = Vec::new();
    let mut push = |change: Change, words: &[&str]| {
        if words.is_empty() {
            return;
        }
        let text = words.join(" ");
        match pieces.last_mut() {
            Some(last) if last.change == change => {
                last.text.push(' ');
                last.text.push_str(&text);
            }
            _ => pieces.push(DiffPiece { change, text }),
        }
    };
    for operation in capture_diff_slices(Algorithm::Myers, &old_keys, &new_keys) {
        match operation {
            DiffOp::Equal { new_index, len, .. } => {
                push(Change::Same, &new_words[new_index..new_index + len])
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => push(Change::Missing, &old_words[old_index..old_index + old_len]),
            DiffOp::Insert {
                new_index, new_len, ..
            } => push(Change::Added, &new_words[new_index..new_index + new_len]),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                push(Change::Missing, &old_words[old_index..old_index + old_len]);
                push(Change::Added, &new_words[new_index..new_index + new_len]);
            }
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(pieces: &[DiffPiece]) -> String {
        pieces
            .iter()
            .map(|piece| match piece.change {
                Change::Same => piece.text.clone(),
                Change::Missing => format!("[-{}-]", piece.text),
                Change::Added => format!("{{+{}+}}", piece.text),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn the_same_words_are_one_run_whatever_the_case_quotes_and_line_breaks() {
        let pieces = word_diff(
            "“before Khojaly, the Azerbaijanis thought",
            "Before Khojaly the\nAzerbaijanis thought",
        );
        assert_eq!(pieces.len(), 1);
        assert_eq!(pieces[0].change, Change::Same);
        assert_eq!(pieces[0].text, "Before Khojaly the Azerbaijanis thought");
    }

    #[test]
    fn dropped_words_and_an_ellipsis_are_marked() {
        let pieces = word_diff(
            "the Azerbaijanis thought that ... the Armenians were people",
            "the Azerbaijanis thought that they were joking with us, they thought that the Armenians were people",
        );
        assert_eq!(
            render(&pieces),
            "the Azerbaijanis thought that [-...-] {+they were joking with us, they thought that+} the Armenians were people"
        );
    }

    #[test]
    fn spellings_and_brackets_count_as_differences() {
        assert_eq!(
            render(&word_diff("Before Khojali,", "Before Khojaly,")),
            "Before [-Khojali,-] {+Khojaly,+}"
        );
        assert_eq!(
            render(&word_diff(
                "break that stereotype",
                "break that [stereotype]."
            )),
            "break that [-stereotype-] {+[stereotype].+}"
        );
    }

    #[test]
    fn a_stronger_word_is_marked_as_a_change() {
        assert_eq!(
            render(&word_diff(
                "the greatest genocide during Karabakh War",
                "the largest massacre to date in the conflict"
            )),
            "the [-greatest genocide during Karabakh War-] {+largest massacre to date in the conflict+}"
        );
    }

    #[test]
    fn an_ellipsis_and_a_possessive_apostrophe_count_wherever_they_stand() {
        assert_eq!(
            render(&word_diff(
                "they thought that... the Armenians",
                "they thought that they were joking the Armenians"
            )),
            "they thought [-that...-] {+that they were joking+} the Armenians"
        );
        assert_eq!(
            render(&word_diff("the Armenians’ attack", "the Armenians attack")),
            "the [-Armenians’-] {+Armenians+} attack"
        );
        assert_eq!(
            render(&word_diff(
                "a 'free corridor', they said",
                "a free corridor, they said."
            )),
            "a free corridor, they said."
        );
        assert_eq!(
            render(&word_diff("“that stereotype”.", "that stereotype")),
            "that stereotype"
        );
    }

    #[test]
    fn identical_versions_have_no_marks() {
        let pieces = word_diff("acts of particular gravity", "acts of particular gravity");
        assert!(pieces.iter().all(DiffPiece::is_same));
        assert!(word_diff("", "").is_empty());
    }
}
