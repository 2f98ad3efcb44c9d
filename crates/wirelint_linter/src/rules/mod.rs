//! The rules, one file per rule, grouped by family. Each file's `//!` comment
//! is the rule's user documentation (`wirelint rule CODE` prints it).
//!
//! This module is the dispatch table: the checker calls [`analyze_expr`] and
//! [`analyze_stmt`] for every node it visits, and they call each enabled rule
//! interested in that kind of node. Shared facts (what a call talks to) are
//! computed once here, not per rule.

pub mod concurrency;
pub mod configuration;
pub mod errors;
pub mod helpers;
pub mod internal;
pub mod lifecycle;
pub mod retries;
pub mod secrets;
pub mod streaming;
pub mod structured_outputs;
pub mod timeouts;

use ruff_python_ast::{ExceptHandlerExceptHandler, Expr, Stmt, StmtFunctionDef};

use crate::checker::Checker;
use crate::registry::{Family, Rule};
use crate::semantic::KnownNames;
use crate::settings::LinterSettings;

/// Per-file state that rules keep between nodes and settle in [`finish`].
#[derive(Debug, Default)]
pub struct RuleState {
    pub missing_timeout: timeouts::missing_timeout::State,
    pub lifecycle: lifecycle::State,
    pub concurrency: concurrency::State,
    pub streaming: streaming::State,
    pub configuration: configuration::State,
    pub errors: errors::State,
    pub structured_outputs: structured_outputs::State,
    pub retries: retries::State,
}

/// Stands, in a rule's markers, for the names of the network modules and
/// the stdlib HTTP modules.
const NETWORK: &str = "@network";

/// Stands for the class names of `extend-error-classes`.
const ERROR_CLASSES: &str = "@error-classes";

/// Words of which at least one occurs in any file where the rule can fire.
/// A file that contains none of the enabled rules' markers is parsed (for
/// WL001) but not visited: the fast path.
fn markers(rule: Rule) -> &'static [&'static str] {
    match rule {
        // `time.sleep` blocks the loop whether or not the file talks HTTP.
        Rule::BlockingCallInAsync => &[NETWORK, "sleep"],
        // Models through `BaseModel`/`BaseSettings` (or a dataclass in a
        // network module).
        Rule::SecretAsPlainStr => &["BaseModel", "BaseSettings", "GenericModel", NETWORK],
        Rule::LoggedHeaders => &["headers"],
        // Every logging call names a logger, `logging` or `print`.
        Rule::LoggedSecret => &["log", "Log", "LOG", "print"],
        Rule::HardcodedCredential => &[NETWORK, "Bearer", "bearer", "BEARER"],
        Rule::SecretUnwrappedEarly => &["get_secret_value"],
        Rule::EnvAtImportTime => &["environ", "getenv"],
        Rule::SettingsAtImportTime => &["BaseSettings", "from_env"],
        Rule::MutableConfigModel => &["BaseModel", "BaseSettings", "GenericModel"],
        Rule::ScalarTimeoutSetting => &["BaseModel", "BaseSettings", "GenericModel", NETWORK],
        Rule::MixedOverrideStyles => &["with_options"],
        Rule::ErrorContextDropped => &[NETWORK, ERROR_CLASSES],
        Rule::LogAndReraise => &["log", "Log", "LOG"],
        Rule::SwallowedValidationError => &["ValidationError"],
        Rule::ManualJsonValidation => &["loads"],
        Rule::HandRolledToolSchema => &["input_schema", "parameters"],
        Rule::UncheckedRefusal => &["parsed"],
        // `next_page` also finds `next_page_token`.
        Rule::MaterializedPages => &["has_more", "next_cursor", "next_page"],
        // Retry decorators need no network import; retry status lists are
        // named like `RETRY_STATUSES` or passed as `status_forcelist=`.
        Rule::RetryWithoutJitter | Rule::RetryWithoutStop | Rule::RetryEverything => {
            &[NETWORK, "tenacity", "backoff"]
        }
        Rule::RetryOnClientError => &[NETWORK, "retr", "Retr", "RETR", "status_forcelist"],
        Rule::ExcessiveRetries => &[NETWORK, "tenacity"],
        _ if rule.family() == Family::Internal => &[],
        _ => &[NETWORK],
    }
}

