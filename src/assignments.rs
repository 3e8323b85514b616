//! Assignments as plain values: which questions students get, titles, due dates and
//! times in the teacher's time zone, when feedback is shown, and a student's status on
//! an assignment.
//!
//! No I/O; the time comes in as seconds since the Unix epoch, randomness as a seed.

use std::fmt;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::content::Pack;
use crate::ids::Token;
use crate::pairs::PairRole;
use crate::practice::{Focus, Round};

/// The most questions a teacher can pick by hand for one assignment.
pub const MAX_PICKED: usize = 50;

/// Which questions the students of an assignment get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Questions {
    /// Each student their own random questions of the skills, drawn when they start
    /// (every assignment made before issue #15 reads as this).
    EachTheirOwn,
    /// Everyone the same questions, fixed when the lesson is assigned.
    Same {
        exercise_ids: Vec<String>,
        order: QuestionOrder,
        /// Picked by hand from the list, rather than drawn at random.
        picked: bool,
    },
}

/// The order in which students get the same questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionOrder {
    /// Everyone in the same order.
    Fixed,
    /// Each student in an order of their own.
    Shuffled,
}

impl QuestionOrder {
    pub fn slug(self) -> &'static str {
        match self {
            QuestionOrder::Fixed => "same",
            QuestionOrder::Shuffled => "shuffled",
        }
    }

    pub fn from_slug(slug: &str) -> Option<QuestionOrder> {
        match slug {
            "same" => Some(QuestionOrder::Fixed),
            "shuffled" => Some(QuestionOrder::Shuffled),
            _ => None,
        }
    }
}

impl Questions {
    /// The exercises of a student's round, when everyone gets the same questions: the
    /// stored list, in its order or shuffled by the student's `seed`. `None` when each
    /// student gets their own.
    pub fn for_student(&self, seed: u64) -> Option<Vec<String>> {
        match self {
            Questions::EachTheirOwn => None,
            Questions::Same {
                exercise_ids,
                order,
                ..
            } => {
                let mut ids = exercise_ids.clone();
                if *order == QuestionOrder::Shuffled {
                    ids.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
                }
                Some(ids)
            }
        }
    }

    /// The fixed list of questions, if everyone gets the same.
    pub fn same_list(&self) -> Option<&[String]> {
        match self {
            Questions::EachTheirOwn => None,
            Questions::Same { exercise_ids, .. } => Some(exercise_ids),
        }
    }

    /// How the class page describes the choice: "the same questions for everyone".
    pub fn describe(&self) -> &'static str {
        match self {
            Questions::EachTheirOwn => "each student their own random questions",
            Questions::Same {
                picked: true,
                order: QuestionOrder::Fixed,
                ..
            } => "questions picked by hand, the same order for everyone",
            Questions::Same {
                picked: true,
                order: QuestionOrder::Shuffled,
                ..
            } => "questions picked by hand, shuffled for each student",
            Questions::Same {
                order: QuestionOrder::Fixed,
                ..
            } => "the same questions for everyone, in the same order",
            Questions::Same {
                order: QuestionOrder::Shuffled,
                ..
            } => "the same questions for everyone, shuffled for each student",
        }
    }
}

/// What is wrong with the questions picked by hand; the messages are shown as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PickProblem {
    #[error(
        "No question was picked: tick at least one in the list, or choose another way to give the questions."
    )]
    None,
    #[error(
        "{0} questions were picked, and an assignment can have at most {MAX_PICKED}: untick some."
    )]
    TooMany(usize),
    #[error("“{0}” is not a question of this lesson: pick the questions from the list.")]
    Unknown(String),
}

