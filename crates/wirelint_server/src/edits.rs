//! Edits for the client: the engine's fix edits, or the difference between
//! a document's text and a new text, as LSP text edits, wrapped in a
//! workspace edit pinned to the document version they were computed for
//! (a client applying them to another version refuses them).

use std::collections::HashMap;

use lsp_types::{
    DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, TextEdit,
    WorkspaceEdit,
};
use ruff_text_size::TextRange;
use wirelint_linter::Edit;

use crate::lint::Snapshot;
use crate::positions::text_size;

/// The engine's edits of one fix, in the snapshot's encoding.
pub(crate) fn fix_edits(snapshot: &Snapshot, edits: &[Edit]) -> Vec<TextEdit> {
    edits
        .iter()
        .map(|edit| TextEdit {
            range: snapshot
                .index
                .range(&snapshot.text, edit.range, snapshot.client.encoding),
            new_text: edit.content.clone(),
        })
        .collect()
}

/// One edit turning the snapshot's text into `updated`: the part between
/// their common start and common end. `None` when they are equal. The
/// replaced range never splits a character or a `\r\n`.
pub(crate) fn replacement(snapshot: &Snapshot, updated: &str) -> Option<TextEdit> {
    let original: &str = &snapshot.text;
    if original == updated {
        return None;
    }
    let (old, new) = (original.as_bytes(), updated.as_bytes());
    let mut prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    while !(original.is_char_boundary(prefix) && updated.is_char_boundary(prefix))
        || splits_crlf(original, prefix)
    {
        prefix -= 1;
    }
    let longest_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(longest_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !(original.is_char_boundary(old.len() - suffix)
        && updated.is_char_boundary(new.len() - suffix))
        || splits_crlf(original, old.len() - suffix)
    {
        suffix -= 1;
    }
    let range = TextRange::new(text_size(prefix), text_size(old.len() - suffix));
    Some(TextEdit {
        range: snapshot
            .index
            .range(original, range, snapshot.client.encoding),
        new_text: updated[prefix..new.len() - suffix].to_string(),
    })
}

/// Whether `offset` falls between the `\r` and the `\n` of a line ending.
fn splits_crlf(text: &str, offset: usize) -> bool {
    offset > 0 && text[..offset].ends_with('\r') && text[offset..].starts_with('\n')
}

/// `edits` of the snapshot's document as a workspace edit: versioned when
/// the client supports it.
pub(crate) fn workspace_edit(snapshot: &Snapshot, edits: Vec<TextEdit>) -> WorkspaceEdit {
    if snapshot.client.document_changes {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: snapshot.uri.clone(),
                    version: Some(snapshot.version),
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(snapshot.uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::Path;
    use std::str::FromStr;
    use std::sync::Arc;

    use lsp_types::{Position, Range, Uri};

    use super::*;
    use crate::capabilities::ClientFeatures;
    use crate::positions::{LineIndex, PositionEncoding};
    use crate::scope::Scope;
    use crate::settings::ClientSettings;

    /// A snapshot of `text` for tests, with default settings.
    pub(crate) fn snapshot(text: &str, encoding: PositionEncoding) -> Snapshot {
        let mut client = ClientFeatures::from_initialize_params(&serde_json::json!({}));
        client.encoding = encoding;
        client.document_changes = true;
        let root = Path::new("/nonexistent-wirelint-test-root");
        Snapshot {
            uri: Uri::from_str("untitled:test").unwrap(),
            version: 3,
            revision: 1,
            text: Arc::from(text),
            index: Arc::new(LineIndex::new(text)),
            scope: Arc::new(Scope::new(root, ClientSettings::default().resolve(root))),
            file: None,
            client: Arc::new(client),
        }
    }

    /// Applies LSP edits (non-overlapping) to `text`, as a client would.
    pub(crate) fn apply(text: &str, edits: &[TextEdit], encoding: PositionEncoding) -> String {
        let index = LineIndex::new(text);
        let mut ranges: Vec<(TextRange, &str)> = edits
            .iter()
            .map(|edit| {
                (
                    index.text_range(text, edit.range, encoding),
                    edit.new_text.as_str(),
                )
            })
            .collect();
        ranges.sort_by_key(|(range, _)| std::cmp::Reverse(range.start()));
        let mut result = text.to_string();
        for (range, new_text) in ranges {
            result.replace_range(range.start().to_usize()..range.end().to_usize(), new_text);
        }
        result
    }

    fn range(start: (u32, u32), end: (u32, u32)) -> Range {
        Range {
            start: Position {
                line: start.0,
                character: start.1,
            },
            end: Position {
                line: end.0,
                character: end.1,
            },
        }
    }

    #[test]
    fn a_replacement_covers_only_what_changed() {
        let text = "import requests\r\nx = '😀'; requests.get(u)\r\n";
        let updated = "import requests\r\nx = '😀'; requests.get(u)  # noqa: WL203\r\n";
        for encoding in [
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ] {
            let snapshot = snapshot(text, encoding);
            let edit = replacement(&snapshot, updated).unwrap();
            assert_eq!(edit.new_text, "  # noqa: WL203");
            assert_eq!(apply(text, &[edit], encoding), updated);
        }
        let edit = replacement(&snapshot(text, PositionEncoding::Utf16), updated).unwrap();
        assert_eq!(edit.range, range((1, 25), (1, 25)));
        assert!(replacement(&snapshot(text, PositionEncoding::Utf16), text).is_none());
    }

    #[test]
    fn a_replacement_never_splits_characters_or_line_endings() {
        for (text, updated) in [
            ("a\r\nb", "a\r\r\nb"),
            ("a\r\nb", "a\nb"),
            ("x = 'é'", "x = 'è'"),
            ("😀", "😁"),
            ("ab", ""),
            ("", "ab"),
            ("aaa", "aa"),
        ] {
            let snapshot = snapshot(text, PositionEncoding::Utf16);
            let edit = replacement(&snapshot, updated).unwrap();
            assert_eq!(
                apply(text, &[edit], PositionEncoding::Utf16),
                updated,
                "{text:?} -> {updated:?}"
            );
        }
    }

    #[test]
    fn workspace_edits_are_versioned_when_the_client_can() {
        let mut snapshot = snapshot("x\n", PositionEncoding::Utf16);
        let edit = TextEdit {
            range: range((0, 0), (0, 1)),
            new_text: "y".into(),
        };
        let versioned =
            serde_json::to_value(workspace_edit(&snapshot, vec![edit.clone()])).unwrap();
        assert_eq!(
            versioned["documentChanges"][0]["textDocument"]["version"],
            3
        );
        let mut client = (*snapshot.client).clone();
        client.document_changes = false;
        snapshot.client = Arc::new(client);
        let plain = serde_json::to_value(workspace_edit(&snapshot, vec![edit])).unwrap();
        assert_eq!(plain["changes"]["untitled:test"][0]["newText"], "y");
    }
}
