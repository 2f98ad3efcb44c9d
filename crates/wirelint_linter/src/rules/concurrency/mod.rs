//! WL8: async and observability. Sync work inside `async def`, event hooks
//! of the wrong kind for their client, and fan-outs with no bound.

pub(crate) mod blocking_call_in_async;
pub(crate) mod hook_kind_mismatch;
pub(crate) mod unbounded_gather;
