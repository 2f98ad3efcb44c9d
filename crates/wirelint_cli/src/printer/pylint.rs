//! The pylint format: `path:row: [CODE] message`, one line per diagnostic,
//! for tools that already parse pylint's output.

use std::io::{self, Write};

use wirelint_workspace::CheckResult;
use wirelint_workspace::escape_control;

use super::Printer;

pub(super) fn write(
    out: &mut dyn Write,
    result: &CheckResult,
    printer: &Printer,
) -> io::Result<()> {
    for file in &result.files {
        let display_path = printer.display_path(&file.path);
        for diagnostic in &file.diagnostics {
            writeln!(
                out,
                "{display_path}:{}: [{}] {}",
                diagnostic.location.row,
                diagnostic.rule.code(),
                escape_control(&diagnostic.message)
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::args::OutputFormat;
    use crate::printer::test_support::*;

    #[test]
    fn one_pylint_line_per_diagnostic_and_no_summary() {
        let output = render(
            OutputFormat::Pylint,
            &result(vec![missing_timeout(), scalar_timeout()]),
        );
        assert_eq!(
            output,
            "pkg/app.py:2: [WL203] Call without a timeout\n\
             pkg/app.py:2: [WL201] Scalar timeout `5`\n"
        );
    }

    #[test]
    fn a_clean_run_prints_nothing() {
        assert_eq!(render(OutputFormat::Pylint, &result(Vec::new())), "");
    }
}
