//! What governs the documents of one workspace folder (or of no folder):
//! the client's settings for it and a configuration resolver rooted at it,
//! and the plan for linting one document, decided exactly as the command
//! line decides for a file it is given with `--force-exclude`: the nearest
//! configuration, its `per-file-ignores` and package, and no diagnostics
//! for an excluded file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use wirelint_linter::LinterSettings;
use wirelint_workspace::CheckTarget;
use wirelint_workspace::linter_settings;
use wirelint_workspace::{ConfigError, ConfigSource, Resolver, ResolverOptions};

use crate::settings::ResolvedSettings;

/// The settings of one workspace folder.
#[derive(Debug)]
pub(crate) struct Scope {
    pub settings: ResolvedSettings,
    /// Finds each file's configuration; the errors when the folder's own
    /// configuration (or the `configuration` setting's file) is invalid.
    resolver: Result<Resolver, Vec<ConfigError>>,
}

/// How to lint one document.
#[derive(Clone, Debug)]
pub(crate) enum Plan {
    /// Lint with these settings, as a module of this package.
    Lint {
        settings: Arc<LinterSettings>,
        package: Option<Arc<str>>,
    },
    /// Report nothing, for this reason.
    Skip(&'static str),
    /// A configuration that governs the document is invalid: report
    /// nothing, and tell the user this.
    ConfigError(String),
}

impl Scope {
    /// The scope of a folder at `root` (the directory the configuration
    /// search starts from and relative paths are relative to).
    pub(crate) fn new(root: &Path, settings: ResolvedSettings) -> Scope {
        let source = match &settings.configuration {
            Some(path) => ConfigSource::File(path.clone()),
            None => ConfigSource::Discover,
        };
        let resolver = Resolver::new(ResolverOptions {
            source,
            overrides: settings.overrides.clone(),
            current_dir: root.to_path_buf(),
            output_formats: Vec::new(),
        });
        Scope { settings, resolver }
    }

    /// How to lint a document. `file` is the file a `file:` URI names;
    /// a document without one (an unsaved buffer) gets the folder's own
    /// settings.
    pub(crate) fn plan(&self, file: Option<&Path>) -> Plan {
        if !self.settings.enable {
            return Plan::Skip("wirelint is disabled by the `enable` setting");
        }
        let resolver = match &self.resolver {
            Ok(resolver) => resolver,
            Err(errors) => return Plan::ConfigError(describe(errors)),
        };
        let Some(path) = file else {
            return Plan::Lint {
                settings: Arc::new(resolver.root().linter.clone()),
                package: None,
            };
        };
        let absolute = resolver.absolute(path);
        let Some((directory, ignored_rules)) = resolver.file(&absolute) else {
            let errors: Vec<ConfigError> = resolver
                .errors()
                .into_iter()
                .filter(|error| governs(&error.path, &absolute))
                .collect();
            return Plan::ConfigError(describe(&errors));
        };
        if directory.settings.excludes_path_or_parent(&absolute) {
            return Plan::Skip("the file is excluded by the configuration");
        }
        let package = directory.package.clone();
        let target = CheckTarget {
            path: absolute,
            directory,
            ignored_rules,
        };
        Plan::Lint {
            settings: Arc::new(linter_settings(&target).into_owned()),
            package,
        }
    }
}

/// Whether the configuration file at `config` could govern `file`: it sits
/// in the file's directory or above.
fn governs(config: &Path, file: &Path) -> bool {
    config
        .parent()
        .is_some_and(|directory| file.starts_with(directory))
}

fn describe(errors: &[ConfigError]) -> String {
    if errors.is_empty() {
        return "a configuration file is invalid".to_string();
    }
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    lines.join("\n")
}

/// Where the scope of a folder-less document is rooted: the file system
/// root, so only configurations above the file itself count.
pub(crate) fn fallback_root() -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|directory| directory.ancestors().last().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("/"))
}

#[cfg(test)]
mod tests {
    use std::fs;

    use wirelint_linter::Rule;

    use super::*;
    use crate::settings::ClientSettings;

    fn scope(root: &Path, client: &ClientSettings) -> Scope {
        Scope::new(root, client.resolve(root))
    }

