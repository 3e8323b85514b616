//! Rounds read recently, kept decoded. A round's record (who, which pack, which
//! exercises in which order) never changes once stored, except when a new resume code
//! moves a student's rounds to a new learner id, which drops them from here; so the
//! pages of a round in progress need not parse it again: parsing it took a sixth of the server's time on an
//! exercise page. Its answers are kept too once read, and every answer stored is added
//! here by the writer: reading a round's ten answers from sled took a fifth of a
//! feedback page (bench/README.md).
//!
//! The cache holds at most [`CAPACITY`] rounds. Every change to the store that this
//! cache mirrors (an answer stored, a round removed) counts as a change, made after the
//! store's own write and under the cache's lock. What a reader read from the store is
//! kept only if no change came between the mark it took before reading and the moment
//! it keeps it; so the cache never holds less than the store did when it was read, and
//! never brings back a removed round.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::ids::Token;
use crate::practice::{Answer, Focus};

/// Enough for every round in progress in a busy school at once: a round of 10 questions
/// with its answers takes about 2 KB, one of 45 about 8 KB. Only the pages of a round add
/// to the cache, not reports over many rounds. When it is full it starts afresh (the
/// rounds in progress come back with their next page): cheaper, and no worse for a
/// cache this size, than tracking which round was used last.
const CAPACITY: usize = 4096;

/// A round's record, decoded.
#[derive(Debug)]
pub(super) struct Plan {
    pub learner: Token,
    pub pack_id: String,
    pub focus: Focus,
    pub seed: u64,
    pub exercise_ids: Arc<[String]>,
    pub created_at: u64,
    pub assignment: Option<Token>,
    pub review: bool,
}

/// A round's answers, one slot per exercise.
pub(super) type Answers = Vec<Option<Answer>>;

#[derive(Default)]
pub(super) struct Plans {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    rounds: HashMap<Token, Cached>,
    /// How many changes (answers stored, rounds removed) since the server started.
    changes: u64,
}

struct Cached {
    plan: Arc<Plan>,
    /// The round's answers, once a reader has read them all.
    answers: Option<Answers>,
}

impl Plans {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // The map is valid whatever a panicking holder was doing with it.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A round's plan, and, if `with_answers`, its answers if they are kept.
    pub fn get(&self, id: Token, with_answers: bool) -> Option<(Arc<Plan>, Option<Answers>)> {
        self.lock().rounds.get(&id).map(|cached| {
            let answers = if with_answers {
                cached.answers.clone()
            } else {
                None
            };
            (Arc::clone(&cached.plan), answers)
        })
    }

    /// A mark to take before reading from the store, and to give to
    /// [`Plans::insert`] or [`Plans::insert_answers`] after.
    pub fn mark(&self) -> u64 {
        self.lock().changes
    }

    /// Keeps a plan read from the store, unless the store changed since `mark` was
    /// taken (the change may have removed this round).
    pub fn insert(&self, id: Token, plan: Arc<Plan>, mark: u64) {
        let mut inner = self.lock();
        if inner.changes != mark {
            return;
        }
        if inner.rounds.len() >= CAPACITY && !inner.rounds.contains_key(&id) {
            inner.rounds.clear();
        }
        inner.rounds.entry(id).or_insert(Cached {
            plan,
            answers: None,
        });
    }

    /// Keeps a round's answers, all of them as read from the store, unless the store
    /// changed since `mark` was taken (an answer stored meanwhile may be missing).
    pub fn insert_answers(&self, id: Token, answers: &[Option<Answer>], mark: u64) {
        let mut inner = self.lock();
        if inner.changes != mark {
            return;
        }
        if let Some(cached) = inner.rounds.get_mut(&id) {
            cached.answers = Some(answers.to_vec());
        }
    }

    /// Adds an answer the store has just taken (after its compare-and-swap succeeded).
    pub fn answered(&self, id: Token, position: usize, answer: &Answer) {
        let mut inner = self.lock();
        inner.changes += 1;
        if let Some(slot) = inner
            .rounds
            .get_mut(&id)
            .and_then(|cached| cached.answers.as_mut())
            .and_then(|answers| answers.get_mut(position))
        {
            *slot = Some(answer.clone());
        }
    }

    /// Forgets a round, after it is removed from the store.
    pub fn remove(&self, id: Token) {
        let mut inner = self.lock();
        inner.changes += 1;
        inner.rounds.remove(&id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Arc<Plan> {
        Arc::new(Plan {
            learner: Token::from_bytes([1; 16]),
            pack_id: "pack".into(),
            focus: Focus::all(),
            seed: 7,
            exercise_ids: vec!["a".to_string()].into(),
            created_at: 0,
            assignment: None,
            review: false,
        })
    }

    fn answer(choice: &str) -> Answer {
        Answer {
            exercise_id: "a".into(),
            skill: crate::content::Skill::Source,
            choice: choice.into(),
            correct: true,
            answered_at: 0,
            confidence: None,
            fingerprint: None,
        }
    }

    #[test]
    fn a_plan_read_while_a_round_was_removed_is_not_kept() {
        let plans = Plans::default();
        let id = Token::from_bytes([2; 16]);
        let mark = plans.mark();
        plans.remove(id);
        plans.insert(id, plan(), mark);
        assert!(plans.get(id, true).is_none());
        plans.insert(id, plan(), plans.mark());
        assert!(plans.get(id, true).is_some());
        plans.remove(id);
        assert!(plans.get(id, true).is_none());
    }

    #[test]
    fn answers_read_while_an_answer_was_stored_are_not_kept() {
        let plans = Plans::default();
        let id = Token::from_bytes([3; 16]);
        plans.insert(id, plan(), plans.mark());
        // A reader reads no answers; meanwhile an answer is stored.
        let mark = plans.mark();
        plans.answered(id, 0, &answer("x"));
        plans.insert_answers(id, &[None], mark);
        assert_eq!(
            plans.get(id, true).unwrap().1,
            None,
            "the stale read is dropped"
        );
        // Read again with nothing in between: kept, and later answers are added to it.
        plans.insert_answers(id, &[Some(answer("x")), None], plans.mark());
        plans.answered(id, 1, &answer("y"));
        assert_eq!(
            plans.get(id, true).unwrap().1,
            Some(vec![Some(answer("x")), Some(answer("y"))])
        );
    }

    #[test]
    fn the_cache_stays_within_its_capacity() {
        let plans = Plans::default();
        let mut last = Token::from_bytes([0; 16]);
        for number in 0..CAPACITY as u32 + 10 {
            let mut bytes = [0u8; 16];
            bytes[..4].copy_from_slice(&number.to_be_bytes());
            last = Token::from_bytes(bytes);
            plans.insert(last, plan(), plans.mark());
            assert!(plans.lock().rounds.len() <= CAPACITY);
        }
        assert!(plans.get(last, false).is_some(), "the newest round is kept");
    }
}
