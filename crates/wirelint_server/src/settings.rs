//! The settings an editor gives the server (`initializationOptions`,
//! `workspace/configuration`, `workspace/didChangeConfiguration`): read
//! leniently from JSON, layered (a folder's over the global ones over the
//! initialization options), and resolved into what linting one document
//! needs. `select`, `extendSelect`, `ignore` and `preview` act like the
//! command line's flags: on top of the configuration file.

use std::path::{Path, PathBuf};

use lsp_types::DiagnosticSeverity;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use wirelint_linter::RuleSelector;
use wirelint_workspace::Overrides;

/// The section name clients file our settings under.
pub(crate) const SECTION: &str = "wirelint";

/// Every setting, unset when the client did not give it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ClientSettings {
    pub enable: Option<bool>,
    pub select: Option<Vec<RuleSelector>>,
    pub extend_select: Option<Vec<RuleSelector>>,
    pub ignore: Option<Vec<RuleSelector>>,
    pub preview: Option<bool>,
    pub configuration: Option<PathBuf>,
    pub unsafe_fixes: Option<bool>,
    pub severity: Option<Severity>,
}

/// The `severity` setting.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    fn parse(text: &str) -> Option<Severity> {
        match text.to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "information" | "info" => Some(Severity::Information),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }

    pub(crate) fn lsp(self) -> DiagnosticSeverity {
        match self {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Information => DiagnosticSeverity::INFORMATION,
            Severity::Hint => DiagnosticSeverity::HINT,
        }
    }
}

impl ClientSettings {
    /// Reads settings from `value`: an object of settings, or an object
    /// with them under `wirelint`; `null` is no setting at all. A value of
    /// the wrong type, an unknown rule selector or an unknown key is
    /// described in the returned problems and otherwise ignored: the other
    /// settings still apply.
    pub(crate) fn from_json(value: &Value) -> (ClientSettings, Vec<String>) {
        let mut settings = ClientSettings::default();
        let mut problems = Vec::new();
        let object = match value {
            Value::Null => return (settings, problems),
            Value::Object(object) => match object.get(SECTION) {
                Some(Value::Object(inner)) => inner,
                Some(Value::Null) => return (settings, problems),
                _ => object,
            },
            other => {
                problems.push(format!("settings must be an object, not `{other}`"));
                return (settings, problems);
            }
        };
        let mut reader = Reader {
            object,
            problems: &mut problems,
        };
        settings.enable = reader.get("enable");
        settings.select = reader.selectors("select");
        settings.extend_select = reader.selectors("extendSelect");
        settings.ignore = reader.selectors("ignore");
        settings.preview = reader.get("preview");
        settings.configuration = reader.get::<String>("configuration").map(PathBuf::from);
        settings.unsafe_fixes = reader.get("unsafeFixes");
        settings.severity = reader.get::<String>("severity").and_then(|text| {
            let severity = Severity::parse(&text);
            if severity.is_none() {
                reader.problems.push(format!(
                    "`severity` must be \"error\", \"warning\", \"information\" or \"hint\", not \"{text}\""
                ));
            }
            severity
        });
        for key in object.keys() {
            if !KEYS.contains(&key.as_str()) {
                problems.push(format!("unknown setting `{key}`"));
            }
        }
        (settings, problems)
    }

    /// Each setting from `self`, or else from `fallback`.
    pub(crate) fn or(&self, fallback: &ClientSettings) -> ClientSettings {
        ClientSettings {
            enable: self.enable.or(fallback.enable),
            select: self.select.clone().or_else(|| fallback.select.clone()),
            extend_select: self
                .extend_select
                .clone()
                .or_else(|| fallback.extend_select.clone()),
            ignore: self.ignore.clone().or_else(|| fallback.ignore.clone()),
            preview: self.preview.or(fallback.preview),
            configuration: self
                .configuration
                .clone()
                .or_else(|| fallback.configuration.clone()),
            unsafe_fixes: self.unsafe_fixes.or(fallback.unsafe_fixes),
            severity: self.severity.or(fallback.severity),
        }
    }

    /// The settings with defaults filled in; a relative `configuration` is
    /// relative to `base` (the workspace folder).
    pub(crate) fn resolve(&self, base: &Path) -> ResolvedSettings {
        ResolvedSettings {
            enable: self.enable.unwrap_or(true),
            overrides: Overrides {
                select: self.select.clone(),
                extend_select: self.extend_select.clone().unwrap_or_default(),
                ignore: self.ignore.clone().unwrap_or_default(),
                preview: self.preview,
                ..Overrides::default()
            },
            configuration: self.configuration.as_ref().map(|path| base.join(path)),
            unsafe_fixes: self.unsafe_fixes.unwrap_or(false),
            severity: self.severity.unwrap_or(Severity::Warning),
        }
    }
}

/// The keys [`ClientSettings::from_json`] reads.
const KEYS: [&str; 8] = [
    "enable",
    "select",
    "extendSelect",
    "ignore",
    "preview",
    "configuration",
    "unsafeFixes",
    "severity",
];

