//! The concise format: one `path:row:column: CODE [*] message` line per
//! diagnostic, `[*]` marking a diagnostic with a safe fix.

use std::io::{self, Write};

use wirelint_workspace::CheckResult;

use super::{Printer, write_header};

pub(super) fn write(
    out: &mut dyn Write,
    result: &CheckResult,
    printer: &Printer,
) -> io::Result<()> {
    for file in &result.files {
        let display_path = printer.display_path(&file.path);
        for diagnostic in &file.diagnostics {
            write_header(out, printer, &display_path, diagnostic)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::args::OutputFormat;
    use crate::printer::test_support::*;

    #[test]
    fn one_line_per_diagnostic_with_fix_marker() {
        let output = render(
            OutputFormat::Concise,
            &result(vec![missing_timeout(), scalar_timeout()]),
        );
        assert_eq!(
            output,
            "pkg/app.py:2:5: WL203 Call without a timeout\n\
             pkg/app.py:2:20: WL201 [*] Scalar timeout `5`\n\
             Found 2 errors (1 fixable, marked [*]).\n"
        );
    }

    #[test]
    fn a_clean_run_says_so() {
        let output = render(OutputFormat::Concise, &result(Vec::new()));
        assert_eq!(output, "All checks passed!\n");
    }
}
