//! Configuration files: which files are configurations, how they are parsed,
//! and the validation that turns their TOML into [`Options`] or into errors
//! naming the file, the key, the line and the column.
//!
//! A configuration is `.wirelint.toml` or `wirelint.toml` (keys at the top
//! level) or a `pyproject.toml` with a `[tool.wirelint]` table (a
//! `pyproject.toml` without one is not a configuration). In one directory
//! they are looked for in that order and the first one wins.

use std::fmt;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder};
use toml::Spanned;
use toml::de::{DeTable, DeValue};
use wirelint_linter::RuleSelector;
use wirelint_linter::edit_distance;

use crate::regular_file::{MAX_CONFIG_BYTES, read_regular_text};

/// The names a configuration file may have, highest precedence first.
pub const CONFIG_FILE_NAMES: [&str; 3] = [".wirelint.toml", "wirelint.toml", "pyproject.toml"];

/// Every key a configuration may set, in the order the documentation lists them.
pub const CONFIG_KEYS: [&str; 16] = [
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "include",
    "exclude",
    "extend-exclude",
    "force-exclude",
    "respect-gitignore",
    "preview",
    "extend-client-classes",
    "extend-network-modules",
    "extend-error-classes",
    "max-retries",
    "cache-dir",
    "output-format",
];

/// A problem with a configuration file: where it is and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line and column (in characters), when the problem has a place.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", crate::display::display_path(&self.path))?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// A glob pattern from a configuration, with the text it was written as.
#[derive(Clone, Debug)]
pub struct Pattern {
    pub text: String,
    pub glob: Glob,
}

impl Pattern {
    /// Compiles `text`; `*` and `?` do not cross `/`, `**` does. A trailing
    /// `/` and a leading `./` are dropped.
    pub fn new(text: &str) -> Result<Pattern, globset::Error> {
        let trimmed = text.strip_prefix("./").unwrap_or(text);
        let trimmed = match trimmed.strip_suffix('/') {
            Some(directory) if !directory.is_empty() => directory,
            _ => trimmed,
        };
        let glob = GlobBuilder::new(trimmed).literal_separator(true).build()?;
        Ok(Pattern {
            text: text.to_string(),
            glob,
        })
    }

    /// Whether the pattern is matched against a file's name alone (it has
    /// no `/`) rather than against its path.
    pub fn matches_names(&self) -> bool {
        !self.glob.glob().contains('/')
    }
}

/// The options one configuration file sets. `None` means "not set here".
/// Paths and relative patterns are kept as written: they are relative to
/// the configuration's directory.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub select: Option<Vec<RuleSelector>>,
    pub extend_select: Option<Vec<RuleSelector>>,
    pub ignore: Option<Vec<RuleSelector>>,
    pub per_file_ignores: Option<Vec<(Pattern, Vec<RuleSelector>)>>,
    pub include: Option<Vec<Pattern>>,
    pub exclude: Option<Vec<Pattern>>,
    pub extend_exclude: Option<Vec<Pattern>>,
    pub force_exclude: Option<bool>,
    pub respect_gitignore: Option<bool>,
    pub preview: Option<bool>,
    pub extend_client_classes: Option<Vec<String>>,
    pub extend_network_modules: Option<Vec<String>>,
    pub extend_error_classes: Option<Vec<String>>,
    pub max_retries: Option<u32>,
    pub cache_dir: Option<PathBuf>,
    pub output_format: Option<String>,
}

/// Where the options sit in a file.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum ConfigKind {
    /// `pyproject.toml`: under `[tool.wirelint]`.
    Pyproject,
    /// `wirelint.toml`, `.wirelint.toml` or any other file: at the top level.
    Standalone,
}

impl ConfigKind {
    pub(crate) fn of(path: &Path) -> ConfigKind {
        if path
            .file_name()
            .is_some_and(|name| name == "pyproject.toml")
        {
            ConfigKind::Pyproject
        } else {
            ConfigKind::Standalone
        }
    }
}

