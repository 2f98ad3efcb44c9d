//! # swallowed-validation-error (WL406)
//!
//! *Preview: on application code most handlers of a `ValidationError` use
//! validation as a type test and fall back to a value on purpose (the
//! field check found 14 of 15 sampled hits of the first version to be such
//! fallbacks). The rule now flags only a handler that does nothing; it
//! stays in preview until a field check shows that form is reliably a
//! fault.*
//!
//! ## What it does
//! Flags `except pydantic.ValidationError` (or
//! `pydantic_core.ValidationError`, also in a tuple) whose handler does
//! nothing: its body is only `pass` (or `...`) or `break`, so the code
//! after the `try` goes on as if the data had validated. The diagnostic
//! points at `ValidationError` in the `except` clause.
//!
//! Left alone, because the handler falls back to a value the caller or the
//! next line must look at (validation used as a type test):
//! - a handler that returns anything (`return None`, `return False`,
//!   `return`), assigns a fallback (`user = None`), or `continue`s past an
//!   item of a loop (a filter);
//! - any handler in a function whose return annotation admits `None`
//!   (`-> User | None`, `Optional[User]`): `None` is its typed answer for
//!   "not valid";
//! - a `try` written so that passing over the error falls back on purpose:
//!   its body may leave on success (`return validated`, so the code after
//!   the `try` is a fallback), it has an `else` clause, it is the
//!   last statement of a loop body (`pass` skips the item, as `continue`
//!   would; `break` is still flagged), or it rebinds
//!   the name it validates (`item = Item.model_validate(item)`, keeping the
//!   raw value) or stores into an attribute or item (`result.parsed =
//!   ...`, keeping the object's earlier value);
//! - a handler that uses the caught error (`except ValidationError as e:`
//!   and then logs `e`, collects it or passes it on), raises on some path,
//!   or validates again as a fallback (`except ValidationError: data =
//!   Other.model_validate(value)`): if the fallback fails too, it raises.
//!
//! ## Why is this bad?
//! A validation error says the data crossing the boundary is not what the
//! code expects: a changed upstream schema, a bad request. Passing over it
//! turns that into missing data further on (an unbound name, a stale
//! value), with no trace of why. Convert it at the boundary into the
//! project's error type, or return an explicit result the caller must look
//! at.
//!
//! ## Example
//! ```python
//! def load(payload: str) -> User:
//!     try:
//!         user = User.model_validate_json(payload)
//!     except ValidationError:
//!         pass
//!     return user
//! ```
//!
//! ## Use instead
//! ```python
//! def load(payload: str) -> User:
//!     try:
//!         return User.model_validate_json(payload)
//!     except ValidationError as error:
//!         raise InvalidResponseError(str(error)) from error
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Anti-Patterns" (catching `ValidationError`
//!   deep inside the client)

use ruff_python_ast::{ExceptHandlerExceptHandler, Expr, ExprCall, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashSet;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::CallTarget;
use crate::semantic::exceptions::handler_types;
use crate::semantic::handlers::may_leave;
use crate::semantic::statements::Part;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL406",
    name: "swallowed-validation-error",
    family: Family::Errors,
    status: Status::Preview,
    summary: "A pydantic `ValidationError` is caught and dropped.",
    boundary: false,
    markers: &[Marker::Word("ValidationError")],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check_call),
        leave_handler: Some(check),
        ..Hooks::NONE
    },
};

/// pydantic's validating methods (v2 and v1).
const VALIDATING_METHODS: &[&str] = &[
    "model_validate",
    "model_validate_json",
    "model_validate_strings",
    "validate_python",
    "validate_json",
    "validate_strings",
    "parse_obj",
    "parse_raw",
];

/// Start offsets of the open handlers catching `ValidationError` in which
/// a validating call (a fallback) was made.
type FallbackHandlers = FxHashSet<TextSize>;

fn check_call(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    if checker.semantic.statements.in_handler() {
        note_call(checker, call);
    }
}

/// The `ValidationError` a handler catches, as written in its clause.
fn caught_validation_error(
    checker: &Checker,
    handler: &ExceptHandlerExceptHandler,
) -> Option<TextRange> {
    handler_types(handler.type_.as_deref()?)
        .find(|element| checker.semantic.is_validation_error(element))
        .map(Ranged::range)
}

/// A validating call inside a `ValidationError` handler is a fallback.
fn note_call(checker: &mut Checker, call: &ExprCall) {
    let Expr::Attribute(attribute) = call.func.as_ref() else {
        return;
    };
    if !VALIDATING_METHODS.contains(&attribute.attr.as_str()) {
        return;
    }
    let fallbacks: Vec<TextSize> = checker
        .semantic
        .statements
        .handlers()
        .filter(|handler| caught_validation_error(checker, handler).is_some())
        .map(Ranged::start)
        .collect();
    checker
        .rule_states
        .get_mut::<FallbackHandlers>(Rule::SwallowedValidationError)
        .extend(fallbacks);
}

