//! Unit tests for the semantic model: each question rules ask it, answered
//! at `probe(...)` calls placed in small Python snippets.

use ruff_python_ast::Expr;

use super::{ClientClass, Library};
use crate::checker::{Checker, probe_source};

/// The model's answers at one `probe(value)` call.
#[derive(Debug)]
pub(crate) struct Probe {
    pub qualified: Option<String>,
    pub client: Option<ClientClass>,
    pub import_time: bool,
    pub in_async: bool,
    pub in_loop: bool,
    pub in_try_body: bool,
    pub in_handler: bool,
    pub numeric_constant: bool,
    /// The model facts of the class the argument names.
    pub model: Option<super::models::ModelFacts>,
    /// Whether the argument is a logging call.
    pub logging_call: bool,
    /// The exception facts of the argument (see [`super::exceptions`]).
    pub exceptions: super::exceptions::tests::ExceptionProbe,
}

pub(crate) fn record_probe(checker: &mut Checker, expr: &Expr) {
    let Expr::Call(call) = expr else { return };
    if call
        .func
        .as_name_expr()
        .is_none_or(|name| name.id.as_str() != "probe")
    {
        return;
    }
    let Some(argument) = call.arguments.args.first() else {
        return;
    };
    let semantic = &checker.semantic;
    let probe = Probe {
        qualified: semantic.qualified_name(argument),
        client: semantic.client_value(argument),
        import_time: semantic.at_import_time(),
        in_async: semantic.in_async_function(),
        in_loop: semantic.in_loop(),
        in_try_body: semantic.statements.in_try_body(),
        in_handler: semantic.statements.innermost_handler().is_some(),
        numeric_constant: semantic.is_numeric_constant(argument),
        model: semantic.model_named_by(argument),
        logging_call: argument
            .as_call_expr()
            .is_some_and(|call| semantic.is_logging_call(call)),
        exceptions: super::exceptions::tests::ExceptionProbe::of(semantic, argument),
    };
    checker.probes.push(probe);
}

fn probes(source: &str) -> Vec<Probe> {
    probe_source(source, None)
}

fn single(source: &str) -> Probe {
    let mut found = probes(source);
    assert_eq!(found.len(), 1, "expected one probe in {source}");
    found.pop().unwrap()
}

#[test]
fn imports_resolve_through_aliases() {
    let source = "\
import httpx as h
from httpx import AsyncClient as AC
import urllib.request
from openai import OpenAI
probe(h.Client)
probe(AC)
probe(urllib.request.urlopen)
probe(OpenAI)
";
    let names: Vec<Option<String>> = probes(source).into_iter().map(|p| p.qualified).collect();
    assert_eq!(
        names,
        vec![
            Some("httpx.Client".to_string()),
            Some("httpx.AsyncClient".to_string()),
            Some("urllib.request.urlopen".to_string()),
            Some("openai.OpenAI".to_string()),
        ]
    );
}

#[test]
fn httpx2_resolves_as_httpx() {
    let found = single("import httpx2\nprobe(httpx2.Client)\n");
    assert_eq!(found.qualified.as_deref(), Some("httpx.Client"));
}

#[test]
fn local_definitions_shadow_imports() {
    let source = "\
from httpx import Client
class Client: ...
probe(Client)
";
    assert_eq!(single(source).qualified, None);
    let function = "import httpx\ndef f(httpx):\n    probe(httpx.Client)\n";
    assert_eq!(single(function).qualified, None);
}

#[test]
fn optional_import_idiom_keeps_the_import() {
    let source = "\
try:
    import httpx
except ImportError:
    httpx = None
probe(httpx.Client)
";
    assert_eq!(single(source).qualified.as_deref(), Some("httpx.Client"));
}

#[test]
fn relative_imports_resolve_against_the_package() {
    let source =
        "from .http import Client\nfrom ..base import Thing\nprobe(Client)\nprobe(Thing)\n";
    let found = probe_source(source, Some("acme.api"));
    assert_eq!(found[0].qualified.as_deref(), Some("acme.api.http.Client"));
    assert_eq!(found[1].qualified.as_deref(), Some("acme.base.Thing"));
    let unknown = probe_source(source, None);
    assert_eq!(unknown[0].qualified, None);
}