/// Checks the questions picked by hand, given as ids, against the lesson's exercises
/// (`known`, in the lesson's order): the picked ones in the lesson's order, each once.
pub fn check_picked<'a>(
    picked: &[&str],
    known: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<String>, PickProblem> {
    let known: Vec<&str> = known.into_iter().collect();
    if let Some(unknown) = picked.iter().find(|id| !known.contains(id)) {
        return Err(PickProblem::Unknown((*unknown).to_string()));
    }
    let ordered: Vec<String> = known
        .into_iter()
        .filter(|id| picked.contains(id))
        .map(str::to_string)
        .collect();
    match ordered.len() {
        0 => Err(PickProblem::None),
        count if count > MAX_PICKED => Err(PickProblem::TooMany(count)),
        _ => Ok(ordered),
    }
}

/// An assignment's title as the teacher typed it: 1 to 80 characters, no control or
/// hidden characters (see [`crate::names`]).
pub fn parse_title(text: &str) -> Result<Option<String>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > 80 {
        return Err("The title can have at most 80 characters.");
    }
    if crate::names::has_control(text, &[]) || crate::names::has_invisible(text) {
        return Err(
            "The title has a hidden or control character (often pasted in with it): type it again rather than pasting it.",
        );
    }
    Ok(Some(text.to_string()))
}

/// The teacher's time zone when they set a due time: its offset from UTC, and its name
/// as the browser gave it (such as `Europe/Berlin`), if it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueZone {
    offset_minutes: i32,
    name: Option<String>,
}

impl DueZone {
    /// UTC: the zone of a due date set without JavaScript, and of older assignments.
    pub fn utc() -> DueZone {
        DueZone {
            offset_minutes: 0,
            name: None,
        }
    }

    /// Reads the form's hidden fields: the offset in minutes east of UTC (from −14 to
    /// +14 hours) and the zone's name (letters, digits and `/ _ + -`, at most 64).
    /// An empty offset is UTC; a name that does not look like one is left out.
    pub fn parse(offset: &str, name: &str) -> Option<DueZone> {
        let offset = offset.trim();
        if offset.is_empty() {
            return Some(DueZone::utc());
        }
        let offset_minutes: i32 = offset.parse().ok()?;
        if !(-14 * 60..=14 * 60).contains(&offset_minutes) {
            return None;
        }
        let name = name.trim();
        let name = (!name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '+' | '-')))
        .then(|| name.to_string());
        Some(DueZone {
            offset_minutes,
            name,
        })
    }

    /// A zone from what a record stored.
    pub fn from_stored(offset_minutes: i32, name: Option<String>) -> DueZone {
        DueZone {
            offset_minutes,
            name,
        }
    }

    pub fn offset_minutes(&self) -> i32 {
        self.offset_minutes
    }

    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The zone's offset from UTC. Every zone is within ±14 hours, as `parse` keeps it
    /// (and `from_stored` reads only what it kept); past `time`'s ±25:59:59 it would be UTC.
    pub fn utc_offset(&self) -> UtcOffset {
        UtcOffset::from_whole_seconds(self.offset_minutes.saturating_mul(60))
            .unwrap_or(UtcOffset::UTC)
    }

    /// "Europe/Berlin", or "UTC+02:00", or "UTC".
    pub fn label(&self) -> String {
        if let Some(name) = &self.name {
            return name.replace('_', " ");
        }
        if self.offset_minutes == 0 {
            return "UTC".to_string();
        }
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let minutes = self.offset_minutes.unsigned_abs();
        format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
    }
}

/// Reads a time of day, `HH:MM` as a browser's time field sends it (seconds allowed).
pub fn parse_time(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.trim().split(':');
    let hour: u32 = parts.next()?.parse().ok()?;
    let minute: u32 = parts.next()?.parse().ok()?;
    if let Some(seconds) = parts.next() {
        seconds
            .parse::<u32>()
            .ok()
            .filter(|&seconds| seconds < 60)?;
    }
    (hour < 24 && minute < 60 && parts.next().is_none()).then_some((hour, minute))
}

/// The last second an assignment is due, in seconds since the Unix epoch: `time` on
/// `date` in `zone` (its minute begun), or without a time the end of that day there.
pub fn deadline_at(date: DueDate, time: Option<(u32, u32)>, zone: &DueZone) -> u64 {
    let midnight = date.0.midnight().assume_offset(zone.utc_offset());
    let after_midnight = match time {
        Some((hour, minute)) => i64::from(hour) * 3600 + i64::from(minute) * 60,
        None => 86_399,
    };
    (midnight.unix_timestamp() + after_midnight).max(0) as u64
}

