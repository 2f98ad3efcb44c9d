//! # logged-secret (WL603)
//!
//! ## What it does
//! Flags a logging call (`logger.*`, `logging.*`) or `print` whose output
//! includes a secret's value: a `.get_secret_value()` call, the value of a
//! secret header (`headers["Authorization"]`, `headers.get("X-Api-Key")`),
//! an environment variable named like a secret (`os.environ["OPENAI_API_KEY"]`),
//! or a name or attribute named like a secret (`api_key`, `token`,
//! `client_secret`, `password`, ... as in WL601).
//!
//! Only what the log line shows counts: `len(api_key)`, `api_key is None`,
//! `api_key[:4]` and `redact(api_key)` are not the secret. Neither is a
//! bounded prefix: `logger.debug("%.5s", api_key)`, `f"{token:.4}"`, or a
//! name last assigned a slice (`shown = api_key[:8] + "*" * 15`). A field
//! declared `SecretStr` in a model of the same module prints masked and is
//! not flagged. `token` alone is also the word streaming and tokenizer code
//! uses for a piece of text, so it counts only where it reads as a
//! credential: assigned from an expression that speaks of one
//! (`token = auth.get_token()`), or as `self.token`, `settings.token`,
//! `credentials.token`; not as a loop variable or a parameter.
//!
//! Names that only sound secret are left alone too:
//! - a `*token*` value that is part of a URL: a path component
//!   (`f"/galleries/{gallery_token}"`), or a name bound to a URL
//!   (`page_token = f"https://.../{cursor}"`). It addresses a resource;
//!   it does not authenticate anyone;
//! - a name read out of request metadata (`metadata.get("user_api_key")`),
//!   which holds what is meant to be logged (a key's hash or alias), not a
//!   credential.
//!
//! `print` in a program that reads the terminal (it calls `input()` or
//! `getpass.getpass()`) shows the secret to the person at the terminal, as
//! a setup wizard shows a key it just generated; it is not a log and is
//! not flagged. Logging calls there still are.
//!
//! ## Why is this bad?
//! A log line is copied to files, shippers, dashboards and support tickets,
//! and is kept far longer than a credential's rotation period. A secret
//! written there is a secret leaked to everyone who can read logs.
//!
//! ## Example
//! ```python
//! logger.debug("calling %s with key %s", base_url, api_key)
//! print(f"token: {settings.token.get_secret_value()}")
//! ```
//!
//! ## Use instead
//! ```python
//! logger.debug("calling %s with key set: %s", base_url, api_key is not None)
//! print(f"token: {settings.token}")  # SecretStr prints **********
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Observability" (secrets are redacted)

use ruff_python_ast::{Expr, ExprCall, InterpolatedStringElement, Operator, UnaryOp};
use ruff_text_size::Ranged;

use super::{find_logged, is_secret_header, is_secret_name, logging_call_text, single_header_read};
use crate::checker::Checker;
use crate::diagnostic::Diagnostic;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::snippet;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::logging::LoggingCall;
use crate::semantic::names::MAX_EXPR_DEPTH;
use crate::semantic::{BindingKind, CallTarget, SemanticModel};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL603",
    name: "logged-secret",
    family: Family::Secrets,
    status: Status::Stable,
    summary: "A logging call or `print` writes a secret's value.",
    boundary: false,
    markers: &[
        Marker::Word("log"),
        Marker::Word("Log"),
        Marker::Word("LOG"),
        Marker::Word("print"),
    ],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check_call),
        finish: Some(finish),
        ..Hooks::NONE
    },
};

/// `print` findings wait for the end of the file: in a program that reads
/// the terminal, `print` talks to its user.
#[derive(Default)]
struct Prints {
    pending: Vec<Diagnostic>,
    reads_terminal: bool,
}

/// Words in a receiver's name that make `x.token` a credential.
const CREDENTIAL_HOLDERS: &[&str] = &[
    "config",
    "settings",
    "options",
    "auth",
    "credential",
    "client",
    "session",
    "secret",
];

#[inline]
fn check_call(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    if let Some(kind) = checker.semantic.logging_call(call) {
        check(checker, call, kind);
    } else if reads_terminal(&checker.semantic, call) {
        checker
            .rule_states
            .get_mut::<Prints>(Rule::LoggedSecret)
            .reads_terminal = true;
    }
}

/// `input(...)`, `getpass.getpass(...)`.
fn reads_terminal(semantic: &SemanticModel, call: &ExprCall) -> bool {
    let last = match call.func.as_ref() {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return false,
    };
    match last {
        "input" => semantic.builtin_name(&call.func).is_some(),
        "getpass" => semantic.qualified_name(&call.func).as_deref() == Some("getpass.getpass"),
        _ => false,
    }
}

