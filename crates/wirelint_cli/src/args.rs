//! The command line's shape: subcommands and flags, parsed with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use wirelint_linter::RuleSelector;
use wirelint_workspace::{FixOptions, Overrides};

/// A linter for network-client code: timeouts, retries, client lifecycle.
#[derive(Debug, Parser)]
#[command(name = "wirelint", version, arg_required_else_help = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check Python files for policy violations.
    Check(CheckArgs),
    /// Show the documentation of a rule, or of every rule.
    Rule(RuleArgs),
    /// Remove the cache of results (`cache-dir`, by default
    /// `.wirelint_cache` in the project root).
    Clean(CleanArgs),
    /// Run the language server (LSP) for editors, over standard input and
    /// output.
    Server(ServerArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Files or directories to check. Directories are searched for the
    /// files `include` names (`*.py` and `*.pyi`); a file named explicitly
    /// is checked whatever its extension. `-` reads the source from
    /// standard input; `@FILE` stands for the paths listed in FILE, one per
    /// line.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Rule codes or prefixes to enable instead of the default (every stable
    /// rule), comma-separated, e.g. `WL2` or `WL201,WL203`. `ALL` selects everything.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<RuleSelector>>,

    /// Rule codes or prefixes to enable in addition to the selection.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<RuleSelector>,

    /// Rule codes or prefixes to disable. The most specific selector wins;
    /// on a tie, `--ignore` wins.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<RuleSelector>,

    /// Enable preview rules.
    #[arg(long)]
    pub preview: bool,

    /// How to print diagnostics [default: `output-format` from the
    /// configuration, else concise].
    #[arg(long, value_enum)]
    pub output_format: Option<OutputFormat>,

    /// Write the report to PATH instead of standard output (creating its
    /// directory), e.g. a SARIF file for code scanning. Warnings and errors
    /// still go to standard error.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output_file: Option<PathBuf>,

    /// Print how many diagnostics each rule produced instead of the
    /// diagnostics themselves: JSON with `--output-format json` or
    /// `json-lines`, a table otherwise.
    #[arg(long)]
    pub statistics: bool,

    /// Exit with status 0 even when there are findings (errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,

    /// Silence every current finding: append `# noqa: CODE` to the line it
    /// starts on (merging into a `# noqa:` already there), then print how
    /// many lines changed instead of the diagnostics.
    #[arg(long, conflicts_with_all = ["fix", "fix_only", "diff"])]
    pub add_noqa: bool,

    /// Apply safe fixes (and unsafe ones with `--unsafe-fixes`), then
    /// report what remains. A file is rewritten atomically, and only if it
    /// did not change while it was being fixed. With `-`, the fixed source
    /// goes to stdout and the report to stderr.
    #[arg(long)]
    pub fix: bool,

    /// Consider unsafe fixes too: `--fix` applies them and the output marks
    /// them as fixable.
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print a unified diff of the changes `--fix` would make, without
    /// writing anything; exit 1 when there are some.
    #[arg(long, conflicts_with = "fix_only")]
    pub diff: bool,

    /// Apply fixes like `--fix` but report nothing besides how many were
    /// applied; exit 0 unless something failed.
    #[arg(long)]
    pub fix_only: bool,

    /// Neither read nor write the cache of results (`cache-dir`, by default
    /// `.wirelint_cache` in the project root).
    #[arg(long)]
    pub no_cache: bool,

    /// Keep the cache in DIR instead of `cache-dir` from the configuration
    /// (relative to the current directory). The `WIRELINT_CACHE_DIR`
    /// environment variable does the same; this flag wins over it.
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,

    /// Print diagnostics only: no closing summary line.
    #[arg(long, short)]
    pub quiet: bool,

    /// Check files even when .gitignore, .ignore or git's excludes list them.
    #[arg(long)]
    pub no_respect_gitignore: bool,

    /// Use this configuration file for every file instead of the closest
    /// `pyproject.toml` (`[tool.wirelint]`), `wirelint.toml` or
    /// `.wirelint.toml`. Its relative paths are relative to its directory.
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file: the defaults and the flags only.
    #[arg(long)]
    pub isolated: bool,

    /// Apply `exclude` and `extend-exclude` to paths given explicitly too
    /// (pre-commit passes every staged file).
    #[arg(long)]
    pub force_exclude: bool,

    /// The file name the source read from standard input (`-`) stands for:
    /// printed in the output and used to pick its settings.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,

    /// Print the settings that govern FILE (which configuration, every
    /// key's value, the enabled rules) and exit.
    #[arg(long, value_name = "FILE", conflicts_with = "show_files")]
    pub show_settings: Option<PathBuf>,

    /// Print the files that would be checked, sorted, and exit.
    #[arg(long)]
    pub show_files: bool,
}

