//! WL4: errors. Vanilla exceptions at a network boundary, network errors
//! converted into builtins, more than one exception root, a base error that
//! stores no context, log-and-reraise, and swallowed validation errors.
//!
//! The `except` handlers the traversal is in come from the model's stack of
//! enclosing statements ([`crate::semantic::statements`]). Function bodies
//! are visited after their enclosing scope is complete, so every open
//! handler belongs to the function (or module) being visited: a `raise` in a
//! nested function is never seen while its enclosing handler is open.

pub(crate) mod error_context_dropped;
pub(crate) mod error_missing_context;
pub(crate) mod log_and_reraise;
pub(crate) mod multiple_error_roots;
pub(crate) mod swallowed_validation_error;
pub(crate) mod vanilla_error_at_boundary;

use crate::checker::Checker;

/// The network error the innermost open `except` handler catches, as named
/// in messages (`httpx.ReadTimeout`).
pub(crate) fn innermost_network_error(checker: &Checker) -> Option<String> {
    let handler = checker.semantic.statements.innermost_handler()?;
    checker
        .semantic
        .caught_network_error(handler.type_.as_deref()?)
}

/// Whether the innermost open handler catches a network error or
/// `ImportError` / `ModuleNotFoundError` (an optional import's fallback).
pub(crate) fn innermost_catches_network_or_import_error(checker: &Checker) -> bool {
    let Some(handler) = checker.semantic.statements.innermost_handler() else {
        return false;
    };
    let Some(handler_type) = handler.type_.as_deref() else {
        return false;
    };
    checker
        .semantic
        .caught_network_error(handler_type)
        .is_some()
        || checker
            .semantic
            .catches_builtin(handler_type, &["ImportError", "ModuleNotFoundError"])
}

#[cfg(test)]
mod tests {
    use crate::settings::{LinterSettings, RuleSelection};
    use crate::{Diagnostic, Location, lint_source};

    fn check(source: &str, code: &str, extend_error_classes: &[&str]) -> Vec<Diagnostic> {
        let selection = RuleSelection {
            select: Some(vec![code.parse().unwrap()]),
            preview: true,
            ..Default::default()
        };
        let settings = LinterSettings {
            rules: selection.resolve(),
            extend_error_classes: extend_error_classes
                .iter()
                .map(std::string::ToString::to_string)
                .collect(),
            ..LinterSettings::default()
        };
        lint_source(source, &settings)
    }

    fn span(diagnostic: &Diagnostic) -> ((usize, usize), (usize, usize)) {
        let Location { row, column } = diagnostic.location;
        let end = diagnostic.end_location;
        ((row, column), (end.row, end.column))
    }

    #[test]
    fn the_policy_shapes_pass_every_wl4_and_wl9_rule() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/resources/fixtures/errors/WL405_policy.py"
        );
        let source = std::fs::read_to_string(path).unwrap();
        let selection = RuleSelection {
            select: Some(vec!["WL4".parse().unwrap(), "WL9".parse().unwrap()]),
            preview: true,
            ..Default::default()
        };
        let settings = LinterSettings {
            rules: selection.resolve(),
            ..LinterSettings::default()
        };
        let found = lint_source(&source, &settings);
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn vanilla_error_points_at_the_raised_call() {
        let source =
            "import httpx\ndef f(url):\n    httpx.get(url)\n    raise RuntimeError(\"boom\")\n";
        let found = check(source, "WL401", &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(span(&found[0]), ((4, 11), (4, 31)));
        assert!(
            found[0].message.contains("`RuntimeError`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn context_dropped_names_the_caught_error_and_the_builtin() {
        let source = "\
import httpx
def f(client):
    try:
        client.get('/')
    except (KeyError, httpx.ReadTimeout) as error:
        raise ValueError('slow') from error
";
        let found = check(source, "WL402", &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(span(&found[0]), ((6, 15), (6, 33)));
        assert!(
            found[0]
                .message
                .contains("`ValueError` raised inside `except httpx.ReadTimeout`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn project_error_classes_extend_the_network_errors() {
        // The module imports no network library: the class name alone lets
        // the file past the fast path.
        let source = "\
from acme.errors import ApiError
def f(call):
    try:
        call()
    except ApiError:
        raise RuntimeError('failed')
";
        assert!(check(source, "WL402", &[]).is_empty());
        assert_eq!(check(source, "WL402", &["acme.errors.ApiError"]).len(), 1);
    }

    #[test]
    fn log_and_reraise_points_at_the_logging_call() {
        let source = "\
import logging
logger = logging.getLogger(__name__)
def f(call):
    try:
        call()
    except OSError:
        logger.error('failed')
        raise
";
        let found = check(source, "WL405", &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(span(&found[0]), ((7, 9), (7, 31)));
        assert!(
            found[0].message.starts_with("`logger.error(...)` logs"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn log_and_reraise_reports_a_handler_once() {
        let source = "\
import logging
def f(call, flag):
    try:
        call()
    except OSError as error:
        logging.error('failed')
        logging.error('really')
        if flag:
            raise
        raise error
";
        assert_eq!(check(source, "WL405", &[]).len(), 1);
    }

    #[test]
    fn multiple_roots_point_at_the_class_name() {
        let source = "import httpx\nclass A(Exception): ...\nclass B(Exception): ...\n";
        let found = check(source, "WL403", &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(span(&found[0]), ((3, 7), (3, 8)));
        assert!(
            found[0].message.contains("beside `A`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn missing_context_lists_the_missing_fields() {
        let source = "\
import httpx
class ServiceError(Exception):
    def __init__(self, message, status):
        self.message = message
        self.status_code = status
class NotFound(ServiceError): ...
";
        let found = check(source, "WL404", &[]);
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .contains("does not store `request_id`, `headers`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn swallowed_validation_error_points_at_the_class_in_the_clause() {
        let source = "\
from pydantic import ValidationError
def f(parse):
    try:
        parse()
    except (KeyError, ValidationError):
        pass
";
        let found = check(source, "WL406", &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(span(&found[0]), ((5, 23), (5, 38)));
    }
}
