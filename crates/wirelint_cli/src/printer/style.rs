//! Terminal colour: whether to use it (stdout is a terminal, `NO_COLOR`,
//! `FORCE_COLOR`) and the few styles the text formats paint with.

use std::ffi::OsStr;
use std::fmt;
use std::io::IsTerminal;

use anstyle::{AnsiColor, Style};

/// File paths.
pub(super) const PATH: Style = Style::new().bold();
/// Rule codes.
pub(super) const CODE: Style = AnsiColor::Red.on_default().bold();
/// The `[*]` marking a diagnostic with a safe fix.
pub(super) const FIX_MARKER: Style = AnsiColor::Cyan.on_default();

/// Whether to colour the output: never when `NO_COLOR` is set to anything
/// but the empty string, always when `FORCE_COLOR` is (and `NO_COLOR` is
/// not), otherwise when the output goes to a terminal.
pub(super) fn colour_wanted(
    is_terminal: bool,
    no_color: Option<&OsStr>,
    force_color: Option<&OsStr>,
) -> bool {
    let is_set = |value: Option<&OsStr>| value.is_some_and(|value| !value.is_empty());
    if is_set(no_color) {
        false
    } else {
        is_set(force_color) || is_terminal
    }
}

/// [`colour_wanted`] for this process's stdout and environment.
pub(super) fn colour_from_environment() -> bool {
    colour_wanted(
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var_os("FORCE_COLOR").as_deref(),
    )
}

/// Text that displays wrapped in a style's escape codes (none for the
/// plain style).
pub(super) struct Painted<'a> {
    style: Style,
    text: &'a str,
}

impl<'a> Painted<'a> {
    pub(super) fn new(style: Style, text: &'a str) -> Self {
        Self { style, text }
    }
}

impl fmt::Display for Painted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let style = self.style;
        write!(f, "{style}{}{style:#}", self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(is_terminal: bool, no_color: Option<&str>, force_color: Option<&str>) -> bool {
        colour_wanted(
            is_terminal,
            no_color.map(OsStr::new),
            force_color.map(OsStr::new),
        )
    }

    #[test]
    fn a_terminal_gets_colour_and_a_pipe_does_not() {
        assert!(wanted(true, None, None));
        assert!(!wanted(false, None, None));
    }

    #[test]
    fn no_color_turns_colour_off_unless_empty() {
        assert!(!wanted(true, Some("1"), None));
        assert!(!wanted(true, Some("0"), None));
        assert!(wanted(true, Some(""), None));
    }

    #[test]
    fn force_color_turns_colour_on_off_a_terminal_unless_empty() {
        assert!(wanted(false, None, Some("1")));
        assert!(!wanted(false, None, Some("")));
    }

    #[test]
    fn no_color_beats_force_color() {
        assert!(!wanted(true, Some("1"), Some("1")));
    }

    #[test]
    fn painted_text_is_wrapped_in_escapes_only_when_styled() {
        assert_eq!(Painted::new(Style::new(), "a.py").to_string(), "a.py");
        assert_eq!(Painted::new(PATH, "a.py").to_string(), "\x1b[1ma.py\x1b[0m");
    }
}