impl CheckArgs {
    /// What the flags override in the configuration (without `--cache-dir`,
    /// the caller adds the environment's `WIRELINT_CACHE_DIR`).
    pub(crate) fn overrides(&self) -> Overrides {
        Overrides {
            select: self.select.clone(),
            extend_select: self.extend_select.clone(),
            ignore: self.ignore.clone(),
            preview: self.preview.then_some(true),
            respect_gitignore: self.no_respect_gitignore.then_some(false),
            force_exclude: self.force_exclude.then_some(true),
            cache_dir: self.cache_dir.clone(),
        }
    }

    /// The fixes the run applies: none without `--fix`, `--fix-only` or
    /// `--diff`; `--diff` never writes.
    pub(crate) fn fix_options(&self) -> Option<FixOptions> {
        (self.fix || self.fix_only || self.diff).then_some(FixOptions {
            unsafe_fixes: self.unsafe_fixes,
            write: !self.diff,
        })
    }
}

/// The output formats of `wirelint check`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// One line per diagnostic: `path:row:column: CODE message`.
    Concise,
    /// Each diagnostic with the source lines it points at and its fix.
    Full,
    /// A JSON array of diagnostics.
    Json,
    /// One JSON object per line, with the same fields as `json`.
    JsonLines,
    /// GitHub Actions workflow commands (`::error ...`), shown as annotations.
    Github,
    /// GitLab Code Quality report (a JSON array with stable fingerprints).
    Gitlab,
    /// SARIF 2.1.0, e.g. for GitHub code scanning.
    Sarif,
    /// JUnit XML: a test suite per file, a failed test case per diagnostic.
    Junit,
    /// `path:row: [CODE] message`, as pylint prints.
    Pylint,
    /// Diagnostics grouped under each file's name.
    Grouped,
}

impl OutputFormat {
    /// Whether the format prints or hashes source lines, so the run must
    /// keep the source of files with findings.
    pub(crate) fn shows_source(self) -> bool {
        matches!(self, OutputFormat::Full | OutputFormat::Gitlab)
    }
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["code", "all"])))]
pub(crate) struct RuleArgs {
    /// The rule's code, e.g. `WL201`.
    pub code: Option<String>,

    /// Show every rule.
    #[arg(long)]
    pub all: bool,

    /// How to print the documentation.
    #[arg(long, value_enum, default_value_t = RuleFormat::Text)]
    pub output_format: RuleFormat,
}

