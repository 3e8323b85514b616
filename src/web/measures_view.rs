//! How pages show the learning measures of [`crate::measures`]: calibration and
//! discernment in words, with their numbers and the table of verdicts beside them, for
//! a learner ("You"), a class, or the room of a live session.

use serde::Serialize;

use crate::content::Skill;
use crate::content::shelf::Shelf;
use crate::measures::{Calibration, Discernment, Lean, Measures, Subject};
use crate::practice::{Confidence, Round};

/// Adds the answers of `round` to `measures`, each with its exercise (an exercise gone
/// from its pack since is left out).
pub fn add_round(measures: &mut Measures, shelf: &Shelf, round: &Round) {
    let Some(pack) = shelf.pack(&round.pack_id) else {
        return;
    };
    for answer in round.answers.iter().flatten() {
        if let Some(exercise) = pack.exercise(&answer.exercise_id) {
            measures.add(answer, exercise);
        }
    }
}

/// The judgement section of a page: calibration, then discernment skill by skill.
pub struct JudgementView {
    /// Nothing answered yet that the measures count.
    pub empty: bool,
    pub calibration: String,
    pub calibration_verdict: Option<String>,
    /// Right and answered at each level, "not said" last; only levels with answers.
    pub levels: Vec<LevelRow>,
    pub discernments: Vec<DiscernmentView>,
}

pub struct LevelRow {
    pub label: &'static str,
    pub answered: usize,
    pub correct: usize,
}

