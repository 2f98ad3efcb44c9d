//! # unchecked-refusal (WL903)
//!
//! ## What it does
//! Flags a function (or a module's top-level code) that reads `.parsed`
//! from the result of a structured-output call and never reads `.refusal`
//! nor checks `.parsed` (or a name assigned from it) against `None`
//! (`is None`, `is not None`, `==`, `!=`, or as the condition of an `if`,
//! `while`, `assert`, conditional expression, `not`, `and`/`or`).
//!
//! A structured-output call is a `.parse(...)` on a client
//! (`client.chat.completions.parse(...)`,
//! `client.beta.chat.completions.parse(...)`), or any `.parse(...)` given
//! `response_format=`. Its result is followed through names assigned from
//! it (`completion = ...`, `message = completion.choices[0].message`,
//! `for choice in completion.choices`). The diagnostic points at the first
//! read of `.parsed`.
//!
//! ## Why is this bad?
//! When the model refuses, `.parsed` is `None` and the reason is in
//! `.refusal`. Code that reads `.parsed` straight away fails later with an
//! `AttributeError` on `None`, far from the cause, and the refusal (a
//! domain-level answer, not a transport error) is lost or retried.
//!
//! ## Example
//! ```python
//! completion = client.chat.completions.parse(
//!     model="gpt-4o-2024-08-06", messages=messages, response_format=MathResponse
//! )
//! answer = completion.choices[0].message.parsed.final_answer
//! ```
//!
//! ## Use instead
//! ```python
//! message = completion.choices[0].message
//! if message.parsed is not None:
//!     answer = message.parsed.final_answer
//! elif message.refusal is not None:
//!     raise ServiceError(f"Model refused: {message.refusal}")
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Structured Outputs" (always handle the
//!   refusal branch)

use ruff_python_ast::{self as ast, CmpOp, Expr, ExprCall, Stmt};
use ruff_text_size::TextRange;
use rustc_hash::FxHashSet;

use super::{take_unit_facts, unit_facts};
use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::CallTarget;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL903",
    name: "unchecked-refusal",
    family: Family::StructuredOutputs,
    status: Status::Stable,
    summary: "A structured output's `.parsed` is used without handling a refusal.",
    boundary: false,
    markers: &[Marker::Word("parsed")],
    fix: FixAvailability::None,
    hooks: Hooks {
        stmt: Some(note_stmt),
        expr: Some(note_expr),
        leave_body: Some(decide_unit),
        ..Hooks::NONE
    },
};

fn facts<'c>(checker: &'c mut Checker) -> &'c mut Facts {
    unit_facts(checker, Rule::UncheckedRefusal)
}

/// What a unit does with structured outputs.
#[derive(Debug, Default)]
struct Facts {
    /// Names holding a structured-output result or a part of one.
    structured_names: FxHashSet<String>,
    /// Names holding a `.parsed` value (`parsed = message.parsed`).
    parsed_names: FxHashSet<String>,
    /// The first `.parsed` read off a structured output.
    first_parsed_read: Option<TextRange>,
    /// `.refusal` read, or `.parsed` checked against `None`.
    refusal_handled: bool,
}

fn note_stmt(checker: &mut Checker, stmt: &Stmt) {
    match stmt {
        Stmt::Assign(assign) => {
            for target in &assign.targets {
                note_assignment(checker, target, &assign.value);
            }
        }
        Stmt::AnnAssign(ast::StmtAnnAssign {
            target,
            value: Some(value),
            ..
        }) => note_assignment(checker, target, value),
        Stmt::For(stmt_for) => {
            if let Expr::Name(name) = stmt_for.target.as_ref()
                && is_structured(checker, &stmt_for.iter)
            {
                let name = name.id.to_string();
                facts(checker).structured_names.insert(name);
            }
        }
        Stmt::If(stmt_if) => {
            let tests = std::iter::once(stmt_if.test.as_ref()).chain(
                stmt_if
                    .elif_else_clauses
                    .iter()
                    .filter_map(|clause| clause.test.as_ref()),
            );
            if tests.into_iter().any(|test| is_parsed_value(checker, test)) {
                handled(checker);
            }
        }
        Stmt::While(stmt_while) if is_parsed_value(checker, &stmt_while.test) => {
            handled(checker);
        }
        Stmt::Assert(assert) if is_parsed_value(checker, &assert.test) => handled(checker),
        _ => {}
    }
}

