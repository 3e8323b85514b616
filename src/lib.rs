//! sourcewise: a media-literacy quiz engine.
//!
//! Learners practise three skills on real documents: telling which source a passage
//! comes from, whose perspective it presents, and whether a claim is contested among
//! the sources. Feedback shows the evidence from every document, verbatim and attributed.
//!
//! A map of the code:
//! - [`accounts`]: teacher accounts as plain values: usernames, password rules,
//!   Argon2id hashing, and slowing down repeated failed sign-ins.
//! - [`assignments`]: due dates, when feedback shows, a student's status.
//! - [`classes`]: classes as plain values: names and join codes.
//! - [`content`]: content packs. `content::load` reads and checks the files;
//!   `content::text` finds a quoted passage in its document ignoring whitespace.
//! - [`live`]: live workshop sessions: their phases and the facilitator's moves.
//! - [`practice`]: the pure core: planning rounds, shuffling options, scoring, tallies.
//! - [`results`]: item statistics (facility, discrimination) and safe spreadsheet cells.
//! - [`storage`]: the only module that talks to sled: rounds, answers, progress.
//! - [`web`]: the actix-web server; `web::routes` holds one module per resource and
//!   registers the whole URL space in one function; templates live in `templates/`.
//!
//! Invariants:
//! - A loaded pack is valid: every id it names exists and every quote was found
//!   verbatim in its document. A pack with any error does not load.
//! - `content` and `practice` do no I/O; randomness comes in as a seed or an RNG.
//! - Only `storage` touches sled; templates never touch storage.
//! - An answer is acknowledged only after it is flushed to disk.

pub mod accounts;
pub mod assignments;
pub mod classes;
pub mod content;
pub mod live;
pub mod practice;
pub mod results;
pub mod storage;
pub mod web;
