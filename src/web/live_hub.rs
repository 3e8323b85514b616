//! The fan-out of live sessions to open event streams.
//!
//! Each session that someone has looked at since the server started has a channel
//! here, made from its stored state. Two `tokio::sync::watch` values carry changes:
//! - `phase`: one new value per change of phase. Every participant's stream waits on
//!   it, so a change costs one broadcast, never one message per participant per tick;
//!   a stream that falls behind simply sees the newest value.
//! - `activity`: bumped by every join and answer. Only the facilitator's streams wait
//!   on it (to show the counts), so a room answering at once wakes no participant.
//!
//! The channel's lock is held while a session's phase is checked and changed, and
//! while an answer is checked against the phase and written, so that no answer lands
//! after answers closed. It is never held across an await.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;

use crate::ids::Token;
use crate::live::LiveState;

/// What every stream of a session is told about a change of phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signal {
    pub version: u64,
    pub phase: &'static str,
    /// The 1-based number of the exercise on screen, 0 when there is none.
    pub number: usize,
}

impl Signal {
    pub fn of(state: &LiveState) -> Signal {
        Signal {
            version: state.version,
            phase: state.phase.slug(),
            number: state.phase.position().map_or(0, |position| position + 1),
        }
    }
}

pub struct LiveChannel {
    lock: Mutex<()>,
    pub phase: watch::Sender<Signal>,
    pub activity: watch::Sender<u64>,
}

impl LiveChannel {
    /// Holds the session still while it is checked and changed.
    pub fn lock(&self) -> MutexGuard<'_, ()> {
        self.lock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Tells every stream of the new phase.
    pub fn announce(&self, state: &LiveState) {
        self.phase.send_replace(Signal::of(state));
        self.touch();
    }

    /// Wakes every stream without a change of phase: a participant was removed, and
    /// each participant's stream checks whether it was them.
    pub fn nudge(&self) {
        self.phase.send_modify(|_| {});
        self.touch();
    }

    /// Tells the facilitator's streams that the counts changed.
    pub fn touch(&self) {
        self.activity
            .send_modify(|count| *count = count.wrapping_add(1));
    }
}

#[derive(Default)]
pub struct LiveHub {
    channels: Mutex<HashMap<Token, Arc<LiveChannel>>>,
}

impl LiveHub {
    /// The channel of session `id`, made from `state` if it has none yet.
    pub fn channel(&self, id: Token, state: &LiveState) -> Arc<LiveChannel> {
        let mut channels = self
            .channels
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        channels
            .entry(id)
            .or_insert_with(|| {
                Arc::new(LiveChannel {
                    lock: Mutex::new(()),
                    phase: watch::Sender::new(Signal::of(state)),
                    activity: watch::Sender::new(0),
                })
            })
            .clone()
    }
}