/// `name = <structured>` and `name = <structured>.parsed`.
fn note_assignment(checker: &mut Checker, target: &Expr, value: &Expr) {
    let Expr::Name(name) = target else {
        return;
    };
    let name = name.id.to_string();
    if let Expr::Attribute(attribute) = value
        && attribute.attr.as_str() == "parsed"
        && is_structured(checker, &attribute.value)
    {
        facts(checker).parsed_names.insert(name);
    } else if is_structured(checker, value) {
        facts(checker).structured_names.insert(name);
    }
}

fn note_expr(checker: &mut Checker, expr: &Expr) {
    let checks = match expr {
        Expr::Attribute(attribute) if attribute.ctx == ast::ExprContext::Load => {
            match attribute.attr.as_str() {
                "refusal" => true,
                "parsed" => {
                    if is_structured(checker, &attribute.value) {
                        let facts = facts(checker);
                        facts.first_parsed_read.get_or_insert(attribute.range);
                    }
                    false
                }
                _ => false,
            }
        }
        Expr::Compare(compare) => {
            let operands = || std::iter::once(compare.left.as_ref()).chain(&compare.comparators);
            compare
                .ops
                .iter()
                .all(|op| matches!(op, CmpOp::Is | CmpOp::IsNot | CmpOp::Eq | CmpOp::NotEq))
                && operands().any(Expr::is_none_literal_expr)
                && operands().any(|operand| is_parsed_value(checker, operand))
        }
        Expr::If(if_expr) => is_parsed_value(checker, &if_expr.test),
        Expr::UnaryOp(unary) => {
            unary.op == ast::UnaryOp::Not && is_parsed_value(checker, &unary.operand)
        }
        Expr::BoolOp(bool_op) => bool_op
            .values
            .iter()
            .any(|value| is_parsed_value(checker, value)),
        _ => false,
    };
    if checks {
        handled(checker);
    }
}

fn handled(checker: &mut Checker) {
    facts(checker).refusal_handled = true;
}

/// `<anything>.parsed`, or a name assigned one.
fn is_parsed_value(checker: &mut Checker, expr: &Expr) -> bool {
    match expr {
        Expr::Attribute(attribute) => attribute.attr.as_str() == "parsed",
        Expr::Name(name) => facts(checker).parsed_names.contains(name.id.as_str()),
        _ => false,
    }
}

/// Whether `expr` is a structured-output call, a name holding (part of)
/// one, or an attribute, item or await of such.
fn is_structured(checker: &mut Checker, expr: &Expr) -> bool {
    let mut cursor = expr;
    loop {
        match cursor {
            Expr::Attribute(attribute) => cursor = &attribute.value,
            Expr::Subscript(subscript) => cursor = &subscript.value,
            Expr::Await(await_expr) => cursor = &await_expr.value,
            Expr::Call(call) => return is_structured_output_call(checker, call),
            Expr::Name(name) => {
                let name = name.id.as_str();
                return facts(checker).structured_names.contains(name);
            }
            _ => return false,
        }
    }
}

/// `<client>....parse(...)`, or `....parse(..., response_format=...)`.
fn is_structured_output_call(checker: &Checker, call: &ExprCall) -> bool {
    let Expr::Attribute(attribute) = call.func.as_ref() else {
        return false;
    };
    if attribute.attr.as_str() != "parse" {
        return false;
    }
    call.arguments.find_keyword("response_format").is_some()
        || matches!(
            checker.semantic.classify_call(call),
            Some(CallTarget::ClientMethod { .. })
        )
}

/// Reports the first unchecked `.parsed` read of the unit just visited.
fn decide_unit(checker: &mut Checker) {
    let Some(facts) = take_unit_facts::<Facts>(checker, Rule::UncheckedRefusal) else {
        return;
    };
    let Some(range) = facts.first_parsed_read else {
        return;
    };
    if facts.refusal_handled {
        return;
    }
    let text = checker.locator.slice(range);
    let message = format!(
        "`{text}` is read without handling a refusal; check `.refusal` (or `.parsed is None`) \
         before using it"
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::UncheckedRefusal, message, range);
    checker.report(diagnostic);
}