/// `seconds` since the Unix epoch as a date and time at `offset`. `time` stops at the
/// end of the year 9999, which no deadline (at most 2200) nor clock reaches: a time
/// past it reads as that last second.
pub fn date_time(seconds: u64, offset: UtcOffset) -> OffsetDateTime {
    i64::try_from(seconds)
        .ok()
        .and_then(|seconds| OffsetDateTime::from_unix_timestamp(seconds).ok())
        .and_then(|utc| utc.checked_to_offset(offset))
        .unwrap_or(PrimitiveDateTime::MAX.assume_offset(offset))
}

/// "Tuesday 1 December 2026, 17:00 (Europe/Berlin)": a deadline as the teacher set it,
/// with the weekday, in their time zone.
pub fn describe_deadline(deadline: u64, zone: &DueZone) -> String {
    let local = date_time(deadline, zone.utc_offset());
    format!(
        "{} {} {} {}, {:02}:{:02} ({})",
        local.weekday(),
        local.day(),
        local.month(),
        local.year(),
        local.hour(),
        local.minute(),
        zone.label()
    )
}

/// When a student sees whether an answer was right, with the explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackTiming {
    /// Straight after each answer, as in practice.
    Immediate,
    /// Only once the due date has passed (the answer is saved meanwhile).
    AfterDue,
}

impl FeedbackTiming {
    pub fn slug(self) -> &'static str {
        match self {
            FeedbackTiming::Immediate => "immediate",
            FeedbackTiming::AfterDue => "after-due",
        }
    }

    pub fn from_slug(slug: &str) -> Option<FeedbackTiming> {
        match slug {
            "immediate" => Some(FeedbackTiming::Immediate),
            "after-due" => Some(FeedbackTiming::AfterDue),
            _ => None,
        }
    }
}

/// A due date: the assignment is due by the end of that day (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueDate(Date);

/// The last second of a day.
const END_OF_DAY: Time = match Time::from_hms(23, 59, 59) {
    Ok(time) => time,
    Err(_) => panic!("23:59:59 is a time of day"),
};

impl DueDate {
    /// Reads `YYYY-MM-DD`, as a browser's date field sends it.
    pub fn parse(text: &str) -> Option<DueDate> {
        let mut parts = text.trim().splitn(3, '-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u8 = parts.next()?.parse().ok()?;
        let day: u8 = parts.next()?.parse().ok()?;
        if !(2000..=2200).contains(&year) {
            return None;
        }
        Date::from_calendar_date(year, Month::try_from(month).ok()?, day)
            .ok()
            .map(DueDate)
    }

    /// The last second of the day, in seconds since the Unix epoch.
    pub fn deadline(self) -> u64 {
        self.0.with_time(END_OF_DAY).assume_utc().unix_timestamp() as u64
    }

    /// The date of the day that contains `deadline`.
    pub fn from_deadline(deadline: u64) -> DueDate {
        DueDate(date_time(deadline, UtcOffset::UTC).date())
    }
}

impl fmt::Display for DueDate {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            u8::from(self.0.month()),
            self.0.day()
        )
    }
}

/// Where a student stands on an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    NotStarted,
    InProgress,
    Done,
    Overdue,
}

impl Status {
    /// `answered` of `total` questions answered (`None` if not started), at `now`.
    pub fn of(answered: Option<(usize, usize)>, deadline: Option<u64>, now: u64) -> Status {
        let late = deadline.is_some_and(|deadline| now > deadline);
        match answered {
            Some((answered, total)) if answered >= total => Status::Done,
            _ if late => Status::Overdue,
            Some(_) => Status::InProgress,
            None => Status::NotStarted,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "Not started",
            Status::InProgress => "In progress",
            Status::Done => "Done",
            Status::Overdue => "Overdue",
        }
    }
}