/// The configuration file in `directory`, if it has one. A `pyproject.toml`
/// counts only when it has a `[tool.wirelint]` table; a `pyproject.toml` that
/// does not mention wirelint at all is not even parsed.
pub(crate) fn find_config_in(directory: &Path) -> Option<PathBuf> {
    CONFIG_FILE_NAMES.iter().find_map(|name| {
        let candidate = directory.join(name);
        let is_file = fs::metadata(&candidate).is_ok_and(|metadata| metadata.is_file());
        if !is_file {
            return None;
        }
        match ConfigKind::of(&candidate) {
            ConfigKind::Standalone => Some(candidate),
            // Unreadable or broken: let loading report it.
            ConfigKind::Pyproject => match read_regular_text(&candidate, MAX_CONFIG_BYTES) {
                Ok(text) if !text.contains("wirelint") => None,
                Ok(text) if !has_wirelint_table(&text) => None,
                _ => Some(candidate),
            },
        }
    })
}

/// Whether a `pyproject.toml`'s text has a `tool.wirelint` entry. Text that
/// is not valid TOML counts as having one, so that loading reports it.
fn has_wirelint_table(text: &str) -> bool {
    match DeTable::parse(text) {
        Ok(document) => wirelint_entry(document.get_ref()).is_some(),
        Err(_) => true,
    }
}

fn wirelint_entry<'a, 'i>(document: &'a DeTable<'i>) -> Option<&'a Spanned<DeValue<'i>>> {
    document.get("tool")?.get_ref().as_table()?.get("wirelint")
}

/// Reads and validates the configuration at `path`. A `pyproject.toml`
/// without `[tool.wirelint]` yields the default (empty) options.
/// `output_formats` are the names `output-format` may take (empty: any).
/// Only a regular file of at most [`MAX_CONFIG_BYTES`] is read.
pub(crate) fn load_config(
    path: &Path,
    output_formats: &[String],
) -> Result<Options, Vec<ConfigError>> {
    let text = read_regular_text(path, MAX_CONFIG_BYTES).map_err(|error| {
        let message = if error.is_not_found() {
            "configuration file does not exist".to_string()
        } else {
            format!("cannot read the configuration file: {error}")
        };
        vec![ConfigError {
            path: path.to_path_buf(),
            position: None,
            message,
        }]
    })?;
    parse_config(path, &text, ConfigKind::of(path), output_formats)
}

/// Parses and validates a configuration's text. Every problem is reported,
/// in the order of the file.
pub(crate) fn parse_config(
    path: &Path,
    text: &str,
    kind: ConfigKind,
    output_formats: &[String],
) -> Result<Options, Vec<ConfigError>> {
    let mut validator = Validator {
        path,
        text,
        output_formats,
        errors: Vec::new(),
    };
    let document = match DeTable::parse(text) {
        Ok(document) => document,
        Err(error) => {
            let span = error.span().unwrap_or(0..0);
            validator.error(span, format!("invalid TOML: {}", error.message().trim()));
            return Err(validator.errors);
        }
    };
    let (table, table_name) = match kind {
        ConfigKind::Standalone => (Some(document.get_ref()), None),
        ConfigKind::Pyproject => match wirelint_entry(document.get_ref()) {
            None => (None, Some("[tool.wirelint]")),
            Some(entry) => match entry.get_ref().as_table() {
                Some(table) => (Some(table), Some("[tool.wirelint]")),
                None => {
                    let found = describe(entry.get_ref());
                    validator.error(
                        entry.span(),
                        format!("`tool.wirelint` must be a table, found {found}"),
                    );
                    return Err(validator.errors);
                }
            },
        },
    };
    let options = match table {
        Some(table) => validator.options(table, table_name),
        None => Options::default(),
    };
    if validator.errors.is_empty() {
        Ok(options)
    } else {
        validator.errors.sort_by_key(|error| error.position);
        Err(validator.errors)
    }
}

