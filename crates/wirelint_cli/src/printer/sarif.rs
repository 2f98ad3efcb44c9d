//! The SARIF 2.1.0 format, for GitHub code scanning and other SARIF
//! viewers: one run whose `tool.driver.rules` lists every rule of the
//! registry (summary, description, documentation as help in Markdown and
//! plain text; no `helpUri`, as no web page exists for a rule) and whose
//! `results` point at files by URIs relative to the current directory
//! (`uriBaseId` `%SRCROOT%`), with 1-based regions whose columns count
//! Unicode code points (`columnKind`) and end one past the last character.
//! Safe and unsafe fixes are included as SARIF `fixes`.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;
use wirelint_linter::{Diagnostic, Location, Rule};
use wirelint_workspace::CheckResult;

use super::{Printer, forward_slashes};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SOURCE_ROOT: &str = "%SRCROOT%";
/// wirelint has no severities: every finding is an error to fix.
const LEVEL: &str = "error";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult>,
    invocations: [Invocation; 1],
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Message,
    full_description: Message,
    help: MultiformatMessage,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct MultiformatMessage {
    text: String,
    markdown: &'static str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: [&'static str; 1],
    status: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: [SarifLocation; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Message,
    artifact_changes: [ArtifactChange; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
}

impl Region {
    fn new(start: Location, end: Location) -> Self {
        Region {
            start_line: start.row,
            start_column: start.column,
            end_line: end.row,
            end_column: end.column,
        }
    }
}

impl ReportingDescriptor {
    fn new(rule: Rule) -> Self {
        ReportingDescriptor {
            id: rule.code(),
            name: rule.name(),
            short_description: Message {
                text: rule.summary().to_string(),
            },
            full_description: Message {
                text: what_it_does(rule.docs()).unwrap_or_else(|| rule.summary().to_string()),
            },
            help: MultiformatMessage {
                text: plain_text(rule.docs()),
                markdown: rule.docs(),
            },
            default_configuration: Configuration { level: LEVEL },
            properties: RuleProperties {
                tags: [rule.family().title()],
                status: rule.status().as_str(),
            },
        }
    }
}

/// A rule's Markdown documentation as plain text, for viewers that show
/// `help.text`: headings without their `#` marks, code blocks indented
/// instead of fenced.
fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    let mut in_code = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            text.push_str("    ");
            text.push_str(line);
        } else if line.starts_with('#') {
            text.push_str(line.trim_start_matches('#').trim_start());
        } else {
            text.push_str(line);
        }
        text.push('\n');
    }
    text.truncate(text.trim_end().len());
    text
}

/// The text of a rule document's `## What it does` section, its
/// hard-wrapped lines joined into paragraphs.
fn what_it_does(docs: &str) -> Option<String> {
    let (_, rest) = docs.split_once("## What it does")?;
    let section = rest.split("\n## ").next().unwrap_or(rest).trim();
    let paragraphs: Vec<String> = section
        .split("\n\n")
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|paragraph| !paragraph.is_empty())
        .collect();
    (!paragraphs.is_empty()).then(|| paragraphs.join("\n\n"))
}

