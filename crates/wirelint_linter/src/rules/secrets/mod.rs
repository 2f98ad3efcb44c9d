//! WL6: secrets and logging. Secrets typed as plain strings, written to logs,
//! hard-coded, or unwrapped from `SecretStr` long before they are injected.
//! Helpers shared by the family live here: what reads as a secret's name,
//! which headers carry secrets, and which parts of a logging call's
//! arguments end up in the log line.

pub(crate) mod hardcoded_credential;
pub(crate) mod logged_headers;
pub(crate) mod logged_secret;
pub(crate) mod secret_as_plain_str;
pub(crate) mod secret_unwrapped_early;

use ruff_python_ast::{
    Expr, ExprCall, InterpolatedStringElement, InterpolatedStringFormatSpec, Operator,
};

use crate::checker::Checker;
use crate::rules::helpers::{argument_values, snippet};
use crate::semantic::SemanticModel;
use crate::semantic::logging::LoggingCall;
use crate::semantic::names::MAX_EXPR_DEPTH;

// ---- names ----------------------------------------------------------------

/// Words before `_token` that make it something other than a credential:
/// pagination cursors, idempotency keys, tokenizer and usage vocabulary.
const NOT_SECRET_TOKENS: &[&str] = &[
    "page",
    "next",
    "prev",
    "previous",
    "pagination",
    "continuation",
    "cursor",
    "marker",
    "offset",
    "sync",
    "resume",
    "idempotency",
    "client",
    "cancel",
    "cancellation",
    "start",
    "starting",
    "end",
    "ending",
    "stop",
    "first",
    "last",
    "bos",
    "eos",
    "eot",
    "pad",
    "unk",
    "sep",
    "cls",
    "mask",
    "special",
    "max",
    "min",
    "num",
    "total",
    "count",
    "input",
    "output",
    "prompt",
    "completion",
    "reasoning",
    "cached",
    "text",
    "word",
    "image",
    "audio",
];

/// First words that make a name a flag or an action about a secret
/// (`has_token`, `use_api_key`, `hashed_password`), not the secret.
const NOT_SECRET_PREFIXES: &[&str] = &[
    "is",
    "has",
    "have",
    "use",
    "uses",
    "with",
    "without",
    "no",
    "need",
    "needs",
    "require",
    "requires",
    "should",
    "include",
    "allow",
    "enable",
    "disable",
    "show",
    "hide",
    "masked",
    "redacted",
    "hashed",
    "validate",
    "verify",
    "check",
    "get",
    "set",
    "load",
    "fetch",
    "read",
    "generate",
    "create",
    "make",
    "parse",
    "num",
    "max",
    "min",
    "ignored",
    "missing",
    "required",
    "supported",
    "allowed",
    "available",
    "expected",
    "unused",
];

/// Words before `_key` that make a key a secret (`api_key`, `private_key`).
const SECRET_KEY_KINDS: &[&str] = &[
    "api",
    "access",
    "private",
    "auth",
    "secret",
    "signing",
    "encryption",
    "master",
];

/// `apiKey` → `api_key`, `APIKey` → `api_key`, `API_KEY` → `api_key`.
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut snake = String::with_capacity(name.len() + 4);
    for (index, &char) in chars.iter().enumerate() {
        if char.is_uppercase() && index > 0 {
            let previous = chars[index - 1];
            let next_is_lower = chars.get(index + 1).is_some_and(|next| next.is_lowercase());
            if previous.is_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_uppercase() && next_is_lower)
            {
                snake.push('_');
            }
        }
        snake.extend(char.to_lowercase());
    }
    snake
}

