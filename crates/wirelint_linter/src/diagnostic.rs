//! Diagnostics and fixes: what the engine reports for one file, with byte
//! ranges and the 1-based (row, character column) locations every output uses.

use ruff_source_file::LineIndex;
use ruff_text_size::{TextRange, TextSize};

use crate::registry::Rule;

/// A 1-based row and a 1-based column counted in characters.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub row: usize,
    pub column: usize,
}

/// Whether applying a fix is known to preserve behaviour.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Applicability {
    /// Behaviour-preserving: applied by `--fix`.
    Safe,
    /// May change behaviour: applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    pub const fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace `range` of the source with `content`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub content: String,
    pub location: Location,
    pub end_location: Location,
}

/// A set of edits that together resolve one diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, e.g. "Replace with `httpx.Timeout(...)`".
    pub message: String,
    pub edits: Vec<Edit>,
}

/// One finding in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: Rule,
    pub message: String,
    pub range: TextRange,
    pub location: Location,
    pub end_location: Location,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// The row a `# noqa` directive must stand on to suppress this diagnostic.
    pub fn noqa_row(&self) -> usize {
        self.location.row
    }
}

/// Converts byte offsets of one source text to [`Location`]s. The line
/// index is built on first use: most files produce no diagnostic at all.
pub(crate) struct Locator<'a> {
    source: &'a str,
    index: std::cell::OnceCell<LineIndex>,
}

impl<'a> Locator<'a> {
    pub(crate) fn new(source: &'a str) -> Self {
        Self {
            source,
            index: std::cell::OnceCell::new(),
        }
    }

    fn index(&self) -> &LineIndex {
        self.index
            .get_or_init(|| LineIndex::from_source_text(self.source))
    }

    pub(crate) fn source(&self) -> &'a str {
        self.source
    }

    pub(crate) fn location(&self, offset: TextSize) -> Location {
        let offset = offset.min(TextSize::of(self.source));
        let line_column = self.index().line_column(offset, self.source);
        Location {
            row: line_column.line.get(),
            column: line_column.column.get(),
        }
    }

    pub(crate) fn slice(&self, range: TextRange) -> &'a str {
        &self.source[range]
    }

    /// Builds a diagnostic, computing its locations.
    pub(crate) fn diagnostic(&self, rule: Rule, message: String, range: TextRange) -> Diagnostic {
        Diagnostic {
            rule,
            message,
            range,
            location: self.location(range.start()),
            end_location: self.location(range.end()),
            fix: None,
        }
    }

    pub(crate) fn edit(&self, range: TextRange, content: String) -> Edit {
        Edit {
            range,
            content,
            location: self.location(range.start()),
            end_location: self.location(range.end()),
        }
    }
}
