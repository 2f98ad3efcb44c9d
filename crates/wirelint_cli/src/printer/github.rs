//! The GitHub Actions format: one `::error` workflow command per
//! diagnostic, which the runner turns into an annotation on the file:
//!
//! ```text
//! ::error title=wirelint (WL203),file=pkg/app.py,line=2,col=5,endLine=2,endColumn=30::WL203 Call without a timeout
//! ```
//!
//! Property values and the message are escaped the way the runner decodes
//! them, so a `,` or `:` in a path cannot end a property early.

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
        let path = escape_property(&printer.slash_path(&file.path));
        for diagnostic in &file.diagnostics {
            let code = diagnostic.rule.code();
            writeln!(
                out,
                "::error title={},file={path},line={},col={},endLine={},endColumn={}::{}",
                escape_property(&format!("wirelint ({code})")),
                diagnostic.location.row,
                diagnostic.location.column,
                diagnostic.end_location.row,
                diagnostic.end_location.column,
                escape_message(&format!("{code} {}", diagnostic.message)),
            )?;
        }
    }
    Ok(())
}

/// Escapes a command's message: `%`, carriage return and line feed the
/// runner's way, other control characters as `\x1b` and the like.
fn escape_message(text: &str) -> String {
    escape_control(&escape(text, false)).into_owned()
}

/// Escapes a property value: as a message, plus `:` and `,`, which
/// separate properties.
fn escape_property(text: &str) -> String {
    escape_control(&escape(text, true)).into_owned()
}

fn escape(text: &str, is_property: bool) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '%' => escaped.push_str("%25"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            ':' if is_property => escaped.push_str("%3A"),
            ',' if is_property => escaped.push_str("%2C"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::OutputFormat;
    use crate::printer::test_support::*;

    #[test]
    fn one_error_command_per_diagnostic_and_no_summary() {
        let output = render(
            OutputFormat::Github,
            &result(vec![missing_timeout(), scalar_timeout()]),
        );
        assert_eq!(
            output,
            "::error title=wirelint (WL203),file=pkg/app.py,line=2,col=5,endLine=2,endColumn=30::\
             WL203 Call without a timeout\n\
             ::error title=wirelint (WL201),file=pkg/app.py,line=2,col=20,endLine=2,endColumn=29::\
             WL201 Scalar timeout `5`\n"
        );
    }

    #[test]
    fn messages_escape_percent_and_line_breaks_but_keep_separators() {
        assert_eq!(
            escape_message("100% a,b: c\r\nd\n"),
            "100%25 a,b: c%0D%0Ad%0A"
        );
    }

    #[test]
    fn properties_also_escape_colons_and_commas() {
        assert_eq!(escape_property("C:\\a,b%c\nd.py"), "C%3A\\a%2Cb%25c%0Ad.py");
    }

    #[test]
    fn a_path_with_separators_cannot_break_the_command() {
        let mut result = result(vec![missing_timeout()]);
        result.files[0].path = "odd,name:1.py".into();
        result.files[0].diagnostics[0].message = "50% of\nit".to_string();
        let output = render(OutputFormat::Github, &result);
        assert_eq!(
            output,
            "::error title=wirelint (WL203),file=odd%2Cname%3A1.py,line=2,col=5,endLine=2,endColumn=30::\
             WL203 50%25 of%0Ait\n"
        );
    }

    #[test]
    fn a_clean_run_prints_nothing() {
        assert_eq!(render(OutputFormat::Github, &result(Vec::new())), "");
    }
}
