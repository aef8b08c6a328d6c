//! Dates as writers put them in headers (`Published: 2024-03-05`, `Updated: 5 March
//! 2024`, `Date: March 5, 2024`), read into a calendar date so the book can carry a
//! `dc:date` and the metadata page can order first and last. Only unambiguous forms are
//! read: `03/05/2024` could be March or May, so it stays text as written.

use std::fmt;

/// A calendar date; orders chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl fmt::Display for Date {
    /// ISO 8601 (`2024-03-05`), the form `dc:date` wants and every language reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// `march`, `Mar`, `Sept.` → 3, 3, 9.
fn month_of(word: &str) -> Option<u8> {
    let word = word.trim_end_matches('.').to_lowercase();
    if word.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&word))
        .map(|i| i as u8 + 1)
}

fn days_in(year: u16, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn date(year: u32, month: u32, day: u32) -> Option<Date> {
    let (year, month, day) = (
        u16::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
    );
    ((1000..=9999).contains(&year)
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in(year, month))
    .then_some(Date { year, month, day })
}

/// Reads a header date. Anything after the date (`2024-03-05 (chapter 2)`, a time of
/// day) is ignored; `None` when the value starts with no date this reads for certain.
pub fn parse(value: &str) -> Option<Date> {
    let value = value.trim();
    // 2024-03-05, 2024/03/05, 2024.03.05
    let numeric: Vec<&str> = value
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .take(3)
        .collect();
    if numeric.len() == 3 && numeric[0].len() == 4 && value.starts_with(numeric[0]) {
        let n = |s: &str| s.parse::<u32>().ok();
        return date(n(numeric[0])?, n(numeric[1])?, n(numeric[2])?);
    }
    // 5 March 2024, March 5, 2024, 5th Mar 2024
    let words: Vec<&str> = value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .take(3)
        .collect();
    if words.len() < 3 {
        return None;
    }
    let number = |s: &str| {
        s.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '.')
            .parse::<u32>()
            .ok()
    };
    let year = number(words[2]).filter(|_| words[2].len() == 4)?;
    match (month_of(words[0]), month_of(words[1])) {
        (Some(m), None) => date(year, u32::from(m), number(words[1])?),
        (None, Some(m)) => date(year, u32::from(m), number(words[0])?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_writers_use() {
        for text in [
            "2024-03-05",
            "2024/3/5",
            "2024.03.05 14:00",
            "5 March 2024",
            "5th Mar 2024",
            "March 5, 2024",
            "Mar. 5 2024",
        ] {
            assert_eq!(
                parse(text).map(|d| d.to_string()).as_deref(),
                Some("2024-03-05"),
                "{text}"
            );
        }
    }

    #[test]
    fn ambiguous_or_impossible_dates_stay_text() {
        for text in [
            "03/05/2024",
            "2024-02-30",
            "2023-13-01",
            "last spring",
            "May 2024",
            "12 Mayday 2024",
            "",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
        assert_eq!(parse("2024-02-29").unwrap().day, 29);
    }

    #[test]
    fn dates_order_chronologically() {
        assert!(parse("1 Jan 2025").unwrap() > parse("2024-12-31").unwrap());
    }
}
