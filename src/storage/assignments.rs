//! Assignments: a lesson given to a class, and each student's round for it.
//!
//! Layout:
//! - `assignments`: assignment id (16) → an assignment record (JSON).
//! - `class_assignments`: class id (16) + assignment id (16) → empty.
//! - `assignment_rounds`: assignment id (16) + student id (16) → round id; written with
//!   compare-and-swap, so a student has exactly one round per assignment and its
//!   exercises are fixed when they start it.
//!
//! A pre- and post-test pair is two assignments, each naming the other in its record
//! (`pair`), written in one transaction; the pair's state is kept on the post-test.

use serde::{Deserialize, Serialize};

use super::{
    FORMAT_VERSION, Removals, Storage, StorageError, encode, id_at, pair, read_record,
    records_under,
};
use crate::assignments::{Assignment, DueZone, FeedbackTiming, QuestionOrder, Questions};
use crate::ids::Token;
use crate::pairs::{PairRole, Role};
use crate::practice::{Focus, Round};

#[derive(Serialize, Deserialize)]
struct AssignmentRecord {
    v: u32,
    class: String,
    pack: String,
    focus: String,
    length: Option<usize>,
    deadline: Option<u64>,
    feedback: String,
    created_at: u64,
    // Added by issue #15; records from before read as untitled, each student their
    // own questions, due in UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    /// The questions everyone gets; absent when each student gets their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    questions: Option<Vec<String>>,
    /// `same` or `shuffled`, with `questions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    order: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    picked: bool,
    /// Minutes east of UTC.
    #[serde(default)]
    due_offset: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    due_zone: Option<String>,
    // Added for pre- and post-tests: absent reads as not in a pair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pair: Option<PairRecord>,
}

/// An assignment's place in a pair; the times are kept on the post-test's record.
#[derive(Serialize, Deserialize)]
struct PairRecord {
    /// `pre` or `post`.
    role: String,
    /// The other test's id.
    other: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    opened_at: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    closed_at: Option<u64>,
}

impl Storage {
    pub async fn create_assignment(&self, assignment: &Assignment) -> Result<(), StorageError> {
        self.assignments
            .insert(assignment.id.as_bytes(), record_of(assignment)?)?;
        self.class_assignments
            .insert(pair(assignment.class, assignment.id), &[])?;
        self.flusher.flush().await?;
        Ok(())
    }

    /// Creates a pre-test and a post-test together, in one transaction across the
    /// trees, so that neither is ever stored without the other.
    pub async fn create_pair(
        &self,
        pre: &Assignment,
        post: &Assignment,
    ) -> Result<(), StorageError> {
        use sled::Transactional;
        use sled::transaction::{ConflictableTransactionError, TransactionError};
        let records = [(pre, record_of(pre)?), (post, record_of(post)?)];
        (&self.assignments, &self.class_assignments)
            .transaction(|(assignments, class_assignments)| {
                for (assignment, record) in &records {
                    assignments.insert(&assignment.id.as_bytes()[..], record.as_slice())?;
                    class_assignments.insert(pair(assignment.class, assignment.id), &[])?;
                }
                Ok::<_, ConflictableTransactionError<()>>(())
            })
            .map_err(|error| match error {
                TransactionError::Storage(error) => StorageError::from(error),
                TransactionError::Abort(()) => {
                    StorageError::Corrupt("the pair of tests could not be stored".into())
                }
            })?;
        self.flusher.flush().await?;
        Ok(())
    }

    /// Writes a changed assignment over the stored one (a pair's post-test opened or
    /// closed); its class and id stay as they were.
    pub async fn update_assignment(&self, assignment: &Assignment) -> Result<(), StorageError> {
        self.assignments
            .insert(assignment.id.as_bytes(), record_of(assignment)?)?;
        self.flusher.flush().await?;
        Ok(())
    }

    pub fn assignment(&self, id: Token) -> Result<Option<Assignment>, StorageError> {
        read_record::<AssignmentRecord, _>(
            &self.assignments,
            "assignment",
            id,
            |record, corrupt| {
                Ok(Assignment {
                    id,
                    class: Token::parse(&record.class).ok_or_else(|| corrupt("class"))?,
                    pack_id: record.pack,
                    focus: Focus::from_slug(&record.focus).ok_or_else(|| corrupt("focus"))?,
                    length: record.length,
                    deadline: record.deadline,
                    feedback: FeedbackTiming::from_slug(&record.feedback)
                        .ok_or_else(|| corrupt("feedback"))?,
                    created_at: record.created_at,
                    title: record.title,
                    questions: match record.questions {
                        Some(exercise_ids) => Questions::Same {
                            exercise_ids,
                            order: record
                                .order
                                .as_deref()
                                .map(QuestionOrder::from_slug)
                                .unwrap_or(Some(QuestionOrder::Fixed))
                                .ok_or_else(|| corrupt("order"))?,
                            picked: record.picked,
                        },
                        None => Questions::EachTheirOwn,
                    },
                    due_zone: DueZone::from_stored(record.due_offset, record.due_zone),
                    pair: match record.pair {
                        Some(pair) => Some(PairRole {
                            role: Role::from_slug(&pair.role).ok_or_else(|| corrupt("pair"))?,
                            other: Token::parse(&pair.other).ok_or_else(|| corrupt("pair"))?,
                            opened_at: pair.opened_at,
                            closed_at: pair.closed_at,
                        }),
                        None => None,
                    },
                })
            },
        )
    }

