//! # hardcoded-credential (WL604)
//!
//! ## What it does
//! Flags a credential written into the source:
//! - a string literal (or a module constant bound once to one) passed as a
//!   secret-named keyword (`api_key=`, `token=`, `password=`,
//!   `auth_token=`, `client_secret=`, ...) to a network client constructor
//!   (`OpenAI(api_key="sk-...")`, and the project's own classes listed in
//!   `extend-client-classes`);
//! - a `"Bearer ..."` string literal as the value of an `Authorization`
//!   header, in a dict literal or a `headers["Authorization"] = ...`
//!   assignment.
//!
//! Values that cannot be a generated credential are left alone: strings
//! shorter than 8 characters or without both letters and digits (test
//! doubles like `"manual-token"`), strings with spaces, templates
//! (`"Bearer {}"`, `"%s"`), environment-variable names (`"OPENAI_API_KEY"`)
//! and the usual placeholders (`"your-api-key"`, `"sk-xxx"`, `"dummy"`,
//! `"EMPTY"`, `"not-needed"`, `"ollama"`, test keys).
//!
//! ## Why is this bad?
//! A credential in the source is in every clone, fork, backup and CI log
//! of the repository, cannot be rotated without a commit, and is the same
//! in every environment. Secrets belong in the environment or a secret
//! store, read once at startup into a `SecretStr`.
//!
//! ## Example
//! ```python
//! client = OpenAI(api_key="sk-proj-9f8e7d6c5b4a")
//! headers = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9"}
//! ```
//!
//! ## Use instead
//! ```python
//! settings = Settings()  # api_key: SecretStr, read from OPENAI_API_KEY
//! client = OpenAI(api_key=settings.api_key.get_secret_value())
//! headers = {"Authorization": f"Bearer {settings.token.get_secret_value()}"}
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Client Construction" and
//!   "Settings & Config"

use ruff_python_ast::{Expr, ExprCall, ExprDict, Stmt};
use ruff_text_size::Ranged;

use super::is_secret_name;
use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::callee_text;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::{BindingKind, CallTarget, SemanticModel};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL604",
    name: "hardcoded-credential",
    family: Family::Secrets,
    status: Status::Stable,
    summary: "A credential is written into the source as a string literal.",
    boundary: false,
    markers: &[
        Marker::NetworkImport,
        Marker::Word("Bearer"),
        Marker::Word("bearer"),
        Marker::Word("BEARER"),
    ],
    fix: FixAvailability::None,
    hooks: Hooks {
        stmt: Some(check_stmt),
        dict: Some(check_dict),
        call: Some(check_call),
        ..Hooks::NONE
    },
};

/// Words that mark a value as a stand-in, not a credential.
const PLACEHOLDER_WORDS: &[&str] = &[
    "your",
    "xxx",
    "...",
    "***",
    "placeholder",
    "dummy",
    "fake",
    "mock",
    "example",
    "sample",
    "test",
    "changeme",
    "change-me",
    "change_me",
    "replace",
    "redacted",
    "not-needed",
    "not_needed",
    "notneeded",
    "not-used",
    "unused",
    "no-key",
    "nokey",
    "none",
    "null",
    "empty",
    "ollama",
    "lm-studio",
];

/// Shorter values are not generated credentials.
const MIN_CREDENTIAL_CHARS: usize = 8;

fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    if let Stmt::Assign(assign) = stmt {
        for target in &assign.targets {
            check_header_assignment(checker, target, &assign.value);
        }
    }
}

fn check_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if let Some(CallTarget::ClientConstructor(_)) = target {
        check_constructor(checker, call);
    }
}

/// A secret-named keyword given a literal, in a client constructor call.
fn check_constructor(checker: &mut Checker, call: &ExprCall) {
    for keyword in &call.arguments.keywords {
        let Some(arg) = &keyword.arg else {
            continue;
        };
        if !is_secret_name(arg.as_str()) {
            continue;
        }
        let Some(value) = literal_value(&checker.semantic, &keyword.value) else {
            continue;
        };
        if looks_like_placeholder(value) {
            continue;
        }
        let message = format!(
            "`{arg}=` of `{}(...)` is a credential written in the source; read it from the environment into a `SecretStr` at startup",
            callee_text(checker, call)
        );
        let diagnostic =
            checker
                .locator
                .diagnostic(Rule::HardcodedCredential, message, keyword.range());
        checker.report(diagnostic);
    }
}

