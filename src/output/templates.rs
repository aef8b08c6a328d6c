//! Templates and the typed contexts they see. Every generated file comes from a
//! minijinja template in `templates/` (compiled in), and a user's `--templates` folder
//! may replace any of them by name. Values reach templates only through the structs
//! below, and are escaped by `xhtml::escape` (installed as the minijinja formatter), so
//! escaping stays in one place.

use minijinja::value::Object;
use minijinja::{context, AutoEscape, Environment, Value};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};
use crate::output::xhtml::escape;

/// The built-in templates, by file name.
pub const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    ("base.xhtml", include_str!("../../templates/base.xhtml")),
    ("about.xhtml", include_str!("../../templates/about.xhtml")),
    (
        "warnings.xhtml",
        include_str!("../../templates/warnings.xhtml"),
    ),
    (
        "contents.xhtml",
        include_str!("../../templates/contents.xhtml"),
    ),
    ("part.xhtml", include_str!("../../templates/part.xhtml")),
    ("cover.xhtml", include_str!("../../templates/cover.xhtml")),
    ("nav.xhtml", include_str!("../../templates/nav.xhtml")),
    ("toc.ncx", include_str!("../../templates/toc.ncx")),
    ("content.opf", include_str!("../../templates/content.opf")),
    (
        "container.xml",
        include_str!("../../templates/container.xml"),
    ),
    ("style.css", include_str!("../../templates/style.css")),
];

/// The template set for one build.
pub struct Templates {
    env: Environment<'static>,
    /// The names of the user's templates. With any of them in play, every XML
    /// document rendered is checked to be well-formed: the built-in ones are, and a
    /// user's `base.xhtml` can break pages rendered from built-in templates.
    overridden: Vec<String>,
    /// The user's label catalogues (`labels/<tag>.toml`), read over the built-in ones.
    labels: Vec<(String, String)>,
}

