//! How many live-session event streams one participant and one network address hold
//! open. A stream is a connection held for as long as its page is open, so without a
//! bound one student could open thousands and use up the connections and file
//! descriptors everyone else needs. A participant may hold [`PER_PARTICIPANT`] (a few
//! tabs); an address [`PER_ADDRESS`] (a room behind one NAT, each phone with a tab or
//! two). Past either, the stream is refused with a 429; the page still works, and its
//! script tries the stream again every few seconds (once another tab closes, it gets
//! one).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use actix_web::web;

use crate::ids::Token;
use crate::web::AppState;

pub const PER_PARTICIPANT: usize = 4;
pub const PER_ADDRESS: usize = 300;

/// The streams open now, per participant and per address.
#[derive(Debug, Default)]
pub struct OpenStreams {
    counts: Mutex<HashMap<String, usize>>,
}

/// A stream's place, given back when the stream ends (the page closed, the connection
/// dropped, the server stopping).
pub struct StreamPlace {
    state: web::Data<AppState>,
    keys: [String; 2],
}

impl OpenStreams {
    /// A place for one more stream of `participant` from `address`, unless either holds
    /// as many as it may.
    pub fn open(
        state: &web::Data<AppState>,
        participant: Token,
        address: IpAddr,
    ) -> Option<StreamPlace> {
        let keys = [
            format!("participant {participant}"),
            format!("address {address}"),
        ];
        let mut counts = state.streams.lock();
        let full = |key: &String, limit: usize| counts.get(key).is_some_and(|&n| n >= limit);
        if full(&keys[0], PER_PARTICIPANT) || full(&keys[1], PER_ADDRESS) {
            return None;
        }
        for key in &keys {
            *counts.entry(key.clone()).or_insert(0) += 1;
        }
        drop(counts);
        Some(StreamPlace {
            state: state.clone(),
            keys,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, usize>> {
        self.counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for StreamPlace {
    fn drop(&mut self) {
        let mut counts = self.state.streams.lock();
        for key in &self.keys {
            if let Some(count) = counts.get_mut(key) {
                *count -= 1;
                if *count == 0 {
                    counts.remove(key);
                }
            }
        }
    }
}
