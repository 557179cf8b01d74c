//! The emails Ally360 sends, in Spanish (es-CO), each with an HTML and a plain-text part.

pub(crate) mod emails;

pub use emails::*;
