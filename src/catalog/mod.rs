//! Catalog: points of sale (more of the catalog comes with its own issue).

pub mod model;
pub mod repo;
