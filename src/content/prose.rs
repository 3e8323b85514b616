//! The plain-words rules for what a pack author writes: how many words a text has, and
//! which of its sentences are too long once quoted words are set aside.
//!
//! Learners may be 14, so explanations, reasons and notes stay short and their
//! sentences shorter. Words inside double quotation marks (straight or curly) are the
//! documents' words, not the author's, and do not count towards a sentence's length.

/// The number of words in `text`: runs of characters between whitespace.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// `text` with every double-quoted span taken out. A quotation that ends a sentence
/// (its last character is `.`, `?` or `!`) leaves a full stop behind, so that the
/// sentence around it still ends there.
fn outside_quotes(text: &str) -> String {
    let mut outside = String::with_capacity(text.len());
    let mut quoted: Option<String> = None;
    for character in text.chars() {
        match (&mut quoted, character) {
            (None, '“' | '"') => quoted = Some(String::new()),
            (Some(inside), '”' | '"') => {
                let ends_sentence = inside.trim_end().ends_with(['.', '?', '!']);
                outside.push_str(if ends_sentence { ". " } else { " " });
                quoted = None;
            }
            (Some(inside), other) => inside.push(other),
            (None, other) => outside.push(other),
        }
    }
    // An unclosed quotation mark: its text counts, so nothing long slips through.
    if let Some(inside) = quoted {
        outside.push(' ');
        outside.push_str(&inside);
    }
    outside
}

/// The sentences of `text` that have more than `max` words outside quotation marks,
/// each as its number of words and its first words.
pub fn long_sentences(text: &str, max: usize) -> Vec<(usize, String)> {
    let outside = outside_quotes(text);
    let mut long = Vec::new();
    let mut sentence: Vec<&str> = Vec::new();
    for word in outside.split_whitespace() {
        sentence.push(word);
        if word.ends_with(['.', '?', '!']) {
            check_sentence(&mut sentence, max, &mut long);
        }
    }
    check_sentence(&mut sentence, max, &mut long);
    long
}

fn check_sentence(sentence: &mut Vec<&str>, max: usize, long: &mut Vec<(usize, String)>) {
    // A lone full stop left by a quotation is not a word.
    let words: Vec<&str> = sentence
        .iter()
        .copied()
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .collect();
    if words.len() > max {
        long.push((words.len(), words[..8.min(words.len())].join(" ")));
    }
    sentence.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(count: usize) -> String {
        vec!["word"; count].join(" ")
    }

    #[test]
    fn words_are_counted_between_whitespace() {
        assert_eq!(word_count("One two\nthree  four."), 4);
        assert_eq!(word_count("   "), 0);
    }

    #[test]
    fn a_sentence_over_the_limit_is_found_with_its_first_words() {
        let text = format!("Short one. {}. Another short one.", words(41));
        let long = long_sentences(&text, 40);
        assert_eq!(long.len(), 1);
        assert_eq!(long[0].0, 41);
        assert!(long[0].1.starts_with("word word"));
        assert!(long_sentences(&format!("{}.", words(40)), 40).is_empty());
    }

    #[test]
    fn quoted_words_do_not_count() {
        let text = format!(
            "The essay says “{}” and the encyclopedia says \"{}\" instead.",
            words(30),
            words(30)
        );
        assert!(long_sentences(&text, 40).is_empty());
    }

    #[test]
    fn a_quotation_that_ends_a_sentence_ends_it() {
        let text = format!("{} “a quoted sentence.” {}.", words(30), words(30));
        assert!(long_sentences(&text, 40).is_empty());
        let text = format!("{} “a quoted phrase” {}.", words(30), words(30));
        assert_eq!(long_sentences(&text, 40).len(), 1);
    }

    #[test]
    fn an_unclosed_quotation_mark_hides_nothing() {
        let text = format!("“{}.", words(45));
        assert_eq!(long_sentences(&text, 40).len(), 1);
    }
}
