//! # syntax-error (WL001)
//!
//! ## What it does
//! Reports a file that does not parse as Python, with the parser's message
//! and the position where parsing failed.
//!
//! ## Why is this bad?
//! Code that does not parse cannot run, and wirelint can only check the parts
//! of the file the parser recovered. The run goes on: every other file is
//! still checked, and so is the rest of this one where the tree allows.
//!
//! ## Example
//! ```python
//! client = httpx.Client(timeout=
//! ```
//!
//! ## Use instead
//! ```python
//! client = httpx.Client(timeout=httpx.Timeout(10.0, connect=3.0))
//! ```
//!
//! ## Known limitation
//! The parser wirelint is built on rejects a statement that follows `;`
//! and starts with `match` used as a name, which CPython accepts. The
//! smallest case is `x;match` (another is `raise;match,b`): such a file is
//! reported as WL001 although it is valid Python. Put the statement on a
//! line of its own.
//!
//! WL001 is always reported; it cannot be deselected.

use ruff_python_parser::ParseError;

use crate::diagnostic::{Diagnostic, Locator};
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Status};
use crate::rules::{Hooks, RuleDef};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL001",
    name: "syntax-error",
    family: Family::Internal,
    status: Status::Always,
    summary: "The file does not parse; reported with the parser's message and location.",
    boundary: false,
    markers: &[],
    fix: FixAvailability::None,
    hooks: Hooks::NONE,
};

/// Turns one parser error into a WL001 diagnostic.
pub(crate) fn syntax_error(locator: &Locator, error: &ParseError) -> Diagnostic {
    locator.diagnostic(
        Rule::SyntaxError,
        format!("SyntaxError: {}", error.error),
        error.location,
    )
}