/// Whether a name reads as a credential: `api_key`, `*_api_key`, `token`,
/// `*_token`, `secret`, `*_secret`, `password`, `passwd`, `credential(s)`,
/// `private_key`, `auth_key`, `access_key` (in any case style). Not: `next_page_token`,
/// `page_token`, `max_tokens`, `token_type`, `token_url`, `*_tokens`.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let snake = snake_case(name);
    let words: Vec<&str> = snake.split('_').filter(|word| !word.is_empty()).collect();
    let Some((last, rest)) = words.split_last() else {
        return false;
    };
    if rest
        .first()
        .is_some_and(|first| NOT_SECRET_PREFIXES.contains(first))
    {
        return false;
    }
    match *last {
        "token" => !rest.iter().any(|word| NOT_SECRET_TOKENS.contains(word)),
        "secret" | "password" | "passwd" | "passphrase" | "credential" | "credentials"
        | "apikey" | "authorization" => true,
        "key" => {
            rest.last()
                .is_some_and(|word| SECRET_KEY_KINDS.contains(word))
                || rest.contains(&"secret")
        }
        _ => false,
    }
}

/// Header names whose value is a credential.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "api-key",
    "apikey",
    "x-api-key",
    "x-auth-token",
    "x-goog-api-key",
    "x-amz-security-token",
    "ocp-apim-subscription-key",
];

/// Whether a header's value is a credential (`Authorization`, `Cookie`,
/// `X-Api-Key`, `*-Api-Key`, `*-Auth-Token`).
pub(crate) fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_HEADERS.contains(&name.as_str())
        || name.ends_with("-api-key")
        || name.ends_with("-auth-token")
        || name.ends_with("-access-token")
}

/// Prefixes of `*_headers` names that hold a whole mapping of a request,
/// response or client (not a list of header names, like `signed_headers`).
const MAPPING_HEADER_PREFIXES: &[&str] = &[
    "request", "response", "req", "resp", "default", "extra", "custom", "http", "auth", "client",
    "session", "all", "raw", "merged", "final", "outgoing", "incoming", "prepared", "sent",
    "received", "upstream",
];

/// Whether a name or attribute holds a headers mapping: `headers`,
/// `_headers`, `request_headers`, `default_headers`. Constants in capitals
/// hold fixed headers written in the source, not a request's.
pub(crate) fn is_headers_name(name: &str) -> bool {
    let ends_in_headers = name
        .len()
        .checked_sub("headers".len())
        .and_then(|start| name.get(start..))
        .is_some_and(|end| end.eq_ignore_ascii_case("headers"));
    if !ends_in_headers {
        return false;
    }
    let name = name.trim_start_matches('_');
    if !name.chars().any(|char| char.is_ascii_lowercase()) {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    lower == "headers"
        || lower
            .strip_suffix("_headers")
            .is_some_and(|prefix| MAPPING_HEADER_PREFIXES.contains(&prefix.trim_start_matches('_')))
}

/// `r.headers`, `headers`, `self._headers`.
pub(crate) fn is_headers_expr(expr: &Expr) -> bool {
    match expr {
        Expr::Name(name) => is_headers_name(name.id.as_str()),
        Expr::Attribute(attribute) => is_headers_name(attribute.attr.as_str()),
        _ => false,
    }
}

/// When `expr` reads one header of a headers mapping (`h["Authorization"]`,
/// `h.get("x-request-id")`), the header's name.
pub(crate) fn single_header_read(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Subscript(subscript) if is_headers_expr(&subscript.value) => {
            Some(subscript.slice.as_string_literal_expr()?.value.to_str())
        }
        Expr::Call(call) => {
            let attribute = call.func.as_attribute_expr()?;
            if attribute.attr.as_str() != "get" || !is_headers_expr(&attribute.value) {
                return None;
            }
            Some(
                call.arguments
                    .args
                    .first()?
                    .as_string_literal_expr()?
                    .value
                    .to_str(),
            )
        }
        _ => None,
    }
}

// ---- what a logging call shows ---------------------------------------------

/// How a part of a logging call's arguments is written out.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Shown {
    /// Formatted whole: a mapping shows its values.
    Whole,
    /// Iterated (`list(x)`, `", ".join(x)`, `*x`): a mapping shows its keys.
    Iterated,
}

/// Keywords of a logging call or `print` that carry no logged data.
const NON_DATA_KEYWORDS: &[&str] = &[
    "exc_info",
    "stack_info",
    "stacklevel",
    "file",
    "sep",
    "end",
    "flush",
];

