//! Model questions about retrying: which calls are retry decorators or
//! policies (tenacity, backoff, urllib3 `Retry`, aliases resolved through
//! imports), which are back-off sleeps, whether a delay has a random
//! component, which calls are non-idempotent writes and whether they carry an
//! idempotency key, which calls make a fresh key, and what a retry count is.

use ruff_python_ast::{self as ast, Expr, ExprCall, Number, Parameters, UnaryOp};

use super::names::MAX_EXPR_DEPTH;
use super::{BindingKind, CallTarget, Library, SemanticModel};

/// A retry API the rules know.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum RetryApi {
    /// `tenacity.retry` (bare `@retry` or `@retry(...)`).
    TenacityRetry,
    /// `tenacity.Retrying(...)` / `tenacity.AsyncRetrying(...)`.
    TenacityRetrying,
    /// `backoff.on_exception(...)`.
    BackoffOnException,
    /// `backoff.on_predicate(...)`.
    BackoffOnPredicate,
    /// urllib3's `Retry` (also re-exported by `requests.adapters`).
    Urllib3Retry,
}

impl RetryApi {
    /// The retry API a qualified name denotes.
    pub(crate) fn of_qualified(qualified: &str) -> Option<RetryApi> {
        match qualified {
            "tenacity.retry" => Some(RetryApi::TenacityRetry),
            "tenacity.Retrying" | "tenacity.AsyncRetrying" | "tenacity.asyncio.AsyncRetrying" => {
                Some(RetryApi::TenacityRetrying)
            }
            "backoff.on_exception" => Some(RetryApi::BackoffOnException),
            "backoff.on_predicate" => Some(RetryApi::BackoffOnPredicate),
            name if URLLIB3_RETRY.contains(&name) => Some(RetryApi::Urllib3Retry),
            _ => None,
        }
    }

    /// Whether the API wraps a function that it calls again on failure.
    pub(crate) fn is_decorator(self) -> bool {
        matches!(
            self,
            RetryApi::TenacityRetry | RetryApi::BackoffOnException | RetryApi::BackoffOnPredicate
        )
    }

    pub(crate) fn is_tenacity(self) -> bool {
        matches!(self, RetryApi::TenacityRetry | RetryApi::TenacityRetrying)
    }

    pub(crate) fn is_backoff(self) -> bool {
        matches!(
            self,
            RetryApi::BackoffOnException | RetryApi::BackoffOnPredicate
        )
    }
}

/// Qualified names of urllib3's `Retry` class.
const URLLIB3_RETRY: &[&str] = &[
    "urllib3.Retry",
    "urllib3.util.Retry",
    "urllib3.util.retry.Retry",
    "requests.adapters.Retry",
    "requests.packages.urllib3.Retry",
    "requests.packages.urllib3.util.Retry",
    "requests.packages.urllib3.util.retry.Retry",
];

/// Functions whose call sleeps for their first argument.
const SLEEPS: &[&str] = &["time.sleep", "asyncio.sleep", "anyio.sleep", "trio.sleep"];

/// Builtins that keep a number deterministic when their arguments are.
const ARITHMETIC_BUILTINS: &[&str] = &["min", "max", "abs", "round", "int", "float", "pow"];

/// Whether a delay expression can vary between attempts or clients.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Randomness {
    /// Built only from numbers, loop counters and constants: no jitter.
    Fixed,
    /// The model cannot tell (an attribute, an unknown call, a parameter).
    Unknown,
    /// Involves `random.*`, `secrets.*` or a jitter helper.
    Random,
}

impl Randomness {
    /// The randomness of an expression combining two parts.
    pub(crate) fn join(self, other: Randomness) -> Randomness {
        self.max(other)
    }
}

/// The randomness of a delay expression as far as it is known where the
/// expression stands, plus the local variables of the current function it
/// reads, whose values are settled when the function has been visited
/// (see [`SemanticModel::resolve_delay_locals`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DelaySummary {
    pub randomness: Randomness,
    pub locals: Vec<String>,
}

/// The earlier values of names bound more than once in a function (or the
/// module): `delay = 1` ... `delay *= 2`. The model keeps only a name's last
/// value, so each rebinding by assignment inside a loop (where back-off
/// delays change) records the value it replaces, and each augmented
/// assignment its operand. A name also rebound some other way (outside a
/// loop, as a loop or tuple target) has fewer recorded bindings than
/// bindings, and stays unknown.
#[derive(Debug, Default)]
pub(crate) struct DelayRebindings {
    values: rustc_hash::FxHashMap<(super::ScopeId, String), Rebound>,
}

#[derive(Debug, Default)]
struct Rebound {
    values: Vec<DelaySummary>,
    /// The first binding was the parameter of that name.
    parameter: bool,
    /// How many bindings the recorded values account for.
    bindings: u32,
}

