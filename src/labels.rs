//! The words ficbind itself writes into a book (front-page names, `Part 2`, the
//! author's-note label …), from one catalogue per language in `templates/labels/`,
//! so neither the Rust code nor the templates need to hard-code English.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

use crate::input::header::RatingLevel;

/// The catalogues compiled in, by primary language subtag. English comes first: it is
/// what every other catalogue falls back to, and what an unknown language gets.
/// Another language is one more line here and its `templates/labels/<tag>.toml`.
const CATALOGUES: &[(&str, &str)] = &[("en", include_str!("../templates/labels/en.toml"))];

/// One language's labels. Templates see them as `labels`; `{n}` in a label stands for
/// a number (see the `*_label` methods).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    pub cover: String,
    /// The cover image's alt text (`Cover of {title}`).
    pub cover_of: String,
    pub about: String,
    pub warnings: String,
    pub contents: String,
    /// The body-matter landmark: where the story starts.
    pub start: String,
    pub landmarks: String,
    /// An installment the writer gave a number but no title (`Installment {n}`).
    pub untitled_installment: String,
    /// One part of a many-part installment (`Part {n}`).
    pub part: String,
    /// `by {authors}`.
    pub byline: String,
    pub fandom: String,
    pub fandoms: String,
    pub relationship: String,
    pub relationships: String,
    pub category: String,
    pub categories: String,
    pub characters: String,
    pub rating: String,
    pub not_rated: String,
    /// How many warnings there are, with where they are listed (`{n}`).
    pub warnings_listed: String,
    pub warnings_none: String,
    pub tags: String,
    pub status: String,
    pub words: String,
    /// Beside our word count when the writers' counts add up to another (`{n}`).
    pub words_declared: String,
    /// Beside an installment's word count when its header says another (`{n}`).
    pub words_said: String,
    pub installments: String,
    pub side_stories: String,
    pub published: String,
    pub updated: String,
    pub source: String,
    pub summary: String,
    pub disclaimer: String,
    pub rating_general: String,
    pub rating_teen: String,
    pub rating_mature: String,
    pub rating_explicit: String,
    pub warnings_intro_series: String,
    pub warnings_intro_story: String,
    pub no_warnings_series: String,
    pub no_warnings_story: String,
    /// A warning every installment carries.
    pub applies_to_all: String,
    pub author_note: String,
    pub scene_break: String,
    /// A footnote's link back to where it is cited (`Back to note {n}`).
    pub back_to_note: String,
    pub accessibility_text_only: String,
    pub accessibility_with_images: String,
}

impl Labels {
    /// The labels for a BCP 47 language tag (`en`, `pt-BR`), by its primary subtag;
    /// English for a language without a catalogue.
    pub fn for_language(tag: &str) -> &'static Labels {
        static PARSED: OnceLock<Vec<Labels>> = OnceLock::new();
        let all = PARSED.get_or_init(|| {
            CATALOGUES
                .iter()
                .map(|(lang, source)| {
                    Labels::parse(source)
                        .unwrap_or_else(|e| panic!("the built-in {lang} labels: {e}"))
                })
                .collect()
        });
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        let i = CATALOGUES
            .iter()
            .position(|(lang, _)| lang.eq_ignore_ascii_case(primary))
            .unwrap_or(0);
        &all[i]
    }

    /// A catalogue read over the English one, so every key it leaves out is English:
    /// a new label needs adding to `en.toml` only, and older catalogues still work.
    pub fn parse(source: &str) -> Result<Labels, toml::de::Error> {
        let mut table: toml::Table = toml::from_str(CATALOGUES[0].1)?;
        table.extend(toml::from_str::<toml::Table>(source)?);
        toml::Value::Table(table).try_into()
    }

    pub fn untitled_installment_label(&self, n: u32) -> String {
        numbered(&self.untitled_installment, n)
    }

    pub fn part_label(&self, n: u32) -> String {
        numbered(&self.part, n)
    }

    pub fn back_to_note_label(&self, n: usize) -> String {
        numbered(&self.back_to_note, n)
    }

    pub fn byline_for(&self, authors: &[String]) -> String {
        self.byline.replace("{authors}", &authors.join(", "))
    }

    pub fn warnings_listed_label(&self, n: usize) -> String {
        numbered(&self.warnings_listed, n)
    }

    pub fn words_declared_label(&self, n: &str) -> String {
        numbered(&self.words_declared, n)
    }

    /// The name of a rating level on the common scale; `None` for one off the scale.
    pub fn rating_scale(&self, level: RatingLevel) -> Option<&str> {
        match level {
            RatingLevel::Unrecognised => None,
            RatingLevel::General => Some(&self.rating_general),
            RatingLevel::Teen => Some(&self.rating_teen),
            RatingLevel::Mature => Some(&self.rating_mature),
            RatingLevel::Explicit => Some(&self.rating_explicit),
        }
    }
}

fn numbered(label: &str, n: impl std::fmt::Display) -> String {
    label.replace("{n}", &n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_catalogue_reads() {
        for (lang, _) in CATALOGUES {
            assert!(!Labels::for_language(lang).contents.is_empty(), "{lang}");
        }
    }

    #[test]
    fn a_missing_key_falls_back_to_english() {
        let english = Labels::for_language("en");
        let other = Labels::parse("contents = \"Inhalt\"\npart = \"Teil {n}\"").unwrap();
        assert_eq!(other.contents, "Inhalt");
        assert_eq!(other.part_label(2), "Teil 2");
        assert_eq!(other.about, english.about);
        assert_eq!(other.author_note, english.author_note);
    }

    #[test]
    fn a_misspelt_key_is_an_error_not_a_silent_fallback() {
        assert!(Labels::parse("contnets = \"Inhalt\"").is_err());
    }

    #[test]
    fn languages_without_a_catalogue_get_english() {
        let english = Labels::for_language("en");
        assert_eq!(Labels::for_language("en-GB"), english);
        assert_eq!(Labels::for_language("xx"), english);
        assert_eq!(english.untitled_installment_label(4), "Installment 4");
        assert_eq!(english.back_to_note_label(1), "Back to note 1");
    }
}
