//! A pre-test and a post-test given to a class as a pair: which of the two an
//! assignment is, where the pair stands (the pre-test only, the post-test open, or
//! closed), and the scores and gains of its results.
//!
//! The two are assignments whose questions come from [`crate::pre_post`]. So that
//! students do not take both in a row, the post-test stays hidden from them until the
//! teacher opens it. Right and wrong on either stay hidden until the pair is closed:
//! by the teacher, or once the post-test's due date has passed.
//!
//! No I/O; the time comes in as seconds since the Unix epoch.

use serde::Serialize;

use crate::assignments::Assignment;
use crate::ids::Token;
use crate::measures::hake_gain;

/// Which test of a pair an assignment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Pre,
    Post,
}

impl Role {
    pub fn slug(self) -> &'static str {
        match self {
            Role::Pre => "pre",
            Role::Post => "post",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Role> {
        match slug {
            "pre" => Some(Role::Pre),
            "post" => Some(Role::Post),
            _ => None,
        }
    }
}

/// An assignment's place in a pair: its role and the other test. The pair's state is
/// kept on the post-test (on the pre-test both times are `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairRole {
    pub role: Role,
    pub other: Token,
    /// When the teacher opened the post-test to students.
    pub opened_at: Option<u64>,
    /// When the teacher closed the tests.
    pub closed_at: Option<u64>,
}

/// Where a pair stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Students see the pre-test; the post-test is hidden from them.
    PreTest,
    /// Students see both.
    PostTest,
    /// Closed: students see their right and wrong on both.
    Closed,
}

impl Phase {
    /// Where the pair whose post-test is `post` stands at `now`.
    pub fn of(post: &Assignment, now: u64) -> Phase {
        let Some(role) = &post.pair else {
            return Phase::Closed;
        };
        let due_passed = post.deadline.is_some_and(|deadline| now > deadline);
        if role.closed_at.is_some() || due_passed {
            Phase::Closed
        } else if role.opened_at.is_some() {
            Phase::PostTest
        } else {
            Phase::PreTest
        }
    }

    /// What the teacher's page says of it.
    pub fn words(self) -> &'static str {
        match self {
            Phase::PreTest => {
                "Students see the pre-test. The post-test stays hidden from them until you open it."
            }
            Phase::PostTest => {
                "Students see both tests. Right and wrong stay hidden from them until you close the tests."
            }
            Phase::Closed => "The tests are closed: students see their right and wrong on both.",
        }
    }
}

impl Assignment {
    /// Whether students see the assignment on their list and may start it: all but a
    /// post-test the teacher has not opened yet.
    pub fn open_to_students(&self) -> bool {
        !matches!(
            &self.pair,
            Some(PairRole {
                role: Role::Post,
                opened_at: None,
                ..
            })
        )
    }
}

/// A finished test's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Score {
    pub correct: usize,
    pub questions: usize,
}

impl Score {
    /// The share right in percent; 0 for a test without questions.
    pub fn percent(self) -> f64 {
        if self.questions == 0 {
            0.0
        } else {
            self.correct as f64 * 100.0 / self.questions as f64
        }
    }
}

/// One student's pre and post scores, each `None` until they finished that test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scores {
    pub pre: Option<Score>,
    pub post: Option<Score>,
}

impl Scores {
    /// Whether the student counts in the class's gain: they finished both tests.
    pub fn counted(self) -> bool {
        self.pre.is_some() && self.post.is_some()
    }

    /// Post minus pre, in percentage points, for a student who did both.
    pub fn gain_points(self) -> Option<f64> {
        Some(self.post?.percent() - self.pre?.percent())
    }

    /// The student's own normalised gain; `None` unless they did both, or with a pre
    /// score of 100%.
    pub fn hake_gain(self) -> Option<f64> {
        hake_gain(self.pre?.percent(), self.post?.percent())
    }
}

