//! # hand-rolled-tool-schema (WL902)
//!
//! ## What it does
//! Flags a dict literal that defines a model tool with a JSON schema
//! written by hand:
//! - OpenAI's shape, `{"type": "function", "function": {..., "parameters": {...}}}`;
//! - Anthropic's shape, `{"name": ..., "input_schema": {"type": "object", ...}}`;
//!
//! where the schema is itself a dict literal declaring at least one
//! property. A schema derived from code (`Query.model_json_schema()`, a
//! variable) is not flagged, and neither is a tool without parameters
//! (`"properties": {}`), which has no types to duplicate. The diagnostic
//! points at the tool's dict literal.
//!
//! ## Why is this bad?
//! A hand-written schema repeats, in another language, the types the code
//! that handles the tool call already declares; the two drift apart, and
//! the model's arguments are then validated against neither. Derive the
//! schema from a pydantic model and validate the arguments with the same
//! model.
//!
//! ## Example
//! ```python
//! tools = [
//!     {
//!         "type": "function",
//!         "function": {
//!             "name": "query",
//!             "parameters": {
//!                 "type": "object",
//!                 "properties": {"table_name": {"type": "string"}},
//!             },
//!         },
//!     }
//! ]
//! ```
//!
//! ## Use instead
//! ```python
//! tools = [openai.pydantic_function_tool(Query)]
//! # Anthropic: {"name": "query", "input_schema": Query.model_json_schema()}
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Structured Outputs" and "Tool Use"

use ruff_python_ast::{Expr, ExprDict};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL902",
    name: "hand-rolled-tool-schema",
    family: Family::StructuredOutputs,
    status: Status::Stable,
    summary: "A tool definition with a hand-written JSON schema instead of one derived from a model.",
    boundary: false,
    markers: &[Marker::Word("input_schema"), Marker::Word("parameters")],
    fix: FixAvailability::None,
    hooks: Hooks {
        dict: Some(check),
        ..Hooks::NONE
    },
};

fn check(checker: &mut Checker, dict: &ExprDict) {
    let message = if let Some(function) = openai_tool_function(dict) {
        format!(
            "Tool{} has a hand-written schema; derive it from a pydantic model with \
             `openai.pydantic_function_tool(Model)`",
            tool_name(function)
        )
    } else if is_anthropic_tool(dict) {
        format!(
            "Tool{} has a hand-written `input_schema`; derive it from a pydantic model with \
             `Model.model_json_schema()`",
            tool_name(dict)
        )
    } else {
        return;
    };
    let diagnostic = checker
        .locator
        .diagnostic(Rule::HandRolledToolSchema, message, dict.range());
    checker.report(diagnostic);
}

/// ` `name``, from a literal `"name"` entry, for the message.
fn tool_name(dict: &ExprDict) -> String {
    match value_of(dict, "name").and_then(Expr::as_string_literal_expr) {
        Some(name) => format!(" `{}`", name.value.to_str()),
        None => String::new(),
    }
}

/// The `"function"` entry of `{"type": "function", "function":
/// {"parameters": {<schema>}}}`.
fn openai_tool_function(dict: &ExprDict) -> Option<&ExprDict> {
    if !value_of(dict, "type").is_some_and(|value| is_string(value, "function")) {
        return None;
    }
    let Some(Expr::Dict(function)) = value_of(dict, "function") else {
        return None;
    };
    matches!(value_of(function, "parameters"), Some(Expr::Dict(schema)) if declares_properties(schema))
        .then_some(function)
}

/// `{"name": ..., "input_schema": {"type": "object", <properties>}}`.
fn is_anthropic_tool(dict: &ExprDict) -> bool {
    if value_of(dict, "name").is_none() {
        return false;
    }
    let Some(Expr::Dict(schema)) = value_of(dict, "input_schema") else {
        return false;
    };
    value_of(schema, "type").is_some_and(|value| is_string(value, "object"))
        && declares_properties(schema)
}

/// A schema literal with a non-empty `"properties"` dict literal.
fn declares_properties(schema: &ExprDict) -> bool {
    matches!(value_of(schema, "properties"), Some(Expr::Dict(properties)) if !properties.is_empty())
}

/// The value under the string key `key`.
fn value_of<'d>(dict: &'d ExprDict, key: &str) -> Option<&'d Expr> {
    dict.iter().find_map(|item| {
        item.key
            .as_ref()
            .is_some_and(|item_key| is_string(item_key, key))
            .then_some(&item.value)
    })
}

fn is_string(expr: &Expr, text: &str) -> bool {
    expr.as_string_literal_expr()
        .is_some_and(|string| string.value.to_str() == text)
}
