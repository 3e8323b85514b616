//! Review cards: for each learner, the exercises they are to review and when
//! ([`crate::review`] decides; this file keeps its cards).
//!
//! Layout:
//! - `reviews`: learner id (16) + pack id + a zero byte + exercise id → a review card
//!   record (JSON). Pack and exercise ids are lower-case letters, digits and '-', so the
//!   zero byte only ever separates them. A learner's cards are listed by one prefix
//!   scan, in the order of pack and exercise.
//!
//! A card is kept under the learner id of the round it was answered in: a browser's own
//! for free practice, a student's for an assignment. So a student's cards are deleted
//! with the student ([`Storage::reviews_to_remove`]), and move with their rounds when a
//! new resume code gives them a new learner id ([`Storage::reviews_moved`]).
//!
//! Invariant: [`Storage::schedule_after_answer`] returns only once the card it wrote is
//! on disk, as an answer is.

use serde::{Deserialize, Serialize};

use super::{FORMAT_VERSION, Removals, Storage, StorageError, decode, encode};
use crate::ids::Token;
use crate::practice::Answer;
use crate::review::{self, ReviewCard, ReviewCounts, ReviewState};

/// A review card as stored: [`ReviewCard`]'s values, its state by name.
#[derive(Serialize, Deserialize)]
struct ReviewRecord {
    v: u32,
    due: u64,
    stability: f64,
    difficulty: f64,
    elapsed_days: u32,
    scheduled_days: u32,
    reps: u32,
    lapses: u32,
    state: String,
    last_review: u64,
}

impl ReviewRecord {
    fn of(card: &ReviewCard) -> ReviewRecord {
        ReviewRecord {
            v: FORMAT_VERSION,
            due: card.due,
            stability: card.stability,
            difficulty: card.difficulty,
            elapsed_days: card.elapsed_days,
            scheduled_days: card.scheduled_days,
            reps: card.reps,
            lapses: card.lapses,
            state: card.state.slug().to_string(),
            last_review: card.last_review,
        }
    }

    /// The card, or what is damaged in it (`place` says which card).
    fn into_card(self, place: &str) -> Result<ReviewCard, StorageError> {
        let corrupt = |what: &str| StorageError::Corrupt(format!("review card {place}: {what}"));
        if !(self.stability.is_finite() && self.stability > 0.0) {
            return Err(corrupt("its stability"));
        }
        if !self.difficulty.is_finite() {
            return Err(corrupt("its difficulty"));
        }
        Ok(ReviewCard {
            due: self.due,
            stability: self.stability,
            difficulty: self.difficulty,
            elapsed_days: self.elapsed_days,
            scheduled_days: self.scheduled_days,
            reps: self.reps,
            lapses: self.lapses,
            state: ReviewState::from_slug(&self.state)
                .ok_or_else(|| corrupt(&format!("unknown state {:?}", self.state)))?,
            last_review: self.last_review,
        })
    }
}

/// One exercise a learner is to review, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduledReview {
    pub pack_id: String,
    pub exercise_id: String,
    pub card: ReviewCard,
}

/// A learner's card moving to another learner id (see [`Storage::reviews_moved`]).
pub(super) struct MovedReview {
    pub(super) from_key: sled::IVec,
    pub(super) to_key: Vec<u8>,
    pub(super) value: sled::IVec,
}

impl Storage {
    /// Keeps the review schedule in step with an answer just recorded: the exercise's
    /// card for `learner` is made, updated or left as [`review::after_answer`] says.
    /// `learner` is the round's learner id, `now` the time of the answer. The card the
    /// learner has for the exercise after it, if any. Returns once a card it wrote is on
    /// disk (it waits for a flush of its own only when it wrote one).
    ///
    /// Call it only for an answer that was stored (`Recorded::Stored`): a repeat of an
    /// answer already given must not count twice.
    pub async fn schedule_after_answer(
        &self,
        learner: Token,
        pack_id: &str,
        answer: &Answer,
        now: u64,
    ) -> Result<Option<ReviewCard>, StorageError> {
        let (card, wrote) = self.write_schedule(learner, pack_id, answer, now)?;
        if wrote {
            self.flusher.flush().await?;
        }
        Ok(card)
    }

