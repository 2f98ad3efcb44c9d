//! WL8: async and observability. Sync work inside `async def`, event hooks
//! of the wrong kind for their client, and fan-outs with no bound.

pub mod blocking_call_in_async;
pub mod hook_kind_mismatch;
pub mod unbounded_gather;
