//! Exceptions: the class hierarchy of the module (which classes derive,
//! transitively within the module, from `Exception`/`BaseException`, from a
//! network-library or SDK error, from each other), which names are such
//! network errors (`httpx.HTTPError`, `requests.RequestException`,
//! `openai.APIError`, `anthropic.APIError`, `stripe.StripeError`, their
//! subclasses, and `extend-error-classes`), which are builtin exceptions or
//! pydantic's `ValidationError`, and whether the module is a network module.
//! Classes are recorded once, when the traversal enters their body.

use ruff_python_ast::{Expr, StmtClassDef};
use ruff_text_size::TextRange;
use rustc_hash::FxHashMap;

use super::{BindingKind, ScopeId, SemanticModel};

/// The builtin exception classes (Python 3.11+), warnings included.
const BUILTIN_EXCEPTIONS: &[&str] = &[
    "BaseException",
    "BaseExceptionGroup",
    "Exception",
    "ExceptionGroup",
    "ArithmeticError",
    "FloatingPointError",
    "OverflowError",
    "ZeroDivisionError",
    "AssertionError",
    "AttributeError",
    "BufferError",
    "EOFError",
    "ImportError",
    "ModuleNotFoundError",
    "LookupError",
    "IndexError",
    "KeyError",
    "MemoryError",
    "NameError",
    "UnboundLocalError",
    "OSError",
    "EnvironmentError",
    "IOError",
    "BlockingIOError",
    "ChildProcessError",
    "ConnectionError",
    "BrokenPipeError",
    "ConnectionAbortedError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "FileExistsError",
    "FileNotFoundError",
    "InterruptedError",
    "IsADirectoryError",
    "NotADirectoryError",
    "PermissionError",
    "ProcessLookupError",
    "TimeoutError",
    "ReferenceError",
    "RuntimeError",
    "NotImplementedError",
    "RecursionError",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "IndentationError",
    "TabError",
    "SystemError",
    "TypeError",
    "ValueError",
    "UnicodeError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeTranslateError",
    "GeneratorExit",
    "KeyboardInterrupt",
    "SystemExit",
    "Warning",
    "UserWarning",
    "DeprecationWarning",
    "PendingDeprecationWarning",
    "SyntaxWarning",
    "RuntimeWarning",
    "FutureWarning",
    "ImportWarning",
    "UnicodeWarning",
    "BytesWarning",
    "ResourceWarning",
    "EncodingWarning",
];

/// Builtin exceptions that end a process or drive iteration rather than
/// report an error; raising them does not drop an error's context.
const CONTROL_FLOW_EXCEPTIONS: &[&str] = &[
    "SystemExit",
    "KeyboardInterrupt",
    "GeneratorExit",
    "StopIteration",
    "StopAsyncIteration",
];

/// One library's public error classes: the modules that export them and the
/// class names (every one derives from the library's base error).
struct ErrorFamily {
    modules: &'static [&'static str],
    classes: &'static [&'static str],
}

