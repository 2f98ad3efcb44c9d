//! The semantic model (placeholder while the engine is built).
