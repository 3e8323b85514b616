//! Finding a quoted passage inside a document while ignoring differences in whitespace.
//!
//! Passages in exercise files are copied from the documents by hand, so line breaks and
//! runs of spaces may differ; everything else must match character for character.

use std::ops::Range;

/// A document's text in normalised form (every run of whitespace folded to one space),
/// with a map back to byte offsets in the original text.
pub struct NormalisedText {
    folded: String,
    /// For every byte of `folded`, the offset of the corresponding byte in the original.
    original_offsets: Vec<usize>,
}

impl NormalisedText {
    pub fn new(original: &str) -> Self {
        let mut folded = String::with_capacity(original.len());
        let mut original_offsets = Vec::with_capacity(original.len());
        let mut pending_space: Option<usize> = None;
        for (offset, character) in original.char_indices() {
            if character.is_whitespace() {
                if pending_space.is_none() && !folded.is_empty() {
                    pending_space = Some(offset);
                }
                continue;
            }
            if let Some(space_offset) = pending_space.take() {
                folded.push(' ');
                original_offsets.push(space_offset);
            }
            let start = folded.len();
            folded.push(character);
            original_offsets.extend((0..folded.len() - start).map(|k| offset + k));
        }
        NormalisedText {
            folded,
            original_offsets,
        }
    }

    /// The byte range in the original text where `passage` occurs (first occurrence),
    /// comparing after folding whitespace in both.
    pub fn find(&self, passage: &str) -> Option<Range<usize>> {
        let needle = fold_whitespace(passage);
        if needle.is_empty() {
            return None;
        }
        let start = self.folded.find(&needle)?;
        let end = start + needle.len();
        Some(self.original_offsets[start]..self.original_offsets[end - 1] + 1)
    }

    /// Whether `passage` occurs in the text, after folding whitespace.
    pub fn contains(&self, passage: &str) -> bool {
        let needle = fold_whitespace(passage);
        !needle.is_empty() && self.folded.contains(&needle)
    }
}

/// Folds every run of whitespace into a single space and trims both ends.
pub fn fold_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(document: &str, passage: &str, expected: Option<&str>) {
        let normalised = NormalisedText::new(document);
        let found = normalised.find(passage).map(|range| &document[range]);
        assert_eq!(found, expected, "looking for {passage:?} in {document:?}");
    }

    #[test]
    fn finds_passages_across_line_breaks_and_runs_of_spaces() {
        check("one two\nthree", "two three", Some("two\nthree"));
        check(
            "one  two\n\n  three four",
            "two three",
            Some("two\n\n  three"),
        );
        check("  leading text", "leading", Some("leading"));
        check("a\tb", " a b ", Some("a\tb"));
    }

    #[test]
    fn keeps_every_other_character_exact() {
        check("613 civilians", "613 civilian", Some("613 civilian"));
        check("613 civilians", "613 Civilians", None);
        check("Khojaly", "Khojali", None);
        check("“quoted”", "\"quoted\"", None);
        check("a-b", "a - b", None);
    }

    #[test]
    fn handles_multi_byte_characters_at_the_edges() {
        check(
            "Xocalı faciəsi is",
            "Xocalı faciəsi",
            Some("Xocalı faciəsi"),
        );
        check("AVİM", "İM", Some("İM"));
    }

    #[test]
    fn an_empty_passage_is_never_found() {
        check("text", "", None);
        check("text", "   ", None);
    }
}