/// The built-in network-library and SDK error classes (the list
/// `extend-error-classes` in `docs/configuration.md` extends), with their
/// public subclasses. httpx's `InvalidURL`, `CookieConflict` and stream-state
/// errors are not `HTTPError`s and are left out; the SDKs' own bases
/// (`OpenAIError`, `AnthropicError`) are in, since catching them catches
/// every `APIError`.
const ERROR_FAMILIES: &[ErrorFamily] = &[
    ErrorFamily {
        modules: &["httpx", "httpx._exceptions"],
        classes: &[
            "HTTPError",
            "HTTPStatusError",
            "RequestError",
            "TransportError",
            "TimeoutException",
            "ConnectTimeout",
            "ReadTimeout",
            "WriteTimeout",
            "PoolTimeout",
            "NetworkError",
            "ConnectError",
            "ReadError",
            "WriteError",
            "CloseError",
            "ProxyError",
            "UnsupportedProtocol",
            "ProtocolError",
            "LocalProtocolError",
            "RemoteProtocolError",
            "DecodingError",
            "TooManyRedirects",
        ],
    },
    ErrorFamily {
        modules: &["requests", "requests.exceptions"],
        classes: &[
            "RequestException",
            "HTTPError",
            "ConnectionError",
            "ProxyError",
            "SSLError",
            "Timeout",
            "ConnectTimeout",
            "ReadTimeout",
            "URLRequired",
            "TooManyRedirects",
            "MissingSchema",
            "InvalidSchema",
            "InvalidURL",
            "InvalidHeader",
            "InvalidProxyURL",
            "ChunkedEncodingError",
            "ContentDecodingError",
            "StreamConsumedError",
            "RetryError",
            "UnrewindableBodyError",
            "InvalidJSONError",
            "JSONDecodeError",
        ],
    },
    ErrorFamily {
        modules: &["openai", "openai._exceptions"],
        classes: &[
            "OpenAIError",
            "APIError",
            "APIStatusError",
            "APIConnectionError",
            "APITimeoutError",
            "APIResponseValidationError",
            "BadRequestError",
            "AuthenticationError",
            "OAuthError",
            "PermissionDeniedError",
            "NotFoundError",
            "ConflictError",
            "UnprocessableEntityError",
            "RateLimitError",
            "InternalServerError",
        ],
    },
    ErrorFamily {
        modules: &["anthropic", "anthropic._exceptions"],
        classes: &[
            "AnthropicError",
            "APIError",
            "APIStatusError",
            "APIConnectionError",
            "APITimeoutError",
            "APIResponseValidationError",
            "APIWebhookValidationError",
            "BadRequestError",
            "AuthenticationError",
            "PaymentRequiredError",
            "PermissionDeniedError",
            "NotFoundError",
            "RequestTimeoutError",
            "ConflictError",
            "PreconditionFailedError",
            "ContentTooLargeError",
            "RequestTooLargeError",
            "UnprocessableEntityError",
            "RateLimitError",
            "RequestHeaderFieldsTooLargeError",
            "ClientClosedRequestError",
            "InternalServerError",
            "HTTPNotImplementedError",
            "ServiceUnavailableError",
            "GatewayTimeoutError",
            "OverloadedError",
            "DeadlineExceededError",
        ],
    },
];

/// Modules exporting stripe's errors. Every public class there whose name
/// ends in `Error` derives from `stripe.StripeError` (the `*ErrorObject`
/// classes are response data, not exceptions).
const STRIPE_ERROR_MODULES: &[&str] = &[
    "stripe",
    "stripe.error",
    "stripe._error",
    "stripe.oauth_error",
];

/// pydantic's validation error, by every path it is exported under.
const VALIDATION_ERRORS: &[&str] = &[
    "pydantic.ValidationError",
    "pydantic_core.ValidationError",
    "pydantic_core._pydantic_core.ValidationError",
    "pydantic.v1.ValidationError",
    "pydantic.error_wrappers.ValidationError",
    "pydantic.v1.error_wrappers.ValidationError",
];

/// The dataclass decorators.
const DATACLASS_DECORATORS: &[&str] = &["dataclasses.dataclass", "pydantic.dataclasses.dataclass"];

/// Whether a qualified name is a built-in network-library or SDK error class.
pub(crate) fn is_builtin_network_error(qualified: &str) -> bool {
    let Some((module, class)) = qualified.rsplit_once('.') else {
        return false;
    };
    if ERROR_FAMILIES
        .iter()
        .any(|family| family.modules.contains(&module) && family.classes.contains(&class))
    {
        return true;
    }
    STRIPE_ERROR_MODULES.contains(&module) && class.ends_with("Error") && !class.starts_with('_')
}

/// Whether `name` is a builtin exception class.
pub(crate) fn is_builtin_exception_name(name: &str) -> bool {
    BUILTIN_EXCEPTIONS.contains(&name)
}

