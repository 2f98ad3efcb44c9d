//! The GitLab Code Quality format: a JSON array of issues with
//! `description`, `check_name`, `fingerprint`, `severity` and a `location`
//! (path relative to the current directory, begin and end positions).
//!
//! A fingerprint identifies a finding across runs, so GitLab can tell new
//! findings from old ones. It hashes the path, the code, the message, the
//! text of the line the finding starts on (trimmed) and how many identical
//! findings came before it in the file, but not the line number: editing
//! other parts of the file leaves it unchanged, and two identical findings
//! still get different fingerprints.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;
use wirelint_linter::Location;
use wirelint_workspace::{CheckResult, FileReport};

use super::{Printer, split_lines};

#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation,
}

#[derive(Serialize)]
struct IssueLocation {
    path: String,
    positions: Positions,
}

#[derive(Serialize)]
struct Positions {
    begin: Position,
    end: Position,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

impl From<Location> for Position {
    fn from(location: Location) -> Self {
        Position {
            line: location.row,
            column: location.column,
        }
    }
}

pub(super) fn write(
    out: &mut dyn Write,
    result: &CheckResult,
    printer: &Printer,
) -> io::Result<()> {
    let issues: Vec<Issue> = result
        .files
        .iter()
        .flat_map(|file| file_issues(file, &printer.slash_path(&file.path)))
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

fn file_issues(file: &FileReport, path: &str) -> Vec<Issue> {
    let lines = file.source.as_deref().map(split_lines).unwrap_or_default();
    let mut occurrences: HashMap<(&str, &str, &str), usize> = HashMap::new();
    file.diagnostics
        .iter()
        .map(|diagnostic| {
            let code = diagnostic.rule.code();
            let line_text = diagnostic
                .location
                .row
                .checked_sub(1)
                .and_then(|index| lines.get(index))
                .map_or("", |line| line.trim());
            let occurrence = occurrences
                .entry((code, diagnostic.message.as_str(), line_text))
                .or_default();
            let fingerprint = fingerprint(&[
                path,
                code,
                &diagnostic.message,
                line_text,
                &occurrence.to_string(),
            ]);
            *occurrence += 1;
            Issue {
                description: format!("{code} {}", diagnostic.message),
                check_name: code,
                fingerprint,
                severity: "major",
                location: IssueLocation {
                    path: path.to_owned(),
                    positions: Positions {
                        begin: diagnostic.location.into(),
                        end: diagnostic.end_location.into(),
                    },
                },
            }
        })
        .collect()
}

/// A 128-bit FNV-1a hash of the fields, as 32 hex digits. The fields are
/// separated by a 0xFF byte, which UTF-8 text never contains, so moving
/// text from one field to the next changes the hash.
fn fingerprint(fields: &[&str]) -> String {
    const OFFSET_BASIS: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut hash = OFFSET_BASIS;
    for (index, field) in fields.iter().enumerate() {
        let separator: &[u8] = if index == 0 { &[] } else { &[0xff] };
        for byte in separator.iter().chain(field.as_bytes()) {
            hash ^= u128::from(*byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    format!("{hash:032x}")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::{Value, json};

    use super::*;
    use crate::args::OutputFormat;
    use crate::printer::test_support::*;

    fn issues(result: &CheckResult) -> Vec<Value> {
        let output = render(OutputFormat::Gitlab, result);
        serde_json::from_str(&output).unwrap()
    }

    fn fingerprints(result: &CheckResult) -> Vec<String> {
        issues(result)
            .iter()
            .map(|issue| issue["fingerprint"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn the_hash_is_fixed_and_separates_fields() {
        // FNV-1a 128 of the empty input is its offset basis.
        assert_eq!(fingerprint(&[""]), "6c62272e07bb014262b821756295c58d");
        assert_eq!(fingerprint(&["a"]), "d228cb696f1a8caf78912b704e4a8964");
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
    }

    #[test]
    fn issues_have_the_code_quality_fields() {
        let value = issues(&result(vec![missing_timeout()]));
        let fingerprint = value[0]["fingerprint"].as_str().unwrap();
        assert_eq!(fingerprint.len(), 32);
        assert_eq!(
            value,
            [json!({
                "description": "WL203 Call without a timeout",
                "check_name": "WL203",
                "fingerprint": fingerprint,
                "severity": "major",
                "location": {
                    "path": "pkg/app.py",
                    "positions": {
                        "begin": {"line": 2, "column": 5},
                        "end": {"line": 2, "column": 30}
                    }
                }
            })]
        );
    }

    #[test]
    fn identical_findings_in_one_file_get_different_fingerprints() {
        let prints = fingerprints(&result(vec![missing_timeout(), missing_timeout()]));
        assert_ne!(prints[0], prints[1]);
    }

    #[test]
    fn fingerprints_survive_lines_moving() {
        let before = fingerprints(&result(vec![missing_timeout()]));
        // Two lines inserted above the finding move it to row 4.
        let mut moved = result(vec![missing_timeout()]);
        moved.files[0].source = Some(Arc::from(format!("# a\n# b\n{SOURCE}").as_str()));
        let diagnostic = &mut moved.files[0].diagnostics[0];
        diagnostic.location.row = 4;
        diagnostic.end_location.row = 4;
        assert_eq!(fingerprints(&moved), before);
        // So does re-indenting the line.
        let mut indented = result(vec![missing_timeout()]);
        indented.files[0].source = Some(Arc::from(SOURCE.replace("r = ", "    r = ").as_str()));
        assert_eq!(fingerprints(&indented), before);
    }

    #[test]
    fn fingerprints_change_with_the_path_code_message_or_line() {
        let base = fingerprints(&result(vec![missing_timeout()]));
        let mut other_path = result(vec![missing_timeout()]);
        other_path.files[0].path = "pkg/other.py".into();
        let mut other_message = result(vec![missing_timeout()]);
        other_message.files[0].diagnostics[0].message.push('!');
        let mut other_line = result(vec![missing_timeout()]);
        other_line.files[0].source = Some(Arc::from(SOURCE.replace("url", "uri").as_str()));
        let mut other_code = result(vec![missing_timeout()]);
        other_code.files[0].diagnostics[0].rule = wirelint_linter::Rule::TimeoutDisabled;
        for changed in [other_path, other_message, other_line, other_code] {
            assert_ne!(fingerprints(&changed), base);
        }
    }

    #[test]
    fn a_clean_run_is_an_empty_array() {
        assert_eq!(render(OutputFormat::Gitlab, &result(Vec::new())), "[]\n");
    }
}
