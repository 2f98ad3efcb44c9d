//! The grouped format: each file's name on a line of its own, then its
//! diagnostics indented as `row:column CODE [*] message` with the codes
//! aligned, and a blank line after each file.
//!
//! ```text
//! pkg/app.py:
//!   2:5  WL203 Call without a timeout
//!   2:20 WL201 [*] Scalar timeout `5`
//!
//! ```

use std::io::{self, Write};

use wirelint_workspace::CheckResult;
use wirelint_workspace::escape_control;

use super::{Printer, style};

pub(super) fn write(
    out: &mut dyn Write,
    result: &CheckResult,
    printer: &Printer,
) -> io::Result<()> {
    for file in &result.files {
        if file.diagnostics.is_empty() {
            continue;
        }
        let display_path = printer.display_path(&file.path);
        writeln!(out, "{}:", printer.paint(style::PATH, &display_path))?;
        let positions: Vec<String> = file
            .diagnostics
            .iter()
            .map(|diagnostic| format!("{}:{}", diagnostic.location.row, diagnostic.location.column))
            .collect();
        let width = positions.iter().map(String::len).max().unwrap_or(0);
        for (diagnostic, position) in file.diagnostics.iter().zip(&positions) {
            write!(
                out,
                "  {position:<width$} {}",
                printer.paint(style::CODE, diagnostic.rule.code())
            )?;
            if printer.is_fixable(diagnostic) {
                write!(out, " {}", printer.paint(style::FIX_MARKER, "[*]"))?;
            }
            writeln!(out, " {}", escape_control(&diagnostic.message))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::args::OutputFormat;
    use crate::printer::Printer;
    use crate::printer::test_support::*;

    fn two_files() -> wirelint_workspace::CheckResult {
        let mut result = result(vec![missing_timeout(), scalar_timeout()]);
        let mut second = result.files[0].clone();
        second.path = "pkg/zz.py".into();
        second.diagnostics = vec![missing_timeout()];
        result.files.push(second);
        result
    }

    #[test]
    fn diagnostics_are_grouped_under_their_file() {
        assert_eq!(
            render(OutputFormat::Grouped, &two_files()),
            "pkg/app.py:\n\
             \x20 2:5  WL203 Call without a timeout\n\
             \x20 2:20 WL201 [*] Scalar timeout `5`\n\
             \n\
             pkg/zz.py:\n\
             \x20 2:5 WL203 Call without a timeout\n\
             \n\
             Found 3 errors (1 fixable, marked [*]).\n"
        );
    }

    #[test]
    fn colour_paints_path_code_and_marker() {
        let printer = Printer {
            colour: true,
            quiet: true,
            ..printer(OutputFormat::Grouped)
        };
        let output = render_with(&printer, &result(vec![scalar_timeout()]));
        assert_eq!(
            output,
            "\x1b[1mpkg/app.py\x1b[0m:\n  \
             2:20 \x1b[1m\x1b[31mWL201\x1b[0m \x1b[36m[*]\x1b[0m Scalar timeout `5`\n\n"
        );
    }

    #[test]
    fn a_clean_run_only_has_the_summary() {
        assert_eq!(
            render(OutputFormat::Grouped, &result(Vec::new())),
            "All checks passed!\n"
        );
    }
}
