//! # hand-rolled-tool-schema (WL902)
//!
//! ## What it does
//! Flags a dict literal that defines a model tool with a JSON schema
//! written by hand:
//! - OpenAI's shape, `{"type": "function", "function": {..., "parameters": {...}}}`:
//!   the SDK ships a typed helper, `openai.pydantic_function_tool(Model)`;
//! - Anthropic's shape, `{"name": ..., "input_schema": {"type": "object", ...}}`,
//!   in a module that builds no `pydantic.TypeAdapter`. The Python SDK has
//!   no typed helper, and the policy accepts a schema declared explicitly
//!   when it is paired with a `TypeAdapter` that validates the model's
//!   arguments; a module that builds none validates them with nothing;
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
//! # Anthropic: {"name": "query", "input_schema": Query.model_json_schema()},
//! # or the schema written out and the arguments checked with
//! # TypeAdapter(QueryInput).validate_python(tool_use.input)
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Structured Outputs" and "Tool Use" (for Anthropic
//!   in Python: an explicit schema, paired with a `TypeAdapter`)"

use ruff_python_ast::{Expr, ExprCall, ExprDict};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::CallTarget;

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
        call: Some(note_type_adapter),
        finish: Some(finish),
        ..Hooks::NONE
    },
};

/// Anthropic tools seen so far, decided at the end of the file, and
/// whether the module builds a `TypeAdapter`.
#[derive(Debug, Default)]
struct AnthropicTools {
    tools: Vec<(TextRange, String)>,
    type_adapter: bool,
}

fn check(checker: &mut Checker, dict: &ExprDict) {
    if let Some(function) = openai_tool_function(dict) {
        let message = format!(
            "Tool{} has a hand-written schema; derive it from a pydantic model with \
             `openai.pydantic_function_tool(Model)`",
            tool_name(function)
        );
        let diagnostic =
            checker
                .locator
                .diagnostic(Rule::HandRolledToolSchema, message, dict.range());
        checker.report(diagnostic);
    } else if is_anthropic_tool(dict) {
        let name = tool_name(dict);
        checker
            .rule_states
            .get_mut::<AnthropicTools>(Rule::HandRolledToolSchema)
            .tools
            .push((dict.range(), name));
    }
}

/// `TypeAdapter(...)`: the module can validate a hand-written schema's
/// arguments.
fn note_type_adapter(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    if checker.semantic.names_type_adapter(&call.func) {
        checker
            .rule_states
            .get_mut::<AnthropicTools>(Rule::HandRolledToolSchema)
            .type_adapter = true;
    }
}

/// Reports the Anthropic tools of a module that builds no `TypeAdapter`.
fn finish(checker: &mut Checker) {
    let found: AnthropicTools = checker.rule_states.take(Rule::HandRolledToolSchema);
    if found.type_adapter {
        return;
    }
    for (range, name) in found.tools {
        let message = format!(
            "Tool{name} has a hand-written `input_schema` and no `TypeAdapter` in the module \
             checks the model's arguments; derive the schema from a pydantic model \
             (`Model.model_json_schema()`), or validate `tool_use.input` with a `TypeAdapter`"
        );
        let diagnostic = checker
            .locator
            .diagnostic(Rule::HandRolledToolSchema, message, range);
        checker.report(diagnostic);
    }
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