/// What linting needs from the client's settings, defaults filled in.
#[derive(Clone, Debug)]
pub(crate) struct ResolvedSettings {
    /// `false` turns every diagnostic off.
    pub enable: bool,
    /// `select`, `extendSelect`, `ignore` and `preview`, applied on top of
    /// the configuration like the command line's flags.
    pub overrides: Overrides,
    /// A configuration file for every file of the folder (absolute).
    pub configuration: Option<PathBuf>,
    /// Offer unsafe fixes as quick fixes.
    pub unsafe_fixes: bool,
    pub severity: Severity,
}

/// Reads one key at a time, recording what is wrong.
struct Reader<'a> {
    object: &'a Map<String, Value>,
    problems: &'a mut Vec<String>,
}

impl Reader<'_> {
    /// The value of `key`; `None` when absent, `null` or of the wrong type.
    fn get<T: DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        let value = self.object.get(key)?;
        if value.is_null() {
            return None;
        }
        match T::deserialize(value) {
            Ok(value) => Some(value),
            Err(error) => {
                self.problems
                    .push(format!("setting `{key}` is ignored: {error}"));
                None
            }
        }
    }

    /// A list of rule selectors; unknown selectors are dropped and reported.
    fn selectors(&mut self, key: &str) -> Option<Vec<RuleSelector>> {
        let texts: Vec<String> = self.get(key)?;
        let mut selectors = Vec::with_capacity(texts.len());
        for text in texts {
            match text.parse::<RuleSelector>() {
                Ok(selector) => selectors.push(selector),
                Err(error) => self.problems.push(format!("setting `{key}`: {error}")),
            }
        }
        Some(selectors)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn codes(selectors: &Option<Vec<RuleSelector>>) -> Option<Vec<String>> {
        selectors
            .as_ref()
            .map(|selectors| selectors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn reads_every_setting() {
        let (settings, problems) = ClientSettings::from_json(&json!({
            "enable": false,
            "select": ["WL2"],
            "extendSelect": ["wl101"],
            "ignore": ["WL203"],
            "preview": true,
            "configuration": "conf/wirelint.toml",
            "unsafeFixes": true,
            "severity": "Hint",
        }));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(settings.enable, Some(false));
        assert_eq!(codes(&settings.select), Some(vec!["WL2".into()]));
        assert_eq!(codes(&settings.extend_select), Some(vec!["WL101".into()]));
        assert_eq!(codes(&settings.ignore), Some(vec!["WL203".into()]));
        assert_eq!(settings.preview, Some(true));
        assert_eq!(settings.unsafe_fixes, Some(true));
        assert_eq!(settings.severity, Some(Severity::Hint));
        let resolved = settings.resolve(Path::new("/proj"));
        assert_eq!(
            resolved.configuration,
            Some(PathBuf::from("/proj/conf/wirelint.toml"))
        );
        assert!(!resolved.enable && resolved.unsafe_fixes);
        assert_eq!(resolved.overrides.preview, Some(true));
    }

    #[test]
    fn settings_may_sit_under_the_section_name() {
        let (settings, problems) =
            ClientSettings::from_json(&json!({"wirelint": {"ignore": ["WL2"]}}));
        assert!(problems.is_empty());
        assert_eq!(codes(&settings.ignore), Some(vec!["WL2".into()]));
        let (settings, _) = ClientSettings::from_json(&json!({"wirelint": null}));
        assert_eq!(settings, ClientSettings::default());
    }

    #[test]
    fn bad_values_are_reported_and_the_rest_still_applies() {
        let (settings, problems) = ClientSettings::from_json(&json!({
            "select": ["WL2", "WL2011", "E501"],
            "preview": "yes",
            "severity": "loud",
            "selct": [],
            "unsafeFixes": true,
        }));
        assert_eq!(codes(&settings.select), Some(vec!["WL2".into()]));
        assert_eq!(settings.preview, None);
        assert_eq!(settings.severity, None);
        assert_eq!(settings.unsafe_fixes, Some(true));
        let problems = problems.join("\n");
        for expected in [
            "WL2011",
            "did you mean `WL201`",
            "E501",
            "`preview`",
            "loud",
            "`selct`",
        ] {
            assert!(problems.contains(expected), "{expected} in {problems}");
        }
        let (_, problems) = ClientSettings::from_json(&json!([1, 2]));
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn defaults_and_layering() {
        let resolved = ClientSettings::default().resolve(Path::new("/"));
        assert!(resolved.enable && !resolved.unsafe_fixes);
        assert_eq!(resolved.severity, Severity::Warning);
        assert!(resolved.overrides.select.is_none() && resolved.configuration.is_none());

        let folder = ClientSettings {
            severity: Some(Severity::Error),
            ..ClientSettings::default()
        };
        let global = ClientSettings {
            severity: Some(Severity::Hint),
            preview: Some(true),
            ..ClientSettings::default()
        };
        let layered = folder.or(&global);
        assert_eq!(layered.severity, Some(Severity::Error));
        assert_eq!(layered.preview, Some(true));
    }
}
