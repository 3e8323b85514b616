//! Assignments as plain values: due dates, when feedback is shown, and a student's
//! status on an assignment.
//!
//! No I/O; the time comes in as seconds since the Unix epoch.

use std::fmt;

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