/// `{"Authorization": "Bearer <literal>"}`.
fn check_dict(checker: &mut Checker, dict: &ExprDict) {
    for item in &dict.items {
        let Some(Expr::StringLiteral(key)) = &item.key else {
            continue;
        };
        if key.value.to_str().eq_ignore_ascii_case("authorization") {
            report_bearer_literal(checker, &item.value);
        }
    }
}

/// `headers["Authorization"] = "Bearer <literal>"`.
fn check_header_assignment(checker: &mut Checker, target: &Expr, value: &Expr) {
    let Expr::Subscript(subscript) = target else {
        return;
    };
    let is_authorization = subscript
        .slice
        .as_string_literal_expr()
        .is_some_and(|key| key.value.to_str().eq_ignore_ascii_case("authorization"));
    if is_authorization {
        report_bearer_literal(checker, value);
    }
}

fn report_bearer_literal(checker: &mut Checker, value: &Expr) {
    let Some(string) = value.as_string_literal_expr() else {
        return;
    };
    let text = string.value.to_str();
    let Some(token) = text
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case("bearer "))
        .and_then(|_| text.get(7..))
    else {
        return;
    };
    if looks_like_placeholder(token) {
        return;
    }
    let message = "The `Authorization` header's bearer token is written in the source; read it from the environment into a `SecretStr` and format it in at the call".to_string();
    let diagnostic = checker
        .locator
        .diagnostic(Rule::HardcodedCredential, message, value.range());
    checker.report(diagnostic);
}

/// A string literal, or a module constant bound once to one.
fn literal_value<'e>(semantic: &SemanticModel<'e>, value: &'e Expr) -> Option<&'e str> {
    match value {
        Expr::StringLiteral(string) => Some(string.value.to_str()),
        Expr::Name(name) => match semantic.lookup_with_scope(name.id.as_str()) {
            Some((0, binding))
                if binding.kind == BindingKind::Assignment && binding.times_bound == 1 =>
            {
                Some(binding.value?.as_string_literal_expr()?.value.to_str())
            }
            _ => None,
        },
        _ => None,
    }
}

/// Whether a literal is a stand-in rather than a credential. Generated
/// credentials (API keys, tokens, JWTs) mix letters and digits; words like
/// `"manual-token"` or `"caller"` are test doubles.
pub(crate) fn looks_like_placeholder(value: &str) -> bool {
    let value = value.trim();
    if value.chars().count() < MIN_CREDENTIAL_CHARS
        || !value.chars().any(|char| char.is_ascii_digit())
        || !value.chars().any(|char| char.is_ascii_alphabetic())
        || value.chars().any(char::is_whitespace)
        || value.contains(['{', '}', '<', '>', '$', '%'])
    {
        return true;
    }
    // An environment variable's name: `OPENAI_API_KEY`.
    if value
        .chars()
        .all(|char| char.is_ascii_uppercase() || char.is_ascii_digit() || char == '_')
    {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    PLACEHOLDER_WORDS.iter().any(|word| lower.contains(word))
}

#[cfg(test)]
mod tests {
    use super::looks_like_placeholder;
    use crate::registry::Rule;
    use crate::settings::{LinterSettings, RuleSelection};

    #[test]
    fn project_client_classes_are_clients_only_when_configured() {
        let source =
            "from acme.http import Api\napi = Api(api_key=\"sk-proj-9f8e7d6c5b4a39281706\")\n";
        let selection = RuleSelection {
            select: Some(vec!["WL604".parse().unwrap()]),
            ..Default::default()
        };
        let plain = LinterSettings {
            rules: selection.resolve(),
            ..LinterSettings::default()
        };
        assert!(crate::lint_source(source, &plain).is_empty());
        let configured = LinterSettings {
            extend_client_classes: vec!["acme.http.Api".to_string()],
            ..plain
        };
        let found = crate::lint_source(source, &configured);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, Rule::HardcodedCredential);
        assert_eq!((found[0].location.row, found[0].location.column), (2, 11));
    }

    #[test]
    fn placeholders_are_not_credentials() {
        for value in [
            "",
            "abc",
            "your-api-key",
            "sk-xxxxxxxx",
            "EMPTY",
            "OPENAI_API_KEY",
            "{token}",
            "not-needed",
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
            "a key with spaces",
            "manual-token",
            "caller-value",
            "12345678",
        ] {
            assert!(looks_like_placeholder(value), "{value:?}");
        }
        for value in [
            "sk-proj-9f8e7d6c5b4a",
            "hunter2hunter2",
            "eyJhbGciOiJIUzI1NiJ9",
        ] {
            assert!(!looks_like_placeholder(value), "{value:?}");
        }
    }
}
