//! WL1: client lifecycle. Where clients are built (import time, loops, lazy
//! globals), where they are reached for (module globals inside functions),
//! and whether a function that builds one also closes or hands it on.
//!
//! What a call's parent does with a new client, and whether a local holding
//! one is closed or handed on, come from the model's ownership facts.

pub(crate) mod client_at_import_time;
pub(crate) mod client_in_loop;
pub(crate) mod implicit_module_client;
pub(crate) mod lazy_global_client;
pub(crate) mod unclosed_client;
