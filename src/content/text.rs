//! Finding a quoted passage inside a document while ignoring differences in whitespace.
//!
//! Passages in exercise files are copied from the documents by hand, so line breaks and
//! runs of spaces may differ; everything else must match character for character.
//!
//! The authoring aids' search (`content::aids::find`) folds more: case, typographic
//! quotes and dashes too ([`NormalisedText::for_search`]). Both keep the same map back
//! to the original's byte offsets.

use std::ops::Range;

use memchr::memmem;

/// What a [`NormalisedText`] folds, besides runs of whitespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fold {
    /// Only whitespace: every other character must match exactly (the loader's quotes).
    Whitespace,
    /// Also case (Unicode simple lowercase), ’ ‘ to ', “ ” to " and – — to -.
    Search,
}

/// A character as the search compares it. `char::to_lowercase` is the full mapping,
/// which differs from the simple one only for 'İ' (U+0130: "i" and a combining dot);
/// its first character is the simple mapping ('i'), so every character folds to
/// exactly one character, which keeps the offset map simple.
fn search_fold(character: char) -> char {
    if character.is_ascii() {
        return character.to_ascii_lowercase();
    }
    match character {
        '\u{2018}' | '\u{2019}' => '\'',
        '\u{201C}' | '\u{201D}' => '"',
        '\u{2013}' | '\u{2014}' => '-',
        _ => character.to_lowercase().next().unwrap_or(character),
    }
}

/// A document's text in normalised form (every run of whitespace folded to one space,
/// leading and trailing whitespace dropped, and, for search, case and typographic
/// punctuation folded), with a map back to byte offsets in the original text.
pub struct NormalisedText {
    fold: Fold,
    folded: String,
    /// The map back to the original: `(offset in folded, offset in original)` at the
    /// start of the folded text and wherever the distance between the two changes (a
    /// run of whitespace longer than one byte, a character whose folded form is longer
    /// or shorter), taken at character boundaries of `folded`, the last at its end.
    /// Between two anchors, offsets move together. Sorted by both offsets.
    anchors: Vec<(usize, usize)>,
}

impl NormalisedText {
    /// Whitespace folded, everything else kept exactly (for the loader's quotes).
    pub fn new(original: &str) -> Self {
        Self::build(original, Fold::Whitespace)
    }

    /// Whitespace, case (Unicode simple lowercase), typographic quotes and apostrophes
    /// (’ ‘ “ ” as ' and ") and dashes (– — as -) folded: for a search that should find
    /// a phrase however it was typed or pasted.
    pub fn for_search(original: &str) -> Self {
        Self::build(original, Fold::Search)
    }

    fn build(original: &str, fold: Fold) -> Self {
        let bytes = original.as_bytes();
        let mut folded = String::with_capacity(original.len());
        let mut anchors = vec![(0, 0)];
        // The distance from the folded offset to the original one, as of the last anchor.
        let mut distance = 0isize;
        let mut anchor = |anchors: &mut Vec<(usize, usize)>, at: usize, original: usize| {
            let here = original as isize - at as isize;
            if here != distance {
                distance = here;
                anchors.push((at, original));
            }
        };
        // Characters outside ASCII folded lately, by their lowest bits: natural text
        // uses few of them, and the lowercase tables are a binary search.
        let mut recent = [('\0', '\0'); 64];
        let mut pending_space: Option<usize> = None;
        let mut last_end = 0;
        let mut offset = 0;
        // Where the plain region (see `plain_region`) that `offset` is in ends.
        let mut plain_end = 0;
        while offset < bytes.len() {
            // A run of ASCII whose only whitespace is single spaces between other
            // characters folds to itself (lowercased for search), offsets moving
            // together: it is copied whole. Plain text is mostly such runs.
            if plain_end <= offset {
                plain_end = offset + plain_region(&bytes[offset..]);
            }
            let end = offset + plain_run(&original[offset..plain_end]);
            if end > offset {
                if let Some(space_offset) = pending_space.take() {
                    anchor(&mut anchors, folded.len(), space_offset);
                    folded.push(' ');
                }
                anchor(&mut anchors, folded.len(), offset);
                let from = folded.len();
                folded.push_str(&original[offset..end]);
                if fold == Fold::Search {
                    folded[from..].make_ascii_lowercase();
                }
                offset = end;
                last_end = end;
                continue;
            }
            let byte = bytes[offset];
            let (character, length) = if byte.is_ascii() {
                (char::from(byte), 1)
            } else {
                let character = original[offset..].chars().next().unwrap_or_default();
                (character, character.len_utf8())
            };
            if character.is_whitespace() {
                if pending_space.is_none() && !folded.is_empty() {
                    pending_space = Some(offset);
                }
                offset += length;
                continue;
            }
            if let Some(space_offset) = pending_space.take() {
                anchor(&mut anchors, folded.len(), space_offset);
                folded.push(' ');
            }
            anchor(&mut anchors, folded.len(), offset);
            folded.push(match fold {
                Fold::Whitespace => character,
                Fold::Search if byte.is_ascii() => character.to_ascii_lowercase(),
                Fold::Search => {
                    let slot = &mut recent[character as usize % 64];
                    if slot.0 != character {
                        *slot = (character, search_fold(character));
                    }
                    slot.1
                }
            });
            offset += length;
            last_end = offset;
        }
        anchor(&mut anchors, folded.len(), last_end);
        NormalisedText {
            fold,
            folded,
            anchors,
        }
    }