fn finish(checker: &mut Checker) {
    let prints: Prints = checker.rule_states.take(Rule::LoggedSecret);
    if !prints.reads_terminal {
        for diagnostic in prints.pending {
            checker.report(diagnostic);
        }
    }
}

fn check(checker: &mut Checker, call: &ExprCall, kind: LoggingCall) {
    let semantic = &checker.semantic;
    let Some(found) = find_logged(semantic, call, &mut |expr, _| {
        is_secret_value(semantic, expr)
    }) else {
        return;
    };
    let message = format!(
        "`{}` logs the secret `{}`; log whether it is set, never its value",
        logging_call_text(checker, call, kind),
        snippet(checker, found.range())
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::LoggedSecret, message, call.range());
    match kind {
        LoggingCall::Print => checker
            .rule_states
            .get_mut::<Prints>(Rule::LoggedSecret)
            .pending
            .push(diagnostic),
        LoggingCall::Logger => checker.report(diagnostic),
    }
}

fn is_secret_value(semantic: &SemanticModel, expr: &Expr) -> bool {
    if let Some(header) = single_header_read(expr) {
        return is_secret_header(header);
    }
    match expr {
        Expr::Call(call) => {
            if call
                .func
                .as_attribute_expr()
                .is_some_and(|attribute| attribute.attr.as_str() == "get_secret_value")
            {
                return true;
            }
            matches!(
                semantic.qualified_name(&call.func).as_deref(),
                Some("os.getenv" | "os.environ.get")
            ) && first_string_argument(call).is_some_and(is_secret_name)
        }
        Expr::Subscript(subscript) => {
            semantic.qualified_name(&subscript.value).as_deref() == Some("os.environ")
                && subscript
                    .slice
                    .as_string_literal_expr()
                    .is_some_and(|key| is_secret_name(key.value.to_str()))
        }
        Expr::Name(name) => {
            let id = name.id.as_str();
            if !is_secret_name(id) {
                return false;
            }
            let bare_token = is_bare_token(id);
            let Some(binding) = semantic.lookup(id) else {
                return !bare_token;
            };
            match binding.kind {
                // Imports, functions and classes are not a credential's value.
                BindingKind::Import { .. } | BindingKind::Function { .. } | BindingKind::Class => {
                    false
                }
                // A loop variable or parameter named `token` is as often a
                // piece of text.
                BindingKind::Other | BindingKind::Parameter => !bare_token,
                BindingKind::Assignment => match binding.value {
                    Some(value) => {
                        !not_a_credential(semantic, id, value)
                            && (!bare_token || reads_as_credential(value))
                    }
                    None => !bare_token,
                },
            }
        }
        Expr::Attribute(attribute) => {
            let attr = attribute.attr.as_str();
            if !is_secret_name(attr) || semantic.is_secret_typed_field(attr) {
                return false;
            }
            !is_bare_token(attr) || holds_credentials(&attribute.value)
        }
        _ => false,
    }
}

/// `api_key = settings.api_key` where that field is a `SecretStr`, or
/// `SecretStr(...)` itself: the value prints masked.
fn holds_masked_secret(semantic: &SemanticModel, value: &Expr) -> bool {
    match value {
        Expr::Attribute(attribute) => semantic.is_secret_typed_field(attribute.attr.as_str()),
        Expr::Call(call) => {
            let callee = match call.func.as_ref() {
                Expr::Name(name) => name.id.as_str(),
                Expr::Attribute(attribute) => attribute.attr.as_str(),
                _ => return false,
            };
            callee == "SecretStr"
        }
        _ => false,
    }
}

/// Whether the value a secret-named local was last assigned shows no
/// credential: a `SecretStr`, a bounded part, request metadata, or (for a
/// `*token*` name) a URL.
fn not_a_credential(semantic: &SemanticModel, name: &str, value: &Expr) -> bool {
    holds_masked_secret(semantic, value)
        || shows_bounded_part(value, 0)
        || reads_metadata(value)
        || (names_token(name) && is_url(value))
}

