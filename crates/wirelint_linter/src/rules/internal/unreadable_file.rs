//! # unreadable-file (WL002)
//!
//! ## What it does
//! Reports a file that cannot be read (permission denied, a broken link, a
//! directory named `*.py`) or whose bytes are not valid UTF-8.
//!
//! ## Why is this bad?
//! Python reads source as UTF-8 unless told otherwise, and a file wirelint
//! cannot read is a file nobody has checked. The run goes on for every
//! other file.
//!
//! ## Example
//! A `client.py` saved as Latin-1 with a `é` in a comment.
//!
//! ## Use instead
//! Save the file as UTF-8, or exclude it (`extend-exclude`) if it is not
//! source code.
//!
//! WL002 is always reported; it cannot be deselected. The engine builds
//! it in [`crate::unreadable_file`]; this file is its documentation.

use crate::registry::{Family, FixAvailability, Status};
use crate::rules::{Hooks, RuleDef};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL002",
    name: "unreadable-file",
    family: Family::Internal,
    status: Status::Always,
    summary: "The file cannot be read or decoded as UTF-8.",
    boundary: false,
    markers: &[],
    fix: FixAvailability::None,
    hooks: Hooks::NONE,
};
