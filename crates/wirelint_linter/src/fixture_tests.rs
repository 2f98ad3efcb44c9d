//! The fixture harness. Every `resources/fixtures/<family>/<CODE>.py` is
//! checked with its own rule enabled (plus preview), both ways: each
//! `# error: [CODE]` annotation must be matched by a diagnostic on that line,
//! and each diagnostic must be annotated. Lines marked `# ok` are the
//! must-not-fire cases; a fixture needs at least as many as it has errors.
//! `<CODE>_<case>.py` is a further fixture for the same rule.
//!
//! A fixture may choose its settings with a header line among its first
//! five: `# fixture: select=WL003,WL2 extend-error-classes=acme.ApiError
//! max-retries=3` (`select` replaces the fixture's own code; the other keys
//! are the settings of the same name).
//!
//! Beside each fixture, `<fixture>.py.snap` pins what users see: every
//! diagnostic (code, start and end line:column, message, fix title), and the
//! diff that applying the safe fixes, then the unsafe ones too, makes to
//! the source. `WIRELINT_UPDATE_SNAPSHOTS=1 cargo test -p wirelint_linter
//! fixture` rewrites the snapshots; review the diff before committing.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Applicability, Diagnostic};
use crate::fix::apply_fixes;
use crate::registry::{FixAvailability, Rule};
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
fn fixture_rule(path: &Path) -> Rule {
    let stem = path.file_stem().unwrap().to_string_lossy();
    let code = stem.split('_').next().unwrap_or_default();
    Rule::from_code(code).unwrap_or_else(|| panic!("{} names no rule", path.display()))
}

/// The settings a fixture runs with: its own rule and preview, changed by
/// its `# fixture:` header.
fn fixture_settings(rule: Rule, source: &str) -> Result<LinterSettings, String> {
    let mut select: Vec<RuleSelector> = vec![rule.code().parse().unwrap()];
    let mut settings = LinterSettings::default();
    let header = source
        .lines()
        .take(5)
        .filter_map(|line| line.strip_prefix("# fixture:"));
    for pair in header.flat_map(str::split_whitespace) {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("`{pair}` in the fixture header is not key=value"))?;
        let values = || value.split(',').map(str::to_string).collect::<Vec<_>>();
        match key {
            "select" => {
                select = value
                    .split(',')
                    .map(|code| code.parse().map_err(|error| format!("{error}")))
                    .collect::<Result<_, _>>()?;
            }
            "extend-client-classes" => settings.extend_client_classes = values(),
            "extend-network-modules" => settings.extend_network_modules = values(),
            "extend-error-classes" => settings.extend_error_classes = values(),
            "max-retries" => {
                settings.max_retries = value
                    .parse()
                    .map_err(|_| format!("bad max-retries {value}"))?;
            }
            _ => return Err(format!("unknown fixture setting `{key}`")),
        }
    }
    let selection = RuleSelection {
        select: Some(select),
        preview: true,
        ..Default::default()
    };
    settings.rules = selection.resolve();
    Ok(settings)
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

/// One fixture's mismatches with its annotations.
fn annotation_failures(path: &Path, source: &str, diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut failures = Vec::new();
    let rule = fixture_rule(path);
    let code = rule.code();
    let found: BTreeSet<(usize, String)> = diagnostics
        .iter()
        .map(|diagnostic| (diagnostic.location.row, diagnostic.rule.code().to_string()))
        .collect();
    let (expected, ok_lines) = annotations(source);
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
    let must_fire = expected.iter().filter(|(_, c)| c == code).count();
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
    failures
}

/// What a snapshot holds for one fixture.
fn render_snapshot(source: &str, diagnostics: &[Diagnostic]) -> String {
    let mut snapshot = String::from(
        "# What the fixture's diagnostics show users. Regenerate with\n\
         # `WIRELINT_UPDATE_SNAPSHOTS=1 cargo test -p wirelint_linter fixture`.\n",
    );
    for diagnostic in diagnostics {
        let (start, end) = (diagnostic.location, diagnostic.end_location);
        let _ = writeln!(
            snapshot,
            "{} {}:{}-{}:{} {}",
            diagnostic.rule.code(),
            start.row,
            start.column,
            end.row,
            end.column,
            diagnostic.message
        );
        if let Some(fix) = &diagnostic.fix {
            let _ = writeln!(
                snapshot,
                "    fix ({}): {}",
                fix.applicability.as_str(),
                fix.message
            );
        }
    }
    let safe = apply_fixes(source, diagnostics, false);
    if safe.applied > 0 {
        snapshot.push_str("\n--- with the safe fixes applied ---\n");
        snapshot.push_str(&line_diff(source, &safe.source));
    }
    let unsafe_too = apply_fixes(source, diagnostics, true);
    if unsafe_too.applied > safe.applied {
        snapshot.push_str("\n--- with the safe and unsafe fixes applied ---\n");
        snapshot.push_str(&line_diff(source, &unsafe_too.source));
    }
    snapshot
}