impl DelayRebindings {
    /// Notes `name = value` (`augment`: `None`) or `name op= operand`
    /// (`augment`: the operand) before the model binds it. Only rebindings
    /// of a name already bound in the current scope are recorded.
    pub(crate) fn note(&mut self, semantic: &SemanticModel, name: &str, augment: Option<&Expr>) {
        let Some(existing) = semantic.current_scope().get(name) else {
            return;
        };
        let key = (semantic.current_scope_id(), name.to_string());
        let rebound = self.values.entry(key).or_default();
        match (&existing.kind, existing.value) {
            (_, Some(value)) => {
                rebound.values.push(semantic.delay_summary(value));
                rebound.bindings += 1;
            }
            (BindingKind::Parameter, None) if existing.times_bound == 1 => {
                rebound.parameter = true;
                rebound.bindings += 1;
            }
            _ => {}
        }
        if let Some(operand) = augment {
            rebound.values.push(semantic.delay_summary(operand));
            rebound.bindings += 1;
        }
    }
}

/// A retry count as written.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum RetryCount {
    Finite(u64),
    /// `math.inf`, `float("inf")`, `sys.maxsize`.
    Infinite,
}

/// A call that changes state on the server, so retrying it needs a key.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum WriteKind {
    /// `post`/`patch`/`request("POST", ...)` of an HTTP library or client.
    Http,
    /// `*.create(...)` (or a raw `post`) of an SDK.
    Sdk(Library),
}

/// Whether a call sends an idempotency key.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum KeyPresence {
    Sent,
    Missing,
    /// `**kwargs`, or headers/options the model cannot see into.
    Unknown,
}

/// Keywords that carry extra headers or request options.
const OPTION_KEYWORDS: &[&str] = &[
    "headers",
    "extra_headers",
    "options",
    "request_options",
    "opts",
    "extra_body",
];

/// The helper name of a qualified tenacity name: `tenacity.wait.wait_fixed`
/// → `wait_fixed`.
pub(crate) fn tenacity_helper_name(qualified: &str) -> Option<&str> {
    let rest = qualified.strip_prefix("tenacity.")?;
    Some(rest.rsplit('.').next().unwrap_or(rest))
}

/// Whether a call sends a request: a method of a client, a module-level
/// function of a network library (`requests.get`, `stripe.Charge.create`;
/// not a class such as `httpx.Timeout`), or `urlopen`. Building a client or
/// a connection object sends nothing.
pub(crate) fn sends_request(target: &CallTarget) -> bool {
    match target {
        CallTarget::ClientMethod { .. } | CallTarget::Urlopen => true,
        CallTarget::LibraryFunction { qualified, .. } => qualified
            .rsplit('.')
            .next()
            .and_then(|last| last.chars().next())
            .is_some_and(|first| first.is_ascii_lowercase()),
        CallTarget::ClientConstructor(_) | CallTarget::HttpConnection => false,
    }
}

/// Parts of a name that say its statuses are *not* retried.
const NEGATIONS: &[&str] = &[
    "non",
    "not",
    "no_",
    "dont",
    "never",
    "skip",
    "exclud",
    "ignor",
    "fatal",
    "permanent",
    "unretr",
    "terminal",
];

/// Whether a name holds the statuses that are retried (`RETRY_STATUSES`,
/// `retryable_status_codes`): it contains `retr` and `status`, and nothing
/// saying "not".
pub(crate) fn is_retry_status_name(name: &str) -> bool {
    name.len() >= "retrystatus".len()
        && contains_ignoring_case(name, "retr")
        && contains_ignoring_case(name, "status")
        && !NEGATIONS
            .iter()
            .any(|word| contains_ignoring_case(name, word))
}

/// Whether a name or key mentions idempotency (`Idempotency-Key`,
/// `idempotency_key`, `X-Idempotency-Key`).
pub(crate) fn mentions_idempotency(text: &str) -> bool {
    contains_ignoring_case(text, "idempoten")
}

/// Whether `haystack` contains the lowercase ASCII `needle`, in any case,
/// without allocating.
pub(crate) fn contains_ignoring_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

