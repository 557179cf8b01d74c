//! Inventory: stock per (product or variant, PDV) and the movements that change it (the kardex).

mod kardex;
pub mod model;
pub mod repo;
mod service;
#[cfg(test)]
mod tests;
mod transfers;

pub use kardex::{Kardex, KardexLine};
pub(crate) use service::active_pdv;
pub use service::{InventoryService, MovementInput, TransferInput, TransferLine};
pub use transfers::{ProductStock, Transfer};
