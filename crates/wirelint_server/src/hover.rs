//! Hover: over a code in a `# noqa:` directive, the documentation of the
//! rule it names (the text `wirelint rule CODE` prints); over a prefix
//! (`WL2`), the list of rules it covers.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};
use wirelint_linter::code_at;
use wirelint_linter::{Rule, RuleSelector};

use crate::lint::Snapshot;
use crate::positions::text_size;

pub(crate) fn hover(snapshot: &Snapshot, position: Position) -> Option<Hover> {
    let encoding = snapshot.client.encoding;
    let offset = snapshot.index.offset(&snapshot.text, position, encoding);
    let code = code_at(&snapshot.text, text_size(offset))?;
    let value = documentation(code.text)?;
    let kind = if snapshot.client.hover_markdown {
        MarkupKind::Markdown
    } else {
        MarkupKind::PlainText
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind, value }),
        range: Some(snapshot.index.range(&snapshot.text, code.range, encoding)),
    })
}

/// The documentation for `code` as written in a directive; `None` for a
/// code that names no rule of ours (`E501`).
fn documentation(code: &str) -> Option<String> {
    if let Some(rule) = Rule::from_code(&code.to_ascii_uppercase()) {
        return Some(rule.docs().to_string());
    }
    let selector: RuleSelector = code.parse().ok()?;
    let lines: Vec<String> = Rule::all()
        .filter(|rule| selector.matches(*rule))
        .map(|rule| format!("- `{}` {}: {}", rule.code(), rule.name(), rule.summary()))
        .collect();
    Some(format!(
        "`{}` covers {} rules:\n\n{}",
        selector,
        lines.len(),
        lines.join("\n")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edits::tests::snapshot;
    use crate::positions::PositionEncoding;

    fn hover_text(
        text: &str,
        line: u32,
        character: u32,
        encoding: PositionEncoding,
    ) -> Option<(String, lsp_types::Range)> {
        let snapshot = snapshot(text, encoding);
        let hover = hover(&snapshot, Position { line, character })?;
        let HoverContents::Markup(content) = hover.contents else {
            panic!("{hover:?}");
        };
        Some((content.value, hover.range.unwrap()))
    }

    #[test]
    fn a_code_in_a_directive_shows_the_rule_docs() {
        let text = "import requests\nx = '😀'; requests.get(u, timeout=5)  # noqa: wl201, E501\n";
        let line = text.lines().nth(1).unwrap();
        let utf8 = u32::try_from(line.find("wl201").unwrap()).unwrap();
        let utf16 = utf8 - 2;
        let (docs, range) = hover_text(text, 1, utf16 + 2, PositionEncoding::Utf16).unwrap();
        assert_eq!(docs, Rule::ScalarTimeout.docs());
        assert_eq!(
            (range.start.character, range.end.character),
            (utf16, utf16 + 5)
        );
        let (docs, range) = hover_text(text, 1, utf8, PositionEncoding::Utf8).unwrap();
        assert_eq!(docs, Rule::ScalarTimeout.docs());
        assert_eq!(range.start.character, utf8);
        // Another tool's code, the word `noqa`, and code outside comments.
        assert!(hover_text(text, 1, utf16 + 8, PositionEncoding::Utf16).is_none());
        assert!(hover_text(text, 1, utf16 - 4, PositionEncoding::Utf16).is_none());
        assert!(hover_text(text, 0, 3, PositionEncoding::Utf16).is_none());
    }

    #[test]
    fn a_prefix_lists_its_rules() {
        let (docs, _) = hover_text("x = 1  # noqa: WL2\n", 0, 16, PositionEncoding::Utf16).unwrap();
        assert!(docs.starts_with("`WL2` covers "), "{docs}");
        assert!(docs.contains("- `WL201` "), "{docs}");
        assert!(!docs.contains("`WL101`"), "{docs}");
    }
}