/// `api_key[:8]`, `api_key[-4:]`, `key[:4] + "*" * 12`: a bounded part of
/// a value, with literal padding.
fn shows_bounded_part(value: &Expr, depth: u32) -> bool {
    if depth > MAX_EXPR_DEPTH {
        return false;
    }
    let is_literal = |expr: &Expr| match expr {
        Expr::StringLiteral(_) | Expr::NumberLiteral(_) => true,
        Expr::BinOp(binop) => is_literal_padding(binop),
        _ => false,
    };
    match value {
        Expr::Subscript(subscript) => {
            let Expr::Slice(slice) = subscript.slice.as_ref() else {
                return false;
            };
            let number = |bound: &Option<Box<Expr>>| {
                bound.as_deref().is_some_and(Expr::is_number_literal_expr)
            };
            let from_end = |bound: &Option<Box<Expr>>| {
                bound.as_deref().is_some_and(|bound| {
                    bound.as_unary_op_expr().is_some_and(|unary| {
                        unary.op == UnaryOp::USub && unary.operand.is_number_literal_expr()
                    })
                })
            };
            // `[:8]` keeps the first eight characters, `[-4:]` the last four.
            slice.step.is_none()
                && ((slice.lower.is_none() && number(&slice.upper))
                    || (from_end(&slice.lower) && slice.upper.is_none()))
        }
        Expr::BinOp(binop) if binop.op == Operator::Add => {
            let sides = [binop.left.as_ref(), binop.right.as_ref()];
            sides
                .iter()
                .all(|side| is_literal(side) || shows_bounded_part(side, depth + 1))
                && sides.iter().any(|side| shows_bounded_part(side, depth + 1))
        }
        _ => false,
    }
}

/// `"*" * 15`: padding built from literals.
fn is_literal_padding(binop: &ruff_python_ast::ExprBinOp) -> bool {
    binop.op == Operator::Mult
        && [binop.left.as_ref(), binop.right.as_ref()]
            .iter()
            .all(|side| matches!(side, Expr::StringLiteral(_) | Expr::NumberLiteral(_)))
}

/// `metadata.get("user_api_key")`, `request_metadata["api_key"]`: a value
/// read out of request metadata, which holds what is meant to be logged.
fn reads_metadata(value: &Expr) -> bool {
    let mapping = match value {
        Expr::Subscript(subscript) => subscript.value.as_ref(),
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Attribute(attribute) if attribute.attr.as_str() == "get" => {
                attribute.value.as_ref()
            }
            _ => return false,
        },
        _ => return false,
    };
    let name = match mapping {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return false,
    };
    name.to_ascii_lowercase().contains("metadata")
}

fn names_token(name: &str) -> bool {
    name.to_ascii_lowercase().contains("token")
}

/// A string literal or f-string that starts as a URL or an absolute path.
fn is_url(value: &Expr) -> bool {
    let start = match value {
        Expr::StringLiteral(string) => string.value.to_str(),
        Expr::FString(fstring) => match fstring.value.elements().next() {
            Some(InterpolatedStringElement::Literal(literal)) => &literal.value,
            _ => return false,
        },
        _ => return false,
    };
    start.starts_with("https://") || start.starts_with("http://") || start.starts_with('/')
}

/// `token` alone (not `access_token`): a word streaming and tokenizer code
/// uses for pieces of text as often as for credentials.
fn is_bare_token(name: &str) -> bool {
    name.trim_matches('_').eq_ignore_ascii_case("token")
}

/// Words that, in the expression a bare `token` is assigned from, make it
/// a credential: `token = auth.get_token()`, `token = body["access_token"]`.
const CREDENTIAL_WORDS: &[&str] = &[
    "token",
    "auth",
    "secret",
    "credential",
    "login",
    "password",
    "passwd",
    "key",
    "jwt",
    "bearer",
    "environ",
    "getenv",
];

/// Whether the names along `value`'s chain of attributes, calls and
/// subscripts (and their string arguments) speak of credentials.
fn reads_as_credential(value: &Expr) -> bool {
    let mentions = |text: &str| {
        let text = text.to_ascii_lowercase();
        CREDENTIAL_WORDS.iter().any(|word| text.contains(word))
    };
    let mut cursor = value;
    for _ in 0..MAX_EXPR_DEPTH {
        match cursor {
            Expr::Name(name) => return mentions(name.id.as_str()),
            Expr::Attribute(attribute) => {
                if mentions(attribute.attr.as_str()) {
                    return true;
                }
                cursor = &attribute.value;
            }
            Expr::Call(call) => {
                if first_string_argument(call).is_some_and(mentions) {
                    return true;
                }
                cursor = &call.func;
            }
            Expr::Subscript(subscript) => {
                if subscript
                    .slice
                    .as_string_literal_expr()
                    .is_some_and(|key| mentions(key.value.to_str()))
                {
                    return true;
                }
                cursor = &subscript.value;
            }
            Expr::Await(await_expr) => cursor = &await_expr.value,
            _ => return false,
        }
    }
    false
}

/// `self`, `cls`, or a receiver whose name reads as configuration,
/// credentials or a client: `self.token`, `settings.token`, `auth.token`.
fn holds_credentials(receiver: &Expr) -> bool {
    let name = match receiver {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return false,
    };
    let name = name.to_ascii_lowercase();
    name == "self" || name == "cls" || CREDENTIAL_HOLDERS.iter().any(|word| name.contains(word))
}

fn first_string_argument(call: &ExprCall) -> Option<&str> {
    Some(
        call.arguments
            .args
            .first()?
            .as_string_literal_expr()?
            .value
            .to_str(),
    )
}