/// The arguments of a logging call whose values end up in the log line.
pub(crate) fn logged_arguments(call: &ExprCall) -> impl Iterator<Item = &Expr> {
    let keywords = call.arguments.keywords.iter().filter(|keyword| {
        keyword
            .arg
            .as_ref()
            .is_none_or(|arg| !NON_DATA_KEYWORDS.contains(&arg.as_str()))
    });
    call.arguments
        .args
        .iter()
        .chain(keywords.map(|keyword| &keyword.value))
}

/// The first part of a logging call's arguments, as the log line would show
/// it, for which `matches` holds. Formatting (f-strings, `%`, `+`,
/// `str()`, `"...".format()`, `json.dumps()`) and containers are looked
/// through; any other call (`redact(x)`, `len(x)`) hides its arguments.
/// A value printed through a bounded precision (`%.5s` in a logger's
/// format, `f"{token:.4}"`) shows only a prefix, and is skipped.
pub(crate) fn find_logged<'e>(
    semantic: &SemanticModel,
    call: &'e ExprCall,
    matches: &mut dyn FnMut(&'e Expr, Shown) -> bool,
) -> Option<&'e Expr> {
    // `logger.debug("key %.5s", api_key)`: the logger formats its arguments.
    let bounded = match (semantic.logging_call(call), call.arguments.args.first()) {
        (Some(LoggingCall::Logger), Some(Expr::StringLiteral(format))) => {
            percent_bounded(format.value.to_str())
        }
        _ => Vec::new(),
    };
    let positional = call.arguments.args.len();
    logged_arguments(call)
        .enumerate()
        .filter(|(index, _)| {
            *index == 0 || *index >= positional || !bounded.get(index - 1).copied().unwrap_or(false)
        })
        .find_map(|(_, argument)| find_shown(semantic, argument, Shown::Whole, 0, matches))
}

/// For each conversion of a `%` format string, in order, whether it prints
/// a bounded prefix of its value (`%.5s`, `%-10.4r`). Empty when the format
/// takes a mapping (`%(name)s`) or a `*` width, whose arguments do not
/// line up one to one.
pub(crate) fn percent_bounded(format: &str) -> Vec<bool> {
    let mut bounded = Vec::new();
    let mut chars = format.chars().peekable();
    while let Some(char) = chars.next() {
        if char != '%' {
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            continue;
        }
        let mut precision = false;
        let mut conversion = None;
        while let Some(&next) = chars.peek() {
            chars.next();
            match next {
                '(' | '*' => return Vec::new(),
                '.' => {
                    precision = chars.peek().is_some_and(char::is_ascii_digit);
                }
                '#' | '0'..='9' | '-' | '+' | ' ' | 'h' | 'l' | 'L' => {}
                other => {
                    conversion = Some(other);
                    break;
                }
            }
        }
        bounded.push(precision && matches!(conversion, Some('s' | 'r' | 'a')));
    }
    bounded
}

/// Whether an f-string replacement field's format spec truncates a string
/// to a bounded prefix: `{token:.4}`, `{token:>12.4s}`.
fn spec_is_bounded(spec: &InterpolatedStringFormatSpec) -> bool {
    let mut text = String::new();
    for element in &spec.elements {
        match element {
            InterpolatedStringElement::Literal(literal) => text.push_str(&literal.value),
            InterpolatedStringElement::Interpolation(_) => return false,
        }
    }
    let Some((_, after_dot)) = text.rsplit_once('.') else {
        return false;
    };
    let digits = after_dot.trim_end_matches('s');
    !digits.is_empty()
        && digits.chars().all(|char| char.is_ascii_digit())
        && after_dot.len() - digits.len() <= 1
}

/// Whether an f-string interpolation is a path component of a URL (the
/// literal before it ends with `/`) and names a token: `f"/galleries/{gallery_token}"`.
/// Such a token addresses a resource; it does not authenticate a caller.
fn is_path_token(previous_literal: Option<&str>, expression: &Expr) -> bool {
    let name = match expression {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return false,
    };
    previous_literal.is_some_and(|literal| literal.ends_with('/'))
        && name.to_ascii_lowercase().contains("token")
}

