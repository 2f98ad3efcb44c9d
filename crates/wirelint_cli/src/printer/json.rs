//! The JSON format: a pretty-printed array with one object per diagnostic,
//! in the shape Ruff's JSON output uses (`code`, `message`, `filename`,
//! `location`, `end_location`, `fix`, `noqa_row`, `url`), so tools that read
//! Ruff's JSON read ours. Rows and columns are 1-based; columns count
//! characters. `filename` is absolute.

use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;
use wirelint_linter::{Diagnostic, Edit, Fix, Location};
use wirelint_workspace::CheckResult;

#[derive(Serialize)]
pub(super) struct JsonDiagnostic<'a> {
    code: &'static str,
    message: &'a str,
    filename: String,
    location: JsonLocation,
    end_location: JsonLocation,
    fix: Option<JsonFix<'a>>,
    noqa_row: usize,
    url: Option<String>,
}

#[derive(Serialize)]
struct JsonLocation {
    row: usize,
    column: usize,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'static str,
    message: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    content: &'a str,
    location: JsonLocation,
    end_location: JsonLocation,
}

impl From<Location> for JsonLocation {
    fn from(location: Location) -> Self {
        JsonLocation {
            row: location.row,
            column: location.column,
        }
    }
}

impl<'a> From<&'a Edit> for JsonEdit<'a> {
    fn from(edit: &'a Edit) -> Self {
        JsonEdit {
            content: &edit.content,
            location: edit.location.into(),
            end_location: edit.end_location.into(),
        }
    }
}

impl<'a> From<&'a Fix> for JsonFix<'a> {
    fn from(fix: &'a Fix) -> Self {
        JsonFix {
            applicability: fix.applicability.as_str(),
            message: &fix.message,
            edits: fix.edits.iter().map(JsonEdit::from).collect(),
        }
    }
}

impl<'a> JsonDiagnostic<'a> {
    fn new(filename: String, diagnostic: &'a Diagnostic) -> Self {
        JsonDiagnostic {
            code: diagnostic.rule.code(),
            message: &diagnostic.message,
            filename,
            location: diagnostic.location.into(),
            end_location: diagnostic.end_location.into(),
            fix: diagnostic.fix.as_ref().map(JsonFix::from),
            noqa_row: diagnostic.noqa_row(),
            url: None,
        }
    }
}

/// Every diagnostic of `result` in output order, ready to serialize.
pub(super) fn diagnostics(result: &CheckResult) -> impl Iterator<Item = JsonDiagnostic<'_>> {
    result.files.iter().flat_map(|file| {
        let filename = absolute_filename(&file.path);
        file.diagnostics
            .iter()
            .map(move |diagnostic| JsonDiagnostic::new(filename.clone(), diagnostic))
    })
}

pub(super) fn write(out: &mut dyn Write, result: &CheckResult) -> io::Result<()> {
    let diagnostics: Vec<JsonDiagnostic> = diagnostics(result).collect();
    serde_json::to_writer_pretty(&mut *out, &diagnostics)?;
    writeln!(out)
}

fn absolute_filename(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    wirelint_workspace::path_text(&absolute).into_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::args::OutputFormat;
    use crate::printer::test_support::*;

    #[test]
    fn an_empty_run_is_an_empty_array() {
        assert_eq!(render(OutputFormat::Json, &result(Vec::new())), "[]\n");
    }

    #[test]
    fn diagnostics_follow_ruffs_json_shape() {
        let output = render(
            OutputFormat::Json,
            &result(vec![missing_timeout(), scalar_timeout()]),
        );
        assert!(
            output.starts_with("[\n  {\n"),
            "not pretty-printed: {output}"
        );
        let value: Value = serde_json::from_str(&output).unwrap();
        let filename = value[0]["filename"].as_str().unwrap().to_string();
        assert!(std::path::Path::new(&filename).is_absolute());
        assert!(filename.ends_with("app.py"));
        assert_eq!(
            value,
            json!([
                {
                    "code": "WL203",
                    "message": "Call without a timeout",
                    "filename": filename,
                    "location": {"row": 2, "column": 5},
                    "end_location": {"row": 2, "column": 30},
                    "fix": null,
                    "noqa_row": 2,
                    "url": null
                },
                {
                    "code": "WL201",
                    "message": "Scalar timeout `5`",
                    "filename": filename,
                    "location": {"row": 2, "column": 20},
                    "end_location": {"row": 2, "column": 29},
                    "fix": {
                        "applicability": "safe",
                        "message": "Use `httpx.Timeout(5)`",
                        "edits": [{
                            "content": "httpx.Timeout(5)",
                            "location": {"row": 2, "column": 28},
                            "end_location": {"row": 2, "column": 29}
                        }]
                    },
                    "noqa_row": 2,
                    "url": null
                }
            ])
        );
    }

    #[test]
    fn there_is_no_summary_line() {
        let output = render(OutputFormat::Json, &result(vec![missing_timeout()]));
        assert!(!output.contains("Found"), "{output}");
    }
}