pub(super) fn write(
    out: &mut dyn Write,
    result: &CheckResult,
    printer: &Printer,
) -> io::Result<()> {
    let mut original_uri_base_ids = BTreeMap::new();
    if let Some(current_dir) = &printer.current_dir {
        let mut uri = file_uri(current_dir);
        if !uri.ends_with('/') {
            uri.push('/');
        }
        original_uri_base_ids.insert(
            SOURCE_ROOT,
            ArtifactLocation {
                uri,
                uri_base_id: None,
            },
        );
    }
    let results = result
        .files
        .iter()
        .flat_map(|file| {
            let artifact = artifact_location(printer, &file.path);
            file.diagnostics
                .iter()
                .map(move |diagnostic| sarif_result(diagnostic, &artifact))
        })
        .collect();
    let notifications = result
        .errors
        .iter()
        .map(|error| Notification {
            level: "error",
            message: Message {
                text: error.to_string(),
            },
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "wirelint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: Rule::all().map(ReportingDescriptor::new).collect(),
                },
            },
            original_uri_base_ids,
            column_kind: "unicodeCodePoints",
            results,
            invocations: [Invocation {
                execution_successful: result.errors.is_empty(),
                tool_execution_notifications: notifications,
            }],
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn sarif_result(diagnostic: &Diagnostic, artifact: &ArtifactLocation) -> SarifResult {
    let fixes = diagnostic
        .fix
        .iter()
        .map(|fix| SarifFix {
            description: Message {
                text: fix.message.clone(),
            },
            artifact_changes: [ArtifactChange {
                artifact_location: artifact.clone(),
                replacements: fix
                    .edits
                    .iter()
                    .map(|edit| Replacement {
                        deleted_region: Region::new(edit.location, edit.end_location),
                        inserted_content: Message {
                            text: edit.content.clone(),
                        },
                    })
                    .collect(),
            }],
        })
        .collect();
    SarifResult {
        rule_id: diagnostic.rule.code(),
        // The registry's order is the order of `tool.driver.rules`.
        rule_index: diagnostic.rule as usize,
        level: LEVEL,
        message: Message {
            text: diagnostic.message.clone(),
        },
        locations: [SarifLocation {
            physical_location: PhysicalLocation {
                artifact_location: artifact.clone(),
                region: Region::new(diagnostic.location, diagnostic.end_location),
            },
        }],
        fixes,
    }
}

/// A file below the current directory is a relative URI against
/// `%SRCROOT%`; any other absolute path is a `file:` URI.
fn artifact_location(printer: &Printer, path: &Path) -> ArtifactLocation {
    let relative = printer.slash_path(path);
    if Path::new(&relative).is_absolute() {
        ArtifactLocation {
            uri: file_uri(path),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: percent_encode(&relative),
            uri_base_id: Some(SOURCE_ROOT),
        }
    }
}

/// `file:///...` for an absolute path (`file:///C:/...` on Windows).
fn file_uri(path: &Path) -> String {
    let slashed = forward_slashes(wirelint_workspace::path_text(path).into_owned());
    let rooted = if slashed.starts_with('/') {
        slashed
    } else {
        format!("/{slashed}")
    };
    format!("file://{}", percent_encode(&rooted).replace("%3A", ":"))
}

/// Percent-encodes every byte of a `/`-separated path except the URI
/// unreserved characters and `/`, so spaces, `#`, `?`, `%`, `:` and
/// non-ASCII text survive as a URI path.
fn percent_encode(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::args::OutputFormat;
    use crate::printer::test_support::*;
    use wirelint_workspace::RunError;

    fn sarif(printer: &Printer, result: &CheckResult) -> Value {
        serde_json::from_str(&render_with(printer, result)).unwrap()
    }

    #[test]
    fn the_log_names_the_tool_and_every_rule() {
        let log = sarif(&printer(OutputFormat::Sarif), &result(Vec::new()));
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(log["$schema"], SCHEMA);
        let driver = &log["runs"][0]["tool"]["driver"];
        assert_eq!(driver["name"], "wirelint");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        let rules = driver["rules"].as_array().unwrap();
        assert_eq!(rules.len(), Rule::all().count());
        let wl203 = &rules[Rule::MissingTimeout as usize];
        assert_eq!(wl203["id"], "WL203");
        assert_eq!(wl203["name"], "missing-timeout");
        assert_eq!(
            wl203["shortDescription"]["text"],
            Rule::MissingTimeout.summary()
        );
        let full = wl203["fullDescription"]["text"].as_str().unwrap();
        assert!(
            full.starts_with("Flags a call that can block forever"),
            "{full}"
        );
        assert!(!full.contains("## "), "{full}");
        // Hard-wrapped lines are joined; paragraphs stay apart.
        assert!(
            full.split("\n\n")
                .all(|paragraph| !paragraph.contains('\n')),
            "{full}"
        );
        assert_eq!(wl203["help"]["markdown"], Rule::MissingTimeout.docs());
        let help = wl203["help"]["text"].as_str().unwrap();
        assert!(
            help.starts_with("missing-timeout (WL203)\n\nWhat it does\n"),
            "{help}"
        );
        assert!(!help.contains("```") && !help.contains("## "), "{help}");
        assert!(
            help.contains("\n    response = requests.get("),
            "code is indented: {help}"
        );
        // No web page exists for a rule yet, so no `helpUri` points at one.
        assert!(wl203.get("helpUri").is_none());
        assert_eq!(wl203["defaultConfiguration"]["level"], "error");
        assert_eq!(
            wl203["properties"],
            json!({"tags": ["timeouts"], "status": "stable"})
        );
        assert_eq!(log["runs"][0]["results"], json!([]));
        assert_eq!(log["runs"][0]["columnKind"], "unicodeCodePoints");
    }

    #[test]
    fn results_point_at_rule_file_and_region() {
        let log = sarif(
            &printer(OutputFormat::Sarif),
            &result(vec![missing_timeout(), scalar_timeout()]),
        );
        let results = &log["runs"][0]["results"];
        assert_eq!(
            results[0],
            json!({
                "ruleId": "WL203",
                "ruleIndex": Rule::MissingTimeout as usize,
                "level": "error",
                "message": {"text": "Call without a timeout"},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": "pkg/app.py", "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 30}
                    }
                }]
            })
        );
        assert_eq!(results[1]["ruleId"], "WL201");
        let rules = &log["runs"][0]["tool"]["driver"]["rules"];
        let index = results[1]["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], "WL201");
        assert_eq!(
            results[1]["fixes"],
            json!([{
                "description": {"text": "Use `httpx.Timeout(5)`"},
                "artifactChanges": [{
                    "artifactLocation": {"uri": "pkg/app.py", "uriBaseId": "%SRCROOT%"},
                    "replacements": [{
                        "deletedRegion": {"startLine": 2, "startColumn": 28, "endLine": 2, "endColumn": 29},
                        "insertedContent": {"text": "httpx.Timeout(5)"}
                    }]
                }]
            }])
        );
    }

    #[test]
    fn uris_are_relative_to_the_current_directory_and_encoded() {
        let root = std::env::temp_dir().join("my project");
        let printer = Printer {
            current_dir: Some(root.clone()),
            ..printer(OutputFormat::Sarif)
        };
        let mut result = result(vec![missing_timeout()]);
        result.files[0].path = root.join("src").join("a b#ü.py");
        let log = sarif(&printer, &result);
        let artifact =
            &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(
            artifact,
            &json!({"uri": "src/a%20b%23%C3%BC.py", "uriBaseId": "%SRCROOT%"})
        );
        let base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .unwrap();
        assert!(base.starts_with("file:///"), "{base}");
        assert!(base.ends_with("/my%20project/"), "{base}");
    }

    #[test]
    fn paths_outside_the_current_directory_are_file_uris() {
        let printer = Printer {
            current_dir: Some(std::env::temp_dir().join("project")),
            ..printer(OutputFormat::Sarif)
        };
        let mut result = result(vec![missing_timeout()]);
        result.files[0].path = std::env::temp_dir().join("elsewhere.py");
        let log = sarif(&printer, &result);
        let artifact =
            &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
        let uri = artifact["uri"].as_str().unwrap();
        assert!(
            uri.starts_with("file:///") && uri.ends_with("/elsewhere.py"),
            "{uri}"
        );
        assert!(artifact.get("uriBaseId").is_none());
    }

    #[test]
    fn leading_dot_segments_are_dropped() {
        let mut result = result(vec![missing_timeout()]);
        result.files[0].path = "./pkg/app.py".into();
        let log = sarif(&printer(OutputFormat::Sarif), &result);
        assert_eq!(
            log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "pkg/app.py"
        );
    }

    #[test]
    fn run_errors_become_notifications() {
        let errors = CheckResult {
            errors: vec![RunError::MissingPath("gone.py".into())],
            ..CheckResult::default()
        };
        let log = sarif(&printer(OutputFormat::Sarif), &errors);
        let invocation = &log["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        assert_eq!(
            invocation["toolExecutionNotifications"][0]["message"]["text"],
            "path `gone.py` does not exist"
        );
        let clean = sarif(&printer(OutputFormat::Sarif), &result(Vec::new()));
        assert_eq!(
            clean["runs"][0]["invocations"],
            json!([{"executionSuccessful": true}])
        );
    }

    #[test]
    fn plain_text_keeps_the_words_and_drops_the_markup() {
        let markdown =
            "# name (WL999)\n\n## Example\n```python\n# a comment\nx = 1\n```\nText `code`.\n";
        assert_eq!(
            plain_text(markdown),
            "name (WL999)\n\nExample\n    # a comment\n    x = 1\nText `code`."
        );
    }

    #[test]
    fn every_rule_has_a_description_section() {
        for rule in Rule::all() {
            assert!(what_it_does(rule.docs()).is_some(), "{}", rule.code());
        }
    }
}