    /// The offset in the original of a character boundary of the folded text.
    fn original_offset(&self, folded_offset: usize) -> usize {
        let index = self
            .anchors
            .partition_point(|&(at, _)| at <= folded_offset)
            .saturating_sub(1);
        let (at, original) = self.anchors[index];
        original + (folded_offset - at)
    }

    fn original_range(&self, folded: Range<usize>) -> Range<usize> {
        self.original_offset(folded.start)..self.original_offset(folded.end)
    }

    /// `passage` folded as this text is, or `None` if nothing is left of it.
    fn needle(&self, passage: &str) -> Option<String> {
        let needle = Self::build(passage, self.fold).folded;
        (!needle.is_empty()).then_some(needle)
    }

    /// The byte range in the original text where `passage` occurs (first occurrence),
    /// comparing after folding both.
    pub fn find(&self, passage: &str) -> Option<Range<usize>> {
        let needle = self.needle(passage)?;
        let start = memmem::find(self.folded.as_bytes(), needle.as_bytes())?;
        Some(self.original_range(start..start + needle.len()))
    }

    /// Every byte range in the original text where `passage` occurs, comparing after
    /// folding both, in order; occurrences do not overlap (each search resumes after
    /// the last one found). An empty or blank passage occurs nowhere.
    pub fn find_all<'a>(&'a self, passage: &str) -> impl Iterator<Item = Range<usize>> + 'a {
        let finder = self
            .needle(passage)
            .map(|needle| memmem::Finder::new(needle.as_bytes()).into_owned());
        let mut from = 0;
        std::iter::from_fn(move || {
            let finder = finder.as_ref()?;
            let start = from + finder.find(self.folded.as_bytes().get(from..)?)?;
            from = start + finder.needle().len();
            Some(self.original_range(start..from))
        })
    }

    /// How many times `passage` occurs in the text, as [`NormalisedText::find_all`]
    /// finds it (without overlaps).
    pub fn count(&self, passage: &str) -> usize {
        self.needle(passage).map_or(0, |needle| {
            memmem::find_iter(self.folded.as_bytes(), needle.as_bytes()).count()
        })
    }

    /// Whether `passage` occurs in the text, after folding both.
    pub fn contains(&self, passage: &str) -> bool {
        self.needle(passage)
            .is_some_and(|needle| memmem::find(self.folded.as_bytes(), needle.as_bytes()).is_some())
    }
}

/// The length of the run at the start of `bytes` of ASCII without control characters
/// (whitespace included: spaces only).
fn plain_region(bytes: &[u8]) -> usize {
    const CHUNK: usize = 16;
    let plain = |byte: u8| (b' '..0x80).contains(&byte);
    let mut end = 0;
    // Whole chunks at a time (without an early exit, the compiler vectorises it).
    while end + CHUNK <= bytes.len()
        && bytes[end..end + CHUNK]
            .iter()
            .fold(true, |all, &byte| all & plain(byte))
    {
        end += CHUNK;
    }
    end + bytes[end..].iter().take_while(|&&byte| plain(byte)).count()
}

