//! The in-memory store. The whole state sits behind one async lock; a unit of work runs on a
//! snapshot (persistent maps make the copy O(1)) that replaces the state only when the work returns
//! `Ok`. Holding the lock for the unit of work serialises writers, which gives the same outcome as
//! PostgreSQL's row locks and conditional updates for every race the contract suites check.

mod catalog;
mod contacts;
mod global;
mod products;
mod sales;
mod sales_reports;
mod seed;
mod stock;
mod tenancy;

use ally360::catalog::model::{Group, GroupKind, Pdv, Product, ProductImage, Variant};
use ally360::catalog::tax::Tax;
use ally360::contacts::model::{Attachment, Contact};
use ally360::identity::model::{AuditEvent, OneTimeToken, RefreshToken, Session, User};
use ally360::inventory::model::{InventorySettings, Movement, StockLevel};
use ally360::kernel::*;
use ally360::ports::store::{Erased, GlobalWork, TenantWork};
use ally360::ports::{GlobalTx, Job, Store, TenantTx};
use ally360::sales::model::{CreditNote, Invoice, InvoiceEmail, NumberingRange, Payment};
use ally360::sales::repo::StoredKey;
use ally360::tenancy::model::{Company, Invitation, Membership};
use chrono::{DateTime, Utc};
use imbl::{HashMap, OrdMap, Vector};
use tokio::sync::Mutex;

#[derive(Clone, Default)]
pub(crate) struct World {
    pub users: HashMap<UserId, User>,
    pub user_by_email: HashMap<String, UserId>,
    pub one_time: HashMap<OneTimeTokenId, OneTimeToken>,
    pub one_time_by_hash: HashMap<String, OneTimeTokenId>,
    pub sessions: HashMap<SessionId, Session>,
    pub refresh: HashMap<RefreshTokenId, RefreshToken>,
    pub refresh_by_hash: HashMap<String, RefreshTokenId>,
    pub companies: HashMap<TenantId, Company>,
    pub memberships: HashMap<MembershipId, Membership>,
    pub membership_by_key: HashMap<(UserId, TenantId), MembershipId>,
    pub invitations: HashMap<InvitationId, Invitation>,
    pub audit: Vector<AuditEvent>,
    /// Jobs by id (v7 ids sort by creation), with the time they were relayed.
    pub outbox: OrdMap<JobId, (Job, Option<DateTime<Utc>>)>,
    pub tenants: HashMap<TenantId, TenantData>,
}

/// One tenant's business data.
#[derive(Clone, Default)]
pub(crate) struct TenantData {
    pub pdvs: HashMap<PdvId, Pdv>,
    pub contacts: HashMap<ContactId, Contact>,
    pub attachments: HashMap<AttachmentId, Attachment>,
    pub brands: HashMap<GroupId, Group>,
    pub categories: HashMap<GroupId, Group>,
    /// The tenant's own taxes (the system ones come from the seed).
    pub taxes: HashMap<TaxId, Tax>,
    pub products: HashMap<ProductId, Product>,
    pub variants: HashMap<VariantId, Variant>,
    pub images: HashMap<ImageId, ProductImage>,
    pub product_taxes: HashMap<ProductId, Vec<TaxId>>,
    pub stocks: HashMap<StockId, StockLevel>,
    pub movements: Vector<Movement>,
    pub inventory_settings: InventorySettings,
    pub ranges: HashMap<NumberingRangeId, NumberingRange>,
    /// Invoices with their lines (kept ordered by position).
    pub invoices: HashMap<InvoiceId, Invoice>,
    pub payments: HashMap<PaymentId, Payment>,
    /// Credit notes with their lines.
    pub credit_notes: HashMap<CreditNoteId, CreditNote>,
    /// Idempotency keys by (scope, key).
    pub keys: HashMap<(String, String), StoredKey>,
    pub emails: HashMap<InvoiceEmailId, InvoiceEmail>,
}

impl TenantData {
    pub fn groups_mut(&mut self, kind: GroupKind) -> &mut HashMap<GroupId, Group> {
        match kind {
            GroupKind::Brand => &mut self.brands,
            GroupKind::Category => &mut self.categories,
        }
    }

    pub fn group(&self, kind: GroupKind, id: GroupId) -> Option<&Group> {
        match kind {
            GroupKind::Brand => self.brands.get(&id),
            GroupKind::Category => self.categories.get(&id),
        }
    }
}

/// The transaction: a private snapshot of the world, optionally bound to a tenant.
pub(crate) struct MemTx {
    pub world: World,
    pub tenant: Option<TenantId>,
}

impl MemTx {
    pub fn tenant_data(&mut self) -> CoreResult<&mut TenantData> {
        let tenant =
            self.tenant.ok_or_else(|| CoreError::internal("tenant data reached outside a tenant transaction"))?;
        Ok(self.world.tenants.entry(tenant).or_default())
    }
}

/// The in-memory [`Store`].
#[derive(Default)]
pub struct MemoryStore {
    world: Mutex<World>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait::async_trait]
impl Store for MemoryStore {
    async fn run_global(&self, work: GlobalWork) -> CoreResult<Erased> {
        let mut world = self.world.lock().await;
        let mut tx = MemTx { world: world.clone(), tenant: None };
        let out = work(&mut tx).await;
        if out.is_ok() {
            *world = tx.world;
        }
        out
    }

    async fn run_tenant(&self, tenant: TenantId, work: TenantWork) -> CoreResult<Erased> {
        let mut world = self.world.lock().await;
        let mut tx = MemTx { world: world.clone(), tenant: Some(tenant) };
        let out = work(&mut tx).await;
        if out.is_ok() {
            *world = tx.world;
        }
        out
    }

    async fn ping(&self) -> CoreResult<()> {
        Ok(())
    }
}

#[async_trait::async_trait]
impl GlobalTx for MemTx {
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
        self.tenant = Some(tenant);
        Ok(self)
    }
}

impl TenantTx for MemTx {
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

/// A page cut from rows already sorted.
pub(crate) fn paginate<T>(rows: Vec<T>, page: PageRequest) -> Page<T> {
    let total = rows.len() as u64;
    let items = rows.into_iter().skip(page.offset as usize).take(page.limit as usize).collect();
    Page { items, total, request: page }
}
