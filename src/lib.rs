//! sourcewise: a media-literacy quiz engine.
//!
//! Learners practise four skills on real documents: telling which source a passage
//! comes from, whose perspective it presents, whether a claim is contested among the
//! sources, and whether a quote is faithful to the other versions. Feedback shows the
//! evidence from every document, verbatim and attributed.
//!
//! A map of the code:
//! - [`accounts`]: teacher accounts as plain values: usernames, password rules,
//!   Argon2id hashing, and slowing down repeated failed sign-ins.
//! - [`assignments`]: due dates, when feedback shows, a student's status.
//! - [`classes`]: classes as plain values: names and join codes.
//! - [`due`]: when work is due, in words ("due tomorrow"), and the order of a student's
//!   to-do list.
//! - [`content`]: content packs. `content::load` reads and checks the files (including
//!   the plain-words limits of `content::prose` and the check against leaked passages);
//!   `content::text` finds a quoted passage in its document ignoring whitespace;
//!   `content::diff` compares the versions of a quote word by word; `content::glossary`
//!   holds a pack's terms and finds each one's first use in a text.
//! - [`live`]: live workshop sessions: their phases and the facilitator's moves.
//! - [`names`]: the checks every name people type goes through: hidden characters
//!   (bidi controls, zero-width and other default-ignorable characters), NFKC, stacked
//!   combining marks, and the confusable skeletons that make look-alike nicknames the
//!   same nickname.
//! - [`practice`]: the pure core: planning rounds, shuffling options, scoring, tallies.
//! - [`results`]: item statistics (facility, discrimination) and safe spreadsheet cells.
//! - [`storage`]: the only module that talks to sled: rounds, answers, progress.
//! - [`web`]: the actix-web server; `web::routes` holds one module per resource and
//!   registers the whole URL space in one function; `web::view` holds what several pages
//!   show alike (skills as checkboxes, glossary links, a quote's versions);
//!   `web::guesses` counts codes that match nothing per browser and per address;
//!   `web::learners` says who a learner's browser is (its own id and the students it
//!   joined as); `web::streams` bounds the event streams a participant and an address
//!   hold open; `web::hashing` runs every password hash on a few threads with a short
//!   queue; templates live in `templates/`.
//!
//! Invariants:
//! - A loaded pack is valid: every id it names exists, every quote was found verbatim
//!   in its document, no question's passage reappears in another exercise, and the marks
//!   between a quote's versions were computed from those verbatim texts. A pack with any
//!   error does not load.
//! - `content` and `practice` do no I/O; randomness comes in as a seed or an RNG.
//! - Only `storage` touches sled; templates never touch storage.
//! - An answer is acknowledged only after it is flushed to disk.
//! - No anonymous request can make the server refuse anyone else: limits on guessing
//!   count per browser and per address, never for the whole server; what an anonymous
//!   request can make the server spend (password hashes, event streams, log lines) is
//!   bounded.

pub mod accounts;
pub mod assignments;
pub mod classes;
pub mod content;
pub mod due;
pub mod live;
pub mod names;
pub mod practice;
pub mod results;
pub mod storage;
pub mod web;
