//! `--statistics`: how many diagnostics each rule produced, most frequent
//! first (ties by code), as an aligned table or, for the JSON formats, as
//! JSON objects `{code, name, count, fixable}`.
//!
//! ```text
//! 12  WL203  [ ] missing-timeout
//!  3  WL201  [*] scalar-timeout
//! ```

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;
use wirelint_linter::Rule;
use wirelint_workspace::CheckResult;

use super::{Printer, style};
use crate::args::OutputFormat;

/// One rule's count. `fixable` says whether any of its diagnostics has a
/// fix the run would apply (a safe one, or any with `--unsafe-fixes`).
#[derive(Debug, PartialEq, Eq, Serialize)]
struct Statistic {
    code: &'static str,
    name: &'static str,
    count: usize,
    fixable: bool,
}

fn statistics(result: &CheckResult, printer: &Printer) -> Vec<Statistic> {
    let mut by_rule: BTreeMap<Rule, (usize, bool)> = BTreeMap::new();
    for diagnostic in result.files.iter().flat_map(|file| &file.diagnostics) {
        let (count, fixable) = by_rule.entry(diagnostic.rule).or_default();
        *count += 1;
        *fixable |= printer.is_fixable(diagnostic);
    }
    let mut statistics: Vec<Statistic> = by_rule
        .into_iter()
        .map(|(rule, (count, fixable))| Statistic {
            code: rule.code(),
            name: rule.name(),
            count,
            fixable,
        })
        .collect();
    statistics.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    statistics
}

pub(super) fn write(
    out: &mut dyn Write,
    result: &CheckResult,
    printer: &Printer,
) -> io::Result<()> {
    let statistics = statistics(result, printer);
    match printer.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &statistics)?;
            writeln!(out)
        }
        OutputFormat::JsonLines => {
            for statistic in &statistics {
                serde_json::to_writer(&mut *out, statistic)?;
                writeln!(out)?;
            }
            Ok(())
        }
        _ => write_table(out, &statistics, printer),
    }
}

fn write_table(out: &mut dyn Write, statistics: &[Statistic], printer: &Printer) -> io::Result<()> {
    let count_width = statistics
        .iter()
        .map(|statistic| statistic.count.to_string().len())
        .max()
        .unwrap_or(0);
    let code_width = statistics
        .iter()
        .map(|statistic| statistic.code.len())
        .max()
        .unwrap_or(0);
    for statistic in statistics {
        let code = format!("{:<code_width$}", statistic.code);
        let marker = if statistic.fixable {
            printer.paint(style::FIX_MARKER, "[*]").to_string()
        } else {
            "[ ]".to_string()
        };
        writeln!(
            out,
            "{:>count_width$}  {}  {marker} {}",
            statistic.count,
            printer.paint(style::CODE, &code),
            statistic.name
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::printer::test_support::*;

    /// Eleven WL203, one WL201 (fixable) and one WL204 in two files.
    fn many() -> CheckResult {
        let mut result = result(vec![scalar_timeout(), missing_timeout()]);
        let mut disabled = missing_timeout();
        disabled.rule = Rule::TimeoutDisabled;
        let mut second = result.files[0].clone();
        second.path = "pkg/zz.py".into();
        second.diagnostics = std::iter::repeat_n(missing_timeout(), 10)
            .chain([disabled])
            .collect();
        result.files.push(second);
        result
    }

    fn statistics_output(format: OutputFormat, result: &CheckResult) -> String {
        let printer = printer(format).with_statistics(true);
        render_with(&printer, result)
    }

    #[test]
    fn counts_sort_by_count_then_code() {
        let codes: Vec<_> = statistics(&many(), &printer(OutputFormat::Concise))
            .iter()
            .map(|statistic| (statistic.code, statistic.count, statistic.fixable))
            .collect();
        assert_eq!(
            codes,
            [
                ("WL203", 11, false),
                ("WL201", 1, true),
                ("WL204", 1, false)
            ]
        );
    }

    #[test]
    fn the_table_aligns_counts_and_ends_with_the_summary() {
        assert_eq!(
            statistics_output(OutputFormat::Concise, &many()),
            "11  WL203  [ ] missing-timeout\n\
             \x201  WL201  [*] scalar-timeout\n\
             \x201  WL204  [ ] timeout-disabled\n\
             Found 13 errors (1 fixable, marked [*]).\n"
        );
    }

    #[test]
    fn json_statistics_are_a_list_without_summary() {
        let output = statistics_output(OutputFormat::Json, &many());
        let value: Value = serde_json::from_str(&output).unwrap();
        assert_eq!(
            value,
            json!([
                {"code": "WL203", "name": "missing-timeout", "count": 11, "fixable": false},
                {"code": "WL201", "name": "scalar-timeout", "count": 1, "fixable": true},
                {"code": "WL204", "name": "timeout-disabled", "count": 1, "fixable": false},
            ])
        );
        let lines = statistics_output(OutputFormat::JsonLines, &many());
        let objects: Vec<Value> = lines
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(Value::Array(objects), value);
    }

    #[test]
    fn a_clean_run_has_no_rows() {
        assert_eq!(
            statistics_output(OutputFormat::Concise, &result(Vec::new())),
            "All checks passed!\n"
        );
        assert_eq!(
            statistics_output(OutputFormat::Json, &result(Vec::new())),
            "[]\n"
        );
    }

    #[test]
    fn colour_paints_code_and_marker() {
        let printer = Printer {
            colour: true,
            quiet: true,
            ..printer(OutputFormat::Concise).with_statistics(true)
        };
        let output = render_with(&printer, &result(vec![scalar_timeout()]));
        assert_eq!(
            output,
            "1  \x1b[1m\x1b[31mWL201\x1b[0m  \x1b[36m[*]\x1b[0m scalar-timeout\n"
        );
    }
}
