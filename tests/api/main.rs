//! Integration tests: each starts the real `sourcewise` binary on a free port with a
//! fresh data directory and talks to it over HTTP, as a browser would.

mod assignments;
mod bad_input;
mod check_command;
mod classes;
mod crash;
mod helpers;
mod https;
mod join_link;
mod joining;
mod learning;
mod live;
mod logs;
mod names;
mod pack;
mod pack_builder;
mod pairs;
mod persistence;
mod practice;
mod quote;
mod results;
mod sign_in;
mod site;
mod student;
mod teacher_packs;
mod teachers;
