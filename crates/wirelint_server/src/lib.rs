//! wirelint_server: `wirelint server`, a Language Server Protocol 3.17
//! server over standard input and output. Editors get wirelint's
//! diagnostics as the code is typed (pushed, or pulled when the client
//! prefers), quick fixes, "disable for this line", fix-all, and the rules'
//! documentation on hover over a `# noqa:` code.
//!
//! Built on `lsp-server` (messages) and `lsp-types` (the protocol's types).
//! Each document is governed like a file given to `wirelint check
//! --force-exclude`: the nearest configuration, with the client's settings
//! on top. The command line only starts [`run`].

mod capabilities;
mod code_actions;
mod document;
mod edits;
mod folders;
mod hover;
mod lint;
mod positions;
mod scope;
mod server;
#[cfg(test)]
mod server_tests;
mod settings;
mod transport;
mod uri;
mod worker;

/// Serves one client over standard input and output until it sends
/// `exit` or closes the input. Returns the exit code the protocol
/// prescribes: 0 after `shutdown`, 1 otherwise.
pub fn run() -> u8 {
    let (incoming, outgoing, io_threads) = transport::stdio();
    let code = server::serve(incoming, outgoing, &lint::engine());
    // Everything answered so far reaches the client before the process ends.
    if let Err(error) = io_threads.finish() {
        eprintln!("wirelint server: cannot write to the client: {error}");
    }
    code
}