fn find_shown<'e>(
    semantic: &SemanticModel,
    expr: &'e Expr,
    shown: Shown,
    depth: u32,
    matches: &mut dyn FnMut(&'e Expr, Shown) -> bool,
) -> Option<&'e Expr> {
    if depth > MAX_EXPR_DEPTH {
        return None;
    }
    let depth = depth + 1;
    match expr {
        Expr::FString(fstring) => {
            let mut previous_literal: Option<&str> = None;
            for element in fstring.value.elements() {
                match element {
                    InterpolatedStringElement::Interpolation(interpolation) => {
                        let bounded = interpolation
                            .format_spec
                            .as_deref()
                            .is_some_and(spec_is_bounded);
                        if !bounded
                            && !is_path_token(previous_literal, &interpolation.expression)
                            && let Some(found) = find_shown(
                                semantic,
                                &interpolation.expression,
                                Shown::Whole,
                                depth,
                                matches,
                            )
                        {
                            return Some(found);
                        }
                        previous_literal = None;
                    }
                    InterpolatedStringElement::Literal(literal) => {
                        previous_literal = Some(&literal.value);
                    }
                }
            }
            None
        }
        // `"key %.5s" % api_key`, `"%s %.4s" % (user, token)`.
        Expr::BinOp(binop) if binop.op == Operator::Mod && binop.left.is_string_literal_expr() => {
            let bounded = binop
                .left
                .as_string_literal_expr()
                .map(|format| percent_bounded(format.value.to_str()))
                .unwrap_or_default();
            let shown_values: Vec<&'e Expr> = match binop.right.as_ref() {
                Expr::Tuple(tuple) => tuple
                    .elts
                    .iter()
                    .enumerate()
                    .filter(|(index, _)| !bounded.get(*index).copied().unwrap_or(false))
                    .map(|(_, element)| element)
                    .collect(),
                _ if bounded.first().copied().unwrap_or(false) => Vec::new(),
                single => vec![single],
            };
            shown_values
                .into_iter()
                .find_map(|value| find_shown(semantic, value, Shown::Whole, depth, matches))
        }
        Expr::BinOp(binop) if matches!(binop.op, Operator::Add | Operator::Mod) => {
            find_shown(semantic, &binop.left, Shown::Whole, depth, matches)
                .or_else(|| find_shown(semantic, &binop.right, Shown::Whole, depth, matches))
        }
        Expr::Tuple(tuple) => find_in(semantic, &tuple.elts, Shown::Whole, depth, matches),
        Expr::List(list) => find_in(semantic, &list.elts, Shown::Whole, depth, matches),
        Expr::Set(set) => find_in(semantic, &set.elts, Shown::Whole, depth, matches),
        Expr::Starred(starred) => {
            find_shown(semantic, &starred.value, Shown::Iterated, depth, matches)
        }
        Expr::Dict(dict) => dict
            .items
            .iter()
            .find_map(|item| find_shown(semantic, &item.value, Shown::Whole, depth, matches)),
        Expr::If(if_exp) => find_shown(semantic, &if_exp.body, shown, depth, matches)
            .or_else(|| find_shown(semantic, &if_exp.orelse, shown, depth, matches)),
        Expr::BoolOp(bool_op) => find_in(semantic, &bool_op.values, shown, depth, matches),
        Expr::Named(named) => find_shown(semantic, &named.value, shown, depth, matches),
        Expr::Call(call) => match transparent_call(semantic, call) {
            Some(argument_shown) => {
                let arguments = argument_values(call);
                for argument in arguments {
                    if let Some(found) =
                        find_shown(semantic, argument, argument_shown, depth, matches)
                    {
                        return Some(found);
                    }
                }
                None
            }
            None => matches(expr, shown).then_some(expr),
        },
        _ => matches(expr, shown).then_some(expr),
    }
}

fn find_in<'e>(
    semantic: &SemanticModel,
    elements: &'e [Expr],
    shown: Shown,
    depth: u32,
    matches: &mut dyn FnMut(&'e Expr, Shown) -> bool,
) -> Option<&'e Expr> {
    elements
        .iter()
        .find_map(|element| find_shown(semantic, element, shown, depth, matches))
}

