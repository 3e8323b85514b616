//! Spaced review: which answers call for a review, and when each review is due.
//!
//! Every exercise a learner got wrong, or got right while guessing, gets a review card,
//! scheduled by FSRS (the open scheduler Anki uses, from the `rs-fsrs` crate). Every
//! later answer to the exercise is a rating of how well the learner remembered
//! ([`rating`]), and FSRS moves the card's due time from it: further away after a right
//! answer, sooner after a wrong one.
//!
//! The rules:
//! - An answer that needs no review (right, and not a guess) to an exercise without a
//!   card makes none.
//! - An answer to an exercise that has a card is a review of it when the card is due,
//!   wherever it was given (a review round holds only due cards, so its answers always
//!   are). Before the card is due, a wrong answer still counts, rated `Again`, but never
//!   puts the review later than it was: the learner has shown they forgot, and the next
//!   review must not wait for a date set when they seemed to know. A right answer before
//!   the card is due leaves it alone: an early success says little, and counting it
//!   would stretch the intervals.
//! - Intervals are whole days, from the first answer on (FSRS's long-term scheduler).
//!   FSRS's short-term steps (1, 5, 10 minutes) suit drilling a deck of flashcards;
//!   here the learner has just read the evidence in the feedback, so asking again
//!   minutes later would test the feedback, not the memory, and would nag.
//! - Nothing is shown before it is due: [`is_due`] is `due <= now`. [`ReviewCounts`]
//!   also counts what falls due later in the current UTC day, for pages that say so.
//!
//! Pure: time comes in as seconds since the Unix epoch; nothing here reads a clock.
//! (`rs-fsrs`'s default parameters seed the random fuzz of intervals from the clock,
//! but fuzz is off, and its scheduler seeds itself anew from the time it is given.)

use chrono::{DateTime, Utc};
use rs_fsrs::{Card, FSRS, Parameters, Rating, State};

use crate::practice::{Answer, Confidence};

/// Seconds in a day.
const DAY: u64 = 86_400;

/// The last second of the year 9999: later times are read as this one, so that FSRS's
/// date arithmetic (up to its longest interval, 100 years) never leaves chrono's range.
const LATEST: u64 = 253_402_300_799;

/// Where a card is in FSRS's cycle. Cards made here go straight to `Review` (intervals
/// are whole days from the start); the other states are kept as FSRS gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewState {
    New,
    Learning,
    Review,
    Relearning,
}

impl ReviewState {
    /// Every state, in FSRS's order.
    pub const ALL: [ReviewState; 4] = [
        ReviewState::New,
        ReviewState::Learning,
        ReviewState::Review,
        ReviewState::Relearning,
    ];

    /// The name used in records.
    pub fn slug(self) -> &'static str {
        match self {
            ReviewState::New => "new",
            ReviewState::Learning => "learning",
            ReviewState::Review => "review",
            ReviewState::Relearning => "relearning",
        }
    }

    pub fn from_slug(slug: &str) -> Option<ReviewState> {
        ReviewState::ALL
            .into_iter()
            .find(|state| state.slug() == slug)
    }
}

impl From<State> for ReviewState {
    fn from(state: State) -> ReviewState {
        match state {
            State::New => ReviewState::New,
            State::Learning => ReviewState::Learning,
            State::Review => ReviewState::Review,
            State::Relearning => ReviewState::Relearning,
        }
    }
}

impl From<ReviewState> for State {
    fn from(state: ReviewState) -> State {
        match state {
            ReviewState::New => State::New,
            ReviewState::Learning => State::Learning,
            ReviewState::Review => State::Review,
            ReviewState::Relearning => State::Relearning,
        }
    }
}

/// One exercise's review schedule for one learner: FSRS's card, as plain values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReviewCard {
    /// When the review is due, in seconds since the Unix epoch.
    pub due: u64,
    /// FSRS's stability: about how many days until recall drops to 90%.
    pub stability: f64,
    /// FSRS's difficulty, from 1 (easiest) to 10.
    pub difficulty: f64,
    /// Whole days between the last two answers that counted.
    pub elapsed_days: u32,
    /// Whole days from the last answer that counted to `due`.
    pub scheduled_days: u32,
    /// How many answers have counted, the first included.
    pub reps: u32,
    /// How many times the learner got it wrong again after it was scheduled.
    pub lapses: u32,
    pub state: ReviewState,
    /// When the last answer that counted was given, in seconds since the Unix epoch.
    pub last_review: u64,
}