#[test]
fn function_bodies_see_later_module_names() {
    let source = "\
def f():
    probe(client)
import httpx
client = httpx.Client()
";
    let found = single(source);
    assert_eq!(found.client.map(|c| c.library), Some(Library::Httpx));
}

#[test]
fn client_facts_cover_names_parameters_attributes_and_with_targets() {
    let source = "\
import httpx
from openai import AsyncOpenAI
from typing import Optional

module_client = httpx.Client()

class Service:
    http: httpx.AsyncClient

    def __init__(self):
        self.llm = AsyncOpenAI()

    async def run(self, param: Optional[httpx.Client], other: 'httpx.Client | None', plain):
        probe(module_client)
        probe(param)
        probe(other)
        probe(self.llm)
        probe(self.http)
        probe(plain)
        with httpx.Client() as scoped:
            probe(scoped)
        probe(httpx.AsyncClient())
";
    let libraries: Vec<Option<(Library, bool)>> = probes(source)
        .into_iter()
        .map(|p| p.client.map(|c| (c.library, c.is_async)))
        .collect();
    assert_eq!(
        libraries,
        vec![
            Some((Library::Httpx, false)),
            Some((Library::Httpx, false)),
            Some((Library::Httpx, false)),
            Some((Library::OpenAI, true)),
            Some((Library::Httpx, true)),
            None,
            Some((Library::Httpx, false)),
            Some((Library::Httpx, true)),
        ]
    );
}

#[test]
fn class_scope_is_invisible_from_methods() {
    let source = "\
import httpx
class Service:
    client = httpx.Client()
    def run(self):
        probe(client)
";
    assert!(single(source).client.is_none());
}

#[test]
fn import_time_excludes_functions_main_guard_and_type_checking() {
    let source = "\
from typing import TYPE_CHECKING
probe(1)
class A:
    probe(2)
def f():
    probe(3)
if __name__ == \"__main__\":
    probe(4)
if TYPE_CHECKING:
    probe(5)
else:
    probe(6)
x = lambda: probe(7)
";
    let import_time: Vec<bool> = probes(source).into_iter().map(|p| p.import_time).collect();
    // Function bodies are visited after the module, so probe 3 comes last.
    assert_eq!(
        import_time,
        vec![true, true, false, false, true, false, false]
    );
}

#[test]
fn position_flags_track_async_loops_and_try() {
    let source = "\
async def f():
    for item in items:
        try:
            probe(1)
        except Exception:
            probe(2)
    probe(3)
    def inner():
        probe(4)
";
    let found = probes(source);
    let flags: Vec<(bool, bool, bool, bool)> = found
        .iter()
        .map(|p| (p.in_async, p.in_loop, p.in_try_body, p.in_handler))
        .collect();
    assert_eq!(
        flags,
        vec![
            (true, true, true, false),
            (true, true, false, true),
            (true, false, false, false),
            (false, false, false, false),
        ]
    );
}

#[test]
fn numeric_constants_include_module_constants_bound_once() {
    let source = "\
ONCE = 30
TWICE = 1
TWICE = 2
NAMED = ONCE * 2
def f(param):
    probe(ONCE)
    probe(TWICE)
    probe(NAMED)
    probe(-2.5 ** 2)
    probe(param)
    probe(1j)
";
    let constants: Vec<bool> = probes(source)
        .into_iter()
        .map(|p| p.numeric_constant)
        .collect();
    assert_eq!(constants, vec![true, false, true, true, false, false]);
}

#[test]
fn global_statements_bind_at_module_scope() {
    let source = "\
import httpx
_client = None
def get():
    global _client
    _client = httpx.Client()
def use():
    probe(_client)
";
    // `_client` is rebound to a client inside `get`, in the module scope.
    assert!(single(source).client.is_some());
}
