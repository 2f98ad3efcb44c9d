//! The built-in knowledge: which classes are network clients, which modules
//! make a module a network module, which exceptions are network errors.
//! Project additions from settings are merged in by [`KnownNames::new`].

use rustc_hash::FxHashMap;

use crate::settings::LinterSettings;

/// The library a client or call belongs to; decides which fixes apply.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Library {
    Httpx,
    Requests,
    Aiohttp,
    Urllib3,
    OpenAI,
    Anthropic,
    Stripe,
    Cohere,
    Mistral,
    GoogleGenai,
    Slack,
    Twilio,
    /// A class the project declared in `extend-client-classes`.
    Project,
}

impl Library {
    /// The library of a top-level module name, for module-level calls.
    pub(crate) fn of_module(root: &str) -> Option<Library> {
        Some(match root {
            "httpx" => Library::Httpx,
            "requests" => Library::Requests,
            "aiohttp" => Library::Aiohttp,
            "urllib3" => Library::Urllib3,
            "openai" => Library::OpenAI,
            "anthropic" => Library::Anthropic,
            "stripe" => Library::Stripe,
            "cohere" => Library::Cohere,
            "mistralai" => Library::Mistral,
            "slack_sdk" => Library::Slack,
            "twilio" => Library::Twilio,
            _ => return None,
        })
    }

    /// Whether the library's timeouts accept `httpx.Timeout` (httpx itself
    /// and the SDKs built on it).
    pub(crate) fn takes_httpx_timeout(self) -> bool {
        matches!(self, Library::Httpx | Library::OpenAI | Library::Anthropic)
    }

    /// Whether the library offers any structured timeout form at all; the
    /// ones that take only a number are not asked for one.
    pub(crate) fn has_structured_timeout(self) -> bool {
        !matches!(self, Library::Slack | Library::Twilio | Library::Project)
    }
}

/// A known client class.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ClientClass {
    pub library: Library,
    pub is_async: bool,
}

/// Built-in client classes by qualified name (the built-in list that
/// `extend-client-classes` in `docs/configuration.md` extends, with every
/// urllib3 pool under each of its spellings: a `PoolManager`,
/// `ProxyManager` or connection pool owns sockets the same way).
const BUILTIN_CLIENT_CLASSES: &[(&str, Library, bool)] = &[
    ("httpx.Client", Library::Httpx, false),
    ("httpx.AsyncClient", Library::Httpx, true),
    ("requests.Session", Library::Requests, false),
    ("requests.session", Library::Requests, false),
    ("requests.sessions.Session", Library::Requests, false),
    ("aiohttp.ClientSession", Library::Aiohttp, true),
    ("urllib3.PoolManager", Library::Urllib3, false),
    ("urllib3.poolmanager.PoolManager", Library::Urllib3, false),
    ("urllib3.ProxyManager", Library::Urllib3, false),
    ("urllib3.poolmanager.ProxyManager", Library::Urllib3, false),
    ("urllib3.HTTPConnectionPool", Library::Urllib3, false),
    ("urllib3.HTTPSConnectionPool", Library::Urllib3, false),
    (
        "urllib3.connectionpool.HTTPConnectionPool",
        Library::Urllib3,
        false,
    ),
    (
        "urllib3.connectionpool.HTTPSConnectionPool",
        Library::Urllib3,
        false,
    ),
    ("openai.OpenAI", Library::OpenAI, false),
    ("openai.AsyncOpenAI", Library::OpenAI, true),
    ("openai.AzureOpenAI", Library::OpenAI, false),
    ("openai.AsyncAzureOpenAI", Library::OpenAI, true),
    ("anthropic.Anthropic", Library::Anthropic, false),
    ("anthropic.AsyncAnthropic", Library::Anthropic, true),
    ("stripe.StripeClient", Library::Stripe, false),
    ("cohere.Client", Library::Cohere, false),
    ("cohere.ClientV2", Library::Cohere, false),
    ("mistralai.Mistral", Library::Mistral, false),
    ("google.genai.Client", Library::GoogleGenai, false),
    ("slack_sdk.WebClient", Library::Slack, false),
    ("twilio.rest.Client", Library::Twilio, false),
];

/// Built-in network modules (the list `extend-network-modules` in
/// `docs/configuration.md` extends). Dotted entries match a
/// module and its submodules.
const BUILTIN_NETWORK_MODULES: &[&str] = &[
    "httpx",
    "requests",
    "aiohttp",
    "urllib3",
    "openai",
    "anthropic",
    "stripe",
    "cohere",
    "mistralai",
    "google.genai",
    "slack_sdk",
    "twilio",
    "boto3",
    "botocore",
];

