//! Resolved settings: one configuration's [`Options`] plus the command
//! line's [`Overrides`], turned into what a run needs (the engine's
//! [`LinterSettings`], compiled file patterns, per-file ignores, paths made
//! absolute).

use std::path::{Path, PathBuf};

use globset::{Candidate, GlobSet, GlobSetBuilder};
use wirelint_linter::{LinterSettings, Rule, RuleSelection, RuleSelector, RuleSet, Status};

use crate::config::{ConfigError, Options, Pattern};
use crate::discovery::SKIPPED_DIRECTORIES;

/// The files a directory walk picks up when `include` is not set.
pub(crate) const DEFAULT_INCLUDE: [&str; 2] = ["*.py", "*.pyi"];

/// The cache directory's name when `cache-dir` is not set.
pub(crate) const DEFAULT_CACHE_DIR: &str = ".wirelint_cache";

/// The environment variable that overrides `cache-dir`.
pub const CACHE_DIR_ENV_VAR: &str = "WIRELINT_CACHE_DIR";

/// What the command line (or an API call) says, overriding configuration.
/// `None` leaves the configuration's value.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// Replaces the configuration's rule selection (its `select`,
    /// `extend-select` and `ignore`) altogether.
    pub select: Option<Vec<RuleSelector>>,
    /// Enabled on top of the configuration's selection.
    pub extend_select: Vec<RuleSelector>,
    /// Disabled on top of the configuration's selection.
    pub ignore: Vec<RuleSelector>,
    pub preview: Option<bool>,
    pub respect_gitignore: Option<bool>,
    pub force_exclude: Option<bool>,
    /// Relative paths are relative to the current directory.
    pub cache_dir: Option<PathBuf>,
}

/// Settings for the files one configuration governs (or the defaults).
#[derive(Clone, Debug)]
pub struct Settings {
    /// The configuration file these settings come from; `None` for defaults.
    pub config_path: Option<PathBuf>,
    /// Relative patterns and paths resolve against this directory: the
    /// configuration's directory, or the current directory for defaults.
    pub project_root: PathBuf,
    /// Everything the engine reads; `rules` is the resolved rule set.
    pub linter: LinterSettings,
    /// The rule selection as written in the configuration.
    pub config_rules: RuleSelection,
    pub per_file_ignores: PerFileIgnores,
    pub include: PathPatterns,
    /// `exclude`, or the default list.
    pub exclude: PathPatterns,
    pub extend_exclude: PathPatterns,
    pub preview: bool,
    pub respect_gitignore: bool,
    pub force_exclude: bool,
    /// Absolute.
    pub cache_dir: PathBuf,
    /// As written; the command line validates and applies it.
    pub output_format: Option<String>,
}

impl Settings {
    /// The settings of a configuration at `config_path` (in `project_root`),
    /// or of no configuration at all when it is `None`.
    pub fn new(
        options: Options,
        config_path: Option<PathBuf>,
        project_root: PathBuf,
        overrides: &Overrides,
    ) -> Result<Settings, ConfigError> {
        let error_path = config_path.clone().unwrap_or_else(|| project_root.clone());
        let build_error = |error: globset::Error| ConfigError {
            path: error_path.clone(),
            position: None,
            message: format!("cannot compile the file patterns: {error}"),
        };

        let preview = overrides.preview.or(options.preview).unwrap_or(false);
        let config_rules = RuleSelection {
            select: options.select,
            extend_select: options.extend_select.unwrap_or_default(),
            ignore: options.ignore.unwrap_or_default(),
            preview,
        };
        let defaults = LinterSettings::default();
        let linter = LinterSettings {
            rules: resolve_rules(&config_rules, overrides),
            extend_client_classes: options.extend_client_classes.unwrap_or_default(),
            extend_network_modules: options.extend_network_modules.unwrap_or_default(),
            extend_error_classes: options.extend_error_classes.unwrap_or_default(),
            max_retries: options.max_retries.unwrap_or(defaults.max_retries),
        };

        let include = match options.include {
            Some(patterns) => patterns,
            None => default_patterns(&DEFAULT_INCLUDE),
        };
        let exclude = match options.exclude {
            Some(patterns) => patterns,
            None => default_patterns(SKIPPED_DIRECTORIES),
        };

        let cache_dir = match (&overrides.cache_dir, options.cache_dir) {
            (Some(from_override), _) => from_override.clone(),
            (None, Some(configured)) => project_root.join(configured),
            (None, None) => project_root.join(DEFAULT_CACHE_DIR),
        };

        Ok(Settings {
            linter,
            config_rules,
            per_file_ignores: PerFileIgnores::new(options.per_file_ignores.unwrap_or_default())
                .map_err(build_error)?,
            include: PathPatterns::new(include).map_err(build_error)?,
            exclude: PathPatterns::new(exclude).map_err(build_error)?,
            extend_exclude: PathPatterns::new(options.extend_exclude.unwrap_or_default())
                .map_err(build_error)?,
            preview,
            respect_gitignore: overrides
                .respect_gitignore
                .or(options.respect_gitignore)
                .unwrap_or(true),
            force_exclude: overrides
                .force_exclude
                .or(options.force_exclude)
                .unwrap_or(false),
            cache_dir,
            output_format: options.output_format,
            config_path,
            project_root,
        })
    }

