//! What the engine needs to know about a run: which rules are enabled and the
//! project's own additions to the built-in client, module and error lists.
//! Rule selectors (`WL2`, `WL20`, `WL201`, `ALL`) are parsed and resolved here.

use std::fmt;
use std::str::FromStr;

use crate::registry::{RULES, Rule, Status};

/// A set of rules, as a bitset over [`Rule`]'s discriminants.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RuleSet(u128);

impl RuleSet {
    pub const fn empty() -> Self {
        RuleSet(0)
    }
    pub fn insert(&mut self, rule: Rule) {
        self.0 |= 1 << rule as u32;
    }
    pub fn remove(&mut self, rule: Rule) {
        self.0 &= !(1 << rule as u32);
    }
    pub const fn contains(&self, rule: Rule) -> bool {
        self.0 & (1 << rule as u32) != 0
    }
    pub fn iter(&self) -> impl Iterator<Item = Rule> + '_ {
        Rule::all().filter(|rule| self.contains(*rule))
    }
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }
}

impl FromIterator<Rule> for RuleSet {
    fn from_iter<T: IntoIterator<Item = Rule>>(iter: T) -> Self {
        let mut set = RuleSet::empty();
        for rule in iter {
            set.insert(rule);
        }
        set
    }
}

/// A code or code prefix naming rules: `ALL`, `WL`, `WL2`, `WL20`, `WL201`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RuleSelector {
    prefix: String,
}

impl RuleSelector {
    pub fn all() -> Self {
        RuleSelector {
            prefix: "WL".to_string(),
        }
    }
    pub fn matches(&self, rule: Rule) -> bool {
        rule.code().starts_with(&self.prefix)
    }
    /// Longer prefixes are more specific; `ALL` is the least specific.
    fn specificity(&self) -> usize {
        self.prefix.len()
    }
    pub fn as_str(&self) -> &str {
        &self.prefix
    }
}

impl fmt::Display for RuleSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.prefix)
    }
}

/// A selector that names no rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownSelector {
    pub selector: String,
    pub suggestion: Option<&'static str>,
}

impl fmt::Display for UnknownSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown rule selector `{}`", self.selector)?;
        if let Some(suggestion) = self.suggestion {
            write!(f, " (did you mean `{suggestion}`?)")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownSelector {}

impl FromStr for RuleSelector {
    type Err = UnknownSelector;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let upper = text.trim().to_ascii_uppercase();
        if upper == "ALL" {
            return Ok(RuleSelector::all());
        }
        if upper.len() >= 2 && RULES.iter().any(|info| info.code.starts_with(&upper)) {
            return Ok(RuleSelector { prefix: upper });
        }
        Err(UnknownSelector {
            selector: text.to_string(),
            suggestion: closest_code(&upper),
        })
    }
}

/// The registered code closest to `text` by edit distance, if any is close.
/// Only `WL…` text gets a suggestion: `E501` is another tool's code, not a
/// typo of `WL501`.
pub fn closest_code(text: &str) -> Option<&'static str> {
    if !text
        .get(..2)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("WL"))
    {
        return None;
    }
    RULES
        .iter()
        .map(|info| (edit_distance(text, info.code), info.code))
        .filter(|(distance, _)| *distance <= 2)
        .min()
        .map(|(_, code)| code)
}

/// Levenshtein distance between two short strings.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b_chars: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b_chars.len()).collect();
    for (i, a_char) in a.chars().enumerate() {
        let mut current = vec![i + 1; b_chars.len() + 1];
        for (j, b_char) in b_chars.iter().enumerate() {
            let substitution = previous[j] + usize::from(a_char != *b_char);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b_chars.len()]
}

/// Which rules a run enables, as the user wrote it.
#[derive(Clone, Debug, Default)]
pub struct RuleSelection {
    /// Replaces the default (every stable rule) when given.
    pub select: Option<Vec<RuleSelector>>,
    pub extend_select: Vec<RuleSelector>,
    pub ignore: Vec<RuleSelector>,
    pub preview: bool,
}

