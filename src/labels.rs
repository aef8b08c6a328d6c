//! The words ficbind itself writes into a book (front-page names, `Part 2`, the
//! author's-note label …), from one catalogue per language in `templates/labels/`,
//! so neither the Rust code nor the templates need to hard-code English.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

use crate::input::header::RatingLevel;

/// The catalogues compiled in, by language tag (a primary subtag, or a script or region
/// where the language writes two ways). English comes first: it is what every other
/// catalogue falls back to, and what an unknown language gets. Another language is one
/// more line here and its `templates/labels/<tag>.toml`.
const CATALOGUES: &[(&str, &str)] = &[
    ("en", include_str!("../templates/labels/en.toml")),
    ("de", include_str!("../templates/labels/de.toml")),
    ("fr", include_str!("../templates/labels/fr.toml")),
    ("es", include_str!("../templates/labels/es.toml")),
    ("it", include_str!("../templates/labels/it.toml")),
    ("pt", include_str!("../templates/labels/pt.toml")),
    ("pt-PT", include_str!("../templates/labels/pt-PT.toml")),
    ("ru", include_str!("../templates/labels/ru.toml")),
    ("uk", include_str!("../templates/labels/uk.toml")),
    ("pl", include_str!("../templates/labels/pl.toml")),
    ("cs", include_str!("../templates/labels/cs.toml")),
    ("nl", include_str!("../templates/labels/nl.toml")),
    ("sv", include_str!("../templates/labels/sv.toml")),
    ("da", include_str!("../templates/labels/da.toml")),
    ("nb", include_str!("../templates/labels/nb.toml")),
    ("fi", include_str!("../templates/labels/fi.toml")),
    ("zh", include_str!("../templates/labels/zh.toml")),
    ("zh-Hant", include_str!("../templates/labels/zh-Hant.toml")),
    ("ja", include_str!("../templates/labels/ja.toml")),
    ("ko", include_str!("../templates/labels/ko.toml")),
    ("he", include_str!("../templates/labels/he.toml")),
    ("ar", include_str!("../templates/labels/ar.toml")),
];

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
    /// Before the other series a work is in (`Also in the series: Y (Part 5)`).
    pub also_in_series: String,
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
    /// Between groups of three digits (`12,345`, `12.345`, `12 345`).
    pub thousands_separator: String,
}

impl Labels {
    /// The labels for a BCP 47 language tag (`en`, `pt-BR`, `zh-TW`): its own
    /// catalogue, else its script's or region's (`zh-Hant`, `pt-PT`), else its
    /// language's; English for a language without a catalogue.
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
        &all[catalogue_index(tag)]
    }

    /// The labels for `tag` with the user's catalogues read over the built-in ones:
    /// `overrides` are a templates folder's files, and `labels/<tag>.toml` (or the
    /// primary subtag's) among them replaces the keys it gives.
    pub fn with_overrides(
        tag: &str,
        overrides: &[(String, String)],
    ) -> Result<std::borrow::Cow<'static, Labels>, (String, toml::de::Error)> {
        let builtin = Labels::for_language(tag);
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        let own = [tag, primary].into_iter().find_map(|t| {
            overrides
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(&format!("labels/{t}.toml")))
        });
        let Some((name, source)) = own else {
            return Ok(std::borrow::Cow::Borrowed(builtin));
        };
        // A struct of strings always serializes.
        let mut table = toml::Table::try_from(builtin).expect("labels serialize as a table");
        let user: toml::Table = toml::from_str(source).map_err(|e| (name.clone(), e))?;
        table.extend(user);
        toml::Value::Table(table)
            .try_into()
            .map(std::borrow::Cow::Owned)
            .map_err(|e| (name.clone(), e))
    }

    /// `n` with the language's thousands separator (`12,345`, `12.345`).
    pub fn number(&self, n: usize) -> String {
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() * 2);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push_str(&self.thousands_separator);
            }
            out.push(c);
        }
        out
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

/// Which built-in catalogue serves `tag`: its own, else its script's or region's
/// (Chinese in traditional characters, Portuguese outside Brazil), else its primary
/// subtag's, else English (0).
fn catalogue_index(tag: &str) -> usize {
    let lower = tag.replace('_', "-").to_ascii_lowercase();
    let mut subtags = lower.split('-');
    let primary = subtags.next().unwrap_or_default();
    let rest: Vec<&str> = subtags.collect();
    let key = match primary {
        "zh" if rest.contains(&"hant")
            || (!rest.contains(&"hans")
                && rest.iter().any(|r| matches!(*r, "tw" | "hk" | "mo"))) =>
        {
            "zh-hant"
        }
        "pt" if rest.iter().any(|r| r.len() == 2 && *r != "br") => "pt-pt",
        "no" | "nn" => "nb",
        _ => primary,
    };
    CATALOGUES
        .iter()
        .position(|(lang, _)| lang.eq_ignore_ascii_case(key))
        .unwrap_or(0)
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

    #[test]
    fn every_catalogue_gives_every_label() {
        let english: toml::Table = toml::from_str(CATALOGUES[0].1).unwrap();
        for (lang, source) in &CATALOGUES[1..] {
            let table: toml::Table = toml::from_str(source).unwrap();
            let missing: Vec<&String> =
                english.keys().filter(|k| !table.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        }
    }

    #[test]
    fn languages_find_their_catalogue_by_script_and_region() {
        assert_eq!(Labels::for_language("de").contents, "Inhalt");
        assert_eq!(Labels::for_language("de-AT").contents, "Inhalt");
        assert_eq!(Labels::for_language("zh-TW").contents, "目錄");
        assert_eq!(Labels::for_language("zh-Hant").contents, "目錄");
        assert_eq!(Labels::for_language("zh-CN").contents, "目录");
        assert_eq!(Labels::for_language("zh").contents, "目录");
        assert_eq!(Labels::for_language("pt-BR").contents, "Sumário");
        assert_eq!(Labels::for_language("pt-PT").contents, "Índice");
        assert_eq!(Labels::for_language("no").contents, "Innhold");
    }

    #[test]
    fn numbers_take_the_languages_separator() {
        assert_eq!(Labels::for_language("en").number(1234567), "1,234,567");
        assert_eq!(Labels::for_language("de").number(12345), "12.345");
        assert_eq!(Labels::for_language("fr").number(12345), "12\u{202f}345");
        assert_eq!(Labels::for_language("ru").number(999), "999");
    }

    #[test]
    fn a_users_catalogue_is_read_over_the_builtin_one() {
        let user = vec![(
            "labels/de.toml".to_string(),
            "contents = \"Inhaltsverzeichnis\"".to_string(),
        )];
        let de = Labels::with_overrides("de-CH", &user).unwrap();
        assert_eq!(de.contents, "Inhaltsverzeichnis");
        assert_eq!(de.about, "Über dieses Buch");
        // Other languages are untouched; a broken file is named.
        assert_eq!(
            Labels::with_overrides("fr", &user).unwrap().contents,
            "Table des matières"
        );
        let broken = vec![("labels/fr.toml".to_string(), "contnets = \"x\"".to_string())];
        assert_eq!(
            Labels::with_overrides("fr", &broken).unwrap_err().0,
            "labels/fr.toml"
        );
    }
}