    /// A class's assignments, newest first.
    pub fn assignments_of(&self, class: Token) -> Result<Vec<Assignment>, StorageError> {
        let mut assignments =
            records_under(&self.class_assignments, class, "class_assignments", |id| {
                self.assignment(id)
            })?;
        assignments.sort_by_key(|assignment| std::cmp::Reverse(assignment.created_at));
        Ok(assignments)
    }

    /// Adds a class's `assignments` and the students' claims on them to `removals`
    /// (the rounds themselves go with the students).
    pub(super) fn assignments_to_remove<'a>(
        &'a self,
        class: Token,
        assignments: &[Assignment],
        removals: &mut Removals<'a>,
    ) -> Result<(), StorageError> {
        for assignment in assignments {
            for claim in self
                .assignment_rounds
                .scan_prefix(assignment.id.as_bytes())
                .keys()
            {
                removals.remove(&self.assignment_rounds, claim?);
            }
            removals.remove(&self.class_assignments, pair(class, assignment.id));
            removals.remove(&self.assignments, assignment.id.as_bytes());
        }
        Ok(())
    }

    /// The student's round for an assignment, if they have started it.
    pub fn assignment_round(
        &self,
        assignment: Token,
        student: Token,
    ) -> Result<Option<Round>, StorageError> {
        match id_at(
            &self.assignment_rounds,
            pair(assignment, student),
            "assignment_rounds",
        )? {
            Some(id) => self.round_for_report(id),
            None => Ok(None),
        }
    }

    /// Starts a student's round for an assignment, unless they started one already (in
    /// another tab, say): returns the round that counts, once it is on disk.
    pub async fn start_assignment_round(
        &self,
        assignment: Token,
        student: Token,
        round: &Round,
    ) -> Result<Round, StorageError> {
        let key = pair(assignment, student);
        let mut expected: Option<sled::IVec> = None;
        loop {
            let claimed = self.assignment_rounds.compare_and_swap(
                &key,
                expected.as_ref(),
                Some(&round.id.as_bytes()[..]),
            )?;
            match claimed {
                Ok(()) => break,
                Err(conflict) => {
                    // Started already: that round counts, if it was stored (a crash
                    // between the claim and the round leaves a claim to nothing).
                    if let Some(existing) = self.assignment_round(assignment, student)? {
                        self.flusher.flush().await?;
                        return Ok(existing);
                    }
                    expected = conflict.current;
                }
            }
        }
        self.create_round(round).await?;
        Ok(round.clone())
    }
}

/// The stored form of an assignment.
fn record_of(assignment: &Assignment) -> Result<Vec<u8>, StorageError> {
    encode(&AssignmentRecord {
        v: FORMAT_VERSION,
        class: assignment.class.to_string(),
        pack: assignment.pack_id.clone(),
        focus: assignment.focus.slug().to_string(),
        length: assignment.length,
        deadline: assignment.deadline,
        feedback: assignment.feedback.slug().to_string(),
        created_at: assignment.created_at,
        title: assignment.title.clone(),
        questions: assignment.questions.same_list().map(<[String]>::to_vec),
        order: match &assignment.questions {
            Questions::Same { order, .. } => Some(order.slug().to_string()),
            Questions::EachTheirOwn => None,
        },
        picked: matches!(assignment.questions, Questions::Same { picked: true, .. }),
        due_offset: assignment.due_zone.offset_minutes(),
        due_zone: assignment.due_zone.name().map(str::to_string),
        pair: assignment.pair.as_ref().map(|pair| PairRecord {
            role: pair.role.slug().to_string(),
            other: pair.other.to_string(),
            opened_at: pair.opened_at,
            closed_at: pair.closed_at,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::decode;

    #[test]
    fn an_assignment_stored_before_issue_15_reads_as_each_student_their_own() {
        let old = br#"{"v":3,"class":"00000000000000000000000000000001","pack":"khojaly-1992","focus":"source","length":10,"deadline":null,"feedback":"immediate","created_at":5}"#;
        let record: AssignmentRecord = decode(old).unwrap();
        assert_eq!(record.questions, None);
        assert_eq!(record.title, None);
        assert_eq!(record.due_offset, 0);
        assert!(record.pair.is_none(), "an older record is in no pair");
        let new = AssignmentRecord {
            questions: Some(vec!["a".into()]),
            order: Some("shuffled".into()),
            picked: true,
            due_offset: 60,
            due_zone: Some("Europe/Berlin".into()),
            title: Some("Week 3".into()),
            ..record
        };
        let read: AssignmentRecord = decode(&encode(&new).unwrap()).unwrap();
        assert_eq!(read.questions, Some(vec!["a".to_string()]));
        assert_eq!(read.order.as_deref(), Some("shuffled"));
        assert!(read.picked);
        assert_eq!(read.due_offset, 60);
        let paired = AssignmentRecord {
            pair: Some(PairRecord {
                role: "post".into(),
                other: "00000000000000000000000000000002".into(),
                opened_at: Some(7),
                closed_at: None,
            }),
            ..read
        };
        let read: AssignmentRecord = decode(&encode(&paired).unwrap()).unwrap();
        let pair = read.pair.unwrap();
        assert_eq!(
            (pair.role.as_str(), pair.opened_at, pair.closed_at),
            ("post", Some(7), None)
        );
    }
}