/// Whether raising the builtin `name` reports an error (as opposed to
/// exiting the process or ending an iteration).
pub(crate) fn is_error_reporting_builtin(name: &str) -> bool {
    is_builtin_exception_name(name)
        && !CONTROL_FLOW_EXCEPTIONS.contains(&name)
        && !name.ends_with("Warning")
}

/// Which of the two roots a class derives from directly.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum ErrorRoot {
    Exception,
    BaseException,
}

impl ErrorRoot {
    pub(crate) const fn name(self) -> &'static str {
        match self {
            ErrorRoot::Exception => "Exception",
            ErrorRoot::BaseException => "BaseException",
        }
    }
}

/// What the module knows about one of its classes.
#[derive(Debug)]
pub(crate) struct ClassInfo<'a> {
    pub class: &'a StmtClassDef,
    /// Defined inside a function (not at import time).
    pub in_function: bool,
    /// Set when `Exception` or `BaseException` is a direct base.
    pub root: Option<ErrorRoot>,
    /// Derives, transitively within the module, from a builtin exception, a
    /// known network error or another exception class of the module.
    pub is_exception: bool,
    /// Derives, transitively within the module, from a network error.
    pub is_network_error: bool,
    /// Indices (in [`ClassHierarchy::classes`]) of direct bases that are
    /// classes of this module.
    pub local_bases: Vec<usize>,
    pub is_dataclass: bool,
}

impl ClassInfo<'_> {
    pub(crate) fn name(&self) -> &str {
        self.class.name.as_str()
    }
}

/// The classes of one module, in the order the traversal met them.
#[derive(Debug, Default)]
pub(crate) struct ClassHierarchy<'a> {
    classes: Vec<ClassInfo<'a>>,
    by_name_range: FxHashMap<TextRange, usize>,
    by_body_scope: FxHashMap<ScopeId, usize>,
}

impl<'a> ClassHierarchy<'a> {
    pub(crate) fn classes(&self) -> &[ClassInfo<'a>] {
        &self.classes
    }

    pub(crate) fn get(&self, index: usize) -> &ClassInfo<'a> {
        &self.classes[index]
    }

    /// The class whose body is `scope`.
    pub(crate) fn class_of_body(&self, scope: ScopeId) -> Option<usize> {
        self.by_body_scope.get(&scope).copied()
    }

    /// Whether class `index` derives directly from class `base`.
    pub(crate) fn derives_directly(&self, index: usize, base: usize) -> bool {
        self.classes[index].local_bases.contains(&base)
    }

    /// The classes deriving directly from class `base`.
    pub(crate) fn direct_subclasses(&self, base: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.classes.len()).filter(move |index| self.derives_directly(*index, base))
    }
}

impl<'a> SemanticModel<'a> {
    /// Records the class whose body scope is current (called on entering the
    /// body, before its statements). Its bases are resolved in the enclosing
    /// scope, where Python evaluates them.
    pub(crate) fn record_class_hierarchy(&mut self, class: &'a StmtClassDef) {
        let body_scope = self.current;
        let Some(parent) = self.scopes[body_scope].parent else {
            return;
        };
        self.current = parent;
        let mut info = ClassInfo {
            class,
            in_function: self.current_function_scope().is_some(),
            root: None,
            is_exception: false,
            is_network_error: false,
            local_bases: Vec::new(),
            is_dataclass: class.decorator_list.iter().any(|decorator| {
                let callee = match &decorator.expression {
                    Expr::Call(call) => call.func.as_ref(),
                    expr => expr,
                };
                self.qualified_name(callee)
                    .is_some_and(|name| DATACLASS_DECORATORS.contains(&name.as_str()))
            }),
        };
        for base in class.bases() {
            self.classify_hierarchy_base(base, &mut info);
        }
        self.current = body_scope;
        let index = self.hierarchy.classes.len();
        self.hierarchy.by_name_range.insert(class.name.range, index);
        self.hierarchy.by_body_scope.insert(body_scope, index);
        self.hierarchy.classes.push(info);
    }

