//! The command line's shape: subcommands and flags, parsed with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use wirelint_linter::{RuleSelection, RuleSelector};

/// A linter for network-client code: timeouts, retries, client lifecycle.
#[derive(Debug, Parser)]
#[command(name = "wirelint", version, arg_required_else_help = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check Python files for policy violations.
    Check(CheckArgs),
    /// Show the documentation of a rule, or of every rule.
    Rule(RuleArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check. Directories are searched for `*.py`
    /// and `*.pyi` files; a file named explicitly is checked whatever its
    /// extension.
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

    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = OutputFormat::Concise)]
    pub output_format: OutputFormat,

    /// Exit with status 0 even when there are findings (errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,

    /// Print diagnostics only: no closing summary line.
    #[arg(long, short)]
    pub quiet: bool,

    /// Check files even when .gitignore, .ignore or git's excludes list them.
    #[arg(long)]
    pub no_respect_gitignore: bool,
}

impl CheckArgs {
    /// The rule selection the flags describe.
    pub fn rule_selection(&self) -> RuleSelection {
        RuleSelection {
            select: self.select.clone(),
            extend_select: self.extend_select.clone(),
            ignore: self.ignore.clone(),
            preview: self.preview,
        }
    }
}

/// The output formats of `wirelint check`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One line per diagnostic: `path:row:column: CODE message`.
    Concise,
    /// Each diagnostic with the source lines it points at and its fix.
    Full,
    /// A JSON array of diagnostics.
    Json,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["code", "all"])))]
pub struct RuleArgs {
    /// The rule's code, e.g. `WL201`.
    pub code: Option<String>,

    /// Show every rule.
    #[arg(long)]
    pub all: bool,

    /// How to print the documentation.
    #[arg(long, value_enum, default_value_t = RuleFormat::Text)]
    pub output_format: RuleFormat,
}

/// The output formats of `wirelint rule`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum RuleFormat {
    /// The rule's Markdown documentation.
    Text,
    /// JSON: code, name, family, status, summary and docs.
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;
    use wirelint_linter::Rule;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("wirelint").chain(args.iter().copied()))
    }

    fn check_args(args: &[&str]) -> CheckArgs {
        match parse(args).unwrap().command {
            Command::Check(check) => check,
            Command::Rule(_) => panic!("parsed as `rule`"),
        }
    }

    #[test]
    fn check_defaults_to_the_current_directory_and_concise_output() {
        let args = check_args(&["check"]);
        assert_eq!(args.paths, [PathBuf::from(".")]);
        assert_eq!(args.output_format, OutputFormat::Concise);
        assert!(args.select.is_none());
        assert!(!args.exit_zero && !args.preview && !args.quiet && !args.no_respect_gitignore);
    }

    #[test]
    fn selectors_are_comma_separated_and_repeatable() {
        let args = check_args(&["check", "--select", "WL2,wl203", "--select", "WL0", "src"]);
        let select: Vec<_> = args.select.unwrap().iter().map(|s| s.to_string()).collect();
        assert_eq!(select, ["WL2", "WL203", "WL0"]);
        assert_eq!(args.paths, [PathBuf::from("src")]);
    }

    #[test]
    fn prefixes_select_and_ignore_whole_groups() {
        let args = check_args(&["check", "--select", "WL2", "--ignore", "WL20"]);
        let rules = args.rule_selection().resolve();
        assert!(!rules.contains(Rule::ScalarTimeout));
        assert!(!rules.contains(Rule::MissingTimeout));

        let args = check_args(&["check", "--ignore", "WL2", "--extend-select", "WL201"]);
        let rules = args.rule_selection().resolve();
        assert!(rules.contains(Rule::ScalarTimeout));
        assert!(!rules.contains(Rule::MissingTimeout));
        assert!(!rules.contains(Rule::TimeoutDisabled));
    }

    #[test]
    fn preview_flag_reaches_the_selection() {
        let rules = check_args(&["check", "--preview"])
            .rule_selection()
            .resolve();
        assert!(rules.contains(Rule::TimeoutWithoutPool));
        let rules = check_args(&["check"]).rule_selection().resolve();
        assert!(!rules.contains(Rule::TimeoutWithoutPool));
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
    fn rule_needs_a_code_or_all() {
        assert!(parse(&["rule"]).is_err());
        assert!(parse(&["rule", "WL201", "--all"]).is_err());
        let Command::Rule(args) = parse(&["rule", "--all", "--output-format", "json"])
            .unwrap()
            .command
        else {
            panic!("parsed as `check`");
        };
        assert!(args.all);
        assert_eq!(args.output_format, RuleFormat::Json);
    }
}
