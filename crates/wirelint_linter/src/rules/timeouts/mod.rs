//! WL2: timeouts. A call with no timeout, a disabled one, or a single number
//! where the policy asks for per-phase budgets.