impl Templates {
    /// The built-in templates, with `overrides` (name, source) replacing those of the
    /// same name. Unknown names are kept too, so an override may `{% include %}` them.
    pub fn new(overrides: &[(String, String)]) -> Result<Templates> {
        // Label catalogues are data, not templates; each is checked here once.
        let (labels, overrides): (Vec<_>, Vec<_>) = overrides
            .iter()
            .cloned()
            .partition(|(name, _)| name.starts_with("labels/"));
        let overrides = &overrides[..];
        for (name, source) in &labels {
            crate::labels::Labels::parse(source).map_err(|e| Error::Template {
                name: name.clone(),
                message: e.to_string(),
            })?;
        }
        let mut env = Environment::new();
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".css") {
                AutoEscape::None
            } else {
                AutoEscape::Html
            }
        });
        env.set_formatter(|out, state, value| {
            if value.is_undefined() || value.is_none() {
                return Ok(());
            }
            if let Some(slot) = value.downcast_object_ref::<BodySlot>() {
                slot.printed.fetch_add(1, Ordering::Relaxed);
                out.write_str(BODY_MARK)?;
                return Ok(());
            }
            if value.is_safe() || state.auto_escape() == AutoEscape::None {
                write!(out, "{value}")?;
            } else if let Some(s) = value.as_str() {
                out.write_str(&escape(s))?;
            } else {
                out.write_str(&escape(&value.to_string()))?;
            }
            Ok(())
        });
        // Files end with a newline, as the templates do.
        env.set_keep_trailing_newline(true);
        // A user's template (or one a downloaded series.toml names) may loop for ever;
        // fuel bounds every render, so one hostile series cannot hang a batch.
        env.set_fuel(Some(TEMPLATE_FUEL));
        for (name, source) in BUILTIN_TEMPLATES {
            if !overrides.iter().any(|(n, _)| n == name) {
                env.add_template(name, source)
                    .map_err(|e| template_error(name, &e))?;
            }
        }
        for (name, source) in overrides {
            env.add_template_owned(name.clone(), source.clone())
                .map_err(|e| template_error(name, &e))?;
        }
        // A story page that never prints its body would drop the story silently.
        if let Some((name, _)) = overrides.iter().find(|(n, _)| n == "part.xhtml") {
            let template = env
                .get_template(name)
                .map_err(|e| template_error(name, &e))?;
            if !template.undeclared_variables(false).contains("body") {
                return Err(Error::Template {
                    name: name.clone(),
                    message: "it never uses {{ body }}, so every story page would be left without its story; put {{ body }} where the story goes".into(),
                });
            }
        }
        Ok(Templates {
            env,
            overridden: overrides.iter().map(|(n, _)| n.clone()).collect(),
            labels,
        })
    }

    /// The labels for the language `tag`, with the user's catalogue for it read over
    /// the built-in one.
    pub fn labels(&self, tag: &str) -> Result<std::borrow::Cow<'static, crate::labels::Labels>> {
        crate::labels::Labels::with_overrides(tag, &self.labels).map_err(|(name, e)| {
            Error::Template {
                name,
                message: e.to_string(),
            }
        })
    }

    /// Renders template `name` with `ctx` (a typed context serialized for minijinja).
    pub fn render(&self, name: &str, ctx: Value) -> Result<String> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| template_error(name, &e))?;
        let out = template.render(ctx).map_err(|e| template_error(name, &e))?;
        if !self.overridden.is_empty() {
            self.check_well_formed(name, &out)?;
        }
        Ok(out)
    }

    /// A page or package document must be well-formed XML, or no reading system
    /// opens the book: said here, naming the template and the user's templates.
    fn check_well_formed(&self, name: &str, out: &str) -> Result<()> {
        if ![".xhtml", ".opf", ".ncx", ".xml"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            return Ok(());
        }
        let options = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        };
        match roxmltree::Document::parse_with_options(out, options) {
            Ok(_) => Ok(()),
            Err(e) => Err(Error::Template {
                name: name.to_string(),
                message: format!(
                    "what it renders is not well-formed XML ({e}), so reading systems would refuse the book; your templates here are {}",
                    self.overridden.join(", ")
                ),
            }),
        }
    }

    /// Renders `name` around its `body`: `ctx` gets a stand-in for `body`, and the
    /// result comes back split where the body goes, so a body typeset and compressed
    /// earlier can be joined in. `None` when the template does anything with its body
    /// but print it once as it is (filters it, tests it, prints it twice or not at
    /// all): the caller then renders it with the real body.
    pub fn render_around_body(&self, name: &str, ctx: Value) -> Option<(String, String)> {
        let slot = Value::from_object(BodySlot::default());
        let page = self
            .render(name, context! { body => slot.clone(), ..ctx })
            .ok()?;
        let printed = slot
            .downcast_object_ref::<BodySlot>()?
            .printed
            .load(Ordering::Relaxed);
        let mut pieces = page.split(BODY_MARK);
        match (printed, pieces.next(), pieces.next(), pieces.next()) {
            (1, Some(before), Some(after), None) => Some((before.to_string(), after.to_string())),
            _ => None,
        }
    }
}

/// Stands in for a page's body in `render_around_body`, counting how often the
/// template prints it unchanged; a filtered or tested body is seen as something else.
#[derive(Debug, Default)]
struct BodySlot {
    printed: AtomicUsize,
}

impl Object for BodySlot {}

/// What the formatter writes for a `BodySlot`: Unicode noncharacters, which no story
/// text or template holds, around a name.
const BODY_MARK: &str = "\u{FDD0}ficbind:body\u{FDD1}";

/// Steps one render may take. The built-in contents page of a 1,000-installment series
/// takes well under a million; a template past this is looping without end.
const TEMPLATE_FUEL: u64 = 50_000_000;

