//! Positions: converting byte offsets in a document's text to LSP positions
//! (a 0-based line and a 0-based character on it) and back, counting
//! characters in the encoding agreed with the client (UTF-8 bytes, UTF-16
//! code units or UTF-32 code points). Lines end at `\n`, `\r\n` or `\r`, as
//! the protocol says.

use lsp_types::{Position, PositionEncodingKind, Range};
use ruff_text_size::{TextRange, TextSize};

/// How the `character` of a position is counted.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum PositionEncoding {
    Utf8,
    Utf16,
    Utf32,
}

impl PositionEncoding {
    /// The encoding to use with a client that offers `offered` (in its order
    /// of preference): the first one we know, or UTF-16 (which every client
    /// must support) when it offers none we know, or nothing at all.
    pub(crate) fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Self {
        offered
            .unwrap_or_default()
            .iter()
            .find_map(|kind| match kind.as_str() {
                "utf-8" => Some(PositionEncoding::Utf8),
                "utf-16" => Some(PositionEncoding::Utf16),
                "utf-32" => Some(PositionEncoding::Utf32),
                _ => None,
            })
            .unwrap_or(PositionEncoding::Utf16)
    }

    pub(crate) fn kind(self) -> PositionEncodingKind {
        match self {
            PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
            PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
            PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    /// How many units of this encoding `character` takes.
    fn units(self, character: char) -> usize {
        match self {
            PositionEncoding::Utf8 => character.len_utf8(),
            PositionEncoding::Utf16 => character.len_utf16(),
            PositionEncoding::Utf32 => 1,
        }
    }
}

/// Where each line of one text starts, for conversions in both directions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LineIndex {
    /// Byte offset of the start of each line; the first is 0.
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(bytes.len() / 40 + 1);
        line_starts.push(0);
        for (index, byte) in bytes.iter().enumerate() {
            match byte {
                b'\n' => line_starts.push(index + 1),
                b'\r' if bytes.get(index + 1) != Some(&b'\n') => line_starts.push(index + 1),
                _ => {}
            }
        }
        LineIndex { line_starts }
    }

    #[cfg(test)]
    pub(crate) fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte range of line `line` (0-based) without its line ending.
    fn line_content(&self, text: &str, line: usize) -> (usize, usize) {
        let start = self.line_starts[line];
        let end = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(text.len());
        let content = text[start..end].trim_end_matches(['\n', '\r']);
        (start, start + content.len())
    }

    /// The position of byte `offset` (clamped to the text, and moved back to
    /// the start of the character it falls inside).
    pub(crate) fn position(
        &self,
        text: &str,
        offset: usize,
        encoding: PositionEncoding,
    ) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|start| *start <= offset) - 1;
        let start = self.line_starts[line];
        let before = &text[start..offset];
        let character = match encoding {
            PositionEncoding::Utf8 => before.len(),
            PositionEncoding::Utf16 => before.chars().map(char::len_utf16).sum(),
            PositionEncoding::Utf32 => before.chars().count(),
        };
        Position {
            line: saturate(line),
            character: saturate(character),
        }
    }

    /// The byte offset of `position`. A line past the end is the end of the
    /// text; a character past the end of its line is the end of the line
    /// (before its line ending); a character inside a multi-unit character
    /// (half of a UTF-16 surrogate pair, say) is the start of that character.
    pub(crate) fn offset(
        &self,
        text: &str,
        position: Position,
        encoding: PositionEncoding,
    ) -> usize {
        let line = position.line as usize;
        if line >= self.line_starts.len() {
            return text.len();
        }
        let (start, end) = self.line_content(text, line);
        let wanted = position.character as usize;
        if encoding == PositionEncoding::Utf8 {
            let mut offset = (start + wanted).min(end);
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            return offset;
        }
        let mut units = 0;
        for (index, character) in text[start..end].char_indices() {
            let next = units + encoding.units(character);
            if next > wanted {
                return start + index;
            }
            units = next;
        }
        end
    }

    pub(crate) fn range(&self, text: &str, range: TextRange, encoding: PositionEncoding) -> Range {
        Range {
            start: self.position(text, range.start().to_usize(), encoding),
            end: self.position(text, range.end().to_usize(), encoding),
        }
    }

    /// The byte range of `range`, its ends ordered.
    pub(crate) fn text_range(
        &self,
        text: &str,
        range: Range,
        encoding: PositionEncoding,
    ) -> TextRange {
        let start = self.offset(text, range.start, encoding);
        let end = self.offset(text, range.end, encoding);
        TextRange::new(text_size(start.min(end)), text_size(start.max(end)))
    }
}

