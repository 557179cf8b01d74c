//! The catalog's use cases: one service, its methods spread over the files of this module by area
//! (points of sale, brands and categories, taxes, products, product parts).

use super::repo::{ListSort, NameQuery};
use crate::app::Ctx;
use crate::kernel::{time_key, time_of_key, validate, CoreError, CoreResult, FieldError};
use chrono::{DateTime, Utc};
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

/// Checks a list query and asks for one extra row (to know whether another page follows).
pub(super) fn name_query(mut query: NameQuery) -> CoreResult<NameQuery> {
    query.search = search_text(query.search)?;
    created_cursor(query.sort, &query.after)?;
    query.limit += 1;
    Ok(query)
}

/// 422 unless a creation-ordered cursor carries a time (microseconds since the epoch).
pub(super) fn created_cursor(sort: ListSort, after: &super::repo::After) -> CoreResult<()> {
    if let (ListSort::Created, Some((key, _))) = (sort, after) {
        time_of_key(key)?;
    }
    Ok(())
}

/// The keyset position of a row in a list sorted by `sort`: its lower-case name, or its creation time in
/// microseconds, and its id.
pub(super) fn sort_key(sort: ListSort, name: &str, created: DateTime<Utc>, id: uuid::Uuid) -> (String, uuid::Uuid) {
    match sort {
        ListSort::Name => (name.to_lowercase(), id),
        ListSort::Created => (time_key(created), id),
    }
}
