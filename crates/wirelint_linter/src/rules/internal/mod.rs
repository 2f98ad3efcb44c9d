//! WL0: problems with the input itself, reported by the engine, not a visitor.

pub mod syntax_error;
pub mod unreadable_file;
pub mod unused_noqa;