    fn classify_hierarchy_base(&self, base: &Expr, info: &mut ClassInfo<'a>) {
        if let Some(index) = self.local_class(base) {
            let base_info = &self.hierarchy.classes[index];
            info.is_exception |= base_info.is_exception;
            info.is_network_error |= base_info.is_network_error;
            info.local_bases.push(index);
            return;
        }
        let builtin = self.builtin_name(base).map(str::to_string).or_else(|| {
            self.qualified_name(base)
                .and_then(|name| name.strip_prefix("builtins.").map(str::to_string))
        });
        if let Some(builtin) = builtin {
            if is_builtin_exception_name(&builtin) {
                info.is_exception = true;
                info.root = info.root.or(match builtin.as_str() {
                    "Exception" => Some(ErrorRoot::Exception),
                    "BaseException" => Some(ErrorRoot::BaseException),
                    _ => None,
                });
            }
            return;
        }
        if self.network_error_name(base).is_some() {
            info.is_exception = true;
            info.is_network_error = true;
        }
    }

    /// The module's classes.
    pub(crate) fn class_hierarchy(&self) -> &ClassHierarchy<'a> {
        &self.hierarchy
    }

    /// The class of this module a name refers to, as an index into
    /// [`ClassHierarchy::classes`].
    pub(crate) fn local_class(&self, expr: &Expr) -> Option<usize> {
        let name = expr.as_name_expr()?;
        let binding = self.lookup(name.id.as_str())?;
        if binding.kind != BindingKind::Class {
            return None;
        }
        self.hierarchy.by_name_range.get(&binding.range).copied()
    }

    /// When `expr` names a network-library or SDK error class (a built-in
    /// one, one from `extend-error-classes`, or a class of this module
    /// deriving from one), how to call it in a message.
    pub(crate) fn network_error_name(&self, expr: &Expr) -> Option<String> {
        if let Some(index) = self.local_class(expr) {
            let info = &self.hierarchy.classes[index];
            return info.is_network_error.then(|| info.name().to_string());
        }
        let qualified = self.qualified_name(expr)?;
        let known = is_builtin_network_error(&qualified)
            || self.known.extend_error_classes().contains(&qualified);
        known.then_some(qualified)
    }

    /// The first network error an `except` clause's type catches (the type
    /// itself, or an element of its tuple).
    pub(crate) fn caught_network_error(&self, handler_type: &Expr) -> Option<String> {
        handler_types(handler_type).find_map(|element| self.network_error_name(element))
    }

    /// Whether `expr` names pydantic's `ValidationError`.
    pub(crate) fn is_validation_error(&self, expr: &Expr) -> bool {
        self.qualified_name(expr)
            .is_some_and(|name| VALIDATION_ERRORS.contains(&name.as_str()))
    }

    /// The builtin exception class a `raise` operand names: `RuntimeError`
    /// or `RuntimeError(...)`, when nothing in the file shadows the name.
    pub(crate) fn raised_builtin<'e>(&self, raised: &'e Expr) -> Option<&'e str> {
        let class = match raised {
            Expr::Call(call) => call.func.as_ref(),
            expr => expr,
        };
        self.builtin_name(class)
            .filter(|name| is_builtin_exception_name(name))
    }

    /// Whether an `except` clause's type catches the builtin `name` (the
    /// type itself, or an element of its tuple).
    pub(crate) fn catches_builtin(&self, handler_type: &Expr, names: &[&str]) -> bool {
        handler_types(handler_type).any(|element| {
            self.builtin_name(element)
                .is_some_and(|name| names.contains(&name))
        })
    }
}

/// The classes an `except` clause names: the type, or each tuple element.
pub(crate) fn handler_types(handler_type: &Expr) -> impl Iterator<Item = &Expr> {
    let elements: &[Expr] = match handler_type {
        Expr::Tuple(tuple) => &tuple.elts,
        expr => std::slice::from_ref(expr),
    };
    elements.iter()
}

