//! A pack's glossary: plain definitions of the terms its documents and explanations
//! use, and finding the first use of each term in a text so that a page can link it.
//! Every page that shows a pack's texts does this, so the forms are found in one pass
//! over a text by an Aho-Corasick automaton (the `aho-corasick` crate, which the regex
//! engine already brings), not by one search per form.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};

/// One entry of the glossary.
#[derive(Debug)]
pub struct Term {
    pub(super) id: String,
    pub(super) term: String,
    pub(super) aliases: Vec<String>,
    pub(super) definition: String,
    pub(super) attribution: Option<String>,
}

impl Term {
    /// The anchor of the entry on the glossary page.
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn term(&self) -> &str {
        &self.term
    }
    /// Other spellings and forms that link to the entry.
    pub fn aliases(&self) -> &[String] {
        &self.aliases
    }
    pub fn definition(&self) -> &str {
        &self.definition
    }
    /// Whose definition it is, where the meaning is disputed.
    pub fn attribution(&self) -> Option<&str> {
        self.attribution.as_deref()
    }
}

/// The terms of a pack, in the order of its glossary file, with the automata that find
/// their written forms in a text in one pass (Aho-Corasick).
#[derive(Debug, Default)]
pub struct Glossary {
    terms: Vec<Term>,
    /// Forms in any letter case, and the term each belongs to.
    any_case: Option<(AhoCorasick, Vec<usize>)>,
    /// Abbreviations such as "CIS", which match only in capitals.
    exact: Option<(AhoCorasick, Vec<usize>)>,
    /// The uses found in the pack's own texts when it loaded, by each text's address
    /// and length ([`Glossary::remember`]).
    known: HashMap<(usize, usize), Uses>,
}

/// Written forms, each with the index of its term.
type Forms = Vec<(String, usize)>;

/// Uses of terms in a text: each one's byte range and the index of its term.
type Uses = Vec<(Range<usize>, usize)>;

/// A form written in capitals only (at least two letters) is an abbreviation.
fn is_abbreviation(form: &str) -> bool {
    form.chars()
        .filter(|character| character.is_uppercase())
        .count()
        >= 2
        && !form.chars().any(char::is_lowercase)
}

fn is_word_character(character: Option<char>) -> bool {
    character.is_some_and(char::is_alphanumeric)
}

/// An automaton over `forms` (each with its term), or none when there are none.
fn automaton(forms: Forms, any_case: bool) -> Option<(AhoCorasick, Vec<usize>)> {
    if forms.is_empty() {
        return None;
    }
    let (patterns, terms): (Vec<String>, Vec<usize>) = forms.into_iter().unzip();
    AhoCorasick::builder()
        .ascii_case_insensitive(any_case)
        .match_kind(MatchKind::LeftmostLongest)
        .build(patterns)
        .ok()
        .map(|automaton| (automaton, terms))
}

impl Glossary {
    pub(super) fn new(terms: Vec<Term>) -> Glossary {
        let (exact, any_case): (Forms, Forms) = terms
            .iter()
            .enumerate()
            .flat_map(|(index, term)| {
                std::iter::once(&term.term)
                    .chain(term.aliases.iter())
                    .map(move |form| (form.clone(), index))
            })
            .partition(|(form, _)| is_abbreviation(form));
        Glossary {
            terms,
            any_case: automaton(any_case, true),
            exact: automaton(exact, false),
            known: HashMap::new(),
        }
    }

    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Every whole-word use of a term in `text`, as its byte range and the term's
    /// index, in reading order and never overlapping. A form inside a longer word does
    /// not count. The automata report the leftmost-longest matches, which do not
    /// overlap, in one pass: that is half the cost of reporting every overlapping match,
    /// and a use is missed only when a form found inside a longer word hides a real use
    /// starting within it (the term is then linked at its next use).
    fn uses(&self, text: &str) -> Uses {
        let mut found: Uses = Vec::new();
        for (automaton, owners) in self.any_case.iter().chain(self.exact.iter()) {
            for matched in automaton.find_iter(text) {
                let range = matched.range();
                if is_word_character(text[..range.start].chars().next_back())
                    || is_word_character(text[range.end..].chars().next())
                {
                    continue;
                }
                found.push((range, owners[matched.pattern().as_usize()]));
            }
        }
        // The two automata's matches, merged; at the same place the longer one.
        found.sort_by_key(|(range, _)| (range.start, std::cmp::Reverse(range.end)));
        let mut kept: Uses = Vec::with_capacity(found.len());
        for (range, term) in found {
            if kept.last().is_none_or(|(last, _)| range.start >= last.end) {
                kept.push((range, term));
            }
        }
        kept
    }

    /// Finds the uses in `text` once, when the pack loads, so that a page showing it
    /// only looks them up. `text` must live as long as the glossary (a text of the
    /// same pack): it is known by its address and length.
    pub(super) fn remember(&mut self, text: &str) {
        if self.terms.is_empty() || text.is_empty() {
            return;
        }
        let uses = self.uses(text);
        self.known
            .insert((text.as_ptr() as usize, text.len()), uses);
    }

