//! Language values as writers give them (`de`, `pt_BR`, `German`, `Deutsch`, `中文`)
//! made into the BCP 47 tags `dc:language` and the typography and label tables need.
//!
//! One table of names serves the three places a language comes from: `--language`,
//! `language` in `series.toml` and a file's `Language:` header. A value that is neither
//! a well-formed tag nor a name here is left out (the caller warns, W018, naming it),
//! so the book never carries an invalid `dc:language`.

/// A language's tag and the names writers call it by: its English name, its own name
/// (endonym) and the other spellings seen (without accents, the archive's own labels,
/// ISO 639-2 codes). Matched whatever their capitals.
const NAMES: &[(&str, &[&str])] = &[
    ("en", &["english", "eng"]),
    ("de", &["german", "deutsch", "ger", "deu"]),
    ("fr", &["french", "français", "francais", "fre", "fra"]),
    (
        "es",
        &["spanish", "español", "espanol", "castellano", "spa"],
    ),
    ("it", &["italian", "italiano", "ita"]),
    ("pt", &["portuguese", "português", "portugues", "por"]),
    (
        "pt-BR",
        &[
            "brazilian portuguese",
            "portuguese (brazil)",
            "português brasileiro",
            "portugues brasileiro",
            "português do brasil",
        ],
    ),
    (
        "pt-PT",
        &[
            "european portuguese",
            "portuguese (portugal)",
            "português europeu",
            "portugues europeu",
            "português de portugal",
        ],
    ),
    ("ru", &["russian", "русский", "русский язык", "rus"]),
    ("uk", &["ukrainian", "українська", "ukr"]),
    ("pl", &["polish", "polski", "pol"]),
    ("cs", &["czech", "čeština", "cestina", "cze", "ces"]),
    ("sk", &["slovak", "slovenčina", "slovencina", "slo", "slk"]),
    ("nl", &["dutch", "nederlands", "flemish", "dut", "nld"]),
    ("sv", &["swedish", "svenska", "swe"]),
    ("da", &["danish", "dansk", "dan"]),
    (
        "nb",
        &[
            "norwegian",
            "norsk",
            "norwegian bokmål",
            "norwegian bokmal",
            "bokmål",
            "bokmal",
            "norsk bokmål",
            "nor",
            "nob",
        ],
    ),
    (
        "nn",
        &["norwegian nynorsk", "nynorsk", "norsk nynorsk", "nno"],
    ),
    ("fi", &["finnish", "suomi", "fin"]),
    ("is", &["icelandic", "íslenska", "islenska"]),
    ("hu", &["hungarian", "magyar", "hun"]),
    ("ro", &["romanian", "română", "romana", "rum", "ron"]),
    ("ca", &["catalan", "català", "catala", "cat"]),
    ("el", &["greek", "ελληνικά", "gre", "ell"]),
    ("tr", &["turkish", "türkçe", "turkce", "tur"]),
    ("bg", &["bulgarian", "български", "bul"]),
    ("sr", &["serbian", "српски", "srpski", "srp"]),
    ("hr", &["croatian", "hrvatski", "hrv"]),
    ("lt", &["lithuanian", "lietuvių", "lietuviu", "lit"]),
    ("lv", &["latvian", "latviešu", "latviesu", "lav"]),
    ("et", &["estonian", "eesti", "est"]),
    ("id", &["indonesian", "bahasa indonesia", "ind"]),
    ("ms", &["malay", "bahasa melayu", "may", "msa"]),
    ("vi", &["vietnamese", "tiếng việt", "tieng viet", "vie"]),
    ("tl", &["tagalog", "filipino", "tgl", "fil"]),
    ("th", &["thai", "ไทย", "ภาษาไทย", "tha"]),
    ("hi", &["hindi", "हिन्दी", "हिंदी", "hin"]),
    ("zh", &["chinese", "中文", "汉语", "漢語", "chi", "zho"]),
    (
        "zh-Hans",
        &[
            "simplified chinese",
            "chinese (simplified)",
            "简体中文",
            "中文（简体）",
            "普通话",
            "中文-普通话 國語",
        ],
    ),
    (
        "zh-Hant",
        &[
            "traditional chinese",
            "chinese (traditional)",
            "繁體中文",
            "繁体中文",
            "中文（繁體）",
            "國語",
            "廣東話",
            "中文-廣東話 粵語",
            "cantonese",
        ],
    ),
    ("ja", &["japanese", "日本語", "jpn"]),
    ("ko", &["korean", "한국어", "한국말", "kor"]),
    ("he", &["hebrew", "עברית", "heb"]),
    ("yi", &["yiddish", "ייִדיש", "יידיש", "yid"]),
    ("ar", &["arabic", "العربية", "عربي", "ara"]),
    ("fa", &["persian", "farsi", "فارسی", "per", "fas"]),
    ("ur", &["urdu", "اردو", "urd"]),
    ("eo", &["esperanto", "epo"]),
    ("la", &["latin", "latina", "lat"]),
];

