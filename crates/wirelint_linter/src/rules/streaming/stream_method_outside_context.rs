//! # stream-method-outside-context (WL502)
//!
//! ## What it does
//! Flags a streaming method used without `with` / `async with`:
//! `httpx.stream(...)`, `Client.stream(...)` / `AsyncClient.stream(...)`,
//! `client.messages.stream(...)`, `client.chat.completions.stream(...)`,
//! `client.beta.*.stream(...)`, `client.responses.stream(...)`, and an
//! aiohttp `session.get/post/...(...)` that is awaited instead of entered
//! with `async with`.
//!
//! As for WL501, a stream handed on (returned, stored, passed to another
//! call) or assigned to a local that is later entered, closed or released
//! is not flagged.
//!
//! ## Why is this bad?
//! These methods return context managers (or, for aiohttp, a response that
//! must be released) precisely so the connection is returned to the pool
//! when the block ends, however it ends. Used any other way, an exception
//! or an early exit leaks the connection, and for the SDK helpers the
//! stream is never even started.
//!
//! ## Example
//! ```python
//! response = await session.get(url)
//! data = await response.json()
//! ```
//!
//! ## Use instead
//! ```python
//! async with session.get(url) as response:
//!     data = await response.json()
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Streaming"
//!
//! The check itself lives with WL501's, in `stream_outside_context.rs`: the
//! two rules differ only in which calls they cover.