impl RuleSelection {
    /// Resolves to a rule set. For each rule the most specific matching
    /// selector decides; on a tie, `ignore` wins. Preview rules need
    /// `preview`; rules with [`Status::Always`] are always on.
    pub fn resolve(&self) -> RuleSet {
        let default_select = [RuleSelector::all()];
        let select = self.select.as_deref().unwrap_or(&default_select);
        let mut set = RuleSet::empty();
        for rule in Rule::all() {
            let enabled = match rule.status() {
                Status::Always => true,
                Status::Preview if !self.preview => false,
                Status::Stable | Status::Preview => {
                    let selected = select
                        .iter()
                        .chain(&self.extend_select)
                        .filter(|selector| selector.matches(rule))
                        .map(RuleSelector::specificity)
                        .max();
                    let ignored = self
                        .ignore
                        .iter()
                        .filter(|selector| selector.matches(rule))
                        .map(RuleSelector::specificity)
                        .max();
                    match (selected, ignored) {
                        (Some(selected), Some(ignored)) => selected > ignored,
                        (Some(_), None) => true,
                        (None, _) => false,
                    }
                }
            };
            if enabled {
                set.insert(rule);
            }
        }
        set
    }
}

/// Everything the engine reads besides the source text.
#[derive(Clone, Debug)]
pub struct LinterSettings {
    pub rules: RuleSet,
    /// Qualified names of project client classes (`acme.http.Client`).
    pub extend_client_classes: Vec<String>,
    /// Top-level modules that make a module a network module.
    pub extend_network_modules: Vec<String>,
    /// Qualified names of project or third-party network error classes.
    pub extend_error_classes: Vec<String>,
    /// The cap WL308 enforces on retry counts.
    pub max_retries: u32,
}

impl Default for LinterSettings {
    fn default() -> Self {
        Self {
            rules: RuleSelection::default().resolve(),
            extend_client_classes: Vec::new(),
            extend_network_modules: Vec::new(),
            extend_error_classes: Vec::new(),
            max_retries: 5,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selectors(codes: &[&str]) -> Vec<RuleSelector> {
        codes.iter().map(|code| code.parse().unwrap()).collect()
    }

    #[test]
    fn default_enables_stable_rules_only() {
        let set = RuleSelection::default().resolve();
        assert!(set.contains(Rule::ScalarTimeout));
        assert!(!set.contains(Rule::TimeoutWithoutPool));
        assert!(set.contains(Rule::SyntaxError));
    }

    #[test]
    fn preview_enables_preview_rules() {
        let selection = RuleSelection {
            preview: true,
            ..Default::default()
        };
        assert!(selection.resolve().contains(Rule::TimeoutWithoutPool));
    }

    #[test]
    fn more_specific_selector_wins() {
        let selection = RuleSelection {
            select: Some(selectors(&["WL201"])),
            ignore: selectors(&["WL2"]),
            ..Default::default()
        };
        let set = selection.resolve();
        assert!(set.contains(Rule::ScalarTimeout));
        assert!(!set.contains(Rule::MissingTimeout));
    }

    #[test]
    fn ignore_wins_a_tie_and_cannot_remove_parse_errors() {
        let selection = RuleSelection {
            select: Some(selectors(&["WL2"])),
            ignore: selectors(&["WL2", "WL0"]),
            ..Default::default()
        };
        let set = selection.resolve();
        assert!(!set.contains(Rule::ScalarTimeout));
        assert!(set.contains(Rule::SyntaxError));
    }

    #[test]
    fn selectors_are_prefixes_of_known_codes() {
        assert!("wl20".parse::<RuleSelector>().is_ok());
        assert!("ALL".parse::<RuleSelector>().is_ok());
        let error = "WL2011".parse::<RuleSelector>().unwrap_err();
        assert_eq!(error.suggestion, Some("WL201"));
        assert!("E501".parse::<RuleSelector>().is_err());
        assert!("W".parse::<RuleSelector>().is_err());
    }
}
