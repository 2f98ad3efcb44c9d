//! WL4: errors. Vanilla exceptions at a network boundary, network errors
//! converted into builtins, more than one exception root, a base error that
//! stores no context, log-and-reraise, and swallowed validation errors.
//!
//! The family keeps a stack of the `except` handlers the traversal is in
//! ([`HandlerFrame`]). Function bodies are visited after their enclosing
//! scope is complete, so every open frame belongs to the function (or
//! module) being visited: a `raise` in a nested function is never seen
//! while its enclosing handler is open.

pub mod error_context_dropped;
pub mod error_missing_context;
pub mod log_and_reraise;
pub mod multiple_error_roots;
pub mod swallowed_validation_error;
pub mod vanilla_error_at_boundary;

use ruff_python_ast::{self as ast, ExceptHandlerExceptHandler, Expr, Stmt, StmtFunctionDef};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::Checker;
use crate::registry::Rule;
use crate::semantic::CallTarget;
use crate::semantic::exceptions::handler_types;

/// Per-file state of the family.
#[derive(Debug, Default)]
pub struct State {
    /// The handlers the traversal is inside, innermost last.
    handlers: Vec<HandlerFrame>,
    pub vanilla_error_at_boundary: vanilla_error_at_boundary::State,
    pub error_missing_context: error_missing_context::State,
}

/// What the family knows about one open `except` handler.
#[derive(Debug, Default)]
struct HandlerFrame {
    /// The `as` name the caught error is bound to.
    caught_name: Option<String>,
    /// The network error it catches, as named in messages (WL402).
    network_error: Option<String>,
    /// It catches `ImportError` / `ModuleNotFoundError` (WL401 exemption).
    catches_import_error: bool,
    /// The `ValidationError` it catches (WL406).
    validation_error: Option<TextRange>,
    /// Some path raises, returns a value, or reads the caught error (WL406).
    handles_error: bool,
    /// Error-level logging calls made directly in the handler, with their
    /// callees (WL405).
    log_calls: Vec<(TextRange, TextRange)>,
    /// Bodies of conditional blocks inside the handler: a logging call in
    /// one of them does not happen on every path (WL405).
    conditional_blocks: Vec<TextRange>,
    /// WL405 already reported this handler.
    reported_log: bool,
}

const RULES: [Rule; 6] = [
    Rule::VanillaErrorAtBoundary,
    Rule::ErrorContextDropped,
    Rule::MultipleErrorRoots,
    Rule::ErrorMissingContext,
    Rule::LogAndReraise,
    Rule::SwallowedValidationError,
];

/// The rules that need the handler stack.
const HANDLER_RULES: [Rule; 4] = [
    Rule::VanillaErrorAtBoundary,
    Rule::ErrorContextDropped,
    Rule::LogAndReraise,
    Rule::SwallowedValidationError,
];

fn any_enabled(checker: &Checker, rules: &[Rule]) -> bool {
    rules.iter().any(|rule| checker.enabled(*rule))
}

pub fn enter_handler(checker: &mut Checker, handler: &ExceptHandlerExceptHandler) {
    if !any_enabled(checker, &HANDLER_RULES) {
        return;
    }
    let semantic = &checker.semantic;
    let mut frame = HandlerFrame {
        caught_name: handler.name.as_ref().map(|name| name.to_string()),
        ..HandlerFrame::default()
    };
    if let Some(handler_type) = handler.type_.as_deref() {
        frame.network_error = semantic.caught_network_error(handler_type);
        frame.catches_import_error =
            semantic.catches_builtin(handler_type, &["ImportError", "ModuleNotFoundError"]);
        frame.validation_error = handler_types(handler_type)
            .find(|element| semantic.is_validation_error(element))
            .map(Ranged::range);
    }
    checker.rule_state.errors.handlers.push(frame);
}

pub fn leave_handler(checker: &mut Checker, _handler: &ExceptHandlerExceptHandler) {
    if !any_enabled(checker, &HANDLER_RULES) {
        return;
    }
    let Some(frame) = checker.rule_state.errors.handlers.pop() else {
        return;
    };
    if checker.enabled(Rule::SwallowedValidationError) {
        swallowed_validation_error::check(checker, &frame);
    }
}