    /// The defaults, with `project_root` as the base for relative paths.
    pub fn defaults(project_root: PathBuf, overrides: &Overrides) -> Settings {
        Settings::new(Options::default(), None, project_root, overrides)
            .expect("the default patterns compile")
    }

    /// Whether a walk picks up the file at `path` (absolute).
    pub fn includes(&self, path: &Path) -> bool {
        self.include.matches(path, &self.project_root)
    }

    /// Whether the file or directory at `path` (absolute) is excluded.
    pub fn excludes(&self, path: &Path) -> bool {
        self.exclude.matches(path, &self.project_root)
            || self.extend_exclude.matches(path, &self.project_root)
    }

    /// Whether `path` (absolute) or a directory above it inside the project
    /// is excluded: `--force-exclude` for paths given explicitly. The
    /// project root and the directories above it are never excluded by
    /// their own names; for a path outside the project only the path
    /// itself is tested.
    pub fn excludes_path_or_parent(&self, path: &Path) -> bool {
        if path.starts_with(&self.project_root) {
            path.ancestors()
                .take_while(|ancestor| *ancestor != self.project_root)
                .any(|ancestor| self.excludes(ancestor))
        } else {
            !self.project_root.starts_with(path) && self.excludes(path)
        }
    }

    /// The rules `per-file-ignores` turns off for the file at `path`
    /// (absolute).
    pub fn ignored_rules(&self, path: &Path) -> RuleSet {
        self.per_file_ignores.rules_for(path, &self.project_root)
    }
}

fn default_patterns(texts: &[&str]) -> Vec<Pattern> {
    texts
        .iter()
        .map(|text| Pattern::new(text).expect("built-in patterns are valid globs"))
        .collect()
}

/// Resolves the configuration's rule selection, then applies the
/// overrides on top of it: an override `select` replaces the
/// configuration's selection; override `extend-select` and `ignore` adjust
/// it (for one rule, the more specific of the two wins, `ignore` on a tie).
pub(crate) fn resolve_rules(config: &RuleSelection, overrides: &Overrides) -> RuleSet {
    if let Some(select) = &overrides.select {
        let selection = RuleSelection {
            select: Some(select.clone()),
            extend_select: overrides.extend_select.clone(),
            ignore: overrides.ignore.clone(),
            preview: config.preview,
        };
        return selection.resolve();
    }
    let mut rules = config.resolve();
    if overrides.extend_select.is_empty() && overrides.ignore.is_empty() {
        return rules;
    }
    // The rules the override layer turns on, judged by itself.
    let enabled_by_overrides = RuleSelection {
        select: Some(overrides.extend_select.clone()),
        extend_select: Vec::new(),
        ignore: overrides.ignore.clone(),
        preview: config.preview,
    }
    .resolve();
    for rule in Rule::all() {
        if enabled_by_overrides.contains(rule) {
            rules.insert(rule);
        } else if rule.status() != Status::Always
            && overrides
                .ignore
                .iter()
                .any(|selector| selector.matches(rule))
        {
            rules.remove(rule);
        }
    }
    rules
}

/// Glob patterns matched against paths. A pattern without `/` matches a
/// file or directory name anywhere; one with `/` matches the path relative
/// to the project root (or, when absolute, the absolute path).
#[derive(Clone, Debug)]
pub struct PathPatterns {
    patterns: Vec<Pattern>,
    names: GlobSet,
    paths: GlobSet,
}