impl From<&ReviewCard> for Card {
    fn from(card: &ReviewCard) -> Card {
        Card {
            due: date_time(card.due),
            stability: card.stability,
            difficulty: card.difficulty,
            elapsed_days: card.elapsed_days.into(),
            scheduled_days: card.scheduled_days.into(),
            reps: i32::try_from(card.reps).unwrap_or(i32::MAX),
            lapses: i32::try_from(card.lapses).unwrap_or(i32::MAX),
            state: card.state.into(),
            last_review: date_time(card.last_review),
        }
    }
}

/// FSRS's counts are signed; a negative one (which it gives only when time goes back)
/// reads as 0.
impl From<Card> for ReviewCard {
    fn from(card: Card) -> ReviewCard {
        let count = |value: i64| u32::try_from(value.max(0)).unwrap_or(u32::MAX);
        ReviewCard {
            due: seconds(card.due),
            stability: card.stability,
            difficulty: card.difficulty,
            elapsed_days: count(card.elapsed_days),
            scheduled_days: count(card.scheduled_days),
            reps: count(card.reps.into()),
            lapses: count(card.lapses.into()),
            state: card.state.into(),
            last_review: seconds(card.last_review),
        }
    }
}

/// Whether an answer calls for a review: it was wrong, or right while guessing.
pub fn needs_review(answer: &Answer) -> bool {
    !answer.correct || answer.confidence == Some(Confidence::Guessing)
}

/// How well an answer shows the learner remembered, in FSRS's grades: wrong is `Again`
/// (however sure they said they were), right while guessing `Hard`, and any other right
/// answer `Good`, sure or not, said or not.
///
/// `Easy` is never given. FSRS means it for the exception, a recall so effortless that
/// the interval should leap; most right answers are meant to be `Good`. Learners say
/// "sure" of most right answers, and choosing among options is recognition, weaker
/// evidence than a flashcard's recall. Read as `Easy`, four sure answers after a wrong
/// one would space the reviews 7, 50, 329 and 1949 days apart; as `Good` they are 3, 8,
/// 22 and 53 days apart.
pub fn rating(answer: &Answer) -> Rating {
    if !answer.correct {
        Rating::Again
    } else if answer.confidence == Some(Confidence::Guessing) {
        Rating::Hard
    } else {
        Rating::Good
    }
}

/// The card an answer makes for an exercise that has none: rated by [`rating`] at `now`.
/// `None` when the answer needs no review ([`needs_review`]).
pub fn first_schedule(answer: &Answer, now: u64) -> Option<ReviewCard> {
    if !needs_review(answer) {
        return None;
    }
    let card = Card {
        due: date_time(now),
        last_review: date_time(now),
        ..Card::default()
    };
    Some(review(card, rating(answer), now))
}

/// The card after a review: `answer`, given at `now`, rated by [`rating`]. A `now`
/// before the card's last review (a clock that went back) counts as no time passed.
pub fn next_schedule(card: &ReviewCard, answer: &Answer, now: u64) -> ReviewCard {
    review(card.into(), rating(answer), now.max(card.last_review))
}

/// What an answer given at `now` does to the exercise's card (`card`, if it has one),
/// wherever it was given: in practice, an assignment or a review round. The card to
/// store, or `None` to leave things as they are. The rules are the module's: no card
/// and a review needed makes one ([`first_schedule`]); a due card is reviewed
/// ([`next_schedule`]); a card not yet due changes only for a wrong answer, and then
/// falls due no later than it would have.
pub fn after_answer(card: Option<&ReviewCard>, answer: &Answer, now: u64) -> Option<ReviewCard> {
    match card {
        None => first_schedule(answer, now),
        Some(card) if is_due(card, now) => Some(next_schedule(card, answer, now)),
        Some(card) if !answer.correct => {
            let mut lapsed = next_schedule(card, answer, now);
            if lapsed.due > card.due {
                lapsed.due = card.due;
                let days = card.due.saturating_sub(lapsed.last_review) / DAY;
                lapsed.scheduled_days = u32::try_from(days).unwrap_or(u32::MAX);
            }
            Some(lapsed)
        }
        Some(_) => None,
    }
}