    /// The uses found at load in `text`, if it is one of the pack's texts or a part of
    /// one (the reader page shows a document in three parts around the passage): a use
    /// that crosses the edge of the part is left out.
    fn known_uses(&self, text: &str) -> Option<Cow<'_, Uses>> {
        let start = text.as_ptr() as usize;
        if let Some(uses) = self.known.get(&(start, text.len())) {
            return Some(Cow::Borrowed(uses));
        }
        let (&(whole, _), uses) = self.known.iter().find(|&(&(whole, length), _)| {
            whole <= start && start + text.len() <= whole + length
        })?;
        let part = start - whole..start - whole + text.len();
        Some(Cow::Owned(
            uses.iter()
                .filter(|(range, _)| part.start <= range.start && range.end <= part.end)
                .map(|(range, term)| (range.start - part.start..range.end - part.start, *term))
                .collect(),
        ))
    }

    /// The first use in `text` of each term that `seen` does not mark yet, as the byte
    /// range of the words and the term's index, in reading order and never
    /// overlapping; the terms found are marked in `seen` (one flag per term). The pack's
    /// own texts were searched when it loaded; any other text is searched now.
    pub fn first_uses(&self, text: &str, seen: &mut [bool]) -> Uses {
        if self.terms.is_empty() || seen.iter().all(|&done| done) {
            return Vec::new();
        }
        let uses = self
            .known_uses(text)
            .unwrap_or_else(|| Cow::Owned(self.uses(text)));
        let mut first = Vec::new();
        for (range, term) in uses.iter() {
            if let Some(done) = seen.get_mut(*term)
                && !*done
            {
                *done = true;
                first.push((range.clone(), *term));
            }
        }
        first
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(id: &str, term: &str, aliases: &[&str]) -> Term {
        Term {
            id: id.into(),
            term: term.into(),
            aliases: aliases.iter().map(|alias| alias.to_string()).collect(),
            definition: "A definition.".into(),
            attribution: None,
        }
    }

    fn glossary() -> Glossary {
        Glossary::new(vec![
            term("cis", "CIS", &["Commonwealth of Independent States"]),
            term("genocide", "genocide", &[]),
            term("crimes-against-humanity", "crimes against humanity", &[]),
            term(
                "meskhetian-turks",
                "Meskhetian Turks",
                &["Ahiska Turks", "Meskhetian Turk"],
            ),
        ])
    }

    fn linked<'t>(
        glossary: &Glossary,
        text: &'t str,
        seen: &mut [bool],
    ) -> Vec<(&'t str, &'static str)> {
        let ids = [
            "cis",
            "genocide",
            "crimes-against-humanity",
            "meskhetian-turks",
        ];
        glossary
            .first_uses(text, seen)
            .into_iter()
            .map(|(range, term)| (&text[range], ids[term]))
            .collect()
    }

    #[test]
    fn each_term_links_once_at_its_first_use_in_reading_order() {
        let glossary = glossary();
        let mut seen = vec![false; 4];
        assert_eq!(
            linked(
                &glossary,
                "A Genocide? The 366th CIS regiment. Genocide again.",
                &mut seen
            ),
            vec![("Genocide", "genocide"), ("CIS", "cis")]
        );
        assert_eq!(
            linked(&glossary, "genocide and crimes against humanity", &mut seen),
            vec![("crimes against humanity", "crimes-against-humanity")]
        );
        assert!(linked(&glossary, "genocide, CIS", &mut seen).is_empty());
    }

    #[test]
    fn only_whole_words_match_and_abbreviations_only_in_capitals() {
        let glossary = glossary();
        let mut seen = vec![false; 4];
        assert!(linked(&glossary, "genocides, cis, Francis, genocidal", &mut seen).is_empty());
        assert_eq!(
            linked(&glossary, "Ahiska Turks (the Meskhetian Turks)", &mut seen),
            vec![("Ahiska Turks", "meskhetian-turks")]
        );
    }

    #[test]
    fn a_text_remembered_at_load_gives_the_uses_a_search_gives() {
        let mut remembered = glossary();
        let text =
            String::from("The CIS regiment; genocide, crimes against humanity, Ahiska Turks, CIS.");
        remembered.remember(&text);
        let searched = glossary();
        for first in [vec![false; 4], vec![true, false, true, false]] {
            let (mut a, mut b) = (first.clone(), first);
            assert_eq!(
                remembered.first_uses(&text, &mut a),
                searched.first_uses(&text, &mut b)
            );
            assert_eq!(a, b);
        }
        assert_eq!(remembered.known.len(), 1);
        // A part of a remembered text is looked up within it.
        let part = &text[4..];
        let mut seen = vec![false; 4];
        assert_eq!(
            remembered.first_uses(part, &mut seen),
            searched.first_uses(part, &mut [false; 4])
        );
        assert_eq!(remembered.known.len(), 1);
        // Another text, even with the same words, is searched, not looked up.
        let copy = text.clone();
        let mut seen = vec![false; 4];
        assert_eq!(remembered.first_uses(&copy, &mut seen).len(), 4);
    }

    #[test]
    fn matches_keep_their_place_next_to_multi_byte_letters() {
        let glossary = glossary();
        let mut seen = vec![false; 4];
        let text = "Xocalı soyqırımı: genocide, AVİM";
        assert_eq!(
            linked(&glossary, text, &mut seen),
            vec![("genocide", "genocide")]
        );
    }
}
