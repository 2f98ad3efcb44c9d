//! `--show-settings FILE` and `--show-files`: what a run would use and
//! check, printed instead of checking.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use clap::ValueEnum;
use wirelint_linter::{Rule, RuleSelector};
use wirelint_workspace::{
    Overrides, Resolver, Settings, discover, display_path, explicit_file, linter_settings,
};

use crate::args::OutputFormat;
use crate::config::report_errors;
use crate::input::Input;
use crate::{ExitStatus, output_failed};

/// Prints the files `input` would check, one per line, sorted.
pub(crate) fn show_files(
    input: &Input,
    resolver: &Resolver,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> ExitStatus {
    let Input::Paths(paths) = input else {
        return report_errors(
            stderr,
            &["`--show-files` lists files on disk; it cannot be used with `-`"],
        );
    };
    let found = discover(paths, resolver);
    let config_errors = resolver.errors();
    if !config_errors.is_empty() {
        return report_errors(stderr, &config_errors);
    }
    let written = found
        .files
        .iter()
        .try_for_each(|target| writeln!(stdout, "{}", display_path(&target.path)))
        .and_then(|()| stdout.flush());
    if output_failed(written, stderr) || !found.errors.is_empty() {
        return report_errors(stderr, &found.errors);
    }
    ExitStatus::Success
}

/// Prints the settings that govern `file` (which need not exist).
pub(crate) fn show_settings(
    file: &Path,
    resolver: &Resolver,
    overrides: &Overrides,
    output_format: OutputFormat,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> ExitStatus {
    let absolute = resolver.absolute(file);
    let Some(target) = explicit_file(resolver, file.to_path_buf(), &absolute) else {
        return report_errors(stderr, &resolver.errors());
    };
    let settings = &target.directory.settings;
    let root = resolver.root();
    let mut text = String::new();
    let line = |text: &mut String, key: &str, value: String| {
        let _ = writeln!(text, "{key} = {value}");
    };
    let global = |text: &mut String, key: &str, value: String| {
        let _ = writeln!(text, "{key} = {value}  # global: {}", origin(root));
    };

    let _ = writeln!(text, "# Settings for {}", display_path(file));
    let _ = writeln!(text, "# configuration: {}", origin(settings));
    let _ = writeln!(
        text,
        "# project root: {}",
        display_path(&settings.project_root)
    );
    let package = target.directory.package.as_deref().unwrap_or("(none)");
    let _ = writeln!(text, "# package: {package}");
    let _ = writeln!(
        text,
        "# a directory walk would {}",
        walk_verdict(settings, &absolute)
    );
    let _ = writeln!(text);

    let selection = &settings.config_rules;
    let select = match (&overrides.select, &selection.select) {
        (Some(select), _) | (None, Some(select)) => select.clone(),
        (None, None) => vec![RuleSelector::all()],
    };
    let (extend_select, ignore) = if overrides.select.is_some() {
        (overrides.extend_select.clone(), overrides.ignore.clone())
    } else {
        (
            [&selection.extend_select[..], &overrides.extend_select[..]].concat(),
            [&selection.ignore[..], &overrides.ignore[..]].concat(),
        )
    };
    line(&mut text, "select", list(&select));
    line(&mut text, "extend-select", list(&extend_select));
    line(&mut text, "ignore", list(&ignore));
    let per_file: Vec<String> = settings
        .per_file_ignores
        .entries()
        .iter()
        .map(|entry| format!("{:?} = {}", entry.pattern.text, list(&entry.selectors)))
        .collect();
    line(
        &mut text,
        "per-file-ignores",
        format!("{{ {} }}", per_file.join(", ")),
    );
    line(&mut text, "include", list(settings.include.texts()));
    line(&mut text, "exclude", list(settings.exclude.texts()));
    line(
        &mut text,
        "extend-exclude",
        list(settings.extend_exclude.texts()),
    );
    global(&mut text, "force-exclude", root.force_exclude.to_string());
    global(
        &mut text,
        "respect-gitignore",
        root.respect_gitignore.to_string(),
    );
    line(&mut text, "preview", settings.preview.to_string());
    let linter = &settings.linter;
    line(
        &mut text,
        "extend-client-classes",
        list(&linter.extend_client_classes),
    );
    line(
        &mut text,
        "extend-network-modules",
        list(&linter.extend_network_modules),
    );
    line(
        &mut text,
        "extend-error-classes",
        list(&linter.extend_error_classes),
    );
    line(&mut text, "max-retries", linter.max_retries.to_string());
    global(&mut text, "cache-dir", quoted(&root.cache_dir.display()));
    let format_name = output_format
        .to_possible_value()
        .map(|value| value.get_name().to_string())
        .unwrap_or_default();
    global(&mut text, "output-format", quoted(&format_name));

    let turned_off: Vec<&str> = target
        .ignored_rules
        .iter()
        .filter(|rule| linter.rules.contains(*rule))
        .map(Rule::code)
        .collect();
    if !turned_off.is_empty() {
        let _ = writeln!(
            text,
            "\n# turned off for this file by per-file-ignores: {}",
            turned_off.join(", ")
        );
    }
    let enabled: Vec<_> = linter_settings(&target).rules.iter().collect();
    let _ = writeln!(text, "\n# enabled rules ({})", enabled.len());
    for rule in enabled {
        let _ = writeln!(text, "#   {} {}", rule.code(), rule.name());
    }

    let written = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    if output_failed(written, stderr) {
        return ExitStatus::Error;
    }
    ExitStatus::Success
}

/// Which file settings come from.
fn origin(settings: &Settings) -> String {
    match &settings.config_path {
        Some(path) => path.display().to_string(),
        None => "none (defaults)".to_string(),
    }
}

/// What a directory walk would do with the file at `absolute`.
fn walk_verdict(settings: &Settings, absolute: &Path) -> &'static str {
    if settings.excludes_path_or_parent(absolute) {
        "skip this file: `exclude` or `extend-exclude` matches it or a directory above it"
    } else if settings.includes(absolute) {
        "check this file"
    } else {
        "skip this file: `include` does not match it (named explicitly, it is checked)"
    }
}

/// `["a", "b"]`, each item quoted.
fn list<T: ToString>(items: impl IntoIterator<Item = T>) -> String {
    let quoted: Vec<String> = items
        .into_iter()
        .map(|item| quoted(&item.to_string()))
        .collect();
    format!("[{}]", quoted.join(", "))
}

fn quoted(text: &dyn std::fmt::Display) -> String {
    format!("{:?}", text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::io;
    use std::path::PathBuf;
    use wirelint_workspace::{ConfigSource, ResolverOptions};

    fn resolver(root: &Path, overrides: &Overrides) -> Resolver {
        Resolver::new(ResolverOptions {
            source: ConfigSource::Discover,
            overrides: overrides.clone(),
            current_dir: root.to_path_buf(),
            ..ResolverOptions::default()
        })
        .unwrap()
    }

    fn shown(root: &Path, file: &str, overrides: &Overrides) -> String {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let status = show_settings(
            Path::new(file),
            &resolver(root, overrides),
            overrides,
            OutputFormat::Concise,
            &mut out,
            &mut err,
        );
        assert_eq!(
            status,
            ExitStatus::Success,
            "{}",
            String::from_utf8_lossy(&err)
        );
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn settings_name_the_configuration_and_every_key() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        fs::write(
            root.join("wirelint.toml"),
            "select = [\"WL2\"]\nmax-retries = 2\n[per-file-ignores]\n\"tests/*\" = [\"WL203\"]\n",
        )
        .unwrap();
        let text = shown(root, "tests/test_a.py", &Overrides::default());
        let config = root.join("wirelint.toml");
        assert!(
            text.contains(&format!("# configuration: {}", config.display())),
            "{text}"
        );
        for key in wirelint_workspace::CONFIG_KEYS {
            assert!(
                text.contains(&format!("\n{key} = ")),
                "{key} missing:\n{text}"
            );
        }
        assert!(text.contains("select = [\"WL2\"]\n"), "{text}");
        assert!(text.contains("max-retries = 2\n"), "{text}");
        assert!(
            text.contains("per-file-ignores = { \"tests/*\" = [\"WL203\"] }"),
            "{text}"
        );
        assert!(
            text.contains("turned off for this file by per-file-ignores: WL203"),
            "{text}"
        );
        assert!(text.contains("#   WL201 scalar-timeout\n"), "{text}");
        assert!(!text.contains("#   WL203 missing-timeout"), "{text}");
        assert!(text.contains("#   WL001 syntax-error"), "{text}");
    }

    #[test]
    fn command_line_selection_is_shown() {
        let temp = tempfile::tempdir().unwrap();
        let overrides = Overrides {
            select: Some(vec!["WL203".parse().unwrap()]),
            ..Overrides::default()
        };
        let text = shown(temp.path(), "a.py", &overrides);
        assert!(text.contains("# configuration: none (defaults)"), "{text}");
        assert!(text.contains("select = [\"WL203\"]\n"), "{text}");
        assert!(text.contains("#   WL203 missing-timeout"), "{text}");
        assert!(!text.contains("#   WL201"), "{text}");
    }

    #[test]
    fn an_excluded_file_says_so() {
        let temp = tempfile::tempdir().unwrap();
        let text = shown(temp.path(), ".venv/lib/x.py", &Overrides::default());
        assert!(text.contains("would skip this file: `exclude`"), "{text}");
        let text = shown(temp.path(), "notes.txt", &Overrides::default());
        assert!(text.contains("would skip this file: `include`"), "{text}");
    }

    #[test]
    fn show_files_lists_sorted_paths() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        for name in ["b.py", "a.py", "c.txt"] {
            fs::write(root.join(name), "").unwrap();
        }
        let input = Input::Paths(vec![PathBuf::from(root)]);
        let mut out = Vec::new();
        let mut err = Vec::new();
        let status = show_files(
            &input,
            &resolver(root, &Overrides::default()),
            &mut out,
            &mut err,
        );
        assert_eq!(status, ExitStatus::Success);
        let expected = format!(
            "{}\n{}\n",
            root.join("a.py").display(),
            root.join("b.py").display()
        );
        assert_eq!(String::from_utf8(out).unwrap(), expected);
        let stdin = Input::Stdin { name: "-".into() };
        let plain = resolver(root, &Overrides::default());
        let status = show_files(&stdin, &plain, &mut io::sink(), &mut err);
        assert_eq!(status, ExitStatus::Error);
    }
}
