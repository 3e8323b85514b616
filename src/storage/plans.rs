//! Round plans read recently, kept decoded. A round's record (who, which pack, which
//! exercises in which order) never changes once stored: its answers are kept apart. So
//! the pages of a round in progress need not parse its record again; parsing it took a
//! sixth of the server's time on an exercise page (bench/README.md).
//!
//! The cache holds at most [`CAPACITY`] plans. A round removed from the store is removed
//! from here too, and a plan read from the store while a removal happened is not kept,
//! so the cache never brings back a removed round.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::practice::{Focus, Token};

/// Enough for every round in progress in a busy school at once (a plan of 45 exercises
/// takes about 2 KB); beyond it, reads parse the record as before.
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
}

#[derive(Default)]
pub(super) struct Plans {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    plans: HashMap<Token, Arc<Plan>>,
    /// How many rounds have been removed since the server started.
    removals: u64,
}

impl Plans {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // The map is valid whatever a panicking holder was doing with it.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn get(&self, id: Token) -> Option<Arc<Plan>> {
        self.lock().plans.get(&id).cloned()
    }

    /// A mark to take before reading a plan from the store and to give to
    /// [`Plans::insert`] after.
    pub fn mark(&self) -> u64 {
        self.lock().removals
    }

    /// Keeps a plan read from the store, unless a round was removed since `mark` was
    /// taken (it may have been this one).
    pub fn insert(&self, id: Token, plan: Arc<Plan>, mark: u64) {
        let mut inner = self.lock();
        if inner.removals != mark {
            return;
        }
        if inner.plans.len() >= CAPACITY
            && !inner.plans.contains_key(&id)
            && let Some(&evicted) = inner.plans.keys().next()
        {
            inner.plans.remove(&evicted);
        }
        inner.plans.insert(id, plan);
    }

    /// Forgets a round, after it is removed from the store.
    pub fn remove(&self, id: Token) {
        let mut inner = self.lock();
        inner.removals += 1;
        inner.plans.remove(&id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Arc<Plan> {
        Arc::new(Plan {
            learner: Token::from_bytes([1; 16]),
            pack_id: "pack".into(),
            focus: Focus::Mix,
            seed: 7,
            exercise_ids: vec!["a".to_string()].into(),
            created_at: 0,
            assignment: None,
        })
    }

    #[test]
    fn a_plan_read_while_a_round_was_removed_is_not_kept() {
        let plans = Plans::default();
        let id = Token::from_bytes([2; 16]);
        let mark = plans.mark();
        plans.remove(id);
        plans.insert(id, plan(), mark);
        assert!(plans.get(id).is_none());
        plans.insert(id, plan(), plans.mark());
        assert!(plans.get(id).is_some());
        plans.remove(id);
        assert!(plans.get(id).is_none());
    }

    #[test]
    fn the_cache_stays_within_its_capacity() {
        let plans = Plans::default();
        for number in 0..CAPACITY as u32 + 10 {
            let mut bytes = [0u8; 16];
            bytes[..4].copy_from_slice(&number.to_be_bytes());
            plans.insert(Token::from_bytes(bytes), plan(), plans.mark());
        }
        assert_eq!(plans.lock().plans.len(), CAPACITY);
    }
}
