//! WL0: problems with the input itself, reported by the engine, not a visitor.

pub(crate) mod syntax_error;
pub(crate) mod unreadable_file;
pub(crate) mod unused_noqa;
