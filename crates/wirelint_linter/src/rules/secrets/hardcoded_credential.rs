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
//!   assignment;
//! - a string literal passed as `aws_secret_access_key=` or
//!   `aws_session_token=` to `boto3.client(...)`, `boto3.resource(...)` or
//!   `boto3.Session(...)`;
//! - a field of a settings model (a pydantic model or a dataclass) whose
//!   default is a literal shaped like a live credential of a known
//!   provider, whatever the field is called: `stripe_key: str =
//!   "sk_live_..."`, also through `Field(default=...)` or `SecretStr(...)`.
//!   The shapes are the providers' key prefixes (`sk_live_`, `rk_live_`,
//!   `sk-proj-`, `sk-ant-`, `xoxb-`, `ghp_`, `github_pat_`, `glpat-`,
//!   `AIza`, ...) followed by enough key characters.
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

use ruff_python_ast::{Expr, ExprCall, ExprDict, Keyword, Stmt, StmtClassDef};
use ruff_text_size::Ranged;

use super::is_secret_name;
use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::callee_text;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::models::model_fields;
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
        Marker::Word("BaseModel"),
        Marker::Word("BaseSettings"),
        Marker::Word("dataclass"),
    ],
    fix: FixAvailability::None,
    hooks: Hooks {
        stmt: Some(check_stmt),
        dict: Some(check_dict),
        call: Some(check_call),
        class: Some(check_model_defaults),
        ..Hooks::NONE
    },
};

/// boto3's constructors that take credentials as keywords.
const BOTO3_CONSTRUCTORS: &[&str] = &[
    "boto3.client",
    "boto3.resource",
    "boto3.Session",
    "boto3.session.Session",
];

/// boto3's keywords whose value is a secret.
const BOTO3_SECRET_KEYWORDS: &[&str] = &["aws_secret_access_key", "aws_session_token"];

/// Prefixes of live credentials of known providers, with the fewest key
/// characters that must follow.
const LIVE_CREDENTIAL_PREFIXES: &[(&str, usize)] = &[
    ("sk_live_", 16),
    ("rk_live_", 16),
    ("sk-proj-", 16),
    ("sk-ant-", 16),
    ("sk-", 20),
    ("xoxb-", 16),
    ("xoxp-", 16),
    ("xoxa-", 16),
    ("xoxs-", 16),
    ("ghp_", 20),
    ("gho_", 20),
    ("ghs_", 20),
    ("ghu_", 20),
    ("github_pat_", 20),
    ("glpat-", 16),
    ("AIza", 30),
];

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
    match target {
        Some(CallTarget::ClientConstructor(_)) => check_constructor(checker, call),
        None => check_boto3(checker, call),
        _ => {}
    }
}

/// `boto3.client("s3", aws_secret_access_key="...")`.
fn check_boto3(checker: &mut Checker, call: &ExprCall) {
    let has_secret_keyword = call.arguments.keywords.iter().any(|keyword| {
        keyword
            .arg
            .as_ref()
            .is_some_and(|arg| BOTO3_SECRET_KEYWORDS.contains(&arg.as_str()))
    });
    if !has_secret_keyword {
        return;
    }
    let Some(qualified) = checker.semantic.qualified_name(&call.func) else {
        return;
    };
    if !BOTO3_CONSTRUCTORS.contains(&qualified.as_str()) {
        return;
    }
    let found = literal_credentials(&checker.semantic, call, |arg| {
        BOTO3_SECRET_KEYWORDS.contains(&arg)
    });
    for (keyword, arg) in found {
        let message = format!(
            "`{arg}=` of `{qualified}(...)` is a credential written in the source; let boto3 find it (environment, profile, role) or read it from a secret store"
        );
        report_keyword(checker, keyword, message);
    }
}