/// Whether a student may see right and wrong for an assignment at `now`.
pub fn feedback_visible(timing: FeedbackTiming, deadline: Option<u64>, now: u64) -> bool {
    match (timing, deadline) {
        (FeedbackTiming::Immediate, _) => true,
        (FeedbackTiming::AfterDue, Some(deadline)) => now > deadline,
        // Without a due date there is no "after": show it.
        (FeedbackTiming::AfterDue, None) => true,
    }
}

/// A lesson given to a class: which pack, which questions, when it is due and when
/// feedback shows.
#[derive(Debug, Clone)]
pub struct Assignment {
    pub id: Token,
    pub class: Token,
    pub pack_id: String,
    pub focus: Focus,
    /// How many exercises; `None` for all of the chosen kind.
    pub length: Option<usize>,
    /// The last second it is due, if it has a due date.
    pub deadline: Option<u64>,
    pub feedback: FeedbackTiming,
    pub created_at: u64,
    /// The title the teacher gave it, if any (see [`Assignment::title`]).
    pub title: Option<String>,
    /// Which questions the students get.
    pub questions: Questions,
    /// The teacher's time zone when they set the due date (UTC for older ones).
    pub due_zone: DueZone,
    /// Its place in a pre- and post-test pair, if it is one ([`crate::pairs`]).
    pub pair: Option<PairRole>,
}

impl Assignment {
    /// What every page calls the assignment: the teacher's title, or its skills
    /// ("Which source? and Agreed or contested?").
    pub fn title(&self) -> String {
        self.title.clone().unwrap_or_else(|| self.focus.title())
    }