/// Whether a card may be shown for review at `now`: its due time has come.
pub fn is_due(card: &ReviewCard, now: u64) -> bool {
    card.due <= now
}

/// Whether a card falls due by the end of the current UTC day (it may be due already).
/// For what pages say ("3 reviews due today"); only [`is_due`] cards are shown.
pub fn is_due_today(card: &ReviewCard, now: u64) -> bool {
    card.due < end_of_utc_day(now)
}

/// The first second of the UTC day after the one `now` is in.
pub fn end_of_utc_day(now: u64) -> u64 {
    (now / DAY + 1) * DAY
}

/// How many reviews a learner has, for pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReviewCounts {
    /// Due now: what a review round would hold.
    pub due_now: usize,
    /// Due by the end of the current UTC day, those due now included.
    pub due_today: usize,
    /// Every card, due or not.
    pub scheduled: usize,
}

impl ReviewCounts {
    /// The counts of `cards` at `now`.
    pub fn of<'a>(cards: impl IntoIterator<Item = &'a ReviewCard>, now: u64) -> ReviewCounts {
        let mut counts = ReviewCounts::default();
        for card in cards {
            counts.due_now += usize::from(is_due(card, now));
            counts.due_today += usize::from(is_due_today(card, now));
            counts.scheduled += 1;
        }
        counts
    }

    /// Adds another learner id's counts (a browser's own, and each class's student).
    pub fn merge(&mut self, other: &ReviewCounts) {
        self.due_now += other.due_now;
        self.due_today += other.due_today;
        self.scheduled += other.scheduled;
    }
}

/// The scheduler: FSRS's default weights and 90% retention, whole days from the first
/// answer (no short-term steps), and no random fuzz, so the same answers at the same
/// times always give the same schedule.
fn scheduler() -> FSRS {
    FSRS::new(Parameters {
        enable_short_term: false,
        enable_fuzz: false,
        ..Parameters::default()
    })
}

/// `card` reviewed with `rating` at `now`.
fn review(card: Card, rating: Rating, now: u64) -> ReviewCard {
    scheduler().next(card, date_time(now), rating).card.into()
}