    fn rules(plan: Plan) -> Arc<LinterSettings> {
        match plan {
            Plan::Lint { settings, .. } => settings,
            other => panic!("not linted: {other:?}"),
        }
    }

    #[test]
    fn the_nearest_configuration_and_its_exclusions_apply() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        fs::write(
            root.join("pyproject.toml"),
            "[tool.wirelint]\nignore = [\"WL203\"]\nextend-exclude = [\"generated\"]\n\
             per-file-ignores = { \"legacy.py\" = [\"WL201\"] }\n",
        )
        .unwrap();
        fs::create_dir_all(root.join("generated")).unwrap();
        fs::create_dir_all(root.join("strict/pkg")).unwrap();
        fs::write(root.join("strict/wirelint.toml"), "select = [\"WL2\"]\n").unwrap();
        fs::write(root.join("strict/pkg/__init__.py"), "").unwrap();
        let scope = scope(root, &ClientSettings::default());

        let top = rules(scope.plan(Some(&root.join("app.py"))));
        assert!(!top.rules.contains(Rule::MissingTimeout));
        assert!(top.rules.contains(Rule::ScalarTimeout));
        let legacy = rules(scope.plan(Some(&root.join("legacy.py"))));
        assert!(!legacy.rules.contains(Rule::ScalarTimeout));
        let strict = scope.plan(Some(&root.join("strict/pkg/mod.py")));
        let Plan::Lint { settings, package } = strict else {
            panic!("{strict:?}");
        };
        assert!(settings.rules.contains(Rule::MissingTimeout));
        assert_eq!(package.as_deref(), Some("pkg"));
        assert!(matches!(
            scope.plan(Some(&root.join("generated/client.py"))),
            Plan::Skip(_)
        ));
        // An unsaved buffer gets the folder's settings.
        assert!(!rules(scope.plan(None)).rules.contains(Rule::MissingTimeout));
    }

    #[test]
    fn client_settings_override_the_configuration_and_can_disable() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        fs::write(root.join("wirelint.toml"), "ignore = [\"WL203\"]\n").unwrap();
        let client = ClientSettings {
            extend_select: Some(vec!["WL203".parse().unwrap()]),
            ..ClientSettings::default()
        };
        let settings = rules(scope(root, &client).plan(Some(&root.join("a.py"))));
        assert!(settings.rules.contains(Rule::MissingTimeout));

        let disabled = ClientSettings {
            enable: Some(false),
            ..ClientSettings::default()
        };
        assert!(matches!(
            scope(root, &disabled).plan(Some(&root.join("a.py"))),
            Plan::Skip(_)
        ));
    }

    #[test]
    fn an_invalid_configuration_is_reported_for_the_files_it_governs() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        fs::create_dir_all(root.join("bad")).unwrap();
        fs::write(root.join("bad/wirelint.toml"), "selct = []\n").unwrap();
        let scope = scope(root, &ClientSettings::default());
        let Plan::ConfigError(message) = scope.plan(Some(&root.join("bad/a.py"))) else {
            panic!("a broken configuration was not reported");
        };
        assert!(message.contains("selct"), "{message}");
        assert!(matches!(
            scope.plan(Some(&root.join("good.py"))),
            Plan::Lint { .. }
        ));

        let missing = ClientSettings {
            configuration: Some(PathBuf::from("nowhere.toml")),
            ..ClientSettings::default()
        };
        let scope = Scope::new(root, missing.resolve(root));
        assert!(matches!(
            scope.plan(Some(&root.join("good.py"))),
            Plan::ConfigError(_)
        ));
    }

    #[test]
    fn the_configuration_setting_governs_every_file() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        fs::write(root.join("wirelint.toml"), "ignore = [\"WL2\"]\n").unwrap();
        fs::write(root.join("ci.toml"), "select = [\"WL203\"]\n").unwrap();
        let client = ClientSettings {
            configuration: Some(PathBuf::from("ci.toml")),
            ..ClientSettings::default()
        };
        let settings = rules(scope(root, &client).plan(Some(&root.join("a.py"))));
        assert!(settings.rules.contains(Rule::MissingTimeout));
        assert!(!settings.rules.contains(Rule::ScalarTimeout));
    }
}