#[cfg(test)]
pub(crate) mod tests {
    use ruff_python_ast::Expr;

    use super::*;
    use crate::checker::probe_source;

    /// What the model knows about one class of the module.
    #[derive(Debug, PartialEq, Eq)]
    pub(crate) struct ClassProbe {
        pub root: Option<ErrorRoot>,
        pub is_exception: bool,
        pub is_network_error: bool,
        pub in_function: bool,
        pub is_dataclass: bool,
        pub local_bases: Vec<String>,
    }

    /// The exception facts at one `probe(value)` call.
    #[derive(Debug, Default)]
    pub(crate) struct ExceptionProbe {
        pub network_error: Option<String>,
        pub validation_error: bool,
        pub raised_builtin: Option<String>,
        pub class: Option<ClassProbe>,
        pub network_module: bool,
    }

    impl ExceptionProbe {
        pub(crate) fn of(semantic: &SemanticModel, argument: &Expr) -> Self {
            let hierarchy = semantic.class_hierarchy();
            let class = semantic.local_class(argument).map(|index| {
                let info = hierarchy.get(index);
                ClassProbe {
                    root: info.root,
                    is_exception: info.is_exception,
                    is_network_error: info.is_network_error,
                    in_function: info.in_function,
                    is_dataclass: info.is_dataclass,
                    local_bases: info
                        .local_bases
                        .iter()
                        .map(|base| hierarchy.get(*base).name().to_string())
                        .collect(),
                }
            });
            Self {
                network_error: semantic.network_error_name(argument),
                validation_error: semantic.is_validation_error(argument),
                raised_builtin: semantic.raised_builtin(argument).map(str::to_string),
                class,
                network_module: semantic.is_network_module(),
            }
        }
    }

    fn probes(source: &str) -> Vec<ExceptionProbe> {
        probe_source(source, None)
            .into_iter()
            .map(|probe| probe.exceptions)
            .collect()
    }

    fn network_errors(source: &str) -> Vec<Option<String>> {
        probes(source)
            .into_iter()
            .map(|probe| probe.network_error)
            .collect()
    }

