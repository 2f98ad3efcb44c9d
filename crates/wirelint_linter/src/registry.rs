//! The rule registry. Each rule file declares the rule itself (its
//! `RuleDef`, defined in `rules/mod.rs`: code, name, family, status, summary,
//! markers, fix availability, hooks); the build script lists every rule
//! file, in code order, and the `register_rules!` macro turns the list into
//! the [`Rule`] enum (variants named after the rules: `missing-timeout` is
//! `Rule::MissingTimeout`), the [`RULES`] table everything else reads
//! (selection, `wirelint rule`, the README table, SARIF rule metadata, the
//! Python `rules()` list) and the hook dispatch the checker calls. Adding a
//! rule touches nothing here.

use std::fmt;

use ruff_python_ast::{
    ExceptHandlerExceptHandler, Expr, ExprCall, ExprDict, ExprName, Stmt, StmtClassDef,
    StmtFunctionDef,
};

use crate::checker::Checker;
use crate::rules::RuleDef;
use crate::semantic::CallTarget;

/// A group of rules sharing a code prefix (`WL2` is timeouts). The variant,
/// the rules' folder (`rules/<name>/`) and the fixtures' folder share one
/// name, [`Family::name`]; the title is the catalog's heading.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    Internal,
    Lifecycle,
    Timeouts,
    Retries,
    Errors,
    Streaming,
    Secrets,
    Configuration,
    Concurrency,
    StructuredOutputs,
}

impl Family {
    /// The family's name: its folder below `src/rules/` and
    /// `resources/fixtures/`.
    pub const fn name(self) -> &'static str {
        match self {
            Family::Internal => "internal",
            Family::Lifecycle => "lifecycle",
            Family::Timeouts => "timeouts",
            Family::Retries => "retries",
            Family::Errors => "errors",
            Family::Streaming => "streaming",
            Family::Secrets => "secrets",
            Family::Configuration => "configuration",
            Family::Concurrency => "concurrency",
            Family::StructuredOutputs => "structured_outputs",
        }
    }

    /// The family's heading in the rule catalog, shown to users.
    pub const fn title(self) -> &'static str {
        match self {
            Family::Internal => "parse errors and internals",
            Family::Lifecycle => "client lifecycle",
            Family::Timeouts => "timeouts",
            Family::Retries => "retries",
            Family::Errors => "errors",
            Family::Streaming => "streaming",
            Family::Secrets => "secrets and logging",
            Family::Configuration => "configuration",
            Family::Concurrency => "async and observability",
            Family::StructuredOutputs => "structured outputs and pagination",
        }
    }

    /// The code prefix shared by the family's rules, e.g. `WL2`.
    pub const fn prefix(self) -> &'static str {
        match self {
            Family::Internal => "WL0",
            Family::Lifecycle => "WL1",
            Family::Timeouts => "WL2",
            Family::Retries => "WL3",
            Family::Errors => "WL4",
            Family::Streaming => "WL5",
            Family::Secrets => "WL6",
            Family::Configuration => "WL7",
            Family::Concurrency => "WL8",
            Family::StructuredOutputs => "WL9",
        }
    }
}

/// Whether a rule runs by default.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Runs by default.
    Stable,
    /// Runs only with `--preview` / `preview = true`.
    Preview,
    /// Always reported, cannot be deselected (syntax and read errors).
    Always,
}

impl Status {
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Stable => "stable",
            Status::Preview => "preview",
            Status::Always => "always",
        }
    }
}

/// A fast-path marker: text of which one occurrence in a file lets a rule
/// fire there.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Marker {
    /// This word.
    Word(&'static str),
    /// The name of any network module (built in or `extend-network-modules`)
    /// or stdlib HTTP module.
    NetworkImport,
    /// The class name of any `extend-error-classes` entry.
    ErrorClass,
}

/// Whether a rule's findings come with a fix.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    /// Some findings have a fix of this applicability.
    Sometimes(crate::diagnostic::Applicability),
    /// Every finding has a fix of this applicability.
    Always(crate::diagnostic::Applicability),
}