/// The known key closest to `key`, when it is close enough to be a typo.
pub(crate) fn closest_key(key: &str) -> Option<&'static str> {
    let normalized = key.to_ascii_lowercase().replace('_', "-");
    CONFIG_KEYS
        .iter()
        .map(|known| (edit_distance(&normalized, known), *known))
        .filter(|(distance, known)| *distance <= 2 || *distance * 3 <= known.len())
        .min()
        .map(|(_, known)| known)
}

/// "a string", "an integer", ... for messages about wrong types.
fn describe(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// 1-based line and column (in characters) of a byte offset in `text`.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let offset = (0..=offset)
        .rev()
        .find(|index| text.is_char_boundary(*index))
        .unwrap_or(0);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Walks one configuration table, collecting options and errors.
struct Validator<'a> {
    path: &'a Path,
    text: &'a str,
    output_formats: &'a [String],
    errors: Vec<ConfigError>,
}

type Value<'i> = Spanned<DeValue<'i>>;

impl Validator<'_> {
    fn error(&mut self, span: Range<usize>, message: String) {
        self.errors.push(ConfigError {
            path: self.path.to_path_buf(),
            position: Some(line_and_column(self.text, span.start)),
            message,
        });
    }

    fn options(&mut self, table: &DeTable<'_>, table_name: Option<&str>) -> Options {
        let mut options = Options::default();
        for (key, value) in table {
            let name: &str = key.get_ref();
            match name {
                "select" => options.select = self.selectors(name, value),
                "extend-select" => options.extend_select = self.selectors(name, value),
                "ignore" => options.ignore = self.selectors(name, value),
                "per-file-ignores" => options.per_file_ignores = self.per_file_ignores(value),
                "include" => options.include = self.patterns(name, value),
                "exclude" => options.exclude = self.patterns(name, value),
                "extend-exclude" => options.extend_exclude = self.patterns(name, value),
                "force-exclude" => options.force_exclude = self.boolean(name, value),
                "respect-gitignore" => options.respect_gitignore = self.boolean(name, value),
                "preview" => options.preview = self.boolean(name, value),
                "extend-client-classes" => {
                    options.extend_client_classes = self.dotted_names(name, value);
                }
                "extend-network-modules" => {
                    options.extend_network_modules = self.dotted_names(name, value);
                }
                "extend-error-classes" => {
                    options.extend_error_classes = self.dotted_names(name, value);
                }
                "max-retries" => options.max_retries = self.count(name, value),
                "cache-dir" => {
                    options.cache_dir = self.string(name, value, "a path").map(PathBuf::from);
                }
                "output-format" => options.output_format = self.output_format(value),
                unknown => {
                    let place = table_name
                        .map(|table| format!(" in {table}"))
                        .unwrap_or_default();
                    let hint = closest_key(unknown)
                        .map(|known| format!(" (did you mean `{known}`?)"))
                        .unwrap_or_default();
                    self.error(key.span(), format!("unknown key `{unknown}`{place}{hint}"));
                }
            }
        }
        options
    }

    fn boolean(&mut self, key: &str, value: &Value<'_>) -> Option<bool> {
        match value.get_ref() {
            DeValue::Boolean(flag) => Some(*flag),
            other => {
                let found = describe(other);
                self.error(
                    value.span(),
                    format!("`{key}` must be `true` or `false`, found {found}"),
                );
                None
            }
        }
    }

    fn string(&mut self, key: &str, value: &Value<'_>, what: &str) -> Option<String> {
        match value.get_ref() {
            DeValue::String(text) => Some(text.to_string()),
            other => {
                let found = describe(other);
                self.error(
                    value.span(),
                    format!("`{key}` must be {what} (a string), found {found}"),
                );
                None
            }
        }
    }

    fn output_format(&mut self, value: &Value<'_>) -> Option<String> {
        let format = self.string("output-format", value, "a format name")?;
        if self.output_formats.is_empty() || self.output_formats.contains(&format) {
            return Some(format);
        }
        let hint = self
            .output_formats
            .iter()
            .map(|known| (edit_distance(&format, known), known))
            .filter(|(distance, _)| *distance <= 2)
            .min()
            .map(|(_, known)| format!(" (did you mean `{known}`?)"))
            .unwrap_or_default();
        self.error(
            value.span(),
            format!(
                "unknown `output-format` `{format}`{hint}; expected one of: {}",
                self.output_formats.join(", ")
            ),
        );
        None
    }

    fn count(&mut self, key: &str, value: &Value<'_>) -> Option<u32> {
        let DeValue::Integer(integer) = value.get_ref() else {
            let found = describe(value.get_ref());
            self.error(
                value.span(),
                format!("`{key}` must be a whole number of at least 0, found {found}"),
            );
            return None;
        };
        match u32::from_str_radix(integer.as_str(), integer.radix()) {
            Ok(count) => Some(count),
            Err(_) => {
                self.error(
                    value.span(),
                    format!(
                        "`{key}` must be a whole number from 0 to {}, found {}",
                        u32::MAX,
                        integer.as_str()
                    ),
                );
                None
            }
        }
    }

    /// The strings of a list, with their spans; `None` (after reporting)
    /// when the value is not a list of strings.
    fn strings<'v>(
        &mut self,
        key: &str,
        value: &'v Value<'_>,
        what: &str,
    ) -> Option<Vec<(&'v str, Range<usize>)>> {
        let Some(items) = value.get_ref().as_array() else {
            let found = describe(value.get_ref());
            self.error(
                value.span(),
                format!("`{key}` must be a list of {what}, found {found}"),
            );
            return None;
        };
        let mut strings = Vec::with_capacity(items.len());
        let mut all_strings = true;
        for item in items {
            match item.get_ref() {
                DeValue::String(text) => strings.push((text.as_ref(), item.span())),
                other => {
                    let found = describe(other);
                    self.error(
                        item.span(),
                        format!("`{key}` must be a list of {what}, found {found} in it"),
                    );
                    all_strings = false;
                }
            }
        }
        all_strings.then_some(strings)
    }

    fn selectors(&mut self, key: &str, value: &Value<'_>) -> Option<Vec<RuleSelector>> {
        let codes = self.strings(key, value, "rule codes (strings)")?;
        self.parse_selectors(key, codes)
    }

    fn parse_selectors(
        &mut self,
        key: &str,
        codes: Vec<(&str, Range<usize>)>,
    ) -> Option<Vec<RuleSelector>> {
        let mut selectors = Vec::with_capacity(codes.len());
        let mut all_known = true;
        for (code, span) in codes {
            match code.parse::<RuleSelector>() {
                Ok(selector) => selectors.push(selector),
                Err(unknown) => {
                    let hint = unknown
                        .suggestion
                        .map(|code| format!(" (did you mean `{code}`?)"))
                        .unwrap_or_default();
                    self.error(span, format!("unknown rule code `{code}` in `{key}`{hint}"));
                    all_known = false;
                }
            }
        }
        all_known.then_some(selectors)
    }

    fn patterns(&mut self, key: &str, value: &Value<'_>) -> Option<Vec<Pattern>> {
        let texts = self.strings(key, value, "glob patterns (strings)")?;
        let mut patterns = Vec::with_capacity(texts.len());
        let mut all_valid = true;
        for (text, span) in texts {
            match self.pattern(key, text, span) {
                Some(pattern) => patterns.push(pattern),
                None => all_valid = false,
            }
        }
        all_valid.then_some(patterns)
    }

    fn pattern(&mut self, key: &str, text: &str, span: Range<usize>) -> Option<Pattern> {
        match Pattern::new(text) {
            Ok(pattern) => Some(pattern),
            Err(error) => {
                self.error(
                    span,
                    format!("invalid glob `{text}` in `{key}`: {}", error.kind()),
                );
                None
            }
        }
    }

    fn per_file_ignores(&mut self, value: &Value<'_>) -> Option<Vec<(Pattern, Vec<RuleSelector>)>> {
        const KEY: &str = "per-file-ignores";
        let Some(table) = value.get_ref().as_table() else {
            let found = describe(value.get_ref());
            self.error(
                value.span(),
                format!(
                    "`{KEY}` must be a table of glob = [rule codes], \
                     e.g. `\"tests/**\" = [\"WL203\"]`, found {found}"
                ),
            );
            return None;
        };
        let mut entries = Vec::with_capacity(table.len());
        let mut all_valid = true;
        for (glob, codes) in table {
            let pattern = self.pattern(KEY, glob.get_ref(), glob.span());
            let selectors = self
                .strings(KEY, codes, "rule codes (strings)")
                .and_then(|codes| self.parse_selectors(KEY, codes));
            match (pattern, selectors) {
                (Some(pattern), Some(selectors)) => entries.push((pattern, selectors)),
                _ => all_valid = false,
            }
        }
        all_valid.then_some(entries)
    }

    fn dotted_names(&mut self, key: &str, value: &Value<'_>) -> Option<Vec<String>> {
        let names = self.strings(key, value, "dotted names (strings)")?;
        let mut valid = Vec::with_capacity(names.len());
        let mut all_valid = true;
        for (name, span) in names {
            if is_dotted_name(name) {
                valid.push(name.to_string());
            } else {
                self.error(
                    span,
                    format!(
                        "`{key}` takes dotted Python names like `acme.http.Client`, found `{name}`"
                    ),
                );
                all_valid = false;
            }
        }
        all_valid.then_some(valid)
    }
}