    /// [`Storage::schedule_after_answer`] without waiting for the disk: the card after
    /// the answer, and whether it was written (for a caller whose own flush follows, as
    /// [`Storage::record_answer_with_review`]'s does).
    pub(super) fn write_schedule(
        &self,
        learner: Token,
        pack_id: &str,
        answer: &Answer,
        now: u64,
    ) -> Result<(Option<ReviewCard>, bool), StorageError> {
        let key = review_key(learner, pack_id, &answer.exercise_id)?;
        let place = format!("{learner} {pack_id}/{}", answer.exercise_id);
        // Compare-and-swap: two answers at once (two tabs) each build on the other's card.
        let mut current = self.reviews.get(&key)?;
        let card = loop {
            let card = match &current {
                Some(value) => Some(decode::<ReviewRecord>(value)?.into_card(&place)?),
                None => None,
            };
            let Some(next) = review::after_answer(card.as_ref(), answer, now) else {
                return Ok((card, false));
            };
            let value = encode(&ReviewRecord::of(&next))?;
            match self
                .reviews
                .compare_and_swap(&key, current.as_ref(), Some(value))?
            {
                Ok(()) => break next,
                Err(changed) => current = changed.current,
            }
        };
        Ok((Some(card), true))
    }

    /// The learner's card for one exercise, if they have one.
    pub fn review_card(
        &self,
        learner: Token,
        pack_id: &str,
        exercise_id: &str,
    ) -> Result<Option<ReviewCard>, StorageError> {
        let key = review_key(learner, pack_id, exercise_id)?;
        self.reviews
            .get(&key)?
            .map(|value| {
                decode::<ReviewRecord>(&value)?
                    .into_card(&format!("{learner} {pack_id}/{exercise_id}"))
            })
            .transpose()
    }

    /// Every card of a learner, due or not, in the order of pack and exercise.
    pub fn reviews(&self, learner: Token) -> Result<Vec<ScheduledReview>, StorageError> {
        let mut reviews = Vec::new();
        for entry in self.reviews.scan_prefix(learner.as_bytes()) {
            let (key, value) = entry?;
            let (pack_id, exercise_id) = ids_of(&key[16..])
                .ok_or_else(|| StorageError::Corrupt(format!("a review key of {learner}")))?;
            let card = decode::<ReviewRecord>(&value)?
                .into_card(&format!("{learner} {pack_id}/{exercise_id}"))?;
            reviews.push(ScheduledReview {
                pack_id,
                exercise_id,
                card,
            });
        }
        Ok(reviews)
    }

    /// The learner's cards that are due at `now` ([`review::is_due`]), the longest
    /// waiting first. Never a card before its due time.
    pub fn due_reviews(
        &self,
        learner: Token,
        now: u64,
    ) -> Result<Vec<ScheduledReview>, StorageError> {
        let mut due: Vec<ScheduledReview> = self
            .reviews(learner)?
            .into_iter()
            .filter(|scheduled| review::is_due(&scheduled.card, now))
            .collect();
        due.sort_by_key(|scheduled| scheduled.card.due);
        Ok(due)
    }

    /// How many of the learner's cards are due now, due today and scheduled at all.
    pub fn review_counts(&self, learner: Token, now: u64) -> Result<ReviewCounts, StorageError> {
        let reviews = self.reviews(learner)?;
        Ok(ReviewCounts::of(
            reviews.iter().map(|scheduled| &scheduled.card),
            now,
        ))
    }

    /// Adds every card of a learner to `removals`.
    pub(super) fn reviews_to_remove<'a>(
        &'a self,
        learner: Token,
        removals: &mut Removals<'a>,
    ) -> Result<(), StorageError> {
        for key in self.reviews.scan_prefix(learner.as_bytes()).keys() {
            removals.remove(&self.reviews, key?);
        }
        Ok(())
    }

    /// What moving every card of learner `from` to learner `to` writes: each card's key
    /// before and after (the record names no learner, so it moves as it is). Nothing is
    /// written here; [`super::students`]'s new resume code writes it in the transaction
    /// that moves the learner's rounds.
    pub(super) fn reviews_moved(
        &self,
        from: Token,
        to: Token,
    ) -> Result<Vec<MovedReview>, StorageError> {
        let mut moved = Vec::new();
        for entry in self.reviews.scan_prefix(from.as_bytes()) {
            let (from_key, value) = entry?;
            let mut to_key = to.as_bytes().to_vec();
            to_key.extend_from_slice(&from_key[16..]);
            moved.push(MovedReview {
                from_key,
                to_key,
                value,
            });
        }
        Ok(moved)
    }
}