/// One row of the registry: what the rule file declares, plus where it is.
#[derive(Debug)]
pub struct RuleInfo {
    pub rule: Rule,
    pub code: &'static str,
    pub name: &'static str,
    pub family: Family,
    pub status: Status,
    /// Fires only in network modules (a *boundary* rule, as `docs/policy.md`
    /// defines them).
    pub boundary: bool,
    pub summary: &'static str,
    pub markers: &'static [Marker],
    pub fix: FixAvailability,
    /// Path below `src/` of the rule's file, whose `//!` comment documents
    /// the rule (derived from its registration line).
    pub source_file: &'static str,
}

impl RuleInfo {
    const fn of(rule: Rule, def: &RuleDef, source_file: &'static str) -> RuleInfo {
        RuleInfo {
            rule,
            code: def.code,
            name: def.name,
            family: def.family,
            status: def.status,
            boundary: def.boundary,
            summary: def.summary,
            markers: def.markers,
            fix: def.fix,
            source_file,
        }
    }
}

/// Registers the rules: `Variant => family::file,` per rule, in code order
/// (the build script writes the list).
/// Generates the [`Rule`] enum, [`RULES`] and [`dispatch`], and refuses to
/// compile a rule with hooks but no fast-path markers.
macro_rules! register_rules {
    ($($variant:ident => $family:ident :: $file:ident,)+) => {
        /// Every rule wirelint knows. The discriminant indexes the registry,
        /// `RULES`.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $($variant,)+
        }

        /// The registry, in code order. `RULES[rule as usize].rule == rule`.
        pub(crate) const RULES: &[RuleInfo] = &[
            $(RuleInfo::of(
                Rule::$variant,
                &crate::rules::$family::$file::RULE,
                concat!("rules/", stringify!($family), "/", stringify!($file), ".rs"),
            ),)+
        ];

        $(const _: () = {
            let def = &crate::rules::$family::$file::RULE;
            assert!(
                def.hooks.is_none() || !def.markers.is_empty(),
                concat!(stringify!($variant), " has hooks but no fast-path markers")
            );
        };)+

        /// Calls the enabled rules' hooks, in registry order. A rule without
        /// a hook costs nothing: the check is resolved at compile time.
        pub(crate) mod dispatch {
            use super::*;

            pub(crate) fn stmt(checker: &mut Checker, stmt: &Stmt) {
                $(if let Some(hook) = const { crate::rules::$family::$file::RULE.hooks.stmt } {
                    if checker.enabled(Rule::$variant) {
                        hook(checker, stmt);
                    }
                })+
            }

            pub(crate) fn class(checker: &mut Checker, class: &StmtClassDef) {
                $(if let Some(hook) = const { crate::rules::$family::$file::RULE.hooks.class } {
                    if checker.enabled(Rule::$variant) {
                        hook(checker, class);
                    }
                })+
            }

            pub(crate) fn dict(checker: &mut Checker, dict: &ExprDict) {
                $(if let Some(hook) = const { crate::rules::$family::$file::RULE.hooks.dict } {
                    if checker.enabled(Rule::$variant) {
                        hook(checker, dict);
                    }
                })+
            }

            pub(crate) fn name(checker: &mut Checker, name: &ExprName) {
                $(if let Some(hook) = const { crate::rules::$family::$file::RULE.hooks.name } {
                    if checker.enabled(Rule::$variant) {
                        hook(checker, name);
                    }
                })+
            }

            pub(crate) fn expr(checker: &mut Checker, expr: &Expr) {
                $(if let Some(hook) = const { crate::rules::$family::$file::RULE.hooks.expr } {
                    if checker.enabled(Rule::$variant) {
                        hook(checker, expr);
                    }
                })+
            }

            pub(crate) fn call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
                $(if let Some(hook) = const { crate::rules::$family::$file::RULE.hooks.call } {
                    if checker.enabled(Rule::$variant) {
                        hook(checker, call, target);
                    }
                })+
            }

            pub(crate) fn enter_function(checker: &mut Checker, function: &StmtFunctionDef) {
                $(if let Some(hook) = const { crate::rules::$family::$file::RULE.hooks.enter_function } {
                    if checker.enabled(Rule::$variant) {
                        hook(checker, function);
                    }
                })+
            }

            pub(crate) fn leave_function(checker: &mut Checker, function: &StmtFunctionDef) {
                $(if let Some(hook) = const { crate::rules::$family::$file::RULE.hooks.leave_function } {
                    if checker.enabled(Rule::$variant) {
                        hook(checker, function);
                    }
                })+
            }

            pub(crate) fn leave_body(checker: &mut Checker) {
                $(if let Some(hook) = const { crate::rules::$family::$file::RULE.hooks.leave_body } {
                    if checker.enabled(Rule::$variant) {
                        hook(checker);
                    }
                })+
            }

            pub(crate) fn enter_handler(checker: &mut Checker, handler: &ExceptHandlerExceptHandler) {
                $(if let Some(hook) = const { crate::rules::$family::$file::RULE.hooks.enter_handler } {
                    if checker.enabled(Rule::$variant) {
                        hook(checker, handler);
                    }
                })+
            }

            pub(crate) fn leave_handler(checker: &mut Checker, handler: &ExceptHandlerExceptHandler) {
                $(if let Some(hook) = const { crate::rules::$family::$file::RULE.hooks.leave_handler } {
                    if checker.enabled(Rule::$variant) {
                        hook(checker, handler);
                    }
                })+
            }

            pub(crate) fn finish(checker: &mut Checker) {
                $(if let Some(hook) = const { crate::rules::$family::$file::RULE.hooks.finish } {
                    if checker.enabled(Rule::$variant) {
                        hook(checker);
                    }
                })+
            }
        }
    };
}