/// `acme.http.Client`: identifiers joined by dots.
fn is_dotted_name(name: &str) -> bool {
    name.split('.').all(|part| {
        let mut chars = part.chars();
        chars
            .next()
            .is_some_and(|first| first == '_' || first.is_alphabetic())
            && chars.all(|rest| rest == '_' || rest.is_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, kind: ConfigKind) -> Result<Options, Vec<ConfigError>> {
        let name = match kind {
            ConfigKind::Pyproject => "/repo/pyproject.toml",
            ConfigKind::Standalone => "/repo/wirelint.toml",
        };
        parse_config(Path::new(name), text, kind, &[])
    }

    fn errors(text: &str) -> Vec<String> {
        parse(text, ConfigKind::Standalone)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn codes(selectors: &[RuleSelector]) -> Vec<String> {
        selectors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn every_key_is_read() {
        let text = r#"
select = ["WL2"]
extend-select = ["wl101"]
ignore = ["WL203"]
include = ["*.py", "scripts/*"]
exclude = ["generated"]
extend-exclude = ["legacy/**"]
force-exclude = true
respect-gitignore = false
preview = true
extend-client-classes = ["acme.http.Client"]
extend-network-modules = ["acme_http"]
extend-error-classes = ["acme.errors.AcmeError"]
max-retries = 3
cache-dir = ".cache/wirelint"
output-format = "json"

[per-file-ignores]
"tests/**" = ["WL203", "WL2"]
"#;
        let options = parse(text, ConfigKind::Standalone).unwrap();
        assert_eq!(codes(&options.select.unwrap()), ["WL2"]);
        assert_eq!(codes(&options.extend_select.unwrap()), ["WL101"]);
        assert_eq!(codes(&options.ignore.unwrap()), ["WL203"]);
        let texts = |patterns: Vec<Pattern>| -> Vec<String> {
            patterns.into_iter().map(|pattern| pattern.text).collect()
        };
        assert_eq!(texts(options.include.unwrap()), ["*.py", "scripts/*"]);
        assert_eq!(texts(options.exclude.unwrap()), ["generated"]);
        assert_eq!(texts(options.extend_exclude.unwrap()), ["legacy/**"]);
        assert_eq!(options.force_exclude, Some(true));
        assert_eq!(options.respect_gitignore, Some(false));
        assert_eq!(options.preview, Some(true));
        assert_eq!(options.extend_client_classes.unwrap(), ["acme.http.Client"]);
        assert_eq!(options.extend_network_modules.unwrap(), ["acme_http"]);
        assert_eq!(
            options.extend_error_classes.unwrap(),
            ["acme.errors.AcmeError"]
        );
        assert_eq!(options.max_retries, Some(3));
        assert_eq!(options.cache_dir, Some(PathBuf::from(".cache/wirelint")));
        assert_eq!(options.output_format.as_deref(), Some("json"));
        let per_file = options.per_file_ignores.unwrap();
        assert_eq!(per_file.len(), 1);
        assert_eq!(per_file[0].0.text, "tests/**");
        assert_eq!(codes(&per_file[0].1), ["WL203", "WL2"]);
    }

    #[test]
    fn pyproject_options_live_under_tool_wirelint() {
        let text = "[project]\nname = \"x\"\n\n[tool.wirelint]\nselect = [\"WL2\"]\n";
        let options = parse(text, ConfigKind::Pyproject).unwrap();
        assert_eq!(codes(&options.select.unwrap()), ["WL2"]);
        // Other tools' tables are not ours to judge.
        let text = "[tool.ruff]\nselcet = 1\n[tool.wirelint]\npreview = true\n";
        assert_eq!(
            parse(text, ConfigKind::Pyproject).unwrap().preview,
            Some(true)
        );
        // Dotted keys work as well as table headers.
        let text = "tool.wirelint.max-retries = 2\n";
        assert_eq!(
            parse(text, ConfigKind::Pyproject).unwrap().max_retries,
            Some(2)
        );
    }

    #[test]
    fn an_unknown_key_names_file_line_column_and_a_suggestion() {
        let text =
            "[project]\nname = \"x\"\n\n[tool.wirelint]\npreview = true\n  selct = [\"WL2\"]\n";
        let found = parse(text, ConfigKind::Pyproject).unwrap_err();
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].to_string(),
            "/repo/pyproject.toml:6:3: unknown key `selct` in [tool.wirelint] \
             (did you mean `select`?)"
        );
        assert_eq!(
            errors("extend_select = []\n"),
            [
                "/repo/wirelint.toml:1:1: unknown key `extend_select` (did you mean `extend-select`?)"
            ]
        );
        assert_eq!(
            errors("colour = true\n"),
            ["/repo/wirelint.toml:1:1: unknown key `colour`"]
        );
    }

    #[test]
    fn wrong_types_name_the_key_and_what_was_found() {
        assert_eq!(
            errors("select = \"WL2\"\n"),
            [
                "/repo/wirelint.toml:1:10: `select` must be a list of rule codes (strings), found a string"
            ]
        );
        assert_eq!(
            errors("preview = \"yes\"\n"),
            ["/repo/wirelint.toml:1:11: `preview` must be `true` or `false`, found a string"]
        );
        assert_eq!(
            errors("max-retries = -1\n"),
            [
                "/repo/wirelint.toml:1:15: `max-retries` must be a whole number from 0 to 4294967295, found -1"
            ]
        );
        assert_eq!(
            errors("max-retries = 2.5\n"),
            [
                "/repo/wirelint.toml:1:15: `max-retries` must be a whole number of at least 0, found a float"
            ]
        );
        assert_eq!(
            errors("exclude = [\"a\", 3]\n"),
            [
                "/repo/wirelint.toml:1:17: `exclude` must be a list of glob patterns (strings), found an integer in it"
            ]
        );
        assert_eq!(
            errors("per-file-ignores = [\"x\"]\n"),
            [
                "/repo/wirelint.toml:1:20: `per-file-ignores` must be a table of glob = [rule codes], \
              e.g. `\"tests/**\" = [\"WL203\"]`, found a list"
            ]
        );
        assert_eq!(
            errors("cache-dir = 1\n"),
            ["/repo/wirelint.toml:1:13: `cache-dir` must be a path (a string), found an integer"]
        );
        assert_eq!(
            errors("extend-client-classes = [\"acme..Client\"]\n"),
            [
                "/repo/wirelint.toml:1:26: `extend-client-classes` takes dotted Python names like \
              `acme.http.Client`, found `acme..Client`"
            ]
        );
        let text = "[tool]\nwirelint = 3\n";
        let found = parse(text, ConfigKind::Pyproject).unwrap_err();
        assert_eq!(
            found[0].to_string(),
            "/repo/pyproject.toml:2:12: `tool.wirelint` must be a table, found an integer"
        );
    }

    #[test]
    fn unknown_codes_and_bad_globs_point_at_the_entry() {
        assert_eq!(
            errors("ignore = [\"WL201\",\n  \"WL2011\"]\n"),
            [
                "/repo/wirelint.toml:2:3: unknown rule code `WL2011` in `ignore` (did you mean `WL201`?)"
            ]
        );
        assert_eq!(
            errors("[per-file-ignores]\n\"tests/**\" = [\"E501\"]\n\"[x\" = [\"WL2\"]\n"),
            [
                "/repo/wirelint.toml:2:15: unknown rule code `E501` in `per-file-ignores`",
                "/repo/wirelint.toml:3:1: invalid glob `[x` in `per-file-ignores`: \
                 unclosed character class; missing ']'",
            ]
        );
        assert_eq!(
            errors("exclude = [\"{a,b\"]\n"),
            [
                "/repo/wirelint.toml:1:12: invalid glob `{a,b` in `exclude`: unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)"
            ]
        );
    }

    #[test]
    fn every_problem_is_reported_in_file_order() {
        let found = errors("zzz = 1\npreview = 1\nselect = [\"WL9999\"]\n");
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains(":1:1: unknown key `zzz`"));
        assert!(found[1].contains(":2:11: `preview`"));
        assert!(found[2].contains(":3:11: unknown rule code `WL9999`"));
    }

    #[test]
    fn output_format_must_be_a_known_name_when_names_are_given() {
        let formats = ["concise".to_string(), "json".to_string()];
        let path = Path::new("/repo/wirelint.toml");
        let text = "output-format = \"jsno\"\n";
        let errors = parse_config(path, text, ConfigKind::Standalone, &formats).unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "/repo/wirelint.toml:1:17: unknown `output-format` `jsno` (did you mean `json`?); \
             expected one of: concise, json"
        );
        let text = "output-format = \"json\"\n";
        let options = parse_config(path, text, ConfigKind::Standalone, &formats).unwrap();
        assert_eq!(options.output_format.as_deref(), Some("json"));
    }

    #[test]
    fn invalid_toml_is_reported_with_its_position() {
        let found = errors("select = [\"WL2\"\npreview = true\n");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with("/repo/wirelint.toml:2:1: invalid TOML:"),
            "{found:?}"
        );
    }

    #[test]
    fn a_pyproject_without_our_table_sets_nothing() {
        let options = parse("[tool.ruff]\nline-length = 100\n", ConfigKind::Pyproject).unwrap();
        assert!(options.select.is_none() && options.preview.is_none());
    }

    #[test]
    fn config_files_are_found_in_precedence_order() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        assert_eq!(find_config_in(root), None);
        fs::write(root.join("pyproject.toml"), "[project]\nname = \"x\"\n").unwrap();
        assert_eq!(find_config_in(root), None, "no [tool.wirelint]");
        fs::write(
            root.join("pyproject.toml"),
            "[project]\ndependencies = [\"wirelint\"]\n",
        )
        .unwrap();
        assert_eq!(find_config_in(root), None, "mentions wirelint, no table");
        fs::write(root.join("pyproject.toml"), "[tool.wirelint]\n").unwrap();
        assert_eq!(find_config_in(root), Some(root.join("pyproject.toml")));
        fs::write(root.join("wirelint.toml"), "").unwrap();
        assert_eq!(find_config_in(root), Some(root.join("wirelint.toml")));
        fs::write(root.join(".wirelint.toml"), "").unwrap();
        assert_eq!(find_config_in(root), Some(root.join(".wirelint.toml")));
    }

    #[test]
    fn a_broken_pyproject_that_mentions_wirelint_is_reported_not_skipped() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("pyproject.toml");
        fs::write(&path, "[tool.wirelint\nselect = [\"WL2\"]\n").unwrap();
        assert_eq!(find_config_in(temp.path()), Some(path.clone()));
        let errors = load_config(&path, &[]).unwrap_err();
        assert!(errors[0].message.starts_with("invalid TOML"), "{errors:?}");
        // Unrelated broken files are someone else's problem.
        fs::write(&path, "[project\n").unwrap();
        assert_eq!(find_config_in(temp.path()), None);
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let errors = load_config(Path::new("/nonexistent/wirelint.toml"), &[]).unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "/nonexistent/wirelint.toml: configuration file does not exist"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_a_device_or_a_huge_file_is_refused_without_reading_it() {
        let temp = tempfile::tempdir().unwrap();
        let fifo = temp.path().join("wirelint.toml");
        crate::test_support::make_fifo(&fifo);
        let errors = load_config(&fifo, &[]).unwrap_err();
        assert!(
            errors[0]
                .message
                .ends_with("it is a FIFO (named pipe), not a regular file"),
            "{errors:?}"
        );
        let errors = load_config(Path::new("/dev/zero"), &[]).unwrap_err();
        assert!(errors[0].message.contains("character device"), "{errors:?}");
        let zero = temp.path().join("pyproject.toml");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        assert!(load_config(&zero, &[]).is_err());
        // Not a configuration file to find, either.
        assert_eq!(find_config_in(temp.path()), None);

        let huge = temp.path().join("huge.toml");
        let mut text = "select = [\"WL2\"]\n".to_string();
        text.push_str(&"# padding\n".repeat(MAX_CONFIG_BYTES as usize / 5));
        fs::write(&huge, &text).unwrap();
        let errors = load_config(&huge, &[]).unwrap_err();
        assert!(
            errors[0]
                .message
                .contains("it is too large (2.0 MiB; the limit is 1.0 MiB)"),
            "{errors:?}"
        );
    }

    #[test]
    fn close_keys_are_suggested() {
        assert_eq!(closest_key("selct"), Some("select"));
        assert_eq!(closest_key("per_file_ignores"), Some("per-file-ignores"));
        assert_eq!(closest_key("max-retry"), Some("max-retries"));
        assert_eq!(closest_key("Preview"), Some("preview"));
        assert_eq!(closest_key("line-length"), None);
    }

    #[test]
    fn patterns_know_names_from_paths() {
        assert!(Pattern::new("*.py").unwrap().matches_names());
        assert!(Pattern::new("build/").unwrap().matches_names());
        assert!(!Pattern::new("./src/*.py").unwrap().matches_names());
        assert!(!Pattern::new("**/gen").unwrap().matches_names());
    }

    #[test]
    fn positions_count_characters() {
        assert_eq!(line_and_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_and_column("é = 1", 3), (1, 3));
        assert_eq!(line_and_column("", 10), (1, 1));
    }

    #[test]
    fn dotted_names() {
        assert!(is_dotted_name("acme.http.Client"));
        assert!(is_dotted_name("_private"));
        assert!(!is_dotted_name(""));
        assert!(!is_dotted_name("acme."));
        assert!(!is_dotted_name("1acme"));
        assert!(!is_dotted_name("acme-http"));
    }
}