/// The key of a learner's card for an exercise of a pack.
fn review_key(learner: Token, pack_id: &str, exercise_id: &str) -> Result<Vec<u8>, StorageError> {
    if pack_id.contains('\0') {
        return Err(StorageError::Corrupt(format!(
            "the pack id {pack_id:?} holds a zero byte"
        )));
    }
    let mut key = Vec::with_capacity(16 + pack_id.len() + 1 + exercise_id.len());
    key.extend_from_slice(learner.as_bytes());
    key.extend_from_slice(pack_id.as_bytes());
    key.push(0);
    key.extend_from_slice(exercise_id.as_bytes());
    Ok(key)
}

/// The pack and exercise ids of a key, after its learner id.
fn ids_of(rest: &[u8]) -> Option<(String, String)> {
    let zero = rest.iter().position(|&byte| byte == 0)?;
    let pack_id = std::str::from_utf8(&rest[..zero]).ok()?;
    let exercise_id = std::str::from_utf8(&rest[zero + 1..]).ok()?;
    Some((pack_id.to_string(), exercise_id.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classes::ResumeCode;
    use crate::content::Skill;
    use crate::practice::Confidence;
    use crate::storage::students::tests::{empty_storage, new_class, newcomer};

    /// 2026-12-01, 09:00 UTC.
    const T0: u64 = 1_796_115_600;
    const DAY: u64 = 86_400;

    fn answer(exercise_id: &str, correct: bool, confidence: Option<Confidence>) -> Answer {
        Answer {
            exercise_id: exercise_id.into(),
            skill: Skill::Source,
            choice: "choice".into(),
            correct,
            answered_at: T0,
            confidence,
            fingerprint: None,
        }
    }

    /// A new data directory, with the number of records it starts with.
    /// The exercises of `reviews`, as "pack/exercise".
    fn names(reviews: &[ScheduledReview]) -> Vec<String> {
        reviews
            .iter()
            .map(|scheduled| format!("{}/{}", scheduled.pack_id, scheduled.exercise_id))
            .collect()
    }

    #[tokio::test]
    async fn a_card_is_stored_and_read_back_as_it_was_from_a_backup_too() {
        let (folder, storage, _) = empty_storage().await;
        let learner = Token::random(&mut rand::rng());
        let wrong = answer("b-1", false, None);
        let card = storage
            .schedule_after_answer(learner, "pack", &wrong, T0)
            .await
            .unwrap()
            .expect("a wrong answer is scheduled");
        assert_eq!(Some(card), review::first_schedule(&wrong, T0));
        let scheduled = [ScheduledReview {
            pack_id: "pack".into(),
            exercise_id: "b-1".into(),
            card,
        }];
        assert_eq!(
            storage.review_card(learner, "pack", "b-1").unwrap(),
            Some(card)
        );
        assert_eq!(storage.reviews(learner).unwrap(), scheduled);
        let stranger = Token::random(&mut rand::rng());
        assert!(storage.reviews(stranger).unwrap().is_empty());
        assert_eq!(storage.review_card(learner, "pack", "b-2").unwrap(), None);

        let backup = folder.path().join("backup");
        storage.copy_to(&backup).unwrap();
        let restored = Storage::open_existing(&backup).unwrap();
        assert_eq!(restored.reviews(learner).unwrap(), scheduled);
    }

    #[tokio::test]
    async fn a_sure_right_answer_to_a_new_exercise_stores_nothing() {
        let (_folder, storage, empty) = empty_storage().await;
        let learner = Token::random(&mut rand::rng());
        for confidence in [None, Some(Confidence::FairlySure), Some(Confidence::Sure)] {
            let right = answer("a-1", true, confidence);
            let card = storage
                .schedule_after_answer(learner, "pack", &right, T0)
                .await
                .unwrap();
            assert_eq!(card, None);
        }
        assert_eq!(storage.record_count().unwrap(), empty);
    }

    #[tokio::test]
    async fn reviews_are_due_only_from_their_time_the_longest_waiting_first() {
        let (_folder, storage, _) = empty_storage().await;
        let learner = Token::random(&mut rand::rng());
        // A guess at 09:00 (due in two days), a wrong answer at 10:00 (due tomorrow),
        // another pack's wrong answer at 11:00 (due tomorrow, after it).
        let guessed = answer("a-1", true, Some(Confidence::Guessing));
        storage
            .schedule_after_answer(learner, "pack", &guessed, T0)
            .await
            .unwrap();
        let missed = answer("b-1", false, Some(Confidence::Sure));
        storage
            .schedule_after_answer(learner, "pack", &missed, T0 + 3_600)
            .await
            .unwrap();
        storage
            .schedule_after_answer(learner, "other", &missed, T0 + 7_200)
            .await
            .unwrap();
        assert_eq!(
            names(&storage.reviews(learner).unwrap()),
            ["other/b-1", "pack/a-1", "pack/b-1"]
        );
        let due = |now| names(&storage.due_reviews(learner, now).unwrap());
        assert!(due(T0).is_empty());
        assert!(due(T0 + DAY + 3_599).is_empty(), "not a second early");
        assert_eq!(due(T0 + DAY + 3_600), ["pack/b-1"]);
        assert_eq!(due(T0 + 2 * DAY), ["pack/b-1", "other/b-1", "pack/a-1"]);
        // The next morning at 06:00: two due today, none yet; three in all.
        assert_eq!(
            storage
                .review_counts(learner, T0 + DAY - 3 * 3_600)
                .unwrap(),
            ReviewCounts {
                due_now: 0,
                due_today: 2,
                scheduled: 3
            }
        );
    }

    #[tokio::test]
    async fn a_review_answered_right_when_due_is_due_again_later() {
        let (_folder, storage, _) = empty_storage().await;
        let learner = Token::random(&mut rand::rng());
        let first = storage
            .schedule_after_answer(learner, "pack", &answer("a-1", false, None), T0)
            .await
            .unwrap()
            .unwrap();
        // Answered right again before it is due: the card stays as it was.
        let early = answer("a-1", true, Some(Confidence::Sure));
        let kept = storage
            .schedule_after_answer(learner, "pack", &early, T0 + 3_600)
            .await
            .unwrap();
        assert_eq!(kept, Some(first));
        let now = first.due;
        let reviewed = storage
            .schedule_after_answer(learner, "pack", &early, now)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(reviewed.due, now + 3 * DAY);
        assert_eq!(reviewed.reps, 2);
        assert_eq!(
            storage.review_card(learner, "pack", "a-1").unwrap(),
            Some(reviewed)
        );
        assert!(storage.due_reviews(learner, now).unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_deleted_student_s_cards_are_deleted_with_them() {
        let (_folder, storage, empty) = empty_storage().await;
        let class = new_class(&storage).await;
        let before = storage.record_count().unwrap();
        let student = newcomer(class.id, "Maya");
        storage
            .add_student(&student, Token::random(&mut rand::rng()))
            .await
            .unwrap();
        let classmate = newcomer(class.id, "Ravi");
        storage
            .add_student(&classmate, Token::random(&mut rand::rng()))
            .await
            .unwrap();
        for (learner, exercise) in [
            (student.learner, "a-1"),
            (student.learner, "a-2"),
            (classmate.learner, "a-1"),
        ] {
            storage
                .schedule_after_answer(learner, "pack", &answer(exercise, false, None), T0)
                .await
                .unwrap();
        }
        storage.delete_student(&student).await.unwrap();
        assert!(storage.reviews(student.learner).unwrap().is_empty());
        assert_eq!(
            names(&storage.reviews(classmate.learner).unwrap()),
            ["pack/a-1"]
        );

        storage.delete_class_and_students(&class).await.unwrap();
        assert!(storage.reviews(classmate.learner).unwrap().is_empty());
        assert!(before > empty);
        assert_eq!(storage.record_count().unwrap(), empty, "nothing is left");
    }

    #[tokio::test]
    async fn a_new_resume_code_moves_the_student_s_cards_to_their_new_learner_id() {
        let (_folder, storage, _) = empty_storage().await;
        let class = new_class(&storage).await;
        let student = newcomer(class.id, "Maya");
        storage
            .add_student(&student, Token::random(&mut rand::rng()))
            .await
            .unwrap();
        for exercise in ["a-1", "a-2"] {
            storage
                .schedule_after_answer(student.learner, "pack", &answer(exercise, false, None), T0)
                .await
                .unwrap();
        }
        let cards = storage.reviews(student.learner).unwrap();
        let learner = Token::random(&mut rand::rng());
        let updated = storage
            .reset_resume_code(student.id, ResumeCode::random(&mut rand::rng()), learner)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(updated.learner, learner);
        assert!(storage.reviews(student.learner).unwrap().is_empty());
        assert_eq!(storage.reviews(learner).unwrap(), cards);
        assert_eq!(
            names(&storage.due_reviews(learner, T0 + DAY).unwrap()).len(),
            2
        );
    }

    #[test]
    fn a_key_gives_back_its_pack_and_exercise() {
        let learner = Token::random(&mut rand::rng());
        let key = review_key(learner, "pack-1", "quote-2").unwrap();
        assert_eq!(
            ids_of(&key[16..]),
            Some(("pack-1".to_string(), "quote-2".to_string()))
        );
        assert!(review_key(learner, "pa\0ck", "x").is_err());
    }
}
