//! The catalog's use cases: one service, its methods spread over the files of this module by area
//! (points of sale, brands and categories, taxes, products, product parts).

use super::repo::NameQuery;
use crate::app::Ctx;
use crate::kernel::{validate, CoreError, CoreResult, FieldError};
use std::sync::Arc;

/// Catalog use cases: PDVs, brands, categories, taxes, products with variants, images and taxes.
#[derive(Clone)]
pub struct CatalogService {
    pub(super) ctx: Arc<Ctx>,
}

impl CatalogService {
    pub(crate) fn new(ctx: Arc<Ctx>) -> Self {
        Self { ctx }
    }
}

/// A validation failure as a core error.
pub(super) fn invalid(e: FieldError) -> CoreError {
    CoreError::Validation(vec![e])
}

/// A search text: trimmed, at most 100 characters, no control characters; blank is no search.
pub(super) fn search_text(search: Option<String>) -> CoreResult<Option<String>> {
    match search {
        None => Ok(None),
        Some(s) => Ok(Some(validate::text("search", &s, 0, 100).map_err(invalid)?).filter(|s| !s.is_empty())),
    }
}

/// Checks a name list query and asks for one extra row (to know whether another page follows).
pub(super) fn name_query(mut query: NameQuery) -> CoreResult<NameQuery> {
    query.search = search_text(query.search)?;
    query.limit += 1;
    Ok(query)
}
