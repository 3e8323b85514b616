//! sourcewise: a media-literacy quiz engine.
//!
//! Learners practise four skills on real documents: telling which source a passage
//! comes from, whose perspective it presents, whether a claim is contested among the
//! sources, and whether a quote is faithful to the other versions. Feedback shows the
//! evidence from every document, verbatim and attributed.
//!
//! `ARCHITECTURE.md`, at the top of the repository, is the map of the code and its
//! invariants: read it first.

pub mod accounts;
pub mod assignments;
pub mod classes;
pub mod content;
pub mod due;
pub mod ids;
pub mod live;
pub mod measures;
pub mod names;
pub mod pairs;
pub mod practice;
pub mod pre_post;
pub mod results;
pub mod review;
pub mod storage;
pub mod teacher_packs;
pub mod throttle;
pub mod web;
