//! The full format: each diagnostic's header line, then the source lines it
//! covers with a line-number gutter and `^` markers under the range, and the
//! fix's description as a `help:` line. Control characters in the source
//! are shown escaped, and a line longer than [`MAX_SHOWN_CHARACTERS`] is
//! shown as a window around the marked range, so one long line cannot make
//! every diagnostic on it print the whole line.
//!
//! ```text
//! pkg/app.py:2:20: WL201 [*] Scalar timeout `5`
//!   |
//! 2 | r = httpx.get(url, timeout=5)
//!   |                    ^^^^^^^^^
//!   |
//!   = help: Use `httpx.Timeout(5)`
//! ```

use std::io::{self, Write};

use unicode_width::UnicodeWidthChar;
use wirelint_linter::Diagnostic;
use wirelint_workspace::CheckResult;
use wirelint_workspace::{escape_control, escaped_len};

use super::{Printer, split_lines, write_header};

/// Spans longer than this show their first and last lines around a `...`.
const MAX_SNIPPET_LINES: usize = 6;
const LEADING_LINES_SHOWN: usize = 3;
const TRAILING_LINES_SHOWN: usize = 2;
/// Tabs are shown as this many spaces so the markers line up.
const TAB_WIDTH: usize = 4;
/// Lines longer than this (in characters) are clipped around the range.
const MAX_SHOWN_CHARACTERS: usize = 160;
/// How much of a clipped line is shown before the start of the range.
const CONTEXT_BEFORE: usize = 40;
/// What stands for the clipped part of a line.
const CLIPPED: &str = "...";

pub(super) fn write(
    out: &mut dyn Write,
    result: &CheckResult,
    printer: &Printer,
) -> io::Result<()> {
    for file in &result.files {
        let display_path = printer.display_path(&file.path);
        let lines = file.source.as_deref().map(split_lines);
        for diagnostic in &file.diagnostics {
            write_header(out, printer, &display_path, diagnostic)?;
            let gutter_width = diagnostic.end_location.row.max(1).to_string().len();
            let pad = " ".repeat(gutter_width);
            if let Some(lines) = &lines {
                write_snippet(out, lines, diagnostic, &pad)?;
            }
            if let Some(fix) = &diagnostic.fix {
                writeln!(out, "{pad} = help: {}", escape_control(&fix.message))?;
            }
            writeln!(out)?;
        }
    }
    Ok(())
}

fn write_snippet(
    out: &mut dyn Write,
    lines: &[&str],
    diagnostic: &Diagnostic,
    pad: &str,
) -> io::Result<()> {
    let start = diagnostic.location;
    let mut end = diagnostic.end_location;
    // A range ending right after a line break ends with the previous line.
    if end.row > start.row && end.column == 1 {
        end.row -= 1;
        end.column = line_at(lines, end.row).chars().count() + 1;
    }
    let end_row = end.row.max(start.row);
    let width = pad.len();

    writeln!(out, "{pad} |")?;
    for row in rows_to_show(start.row, end_row) {
        let Some(row) = row else {
            writeln!(out, "{pad} | ...")?;
            continue;
        };
        let line = line_at(lines, row);
        let first_column = if row == start.row {
            start.column
        } else {
            first_non_blank_column(line)
        };
        let last_column = if row == end_row {
            end.column
        } else {
            line.chars().count() + 1
        };
        let clip = Clip::of(line, first_column);
        writeln!(out, "{row:>width$} | {}", clip.show(line))?;
        let (offset, length) = clip.marker_span(line, first_column, last_column);
        writeln!(out, "{pad} | {}{}", " ".repeat(offset), "^".repeat(length))?;
    }
    writeln!(out, "{pad} |")
}

/// The rows `first..=last`, or for a long span its first and last few
/// rows with `None` standing for the ones left out.
fn rows_to_show(first: usize, last: usize) -> Vec<Option<usize>> {
    if last - first < MAX_SNIPPET_LINES {
        return (first..=last).map(Some).collect();
    }
    let leading = (first..first + LEADING_LINES_SHOWN).map(Some);
    let trailing = (last + 1 - TRAILING_LINES_SHOWN..=last).map(Some);
    leading.chain([None]).chain(trailing).collect()
}

fn line_at<'a>(lines: &[&'a str], row: usize) -> &'a str {
    row.checked_sub(1)
        .and_then(|index| lines.get(index))
        .copied()
        .unwrap_or("")
}

fn first_non_blank_column(line: &str) -> usize {
    line.chars().take_while(|c| c.is_whitespace()).count() + 1
}

