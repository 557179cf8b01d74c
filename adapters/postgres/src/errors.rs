//! Maps database errors to the core vocabulary: unique violations by constraint name, foreign-key
//! violations to `in_use`, connection trouble to `Unavailable`, everything else to `Internal` (logged,
//! never shown).

use ally360::kernel::CoreError;

const UNIQUE: &[(&str, &str, &str, &str)] = &[
    ("users_email_key", "email_taken", "email", "this email is already registered"),
    ("companies_name_key", "company_name_taken", "name", "a company with this name exists"),
    ("companies_phone_key", "company_phone_taken", "phone_number", "a company with this phone exists"),
    ("companies_nit_key", "company_nit_taken", "nit", "a company with this NIT exists"),
    ("memberships_user_company_key", "already_member", "user_id", "this user already belongs to the company"),
    ("invitations_open_key", "invitation_exists", "email", "an open invitation exists for this email"),
    ("pdvs_name_key", "pdv_name_taken", "name", "a point of sale with this name exists"),
    ("pdvs_main_key", "main_pdv_exists", "is_main", "the company already has a main point of sale"),
    ("contacts_id_number_key", "contact_exists", "id_number", "another contact has this identification"),
    ("contact_attachments_tenant_id_object_key_key", "already_attached", "key", "this upload is already attached"),
    ("brands_name_key", "brand_name_taken", "name", "a brand with this name exists"),
    ("categories_name_key", "category_name_taken", "name", "a category with this name exists"),
    ("taxes_name_key", "tax_name_taken", "name", "a tax with this name exists"),
    ("products_sku_key", "sku_taken", "sku", "another product has this sku"),
    ("products_barcode_key", "barcode_taken", "barCode", "another product has this barcode"),
    ("product_variants_sku_key", "variant_sku_taken", "sku", "another variant has this sku"),
    ("product_variants_barcode_key", "variant_barcode_taken", "barcode", "another variant has this barcode"),
    ("product_images_tenant_id_object_key_key", "already_attached", "key", "this upload is already attached"),
    ("numbering_ranges_active_key", "active_range_exists", "is_active", "this PDV already has an active range"),
    ("invoices_number_key", "number_taken", "number", "another invoice has this number"),
    ("invoices_range_seq_key", "number_taken", "number", "another invoice has this number"),
];

/// The core error for a database error.
pub fn db_err(e: sqlx::Error) -> CoreError {
    match &e {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("23505") => {
            let constraint = db.constraint().unwrap_or_default();
            match UNIQUE.iter().find(|(name, ..)| *name == constraint) {
                Some((_, code, field, message)) => CoreError::conflict_on(code, field, *message),
                None => CoreError::conflict("duplicate", "this record already exists"),
            }
        }
        sqlx::Error::Database(db) if db.code().as_deref() == Some("23503") => {
            CoreError::conflict("in_use", "this record is referenced by other records")
        }
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed | sqlx::Error::Tls(_) => {
            tracing::error!(error = %e, "database unavailable");
            CoreError::Unavailable("the database is unavailable".into())
        }
        _ => CoreError::internal(e),
    }
}