impl SemanticModel<'_> {
    /// The retry API `callee` names (the decorator expression itself, or a
    /// call's `func`), resolved through imports and aliases.
    pub(crate) fn retry_api(&self, callee: &Expr) -> Option<RetryApi> {
        RetryApi::of_qualified(&self.qualified_name(callee)?)
    }

    /// The retry API and the tenacity helper (`stop_after_attempt`) a call
    /// names. urllib3's `Retry` is a network-library name the call was
    /// already resolved to (`target`); tenacity and backoff names are
    /// resolved only in files that import them.
    pub(crate) fn retry_call(
        &self,
        call: &ExprCall,
        target: Option<&CallTarget>,
    ) -> (Option<RetryApi>, Option<String>) {
        // Most calls name no retry API; they cost no memo.
        let library_function = matches!(target, Some(CallTarget::LibraryFunction { .. }));
        if !library_function && !self.imports_retry_library() {
            return (None, None);
        }
        self.memoized(
            call,
            |memo| &mut memo.retry,
            || self.resolve_retry_call(call, target),
        )
    }

    fn resolve_retry_call(
        &self,
        call: &ExprCall,
        target: Option<&CallTarget>,
    ) -> (Option<RetryApi>, Option<String>) {
        let qualified = match target {
            Some(CallTarget::LibraryFunction { qualified, .. }) => Some(qualified.clone()),
            _ if self.imports_retry_library() => self.qualified_name(&call.func),
            _ => None,
        };
        let api = qualified.as_deref().and_then(RetryApi::of_qualified);
        let helper = qualified
            .as_deref()
            .and_then(tenacity_helper_name)
            .map(str::to_string);
        (api, helper)
    }

    /// The retry API a decorator applies: `@retry`, `@tenacity.retry(...)`,
    /// `@backoff.on_exception(...)`.
    pub(crate) fn retry_decorator(&self, decorator: &Expr) -> Option<RetryApi> {
        let callee = match decorator {
            Expr::Call(call) => call.func.as_ref(),
            other => other,
        };
        self.retry_api(callee).filter(|api| api.is_decorator())
    }

    /// The retry API a decorator applies, when it retries at all (not
    /// `@backoff.on_exception(..., max_tries=1)`).
    pub(crate) fn retrying_decorator(&self, decorator: &Expr) -> Option<RetryApi> {
        let api = self.retry_decorator(decorator)?;
        match decorator {
            Expr::Call(call) if self.never_retries(call, api) => None,
            _ => Some(api),
        }
    }

    /// Whether a retry decorator or policy call allows one attempt only:
    /// `backoff.on_exception(..., max_tries=1)`, tenacity
    /// `stop=stop_after_attempt(1)`. It never retries anything.
    pub(crate) fn never_retries(&self, call: &ExprCall, api: RetryApi) -> bool {
        let at_most_one = |count: &Expr| matches!(self.retry_count(count), Some(RetryCount::Finite(attempts)) if attempts <= 1);
        if api.is_backoff() {
            return call
                .arguments
                .find_keyword("max_tries")
                .is_some_and(|keyword| at_most_one(&keyword.value));
        }
        if !api.is_tenacity() {
            return false;
        }
        let Some(Expr::Call(stop)) = call
            .arguments
            .find_keyword("stop")
            .map(|keyword| &keyword.value)
        else {
            return false;
        };
        self.tenacity_helper(&stop.func).as_deref() == Some("stop_after_attempt")
            && stop
                .arguments
                .find_argument_value("max_attempt_number", 0)
                .is_some_and(at_most_one)
    }

    /// The name of a tenacity helper (`wait_fixed`, `stop_after_attempt`,
    /// `retry_if_exception_type`), from any of tenacity's modules.
    pub(crate) fn tenacity_helper(&self, callee: &Expr) -> Option<String> {
        tenacity_helper_name(&self.qualified_name(callee)?).map(str::to_string)
    }

    /// Whether `call` sleeps: `time.sleep`, `asyncio.sleep`, `anyio.sleep`,
    /// `trio.sleep`.
    pub(crate) fn is_sleep_call(&self, call: &ExprCall) -> bool {
        self.qualified_name(&call.func)
            .is_some_and(|name| SLEEPS.contains(&name.as_str()))
    }

    /// The delay of a sleep call: its first argument or `seconds=`/`delay=`.
    pub(crate) fn sleep_delay<'e>(&self, call: &'e ExprCall) -> Option<&'e Expr> {
        call.arguments.args.first().or_else(|| {
            ["seconds", "delay", "secs"]
                .iter()
                .find_map(|name| call.arguments.find_keyword(name))
                .map(|keyword| &keyword.value)
        })
    }

    /// The qualified name of a call that makes a fresh unique value fit for
    /// an idempotency key: `uuid.uuid1/4/7()`, `secrets.token_*()`.
    pub(crate) fn key_generator(&self, call: &ExprCall) -> Option<String> {
        let qualified = self.qualified_name(&call.func)?;
        let fresh = matches!(
            qualified.as_str(),
            "uuid.uuid1" | "uuid.uuid4" | "uuid.uuid6" | "uuid.uuid7"
        ) || qualified.starts_with("secrets.token_");
        fresh.then_some(qualified)
    }

    /// The randomness of a delay expression where it stands. Names of the
    /// current function's locals are left in [`DelaySummary::locals`].
    pub(crate) fn delay_summary(&self, expr: &Expr) -> DelaySummary {
        let mut locals = Vec::new();
        let randomness = self.delay_randomness(expr, &mut locals, 0);
        DelaySummary { randomness, locals }
    }

    /// Settles a summary's locals from the current scope's final bindings
    /// (call when the function that holds them has been visited, with its
    /// parameters; `counters` are names the function binds to loop counters
    /// over `range(...)`; `rebindings` the earlier values of names bound more
    /// than once). A local with a value the model did not see is unknown.
    pub(crate) fn resolve_delay_locals(
        &self,
        summary: &DelaySummary,
        parameters: Option<&Parameters>,
        counters: &[String],
        rebindings: &DelayRebindings,
    ) -> Randomness {
        let mut randomness = summary.randomness;
        let mut pending: Vec<String> = summary.locals.clone();
        let mut seen: Vec<String> = Vec::new();
        while let Some(name) = pending.pop() {
            if randomness == Randomness::Random {
                break;
            }
            if seen.len() > 16 {
                return randomness.join(Randomness::Unknown);
            }
            if seen.contains(&name) {
                continue;
            }
            seen.push(name.clone());
            let Some(binding) = self.current_scope().get(&name) else {
                randomness = randomness.join(Randomness::Unknown);
                continue;
            };
            let mut values: Vec<&DelaySummary> = Vec::new();
            let mut from_parameter = false;
            if binding.times_bound > 1 {
                let key = (self.current_scope_id(), name.clone());
                let Some(rebound) = rebindings.values.get(&key) else {
                    randomness = randomness.join(Randomness::Unknown);
                    continue;
                };
                let seen_bindings = rebound.bindings + u32::from(binding.value.is_some());
                if seen_bindings != binding.times_bound {
                    randomness = randomness.join(Randomness::Unknown);
                    continue;
                }
                values.extend(&rebound.values);
                from_parameter = rebound.parameter;
            }
            let mut local = Randomness::Fixed;
            for value in values {
                local = local.join(value.randomness);
                pending.extend(value.locals.iter().cloned());
            }
            if from_parameter {
                local = local.join(self.parameter_randomness(parameters, &name));
            }
            local = local.join(match (&binding.kind, binding.value) {
                (BindingKind::Assignment, Some(value)) => {
                    let mut inner = Vec::new();
                    let found = self.delay_randomness(value, &mut inner, 0);
                    pending.extend(inner);
                    found
                }
                (BindingKind::Assignment, None) if binding.times_bound > 1 => Randomness::Fixed,
                (BindingKind::Parameter, _) => self.parameter_randomness(parameters, &name),
                (BindingKind::Other, _) if counters.contains(&name) => Randomness::Fixed,
                _ => Randomness::Unknown,
            });
            randomness = randomness.join(local);
        }
        randomness
    }

    /// A parameter is fixed when its default is a number; a caller may pass
    /// anything otherwise.
    fn parameter_randomness(&self, parameters: Option<&Parameters>, name: &str) -> Randomness {
        parameter_default(parameters, name)
            .filter(|default| self.is_numeric_constant(default))
            .map_or(Randomness::Unknown, |_| Randomness::Fixed)
    }

    fn delay_randomness(&self, expr: &Expr, locals: &mut Vec<String>, depth: u32) -> Randomness {
        if depth > MAX_EXPR_DEPTH {
            return Randomness::Unknown;
        }
        let depth = depth + 1;
        match expr {
            Expr::NumberLiteral(_) => Randomness::Fixed,
            Expr::UnaryOp(unary) if matches!(unary.op, UnaryOp::USub | UnaryOp::UAdd) => {
                self.delay_randomness(&unary.operand, locals, depth)
            }
            Expr::BinOp(binop) => {
                self.joined_randomness([binop.left.as_ref(), binop.right.as_ref()], locals, depth)
            }
            Expr::If(if_expr) => self.joined_randomness(
                [if_expr.body.as_ref(), if_expr.orelse.as_ref()],
                locals,
                depth,
            ),
            Expr::Await(await_expr) => self.delay_randomness(&await_expr.value, locals, depth),
            Expr::Name(name) => self.name_randomness(name.id.as_str(), locals),
            Expr::Attribute(attribute) => {
                if is_random_word(attribute.attr.as_str()) || self.is_random_source(expr) {
                    Randomness::Random
                } else {
                    Randomness::Unknown
                }
            }
            Expr::Call(call) => {
                if self.is_random_source(&call.func) || callee_is_random_word(&call.func) {
                    return Randomness::Random;
                }
                let arithmetic = self
                    .builtin_name(&call.func)
                    .is_some_and(|name| ARITHMETIC_BUILTINS.contains(&name))
                    || self
                        .qualified_name(&call.func)
                        .is_some_and(|name| name.starts_with("math."));
                if !arithmetic || call.arguments.args.is_empty() {
                    return Randomness::Unknown;
                }
                let found = self.joined_randomness(&call.arguments.args, locals, depth);
                if call.arguments.keywords.is_empty() {
                    found
                } else {
                    found.join(Randomness::Unknown)
                }
            }
            _ => Randomness::Unknown,
        }
    }

    fn joined_randomness<'e>(
        &self,
        exprs: impl IntoIterator<Item = &'e Expr>,
        locals: &mut Vec<String>,
        depth: u32,
    ) -> Randomness {
        exprs.into_iter().fold(Randomness::Fixed, |found, expr| {
            found.join(self.delay_randomness(expr, locals, depth))
        })
    }

    fn name_randomness(&self, name: &str, locals: &mut Vec<String>) -> Randomness {
        if is_random_word(name) {
            return Randomness::Random;
        }
        // Module-level code has the module as its local scope.
        let local_scope = self.current_function_scope().unwrap_or(0);
        match self.lookup_with_scope(name) {
            None => {
                locals.push(name.to_string());
                Randomness::Fixed
            }
            Some((_, binding)) if matches!(&binding.kind, BindingKind::Import { qualified } if is_random_module(qualified)) => {
                Randomness::Random
            }
            Some((scope, binding)) if scope == local_scope => {
                if matches!(binding.kind, BindingKind::Import { .. }) {
                    Randomness::Unknown
                } else {
                    locals.push(name.to_string());
                    Randomness::Fixed
                }
            }
            Some((0, binding)) => match (&binding.kind, binding.value) {
                (BindingKind::Assignment, Some(value))
                    if binding.times_bound == 1 && self.is_numeric_constant(value) =>
                {
                    Randomness::Fixed
                }
                _ => Randomness::Unknown,
            },
            Some(_) => Randomness::Unknown,
        }
    }

    /// `random.uniform`, `secrets.randbelow`, `numpy.random.rand`, ...
    fn is_random_source(&self, expr: &Expr) -> bool {
        self.qualified_name(expr)
            .is_some_and(|name| is_random_module(&name))
    }

    /// Which non-idempotent write `call` is, if any: `post`/`patch` on a
    /// client or an HTTP library, `request("POST" | "PATCH", ...)`, or
    /// `*.create(...)` of an SDK.
    pub(crate) fn write_call(&self, call: &ExprCall, target: &CallTarget) -> Option<WriteKind> {
        let (library, function) = match target {
            CallTarget::ClientMethod { client, method } => (client.library, *method),
            CallTarget::LibraryFunction { library, qualified } => {
                (*library, qualified.rsplit('.').next().unwrap_or_default())
            }
            _ => return None,
        };
        let is_http = matches!(
            library,
            Library::Httpx
                | Library::Requests
                | Library::Aiohttp
                | Library::Urllib3
                | Library::Project
        );
        let writes = match function {
            "post" | "patch" => true,
            "request" | "urlopen" => request_method_writes(call),
            "create" => !is_http && !is_inference(library, call),
            _ => false,
        };
        match (writes, is_http) {
            (false, _) => None,
            (true, true) => Some(WriteKind::Http),
            (true, false) => Some(WriteKind::Sdk(library)),
        }
    }

    /// Whether `call` sends an idempotency key: an `idempotency_key=`
    /// keyword, or an `Idempotency-Key` entry in a headers/options mapping.
    pub(crate) fn idempotency_key(&self, call: &ExprCall) -> KeyPresence {
        let mut presence = KeyPresence::Missing;
        for keyword in &call.arguments.keywords {
            let Some(arg) = &keyword.arg else {
                presence = KeyPresence::Unknown;
                continue;
            };
            if mentions_idempotency(arg.as_str()) {
                return KeyPresence::Sent;
            }
            if OPTION_KEYWORDS.contains(&arg.as_str()) {
                match self.mapping_key_presence(&keyword.value, 0) {
                    KeyPresence::Sent => return KeyPresence::Sent,
                    KeyPresence::Unknown => presence = KeyPresence::Unknown,
                    KeyPresence::Missing => {}
                }
            }
        }
        for argument in &call.arguments.args {
            match argument {
                Expr::Starred(_) => presence = KeyPresence::Unknown,
                Expr::Dict(_) if self.mapping_key_presence(argument, 0) == KeyPresence::Sent => {
                    return KeyPresence::Sent;
                }
                _ => {}
            }
        }
        presence
    }

    /// Whether a headers/options mapping carries an idempotency key: a dict
    /// literal (or `dict(...)`) is read; a name is followed to its value,
    /// and is unknown unless that value carries the key.
    fn mapping_key_presence(&self, expr: &Expr, depth: u32) -> KeyPresence {
        if depth > 4 {
            return KeyPresence::Unknown;
        }
        match expr {
            Expr::Dict(dict) => {
                let mut presence = KeyPresence::Missing;
                for item in &dict.items {
                    match &item.key {
                        Some(Expr::StringLiteral(key)) => {
                            if mentions_idempotency(key.value.to_str()) {
                                return KeyPresence::Sent;
                            }
                        }
                        Some(_) => presence = KeyPresence::Unknown,
                        None => match self.mapping_key_presence(&item.value, depth + 1) {
                            KeyPresence::Sent => return KeyPresence::Sent,
                            KeyPresence::Unknown => presence = KeyPresence::Unknown,
                            KeyPresence::Missing => {}
                        },
                    }
                }
                presence
            }
            Expr::Call(call) if self.builtin_name(&call.func) == Some("dict") => {
                if call.arguments.keywords.iter().any(|keyword| {
                    keyword
                        .arg
                        .as_ref()
                        .is_none_or(|arg| mentions_idempotency(arg.as_str()))
                }) || !call.arguments.args.is_empty()
                {
                    KeyPresence::Unknown
                } else {
                    KeyPresence::Missing
                }
            }
            // A named mapping may gain the key later (`headers[KEY] = key`,
            // `headers.update(...)`): only a key seen in its value counts.
            Expr::Name(name) => match self.lookup(name.id.as_str()) {
                Some(binding) if binding.times_bound == 1 => match binding.value {
                    Some(value)
                        if self.mapping_key_presence(value, depth + 1) == KeyPresence::Sent =>
                    {
                        KeyPresence::Sent
                    }
                    _ => KeyPresence::Unknown,
                },
                _ => KeyPresence::Unknown,
            },
            Expr::NoneLiteral(_) => KeyPresence::Missing,
            _ => KeyPresence::Unknown,
        }
    }

    /// The retry count an expression denotes: an integer literal, a module
    /// constant bound once to one, or infinity (`math.inf`, `float("inf")`,
    /// `sys.maxsize`).
    pub(crate) fn retry_count(&self, expr: &Expr) -> Option<RetryCount> {
        self.retry_count_depth(expr, 0)
    }

    fn retry_count_depth(&self, expr: &Expr, depth: u32) -> Option<RetryCount> {
        if depth > 8 {
            return None;
        }
        match expr {
            Expr::NumberLiteral(number) => match &number.value {
                Number::Int(int) => int.as_u64().map(RetryCount::Finite),
                Number::Float(float) if float.is_infinite() => Some(RetryCount::Infinite),
                _ => None,
            },
            Expr::Call(call) if self.builtin_name(&call.func) == Some("float") => {
                let [Expr::StringLiteral(text)] = &*call.arguments.args else {
                    return None;
                };
                let text = text.value.to_str().trim().to_ascii_lowercase();
                matches!(text.as_str(), "inf" | "+inf" | "infinity" | "+infinity")
                    .then_some(RetryCount::Infinite)
            }
            Expr::Attribute(_) | Expr::Name(_) => {
                if let Some(qualified) = self.qualified_name(expr) {
                    return matches!(
                        qualified.as_str(),
                        "math.inf" | "sys.maxsize" | "numpy.inf" | "cmath.inf"
                    )
                    .then_some(RetryCount::Infinite);
                }
                let name = expr.as_name_expr()?;
                match self.lookup_with_scope(name.id.as_str())? {
                    (0, binding)
                        if binding.kind == BindingKind::Assignment && binding.times_bound == 1 =>
                    {
                        self.retry_count_depth(binding.value?, depth + 1)
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// The resources of the LLM SDKs whose `create` computes an answer and
/// stores nothing: a chat completion, a legacy completion, embeddings, a
/// moderation (OpenAI), a message (Anthropic). Sending one again costs
/// tokens, not a duplicate; these SDKs send no idempotency key even on
/// their own retries.
fn is_inference(library: Library, call: &ExprCall) -> bool {
    let mut segments: Vec<&str> = Vec::new();
    let mut cursor = call.func.as_ref();
    while let Expr::Attribute(attribute) = cursor {
        let segment = attribute.attr.as_str();
        if !matches!(segment, "with_raw_response" | "with_streaming_response") {
            segments.push(segment);
        }
        cursor = &attribute.value;
    }
    // `segments` runs from `create` back to the client.
    matches!(
        (library, segments.get(1).copied()),
        (
            Library::OpenAI,
            Some("completions" | "embeddings" | "moderations")
        ) | (Library::Anthropic, Some("messages"))
    )
}

/// `request("POST", ...)`, `request(method="PATCH", ...)`.
fn request_method_writes(call: &ExprCall) -> bool {
    let method = call
        .arguments
        .find_argument_value("method", 0)
        .and_then(Expr::as_string_literal_expr);
    method.is_some_and(|method| {
        matches!(
            method.value.to_str().to_ascii_uppercase().as_str(),
            "POST" | "PATCH"
        )
    })
}

/// The default of parameter `name`, if it has one.
fn parameter_default<'p>(parameters: Option<&'p Parameters>, name: &str) -> Option<&'p Expr> {
    parameters?
        .iter()
        .find(|parameter| parameter.name().as_str() == name)
        .and_then(ruff_python_ast::AnyParameterRef::default)
}

/// Modules whose values are random.
fn is_random_module(qualified: &str) -> bool {
    let root = qualified.split('.').next().unwrap_or_default();
    matches!(root, "random" | "secrets")
        || qualified == "numpy.random"
        || qualified.starts_with("numpy.random.")
}

/// A name that says it adds jitter.
fn is_random_word(name: &str) -> bool {
    contains_ignoring_case(name, "jitter") || contains_ignoring_case(name, "random")
}

/// A call whose callee's own name says it adds jitter: `jittered(delay)`,
/// `self._jitter(delay)`, `backoff_with_random(delay)`.
fn callee_is_random_word(callee: &Expr) -> bool {
    match callee {
        Expr::Name(name) => is_random_word(name.id.as_str()),
        Expr::Attribute(attribute) => is_random_word(attribute.attr.as_str()),
        _ => false,
    }
}

/// The elements of a literal collection: `{...}`, `[...]`, `(...)`, and the
/// same wrapped in `frozenset(...)`/`set(...)`/`tuple(...)`/`list(...)`.
/// `None` when the expression is not such a literal.
pub(crate) fn collection_elements<'e>(
    semantic: &SemanticModel,
    expr: &'e Expr,
) -> Option<Vec<&'e Expr>> {
    match expr {
        Expr::Set(set) => Some(set.elts.iter().collect()),
        Expr::List(list) => Some(list.elts.iter().collect()),
        Expr::Tuple(tuple) => Some(tuple.elts.iter().collect()),
        Expr::Call(call)
            if semantic
                .builtin_name(&call.func)
                .is_some_and(|name| matches!(name, "frozenset" | "set" | "tuple" | "list")) =>
        {
            match &*call.arguments.args {
                [only] if call.arguments.keywords.is_empty() => collection_elements(semantic, only),
                _ => None,
            }
        }
        Expr::BinOp(binop)
            if binop.op == ast::Operator::BitOr || binop.op == ast::Operator::Add =>
        {
            let mut elements = collection_elements(semantic, &binop.left)?;
            elements.extend(collection_elements(semantic, &binop.right)?);
            Some(elements)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use ruff_python_parser::parse_expression;
    use ruff_text_size::TextRange;

    use super::*;
    use crate::semantic::{Binding, KnownNames};
    use crate::settings::LinterSettings;

    fn model_with_imports(imports: &[(&'static str, &str)]) -> SemanticModel<'static> {
        let known = Rc::new(KnownNames::new(&LinterSettings::default()));
        let mut semantic = SemanticModel::new(known);
        for (name, qualified) in imports {
            let kind = BindingKind::Import {
                qualified: (*qualified).to_string(),
            };
            semantic.bind(name, Binding::new(kind, TextRange::default()));
        }
        semantic
    }

    fn with_expr<T>(source: &str, answer: impl FnOnce(&Expr) -> T) -> T {
        let parsed = parse_expression(source).expect("valid test expression");
        answer(parsed.expr())
    }

    #[test]
    fn retry_apis_resolve_through_aliases() {
        let semantic = model_with_imports(&[
            ("t", "tenacity"),
            ("r", "tenacity.retry"),
            ("retry", "tenacity.retry"),
            ("AR", "tenacity.AsyncRetrying"),
            ("backoff", "backoff"),
            ("Retry", "urllib3.util.retry.Retry"),
            ("adapters", "requests.adapters"),
            ("local_retry", "acme.retry"),
        ]);
        let api = |source: &str| with_expr(source, |expr| semantic.retry_api(expr));
        assert_eq!(api("t.retry"), Some(RetryApi::TenacityRetry));
        assert_eq!(api("r"), Some(RetryApi::TenacityRetry));
        assert_eq!(api("retry"), Some(RetryApi::TenacityRetry));
        assert_eq!(api("t.Retrying"), Some(RetryApi::TenacityRetrying));
        assert_eq!(api("AR"), Some(RetryApi::TenacityRetrying));
        assert_eq!(
            api("backoff.on_exception"),
            Some(RetryApi::BackoffOnException)
        );
        assert_eq!(
            api("backoff.on_predicate"),
            Some(RetryApi::BackoffOnPredicate)
        );
        assert_eq!(api("Retry"), Some(RetryApi::Urllib3Retry));
        assert_eq!(api("adapters.Retry"), Some(RetryApi::Urllib3Retry));
        assert_eq!(api("local_retry"), None);
        let decorator = |source: &str| with_expr(source, |expr| semantic.retry_decorator(expr));
        assert_eq!(decorator("r(stop=s)"), Some(RetryApi::TenacityRetry));
        assert_eq!(decorator("Retry(total=3)"), None);
    }

    #[test]
    fn tenacity_helpers_are_named_from_any_module() {
        let semantic =
            model_with_imports(&[("tenacity", "tenacity"), ("wf", "tenacity.wait.wait_fixed")]);
        let helper = |source: &str| with_expr(source, |expr| semantic.tenacity_helper(expr));
        assert_eq!(helper("wf").as_deref(), Some("wait_fixed"));
        assert_eq!(
            helper("tenacity.stop_after_attempt").as_deref(),
            Some("stop_after_attempt")
        );
        assert_eq!(helper("other.wait_fixed"), None);
    }

    #[test]
    fn delay_randomness_sees_random_jitter_and_fixed_parts() {
        let semantic = model_with_imports(&[
            ("random", "random"),
            ("uniform", "random.uniform"),
            ("secrets", "secrets"),
            ("np", "numpy"),
            ("time", "time"),
        ]);
        let randomness =
            |source: &str| with_expr(source, |expr| semantic.delay_summary(expr).randomness);
        assert_eq!(
            randomness("random.uniform(0.0, ceiling)"),
            Randomness::Random
        );
        assert_eq!(
            randomness("2 ** attempt + uniform(0, 1)"),
            Randomness::Random
        );
        assert_eq!(randomness("secrets.randbelow(3)"), Randomness::Random);
        assert_eq!(randomness("np.random.rand() * 2"), Randomness::Random);
        assert_eq!(randomness("add_jitter(delay)"), Randomness::Random);
        assert_eq!(randomness("self._jitter + 1"), Randomness::Random);
        assert_eq!(randomness("1.5"), Randomness::Fixed);
        assert_eq!(randomness("min(30, 0.5 * 2 ** attempt)"), Randomness::Fixed);
        assert_eq!(randomness("self.delay"), Randomness::Unknown);
        assert_eq!(randomness("compute_delay(attempt)"), Randomness::Unknown);
        assert_eq!(
            randomness("int(headers['Retry-After'])"),
            Randomness::Unknown
        );
        let locals = with_expr("2 ** attempt * base", |expr| {
            semantic.delay_summary(expr).locals
        });
        assert_eq!(locals, ["attempt", "base"]);
    }

    #[test]
    fn retry_counts_cover_literals_and_infinity() {
        let semantic = model_with_imports(&[("math", "math"), ("sys", "sys"), ("inf", "math.inf")]);
        let count = |source: &str| with_expr(source, |expr| semantic.retry_count(expr));
        assert_eq!(count("10"), Some(RetryCount::Finite(10)));
        assert_eq!(count("math.inf"), Some(RetryCount::Infinite));
        assert_eq!(count("inf"), Some(RetryCount::Infinite));
        assert_eq!(count("sys.maxsize"), Some(RetryCount::Infinite));
        assert_eq!(count("float('inf')"), Some(RetryCount::Infinite));
        assert_eq!(count("float('Infinity')"), Some(RetryCount::Infinite));
        assert_eq!(count("settings.retries"), None);
        assert_eq!(count("-1"), None);
    }

    #[test]
    fn idempotency_keys_are_found_in_keywords_and_mappings() {
        let semantic = model_with_imports(&[]);
        let presence = |source: &str| {
            with_expr(source, |expr| {
                semantic.idempotency_key(expr.as_call_expr().expect("a call"))
            })
        };
        assert_eq!(
            presence("c.post(u, headers={'Idempotency-Key': k})"),
            KeyPresence::Sent
        );
        assert_eq!(
            presence("c.create(options={'idempotency_key': k})"),
            KeyPresence::Sent
        );
        assert_eq!(presence("c.create(idempotency_key=k)"), KeyPresence::Sent);
        assert_eq!(
            presence("c.create(extra_headers={**base, 'X-Idempotency-Key': k})"),
            KeyPresence::Sent
        );
        assert_eq!(presence("c.post(u, json=body)"), KeyPresence::Missing);
        assert_eq!(
            presence("c.post(u, headers={'Accept': 'json'})"),
            KeyPresence::Missing
        );
        assert_eq!(
            presence("c.post(u, headers=self.headers)"),
            KeyPresence::Unknown
        );
        assert_eq!(presence("c.post(u, **kwargs)"), KeyPresence::Unknown);
    }
}