    /// A new round for a student starting the assignment: the assignment's own
    /// questions when everyone gets the same (shuffled by `seed` if so chosen), else
    /// questions of its skills drawn with `seed`.
    pub fn new_round(
        &self,
        id: Token,
        learner: Token,
        pack: &Pack,
        seed: u64,
        created_at: u64,
    ) -> Round {
        let mut round = match self.questions.for_student(seed) {
            Some(exercise_ids) => Round::with_exercises(
                id,
                learner,
                pack,
                self.focus,
                exercise_ids,
                seed,
                created_at,
            ),
            None => Round::new(
                id,
                learner,
                pack,
                self.focus,
                // "All": as many as the pack has; a round stops when its kind runs out.
                self.length.unwrap_or(pack.exercises().len()),
                seed,
                created_at,
            ),
        };
        round.assignment = Some(self.id);
        round
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks the deadline that `date` at `time` (the end of the day without one) in
    /// `zone` falls on, and how it reads in that zone and in UTC; returns it.
    fn check_deadline(
        (date, time, zone): (DueDate, Option<(u32, u32)>, &DueZone),
        deadline: u64,
        in_zone: &str,
        in_utc: &str,
    ) -> u64 {
        let found = deadline_at(date, time, zone);
        assert_eq!(found, deadline);
        assert_eq!(describe_deadline(found, zone), in_zone);
        assert_eq!(describe_deadline(found, &DueZone::utc()), in_utc);
        found
    }

    #[test]
    fn same_questions_come_from_the_stored_list_in_order_or_shuffled() {
        let ids: Vec<String> = (0..12).map(|index| format!("e{index}")).collect();
        let fixed = Questions::Same {
            exercise_ids: ids.clone(),
            order: QuestionOrder::Fixed,
            picked: false,
        };
        assert_eq!(fixed.for_student(1), Some(ids.clone()));
        assert_eq!(fixed.for_student(2), Some(ids.clone()));
        let shuffled = Questions::Same {
            exercise_ids: ids.clone(),
            order: QuestionOrder::Shuffled,
            picked: false,
        };
        let mut first = shuffled.for_student(1).unwrap();
        assert_eq!(shuffled.for_student(1).unwrap(), first, "a seed, one order");
        assert_ne!(first, ids, "shuffled");
        first.sort();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(first, sorted, "the same set");
        assert_eq!(Questions::EachTheirOwn.for_student(1), None);
    }

    #[test]
    fn picked_questions_are_checked_and_kept_in_the_lessons_order() {
        let known = ["a", "b", "c", "d"];
        assert_eq!(
            check_picked(&["c", "a", "c"], known),
            Ok(vec!["a".to_string(), "c".to_string()])
        );
        assert_eq!(check_picked(&[], known), Err(PickProblem::None));
        assert_eq!(
            check_picked(&["a", "zz"], known),
            Err(PickProblem::Unknown("zz".into()))
        );
        let many: Vec<String> = (0..60).map(|index| format!("e{index}")).collect();
        let many_refs: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(
            check_picked(&many_refs, many_refs.clone()),
            Err(PickProblem::TooMany(60))
        );
    }

    #[test]
    fn a_due_time_is_in_the_teachers_zone_and_shown_with_the_weekday() {
        let date = DueDate::parse("2026-12-01").unwrap();
        let berlin = DueZone::parse("60", "Europe/Berlin").unwrap();
        // 2026-12-01 17:00 in Berlin is 16:00 UTC: 1796083200 + 16 h.
        check_deadline(
            (date, parse_time("17:00"), &berlin),
            1_796_083_200 + 16 * 3600,
            "Tuesday 1 December 2026, 17:00 (Europe/Berlin)",
            "Tuesday 1 December 2026, 16:00 (UTC)",
        );
        // Without a time, the end of the day; without a zone, UTC.
        let end = deadline_at(date, None, &DueZone::utc());
        assert_eq!(end, date.deadline());
        assert_eq!(
            describe_deadline(end, &DueZone::utc()),
            "Tuesday 1 December 2026, 23:59 (UTC)"
        );
        let new_york = DueZone::parse("-300", "").unwrap();
        assert_eq!(new_york.label(), "UTC-05:00");
        assert_eq!(DueZone::parse("", "Europe/Berlin"), Some(DueZone::utc()));
        assert_eq!(DueZone::parse("9999", ""), None);
        assert_eq!(DueZone::parse("sixty", ""), None);
        assert_eq!(DueZone::parse("60", "<script>").unwrap().name(), None);
        assert_eq!(parse_time("07:05"), Some((7, 5)));
        assert_eq!(parse_time("07:05:30"), Some((7, 5)));
        for bad in ["24:00", "7", "", "12:60", "noon"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_title_is_optional_and_refuses_hidden_characters() {
        assert_eq!(parse_title("  "), Ok(None));
        assert_eq!(parse_title(" Week 3 "), Ok(Some("Week 3".into())));
        assert!(parse_title(&"x".repeat(81)).is_err());
        assert!(parse_title("a\u{202e}b").is_err());
    }

    #[test]
    fn due_dates_are_read_as_the_end_of_that_day() {
        let date = DueDate::parse("2026-11-24").unwrap();
        // 2026-11-24 00:00:00 UTC is 1795478400 (date -u -d 2026-11-24 +%s).
        assert_eq!(date.deadline(), 1_795_478_400 + 86_399);
        assert_eq!(DueDate::from_deadline(date.deadline()), date);
        assert_eq!(date.to_string(), "2026-11-24");
        assert_eq!(
            DueDate::parse("2028-02-29").unwrap().to_string(),
            "2028-02-29"
        );
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "24/11/2026",
            "",
            "1999-01-01",
        ] {
            assert_eq!(DueDate::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_29th_of_february_is_a_date_in_leap_years_only() {
        // 2028 is a leap year; 2100 is not (a century); 2000 is (400 years).
        let leap = DueDate::parse("2028-02-29").unwrap();
        // 2028-02-29 00:00:00 UTC is 1835395200 (date -u -d 2028-02-29 +%s).
        assert_eq!(leap.deadline(), 1_835_395_200 + 86_399);
        assert_eq!(DueDate::from_deadline(leap.deadline()), leap);
        assert_eq!(
            describe_deadline(leap.deadline(), &DueZone::utc()),
            "Tuesday 29 February 2028, 23:59 (UTC)"
        );
        assert_eq!(
            DueDate::from_deadline(leap.deadline() + 1).to_string(),
            "2028-03-01"
        );
        assert_eq!(DueDate::parse("2100-02-29"), None);
        assert_eq!(DueDate::parse("2026-02-29"), None);
        let february_end = DueDate::parse("2100-02-28").unwrap();
        assert_eq!(february_end.deadline(), 4_107_456_000 + 86_399);
        assert_eq!(
            DueDate::from_deadline(february_end.deadline() + 1).to_string(),
            "2100-03-01"
        );
        assert_eq!(
            describe_deadline(february_end.deadline() + 1, &DueZone::utc()),
            "Monday 1 March 2100, 00:00 (UTC)"
        );
        let millennium = DueDate::parse("2000-02-29").unwrap();
        assert_eq!(millennium.deadline(), 951_782_400 + 86_399);
        // The last date a teacher can set.
        let last = DueDate::parse("2200-12-31").unwrap();
        assert_eq!(last.deadline(), 7_289_568_000 + 86_399);
        assert_eq!(
            describe_deadline(last.deadline(), &DueZone::utc()),
            "Wednesday 31 December 2200, 23:59 (UTC)"
        );
    }

    #[test]
    fn a_deadline_at_the_turn_of_the_year_is_on_the_right_side_of_it() {
        let new_years_eve = DueDate::parse("2026-12-31").unwrap();
        // 2027-01-01 00:00:00 UTC is 1798761600.
        assert_eq!(new_years_eve.deadline(), 1_798_761_600 - 1);
        assert_eq!(
            describe_deadline(new_years_eve.deadline(), &DueZone::utc()),
            "Thursday 31 December 2026, 23:59 (UTC)"
        );
        assert_eq!(
            describe_deadline(new_years_eve.deadline() + 1, &DueZone::utc()),
            "Friday 1 January 2027, 00:00 (UTC)"
        );
        assert_eq!(
            DueDate::from_deadline(new_years_eve.deadline() + 1).to_string(),
            "2027-01-01"
        );
        // New Year's Day, a minute past midnight in Berlin, is still 2026 in UTC.
        let berlin = DueZone::parse("60", "Europe/Berlin").unwrap();
        let new_years_day = DueDate::parse("2027-01-01").unwrap();
        check_deadline(
            (new_years_day, Some((0, 1)), &berlin),
            1_798_761_600 - 3600 + 60,
            "Friday 1 January 2027, 00:01 (Europe/Berlin)",
            "Thursday 31 December 2026, 23:01 (UTC)",
        );
    }

    #[test]
    fn a_deadline_near_midnight_is_kept_in_the_farthest_zones() {
        let date = DueDate::parse("2026-12-01").unwrap();
        // 2026-12-01 00:00:00 UTC is 1796083200.
        let midnight = 1_796_083_200;
        let kiribati = DueZone::parse("840", "Pacific/Kiritimati").unwrap();
        let baker = DueZone::parse("-720", "").unwrap();
        assert_eq!(kiribati.label(), "Pacific/Kiritimati");
        assert_eq!(baker.label(), "UTC-12:00");
        assert_eq!(DueZone::parse("840", "").unwrap().label(), "UTC+14:00");
        assert_eq!(DueZone::parse("841", ""), None);
        assert_eq!(DueZone::parse("-841", ""), None);

        // The end of the day at +14:00 is 09:59:59 UTC that day.
        check_deadline(
            (date, None, &kiribati),
            midnight + 86_399 - 14 * 3600,
            "Tuesday 1 December 2026, 23:59 (Pacific/Kiritimati)",
            "Tuesday 1 December 2026, 09:59 (UTC)",
        );
        // Midnight at +14:00 is 10:00 UTC the day before.
        check_deadline(
            (date, Some((0, 0)), &kiribati),
            midnight - 14 * 3600,
            "Tuesday 1 December 2026, 00:00 (Pacific/Kiritimati)",
            "Monday 30 November 2026, 10:00 (UTC)",
        );

        // The end of the day at −12:00 is 11:59:59 UTC the next day.
        let end = check_deadline(
            (date, None, &baker),
            midnight + 86_399 + 12 * 3600,
            "Tuesday 1 December 2026, 23:59 (UTC-12:00)",
            "Wednesday 2 December 2026, 11:59 (UTC)",
        );
        let late = deadline_at(date, Some((23, 59)), &baker);
        assert_eq!(late, end - 59);
        assert_eq!(DueDate::from_deadline(late).to_string(), "2026-12-02");

        // An offset that is not whole hours (India, +05:30; Newfoundland, −03:30).
        let india = DueZone::parse("330", "Asia/Kolkata").unwrap();
        let deadline = deadline_at(date, Some((0, 15)), &india);
        assert_eq!(deadline, midnight + 15 * 60 - 330 * 60);
        assert_eq!(
            describe_deadline(deadline, &DueZone::utc()),
            "Monday 30 November 2026, 18:45 (UTC)"
        );
        let newfoundland = DueZone::parse("-210", "").unwrap();
        assert_eq!(newfoundland.label(), "UTC-03:30");
        assert_eq!(
            describe_deadline(deadline, &newfoundland),
            "Monday 30 November 2026, 15:15 (UTC-03:30)"
        );
    }

    #[test]
    fn a_time_before_1970_in_the_teachers_zone_is_said_as_such() {
        // The epoch is 1 January 1970, a Thursday, at 00:00 UTC: 12:00 the day before
        // at −12:00.
        assert_eq!(
            describe_deadline(0, &DueZone::parse("-720", "").unwrap()),
            "Wednesday 31 December 1969, 12:00 (UTC-12:00)"
        );
        assert_eq!(
            describe_deadline(0, &DueZone::parse("840", "").unwrap()),
            "Thursday 1 January 1970, 14:00 (UTC+14:00)"
        );
        assert_eq!(DueDate::from_deadline(0).to_string(), "1970-01-01");
    }

    #[test]
    fn times_past_what_time_holds_read_as_its_last_second_without_a_panic() {
        // No deadline passes 2200 and no clock the year 9999; a corrupt record might.
        let kiribati = DueZone::parse("840", "").unwrap();
        assert_eq!(
            describe_deadline(u64::MAX, &kiribati),
            "Friday 31 December 9999, 23:59 (UTC+14:00)"
        );
        assert_eq!(
            DueDate::from_deadline(253_402_300_800).to_string(),
            "9999-12-31"
        );
        // An offset a record cannot hold (the form refuses past ±14 h) is taken as UTC.
        assert_eq!(
            DueZone::from_stored(100_000, None).utc_offset(),
            UtcOffset::UTC
        );
        assert_eq!(
            DueZone::from_stored(-720, None)
                .utc_offset()
                .whole_minutes(),
            -720
        );
    }

    #[test]
    fn status_follows_answers_and_the_deadline() {
        let deadline = Some(1000);
        assert_eq!(Status::of(None, deadline, 10), Status::NotStarted);
        assert_eq!(Status::of(Some((2, 5)), deadline, 10), Status::InProgress);
        assert_eq!(Status::of(Some((5, 5)), deadline, 2000), Status::Done);
        assert_eq!(Status::of(Some((2, 5)), deadline, 2000), Status::Overdue);
        assert_eq!(Status::of(None, deadline, 2000), Status::Overdue);
        assert_eq!(Status::of(None, None, 2000), Status::NotStarted);
    }

    #[test]
    fn feedback_after_the_due_date_waits_for_it() {
        assert!(feedback_visible(FeedbackTiming::Immediate, Some(1000), 10));
        assert!(!feedback_visible(FeedbackTiming::AfterDue, Some(1000), 10));
        assert!(feedback_visible(FeedbackTiming::AfterDue, Some(1000), 1001));
        assert!(feedback_visible(FeedbackTiming::AfterDue, None, 10));
    }
}
