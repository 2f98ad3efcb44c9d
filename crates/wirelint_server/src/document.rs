//! An open document's text as the editor has it, saved or not: its
//! version, its line index, and the full or incremental changes that
//! `textDocument/didChange` applies to it.

use std::sync::Arc;

use lsp_types::TextDocumentContentChangeEvent;

use crate::positions::{LineIndex, PositionEncoding};

/// The text of one open document. Text and index are shared with the
/// linting threads, which take them as a snapshot.
#[derive(Clone, Debug)]
pub(crate) struct TextDocument {
    pub text: Arc<str>,
    pub index: Arc<LineIndex>,
    pub version: i32,
}

impl TextDocument {
    pub(crate) fn new(text: String, version: i32) -> Self {
        TextDocument {
            index: Arc::new(LineIndex::new(&text)),
            text: Arc::from(text),
            version,
        }
    }

    /// Applies `changes` in order (each range refers to the text left by
    /// the previous change) and takes `version`.
    pub(crate) fn apply_changes(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: PositionEncoding,
    ) {
        // A full replacement makes every earlier change irrelevant.
        let first = changes
            .iter()
            .rposition(|change| change.range.is_none())
            .unwrap_or(0);
        let mut text: Option<String> = None;
        let mut index = Arc::clone(&self.index);
        for change in changes.into_iter().skip(first) {
            let updated = match change.range {
                None => change.text,
                Some(range) => {
                    let current = text.as_deref().unwrap_or(&self.text);
                    let range = index.text_range(current, range, encoding);
                    let mut updated = String::with_capacity(
                        current.len() - range.len().to_usize() + change.text.len(),
                    );
                    updated.push_str(&current[..range.start().to_usize()]);
                    updated.push_str(&change.text);
                    updated.push_str(&current[range.end().to_usize()..]);
                    updated
                }
            };
            index = Arc::new(LineIndex::new(&updated));
            text = Some(updated);
        }
        if let Some(text) = text {
            self.text = Arc::from(text);
            self.index = index;
        }
        self.version = version;
    }
}

#[cfg(test)]
mod tests {
    use lsp_types::{Position, Range};

    use super::*;

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|(start, end)| Range {
                start: Position {
                    line: start.0,
                    character: start.1,
                },
                end: Position {
                    line: end.0,
                    character: end.1,
                },
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let mut document = TextDocument::new("import requests\n".into(), 1);
        document.apply_changes(
            vec![
                change(Some(((1, 0), (1, 0))), "requests.get(u)\n"),
                change(Some(((1, 13), (1, 14))), "url"),
            ],
            2,
            PositionEncoding::Utf16,
        );
        assert_eq!(&*document.text, "import requests\nrequests.get(url)\n");
        assert_eq!(document.version, 2);
        assert_eq!(document.index.line_count(), 3);
    }

    #[test]
    fn ranges_count_in_the_negotiated_encoding() {
        let text = "s = '😀'; t = 1\n";
        for (encoding, character) in [
            (PositionEncoding::Utf8, 12),
            (PositionEncoding::Utf16, 10),
            (PositionEncoding::Utf32, 9),
        ] {
            let mut document = TextDocument::new(text.into(), 1);
            document.apply_changes(
                vec![change(Some(((0, character), (0, character + 1))), "u")],
                2,
                encoding,
            );
            assert_eq!(&*document.text, "s = '😀'; u = 1\n", "{encoding:?}");
        }
    }

    #[test]
    fn a_full_change_replaces_everything_before_it() {
        let mut document = TextDocument::new("a\r\nb\r\n".into(), 1);
        document.apply_changes(
            vec![
                change(Some(((0, 0), (0, 1))), "zzz"),
                change(None, "x = 1\r\ny = 2\r\n"),
                change(Some(((1, 4), (1, 5))), "3"),
            ],
            5,
            PositionEncoding::Utf16,
        );
        assert_eq!(&*document.text, "x = 1\r\ny = 3\r\n");
        assert_eq!(document.version, 5);
    }

    #[test]
    fn reversed_or_out_of_range_ranges_do_not_panic() {
        let mut document = TextDocument::new("abc\n".into(), 1);
        document.apply_changes(
            vec![change(Some(((0, 2), (0, 1))), "X")],
            2,
            PositionEncoding::Utf16,
        );
        assert_eq!(&*document.text, "aXc\n");
        document.apply_changes(
            vec![change(Some(((9, 9), (12, 0))), "tail")],
            3,
            PositionEncoding::Utf16,
        );
        assert_eq!(&*document.text, "aXc\ntail");
    }
}
