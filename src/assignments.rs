//! Assignments as plain values: which questions students get, titles, due dates and
//! times in the teacher's time zone, when feedback is shown, and a student's status on
//! an assignment.
//!
//! No I/O; the time comes in as seconds since the Unix epoch, randomness as a seed.

use std::fmt;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

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
    let day_start = days_from_civil(date.year, date.month, date.day) * 86_400;
    let local = match time {
        Some((hour, minute)) => day_start + i64::from(hour * 3600 + minute * 60),
        None => day_start + 86_399,
    };
    (local - i64::from(zone.offset_minutes) * 60).max(0) as u64
}

/// "Tuesday 1 December 2026, 17:00 (Europe/Berlin)": a deadline as the teacher set it,
/// with the weekday, in their time zone.
pub fn describe_deadline(deadline: u64, zone: &DueZone) -> String {
    const WEEKDAYS: [&str; 7] = [
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
    ];
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let local = deadline as i64 + i64::from(zone.offset_minutes) * 60;
    let days = local.div_euclid(86_400);
    let seconds = local.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{} {day} {} {year}, {:02}:{:02} ({})",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        seconds / 3600,
        seconds % 3600 / 60,
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
pub struct DueDate {
    year: i32,
    month: u32,
    day: u32,
}

impl DueDate {
    /// Reads `YYYY-MM-DD`, as a browser's date field sends it.
    pub fn parse(text: &str) -> Option<DueDate> {
        let mut parts = text.trim().splitn(3, '-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        let date = DueDate { year, month, day };
        ((2000..=2200).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(date)
    }

    /// The last second of the day, in seconds since the Unix epoch.
    pub fn deadline(self) -> u64 {
        let days = days_from_civil(self.year, self.month, self.day);
        (days as u64) * 86_400 + 86_399
    }

    /// The date of the day that contains `deadline`.
    pub fn from_deadline(deadline: u64) -> DueDate {
        let (year, month, day) = civil_from_days((deadline / 86_400) as i64);
        DueDate { year, month, day }
    }
}

impl fmt::Display for DueDate {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{:04}-{:02}-{:02}",
            self.year, self.month, self.day
        )
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The calendar date (year, month, day) of `days` since 1970-01-01 (Howard Hinnant's
/// algorithm).
pub fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year as i32, month, day)
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let deadline = deadline_at(date, parse_time("17:00"), &berlin);
        assert_eq!(deadline, 1_796_083_200 + 16 * 3600);
        assert_eq!(
            describe_deadline(deadline, &berlin),
            "Tuesday 1 December 2026, 17:00 (Europe/Berlin)"
        );
        assert_eq!(
            describe_deadline(deadline, &DueZone::utc()),
            "Tuesday 1 December 2026, 16:00 (UTC)"
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
