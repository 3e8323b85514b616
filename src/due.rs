//! When a piece of work is due, in words a student reads at a glance ("due tomorrow"),
//! and the order of a to-do list: what is not done first, what is due soonest first.
//!
//! Pure: the time comes in as an argument. The server says it in UTC; the browser's
//! script (`templates/student.js`) says it again in the browser's own time zone.

use time::UtcOffset;

use crate::assignments::date_time;

const DAY: u64 = 86_400;

/// `deadline` (seconds since the epoch) as "due tomorrow (Thursday 2026-12-03, 23:59
/// UTC)", counted in UTC days from `now`; "was due …" once it has passed.
pub fn due_in_words(deadline: u64, now: u64) -> String {
    let due = date_time(deadline, UtcOffset::UTC);
    let weekday = due.weekday();
    let when = format!(
        "{weekday} {:04}-{:02}-{:02}, {:02}:{:02} UTC",
        due.year(),
        u8::from(due.month()),
        due.day(),
        due.hour(),
        due.minute()
    );
    if deadline < now {
        return format!("was due {when}");
    }
    let words = match deadline / DAY - now / DAY {
        0 => "due today".to_string(),
        1 => "due tomorrow".to_string(),
        2..=6 => format!("due on {weekday}"),
        days => format!("due in {days} days"),
    };
    format!("{words} ({when})")
}

/// `deadline` as the `datetime` of a `<time>` element: `2026-12-03T23:59:59Z`.
pub fn machine_time(deadline: u64) -> String {
    let due = date_time(deadline, UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        due.year(),
        u8::from(due.month()),
        due.day(),
        due.hour(),
        due.minute(),
        due.second()
    )
}

/// Where a piece of work goes in a to-do list: work not done before work done, then
/// the soonest due first (work with no due date after all that has one), then the
/// oldest first.
pub fn to_do_key(done: bool, deadline: Option<u64>, created_at: u64) -> (bool, u64, u64) {
    (done, deadline.unwrap_or(u64::MAX), created_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-12-02 00:00:00 UTC, a Wednesday (date -u -d 2026-12-02 +%s).
    const WEDNESDAY: u64 = 1_796_169_600;
    const END_OF_DAY: u64 = DAY - 1;

    #[test]
    fn a_due_date_is_said_as_today_tomorrow_a_weekday_or_in_days() {
        let now = WEDNESDAY + 10 * 3_600;
        let check = |days: u64, expected: &str| {
            assert_eq!(
                due_in_words(WEDNESDAY + days * DAY + END_OF_DAY, now),
                expected
            );
        };
        check(0, "due today (Wednesday 2026-12-02, 23:59 UTC)");
        check(1, "due tomorrow (Thursday 2026-12-03, 23:59 UTC)");
        check(2, "due on Friday (Friday 2026-12-04, 23:59 UTC)");
        check(6, "due on Tuesday (Tuesday 2026-12-08, 23:59 UTC)");
        check(9, "due in 9 days (Friday 2026-12-11, 23:59 UTC)");
        assert_eq!(
            due_in_words(WEDNESDAY - 1, now),
            "was due Tuesday 2026-12-01, 23:59 UTC"
        );
        assert_eq!(
            machine_time(WEDNESDAY + DAY + END_OF_DAY),
            "2026-12-03T23:59:59Z"
        );
    }

    #[test]
    fn due_dates_across_february_and_the_new_year_are_counted_in_days() {
        // 2028-02-28 00:00:00 UTC, a Monday; 2028 is a leap year.
        let monday = 1_835_308_800;
        // 2026-12-31 00:00:00 UTC, a Thursday.
        let new_years_eve = 1_798_675_200;
        let cases = [
            (
                monday + DAY + END_OF_DAY,
                monday + 8 * 3_600,
                "due tomorrow (Tuesday 2028-02-29, 23:59 UTC)",
            ),
            (
                monday + 2 * DAY + END_OF_DAY,
                monday + 8 * 3_600,
                "due on Wednesday (Wednesday 2028-03-01, 23:59 UTC)",
            ),
            (
                new_years_eve + DAY + END_OF_DAY,
                new_years_eve + 23 * 3_600,
                "due tomorrow (Friday 2027-01-01, 23:59 UTC)",
            ),
            (
                new_years_eve + 10 * DAY,
                new_years_eve + 23 * 3_600,
                "due in 10 days (Sunday 2027-01-10, 00:00 UTC)",
            ),
            (
                new_years_eve + END_OF_DAY,
                new_years_eve + 24 * 3_600,
                "was due Thursday 2026-12-31, 23:59 UTC",
            ),
        ];
        for (deadline, now, expected) in cases {
            assert_eq!(due_in_words(deadline, now), expected);
        }
        assert_eq!(
            machine_time(monday + DAY + END_OF_DAY),
            "2028-02-29T23:59:59Z"
        );
        assert_eq!(machine_time(new_years_eve + DAY), "2027-01-01T00:00:00Z");
        assert_eq!(machine_time(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn a_to_do_list_puts_work_not_done_first_and_the_soonest_due_first() {
        let mut work = [
            ("done, due first", to_do_key(true, Some(1), 0)),
            ("no due date", to_do_key(false, None, 0)),
            ("due later", to_do_key(false, Some(50), 0)),
            ("due soon", to_do_key(false, Some(20), 5)),
            ("due soon, set earlier", to_do_key(false, Some(20), 1)),
        ];
        work.sort_by_key(|(_, key)| *key);
        let order: Vec<&str> = work.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            order,
            [
                "due soon, set earlier",
                "due soon",
                "due later",
                "no due date",
                "done, due first"
            ]
        );
    }
}