    #[test]
    fn library_errors_resolve_through_imports() {
        let source = "\
import httpx2 as hx
import requests
import openai
import stripe
from anthropic import APIStatusError as Status
from requests.exceptions import ReadTimeout
probe(hx.HTTPStatusError)
probe(requests.RequestException)
probe(ReadTimeout)
probe(openai.OpenAIError)
probe(Status)
probe(stripe.error.CardError)
probe(stripe.CardError)
";
        let expected = [
            "httpx.HTTPStatusError",
            "requests.RequestException",
            "requests.exceptions.ReadTimeout",
            "openai.OpenAIError",
            "anthropic.APIStatusError",
            "stripe.error.CardError",
            "stripe.CardError",
        ];
        let found = network_errors(source);
        let expected: Vec<Option<String>> =
            expected.iter().map(|name| Some(name.to_string())).collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn non_network_errors_are_not_network_errors() {
        let source = "\
import httpx
import stripe
import json
probe(httpx.InvalidURL)
probe(httpx.StreamClosed)
probe(httpx.Client)
probe(stripe.ErrorObject)
probe(json.JSONDecodeError)
probe(ValueError)
";
        assert!(network_errors(source).iter().all(Option::is_none));
    }

    #[test]
    fn module_classes_derive_transitively() {
        let source = "\
import dataclasses
import httpx
class Base(Exception): ...
class Child(Base): ...
class Grandchild(Child): ...
class Upstream(httpx.HTTPError): ...
class UpstreamChild(Upstream): ...
class Plain: ...
@dataclasses.dataclass
class Data(BaseException): ...
class Mixed(Plain, ValueError): ...
probe(Base)
probe(Grandchild)
probe(UpstreamChild)
probe(Plain)
probe(Data)
probe(Mixed)
";
        let classes: Vec<ClassProbe> = probes(source)
            .into_iter()
            .map(|probe| probe.class.expect("a class of the module"))
            .collect();
        assert_eq!(classes[0].root, Some(ErrorRoot::Exception));
        assert!(classes[0].is_exception && !classes[0].is_network_error);
        assert_eq!(classes[1].root, None);
        assert!(classes[1].is_exception);
        assert_eq!(classes[1].local_bases, ["Child"]);
        assert!(classes[2].is_exception && classes[2].is_network_error);
        assert!(!classes[3].is_exception);
        assert_eq!(classes[4].root, Some(ErrorRoot::BaseException));
        assert!(classes[4].is_dataclass);
        assert!(classes[5].is_exception && classes[5].root.is_none());
        assert_eq!(classes[5].local_bases, ["Plain"]);
    }

    #[test]
    fn module_subclasses_of_network_errors_are_network_errors() {
        let source = "\
import requests
class ApiError(requests.HTTPError): ...
class NotFound(ApiError): ...
class Other(Exception): ...
probe(NotFound)
probe(Other)
";
        assert_eq!(network_errors(source), [Some("NotFound".to_string()), None]);
    }

    #[test]
    fn nested_class_bases_resolve_in_the_enclosing_class_body() {
        let source = "\
class Client:
    class Error(Exception): ...
    class Closed(Error): ...
    probe(Closed)
def f():
    class Local(Exception): ...
    probe(Local)
";
        let found = probes(source);
        let nested = found[0].class.as_ref().unwrap();
        assert_eq!(nested.local_bases, ["Error"]);
        assert!(nested.is_exception && !nested.in_function);
        assert!(found[1].class.as_ref().unwrap().in_function);
    }

    #[test]
    fn raised_builtins_respect_shadowing() {
        let source = "\
probe(RuntimeError('x'))
probe(ValueError)
probe(print('x'))
class TimeoutError(Exception): ...
probe(TimeoutError('local'))
";
        let found: Vec<Option<String>> = probes(source)
            .into_iter()
            .map(|probe| probe.raised_builtin)
            .collect();
        assert_eq!(
            found,
            [
                Some("RuntimeError".to_string()),
                Some("ValueError".to_string()),
                None,
                None
            ]
        );
    }

    #[test]
    fn validation_errors_by_every_path() {
        let source = "\
import pydantic
import pydantic_core
from pydantic import ValidationError as VE
probe(pydantic.ValidationError)
probe(pydantic_core.ValidationError)
probe(VE)
probe(ValueError)
";
        let found: Vec<bool> = probes(source)
            .into_iter()
            .map(|probe| probe.validation_error)
            .collect();
        assert_eq!(found, [true, true, true, false]);
    }

    #[test]
    fn a_lazy_import_makes_a_network_module() {
        let lazy = "\
def client():
    import httpx
    return httpx.Client()
def later():
    probe(1)
";
        assert!(probes(lazy)[0].network_module);
        let local = "import json\ndef later():\n    probe(1)\n";
        assert!(!probes(local)[0].network_module);
    }

    #[test]
    fn error_reporting_builtins_exclude_control_flow() {
        assert!(is_error_reporting_builtin("RuntimeError"));
        assert!(is_error_reporting_builtin("ConnectionError"));
        assert!(!is_error_reporting_builtin("SystemExit"));
        assert!(!is_error_reporting_builtin("StopIteration"));
        assert!(!is_error_reporting_builtin("UserWarning"));
        assert!(!is_error_reporting_builtin("HTTPError"));
    }

    #[test]
    fn stripe_errors_are_matched_by_suffix_in_their_modules_only() {
        assert!(is_builtin_network_error(
            "stripe._error.InvalidRequestError"
        ));
        assert!(is_builtin_network_error(
            "stripe.oauth_error.InvalidGrantError"
        ));
        assert!(!is_builtin_network_error("stripe.ErrorObject"));
        assert!(!is_builtin_network_error("stripe.checkout.SessionError"));
        assert!(!is_builtin_network_error("HTTPError"));
    }
}