/// Modules whose calls the timeout rules know even though they do not make a
/// module a network module.
const STDLIB_NETWORK_MODULES: &[&str] = &["urllib", "http"];

/// The client classes and network modules in force for one run.
#[derive(Debug)]
pub(crate) struct KnownNames {
    client_classes: FxHashMap<String, ClientClass>,
    network_modules: Vec<String>,
    /// Qualified names from `extend-error-classes`.
    extend_error_classes: Vec<String>,
}

impl KnownNames {
    pub(crate) fn new(settings: &LinterSettings) -> Self {
        let mut client_classes: FxHashMap<String, ClientClass> = BUILTIN_CLIENT_CLASSES
            .iter()
            .map(|(name, library, is_async)| {
                let class = ClientClass {
                    library: *library,
                    is_async: *is_async,
                };
                ((*name).to_string(), class)
            })
            .collect();
        for name in &settings.extend_client_classes {
            let is_async = name
                .rsplit('.')
                .next()
                .is_some_and(|last| last.starts_with("Async"));
            client_classes.entry(name.clone()).or_insert(ClientClass {
                library: Library::Project,
                is_async,
            });
        }
        let mut network_modules: Vec<String> = BUILTIN_NETWORK_MODULES
            .iter()
            .map(|module| (*module).to_string())
            .collect();
        network_modules.extend(settings.extend_network_modules.iter().cloned());
        for name in &settings.extend_client_classes {
            if let Some((module, _)) = name.rsplit_once('.') {
                network_modules.push(module.to_string());
            }
        }
        Self {
            client_classes,
            network_modules,
            extend_error_classes: settings.extend_error_classes.clone(),
        }
    }

    /// The project's network error classes (`extend-error-classes`).
    pub(crate) fn extend_error_classes(&self) -> &[String] {
        &self.extend_error_classes
    }

    /// The client class a qualified name denotes, if it is one.
    pub(crate) fn client_class(&self, qualified: &str) -> Option<ClientClass> {
        self.client_classes.get(qualified).copied()
    }

    /// Whether importing `module` makes a module a network module.
    pub(crate) fn is_network_module(&self, module: &str) -> bool {
        self.network_modules
            .iter()
            .any(|known| is_same_or_submodule(module, known))
    }

    /// Words whose absence from a source text proves the file imports no
    /// network or stdlib HTTP module: the fast path's filter.
    pub(crate) fn import_markers(&self) -> impl Iterator<Item = &str> {
        self.network_modules
            .iter()
            .map(|module| module.split('.').next().unwrap_or(module))
            .chain(STDLIB_NETWORK_MODULES.iter().copied())
    }
}

/// `a.b.c` is `a.b` or below it.
pub(crate) fn is_same_or_submodule(module: &str, parent: &str) -> bool {
    module == parent
        || (module.len() > parent.len()
            && module.starts_with(parent)
            && module.as_bytes()[parent.len()] == b'.')
}

/// The maintained fork `httpx2` is treated exactly as `httpx`.
pub(crate) fn normalize_module(qualified: &str) -> std::borrow::Cow<'_, str> {
    match qualified.strip_prefix("httpx2") {
        Some(rest) if rest.is_empty() || rest.starts_with('.') => format!("httpx{rest}").into(),
        _ => qualified.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn httpx2_is_httpx() {
        assert_eq!(normalize_module("httpx2.Client"), "httpx.Client");
        assert_eq!(normalize_module("httpx2"), "httpx");
        assert_eq!(normalize_module("httpx23.Client"), "httpx23.Client");
    }

    #[test]
    fn submodules_of_network_modules_count() {
        let known = KnownNames::new(&LinterSettings::default());
        assert!(known.is_network_module("google.genai.types"));
        assert!(known.is_network_module("httpx"));
        assert!(!known.is_network_module("google.protobuf"));
        assert!(!known.is_network_module("httpxyz"));
    }

    #[test]
    fn project_clients_extend_the_lists() {
        let settings = LinterSettings {
            extend_client_classes: vec!["acme.http.AsyncApi".to_string()],
            ..LinterSettings::default()
        };
        let known = KnownNames::new(&settings);
        let class = known.client_class("acme.http.AsyncApi").unwrap();
        assert!(class.is_async);
        assert_eq!(class.library, Library::Project);
        assert!(known.is_network_module("acme.http"));
    }
}
