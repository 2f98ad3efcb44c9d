//! Classifies a call by what it talks to: a client constructor, a method on
//! a client, a function of a network library, or one of the stdlib calls the
//! timeout rules know (`urllib.request.urlopen`, `http.client.HTTP(S)Connection`).

use ruff_python_ast::{Expr, ExprCall};

use super::{ClientClass, Library, SemanticModel};

/// What a call is, seen from the network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CallTarget<'a> {
    /// `httpx.Client(...)`, `OpenAI(...)`.
    ClientConstructor(ClientClass),
    /// `client.get(...)`, `client.chat.completions.create(...)`: `method` is
    /// the last attribute (`get`, `create`).
    ClientMethod {
        client: ClientClass,
        method: &'a str,
    },
    /// A module-level function or class of a network library:
    /// `requests.get`, `httpx.Timeout`.
    LibraryFunction { library: Library, qualified: String },
    /// `urllib.request.urlopen(...)`.
    Urlopen,
    /// `http.client.HTTPConnection(...)` / `HTTPSConnection(...)`.
    HttpConnection,
}

impl CallTarget<'_> {
    /// The network library behind the call (`None` for the stdlib ones).
    pub(crate) fn library(&self) -> Option<Library> {
        match self {
            CallTarget::ClientConstructor(class)
            | CallTarget::ClientMethod { client: class, .. } => Some(class.library),
            CallTarget::LibraryFunction { library, .. } => Some(*library),
            CallTarget::Urlopen | CallTarget::HttpConnection => None,
        }
    }

    /// The qualified name for library functions, e.g. `requests.get`.
    pub(crate) fn qualified(&self) -> Option<&str> {
        match self {
            CallTarget::LibraryFunction { qualified, .. } => Some(qualified),
            _ => None,
        }
    }
}

impl<'a> SemanticModel<'a> {
    /// What `call` talks to, or `None` when it is not a network call the
    /// model can recognise.
    pub(crate) fn classify_call<'c>(&self, call: &'c ExprCall) -> Option<CallTarget<'c>> {
        if let Some(qualified) = self.qualified_name(&call.func) {
            if let Some(class) = self.known.client_class(&qualified) {
                return Some(CallTarget::ClientConstructor(class));
            }
            return match qualified.as_str() {
                "urllib.request.urlopen" => Some(CallTarget::Urlopen),
                "http.client.HTTPConnection" | "http.client.HTTPSConnection" => {
                    Some(CallTarget::HttpConnection)
                }
                _ => {
                    let root = qualified.split('.').next().unwrap_or_default();
                    let library = Library::of_module(root)?;
                    Some(CallTarget::LibraryFunction { library, qualified })
                }
            };
        }
        let client = self.client_call_receiver(call)?;
        let Expr::Attribute(attribute) = call.func.as_ref() else {
            return None;
        };
        Some(CallTarget::ClientMethod {
            client,
            method: attribute.attr.as_str(),
        })
    }
}
