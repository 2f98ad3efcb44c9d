//! The rules, one file per rule, grouped by family. Each file's `//!` comment
//! is the rule's user documentation (`wirelint rule CODE` prints it).

pub mod internal;
pub mod timeouts;