/// Calls that show their arguments, and how: `str(x)` shows `x` whole,
/// `list(x)` iterates it.
fn transparent_call(semantic: &SemanticModel, call: &ExprCall) -> Option<Shown> {
    if let Some(name) = semantic.builtin_name(&call.func) {
        return match name {
            "str" | "repr" | "ascii" | "dict" | "format" => Some(Shown::Whole),
            "list" | "tuple" | "sorted" | "set" | "frozenset" | "reversed" => Some(Shown::Iterated),
            _ => None,
        };
    }
    if let Expr::Attribute(attribute) = call.func.as_ref()
        && attribute.value.is_string_literal_expr()
    {
        return match attribute.attr.as_str() {
            "join" => Some(Shown::Iterated),
            "format" => Some(Shown::Whole),
            _ => None,
        };
    }
    match semantic.qualified_name(&call.func)?.as_str() {
        "json.dumps" | "pprint.pformat" | "pprint.saferepr" | "reprlib.repr" => Some(Shown::Whole),
        _ => None,
    }
}

/// How a message names a logging call: `logger.info(...)`, `print(...)`.
pub(crate) fn logging_call_text(checker: &Checker, call: &ExprCall, kind: LoggingCall) -> String {
    match kind {
        LoggingCall::Print => "print(...)".to_string(),
        LoggingCall::Logger => format!(
            "{}(...)",
            snippet(checker, ruff_text_size::Ranged::range(call.func.as_ref()))
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Rule;

    #[test]
    fn secret_names_follow_the_catalog() {
        for name in [
            "api_key",
            "openai_api_key",
            "OPENAI_API_KEY",
            "apiKey",
            "token",
            "access_token",
            "refresh_token",
            "secret",
            "client_secret",
            "password",
            "db_password",
            "passwd",
            "credentials",
            "credential",
            "private_key",
            "auth_key",
            "secret_access_key",
            "access_key",
            "_api_key",
        ] {
            assert!(is_secret_name(name), "{name} should read as a secret");
        }
        for name in [
            "next_page_token",
            "page_token",
            "NextPageToken",
            "max_tokens",
            "token_type",
            "token_url",
            "completion_tokens",
            "tokens",
            "has_token",
            "secret_name",
            "password_file",
            "api_key_header",
            "access_key_id",
            "client_token",
            "starting_token",
            "ignored_credentials",
            "monkey",
            "",
        ] {
            assert!(!is_secret_name(name), "{name} should not read as a secret");
        }
    }

    #[test]
    fn dataclass_secrets_count_only_in_network_modules() {
        let selection = crate::settings::RuleSelection {
            select: Some(vec!["WL601".parse().unwrap()]),
            ..Default::default()
        };
        let settings = crate::settings::LinterSettings {
            rules: selection.resolve(),
            ..Default::default()
        };
        let dataclass =
            "from dataclasses import dataclass\n@dataclass\nclass Login:\n    password: str\n";
        assert!(crate::lint_source(dataclass, &settings).is_empty());
        let network = format!("import requests\n{dataclass}");
        let found = crate::lint_source(&network, &settings);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, Rule::SecretAsPlainStr);
    }

    #[test]
    fn snake_case_splits_camel_and_acronyms() {
        assert_eq!(snake_case("APIKey"), "api_key");
        assert_eq!(snake_case("nextPageToken"), "next_page_token");
        assert_eq!(snake_case("API_KEY"), "api_key");
    }

    #[test]
    fn secret_headers_and_header_mappings() {
        assert!(is_secret_header("Authorization"));
        assert!(is_secret_header("X-Api-Key"));
        assert!(is_secret_header("anthropic-api-key"));
        assert!(!is_secret_header("x-request-id"));
        assert!(is_headers_name("headers"));
        assert!(is_headers_name("_headers"));
        assert!(is_headers_name("request_headers"));
        assert!(!is_headers_name("signed_headers"));
        assert!(!is_headers_name("DEFAULT_HEADERS"));
        assert!(!is_headers_name("num_headers"));
    }
}