/// The length of the run at the start of `region` (a plain region, see
/// [`plain_region`]) that folds to itself but for case: whose only whitespace is single
/// spaces between other characters. It looks no further than that run's end, so that
/// folding stays linear however often double spaces cut a region short.
fn plain_run(region: &str) -> usize {
    if region.starts_with(' ') {
        return 0;
    }
    let run = if region.contains("  ") {
        &region[..region.find("  ").unwrap_or(region.len())]
    } else {
        region
    };
    run.trim_end_matches(' ').len()
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

    fn search<'a>(document: &'a str, passage: &str) -> Vec<&'a str> {
        NormalisedText::for_search(document)
            .find_all(passage)
            .map(|range| &document[range])
            .collect()
    }

    #[test]
    fn the_search_folds_case_quotes_and_dashes_and_maps_back_exactly() {
        assert_eq!(search("The UN said", "un SAID"), ["UN said"]);
        assert_eq!(
            search("Russia\u{2019}s  \u{201C}war\u{201D}", "russia's \"WAR\""),
            ["Russia\u{2019}s  \u{201C}war\u{201D}"]
        );
        assert_eq!(
            search("1991\u{2013}1992 and 1991\u{2014}1992", "1991-1992"),
            ["1991\u{2013}1992", "1991\u{2014}1992"]
        );
        // Lowercase forms of another length: İ (2 bytes) folds to i (1), the Kelvin sign
        // (3) to k (1), Ⱥ (2) to ⱥ (3).
        assert_eq!(search("AVİM and avim", "avim"), ["AVİM", "avim"]);
        assert_eq!(
            search("5 \u{212A}elvin, Ⱥb", "kelvin, ⱥB"),
            ["\u{212A}elvin, Ⱥb"]
        );
        assert_eq!(
            search("x\u{2009}\u{2009}İİ\u{2003}y", "iİ y"),
            ["İİ\u{2003}y"]
        );
        assert_eq!(search("aaaa", "aa"), ["aa", "aa"]);
        assert_eq!(NormalisedText::for_search("a A\na a").count("A A"), 2);
        assert_eq!(NormalisedText::for_search("text").count(" "), 0);
        assert!(search("text", " \n ").is_empty());
    }

    #[test]
    fn the_loader_s_find_still_keeps_case_and_quotes() {
        let normalised = NormalisedText::new("Khojaly \u{2019}92");
        assert!(normalised.contains("Khojaly  \u{2019}92"));
        assert!(!normalised.contains("khojaly"));
        assert!(!normalised.contains("'92"));
    }

    #[test]
    fn the_offset_map_holds_on_pseudo_random_texts() {
        const PIECES: [&str; 20] = [
            "word",
            "Word ",
            " ",
            "  ",
            "\t",
            "\n\n",
            "\u{A0}",
            "\u{2009}",
            "İ",
            "\u{212A}",
            "Ⱥ",
            "\u{2019}",
            "\u{201C}",
            "\u{2014}",
            "é",
            "A long plain sentence, with CAPITALS. ",
            "x",
            "-",
            "\r\n",
            "𝄞",
        ];
        let mut state = 7u64;
        let mut next = |bound: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % bound
        };
        for _ in 0..200 {
            let text: String = (0..next(40)).map(|_| PIECES[next(PIECES.len())]).collect();
            for fold in [Fold::Whitespace, Fold::Search] {
                let normalised = NormalisedText::build(&text, fold);
                let by_hand: Vec<String> = text
                    .split_whitespace()
                    .map(|word| match fold {
                        Fold::Whitespace => word.to_string(),
                        Fold::Search => word.chars().map(search_fold).collect(),
                    })
                    .collect();
                assert_eq!(normalised.folded, by_hand.join(" "), "{text:?}");
                // Every stretch of the folded text maps back to text that folds to it.
                let boundaries: Vec<usize> = normalised
                    .folded
                    .char_indices()
                    .map(|(at, _)| at)
                    .chain([normalised.folded.len()])
                    .collect();
                for _ in 0..20 {
                    let (a, b) = (next(boundaries.len()), next(boundaries.len()));
                    let (start, end) = (boundaries[a.min(b)], boundaries[a.max(b)]);
                    let stretch = &normalised.folded[start..end];
                    if stretch.starts_with(' ') || stretch.ends_with(' ') || stretch.is_empty() {
                        continue;
                    }
                    let range = normalised.original_range(start..end);
                    let original = &text[range];
                    assert_eq!(original, original.trim(), "{text:?}");
                    assert_eq!(
                        NormalisedText::build(original, fold).folded,
                        stretch,
                        "{text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn folding_stays_linear_when_runs_are_cut_short() {
        // Two spaces after every sentence of one long line: each cuts a run.
        let text = "A sentence ends.  ".repeat(20_000);
        let normalised = NormalisedText::for_search(&text);
        assert_eq!(normalised.folded, fold_whitespace(&text).to_lowercase());
        assert_eq!(normalised.count("ends. a"), 19_999);
    }
}
