//! The store and its transaction object.

use crate::errors::db_err;
use ally360::kernel::{CoreError, CoreResult, TenantId};
use ally360::ports::store::{Erased, GlobalWork, TenantWork};
use ally360::ports::{GlobalTx, Store, TenantTx};
use sqlx::{PgPool, Postgres, Transaction};

/// The PostgreSQL [`Store`].
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// A store over `pool`, which should connect as the service role.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// The pool (for health checks and tests).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn begin(&self, tenant: Option<TenantId>) -> CoreResult<PgTx> {
        let tx = match tenant {
            // One round trip: BEGIN, the tenant binding and the plan mode travel together (the id is
            // a UUID formatted here, so the text carries nothing else). Tenant statements are written
            // for generic plans (no bound LIMIT), so each is planned once per connection instead of
            // on every call: planning cost more than running them.
            Some(t) => {
                let begin = format!(
                    "BEGIN; SELECT set_config('app.tenant_id', '{}', true); SET LOCAL plan_cache_mode = force_generic_plan",
                    t.as_uuid()
                );
                self.pool.begin_with(sqlx::AssertSqlSafe(begin)).await
            }
            None => self.pool.begin().await,
        };
        Ok(PgTx { tx: tx.map_err(db_err)?, tenant })
    }
}

async fn bind_tenant(tx: &mut Transaction<'static, Postgres>, tenant: TenantId) -> CoreResult<()> {
    sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
        .bind(tenant.to_string())
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(())
}

async fn finish(tx: PgTx, out: CoreResult<Erased>) -> CoreResult<Erased> {
    match out {
        Ok(v) => {
            tx.tx.commit().await.map_err(db_err)?;
            Ok(v)
        }
        Err(e) => {
            if let Err(rollback) = tx.tx.rollback().await {
                tracing::warn!(error = %rollback, "rollback failed");
            }
            Err(e)
        }
    }
}

/// One PostgreSQL transaction, optionally bound to a tenant.
pub(crate) struct PgTx {
    pub tx: Transaction<'static, Postgres>,
    pub tenant: Option<TenantId>,
}

impl PgTx {
    pub fn conn(&mut self) -> &mut sqlx::PgConnection {
        &mut self.tx
    }

    /// Runs a statement whose `$1` is the tenant and `$2` the id.
    pub async fn execute_by_id(&mut self, sql: impl sqlx::SqlSafeStr, id: uuid::Uuid) -> CoreResult<()> {
        let tenant = self.tenant_id()?;
        sqlx::query(sql).bind(tenant).bind(id).execute(self.conn()).await.map_err(db_err)?;
        Ok(())
    }

    pub fn tenant_id(&self) -> CoreResult<uuid::Uuid> {
        self.tenant
            .map(|t| t.as_uuid())
            .ok_or_else(|| CoreError::internal("tenant data reached outside a tenant transaction"))
    }
}

#[async_trait::async_trait]
impl Store for PgStore {
    async fn run_global(&self, work: GlobalWork) -> CoreResult<Erased> {
        let mut tx = self.begin(None).await?;
        let out = work(&mut tx).await;
        finish(tx, out).await
    }

    async fn run_tenant(&self, tenant: TenantId, work: TenantWork) -> CoreResult<Erased> {
        let mut tx = self.begin(Some(tenant)).await?;
        let out = work(&mut tx).await;
        finish(tx, out).await
    }

    async fn ping(&self) -> CoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(db_err)?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl GlobalTx for PgTx {
    fn users(&mut self) -> &mut dyn ally360::identity::repo::UserRepo {
        self
    }
    fn credentials(&mut self) -> &mut dyn ally360::identity::repo::CredentialRepo {
        self
    }
    fn companies(&mut self) -> &mut dyn ally360::tenancy::repo::CompanyRepo {
        self
    }
    fn memberships(&mut self) -> &mut dyn ally360::tenancy::repo::MembershipRepo {
        self
    }
    fn invitations(&mut self) -> &mut dyn ally360::tenancy::repo::InvitationRepo {
        self
    }
    fn audit(&mut self) -> &mut dyn ally360::identity::repo::AuditRepo {
        self
    }
    fn outbox(&mut self) -> &mut dyn ally360::jobs::repo::OutboxRepo {
        self
    }
    async fn enter_tenant(&mut self, tenant: TenantId) -> CoreResult<&mut dyn TenantTx> {
        bind_tenant(&mut self.tx, tenant).await?;
        self.tenant = Some(tenant);
        Ok(self)
    }
}

impl TenantTx for PgTx {
    fn tenant(&self) -> TenantId {
        self.tenant.unwrap_or_else(|| TenantId::from_uuid(uuid::Uuid::nil()))
    }
    fn pdvs(&mut self) -> &mut dyn ally360::catalog::repo::PdvRepo {
        self
    }
    fn locations(&mut self) -> &mut dyn ally360::catalog::repo::LocationRepo {
        self
    }
    fn groups(&mut self) -> &mut dyn ally360::catalog::repo::GroupRepo {
        self
    }
    fn taxes(&mut self) -> &mut dyn ally360::catalog::repo::TaxRepo {
        self
    }
    fn products(&mut self) -> &mut dyn ally360::catalog::repo::ProductRepo {
        self
    }
    fn stock(&mut self) -> &mut dyn ally360::inventory::repo::StockRepo {
        self
    }
    fn contacts(&mut self) -> &mut dyn ally360::contacts::repo::ContactRepo {
        self
    }
    fn sales(&mut self) -> &mut dyn ally360::sales::repo::SalesRepo {
        self
    }
    fn outbox(&mut self) -> &mut dyn ally360::jobs::repo::OutboxRepo {
        self
    }
}