/// Called when a handler's body has been visited: the handler handles its
/// error when it reads it, raises, returns a value, or falls back to
/// another validating call.
fn check(checker: &mut Checker, handler: &ExceptHandlerExceptHandler) {
    let Some(range) = caught_validation_error(checker, handler) else {
        return;
    };
    let fell_back = checker
        .rule_states
        .get_mut::<FallbackHandlers>(Rule::SwallowedValidationError)
        .remove(&handler.start());
    if checker.semantic.statements.innermost_handler_uses_error()
        || fell_back
        || !does_nothing(&handler.body)
        || returns_optional(checker)
        || falls_back_after(checker, handler)
    {
        return;
    }
    let message = "`ValidationError` is caught and dropped: the handler does nothing and the \
                   code goes on as if the data were valid; convert it into the project's error \
                   type"
        .to_string();
    let diagnostic = checker
        .locator
        .diagnostic(Rule::SwallowedValidationError, message, range);
    checker.report(diagnostic);
}

/// A handler body of only `pass`, `...`, a string, or `break`: nothing
/// stands in for the value that did not validate.
fn does_nothing(body: &[Stmt]) -> bool {
    body.iter().all(|stmt| match stmt {
        Stmt::Pass(_) | Stmt::Break(_) => true,
        Stmt::Expr(expr_stmt) => matches!(
            expr_stmt.value.as_ref(),
            Expr::EllipsisLiteral(_) | Expr::StringLiteral(_)
        ),
        _ => false,
    })
}

/// Whether the function being visited is annotated to return `None` on
/// some path: `-> T | None`, `Optional[T]`, `Union[T, None]`, `-> None`.
fn returns_optional(checker: &Checker) -> bool {
    let Some(returns) = checker
        .semantic
        .statements
        .function()
        .and_then(|function| function.returns.as_deref())
    else {
        return false;
    };
    admits_none(returns, 0)
}

fn admits_none(annotation: &Expr, depth: u32) -> bool {
    if depth > 8 {
        return false;
    }
    match annotation {
        Expr::NoneLiteral(_) => true,
        Expr::BinOp(binop) => {
            admits_none(&binop.left, depth + 1) || admits_none(&binop.right, depth + 1)
        }
        Expr::Subscript(subscript) => {
            let wrapper = match subscript.value.as_ref() {
                Expr::Name(name) => name.id.as_str(),
                Expr::Attribute(attribute) => attribute.attr.as_str(),
                _ => "",
            };
            match wrapper {
                "Optional" => true,
                "Union" => match subscript.slice.as_ref() {
                    Expr::Tuple(tuple) => tuple
                        .elts
                        .iter()
                        .any(|element| admits_none(element, depth + 1)),
                    other => admits_none(other, depth + 1),
                },
                _ => false,
            }
        }
        Expr::StringLiteral(text) => {
            let text = text.value.to_str();
            text.contains("None") || text.contains("Optional")
        }
        _ => false,
    }
}

/// Whether the `try` of the innermost handler is written so that passing
/// over the error falls back to something on purpose:
/// - its body may leave on success (`return validated`, on some path), so
///   the code after the `try` is a fallback for what did not validate;
/// - it has an `else` clause, which uses the value only when it validated;
/// - it is the last statement of a loop body: `pass` there skips the item
///   (a `break` stops the loop instead, and is not a fallback);
/// - it rebinds the name it validates (`item = Item.model_validate(item)`)
///   or stores into an attribute or item (`result.parsed = ...`): the
///   earlier value stays when it does not validate.
fn falls_back_after(checker: &Checker, handler: &ExceptHandlerExceptHandler) -> bool {
    let mut enclosing = checker.semantic.statements.enclosing();
    let Some((Stmt::Try(stmt_try), _)) = enclosing.next() else {
        return false;
    };
    if !stmt_try.orelse.is_empty() || may_leave(&stmt_try.body) {
        return true;
    }
    let last_in_loop = enclosing.next().is_some_and(|(parent, part)| {
        let body = match parent {
            Stmt::For(stmt_for) => &stmt_for.body,
            Stmt::While(stmt_while) => &stmt_while.body,
            _ => return false,
        };
        part == Part::Body
            && !handler.body.iter().any(Stmt::is_break_stmt)
            && body
                .last()
                .is_some_and(|last| last.range() == stmt_try.range())
    });
    last_in_loop || stmt_try.body.iter().any(rebinds_validated_name)
}

/// `item = Item.model_validate(item)`, `result.parsed = Model.model_validate(...)`:
/// the target keeps its earlier value (the raw item, the object's default)
/// when validation fails.
fn rebinds_validated_name(stmt: &Stmt) -> bool {
    let assign = match stmt {
        Stmt::Assign(assign) => assign,
        Stmt::If(stmt_if) => {
            return stmt_if.body.iter().any(rebinds_validated_name)
                || stmt_if
                    .elif_else_clauses
                    .iter()
                    .any(|clause| clause.body.iter().any(rebinds_validated_name));
        }
        Stmt::With(stmt_with) => return stmt_with.body.iter().any(rebinds_validated_name),
        _ => return false,
    };
    match (&*assign.targets, assign.value.as_ref()) {
        ([Expr::Attribute(_) | Expr::Subscript(_)], _) => true,
        ([Expr::Name(target)], Expr::Call(call)) => call
            .arguments
            .args
            .first()
            .and_then(Expr::as_name_expr)
            .is_some_and(|argument| argument.id == target.id),
        _ => false,
    }
}
