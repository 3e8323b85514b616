//! Results a teacher can trust, as plain functions: per exercise, how many chose each
//! option, the share correct (facility), the most common wrong answer, and a
//! discrimination index once enough students have answered; and spreadsheet cells that
//! cannot run as formulas.
//!
//! No I/O.

use std::collections::BTreeMap;

/// Below this many students, a discrimination index says more about chance than about
/// the exercise, so none is given.
pub const MIN_STUDENTS_FOR_DISCRIMINATION: usize = 10;

/// One student's answer to one exercise of an assignment, with the student's score on
/// the whole assignment (the share of their answers that were right).
#[derive(Debug, Clone)]
pub struct ItemResponse {
    pub choice: String,
    pub correct: bool,
    pub student_score: f64,
}

/// What the answers to one exercise show.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemStatistics {
    pub answered: usize,
    pub correct: usize,
    /// How many chose each option, by option answer.
    pub chosen: BTreeMap<String, usize>,
    /// The wrong option chosen most often, with how many chose it.
    pub most_common_wrong: Option<(String, usize)>,
    /// Share correct among the top 27% of students by score minus the share among the
    /// bottom 27%; `None` with fewer than [`MIN_STUDENTS_FOR_DISCRIMINATION`] answers.
    pub discrimination: Option<f64>,
}

impl ItemStatistics {
    /// Facility: the share of answers that were right, from 0 to 1.
    pub fn facility(&self) -> Option<f64> {
        (self.answered > 0).then(|| self.correct as f64 / self.answered as f64)
    }
}

pub fn item_statistics(responses: &[ItemResponse]) -> ItemStatistics {
    let mut chosen = BTreeMap::new();
    let mut wrong: BTreeMap<&str, usize> = BTreeMap::new();
    for response in responses {
        *chosen.entry(response.choice.clone()).or_insert(0) += 1;
        if !response.correct {
            *wrong.entry(response.choice.as_str()).or_insert(0) += 1;
        }
    }
    // Ties go to the option that comes first, so the answer does not change between loads.
    let most_common_wrong = wrong
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(choice, count)| (choice.to_string(), *count));
    ItemStatistics {
        answered: responses.len(),
        correct: responses.iter().filter(|response| response.correct).count(),
        chosen,
        most_common_wrong,
        discrimination: discrimination(responses),
    }
}

fn discrimination(responses: &[ItemResponse]) -> Option<f64> {
    if responses.len() < MIN_STUDENTS_FOR_DISCRIMINATION {
        return None;
    }
    let mut sorted: Vec<&ItemResponse> = responses.iter().collect();
    sorted.sort_by(|a, b| b.student_score.total_cmp(&a.student_score));
    let group = ((responses.len() as f64) * 0.27).round().max(1.0) as usize;
    let share = |group: &[&ItemResponse]| {
        group.iter().filter(|response| response.correct).count() as f64 / group.len() as f64
    };
    Some(share(&sorted[..group]) - share(&sorted[sorted.len() - group..]))
}

/// The order of an assignment's questions on its results page, each given as (answers,
/// wrong answers, number in the assignment): the largest share wrong first, then the
/// most wrong answers, then the assignment's order; questions nobody answered last.
pub fn most_missed_first(
    (left_answered, left_wrong, left_number): (usize, usize, usize),
    (right_answered, right_wrong, right_number): (usize, usize, usize),
) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let by_share = match (left_answered, right_answered) {
        (0, 0) => Ordering::Equal,
        (0, _) => Ordering::Greater,
        (_, 0) => Ordering::Less,
        // right_wrong / right_answered against left_wrong / left_answered, exactly.
        _ => (right_wrong * left_answered)
            .cmp(&(left_wrong * right_answered))
            .then(right_wrong.cmp(&left_wrong)),
    };
    by_share.then(left_number.cmp(&right_number))
}

/// A cell for a spreadsheet: text that a spreadsheet would run as a formula (starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading apostrophe.
pub fn safe_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(choice: &str, correct: bool, student_score: f64) -> ItemResponse {
        ItemResponse {
            choice: choice.into(),
            correct,
            student_score,
        }
    }

    #[test]
    fn counts_facility_and_the_most_common_wrong_answer() {
        let statistics = item_statistics(&[
            response("essay", true, 1.0),
            response("avim", false, 0.5),
            response("avim", false, 0.2),
            response("un", false, 0.4),
        ]);
        assert_eq!(statistics.answered, 4);
        assert_eq!(statistics.correct, 1);
        assert_eq!(statistics.facility(), Some(0.25));
        assert_eq!(statistics.chosen["avim"], 2);
        assert_eq!(statistics.most_common_wrong, Some(("avim".into(), 2)));
        assert_eq!(statistics.discrimination, None, "too few students");
        assert_eq!(item_statistics(&[]).facility(), None);
    }

    #[test]
    fn discrimination_compares_the_strongest_and_weakest_students() {
        // Ten students: the five strongest got it right, the five weakest did not.
        let responses: Vec<ItemResponse> = (0..10)
            .map(|index| response("x", index < 5, 1.0 - index as f64 / 10.0))
            .collect();
        assert_eq!(item_statistics(&responses).discrimination, Some(1.0));
        // Everyone right: the exercise tells no one apart.
        let all_right: Vec<ItemResponse> = (0..12)
            .map(|index| response("x", true, index as f64))
            .collect();
        assert_eq!(item_statistics(&all_right).discrimination, Some(0.0));
    }

    #[test]
    fn the_most_missed_questions_come_first() {
        // (answers, wrong, number)
        let mut items = [
            (4, 1, 1),
            (0, 0, 2),
            (4, 3, 3),
            (2, 2, 4),
            (4, 2, 5),
            (2, 1, 6),
        ];
        items.sort_by(|left, right| most_missed_first(*left, *right));
        let numbers: Vec<usize> = items.iter().map(|item| item.2).collect();
        // 100% wrong, 75%, then 50% (two wrong before one), 25%, never answered.
        assert_eq!(numbers, vec![4, 3, 5, 6, 1, 2]);
    }

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_defused() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("+1"), "'+1");
        assert_eq!(safe_cell("-Sam"), "'-Sam");
        assert_eq!(safe_cell("@me"), "'@me");
        assert_eq!(safe_cell("Sam"), "Sam");
        assert_eq!(safe_cell(""), "");
    }
}
