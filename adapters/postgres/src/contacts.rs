//! Contacts and attachments in PostgreSQL.

use crate::errors::db_err;
use crate::tx::PgTx;
use ally360::contacts::model::{Address, Attachment, Contact, ContactStats, ContactType, IdType, PersonType};
use ally360::contacts::repo::{ContactQuery, ContactRepo};
use ally360::kernel::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::postgres::PgRow;
use sqlx::Row;
use uuid::Uuid;

fn decode<T>(what: &str) -> impl Fn(Option<T>) -> Result<T, sqlx::Error> + '_ {
    move |v| v.ok_or_else(|| sqlx::Error::Decode(format!("bad {what}").into()))
}

fn address(v: Option<serde_json::Value>) -> Result<Option<Address>, sqlx::Error> {
    v.map(|j| serde_json::from_value(j).map_err(|e| sqlx::Error::Decode(e.into()))).transpose()
}

fn contact(r: &PgRow) -> Result<Contact, sqlx::Error> {
    let types: Vec<String> = r.try_get("types")?;
    let id_type: Option<String> = r.try_get("id_type")?;
    Ok(Contact {
        id: ContactId::from_uuid(r.try_get("id")?),
        name: r.try_get("name")?,
        types: types.iter().filter_map(|t| ContactType::parse(t)).collect(),
        email: r.try_get("email")?,
        phone_primary: r.try_get("phone_primary")?,
        phone_secondary: r.try_get("phone_secondary")?,
        mobile: r.try_get("mobile")?,
        id_type: id_type.map(|t| decode("id_type")(IdType::parse(&t))).transpose()?,
        id_number: r.try_get("id_number")?,
        dv: r.try_get::<Option<i16>, _>("dv")?.map(|d| d as u8),
        person_type: decode("person_type")(PersonType::parse(r.try_get::<&str, _>("person_type")?))?,
        fiscal_responsibilities: r.try_get("fiscal_responsibilities")?,
        payment_terms_days: r.try_get("payment_terms_days")?,
        credit_limit: r.try_get::<Option<Decimal>, _>("credit_limit")?.map(Money::new),
        seller_id: r.try_get::<Option<Uuid>, _>("seller_id")?.map(UserId::from_uuid),
        billing_address: address(r.try_get("billing_address")?)?,
        shipping_address: address(r.try_get("shipping_address")?)?,
        notes: r.try_get("notes")?,
        is_active: r.try_get("is_active")?,
        is_final_consumer: r.try_get("is_final_consumer")?,
        deleted_at: r.try_get("deleted_at")?,
        created_by: r.try_get::<Option<Uuid>, _>("created_by")?.map(UserId::from_uuid),
        updated_by: r.try_get::<Option<Uuid>, _>("updated_by")?.map(UserId::from_uuid),
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn attachment(r: &PgRow) -> Result<Attachment, sqlx::Error> {
    Ok(Attachment {
        id: AttachmentId::from_uuid(r.try_get("id")?),
        contact_id: ContactId::from_uuid(r.try_get("contact_id")?),
        object_key: r.try_get("object_key")?,
        file_name: r.try_get("file_name")?,
        file_size: r.try_get::<i64, _>("file_size")? as u64,
        content_type: r.try_get("content_type")?,
        description: r.try_get("description")?,
        uploaded_by: UserId::from_uuid(r.try_get("uploaded_by")?),
        created_at: r.try_get("created_at")?,
    })
}

fn json(a: &Option<Address>) -> CoreResult<Option<serde_json::Value>> {
    a.as_ref().map(serde_json::to_value).transpose().map_err(CoreError::internal)
}

/// `%text%` for ILIKE, with the wildcards of the text escaped.
pub(crate) fn like(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

const UPSERT: &str = "INSERT INTO contacts (tenant_id, id, name, sort_name, types, email, phone_primary, phone_secondary, mobile, \
    id_type, id_number, dv, person_type, fiscal_responsibilities, payment_terms_days, credit_limit, seller_id, \
    billing_address, shipping_address, notes, is_active, is_final_consumer, deleted_at, created_by, updated_by, \
    created_at, updated_at) VALUES ($1,$2,$3,$27,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26) \
    ON CONFLICT (tenant_id, id) DO UPDATE SET name = $3, sort_name = $27, types = $4, email = $5, phone_primary = $6, \
    phone_secondary = $7, mobile = $8, id_type = $9, id_number = $10, dv = $11, person_type = $12, \
    fiscal_responsibilities = $13, payment_terms_days = $14, credit_limit = $15, seller_id = $16, \
    billing_address = $17, shipping_address = $18, notes = $19, is_active = $20, deleted_at = $22, \
    updated_by = $24, updated_at = $26";

impl PgTx {
    async fn one_contact(&mut self, sql: &'static str, id: ContactId) -> CoreResult<Option<Contact>> {
        let tenant = self.tenant_id()?;
        let row = sqlx::query(sql).bind(tenant).bind(id.as_uuid()).fetch_optional(self.conn()).await.map_err(db_err)?;
        row.as_ref().map(contact).transpose().map_err(db_err)
    }

    async fn save(&mut self, c: &Contact) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        let types: Vec<&str> = c.types.iter().map(|t| t.as_str()).collect();
        sqlx::query(UPSERT)
            .bind(tenant)
            .bind(c.id.as_uuid())
            .bind(&c.name)
            .bind(types)
            .bind(&c.email)
            .bind(&c.phone_primary)
            .bind(&c.phone_secondary)
            .bind(&c.mobile)
            .bind(c.id_type.map(|t| t.as_str()))
            .bind(&c.id_number)
            .bind(c.dv.map(i16::from))
            .bind(c.person_type.as_str())
            .bind(&c.fiscal_responsibilities)
            .bind(c.payment_terms_days)
            .bind(c.credit_limit.map(|m| m.amount()))
            .bind(c.seller_id.map(|s| s.as_uuid()))
            .bind(json(&c.billing_address)?)
            .bind(json(&c.shipping_address)?)
            .bind(&c.notes)
            .bind(c.is_active)
            .bind(c.is_final_consumer)
            .bind(c.deleted_at)
            .bind(c.created_by.map(|u| u.as_uuid()))
            .bind(c.updated_by.map(|u| u.as_uuid()))
            .bind(c.created_at)
            .bind(c.updated_at)
            .bind(c.name.to_lowercase())
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

#[async_trait]
impl ContactRepo for PgTx {
    async fn insert(&mut self, c: &Contact) -> CoreResult<()> {
        self.save(c).await
    }

    async fn update(&mut self, c: &Contact) -> CoreResult<()> {
        self.save(c).await
    }

    async fn by_id(&mut self, id: ContactId) -> CoreResult<Option<Contact>> {
        self.one_contact("SELECT * FROM contacts WHERE tenant_id = $1 AND id = $2", id).await
    }

    async fn lock(&mut self, id: ContactId) -> CoreResult<Option<Contact>> {
        self.one_contact("SELECT * FROM contacts WHERE tenant_id = $1 AND id = $2 FOR UPDATE", id).await
    }

    async fn by_ids(&mut self, ids: &[ContactId]) -> CoreResult<Vec<Contact>> {
        let tenant = self.tenant_id()?;
        let ids: Vec<Uuid> = ids.iter().map(|i| i.as_uuid()).collect();
        let rows = sqlx::query("SELECT * FROM contacts WHERE tenant_id = $1 AND id = ANY($2)")
            .bind(tenant)
            .bind(ids)
            .fetch_all(self.conn())
            .await
            .map_err(db_err)?;
        rows.iter().map(contact).collect::<Result<_, _>>().map_err(db_err)
    }

    async fn by_id_number(&mut self, number: &str) -> CoreResult<Option<Contact>> {
        let tenant = self.tenant_id()?;
        let row = sqlx::query("SELECT * FROM contacts WHERE tenant_id = $1 AND id_number = $2 AND deleted_at IS NULL")
            .bind(tenant)
            .bind(number)
            .fetch_optional(self.conn())
            .await
            .map_err(db_err)?;
        row.as_ref().map(contact).transpose().map_err(db_err)
    }

    async fn list(&mut self, q: &ContactQuery) -> CoreResult<Vec<Contact>> {
        let tenant = self.tenant_id()?;
        let text = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
        // A number typed with dots or dashes still finds the canonical (digits only) value.
        let digits = text
            .map(|s| s.chars().filter(|c| !matches!(c, '.' | '-' | ' ')).collect::<String>())
            .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
        let sql = format!(
            "SELECT * FROM contacts WHERE tenant_id = $1 AND (deleted_at IS NOT NULL) = $2 \
             AND ($3::text IS NULL OR $3 = ANY(types)) AND ($4::bool IS NULL OR is_active = $4) \
             AND ($5::uuid IS NULL OR seller_id = $5) \
             AND ($6::text IS NULL OR name ILIKE $6 OR email ILIKE $6 OR id_number ILIKE $6 OR phone_primary ILIKE $6 \
                  OR phone_secondary ILIKE $6 OR mobile ILIKE $6 OR ($7::text IS NOT NULL AND id_number LIKE $7)) \
             AND ($8::text IS NULL OR (sort_name, id) > ($8 COLLATE \"C\", $9::uuid)) \
             ORDER BY sort_name, id LIMIT {}",
            q.limit
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant)
            .bind(q.deleted)
            .bind(q.kind.map(|k| k.as_str()))
            .bind(q.is_active)
            .bind(q.seller.map(|s| s.as_uuid()))
            .bind(text.map(like))
            .bind(digits.map(|d| format!("%{d}%")))
            .bind(q.after.as_ref().map(|(name, _)| name.clone()))
            .bind(q.after.as_ref().map(|(_, id)| id.as_uuid()))
            .fetch_all(self.conn())
            .await
            .map_err(db_err)?;
        rows.iter().map(contact).collect::<Result<_, _>>().map_err(db_err)
    }

    async fn stats(&mut self) -> CoreResult<ContactStats> {
        let tenant = self.tenant_id()?;
        let r = sqlx::query(
            "SELECT count(*) FILTER (WHERE deleted_at IS NULL) AS total, \
             count(*) FILTER (WHERE deleted_at IS NULL AND is_active) AS active, \
             count(*) FILTER (WHERE deleted_at IS NULL AND 'client' = ANY(types)) AS clients, \
             count(*) FILTER (WHERE deleted_at IS NULL AND 'provider' = ANY(types)) AS providers, \
             count(*) FILTER (WHERE deleted_at IS NULL AND types @> ARRAY['client', 'provider']) AS mixed, \
             count(*) FILTER (WHERE deleted_at IS NOT NULL) AS deleted FROM contacts WHERE tenant_id = $1",
        )
        .bind(tenant)
        .fetch_one(self.conn())
        .await
        .map_err(db_err)?;
        let n = |name: &str| r.try_get::<i64, _>(name).map(|v| v as u64).map_err(db_err);
        Ok(ContactStats {
            total_contacts: n("total")?,
            active_contacts: n("active")?,
            clients: n("clients")?,
            providers: n("providers")?,
            mixed: n("mixed")?,
            deleted_contacts: n("deleted")?,
        })
    }

    async fn set_active(&mut self, ids: &[ContactId], active: bool, by: UserId, at: DateTime<Utc>) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        let ids: Vec<Uuid> = ids.iter().map(|i| i.as_uuid()).collect();
        sqlx::query("UPDATE contacts SET is_active = $3, updated_by = $4, updated_at = $5 WHERE tenant_id = $1 AND id = ANY($2) AND deleted_at IS NULL")
            .bind(tenant)
            .bind(ids)
            .bind(active)
            .bind(by.as_uuid())
            .bind(at)
            .execute(self.conn())
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn insert_attachment(&mut self, a: &Attachment) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        sqlx::query(
            "INSERT INTO contact_attachments (tenant_id, id, contact_id, object_key, file_name, file_size, content_type, \
             description, uploaded_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
        )
        .bind(tenant)
        .bind(a.id.as_uuid())
        .bind(a.contact_id.as_uuid())
        .bind(&a.object_key)
        .bind(&a.file_name)
        .bind(a.file_size as i64)
        .bind(&a.content_type)
        .bind(&a.description)
        .bind(a.uploaded_by.as_uuid())
        .bind(a.created_at)
        .execute(self.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn attachments(&mut self, contact_id: ContactId) -> CoreResult<Vec<Attachment>> {
        let tenant = self.tenant_id()?;
        let rows = sqlx::query(
            "SELECT * FROM contact_attachments WHERE tenant_id = $1 AND contact_id = $2 ORDER BY created_at, id",
        )
        .bind(tenant)
        .bind(contact_id.as_uuid())
        .fetch_all(self.conn())
        .await
        .map_err(db_err)?;
        rows.iter().map(attachment).collect::<Result<_, _>>().map_err(db_err)
    }

    async fn attachment(&mut self, id: AttachmentId) -> CoreResult<Option<Attachment>> {
        let tenant = self.tenant_id()?;
        let row = sqlx::query("SELECT * FROM contact_attachments WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(id.as_uuid())
            .fetch_optional(self.conn())
            .await
            .map_err(db_err)?;
        row.as_ref().map(attachment).transpose().map_err(db_err)
    }

    async fn delete_attachment(&mut self, id: AttachmentId) -> CoreResult<()> {
        self.execute_by_id("DELETE FROM contact_attachments WHERE tenant_id = $1 AND id = $2", id.as_uuid()).await
    }
}
