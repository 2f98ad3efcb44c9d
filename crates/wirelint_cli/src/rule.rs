//! `wirelint rule`: prints a rule's documentation (the doc comment of its
//! source file) as Markdown or JSON, for one rule or every rule.

use std::io::{self, Write};

use serde::Serialize;
use wirelint_linter::Rule;
use wirelint_linter::closest_code;

use crate::args::{RuleArgs, RuleFormat};
use crate::{ExitStatus, output_failed};

/// What `--output-format json` prints for a rule.
#[derive(Serialize)]
struct RuleDocument {
    code: &'static str,
    name: &'static str,
    family: &'static str,
    status: &'static str,
    summary: &'static str,
    docs: &'static str,
}

impl RuleDocument {
    fn new(rule: Rule) -> Self {
        RuleDocument {
            code: rule.code(),
            name: rule.name(),
            family: rule.family().title(),
            status: rule.status().as_str(),
            summary: rule.summary(),
            docs: rule.docs(),
        }
    }
}

/// Separates the rules' documents in `rule --all`.
const RULE_SEPARATOR: &str = "\n---\n";

pub(crate) fn rule(args: &RuleArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> ExitStatus {
    let rules: Vec<Rule> = if args.all {
        Rule::all().collect()
    } else {
        let code = args.code.as_deref().unwrap_or_default();
        match Rule::from_code(code) {
            Some(rule) => vec![rule],
            None => {
                let _ = writeln!(stderr, "error: {}", unknown_rule_message(code));
                return ExitStatus::Error;
            }
        }
    };
    let written = match args.output_format {
        RuleFormat::Text => write_text(stdout, &rules),
        RuleFormat::Json => {
            let documents: Vec<RuleDocument> = rules.into_iter().map(RuleDocument::new).collect();
            if args.all {
                write_json(stdout, &documents)
            } else {
                write_json(stdout, &documents.first())
            }
        }
    };
    if output_failed(written.and_then(|()| stdout.flush()), stderr) {
        ExitStatus::Error
    } else {
        ExitStatus::Success
    }
}

fn unknown_rule_message(code: &str) -> String {
    let mut message = format!("unknown rule `{code}`");
    if let Some(suggestion) = closest_code(&code.trim().to_ascii_uppercase()) {
        message.push_str(&format!(" (did you mean `{suggestion}`?)"));
    }
    message
}

fn write_text(out: &mut dyn Write, rules: &[Rule]) -> io::Result<()> {
    for (index, rule) in rules.iter().enumerate() {
        if index > 0 {
            writeln!(out, "{RULE_SEPARATOR}")?;
        }
        writeln!(out, "{}", rule.docs())?;
    }
    Ok(())
}

fn write_json(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn run_rule(code: Option<&str>, all: bool, format: RuleFormat) -> (ExitStatus, String, String) {
        let args = RuleArgs {
            code: code.map(str::to_string),
            all,
            output_format: format,
        };
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let status = rule(&args, &mut stdout, &mut stderr);
        (
            status,
            String::from_utf8(stdout).unwrap(),
            String::from_utf8(stderr).unwrap(),
        )
    }

    #[test]
    fn prints_exactly_the_rule_docs() {
        let (status, stdout, _) = run_rule(Some("wl201"), false, RuleFormat::Text);
        assert_eq!(status, ExitStatus::Success);
        assert_eq!(stdout, format!("{}\n", Rule::ScalarTimeout.docs()));
    }

    #[test]
    fn all_prints_every_rule_separated() {
        let (_, stdout, _) = run_rule(None, true, RuleFormat::Text);
        let documents: Vec<&str> = stdout.split(RULE_SEPARATOR).collect();
        assert_eq!(documents.len(), Rule::all().count());
        for (document, rule) in documents.iter().zip(Rule::all()) {
            assert_eq!(document.trim(), rule.docs().trim());
        }
    }

    #[test]
    fn json_describes_one_rule_or_all() {
        let (_, stdout, _) = run_rule(Some("WL203"), false, RuleFormat::Json);
        let value: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(value["code"], "WL203");
        assert_eq!(value["name"], "missing-timeout");
        assert_eq!(value["family"], "timeouts");
        assert_eq!(value["status"], "stable");
        assert_eq!(value["docs"], Rule::MissingTimeout.docs());

        let (_, stdout, _) = run_rule(None, true, RuleFormat::Json);
        let value: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(value.as_array().unwrap().len(), Rule::all().count());
    }

    #[test]
    fn an_unknown_code_suggests_the_closest() {
        let (status, stdout, stderr) = run_rule(Some("WL2011"), false, RuleFormat::Text);
        assert_eq!(status, ExitStatus::Error);
        assert!(stdout.is_empty());
        assert_eq!(
            stderr,
            "error: unknown rule `WL2011` (did you mean `WL201`?)\n"
        );
        let (_, _, stderr) = run_rule(Some("E501"), false, RuleFormat::Text);
        assert_eq!(stderr, "error: unknown rule `E501`\n");
    }
}