impl PathPatterns {
    pub fn new(patterns: Vec<Pattern>) -> Result<PathPatterns, globset::Error> {
        let (names, paths) = split_patterns(&patterns);
        Ok(PathPatterns {
            names: names.build()?,
            paths: paths.build()?,
            patterns,
        })
    }

    /// The patterns as written.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.patterns.iter().map(|pattern| pattern.text.as_str())
    }

    /// Whether `path` (absolute) matches one of the patterns.
    pub fn matches(&self, path: &Path, project_root: &Path) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        let name_matches = path
            .file_name()
            .is_some_and(|name| self.names.is_match(name));
        name_matches
            || (!self.paths.is_empty()
                && path_candidates(path, project_root)
                    .any(|candidate| self.paths.is_match_candidate(&candidate)))
    }
}

/// Name patterns and path patterns, as two builders.
fn split_patterns(patterns: &[Pattern]) -> (GlobSetBuilder, GlobSetBuilder) {
    let mut names = GlobSetBuilder::new();
    let mut paths = GlobSetBuilder::new();
    for pattern in patterns {
        let builder = if pattern.matches_names() {
            &mut names
        } else {
            &mut paths
        };
        builder.add(pattern.glob.clone());
    }
    (names, paths)
}

/// The forms of `path` path patterns are matched against: relative to the
/// project root when it is inside it, and absolute.
fn path_candidates<'a>(
    path: &'a Path,
    project_root: &Path,
) -> impl Iterator<Item = Candidate<'a>> + 'a {
    let relative = path.strip_prefix(project_root).ok();
    relative
        .into_iter()
        .chain(std::iter::once(path))
        .map(Candidate::new)
}

/// `per-file-ignores`: for files matching a pattern, rules to turn off.
#[derive(Clone, Debug)]
pub struct PerFileIgnores {
    entries: Vec<PerFileIgnore>,
    names: GlobSet,
    /// For each pattern of `names`, its index in `entries`.
    name_entries: Vec<usize>,
    paths: GlobSet,
    path_entries: Vec<usize>,
}

/// One `per-file-ignores` entry.
#[derive(Clone, Debug)]
pub struct PerFileIgnore {
    pub pattern: Pattern,
    pub selectors: Vec<RuleSelector>,
    /// The rules the selectors name, except those that are always on.
    pub rules: RuleSet,
}

