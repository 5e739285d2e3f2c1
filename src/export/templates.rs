//! The minijinja templates in `assets/templates/`, built into the binary. Templates named
//! `*.html` are HTML-escaped automatically; the Markdown template escapes table cells with `md`.

use std::io::Write;

use color_eyre::eyre::{Result, eyre};
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value, context, escape_formatter};

use super::model::Minutes;
use super::numbers::localized;
use super::words::words;
use crate::i18n::Lang;
use crate::text::{xml_forbidden, xml_safe};

const TEMPLATES: [(&str, &str); 9] = [
    (
        "print.css.html",
        include_str!("../../assets/templates/print.css.html"),
    ),
    (
        "national.html",
        include_str!("../../assets/templates/national.html"),
    ),
    (
        "head.html",
        include_str!("../../assets/templates/head.html"),
    ),
    (
        "signature.html",
        include_str!("../../assets/templates/signature.html"),
    ),
    (
        "minutes.html",
        include_str!("../../assets/templates/minutes.html"),
    ),
    (
        "proposal.html",
        include_str!("../../assets/templates/proposal.html"),
    ),
    (
        "central.html",
        include_str!("../../assets/templates/central.html"),
    ),
    (
        "notices.html",
        include_str!("../../assets/templates/notices.html"),
    ),
    (
        "minutes.md",
        include_str!("../../assets/templates/minutes.md"),
    ),
];

/// Markdown text inside a table cell or a line: pipes and markup characters escaped, line
/// breaks flattened.
fn md(value: String) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn environment(lang: Lang) -> Result<Environment<'static>> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_filter("md", md);
    // A figure as the document's language writes it: "91,38" in Vietnamese.
    env.add_filter("num", move |figure: String| localized(lang, &figure));
    // Characters XML forbids never reach a printed page, whatever slipped past the input checks.
    env.set_formatter(|out, state, value| match value.as_str() {
        Some(text) if text.chars().any(xml_forbidden) => {
            escape_formatter(out, state, &Value::from(xml_safe(text).into_owned()))
        }
        _ => escape_formatter(out, state, value),
    });
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .map_err(|e| eyre!("template {name}: {e}"))?;
    }
    Ok(env)
}

/// The templates with the model they render: the minutes model without the members' sheets
/// (converted to a template value once, a few megabytes instead of hundreds), and the words.
pub(super) struct Templates {
    env: Environment<'static>,
    m: Value,
    w: Value,
}

impl Templates {
    pub(super) fn new(m: &Minutes) -> Result<Self> {
        Ok(Self {
            env: environment(m.lang)?,
            m: m.template_value
                .get_or_init(|| Value::from(Serde(m.without_sheets())))
                .clone(),
            w: Value::from(Serde(words(m.lang))),
        })
    }

    /// Renders template `name` into `out`, with `m`, `w` and the `extra` variables.
    pub(super) fn render(&self, name: &str, extra: Value, out: &mut dyn Write) -> Result<()> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| eyre!("template {name}: {e}"))?;
        let ctx = context! { m => self.m.clone(), w => self.w.clone(), ..extra };
        template
            .render_captured_to(ctx, out)
            .map_err(|e| eyre!("template {name}: {e:#}"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_escape_pipes_and_markup() {
        assert_eq!(md("A | B *x*\nC".into()), "A \\| B \\*x\\* C");
    }
}