/// Where the markers for character columns `first..last` (1-based, `last`
/// exclusive) start on screen and how many there are; at least one.
fn marker_span(line: &str, first_column: usize, last_column: usize) -> (usize, usize) {
    let before: usize = line
        .chars()
        .take(first_column.saturating_sub(1))
        .map(display_width)
        .sum();
    let marked = last_column.saturating_sub(first_column);
    let under: usize = line
        .chars()
        .skip(first_column.saturating_sub(1))
        .take(marked)
        .map(display_width)
        .sum();
    // Columns past the end of the line (a newline, end of file) count one each.
    let past_end = (first_column.saturating_sub(1) + marked).saturating_sub(line.chars().count());
    let length = (under + past_end.min(marked)).max(1);
    (before, length)
}

/// How wide `character` is on screen as shown: a tab as spaces, another
/// control character as its escape.
fn display_width(character: char) -> usize {
    if character == '\t' {
        TAB_WIDTH
    } else if let Some(escaped) = escaped_len(character) {
        escaped
    } else {
        character.width().unwrap_or(0)
    }
}

/// The part of a line that is shown: characters `start..end`.
struct Clip {
    start: usize,
    end: usize,
    /// The line has characters before `start`, after `end`.
    clipped_before: bool,
    clipped_after: bool,
}

impl Clip {
    /// The whole line when it is short; otherwise a window starting a
    /// little before `first_column`.
    fn of(line: &str, first_column: usize) -> Clip {
        let length = line.chars().count();
        if length <= MAX_SHOWN_CHARACTERS {
            return Clip {
                start: 0,
                end: length,
                clipped_before: false,
                clipped_after: false,
            };
        }
        let wanted_start = first_column
            .saturating_sub(1)
            .saturating_sub(CONTEXT_BEFORE);
        let start = wanted_start.min(length.saturating_sub(MAX_SHOWN_CHARACTERS));
        let end = (start + MAX_SHOWN_CHARACTERS).min(length);
        Clip {
            start,
            end,
            clipped_before: start > 0,
            clipped_after: end < length,
        }
    }

    /// The shown part of `line`: tabs expanded, control characters
    /// escaped, the clipped parts replaced by `...`.
    fn show(&self, line: &str) -> String {
        let mut shown = String::new();
        if self.clipped_before {
            shown.push_str(CLIPPED);
        }
        for character in line.chars().skip(self.start).take(self.end - self.start) {
            if character == '\t' {
                shown.push_str(&" ".repeat(TAB_WIDTH));
            } else {
                let one = character.to_string();
                shown.push_str(&escape_control(&one));
            }
        }
        if self.clipped_after {
            shown.push_str(CLIPPED);
        }
        shown
    }