/// The words of which at least one must occur in a file for any enabled
/// rule to fire there (empty when no rule that visits the tree is enabled).
pub fn fast_path_words(settings: &LinterSettings, known: &KnownNames) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for rule in settings.rules.iter() {
        for marker in markers(rule) {
            if *marker == NETWORK {
                words.extend(known.import_markers().map(str::to_string));
            } else if *marker == ERROR_CLASSES {
                let classes = known.extend_error_classes().iter();
                let class_names = classes.filter_map(|class| class.rsplit('.').next());
                words.extend(class_names.map(str::to_string));
            } else {
                words.push((*marker).to_string());
            }
        }
    }
    words.sort_unstable();
    words.dedup();
    words
}

/// Called for every expression, before its children. What a call talks to
/// is classified once here and handed to every family that wants it.
pub fn analyze_expr(checker: &mut Checker, expr: &Expr) {
    lifecycle::analyze_expr(checker, expr);
    secrets::analyze_expr(checker, expr);
    configuration::analyze_expr(checker, expr);
    errors::analyze_expr(checker, expr);
    structured_outputs::analyze_expr(checker, expr);
    retries::analyze_expr(checker, expr);
    if let Expr::Call(call) = expr {
        let target = checker.semantic.classify_call(call);
        timeouts::analyze_call(checker, call, target.as_ref());
        lifecycle::analyze_call(checker, call, target.as_ref());
        concurrency::analyze_call(checker, call, target.as_ref());
        streaming::analyze_call(checker, call, target.as_ref());
        secrets::analyze_call(checker, call, target.as_ref());
        errors::analyze_call(checker, target.as_ref());
        structured_outputs::analyze_call(checker, call, target.as_ref());
        retries::analyze_call(checker, call, target.as_ref());
    }
}

/// Called for every statement, before its children.
pub fn analyze_stmt(checker: &mut Checker, stmt: &Stmt) {
    // Model facts are recorded for every rule, before any rule sees the class.
    if let Stmt::ClassDef(class) = stmt {
        checker.semantic.record_class(class);
    }
    timeouts::analyze_stmt(checker, stmt);
    lifecycle::analyze_stmt(checker, stmt);
    streaming::analyze_stmt(checker, stmt);
    secrets::analyze_stmt(checker, stmt);
    configuration::analyze_stmt(checker, stmt);
    errors::analyze_stmt(checker, stmt);
    structured_outputs::analyze_stmt(checker, stmt);
    retries::analyze_stmt(checker, stmt);
}

/// Called when a function body is entered (after its parameters are bound).
pub fn enter_function(checker: &mut Checker, function: &StmtFunctionDef) {
    lifecycle::enter_function(checker, function);
    errors::enter_function(checker, function);
    retries::enter_function(checker, function);
}

/// Called when a function body has been visited.
pub fn leave_function(checker: &mut Checker, function: &StmtFunctionDef) {
    configuration::leave_function(checker, function);
    structured_outputs::leave_function(checker, function);
    retries::leave_function(checker, function);
}

/// Called when an `except` handler's body is entered (after its name is
/// bound).
pub fn enter_handler(checker: &mut Checker, handler: &ExceptHandlerExceptHandler) {
    errors::enter_handler(checker, handler);
}

/// Called when an `except` handler's body has been visited.
pub fn leave_handler(checker: &mut Checker, handler: &ExceptHandlerExceptHandler) {
    errors::leave_handler(checker, handler);
}

/// Called once after the whole file has been visited.
pub fn finish(checker: &mut Checker) {
    timeouts::finish(checker);
    lifecycle::finish(checker);
    streaming::finish(checker);
    concurrency::finish(checker);
    errors::finish(checker);
    structured_outputs::finish(checker);
    retries::finish(checker);
}
