//! Browser tests: every page driven in headless Chromium, as a person uses it.
//! They need Chromium and chromedriver (`tests/run` installs them) and are switched on
//! by `SOURCEWISE_BROWSER_TESTS=1`; see the README.

mod builder;
mod checks;
mod classroom;
mod errors;
mod flows;
mod glossary;
mod helpers;
mod keyboard;
mod learning;
mod live;
mod pairs;
mod phone;
mod practice;
mod reader;
mod sign_in;
mod teachers;
mod without_javascript;
