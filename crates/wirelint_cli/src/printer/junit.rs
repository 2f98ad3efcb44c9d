//! The JUnit XML format, for CI systems that show test reports: a
//! `<testsuite>` per file with findings and a failed `<testcase>` per
//! diagnostic. A clean run is one suite with one passing test case, so the
//! report still says something passed.
//!
//! ```xml
//! <testsuites name="wirelint" tests="1" failures="1" errors="0" skipped="0" time="0">
//!   <testsuite name="pkg/app.py" tests="1" failures="1" errors="0" skipped="0" time="0">
//!     <testcase name="WL203 at 2:5" classname="pkg/app.py" file="pkg/app.py" line="2" time="0">
//!       <failure message="Call without a timeout" type="WL203">pkg/app.py:2:5: Call without a timeout</failure>
//!     </testcase>
//!   </testsuite>
//! </testsuites>
//! ```

use std::io::{self, Write};

use wirelint_workspace::CheckResult;

use super::Printer;

/// Suites are not timed: every `time` attribute is zero.
const TIME: &str = "0";

pub(super) fn write(
    out: &mut dyn Write,
    result: &CheckResult,
    printer: &Printer,
) -> io::Result<()> {
    let found = result.diagnostic_count();
    let all_passed = found == 0 && result.errors.is_empty();
    let tests = if all_passed { 1 } else { found };
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="wirelint" tests="{tests}" failures="{found}" errors="0" skipped="0" time="{TIME}">"#
    )?;
    if all_passed {
        writeln!(
            out,
            r#"  <testsuite name="wirelint" tests="1" failures="0" errors="0" skipped="0" time="{TIME}">"#
        )?;
        writeln!(
            out,
            r#"    <testcase name="all checks passed" classname="wirelint" time="{TIME}"/>"#
        )?;
        writeln!(out, "  </testsuite>")?;
    }
    for file in result
        .files
        .iter()
        .filter(|file| !file.diagnostics.is_empty())
    {
        let path = escape(&printer.slash_path(&file.path));
        let count = file.diagnostics.len();
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{count}" failures="{count}" errors="0" skipped="0" time="{TIME}">"#
        )?;
        for diagnostic in &file.diagnostics {
            let (row, column) = (diagnostic.location.row, diagnostic.location.column);
            let code = diagnostic.rule.code();
            let message = escape(&diagnostic.message);
            writeln!(
                out,
                r#"    <testcase name="{code} at {row}:{column}" classname="{path}" file="{path}" line="{row}" time="{TIME}">"#
            )?;
            writeln!(
                out,
                r#"      <failure message="{message}" type="{code}">{path}:{row}:{column}: {message}</failure>"#
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Escapes text for an XML attribute value or element content. Line breaks
/// and tabs become character references so attribute values keep them;
/// characters XML 1.0 cannot carry at all become U+FFFD.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' => escaped.push_str("&#9;"),
            '\n' => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            character if is_xml_char(character) => escaped.push(character),
            _ => escaped.push(char::REPLACEMENT_CHARACTER),
        }
    }
    escaped
}

/// Whether XML 1.0 allows the character (tab and line breaks are handled
/// before this is asked).
fn is_xml_char(character: char) -> bool {
    matches!(character, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::OutputFormat;
    use crate::printer::test_support::*;
    use wirelint_workspace::RunError;

    #[test]
    fn a_suite_per_file_and_a_failed_case_per_diagnostic() {
        let output = render(
            OutputFormat::Junit,
            &result(vec![missing_timeout(), scalar_timeout()]),
        );
        assert_eq!(
            output,
            r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="wirelint" tests="2" failures="2" errors="0" skipped="0" time="0">
  <testsuite name="pkg/app.py" tests="2" failures="2" errors="0" skipped="0" time="0">
    <testcase name="WL203 at 2:5" classname="pkg/app.py" file="pkg/app.py" line="2" time="0">
      <failure message="Call without a timeout" type="WL203">pkg/app.py:2:5: Call without a timeout</failure>
    </testcase>
    <testcase name="WL201 at 2:20" classname="pkg/app.py" file="pkg/app.py" line="2" time="0">
      <failure message="Scalar timeout `5`" type="WL201">pkg/app.py:2:20: Scalar timeout `5`</failure>
    </testcase>
  </testsuite>
</testsuites>
"#
        );
    }

    #[test]
    fn a_clean_run_is_one_passing_case() {
        let output = render(OutputFormat::Junit, &result(Vec::new()));
        assert!(
            output.contains(r#"<testsuites name="wirelint" tests="1" failures="0""#),
            "{output}"
        );
        assert!(
            output
                .contains(r#"<testcase name="all checks passed" classname="wirelint" time="0"/>"#),
            "{output}"
        );
        assert!(!output.contains("Found") && !output.contains("All checks passed!"));
    }

    #[test]
    fn a_run_with_errors_does_not_claim_a_pass() {
        let errors = CheckResult {
            errors: vec![RunError::MissingPath("gone.py".into())],
            ..CheckResult::default()
        };
        let output = render(OutputFormat::Junit, &errors);
        assert!(output.contains(r#"tests="0""#), "{output}");
        assert!(!output.contains("<testcase"), "{output}");
    }

    #[test]
    fn markup_quotes_line_breaks_and_control_characters_are_escaped() {
        assert_eq!(
            escape("a<b>&\"c\"'\n\t\r\u{1}\u{FFFE}é"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;&#10;&#9;&#13;\u{FFFD}\u{FFFD}é"
        );
    }
}
