//! Which settings govern which file: hierarchical configuration discovery,
//! resolved once per directory and cached.
//!
//! With [`ConfigSource::Discover`], a file is governed by the closest
//! configuration in its directory or above; a file with none above it by
//! the root settings (the configuration closest to the current directory,
//! or the defaults). `--config` ([`ConfigSource::File`]) governs every file
//! with one file; `--isolated` ([`ConfigSource::Isolated`]) uses the
//! defaults. The command line's [`Overrides`] apply on top in every case.
//!
//! Each directory is looked at once: a few `stat` calls for configuration
//! files and for `__init__.py` (to know the package a file belongs to).
//! Each configuration file is parsed once. A configuration that fails to
//! load is recorded; everything it would govern is skipped, and the caller
//! reports [`Resolver::errors`] instead of checking anything.

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use rustc_hash::FxHashMap;
use wirelint_linter::RuleSet;

use crate::config::{ConfigError, find_config_in, load_config};
use crate::settings::{Overrides, Settings};

/// Where settings come from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ConfigSource {
    /// The closest configuration above each file (the default).
    #[default]
    Discover,
    /// This configuration file, for every file.
    File(PathBuf),
    /// No configuration file at all: defaults plus overrides.
    Isolated,
}

/// How to build a [`Resolver`].
#[derive(Clone, Debug, Default)]
pub struct ResolverOptions {
    pub source: ConfigSource,
    pub overrides: Overrides,
    /// The directory relative paths are relative to.
    pub current_dir: PathBuf,
    /// The names `output-format` may take; empty accepts any string.
    pub output_formats: Vec<String>,
}

/// What every file in one directory shares.
#[derive(Debug)]
pub struct DirectoryInfo {
    pub settings: Arc<Settings>,
    /// The dotted package the directory is (`acme.http`), found by walking
    /// up through directories that have an `__init__.py`.
    pub package: Option<Arc<str>>,
}

/// Hands out the settings for each directory; shared by the walk's threads.
#[derive(Debug)]
pub struct Resolver {
    source: ConfigSource,
    overrides: Overrides,
    current_dir: PathBuf,
    output_formats: Vec<String>,
    root: Arc<Settings>,
    /// Per absolute directory; `None` when a configuration above it failed.
    directories: RwLock<FxHashMap<PathBuf, Option<Arc<DirectoryInfo>>>>,
    /// Per configuration file, each loaded once.
    configs: Mutex<FxHashMap<PathBuf, Option<Arc<Settings>>>>,
    errors: Mutex<Vec<ConfigError>>,
}

impl Resolver {
    /// Loads the root settings. Fails when that configuration is invalid
    /// (or, with [`ConfigSource::File`], missing).
    pub fn new(options: ResolverOptions) -> Result<Resolver, Vec<ConfigError>> {
        let ResolverOptions {
            source,
            mut overrides,
            current_dir,
            output_formats,
        } = options;
        let current_dir = normalize(&current_dir);
        overrides.cache_dir = overrides
            .cache_dir
            .map(|cache_dir| absolute(&current_dir, &cache_dir));
        let mut resolver = Resolver {
            root: Arc::new(Settings::defaults(current_dir.clone(), &overrides)),
            source,
            overrides,
            current_dir,
            output_formats,
            directories: RwLock::default(),
            configs: Mutex::default(),
            errors: Mutex::default(),
        };
        let root_config = match &resolver.source {
            ConfigSource::Discover => resolver.current_dir.ancestors().find_map(find_config_in),
            ConfigSource::File(path) => Some(absolute(&resolver.current_dir, path)),
            ConfigSource::Isolated => None,
        };
        if let Some(config) = root_config {
            match resolver.settings_of_config(&config) {
                Some(settings) => resolver.root = settings,
                None => return Err(resolver.errors()),
            }
        }
        Ok(resolver)
    }

    /// The settings of the current directory: global options
    /// (`output-format`, `cache-dir`, `respect-gitignore`, `force-exclude`)
    /// come from here.
    pub fn root(&self) -> &Arc<Settings> {
        &self.root
    }

    pub fn current_dir(&self) -> &Path {
        &self.current_dir
    }

    /// `path` made absolute against the current directory, without `.` or
    /// `..` components (symbolic links are not resolved).
    pub fn absolute(&self, path: &Path) -> PathBuf {
        absolute(&self.current_dir, path)
    }

    /// Every configuration problem met so far, in the order of the files.
    pub fn errors(&self) -> Vec<ConfigError> {
        let mut errors = self
            .errors
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        errors.sort_by(|a, b| (&a.path, a.position).cmp(&(&b.path, b.position)));
        errors
    }

    /// What governs the directory at `directory` (absolute, normalized);
    /// `None` when its configuration failed to load (see [`Self::errors`]).
    pub fn directory(&self, directory: &Path) -> Option<Arc<DirectoryInfo>> {
        let cached = self
            .directories
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(directory)
            .cloned();
        if let Some(info) = cached {
            return info;
        }
        let info = self.look_at_directory(directory);
        self.directories
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(directory.to_path_buf(), info.clone());
        info
    }