fn line_diff(before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(1)
        .to_string()
}

#[test]
fn every_fixture_matches_its_annotations_and_snapshot() {
    let update = std::env::var_os("WIRELINT_UPDATE_SNAPSHOTS").is_some();
    let mut failures = Vec::new();
    let files = fixtures();
    assert!(!files.is_empty(), "no fixtures found");
    for path in files {
        let source = fs::read_to_string(&path).unwrap();
        let settings = match fixture_settings(fixture_rule(&path), &source) {
            Ok(settings) => settings,
            Err(error) => {
                failures.push(format!("{}: {error}", path.display()));
                continue;
            }
        };
        let diagnostics = crate::lint_source(&source, &settings);
        failures.extend(annotation_failures(&path, &source, &diagnostics));
        let snapshot_path = path.with_extension("py.snap");
        let rendered = render_snapshot(&source, &diagnostics);
        if update {
            fs::write(&snapshot_path, &rendered).unwrap();
        } else if fs::read_to_string(&snapshot_path).ok().as_deref() != Some(&rendered) {
            failures.push(format!(
                "{}: differs from {}; run `WIRELINT_UPDATE_SNAPSHOTS=1 cargo test -p \
                 wirelint_linter fixture` and review the diff",
                path.display(),
                snapshot_path.display()
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
fn every_snapshot_has_its_fixture() {
    for family in fs::read_dir(fixture_root()).unwrap() {
        for entry in fs::read_dir(family.unwrap().path()).unwrap() {
            let path = entry.unwrap().path();
            let name = path.to_string_lossy().to_string();
            if let Some(fixture) = name.strip_suffix(".snap") {
                assert!(Path::new(fixture).exists(), "{name} has no fixture");
            } else {
                assert!(name.ends_with(".py"), "{name}: fixtures are .py files");
            }
        }
    }
}

#[test]
fn fixes_keep_the_source_valid_and_match_the_declared_availability() {
    let mut fixes_seen = 0;
    for path in fixtures() {
        let source = fs::read_to_string(&path).unwrap();
        let settings = fixture_settings(fixture_rule(&path), &source).unwrap();
        let diagnostics = crate::lint_source(&source, &settings);
        for diagnostic in &diagnostics {
            let declared = diagnostic.rule.info().fix;
            match (&diagnostic.fix, declared) {
                (None, FixAvailability::Always(_)) => panic!(
                    "{}: {} declares a fix for every finding but one has none",
                    path.display(),
                    diagnostic.rule.code()
                ),
                (
                    Some(fix),
                    FixAvailability::Always(applicability)
                    | FixAvailability::Sometimes(applicability),
                ) => assert_eq!(
                    fix.applicability,
                    applicability,
                    "{}: {}'s fix applicability differs from its declaration",
                    path.display(),
                    diagnostic.rule.code()
                ),
                (Some(_), FixAvailability::None) => panic!(
                    "{}: {} has a fix but declares none",
                    path.display(),
                    diagnostic.rule.code()
                ),
                (None, _) => {}
            }
        }
        for include_unsafe in [false, true] {
            let fixed = apply_fixes(&source, &diagnostics, include_unsafe);
            if fixed.applied == 0 {
                continue;
            }
            fixes_seen += 1;
            let remaining = crate::lint_source(&fixed.source, &settings);
            assert!(
                remaining.iter().all(|d| d.rule != Rule::SyntaxError),
                "{}: fixing broke the syntax: {remaining:?}",
                path.display()
            );
            if !include_unsafe {
                assert!(
                    remaining.iter().all(|d| d
                        .fix
                        .as_ref()
                        .is_none_or(|fix| fix.applicability == Applicability::Unsafe)),
                    "{}: the safe fixes left safely fixable findings: {remaining:?}",
                    path.display()
                );
            }
        }
    }
    assert!(fixes_seen > 0, "no fixture exercises a fix");
}
