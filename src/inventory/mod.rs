//! Inventory: stock per (product or variant, PDV) and the movements that change it (the kardex).

pub mod model;
pub mod repo;