    /// What governs the file at `path` (absolute, normalized) and the rules
    /// `per-file-ignores` turns off for it.
    pub fn file(&self, path: &Path) -> Option<(Arc<DirectoryInfo>, RuleSet)> {
        let directory = path.parent().unwrap_or(path);
        let info = self.directory(directory)?;
        let ignored = info.settings.ignored_rules(path);
        Some((info, ignored))
    }

    fn look_at_directory(&self, directory: &Path) -> Option<Arc<DirectoryInfo>> {
        let parent = directory.parent().map(|parent| self.directory(parent));
        let own_config = match self.source {
            ConfigSource::Discover => find_config_in(directory),
            ConfigSource::File(_) | ConfigSource::Isolated => None,
        };
        let settings = match (own_config, &parent) {
            (Some(config), _) => self.settings_of_config(&config)?,
            (None, Some(parent)) => Arc::clone(&parent.as_ref()?.settings),
            (None, None) => Arc::clone(&self.root),
        };
        let is_package = directory.join("__init__.py").is_file();
        let package = match (is_package, directory.file_name()) {
            (true, Some(name)) => {
                let name = name.to_string_lossy();
                let parent_package = parent.flatten().and_then(|info| info.package.clone());
                Some(match parent_package {
                    Some(parent_package) => Arc::from(format!("{parent_package}.{name}")),
                    None => Arc::from(name.as_ref()),
                })
            }
            _ => None,
        };
        Some(Arc::new(DirectoryInfo { settings, package }))
    }

    /// The settings of the configuration at `path`, loading it the first
    /// time; `None` (with the problems recorded) when it is invalid.
    fn settings_of_config(&self, path: &Path) -> Option<Arc<Settings>> {
        let mut configs = self.configs.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(settings) = configs.get(path) {
            return settings.clone();
        }
        let settings = match self.load(path) {
            Ok(settings) => Some(Arc::new(settings)),
            Err(mut errors) => {
                self.errors
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .append(&mut errors);
                None
            }
        };
        configs.insert(path.to_path_buf(), settings.clone());
        settings
    }

    fn load(&self, path: &Path) -> Result<Settings, Vec<ConfigError>> {
        let options = load_config(path, &self.output_formats)?;
        let project_root = path.parent().unwrap_or(&self.current_dir).to_path_buf();
        Settings::new(
            options,
            Some(path.to_path_buf()),
            project_root,
            &self.overrides,
        )
        .map_err(|error| vec![error])
    }
}

/// `path` made absolute against `current_dir`, without `.` or `..`.
pub(crate) fn absolute(current_dir: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        normalize(path)
    } else {
        normalize(&current_dir.join(path))
    }
}