/// The BCP 47 tag `value` names: a well-formed tag (`de`, `pt_br` → `pt-BR`) or a name
/// from the table; `None` for anything else, which the caller reports.
pub fn tag(value: &str) -> Option<String> {
    let v = value.trim();
    let lower = v.to_lowercase();
    if let Some((tag, _)) = NAMES
        .iter()
        .find(|(tag, names)| tag.eq_ignore_ascii_case(&lower) || names.contains(&lower.as_str()))
    {
        return Some((*tag).to_string());
    }
    let v = v.replace('_', "-");
    crate::input::settings::is_language_tag(&v).then(|| canonical_case(&v))
}

/// A tag in the case BCP 47 recommends (`pt-BR`, `zh-Hant-TW`): catalogues and the
/// typography table match on it, and `dc:language` reads better for it.
fn canonical_case(tag: &str) -> String {
    let mut out = String::with_capacity(tag.len());
    let mut private = false;
    for (i, sub) in tag.split('-').enumerate() {
        if i > 0 {
            out.push('-');
        }
        // After a singleton (`x-…`) subtags are free-form: lower case.
        if i == 0 || private || sub.len() == 1 {
            private |= i > 0 && sub.len() == 1;
            out.push_str(&sub.to_ascii_lowercase());
        } else if sub.len() == 2 && sub.bytes().all(|b| b.is_ascii_alphabetic()) {
            out.push_str(&sub.to_ascii_uppercase());
        } else if sub.len() == 4 && sub.bytes().all(|b| b.is_ascii_alphabetic()) {
            out.push_str(&sub[..1].to_ascii_uppercase());
            out.push_str(&sub[1..].to_ascii_lowercase());
        } else {
            out.push_str(&sub.to_ascii_lowercase());
        }
    }
    out
}

/// Which way a language's lines run; `dir = "rtl"` in `series.toml` sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    #[default]
    Ltr,
    Rtl,
}

impl Direction {
    /// The value of the `dir` attribute and of the spine's `page-progression-direction`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// The direction a tag's script runs: right to left for Hebrew, Arabic, Persian, Urdu
/// and Yiddish (and a tag naming the Arabic or Hebrew script), else left to right.
pub fn direction(tag: &str) -> Direction {
    let mut subtags = tag.split('-');
    let primary = subtags.next().unwrap_or_default().to_ascii_lowercase();
    let script = subtags
        .next()
        .filter(|s| s.len() == 4)
        .map(str::to_ascii_lowercase);
    match script.as_deref() {
        Some("arab" | "hebr" | "syrc" | "thaa" | "nkoo" | "adlm") => Direction::Rtl,
        Some(_) => Direction::Ltr,
        None if matches!(
            primary.as_str(),
            "he" | "iw" | "ar" | "fa" | "ur" | "yi" | "ji" | "ps" | "sd" | "ug" | "ckb" | "dv"
        ) =>
        {
            Direction::Rtl
        }
        None => Direction::Ltr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_english_and_their_own_language_map_to_tags() {
        for (value, want) in [
            ("English", "en"),
            ("German", "de"),
            ("Deutsch", "de"),
            ("  deutsch ", "de"),
            ("中文", "zh"),
            ("繁體中文", "zh-Hant"),
            ("Русский", "ru"),
            ("עברית", "he"),
            ("العربية", "ar"),
            ("Français", "fr"),
            ("Português brasileiro", "pt-BR"),
            ("Norsk", "nb"),
            ("日本語", "ja"),
            ("한국어", "ko"),
            ("Bahasa Indonesia", "id"),
            ("eng", "en"),
        ] {
            assert_eq!(tag(value).as_deref(), Some(want), "{value}");
        }
    }

    #[test]
    fn tags_pass_in_their_canonical_case() {
        for (value, want) in [
            ("de", "de"),
            ("EN", "en"),
            ("pt-br", "pt-BR"),
            ("pt_BR", "pt-BR"),
            ("zh-hant-tw", "zh-Hant-TW"),
            ("sr-Latn", "sr-Latn"),
            ("en-x-FanFic", "en-x-fanfic"),
            ("es-419", "es-419"),
        ] {
            assert_eq!(tag(value).as_deref(), Some(want), "{value}");
        }
    }

    #[test]
    fn anything_else_is_no_tag() {
        for value in ["Klingon", "the common tongue", "en US", "", "日本", "e"] {
            assert_eq!(tag(value), None, "{value}");
        }
    }

    #[test]
    fn right_to_left_languages_and_scripts() {
        for t in ["he", "ar", "fa", "ur", "yi", "ar-EG", "az-Arab", "he-IL"] {
            assert_eq!(direction(t), Direction::Rtl, "{t}");
        }
        for t in ["en", "de", "zh-Hant", "ja", "az-Latn", "ru"] {
            assert_eq!(direction(t), Direction::Ltr, "{t}");
        }
    }
}
