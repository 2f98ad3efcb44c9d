//! The fixture harness. Every `resources/fixtures/<family>/<CODE>.py` is
//! checked with only its own rule enabled (plus preview; WL003 fixtures also
//! run WL2, the rules their directives name), both ways: each
//! `# error: [CODE]` annotation must be matched by a diagnostic on that line,
//! and each diagnostic must be annotated. Lines marked `# ok` are the
//! must-not-fire cases; a fixture needs at least as many as it has errors.
//! `<CODE>_<case>.py` is a further fixture for the same rule.
//! A `<CODE>.py.fixed` file beside a fixture is the expected result of
//! applying every safe fix.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::fix::apply_fixes;
use crate::registry::Rule;
use crate::settings::{LinterSettings, RuleSelection, RuleSelector};

fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/fixtures")
}

fn fixtures() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for family in fs::read_dir(fixture_root()).expect("fixtures directory") {
        let family = family.unwrap().path();
        for entry in fs::read_dir(&family).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|ext| ext == "py") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The rule a fixture is for: its file stem up to the first `_`
/// (`WL203_adapter.py` is a second fixture for WL203).
fn fixture_code(path: &Path) -> String {
    let stem = path.file_stem().unwrap().to_string_lossy();
    stem.split('_').next().unwrap_or_default().to_string()
}

fn settings_for(rule: Rule) -> LinterSettings {
    let mut select: Vec<RuleSelector> = vec![rule.code().parse().unwrap()];
    // unused-noqa judges directives against the rules that run, so its
    // fixtures run the timeout rules (WL2) too and annotate their findings.
    if rule == Rule::UnusedNoqa {
        select.push("WL2".parse().unwrap());
    }
    let selection = RuleSelection {
        select: Some(select),
        preview: true,
        ..Default::default()
    };
    LinterSettings {
        rules: selection.resolve(),
        ..LinterSettings::default()
    }
}

/// (line, code) pairs annotated with `# error: [A, B]`, and the `# ok` lines.
fn annotations(source: &str) -> (BTreeSet<(usize, String)>, BTreeSet<usize>) {
    let mut errors = BTreeSet::new();
    let mut ok_lines = BTreeSet::new();
    for (index, line) in source.lines().enumerate() {
        let row = index + 1;
        if let Some((_, rest)) = line.split_once("# error: [") {
            let codes = rest.split(']').next().unwrap_or_default();
            for code in codes.split(',') {
                errors.insert((row, code.trim().to_string()));
            }
        } else if line.contains("# ok") {
            ok_lines.insert(row);
        }
    }
    (errors, ok_lines)
}

#[test]
fn every_fixture_matches_its_annotations() {
    let mut failures = Vec::new();
    let files = fixtures();
    assert!(!files.is_empty(), "no fixtures found");
    for path in files {
        let code = fixture_code(&path);
        let rule =
            Rule::from_code(&code).unwrap_or_else(|| panic!("{} names no rule", path.display()));
        let source = fs::read_to_string(&path).unwrap();
        let diagnostics = crate::lint_source(&source, &settings_for(rule));
        let found: BTreeSet<(usize, String)> = diagnostics
            .iter()
            .map(|diagnostic| (diagnostic.location.row, diagnostic.rule.code().to_string()))
            .collect();
        let (expected, ok_lines) = annotations(&source);
        let name = path.file_name().unwrap().to_string_lossy();
        for missing in expected.difference(&found) {
            failures.push(format!(
                "{name}:{}: expected {} but it did not fire",
                missing.0, missing.1
            ));
        }
        for extra in found.difference(&expected) {
            let diagnostic = diagnostics
                .iter()
                .find(|d| d.location.row == extra.0)
                .unwrap();
            failures.push(format!(
                "{name}:{}: unexpected {}: {}",
                extra.0, extra.1, diagnostic.message
            ));
        }
        let must_fire = expected.iter().filter(|(_, c)| *c == code).count();
        let is_primary = path
            .file_stem()
            .is_some_and(|stem| stem.to_string_lossy() == code);
        if must_fire == 0 && is_primary {
            failures.push(format!("{name}: no must-fire case for {code}"));
        }
        if ok_lines.len() < must_fire {
            failures.push(format!(
                "{name}: {} must-not-fire cases (`# ok`) for {must_fire} must-fire ones",
                ok_lines.len()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "fixture mismatches:\n{}",
        failures.join("\n")
    );
}

#[test]
fn safe_fixes_produce_the_expected_source() {
    let mut checked = 0;
    for path in fixtures() {
        let expected_path = path.with_extension("py.fixed");
        let Ok(expected) = fs::read_to_string(&expected_path) else {
            continue;
        };
        let rule = Rule::from_code(&fixture_code(&path)).unwrap();
        let source = fs::read_to_string(&path).unwrap();
        let settings = settings_for(rule);
        let diagnostics = crate::lint_source(&source, &settings);
        let fixed = apply_fixes(&source, &diagnostics, false);
        assert!(fixed.applied > 0, "{}: no fix applied", path.display());
        assert_eq!(
            fixed.source,
            expected,
            "{}: fixed source differs",
            path.display()
        );
        let remaining = crate::lint_source(&fixed.source, &settings);
        assert!(
            remaining
                .iter()
                .all(|d| d.fix.is_none() && d.rule != Rule::SyntaxError),
            "{}: fixing left fixable findings or broke the syntax: {remaining:?}",
            path.display()
        );
        checked += 1;
    }
    assert!(checked > 0, "no .fixed snapshots found");
}
