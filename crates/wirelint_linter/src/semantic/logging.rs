//! Logging calls: the `logging` module's functions, the methods of loggers
//! (names bound to `logging.getLogger(...)` or `structlog.get_logger(...)`,
//! names like `logger`/`log`/`_LOGGER`, `self.logger`, loguru's `logger`),
//! and the builtin `print` (to the console: `print(..., file=buffer)` builds
//! a string). Rules about what gets written to logs ask here.

use ruff_python_ast::{Expr, ExprCall};

use super::names::MAX_EXPR_DEPTH;
use super::{BindingKind, SemanticModel};

/// The methods that write a log record.
const LOG_METHODS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "fatal",
    "log",
    "msg",
    "trace",
    "success",
];

/// Calls that return a logger.
const LOGGER_FACTORIES: &[&str] = &[
    "logging.getLogger",
    "logging.getLoggerClass",
    "structlog.get_logger",
    "structlog.getLogger",
    "structlog.stdlib.get_logger",
];

/// Methods of a logger that return a logger (structlog's `bind`, loguru's
/// `opt`, the standard library's `getChild`).
const LOGGER_DERIVERS: &[&str] = &["bind", "new", "opt", "getChild", "patch"];

/// What kind of logging call a call is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum LoggingCall {
    /// The builtin `print`.
    Print,
    /// `logging.info(...)` or a logger's method.
    Logger,
}

/// Whether a name reads as a logger: `log`, `logger`, `_LOGGER`,
/// `access_logger`, `audit_log`.
pub(crate) fn is_logger_name(name: &str) -> bool {
    let name = name.trim_matches('_').to_ascii_lowercase();
    name == "log" || name.ends_with("logger") || name.ends_with("_log")
}

impl SemanticModel<'_> {
    /// What kind of logging call `call` is, if it is one.
    pub(crate) fn logging_call(&self, call: &ExprCall) -> Option<LoggingCall> {
        self.memoized(
            call,
            |memo| &mut memo.logging,
            || self.classify_logging_call(call),
        )
    }

    fn classify_logging_call(&self, call: &ExprCall) -> Option<LoggingCall> {
        match call.func.as_ref() {
            Expr::Name(_) => {
                if self.builtin_name(&call.func) == Some("print") {
                    // `print(..., file=buffer)` builds a string; it is not a log.
                    let to_console = call.arguments.find_keyword("file").is_none_or(|file| {
                        matches!(
                            self.qualified_name(&file.value).as_deref(),
                            Some("sys.stdout" | "sys.stderr")
                        )
                    });
                    return to_console.then_some(LoggingCall::Print);
                }
                let qualified = self.qualified_name(&call.func)?;
                let method = qualified.strip_prefix("logging.")?;
                LOG_METHODS.contains(&method).then_some(LoggingCall::Logger)
            }
            Expr::Attribute(attribute) => {
                if !LOG_METHODS.contains(&attribute.attr.as_str()) {
                    return None;
                }
                if let Some(qualified) = self.qualified_name(&attribute.value)
                    && qualified == "logging"
                {
                    return Some(LoggingCall::Logger);
                }
                self.is_logger(&attribute.value)
                    .then_some(LoggingCall::Logger)
            }
            _ => None,
        }
    }

    /// Whether `call` writes a log record or prints.
    #[cfg(test)]
    pub(crate) fn is_logging_call(&self, call: &ExprCall) -> bool {
        self.logging_call(call).is_some()
    }

    /// Whether `expr` holds a logger.
    pub(crate) fn is_logger(&self, expr: &Expr) -> bool {
        self.is_logger_at(expr, 0)
    }

    fn is_logger_at(&self, expr: &Expr, depth: u32) -> bool {
        if depth > MAX_EXPR_DEPTH {
            return false;
        }
        match expr {
            Expr::Name(name) => match self.lookup(name.id.as_str()) {
                Some(binding) => {
                    // `from loguru import logger as log`, `from .log import client_logger`.
                    if let BindingKind::Import { qualified } = &binding.kind {
                        let imported = qualified.rsplit('.').next().unwrap_or_default();
                        return qualified != "logging"
                            && (is_logger_name(name.id.as_str())
                                || is_logger_name(imported)
                                || qualified == "logging.root");
                    }
                    binding
                        .value
                        .is_some_and(|value| self.is_logger_factory_call(value, depth + 1))
                        || is_logger_name(name.id.as_str())
                }
                None => is_logger_name(name.id.as_str()),
            },
            Expr::Attribute(attribute) => {
                is_logger_name(attribute.attr.as_str())
                    || self.qualified_name(expr).as_deref() == Some("logging.root")
            }
            Expr::Call(_) => self.is_logger_factory_call(expr, depth + 1),
            _ => false,
        }
    }

    /// `logging.getLogger(...)`, `structlog.get_logger()`, `logger.bind(...)`.
    fn is_logger_factory_call(&self, expr: &Expr, depth: u32) -> bool {
        let Expr::Call(call) = expr else {
            return false;
        };
        if let Some(qualified) = self.qualified_name(&call.func) {
            return LOGGER_FACTORIES.contains(&qualified.as_str());
        }
        match call.func.as_ref() {
            Expr::Attribute(attribute) => {
                LOGGER_DERIVERS.contains(&attribute.attr.as_str())
                    && self.is_logger_at(&attribute.value, depth + 1)
            }
            _ => false,
        }
    }
}