pub fn analyze_stmt(checker: &mut Checker, stmt: &Stmt) {
    if !any_enabled(checker, &RULES) {
        return;
    }
    match stmt {
        Stmt::Raise(raise) => {
            analyze_raise(checker, raise);
        }
        Stmt::Return(ast::StmtReturn {
            value: Some(value), ..
        }) if !value.is_none_literal_expr() => mark_all_handled(checker),
        Stmt::Assign(_) | Stmt::AnnAssign(_) if checker.enabled(Rule::ErrorMissingContext) => {
            error_missing_context::note_assignment(checker, stmt);
        }
        Stmt::If(_) | Stmt::For(_) | Stmt::While(_) | Stmt::Try(_) | Stmt::Match(_)
            if checker.enabled(Rule::LogAndReraise) =>
        {
            log_and_reraise::note_compound(checker, stmt);
        }
        _ => {}
    }
}

fn analyze_raise(checker: &mut Checker, raise: &ast::StmtRaise) {
    mark_all_handled(checker);
    if checker.enabled(Rule::ErrorContextDropped) {
        error_context_dropped::check(checker, raise);
    }
    if checker.enabled(Rule::VanillaErrorAtBoundary) {
        vanilla_error_at_boundary::check(checker, raise);
    }
    if checker.enabled(Rule::LogAndReraise) {
        log_and_reraise::check_raise(checker, raise);
    }
}

pub fn analyze_call(checker: &mut Checker, target: Option<&CallTarget>) {
    if let Some(target) = target
        && checker.enabled(Rule::VanillaErrorAtBoundary)
    {
        vanilla_error_at_boundary::note_call(checker, target);
    }
}

pub fn analyze_expr(checker: &mut Checker, expr: &Expr) {
    if matches!(expr, Expr::Attribute(_) | Expr::Compare(_))
        && checker.enabled(Rule::VanillaErrorAtBoundary)
    {
        vanilla_error_at_boundary::note_status_read(checker, expr);
    }
    if checker.rule_state.errors.handlers.is_empty() {
        return;
    }
    match expr {
        Expr::Name(name) if name.ctx == ast::ExprContext::Load => {
            for frame in &mut checker.rule_state.errors.handlers {
                if frame.caught_name.as_deref() == Some(name.id.as_str()) {
                    frame.handles_error = true;
                }
            }
        }
        Expr::Call(call) => {
            if checker.enabled(Rule::LogAndReraise) {
                log_and_reraise::note_call(checker, call);
            }
            if checker.enabled(Rule::SwallowedValidationError) {
                swallowed_validation_error::note_call(checker, call);
            }
        }
        _ => {}
    }
}

pub fn enter_function(checker: &mut Checker, function: &StmtFunctionDef) {
    if checker.enabled(Rule::ErrorMissingContext) {
        error_missing_context::enter_function(checker, function);
    }
}

pub fn finish(checker: &mut Checker) {
    if !any_enabled(checker, &RULES) {
        return;
    }
    let is_network_module = checker.semantic.is_network_module();
    if checker.enabled(Rule::VanillaErrorAtBoundary) {
        vanilla_error_at_boundary::finish(checker, is_network_module);
    }
    if !is_network_module {
        return;
    }
    if checker.enabled(Rule::MultipleErrorRoots) {
        multiple_error_roots::finish(checker);
    }
    if checker.enabled(Rule::ErrorMissingContext) {
        error_missing_context::finish(checker);
    }
}

/// A raise, or a return of a value, handles the error of every enclosing
/// handler (WL406).
fn mark_all_handled(checker: &mut Checker) {
    for frame in &mut checker.rule_state.errors.handlers {
        frame.handles_error = true;
    }
}

/// The innermost open handler.
fn innermost<'c>(checker: &'c Checker) -> Option<&'c HandlerFrame> {
    checker.rule_state.errors.handlers.last()
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
            extend_error_classes: extend_error_classes.iter().map(|c| c.to_string()).collect(),
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