fn template_error(name: &str, e: &minijinja::Error) -> Error {
    if e.kind() == minijinja::ErrorKind::OutOfFuel {
        return Error::Template {
            name: name.to_string(),
            message: format!(
                "it ran for more than {TEMPLATE_FUEL} steps without finishing, so a loop in it never ends or runs far too long"
            ),
        };
    }
    let mut message = e.to_string();
    if let Some(line) = e.line() {
        message = format!("line {line}: {message}");
    }
    Error::Template {
        name: name.to_string(),
        message,
    }
}

/// Makes `s` a context value that templates insert as is (already escaped markup).
pub fn markup(s: String) -> Value {
    Value::from_safe_string(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_splits_where_its_body_goes() {
        let t = Templates::new(&[(
            "p.frag".into(),
            "<h1>{{ title }}</h1>{{ body }}<p>end</p>".into(),
        )])
        .unwrap();
        assert_eq!(
            t.render_around_body("p.frag", context! { title => "A & B" }),
            Some(("<h1>A &amp; B</h1>".into(), "<p>end</p>".into()))
        );
    }

    #[test]
    fn a_body_used_any_other_way_is_not_split() {
        for source in [
            "{{ body | upper }}",
            "{{ body }}{{ body }}",
            "no body at all",
            "{% if body %}{{ body }}{% endif %}x{{ body | length }}",
            "{{ body | replace('<p>', '<p class=\"x\">') }}",
        ] {
            let t = Templates::new(&[("p.frag".into(), source.into())]).unwrap();
            assert_eq!(
                t.render_around_body("p.frag", context! {}),
                None,
                "{source}"
            );
        }
    }

    #[test]
    fn values_are_escaped_once_and_markup_passes() {
        let t = Templates::new(&[("x.frag".into(), "<p>{{ a }}</p>{{ b }}".into())]).unwrap();
        let out = t
            .render(
                "x.frag",
                context! { a => "Tom & \"Jerry\" <3", b => markup("<em>ok</em>".into()) },
            )
            .unwrap();
        assert_eq!(out, "<p>Tom &amp; &quot;Jerry&quot; &lt;3</p><em>ok</em>");
    }

    #[test]
    fn a_user_template_replaces_the_builtin() {
        let t = Templates::new(&[("style.css".into(), "body { color: red; }".into())]).unwrap();
        assert_eq!(
            t.render("style.css", context! {}).unwrap(),
            "body { color: red; }"
        );
    }

    #[test]
    fn a_template_that_never_ends_runs_out_of_fuel_and_is_named() {
        let t = Templates::new(&[(
            "about.xhtml".into(),
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"
                .into(),
        )])
        .unwrap();
        let msg = t
            .render("about.xhtml", context! {})
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("about.xhtml") && msg.contains("never ends"),
            "{msg}"
        );
    }

    #[test]
    fn a_story_page_without_its_body_is_refused() {
        let err = Templates::new(&[("part.xhtml".into(), "<p>{{ book.title }}</p>".into())])
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("part.xhtml") && err.contains("{{ body }}"),
            "{err}"
        );
        // Filtering the body is using it.
        assert!(Templates::new(&[("part.xhtml".into(), "{{ body | safe }}".into())]).is_ok());
    }

    #[test]
    fn a_user_template_that_breaks_the_xml_is_named() {
        let t =
            Templates::new(&[("about.xhtml".into(), "<html><p>unclosed</html>".into())]).unwrap();
        let err = t
            .render("about.xhtml", context! {})
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("about.xhtml") && err.contains("not well-formed XML"),
            "{err}"
        );
        let fine =
            Templates::new(&[("about.xhtml".into(), "<html><p>x</p></html>".into())]).unwrap();
        assert!(fine.render("about.xhtml", context! {}).is_ok());
    }

    #[test]
    fn a_broken_template_names_itself_and_the_line() {
        let err = Templates::new(&[("part.xhtml".into(), "ok\n{% if %}".into())])
            .err()
            .unwrap();
        let msg = err.to_string();
        assert!(
            msg.contains("part.xhtml") && msg.contains("line 2"),
            "{msg}"
        );
    }
}