#[derive(Debug, Args)]
pub(crate) struct CleanArgs {
    /// Remove the cache in DIR instead of `cache-dir` from the configuration
    /// (relative to the current directory); `WIRELINT_CACHE_DIR` does the
    /// same, and this flag wins over it.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Read `cache-dir` from this configuration file instead of the closest
    /// one.
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file: the default cache directory.
    #[arg(long)]
    pub isolated: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ServerArgs {
    /// Talk over standard input and output (the only transport; accepted
    /// because some editors pass it).
    #[arg(long)]
    pub stdio: bool,
}

/// The output formats of `wirelint rule`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum RuleFormat {
    /// The rule's Markdown documentation.
    Text,
    /// JSON: code, name, family, status, summary and docs.
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;
    use wirelint_linter::{Rule, RuleSet};
    use wirelint_workspace::Settings;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("wirelint").chain(args.iter().copied()))
    }

    fn check_args(args: &[&str]) -> CheckArgs {
        match parse(args).unwrap().command {
            Command::Check(check) => check,
            other => panic!("parsed as {other:?}"),
        }
    }

    /// The rules the flags enable when no configuration file says anything.
    fn rules(args: &[&str]) -> RuleSet {
        let overrides = check_args(args).overrides();
        Settings::defaults(PathBuf::from("/"), &overrides)
            .linter
            .rules
    }

    #[test]
    fn check_defaults_to_the_current_directory_and_concise_output() {
        let args = check_args(&["check"]);
        assert_eq!(args.paths, [PathBuf::from(".")]);
        assert_eq!(args.output_format, None);
        assert!(args.select.is_none());
        assert!(!args.exit_zero && !args.preview && !args.quiet && !args.no_respect_gitignore);
        assert!(args.config.is_none() && !args.isolated && !args.force_exclude);
        assert!(args.stdin_filename.is_none() && args.show_settings.is_none() && !args.show_files);
    }

    #[test]
    fn selectors_are_comma_separated_and_repeatable() {
        let args = check_args(&["check", "--select", "WL2,wl203", "--select", "WL0", "src"]);
        let select: Vec<_> = args
            .select
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(select, ["WL2", "WL203", "WL0"]);
        assert_eq!(args.paths, [PathBuf::from("src")]);
    }

    #[test]
    fn prefixes_select_and_ignore_whole_groups() {
        let narrowed = rules(&["check", "--select", "WL2", "--ignore", "WL20"]);
        assert!(!narrowed.contains(Rule::ScalarTimeout));
        assert!(!narrowed.contains(Rule::MissingTimeout));

        let widened = rules(&["check", "--ignore", "WL2", "--extend-select", "WL201"]);
        assert!(widened.contains(Rule::ScalarTimeout));
        assert!(!widened.contains(Rule::MissingTimeout));
        assert!(!widened.contains(Rule::TimeoutDisabled));
    }

    #[test]
    fn preview_flag_reaches_the_selection() {
        assert!(rules(&["check", "--preview"]).contains(Rule::TimeoutWithoutPool));
        assert!(!rules(&["check"]).contains(Rule::TimeoutWithoutPool));
    }

    #[test]
    fn flags_become_overrides() {
        let overrides = check_args(&[
            "check",
            "--no-respect-gitignore",
            "--force-exclude",
            "--preview",
        ])
        .overrides();
        assert_eq!(overrides.respect_gitignore, Some(false));
        assert_eq!(overrides.force_exclude, Some(true));
        assert_eq!(overrides.preview, Some(true));
        let overrides = check_args(&["check"]).overrides();
        assert_eq!(
            (
                overrides.respect_gitignore,
                overrides.force_exclude,
                overrides.preview
            ),
            (None, None, None)
        );
    }

    #[test]
    fn fix_flags_choose_the_fixes_and_whether_to_write() {
        assert_eq!(check_args(&["check"]).fix_options(), None);
        assert_eq!(check_args(&["check", "--unsafe-fixes"]).fix_options(), None);
        let fix = check_args(&["check", "--fix"]).fix_options();
        assert_eq!(
            fix,
            Some(FixOptions {
                unsafe_fixes: false,
                write: true
            })
        );
        let fix_only = check_args(&["check", "--fix-only", "--unsafe-fixes"]).fix_options();
        assert_eq!(
            fix_only,
            Some(FixOptions {
                unsafe_fixes: true,
                write: true
            })
        );
        for diff in [&["check", "--diff"][..], &["check", "--fix", "--diff"]] {
            assert_eq!(
                check_args(diff).fix_options(),
                Some(FixOptions {
                    unsafe_fixes: false,
                    write: false
                })
            );
        }
        assert!(!check_args(&["check"]).no_cache);
        assert!(check_args(&["check", "--no-cache"]).no_cache);
        assert_eq!(
            check_args(&["check", "--cache-dir", "build/lint"])
                .overrides()
                .cache_dir,
            Some(PathBuf::from("build/lint"))
        );
        assert!(parse(&["check", "--cache-dir", "x", "--no-cache"]).is_err());
        assert_eq!(
            check_args(&["check", "-o", "report.sarif"]).output_file,
            Some(PathBuf::from("report.sarif"))
        );
    }

    #[test]
    fn add_noqa_does_not_mix_with_fixes() {
        for flag in ["--fix", "--fix-only", "--diff"] {
            assert!(parse(&["check", "--add-noqa", flag]).is_err(), "{flag}");
        }
        assert!(parse(&["check", "--diff", "--fix-only"]).is_err());
    }

    #[test]
    fn config_and_isolated_exclude_each_other() {
        assert!(parse(&["check", "--config", "x.toml", "--isolated"]).is_err());
        let args = check_args(&["check", "--config", "x.toml", "--output-format", "json"]);
        assert_eq!(args.config, Some(PathBuf::from("x.toml")));
        assert_eq!(args.output_format, Some(OutputFormat::Json));
    }

    #[test]
    fn an_unknown_selector_is_an_error_with_a_suggestion() {
        let error = parse(&["check", "--select", "WL2011"]).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("WL2011"), "{message}");
        assert!(message.contains("did you mean `WL201`"), "{message}");
        assert_eq!(error.exit_code(), 2);
    }

    #[test]
    fn server_takes_only_an_optional_stdio_flag() {
        for args in [&["server"][..], &["server", "--stdio"]] {
            assert!(matches!(parse(args).unwrap().command, Command::Server(_)));
        }
        assert!(parse(&["server", "--port", "1"]).is_err());
        assert!(parse(&["server", "src"]).is_err());
    }

    #[test]
    fn rule_needs_a_code_or_all() {
        assert!(parse(&["rule"]).is_err());
        assert!(parse(&["rule", "WL201", "--all"]).is_err());
        let Command::Rule(args) = parse(&["rule", "--all", "--output-format", "json"])
            .unwrap()
            .command
        else {
            panic!("not parsed as `rule`");
        };
        assert!(args.all);
        assert_eq!(args.output_format, RuleFormat::Json);
    }
}
