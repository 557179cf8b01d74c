//! Catalog: points of sale, brands and categories, taxes and the tax calculator, products with
//! variants, images, taxes, initial and minimum stock (spec 20 §1–4, §6).

mod groups;
mod images;
pub mod model;
mod pdvs;
mod product_input;
mod product_parts;
mod products;
pub mod repo;
mod service;
pub mod tax;
mod taxes;
#[cfg(test)]
mod tests;

pub use groups::GroupInput;
pub use images::ImageView;
pub use pdvs::{PdvDetail, PdvInput};
pub use product_input::{NewProduct, NewVariant, ProductChanges, StockInput, VariantChanges};
pub use products::ProductView;
pub use service::CatalogService;
pub use taxes::TaxInput;