fn saturate(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// A byte offset as a [`TextSize`]; texts past 4 GiB never reach here (the
/// transport refuses messages that large).
pub(crate) fn text_size(offset: usize) -> TextSize {
    TextSize::try_from(offset).unwrap_or(TextSize::new(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    use PositionEncoding::{Utf8, Utf16, Utf32};

    fn position(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    /// Every character boundary of `text` converts to a position and back.
    fn assert_round_trips(text: &str) {
        let index = LineIndex::new(text);
        for encoding in [Utf8, Utf16, Utf32] {
            for offset in (0..=text.len()).filter(|offset| text.is_char_boundary(*offset)) {
                // The middle of `\r\n` has no position of its own.
                if offset > 0 && text[..offset].ends_with('\r') && text[offset..].starts_with('\n')
                {
                    continue;
                }
                let converted = index.position(text, offset, encoding);
                assert_eq!(
                    index.offset(text, converted, encoding),
                    offset,
                    "{encoding:?} at byte {offset} ({converted:?}) of {text:?}"
                );
            }
        }
    }

    #[test]
    fn ascii_positions_are_bytes_in_every_encoding() {
        let text = "import requests\nrequests.get(u)\n";
        let index = LineIndex::new(text);
        for encoding in [Utf8, Utf16, Utf32] {
            assert_eq!(index.position(text, 16, encoding), position(1, 0));
            assert_eq!(index.position(text, 20, encoding), position(1, 4));
            assert_eq!(index.offset(text, position(1, 4), encoding), 20);
        }
    }

    #[test]
    fn non_ascii_text_counts_units_of_the_encoding() {
        // `é` is 2 bytes, 1 UTF-16 unit, 1 code point; `😀` is 4 bytes, 2
        // UTF-16 units (a surrogate pair), 1 code point.
        let text = "x = 'é😀'; requests.get(u)\n";
        let index = LineIndex::new(text);
        let call = text.find("requests").unwrap();
        assert_eq!(call, 14);
        assert_eq!(index.position(text, call, Utf8), position(0, 14));
        assert_eq!(index.position(text, call, Utf16), position(0, 11));
        assert_eq!(index.position(text, call, Utf32), position(0, 10));
        assert_eq!(index.offset(text, position(0, 11), Utf16), call);
        assert_eq!(index.offset(text, position(0, 10), Utf32), call);
        assert_round_trips(text);
    }

    #[test]
    fn a_position_inside_a_character_moves_to_its_start() {
        let text = "a😀b";
        let index = LineIndex::new(text);
        // UTF-16 unit 2 is the second half of the surrogate pair.
        assert_eq!(index.offset(text, position(0, 2), Utf16), 1);
        assert_eq!(index.offset(text, position(0, 3), Utf16), 5);
        // Byte 3 is inside the emoji.
        assert_eq!(index.offset(text, position(0, 3), Utf8), 1);
        assert_eq!(index.position(text, 3, Utf16), position(0, 1));
    }

    #[test]
    fn tabs_are_one_unit() {
        let text = "if x:\n\trequests.get(u)\n";
        let index = LineIndex::new(text);
        for encoding in [Utf8, Utf16, Utf32] {
            assert_eq!(index.position(text, 7, encoding), position(1, 1));
        }
        assert_round_trips(text);
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let text = "a = 1\r\nb = 'é'\rrequests.get(u)\r\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        let call = text.find("requests").unwrap();
        assert_eq!(index.position(text, call, Utf16), position(2, 0));
        let quote = text.rfind('\'').unwrap();
        assert_eq!(index.position(text, quote, Utf8), position(1, 7));
        assert_eq!(index.position(text, quote, Utf16), position(1, 6));
        assert_round_trips(text);
        // The end of a line is before its `\r\n`.
        assert_eq!(index.offset(text, position(0, 99), Utf16), 5);
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, position(0, 10), Utf16), 2);
        assert_eq!(index.offset(text, position(7, 0), Utf16), text.len());
        assert_eq!(index.position(text, 99, Utf16), position(1, 2));
        let empty = LineIndex::new("");
        assert_eq!(empty.offset("", position(3, 3), Utf8), 0);
        assert_eq!(empty.position("", 0, Utf32), position(0, 0));
    }

    #[test]
    fn mixed_lines_round_trip() {
        assert_round_trips("# 日本語\n\tx = '👩‍👩‍👧'  # noqa: WL201\r\n\r\n𝄞\rend");
    }

    #[test]
    fn negotiation_follows_the_client_preference() {
        let offered = [PositionEncodingKind::UTF32, PositionEncodingKind::UTF8];
        assert_eq!(PositionEncoding::negotiate(Some(&offered)), Utf32);
        let unknown = [PositionEncodingKind::new("utf-7")];
        assert_eq!(PositionEncoding::negotiate(Some(&unknown)), Utf16);
        assert_eq!(PositionEncoding::negotiate(Some(&[])), Utf16);
        assert_eq!(PositionEncoding::negotiate(None), Utf16);
        assert_eq!(Utf8.kind(), PositionEncodingKind::UTF8);
    }
}
