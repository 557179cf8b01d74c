//! Repositories of the catalog (tenant data, reached through `TenantTx`).

use super::model::{City, Department, Group, GroupKind, Pdv, Product, ProductImage, Variant};
use super::tax::Tax;
use crate::inventory::model::StockLevel;
use crate::kernel::{CoreResult, GroupId, ImageId, PdvId, ProductId, TaxId, VariantId};
use async_trait::async_trait;

/// A keyset position: the sort key of the last row seen (lower-case name, or creation time in
/// microseconds written as a decimal number) and its id.
pub type After = Option<(String, uuid::Uuid)>;

/// What a list of PDVs, brands, categories or taxes asks for, in `sort` order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameQuery {
    /// Case-insensitive substring of the name.
    pub search: Option<String>,
    pub is_active: Option<bool>,
    pub sort: ListSort,
    pub after: After,
    pub limit: u32,
}

/// The tenant's points of sale.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait PdvRepo: Send {
    /// Adds a PDV. A duplicate name (ignoring case) is `Conflict { code: "pdv_name_taken" }`; a second
    /// main PDV is `Conflict { code: "main_pdv_exists" }`.
    async fn insert(&mut self, pdv: &Pdv) -> CoreResult<()>;
    /// Replaces a PDV (same conflicts as `insert`).
    async fn update(&mut self, pdv: &Pdv) -> CoreResult<()>;
    /// The PDV with this id.
    async fn by_id(&mut self, id: PdvId) -> CoreResult<Option<Pdv>>;
    /// The PDV with this id, locked until the end of the transaction.
    async fn lock(&mut self, id: PdvId) -> CoreResult<Option<Pdv>>;
    /// The PDVs with these ids that exist, in any order.
    async fn by_ids(&mut self, ids: &[PdvId]) -> CoreResult<Vec<Pdv>>;
    /// Every PDV of the tenant, main first, then by name.
    async fn list(&mut self) -> CoreResult<Vec<Pdv>>;
    /// A page of PDVs (see [`NameQuery`]).
    async fn page(&mut self, query: &NameQuery) -> CoreResult<Vec<Pdv>>;
    /// How many PDVs match the query's filters (ignoring its position and limit).
    async fn count(&mut self, query: &NameQuery) -> CoreResult<u64>;
    /// Makes `id` the main PDV and every other one not main (the old main is unset first).
    async fn set_main(&mut self, id: PdvId) -> CoreResult<()>;
    /// Removes an empty PDV for good (with its zero stock rows).
    async fn delete(&mut self, id: PdvId) -> CoreResult<()>;
}

/// Departments and cities (global reference data, readable from any tenant transaction).
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait LocationRepo: Send {
    /// The departments with these ids that exist.
    async fn departments(&mut self, ids: &[i32]) -> CoreResult<Vec<Department>>;
    /// The cities with these ids that exist.
    async fn cities(&mut self, ids: &[i32]) -> CoreResult<Vec<City>>;
}

/// The tenant's brands and categories.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait GroupRepo: Send {
    /// Adds one. A name already used by the same kind (ignoring case) is
    /// `Conflict { code: "brand_name_taken" | "category_name_taken" }`.
    async fn insert(&mut self, group: &Group) -> CoreResult<()>;
    /// Replaces one (same conflict as `insert`).
    async fn update(&mut self, group: &Group) -> CoreResult<()>;
    async fn by_id(&mut self, kind: GroupKind, id: GroupId) -> CoreResult<Option<Group>>;
    /// A page (see [`NameQuery`]).
    async fn page(&mut self, kind: GroupKind, query: &NameQuery) -> CoreResult<Vec<Group>>;
    async fn count(&mut self, kind: GroupKind, query: &NameQuery) -> CoreResult<u64>;
    /// How many products (archived ones included) point at it.
    async fn usage(&mut self, kind: GroupKind, id: GroupId) -> CoreResult<u64>;
    async fn delete(&mut self, kind: GroupKind, id: GroupId) -> CoreResult<()>;
}