/// The class's means over the students who did both tests.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClassGain {
    /// How many students did both and count.
    pub students_counted: usize,
    pub pre_mean_percent: Option<f64>,
    pub post_mean_percent: Option<f64>,
    /// Hake's g of the two means: (post − pre) / (100 − pre).
    pub hake_gain: Option<f64>,
}

impl ClassGain {
    pub fn of(scores: &[Scores]) -> ClassGain {
        let both: Vec<(Score, Score)> = scores
            .iter()
            .filter_map(|scores| Some((scores.pre?, scores.post?)))
            .collect();
        let mean = |pick: fn(&(Score, Score)) -> Score| {
            (!both.is_empty()).then(|| {
                both.iter().map(|pair| pick(pair).percent()).sum::<f64>() / both.len() as f64
            })
        };
        let pre_mean_percent = mean(|pair| pair.0);
        let post_mean_percent = mean(|pair| pair.1);
        ClassGain {
            students_counted: both.len(),
            pre_mean_percent,
            post_mean_percent,
            hake_gain: pre_mean_percent
                .zip(post_mean_percent)
                .and_then(|(pre, post)| hake_gain(pre, post)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assignments::{DueZone, FeedbackTiming, Questions};
    use crate::practice::Focus;

    fn score(correct: usize, questions: usize) -> Option<Score> {
        Some(Score { correct, questions })
    }

    #[test]
    fn the_class_gain_counts_only_the_students_who_did_both() {
        let scores = [
            Scores {
                pre: score(2, 6),
                post: score(5, 6),
            },
            Scores {
                pre: score(4, 6),
                post: score(4, 6),
            },
            Scores {
                pre: score(1, 6),
                post: None,
            },
        ];
        let gain = ClassGain::of(&scores);
        assert_eq!(gain.students_counted, 2);
        assert!((gain.pre_mean_percent.unwrap() - 50.0).abs() < 1e-9);
        assert!((gain.post_mean_percent.unwrap() - 75.0).abs() < 1e-9);
        assert!((gain.hake_gain.unwrap() - 0.5).abs() < 1e-9);
        assert!((scores[0].hake_gain().unwrap() - 0.75).abs() < 1e-9);
        assert!((scores[0].gain_points().unwrap() - 50.0).abs() < 1e-9);
        assert_eq!(scores[2].gain_points(), None);
        assert_eq!(ClassGain::of(&scores[2..]).hake_gain, None);
    }

    fn post_test(
        opened_at: Option<u64>,
        closed_at: Option<u64>,
        deadline: Option<u64>,
    ) -> Assignment {
        Assignment {
            id: Token::from_bytes([1; 16]),
            class: Token::from_bytes([2; 16]),
            pack_id: "pack".into(),
            focus: Focus::all(),
            length: Some(2),
            deadline,
            feedback: FeedbackTiming::Immediate,
            created_at: 0,
            title: None,
            questions: Questions::EachTheirOwn,
            due_zone: DueZone::utc(),
            pair: Some(PairRole {
                role: Role::Post,
                other: Token::from_bytes([3; 16]),
                opened_at,
                closed_at,
            }),
        }
    }

    #[test]
    fn a_pair_opens_and_closes_by_the_teacher_or_the_due_date() {
        assert_eq!(Phase::of(&post_test(None, None, None), 10), Phase::PreTest);
        assert!(!post_test(None, None, None).open_to_students());
        assert_eq!(
            Phase::of(&post_test(Some(5), None, None), 10),
            Phase::PostTest
        );
        assert!(post_test(Some(5), None, None).open_to_students());
        assert_eq!(
            Phase::of(&post_test(Some(5), Some(8), None), 10),
            Phase::Closed
        );
        assert_eq!(
            Phase::of(&post_test(Some(5), None, Some(20)), 10),
            Phase::PostTest
        );
        assert_eq!(
            Phase::of(&post_test(Some(5), None, Some(20)), 21),
            Phase::Closed
        );
    }
}
