//! # placeholder
//!
//! ## What it does
//! ## Why is this bad?
//! ## Example
//! ## Use instead