/// `stripe_key: str = "sk_live_..."` in a settings model.
fn check_model_defaults(checker: &mut Checker, class: &StmtClassDef) {
    if checker.semantic.class_model(class).is_none() {
        return;
    }
    for (name, field) in model_fields(class) {
        let Some(default) = field.value.as_deref().and_then(field_default) else {
            continue;
        };
        let Some(literal) = default.as_string_literal_expr() else {
            continue;
        };
        let value = literal.value.to_str();
        if !looks_like_live_credential(value) || looks_like_placeholder(value) {
            continue;
        }
        let message = format!(
            "`{}` of `{}` defaults to a credential written in the source; give it no default and read it from the environment into a `SecretStr`",
            name.id, class.name
        );
        let diagnostic =
            checker
                .locator
                .diagnostic(Rule::HardcodedCredential, message, default.range());
        checker.report(diagnostic);
    }
}

/// A field's default: the value itself, `Field("...")`,
/// `Field(default="...")`, `field(default="...")` or `SecretStr("...")`.
fn field_default(value: &Expr) -> Option<&Expr> {
    let Expr::Call(call) = value else {
        return Some(value);
    };
    let callee = match call.func.as_ref() {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return None,
    };
    match callee {
        "Field" | "SecretStr" | "SecretBytes" => call
            .arguments
            .args
            .first()
            .or_else(|| Some(&call.arguments.find_keyword("default")?.value)),
        "field" => Some(&call.arguments.find_keyword("default")?.value),
        _ => None,
    }
}

/// Whether a literal has the shape of a known provider's live credential:
/// its prefix, then enough key characters (letters, digits, `_`, `-`).
pub(crate) fn looks_like_live_credential(value: &str) -> bool {
    LIVE_CREDENTIAL_PREFIXES.iter().any(|(prefix, min_rest)| {
        value.strip_prefix(prefix).is_some_and(|rest| {
            rest.len() >= *min_rest
                && rest
                    .chars()
                    .all(|char| char.is_ascii_alphanumeric() || char == '_' || char == '-')
        })
    })
}

/// A secret-named keyword given a literal, in a client constructor call.
fn check_constructor(checker: &mut Checker, call: &ExprCall) {
    for (keyword, arg) in literal_credentials(&checker.semantic, call, is_secret_name) {
        let message = format!(
            "`{arg}=` of `{}(...)` is a credential written in the source; read it from the environment into a `SecretStr` at startup",
            callee_text(checker, call)
        );
        report_keyword(checker, keyword, message);
    }
}

/// The keywords of `call` named as `names_secret` accepts whose value is a
/// literal that is not a placeholder, with their names.
fn literal_credentials<'c>(
    semantic: &SemanticModel<'c>,
    call: &'c ExprCall,
    names_secret: impl Fn(&str) -> bool,
) -> Vec<(&'c Keyword, &'c str)> {
    call.arguments
        .keywords
        .iter()
        .filter_map(|keyword| {
            let arg = keyword.arg.as_ref()?.as_str();
            let value = literal_value(semantic, &keyword.value)?;
            (names_secret(arg) && !looks_like_placeholder(value)).then_some((keyword, arg))
        })
        .collect()
}

fn report_keyword(checker: &mut Checker, keyword: &Keyword, message: String) {
    let diagnostic =
        checker
            .locator
            .diagnostic(Rule::HardcodedCredential, message, keyword.range());
    checker.report(diagnostic);
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
    fn live_credentials_have_a_provider_shape() {
        for value in [
            "sk_live_51HxYzAbCdEfGhIjKlMnOp",
            "sk-proj-9f8e7d6c5b4a39281706",
            "xoxb-1234567890-abcdefghijkl",
            "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
        ] {
            assert!(super::looks_like_live_credential(value), "{value:?}");
        }
        for value in [
            "sk_live_",
            "sk_live_short",
            "sk-...",
            "sk_live_{key}",
            "https://api.stripe.com",
            "my-service/1.0",
        ] {
            assert!(!super::looks_like_live_credential(value), "{value:?}");
        }
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