    /// [`marker_span`] within the shown part.
    fn marker_span(&self, line: &str, first_column: usize, last_column: usize) -> (usize, usize) {
        if !self.clipped_before && !self.clipped_after {
            return marker_span(line, first_column, last_column);
        }
        let window: String = line
            .chars()
            .skip(self.start)
            .take(self.end - self.start)
            .collect();
        let first = first_column.saturating_sub(self.start).max(1);
        let last = last_column
            .saturating_sub(self.start)
            .min(self.end - self.start + 1)
            .max(first);
        let (offset, length) = marker_span(&window, first, last);
        let before = if self.clipped_before {
            CLIPPED.len()
        } else {
            0
        };
        (before + offset, length)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::OutputFormat;
    use crate::printer::test_support::*;
    use wirelint_linter::Location;

    #[test]
    fn shows_the_line_markers_and_help() {
        let output = render(OutputFormat::Full, &result(vec![scalar_timeout()]));
        assert_eq!(
            output,
            "pkg/app.py:2:20: WL201 [*] Scalar timeout `5`\n\
             \x20 |\n\
             2 | r = httpx.get(url, timeout=5)\n\
             \x20 |                    ^^^^^^^^^\n\
             \x20 |\n\
             \x20 = help: Use `httpx.Timeout(5)`\n\
             \n\
             Found 1 error (1 fixable, marked [*]).\n"
        );
    }

    #[test]
    fn without_a_fix_there_is_no_help_line() {
        let output = render(OutputFormat::Full, &result(vec![missing_timeout()]));
        assert!(
            output
                .contains("2 | r = httpx.get(url, timeout=5)\n  |     ^^^^^^^^^^^^^^^^^^^^^^^^^\n"),
            "{output}"
        );
        assert!(!output.contains("help:"), "{output}");
    }

    #[test]
    fn a_file_without_source_shows_only_the_header() {
        let mut result = result(vec![missing_timeout()]);
        result.files[0].source = None;
        let output = render(OutputFormat::Full, &result);
        assert_eq!(
            output,
            "pkg/app.py:2:5: WL203 Call without a timeout\n\nFound 1 error.\n"
        );
    }

    fn snippet(source: &str, start: (usize, usize), end: (usize, usize)) -> String {
        let mut diagnostic = missing_timeout();
        diagnostic.location = Location {
            row: start.0,
            column: start.1,
        };
        diagnostic.end_location = Location {
            row: end.0,
            column: end.1,
        };
        let mut out = Vec::new();
        let pad = " ".repeat(end.0.to_string().len());
        write_snippet(&mut out, &split_lines(source), &diagnostic, &pad).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn multi_line_ranges_mark_each_line() {
        let output = snippet("x = f(\n    a,\n)\n", (1, 5), (3, 2));
        assert_eq!(
            output,
            "  |\n1 | x = f(\n  |     ^^\n2 |     a,\n  |     ^^\n3 | )\n  | ^\n  |\n"
        );
    }

    #[test]
    fn long_ranges_are_elided_in_the_middle() {
        let source: String = (1..=12).map(|n| format!("line{n}\n")).collect();
        let output = snippet(&source, (1, 1), (12, 7));
        assert!(output.contains(" 3 | line3\n"), "{output}");
        assert!(output.contains("   | ...\n"), "{output}");
        assert!(!output.contains("line6"), "{output}");
        assert!(output.contains("11 | line11\n"), "{output}");
        assert!(output.contains("12 | line12\n   | ^^^^^^\n"), "{output}");
    }

    #[test]
    fn empty_ranges_and_end_of_file_get_one_marker() {
        assert_eq!(
            snippet("def f(:\n", (2, 1), (2, 1)),
            "  |\n2 | \n  | ^\n  |\n"
        );
        assert_eq!(
            snippet("x = (\n", (1, 6), (1, 6)),
            "  |\n1 | x = (\n  |      ^\n  |\n"
        );
    }

    #[test]
    fn tabs_and_wide_characters_keep_markers_aligned() {
        assert_eq!(marker_span("\tx = 1", 2, 3), (4, 1));
        assert_eq!(marker_span("s = '日本' + y", 12, 13), (13, 1));
        assert_eq!(marker_span("s = '日本'", 6, 8), (5, 4));
        let output = snippet("\tx = 1\n", (1, 2), (1, 3));
        assert_eq!(output, "  |\n1 |     x = 1\n  |     ^\n  |\n");
    }

    #[test]
    fn control_characters_in_the_source_are_escaped_and_markers_follow() {
        // `x = "\x1b[2J"; f()` with the escape character itself in the text.
        let output = snippet("x = \"\x1b[2J\"; f()\n", (1, 13), (1, 16));
        // Twelve characters before `f`, the escape shown as four.
        let markers = format!("  | {}^^^", " ".repeat(15));
        assert_eq!(
            output,
            format!("  |\n1 | x = \"\\x1b[2J\"; f()\n{markers}\n  |\n")
        );
        assert!(!output.contains('\x1b'));
    }

    #[test]
    fn a_long_line_is_clipped_around_the_range() {
        let line = format!("{}f(){}\n", "a".repeat(5000), "b".repeat(5000));
        let output = snippet(&line, (1, 5001), (1, 5004));
        let shown = output.lines().nth(1).unwrap();
        assert!(shown.len() < 200, "{shown}");
        assert_eq!(
            shown,
            format!("1 | ...{}f(){}...", "a".repeat(40), "b".repeat(117))
        );
        let markers = output.lines().nth(2).unwrap();
        assert_eq!(markers, format!("  | {}^^^", " ".repeat(43)));
        // The end of a line: the window ends there.
        let output = snippet(&line, (1, 10_000), (1, 10_004));
        let shown = output.lines().nth(1).unwrap();
        assert!(
            shown.starts_with("1 | ...b") && !shown.ends_with("..."),
            "{shown}"
        );
        let markers = output.lines().nth(2).unwrap();
        assert!(markers.ends_with(" ^^^^"), "{markers}");
        assert_eq!(
            markers.len(),
            shown.len(),
            "the markers end under the last character"
        );
        // A range longer than the window is marked to the window's end.
        let output = snippet(&line, (1, 1), (1, 10_004));
        let markers = output.lines().nth(2).unwrap();
        assert_eq!(markers, format!("  | {}", "^".repeat(160)));
    }

    #[test]
    fn carriage_returns_split_lines_like_python() {
        assert_eq!(split_lines("a\r\nb\rc\nd"), ["a", "b", "c", "d"]);
        assert_eq!(split_lines("a\n"), ["a", ""]);
    }

    #[test]
    fn a_range_ending_at_a_line_break_stays_on_its_line() {
        let output = snippet("import os\nx = 1\n", (1, 1), (2, 1));
        assert_eq!(output, "  |\n1 | import os\n  | ^^^^^^^^^\n  |\n");
    }

    #[test]
    fn diagnostics_of_several_files_come_in_order() {
        let mut result = result(vec![missing_timeout()]);
        let mut second = result.files[0].clone();
        second.path = "pkg/zz.py".into();
        result.files.push(second);
        let output = render(OutputFormat::Full, &result);
        let first = output.find("pkg/app.py:2:5").unwrap();
        let second = output.find("pkg/zz.py:2:5").unwrap();
        assert!(first < second);
    }
}