/// Taxes: the system ones (read-only) and the tenant's own.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait TaxRepo: Send {
    /// Adds a tenant tax. A name the tenant already uses is `Conflict { code: "tax_name_taken" }`.
    async fn insert(&mut self, tax: &Tax) -> CoreResult<()>;
    /// Replaces a tenant tax (same conflict).
    async fn update(&mut self, tax: &Tax) -> CoreResult<()>;
    /// A tax the tenant can see (system or its own).
    async fn by_id(&mut self, id: TaxId) -> CoreResult<Option<Tax>>;
    /// The visible taxes among these ids.
    async fn by_ids(&mut self, ids: &[TaxId]) -> CoreResult<Vec<Tax>>;
    /// A page of visible taxes (see [`NameQuery`]; `is_active` is ignored).
    async fn page(&mut self, query: &NameQuery) -> CoreResult<Vec<Tax>>;
    async fn count(&mut self, query: &NameQuery) -> CoreResult<u64>;
    /// How many products carry it.
    async fn usage(&mut self, id: TaxId) -> CoreResult<u64>;
    /// Removes a tenant tax.
    async fn delete(&mut self, id: TaxId) -> CoreResult<()>;
}

/// The order of a list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ListSort {
    /// Lower-case name, then id.
    #[default]
    Name,
    /// Creation time, then id (oldest first).
    Created,
}

/// What a products list asks for. Archived products never appear.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductQuery {
    /// Case-insensitive substring of name or sku (product or variant), or the exact barcode.
    pub search: Option<String>,
    pub category: Option<GroupId>,
    pub brand: Option<GroupId>,
    pub is_active: Option<bool>,
    /// Only products with stock (> 0) at this PDV.
    pub with_stock_at: Option<PdvId>,
    /// Only products below their minimum somewhere (or at `low_stock_pdv` when given).
    pub low_stock_only: bool,
    pub low_stock_pdv: Option<PdvId>,
    pub sort: ListSort,
    pub after: After,
    pub limit: u32,
}

/// A product with everything a reader sees: variants, taxes, images and stock, fetched together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductRecord {
    pub product: Product,
    pub variants: Vec<Variant>,
    pub taxes: Vec<Tax>,
    /// Ordered by sort order.
    pub images: Vec<ProductImage>,
    pub stock: Vec<StockLevel>,
    pub brand: Option<(GroupId, String)>,
    pub category: Option<(GroupId, String)>,
    /// Names of the PDVs the stock rows point at.
    pub pdv_names: Vec<(PdvId, String)>,
}

/// The tenant's products with their variants, images and tax assignments.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait ProductRepo: Send {
    /// Adds a product. A sku or barcode already used by another live product is
    /// `Conflict { code: "sku_taken" | "barcode_taken" }`.
    async fn insert(&mut self, product: &Product) -> CoreResult<()>;
    /// Replaces a product (same conflicts).
    async fn update(&mut self, product: &Product) -> CoreResult<()>;
    /// The product with this id, archived or not.
    async fn by_id(&mut self, id: ProductId) -> CoreResult<Option<Product>>;
    /// The product with this id, locked until the end of the transaction.
    async fn lock(&mut self, id: ProductId) -> CoreResult<Option<Product>>;
    /// Full records of these products (archived ones included), in the order of `ids`.
    async fn records(&mut self, ids: &[ProductId]) -> CoreResult<Vec<ProductRecord>>;
    /// A page of full records (see [`ProductQuery`]), in list order, in a constant number of queries.
    async fn page(&mut self, query: &ProductQuery) -> CoreResult<Vec<ProductRecord>>;
    /// Removes a product for good, with its variants, images, tax links and stock rows.
    async fn delete(&mut self, id: ProductId) -> CoreResult<()>;
    /// Adds a variant. A variant sku or barcode already used is
    /// `Conflict { code: "variant_sku_taken" | "variant_barcode_taken" }`.
    async fn insert_variant(&mut self, variant: &Variant) -> CoreResult<()>;
    async fn update_variant(&mut self, variant: &Variant) -> CoreResult<()>;
    async fn variant(&mut self, id: VariantId) -> CoreResult<Option<Variant>>;
    /// Replaces the product's taxes.
    async fn set_taxes(&mut self, product: ProductId, taxes: &[TaxId]) -> CoreResult<()>;
    async fn insert_image(&mut self, image: &ProductImage) -> CoreResult<()>;
    async fn update_image(&mut self, image: &ProductImage) -> CoreResult<()>;
    async fn images(&mut self, product: ProductId) -> CoreResult<Vec<ProductImage>>;
    async fn delete_image(&mut self, id: ImageId) -> CoreResult<()>;
}