// Every rule file (`rules/<family>/<file>.rs` declaring `RULE`) is
// registered here, in code order, by the build script: declaring the file's
// module in its family's `mod.rs` is the rule's registration line.
include!(concat!(env!("OUT_DIR"), "/registered_rules.rs"));

include!(concat!(env!("OUT_DIR"), "/rule_docs.rs"));

impl Rule {
    pub fn info(self) -> &'static RuleInfo {
        &RULES[self as usize]
    }
    pub fn code(self) -> &'static str {
        self.info().code
    }
    pub fn name(self) -> &'static str {
        self.info().name
    }
    pub fn family(self) -> Family {
        self.info().family
    }
    pub fn status(self) -> Status {
        self.info().status
    }
    pub fn summary(self) -> &'static str {
        self.info().summary
    }
    /// The rule's user documentation: its source file's `//!` comment.
    pub fn docs(self) -> &'static str {
        rule_doc_for_file(self.info().source_file)
    }
    /// Every rule, in code order.
    pub fn all() -> impl Iterator<Item = Rule> {
        RULES.iter().map(|info| info.rule)
    }
    /// Looks a rule up by its exact code (case-insensitive).
    pub fn from_code(code: &str) -> Option<Rule> {
        RULES
            .iter()
            .find(|info| info.code.eq_ignore_ascii_case(code))
            .map(|info| info.rule)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_indexed_by_discriminant() {
        for (index, info) in RULES.iter().enumerate() {
            assert_eq!(info.rule as usize, index, "{} is out of place", info.code);
        }
    }

    #[test]
    fn codes_and_names_are_unique_and_sorted() {
        for pair in RULES.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        let mut names: Vec<_> = RULES.iter().map(|info| info.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RULES.len());
    }

    #[test]
    fn every_code_starts_with_its_family_prefix() {
        for info in RULES {
            assert!(info.code.starts_with(info.family.prefix()), "{}", info.code);
        }
    }

    #[test]
    fn every_rule_lives_in_its_family_folder() {
        for info in RULES {
            let folder = format!("rules/{}/", info.family.name());
            assert!(
                info.source_file.starts_with(&folder),
                "{} is declared in family {:?} but lives in {}",
                info.code,
                info.family,
                info.source_file
            );
        }
    }

    #[test]
    fn only_engine_reported_rules_have_no_markers() {
        for info in RULES {
            let engine_reported = info.family == Family::Internal;
            assert_eq!(
                info.markers.is_empty(),
                engine_reported,
                "{}: only WL0 rules, which the engine reports itself, go without markers",
                info.code
            );
        }
    }

    #[test]
    fn every_rule_has_documentation_in_the_agreed_shape() {
        for rule in Rule::all() {
            let docs = rule.docs();
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
            ] {
                assert!(
                    docs.contains(heading),
                    "{} docs lack {heading:?}",
                    rule.code()
                );
            }
        }
    }

    #[test]
    fn from_code_is_case_insensitive_and_exact() {
        assert_eq!(Rule::from_code("wl201"), Some(Rule::ScalarTimeout));
        assert_eq!(Rule::from_code("WL20"), None);
    }
}