fn date_time(seconds: u64) -> DateTime<Utc> {
    let seconds = i64::try_from(seconds.min(LATEST)).unwrap_or_default();
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

fn seconds(time: DateTime<Utc>) -> u64 {
    u64::try_from(time.timestamp()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Skill;

    /// 2026-12-01, 09:00 UTC: the first answer of every test.
    const T0: u64 = 1_796_115_600;
    const HOUR: u64 = 3_600;

    fn answer(correct: bool, confidence: Option<Confidence>) -> Answer {
        Answer {
            exercise_id: "exercise".into(),
            skill: Skill::Source,
            choice: "choice".into(),
            correct,
            answered_at: 0,
            confidence,
            fingerprint: None,
        }
    }

    fn wrong() -> Answer {
        answer(false, None)
    }

    fn right(confidence: Option<Confidence>) -> Answer {
        answer(true, confidence)
    }

    /// Whole days from `from` to the card's due time.
    fn days_until_due(card: &ReviewCard, from: u64) -> u64 {
        assert_eq!((card.due - from) % DAY, 0, "{card:?}");
        (card.due - from) / DAY
    }

    #[test]
    fn wrong_answers_and_right_guesses_need_review_and_nothing_else_does() {
        let cases = [
            (false, None, true),
            (false, Some(Confidence::Sure), true),
            (false, Some(Confidence::FairlySure), true),
            (false, Some(Confidence::Guessing), true),
            (true, Some(Confidence::Guessing), true),
            (true, Some(Confidence::FairlySure), false),
            (true, Some(Confidence::Sure), false),
            (true, None, false),
        ];
        for (correct, confidence, expected) in cases {
            let answer = answer(correct, confidence);
            assert_eq!(needs_review(&answer), expected, "{answer:?}");
            assert_eq!(
                first_schedule(&answer, T0).is_some(),
                expected,
                "{answer:?}"
            );
        }
    }

    #[test]
    fn an_answer_is_rated_by_whether_it_was_right_and_whether_it_was_a_guess() {
        let cases = [
            (false, Some(Confidence::Sure), Rating::Again),
            (false, Some(Confidence::Guessing), Rating::Again),
            (false, None, Rating::Again),
            (true, Some(Confidence::Guessing), Rating::Hard),
            (true, Some(Confidence::FairlySure), Rating::Good),
            (true, Some(Confidence::Sure), Rating::Good),
            (true, None, Rating::Good),
        ];
        for (correct, confidence, expected) in cases {
            assert_eq!(rating(&answer(correct, confidence)), expected);
        }
    }

    #[test]
    fn a_wrong_answer_is_due_again_the_next_day() {
        let card = first_schedule(&wrong(), T0).unwrap();
        assert_eq!(days_until_due(&card, T0), 1);
        assert_eq!(card.last_review, T0);
        assert_eq!(card.reps, 1);
        assert_eq!(card.lapses, 0);
        assert_eq!(card.state, ReviewState::Review);
    }

    #[test]
    fn a_right_guess_is_due_two_days_later() {
        let card = first_schedule(&right(Some(Confidence::Guessing)), T0).unwrap();
        assert_eq!(days_until_due(&card, T0), 2);
    }

    /// A card answered wrong at `T0`, then right at each due time `reviews` times.
    fn reviewed(reviews: usize) -> ReviewCard {
        let mut card = first_schedule(&wrong(), T0).unwrap();
        for _ in 0..reviews {
            card = next_schedule(&card, &right(Some(Confidence::Sure)), card.due);
        }
        card
    }

    #[test]
    fn right_answers_at_each_due_time_space_the_reviews_out() {
        let mut card = first_schedule(&wrong(), T0).unwrap();
        let mut intervals = Vec::new();
        for _ in 0..5 {
            let now = card.due;
            card = next_schedule(&card, &right(Some(Confidence::Sure)), now);
            intervals.push(days_until_due(&card, now));
            assert_eq!(card.last_review, now);
        }
        assert_eq!(intervals, [3, 8, 22, 53, 122], "{card:?}");
        assert_eq!(card.reps, 6);
        assert_eq!(card.lapses, 0);
        assert_eq!(card, reviewed(5));
    }

    #[test]
    fn a_right_guess_in_review_brings_the_next_review_sooner_than_a_sure_answer() {
        let card = reviewed(2);
        let interval = |confidence| {
            let next = next_schedule(&card, &right(confidence), card.due);
            days_until_due(&next, card.due)
        };
        assert_eq!(interval(Some(Confidence::Guessing)), 11);
        assert_eq!(interval(Some(Confidence::Sure)), 22);
        assert_eq!(interval(None), 22);
    }

    #[test]
    fn a_wrong_review_brings_a_long_interval_back_to_a_few_days() {
        let card = reviewed(4);
        assert_eq!(card.scheduled_days, 53);
        let now = card.due;
        let lapsed = next_schedule(&card, &wrong(), now);
        assert_eq!(days_until_due(&lapsed, now), 5);
        assert_eq!(lapsed.lapses, 1);
        assert!(lapsed.stability < card.stability);
        assert!(lapsed.difficulty > card.difficulty);
    }

    #[test]
    fn a_review_is_never_due_before_its_time() {
        let card = first_schedule(&wrong(), T0).unwrap();
        assert!(!is_due(&card, T0));
        assert!(!is_due(&card, card.due - 1));
        assert!(is_due(&card, card.due));
        assert!(is_due(&card, card.due + 7 * DAY));
        // Later that day it is not due; the next morning, before 09:00, it is due today
        // but not yet due.
        assert_eq!(ReviewCounts::of([&card], T0 + 14 * HOUR).due_today, 0);
        let next_morning = T0 + 20 * HOUR;
        assert_eq!(
            ReviewCounts::of([&card], next_morning),
            ReviewCounts {
                due_now: 0,
                due_today: 1,
                scheduled: 1
            }
        );
        assert_eq!(
            ReviewCounts::of([&card], card.due),
            ReviewCounts {
                due_now: 1,
                due_today: 1,
                scheduled: 1
            }
        );
    }

    #[test]
    fn outside_review_a_right_answer_leaves_a_card_that_is_not_due() {
        let card = first_schedule(&wrong(), T0).unwrap();
        for confidence in [None, Some(Confidence::Guessing), Some(Confidence::Sure)] {
            assert_eq!(
                after_answer(Some(&card), &right(confidence), T0 + HOUR),
                None
            );
        }
    }

    #[test]
    fn outside_review_a_wrong_answer_reschedules_a_card_that_is_not_due() {
        // Due in 53 days: a wrong answer a week in makes it due a few days later.
        let card = reviewed(4);
        let now = card.last_review + 7 * DAY;
        let lapsed = after_answer(Some(&card), &wrong(), now).unwrap();
        assert_eq!(days_until_due(&lapsed, now), 4);
        assert_eq!(lapsed.lapses, 1);
        assert_eq!(lapsed.last_review, now);
    }

    #[test]
    fn outside_review_a_wrong_answer_never_puts_a_review_later() {
        // Due in two days: FSRS alone would make it due in five; it stays due on time.
        let card = reviewed(4);
        let now = card.due - 2 * DAY;
        assert_eq!(days_until_due(&next_schedule(&card, &wrong(), now), now), 5);
        let lapsed = after_answer(Some(&card), &wrong(), now).unwrap();
        assert_eq!(lapsed.due, card.due);
        assert_eq!(lapsed.scheduled_days, 2);
        assert_eq!(lapsed.lapses, 1);
    }

    #[test]
    fn any_answer_to_a_due_card_is_a_review_of_it() {
        let card = first_schedule(&wrong(), T0).unwrap();
        let answer = right(Some(Confidence::Sure));
        assert_eq!(
            after_answer(Some(&card), &answer, card.due),
            Some(next_schedule(&card, &answer, card.due))
        );
        // Without a card, only an answer that needs review makes one.
        assert_eq!(after_answer(None, &answer, T0), None);
        assert_eq!(after_answer(None, &wrong(), T0), Some(card));
    }

    #[test]
    fn a_clock_that_went_back_counts_as_no_time_passed() {
        let card = first_schedule(&wrong(), T0).unwrap();
        let earlier = next_schedule(&card, &wrong(), T0 - DAY);
        let same = next_schedule(&card, &wrong(), T0);
        assert_eq!(earlier, same);
        assert!(earlier.stability.is_finite() && earlier.stability > 0.0);
    }

    #[test]
    fn a_card_reads_back_as_it_was_through_fsrs_s_card() {
        let mut card = first_schedule(&wrong(), T0).unwrap();
        card = next_schedule(&card, &wrong(), card.due);
        assert_eq!(ReviewCard::from(Card::from(&card)), card);
        for state in ReviewState::ALL {
            assert_eq!(ReviewState::from_slug(state.slug()), Some(state));
            assert_eq!(ReviewState::from(State::from(state)), state);
        }
    }

    #[test]
    fn today_ends_at_midnight_utc() {
        assert_eq!(end_of_utc_day(T0), T0 + 15 * HOUR);
        assert_eq!(end_of_utc_day(T0 + 15 * HOUR - 1), T0 + 15 * HOUR);
        assert_eq!(end_of_utc_day(T0 + 15 * HOUR), T0 + 15 * HOUR + DAY);
    }

    #[test]
    fn counts_of_several_learners_add_up() {
        let card = first_schedule(&wrong(), T0).unwrap();
        let mut counts = ReviewCounts::of([&card], card.due);
        counts.merge(&ReviewCounts::of([&card, &card], T0));
        assert_eq!(
            counts,
            ReviewCounts {
                due_now: 1,
                due_today: 1,
                scheduled: 3
            }
        );
    }
}
