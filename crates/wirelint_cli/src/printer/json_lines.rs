//! The JSON Lines format: one compact JSON object per diagnostic per line,
//! with the same fields as the `json` format, so a consumer can stream it.

use std::io::{self, Write};

use wirelint_workspace::CheckResult;

use super::json;

pub(super) fn write(out: &mut dyn Write, result: &CheckResult) -> io::Result<()> {
    for diagnostic in json::diagnostics(result) {
        serde_json::to_writer(&mut *out, &diagnostic)?;
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::args::OutputFormat;
    use crate::printer::test_support::*;

    #[test]
    fn each_line_is_one_diagnostic_with_the_json_fields() {
        let diagnostics = result(vec![missing_timeout(), scalar_timeout()]);
        let output = render(OutputFormat::JsonLines, &diagnostics);
        let lines: Vec<Value> = output
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        let array: Value = serde_json::from_str(&render(OutputFormat::Json, &diagnostics)).unwrap();
        assert_eq!(Value::Array(lines), array);
        assert_eq!(output.lines().count(), 2);
        assert!(output.ends_with("}\n"));
    }

    #[test]
    fn a_clean_run_prints_nothing() {
        assert_eq!(render(OutputFormat::JsonLines, &result(Vec::new())), "");
    }
}