/// One skill's discernment: the words, the numbers, and the table of verdicts given
/// against verdicts the sources support.
pub struct DiscernmentView {
    pub skill_title: &'static str,
    pub words: String,
    /// "d′ = 0.00, c = −1.38 (5 hits, 0 misses, 5 false alarms, 0 correct rejections)".
    pub numbers: String,
    pub enough: bool,
    /// The three verdicts, in the scale's order, as the table's columns and rows.
    pub verdicts: [&'static str; 3],
    pub rows: Vec<(&'static str, [usize; 3])>,
}

impl JudgementView {
    pub fn of(measures: &Measures, subject: &Subject) -> JudgementView {
        let words = measures.words(subject);
        let calibration = measures.calibration();
        let discernments: Vec<DiscernmentView> = [Skill::Contested, Skill::Quote]
            .into_iter()
            .filter_map(|skill| {
                let discernment = measures.discernment(skill)?;
                (discernment.answered() > 0).then(|| DiscernmentView::of(discernment, subject))
            })
            .collect();
        JudgementView {
            empty: discernments.is_empty() && total(calibration) == 0,
            calibration: words.calibration,
            calibration_verdict: words.calibration_verdict,
            // Until someone says how sure they were, the words say so and no table
            // of answers "not said" shows.
            levels: if calibration.given() {
                levels(calibration)
            } else {
                Vec::new()
            },
            discernments,
        }
    }
}

fn total(calibration: &Calibration) -> usize {
    Confidence::ALL
        .into_iter()
        .map(Some)
        .chain([None])
        .map(|level| calibration.level(level).answered)
        .sum()
}

fn levels(calibration: &Calibration) -> Vec<LevelRow> {
    Confidence::ALL
        .into_iter()
        .map(Some)
        .chain([None])
        .filter_map(|level| {
            let count = calibration.level(level);
            (count.answered > 0).then_some(LevelRow {
                label: level.map_or("Not said", Confidence::label),
                answered: count.answered,
                correct: count.correct,
            })
        })
        .collect()
}

impl DiscernmentView {
    pub fn of(discernment: &Discernment, subject: &Subject) -> DiscernmentView {
        let signal = discernment.signal();
        let verdicts = signal.verdicts().map(verdict_label);
        let table = discernment.table();
        DiscernmentView {
            skill_title: signal.skill().title(),
            words: discernment.words(subject),
            numbers: numbers(discernment),
            enough: discernment.enough(),
            verdicts,
            rows: verdicts.into_iter().zip(table).collect(),
        }
    }
}

/// d′ and c with the four counts they come from, as the documentation names them.
pub fn numbers(discernment: &Discernment) -> String {
    let plural = |count: usize, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    format!(
        "d′ = {}, c = {} ({}, {}, {}, {})",
        signed(discernment.d_prime()),
        signed(discernment.criterion()),
        plural(discernment.hits(), "hit", "hits"),
        plural(discernment.misses(), "miss", "misses"),
        plural(discernment.false_alarms(), "false alarm", "false alarms"),
        plural(
            discernment.correct_rejections(),
            "correct rejection",
            "correct rejections"
        ),
    )
}

/// A measure to two places, with a true minus sign ("−1.38"), and never "−0.00".
pub fn signed(value: f64) -> String {
    let text = format!("{value:.2}");
    match text.strip_prefix('-') {
        Some("0.00") => "0.00".to_string(),
        Some(rest) => format!("−{rest}"),
        None => text,
    }
}

/// What a table calls a verdict: short, as a column heading.
fn verdict_label(slug: &str) -> &'static str {
    match slug {
        "agreed" => "Agreed",
        "contested" => "Contested",
        "single-source" => "One source only",
        "faithful" => "Faithful",
        "changed" => "Changed",
        "unverifiable" => "Cannot be checked",
        _ => "Other",
    }
}

/// A discernment as the JSON forms give it (`docs/measures.md`).
#[derive(Serialize)]
pub struct DiscernmentJson {
    hits: usize,
    misses: usize,
    false_alarms: usize,
    correct_rejections: usize,
    d_prime: f64,
    criterion: f64,
    enough: bool,
    /// Rows: the verdict the sources support; columns: the verdict given, both in the
    /// order of `verdicts`.
    verdicts: [&'static str; 3],
    table: [[usize; 3]; 3],
}

impl DiscernmentJson {
    pub fn of(discernment: &Discernment) -> DiscernmentJson {
        DiscernmentJson {
            hits: discernment.hits(),
            misses: discernment.misses(),
            false_alarms: discernment.false_alarms(),
            correct_rejections: discernment.correct_rejections(),
            d_prime: rounded(discernment.d_prime()),
            criterion: rounded(discernment.criterion()),
            enough: discernment.enough(),
            verdicts: discernment.signal().verdicts(),
            table: discernment.table(),
        }
    }
}

#[derive(Serialize)]
pub struct LevelJson {
    /// `sure`, `fairly-sure`, `guessing`, or `null` for answers that did not say.
    confidence: Option<&'static str>,
    answered: usize,
    correct: usize,
}

/// Calibration as the JSON lists it: every level, then the answers that did not say.
pub fn levels_json(calibration: &Calibration) -> Vec<LevelJson> {
    Confidence::ALL
        .into_iter()
        .map(Some)
        .chain([None])
        .map(|level| {
            let count = calibration.level(level);
            LevelJson {
                confidence: level.map(Confidence::slug),
                answered: count.answered,
                correct: count.correct,
            }
        })
        .collect()
}

/// A measure to four places, as the JSON gives it (`docs/measures.md`).
fn rounded(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

/// One student's judgement in a row of a teacher's table.
pub struct JudgementRow {
    pub nickname: String,
    pub url: String,
    /// Agreed or contested: d′, c and the lean, or why not yet.
    pub contested: String,
    /// Faithful or changed quotes, the same.
    pub quote: String,
    /// Right when sure, "3 of 4"; "–" when never sure.
    pub sure: String,
    /// Right when guessing.
    pub guessing: String,
}

impl JudgementRow {
    /// The row of a student's measures; `None` when there is nothing to show (no
    /// verdict of the two skills, and never said how sure).
    pub fn of(nickname: &str, url: String, measures: &Measures) -> Option<JudgementRow> {
        if measures.contested().answered() == 0
            && measures.quote().answered() == 0
            && !measures.calibration().given()
        {
            return None;
        }
        let level = |confidence| {
            let count = measures.calibration().level(Some(confidence));
            if count.answered == 0 {
                "–".to_string()
            } else {
                format!("{} of {}", count.correct, count.answered)
            }
        };
        Some(JudgementRow {
            nickname: nickname.to_string(),
            url,
            contested: short(measures.contested()),
            quote: short(measures.quote()),
            sure: level(Confidence::Sure),
            guessing: level(Confidence::Guessing),
        })
    }
}

/// A discernment in a table cell: "d′ 1.20 · c −0.30 · leans “Contested”", "too few
/// answers (4)", or "–" before any answer.
fn short(discernment: &Discernment) -> String {
    let answered = discernment.answered();
    if answered == 0 {
        return "–".to_string();
    }
    if !discernment.enough() {
        return format!("too few answers ({answered})");
    }
    let [noise, signal, _] = discernment.signal().verdicts().map(verdict_label);
    let lean = match discernment.lean() {
        Lean::TowardSignal => format!("leans “{signal}”"),
        Lean::TowardNoise => format!("leans “{noise}”"),
        Lean::Neither => "no lean".to_string(),
    };
    format!(
        "d′ {} · c {} · {lean}",
        signed(discernment.d_prime()),
        signed(discernment.criterion())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_read_with_a_true_minus_and_no_negative_zero() {
        assert_eq!(signed(-1.382_994), "−1.38");
        assert_eq!(signed(2.765_988), "2.77");
        assert_eq!(signed(-0.001), "0.00");
        assert_eq!(signed(0.0), "0.00");
    }
}