/// Drops `.` components and resolves `..` lexically.
fn normalize(path: &Path) -> PathBuf {
    let needs_work = path
        .components()
        .any(|component| matches!(component, Component::CurDir | Component::ParentDir));
    if !needs_work {
        return path.to_path_buf();
    }
    let mut normalized = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !normalized.pop() {
                    normalized.push(component);
                }
            }
            other => normalized.push(other),
        }
    }
    normalized
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use wirelint_linter::Rule;

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn resolver(current_dir: &Path, source: ConfigSource) -> Resolver {
        Resolver::new(ResolverOptions {
            source,
            current_dir: current_dir.to_path_buf(),
            ..ResolverOptions::default()
        })
        .unwrap()
    }

    fn config_of(resolver: &Resolver, directory: &Path) -> Option<PathBuf> {
        resolver
            .directory(directory)
            .unwrap()
            .settings
            .config_path
            .clone()
    }

    #[test]
    fn the_closest_configuration_governs_each_directory() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        write(
            &root.join("pyproject.toml"),
            "[tool.wirelint]\nselect = [\"WL2\"]\n",
        );
        write(&root.join("sub/wirelint.toml"), "select = [\"WL203\"]\n");
        fs::create_dir_all(root.join("sub/deeper")).unwrap();
        fs::create_dir_all(root.join("other")).unwrap();
        let resolver = resolver(root, ConfigSource::Discover);
        assert_eq!(
            resolver.root().config_path,
            Some(root.join("pyproject.toml"))
        );
        assert_eq!(
            config_of(&resolver, root),
            Some(root.join("pyproject.toml"))
        );
        assert_eq!(
            config_of(&resolver, &root.join("other")),
            Some(root.join("pyproject.toml"))
        );
        assert_eq!(
            config_of(&resolver, &root.join("sub/deeper")),
            Some(root.join("sub/wirelint.toml"))
        );
        let deeper = resolver.directory(&root.join("sub/deeper")).unwrap();
        assert!(!deeper.settings.linter.rules.contains(Rule::ScalarTimeout));
        assert_eq!(deeper.settings.project_root, root.join("sub"));
        assert!(resolver.errors().is_empty());
    }

    #[test]
    fn the_root_settings_come_from_above_the_current_directory() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        write(&root.join(".wirelint.toml"), "preview = true\n");
        fs::create_dir_all(root.join("src/pkg")).unwrap();
        let resolver = resolver(&root.join("src/pkg"), ConfigSource::Discover);
        assert!(resolver.root().preview);
        assert_eq!(resolver.root().project_root, root);
    }

    #[test]
    fn without_any_configuration_the_defaults_govern() {
        let temp = tempfile::tempdir().unwrap();
        let resolver = resolver(temp.path(), ConfigSource::Discover);
        assert_eq!(resolver.root().config_path, None);
        assert_eq!(config_of(&resolver, temp.path()), None);
    }

    #[test]
    fn an_explicit_file_governs_everything_and_isolated_ignores_all() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        write(&root.join("wirelint.toml"), "select = [\"WL2\"]\n");
        write(&root.join("sub/wirelint.toml"), "select = [\"WL203\"]\n");
        write(&root.join("elsewhere/strict.toml"), "preview = true\n");
        let fixed = resolver(
            root,
            ConfigSource::File(PathBuf::from("elsewhere/strict.toml")),
        );
        for directory in [root.to_path_buf(), root.join("sub")] {
            assert_eq!(
                config_of(&fixed, &directory),
                Some(root.join("elsewhere/strict.toml"))
            );
        }
        assert_eq!(fixed.root().project_root, root.join("elsewhere"));
        let isolated = resolver(root, ConfigSource::Isolated);
        assert_eq!(config_of(&isolated, &root.join("sub")), None);
        assert_eq!(isolated.root().config_path, None);
    }

    #[test]
    fn a_missing_explicit_configuration_is_an_error() {
        let temp = tempfile::tempdir().unwrap();
        let errors = Resolver::new(ResolverOptions {
            source: ConfigSource::File(PathBuf::from("nope.toml")),
            current_dir: temp.path().to_path_buf(),
            ..ResolverOptions::default()
        })
        .unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].path, temp.path().join("nope.toml"));
        assert!(errors[0].message.contains("does not exist"));
    }

    #[test]
    fn a_broken_configuration_below_is_recorded_and_governs_nothing() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        write(&root.join("bad/wirelint.toml"), "selct = []\n");
        fs::create_dir_all(root.join("bad/inner")).unwrap();
        let resolver = resolver(root, ConfigSource::Discover);
        assert!(resolver.directory(&root.join("bad/inner")).is_none());
        assert!(resolver.directory(&root.join("bad")).is_none());
        let errors = resolver.errors();
        assert_eq!(errors.len(), 1, "loaded once: {errors:?}");
        assert!(errors[0].message.contains("did you mean `select`"));
    }

    #[test]
    fn an_unknown_output_format_is_rejected_with_a_suggestion() {
        let temp = tempfile::tempdir().unwrap();
        write(
            &temp.path().join("wirelint.toml"),
            "preview = true\noutput-format = \"jsno\"\n",
        );
        let errors = Resolver::new(ResolverOptions {
            current_dir: temp.path().to_path_buf(),
            output_formats: vec!["concise".into(), "json".into()],
            ..ResolverOptions::default()
        })
        .unwrap_err();
        assert_eq!(errors[0].position, Some((2, 17)));
        assert_eq!(
            errors[0].message,
            "unknown `output-format` `jsno` (did you mean `json`?); expected one of: concise, json"
        );
    }

    #[test]
    fn packages_follow_init_files() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        write(&root.join("src/acme/__init__.py"), "");
        write(&root.join("src/acme/http/__init__.py"), "");
        fs::create_dir_all(root.join("src/acme/http/data")).unwrap();
        let resolver = resolver(root, ConfigSource::Isolated);
        let package = |relative: &str| {
            resolver
                .directory(&root.join(relative))
                .unwrap()
                .package
                .as_deref()
                .map(str::to_string)
        };
        assert_eq!(package("src/acme/http").as_deref(), Some("acme.http"));
        assert_eq!(package("src/acme").as_deref(), Some("acme"));
        assert_eq!(package("src"), None);
        assert_eq!(package("src/acme/http/data"), None);
    }

    #[test]
    fn per_file_ignores_are_resolved_with_the_file() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        write(
            &root.join("wirelint.toml"),
            "[per-file-ignores]\n\"tests/*.py\" = [\"WL203\"]\n",
        );
        let resolver = resolver(root, ConfigSource::Discover);
        let (_, ignored) = resolver.file(&root.join("tests/test_a.py")).unwrap();
        assert!(ignored.contains(Rule::MissingTimeout));
        let (_, ignored) = resolver.file(&root.join("src/a.py")).unwrap();
        assert!(ignored.is_empty());
    }

    #[test]
    fn paths_are_made_absolute_lexically() {
        let current = Path::new("/work/repo");
        assert_eq!(
            absolute(current, Path::new("a/./b.py")),
            Path::new("/work/repo/a/b.py")
        );
        assert_eq!(
            absolute(current, Path::new("../x.py")),
            Path::new("/work/x.py")
        );
        assert_eq!(absolute(current, Path::new("/abs/../y")), Path::new("/y"));
        assert_eq!(absolute(current, Path::new(".")), Path::new("/work/repo"));
    }
}