impl PerFileIgnores {
    pub fn new(entries: Vec<(Pattern, Vec<RuleSelector>)>) -> Result<Self, globset::Error> {
        let entries: Vec<PerFileIgnore> = entries
            .into_iter()
            .map(|(pattern, selectors)| {
                let rules = Rule::all()
                    .filter(|rule| rule.status() != Status::Always)
                    .filter(|rule| selectors.iter().any(|selector| selector.matches(*rule)))
                    .collect();
                PerFileIgnore {
                    pattern,
                    selectors,
                    rules,
                }
            })
            .collect();
        let mut names = GlobSetBuilder::new();
        let mut paths = GlobSetBuilder::new();
        let mut name_entries = Vec::new();
        let mut path_entries = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            if entry.pattern.matches_names() {
                names.add(entry.pattern.glob.clone());
                name_entries.push(index);
            } else {
                paths.add(entry.pattern.glob.clone());
                path_entries.push(index);
            }
        }
        Ok(PerFileIgnores {
            names: names.build()?,
            paths: paths.build()?,
            entries,
            name_entries,
            path_entries,
        })
    }

    pub fn entries(&self) -> &[PerFileIgnore] {
        &self.entries
    }

    /// The rules turned off for `path` (absolute).
    pub fn rules_for(&self, path: &Path, project_root: &Path) -> RuleSet {
        let mut rules = RuleSet::empty();
        if self.entries.is_empty() {
            return rules;
        }
        let mut add = |index: usize| {
            for rule in self.entries[index].rules.iter() {
                rules.insert(rule);
            }
        };
        if let Some(name) = path.file_name() {
            for matched in self.names.matches(name) {
                add(self.name_entries[matched]);
            }
        }
        if !self.paths.is_empty() {
            for candidate in path_candidates(path, project_root) {
                for matched in self.paths.matches_candidate(&candidate) {
                    add(self.path_entries[matched]);
                }
            }
        }
        rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ConfigKind, parse_config};

    fn options(text: &str) -> Options {
        parse_config(
            Path::new("/repo/wirelint.toml"),
            text,
            ConfigKind::Standalone,
            &[],
        )
        .unwrap()
    }

    fn settings(text: &str, overrides: &Overrides) -> Settings {
        Settings::new(
            options(text),
            Some(PathBuf::from("/repo/wirelint.toml")),
            PathBuf::from("/repo"),
            overrides,
        )
        .unwrap()
    }

    fn selectors(codes: &[&str]) -> Vec<RuleSelector> {
        codes.iter().map(|code| code.parse().unwrap()).collect()
    }

    #[test]
    fn defaults_enable_stable_rules_and_skip_the_usual_directories() {
        let settings = Settings::defaults(PathBuf::from("/repo"), &Overrides::default());
        assert_eq!(settings.linter.rules, RuleSelection::default().resolve());
        assert!(settings.includes(Path::new("/repo/a.py")));
        assert!(settings.includes(Path::new("/repo/a.pyi")));
        assert!(!settings.includes(Path::new("/repo/a.txt")));
        assert!(settings.excludes(Path::new("/repo/.venv")));
        assert!(settings.excludes(Path::new("/repo/pkg/node_modules")));
        assert!(!settings.excludes(Path::new("/repo/builder")));
        assert_eq!(settings.cache_dir, Path::new("/repo/.wirelint_cache"));
        assert!(settings.respect_gitignore && !settings.force_exclude && !settings.preview);
        assert_eq!(settings.linter.max_retries, 5);
    }

    #[test]
    fn configuration_values_reach_the_engine() {
        let settings = settings(
            "select = [\"WL2\"]\nignore = [\"WL203\"]\nmax-retries = 2\n\
             extend-client-classes = [\"acme.Client\"]\n\
             extend-network-modules = [\"acme\"]\nextend-error-classes = [\"acme.Error\"]\n",
            &Overrides::default(),
        );
        let rules = settings.linter.rules;
        assert!(rules.contains(Rule::ScalarTimeout));
        assert!(!rules.contains(Rule::MissingTimeout));
        assert!(rules.contains(Rule::SyntaxError));
        assert_eq!(settings.linter.max_retries, 2);
        assert_eq!(settings.linter.extend_client_classes, ["acme.Client"]);
        assert_eq!(settings.linter.extend_network_modules, ["acme"]);
        assert_eq!(settings.linter.extend_error_classes, ["acme.Error"]);
    }

    #[test]
    fn command_line_select_replaces_the_configured_selection() {
        let overrides = Overrides {
            select: Some(selectors(&["WL203"])),
            ..Overrides::default()
        };
        let settings = settings("select = [\"WL201\"]\nignore = [\"WL203\"]\n", &overrides);
        assert!(settings.linter.rules.contains(Rule::MissingTimeout));
        assert!(!settings.linter.rules.contains(Rule::ScalarTimeout));
    }

    #[test]
    fn command_line_ignore_and_extend_select_adjust_the_configured_selection() {
        let overrides = Overrides {
            ignore: selectors(&["WL2"]),
            extend_select: selectors(&["WL204"]),
            ..Overrides::default()
        };
        // The configuration's explicit WL201 loses to the command line's WL2.
        let rules = settings("select = [\"WL201\", \"WL203\"]\n", &overrides)
            .linter
            .rules;
        assert!(!rules.contains(Rule::ScalarTimeout));
        assert!(!rules.contains(Rule::MissingTimeout));
        assert!(rules.contains(Rule::TimeoutDisabled));
        assert!(rules.contains(Rule::SyntaxError), "WL001 stays on");

        let overrides = Overrides {
            extend_select: selectors(&["WL203"]),
            ..Overrides::default()
        };
        let rules = settings("ignore = [\"WL2\"]\n", &overrides).linter.rules;
        assert!(rules.contains(Rule::MissingTimeout));
        assert!(!rules.contains(Rule::ScalarTimeout));
    }

    #[test]
    fn preview_comes_from_the_command_line_or_the_configuration() {
        let configured = settings("preview = true\n", &Overrides::default());
        assert!(configured.preview);
        assert!(configured.linter.rules.contains(Rule::TimeoutWithoutPool));
        let overridden = settings(
            "preview = false\n",
            &Overrides {
                preview: Some(true),
                ..Overrides::default()
            },
        );
        assert!(overridden.linter.rules.contains(Rule::TimeoutWithoutPool));
        let plain = settings("", &Overrides::default());
        assert!(!plain.linter.rules.contains(Rule::TimeoutWithoutPool));
    }

    #[test]
    fn exclude_replaces_the_defaults_and_extend_exclude_adds() {
        let replaced = settings("exclude = [\"generated\"]\n", &Overrides::default());
        assert!(replaced.excludes(Path::new("/repo/a/generated")));
        assert!(!replaced.excludes(Path::new("/repo/.venv")));
        let extended = settings(
            "extend-exclude = [\"legacy/*.py\", \"*_pb2.py\"]\n",
            &Overrides::default(),
        );
        assert!(extended.excludes(Path::new("/repo/.venv")));
        assert!(extended.excludes(Path::new("/repo/legacy/old.py")));
        assert!(!extended.excludes(Path::new("/repo/legacy/sub/old.py")));
        assert!(!extended.excludes(Path::new("/repo/src/legacy/old.py")));
        assert!(extended.excludes(Path::new("/repo/src/api_pb2.py")));
    }

    #[test]
    fn force_exclude_tests_the_parents_inside_the_project() {
        let settings = settings("extend-exclude = [\"gen\"]\n", &Overrides::default());
        assert!(settings.excludes_path_or_parent(Path::new("/repo/gen/sub/x.py")));
        assert!(settings.excludes_path_or_parent(Path::new("/repo/a/.venv/x.py")));
        assert!(!settings.excludes_path_or_parent(Path::new("/repo/src/x.py")));
        // Directories above the project root are not the project's business.
        assert!(!settings.excludes_path_or_parent(Path::new("/gen/repo2/x.py")));
        assert!(settings.excludes_path_or_parent(Path::new("/elsewhere/gen")));
        let named_build = Settings::defaults(PathBuf::from("/work/build"), &Overrides::default());
        assert!(!named_build.excludes_path_or_parent(Path::new("/work/build")));
        assert!(!named_build.excludes_path_or_parent(Path::new("/work/build/x.py")));
        assert!(named_build.excludes_path_or_parent(Path::new("/work/build/dist/x.py")));
    }

    #[test]
    fn include_patterns_with_a_slash_are_relative_to_the_project() {
        let settings = settings("include = [\"src/**/*.py\"]\n", &Overrides::default());
        assert!(settings.includes(Path::new("/repo/src/a.py")));
        assert!(settings.includes(Path::new("/repo/src/deep/a.py")));
        assert!(!settings.includes(Path::new("/repo/tests/a.py")));
    }

    #[test]
    fn per_file_ignores_turn_rules_off_for_matching_files() {
        let settings = settings(
            "[per-file-ignores]\n\"tests/**\" = [\"WL203\"]\n\"conftest.py\" = [\"WL2\", \"WL0\"]\n",
            &Overrides::default(),
        );
        let in_tests = settings.ignored_rules(Path::new("/repo/tests/unit/test_a.py"));
        assert_eq!(in_tests.iter().collect::<Vec<_>>(), [Rule::MissingTimeout]);
        let conftest = settings.ignored_rules(Path::new("/repo/tests/conftest.py"));
        assert!(conftest.contains(Rule::MissingTimeout) && conftest.contains(Rule::ScalarTimeout));
        assert!(
            !conftest.contains(Rule::SyntaxError),
            "WL001 cannot be ignored"
        );
        assert!(
            settings
                .ignored_rules(Path::new("/repo/src/a.py"))
                .is_empty()
        );
    }

    #[test]
    fn cache_dir_is_relative_to_the_configuration_and_overridable() {
        let configured = settings("cache-dir = \"build/cache\"\n", &Overrides::default());
        assert_eq!(configured.cache_dir, Path::new("/repo/build/cache"));
        let overridden = settings(
            "cache-dir = \"build/cache\"\n",
            &Overrides {
                cache_dir: Some(PathBuf::from("/tmp/elsewhere")),
                ..Overrides::default()
            },
        );
        assert_eq!(overridden.cache_dir, Path::new("/tmp/elsewhere"));
    }

    #[test]
    fn respect_gitignore_and_force_exclude_take_overrides() {
        let configured = settings(
            "respect-gitignore = false\nforce-exclude = true\n",
            &Overrides::default(),
        );
        assert!(!configured.respect_gitignore && configured.force_exclude);
        let overridden = settings(
            "respect-gitignore = true\n",
            &Overrides {
                respect_gitignore: Some(false),
                force_exclude: Some(true),
                ..Overrides::default()
            },
        );
        assert!(!overridden.respect_gitignore && overridden.force_exclude);
    }
}
