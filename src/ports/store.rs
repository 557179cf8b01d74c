//! The unit of work. Data is reached only inside `Store::run_global` (users, companies, memberships,
//! tokens, the outbox) or `Store::run_tenant` (one company's business data). The store opens the
//! transaction, hands the work a transaction object, and commits when the work returns `Ok` or rolls
//! back when it returns `Err`: neither can be forgotten. A tenant transaction sees only its tenant's
//! rows; no tenant repository method takes a tenant id.

use crate::catalog::repo::{GroupRepo, LocationRepo, PdvRepo, ProductRepo, TaxRepo};
use crate::contacts::repo::ContactRepo;
use crate::identity::repo::{AuditRepo, CredentialRepo, UserRepo};
use crate::inventory::repo::StockRepo;
use crate::jobs::repo::OutboxRepo;
use crate::kernel::{Actor, CoreError, CoreResult, TenantId};
use crate::sales::repo::SalesRepo;
use crate::tenancy::repo::{CompanyRepo, InvitationRepo, MembershipRepo};
use std::any::Any;
use std::future::Future;
use std::pin::Pin;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Type-erased result of a unit of work (see [`in_global`] and [`in_tenant`] for the typed entry).
pub type Erased = Box<dyn Any + Send>;

/// Work on the global data, run inside one transaction.
pub type GlobalWork = Box<dyn for<'t> FnOnce(&'t mut dyn GlobalTx) -> BoxFuture<'t, CoreResult<Erased>> + Send>;

/// Work on one tenant's data, run inside one transaction.
pub type TenantWork = Box<dyn for<'t> FnOnce(&'t mut dyn TenantTx) -> BoxFuture<'t, CoreResult<Erased>> + Send>;

/// The transactional store.
///
/// Contract: all writes made through the transaction object commit together when the work returns
/// `Ok`, and none persist when it returns `Err` (or panics). Concurrent units of work behave as if
/// conditional updates were serialised: a conditional update (`use_refresh`, stock decrements) succeeds
/// for exactly one of two racing callers. Connection failures surface as `CoreError::Unavailable`.
#[async_trait::async_trait]
pub trait Store: Send + Sync {
    /// Runs `work` in a transaction over the global data.
    async fn run_global(&self, work: GlobalWork) -> CoreResult<Erased>;
    /// Runs `work` in a transaction bound to `tenant`: every tenant repository reached from it reads
    /// and writes that tenant's rows only.
    async fn run_tenant(&self, tenant: TenantId, work: TenantWork) -> CoreResult<Erased>;
    /// Whether the store answers (for `/ready`).
    async fn ping(&self) -> CoreResult<()>;
}

/// The transaction over global data.
#[async_trait::async_trait]
pub trait GlobalTx: Send {
    /// User accounts and profiles.
    fn users(&mut self) -> &mut dyn UserRepo;
    /// Single-use tokens, sessions and refresh tokens.
    fn credentials(&mut self) -> &mut dyn CredentialRepo;
    /// Companies (tenants).
    fn companies(&mut self) -> &mut dyn CompanyRepo;
    /// Who belongs to which company, with which role.
    fn memberships(&mut self) -> &mut dyn MembershipRepo;
    /// Invitations to join a company.
    fn invitations(&mut self) -> &mut dyn InvitationRepo;
    /// Security audit trail.
    fn audit(&mut self) -> &mut dyn AuditRepo;
    /// Jobs written with the change that caused them.
    fn outbox(&mut self) -> &mut dyn OutboxRepo;
    /// Binds the rest of this same transaction to `tenant` (used when a company and its first tenant
    /// rows are created together) and returns the tenant view of it.
    async fn enter_tenant(&mut self, tenant: TenantId) -> CoreResult<&mut dyn TenantTx>;
}

/// The transaction bound to one tenant.
pub trait TenantTx: Send {
    /// The tenant this transaction is bound to.
    fn tenant(&self) -> TenantId;
    /// Points of sale.
    fn pdvs(&mut self) -> &mut dyn PdvRepo;
    /// Departments and cities (global reference data).
    fn locations(&mut self) -> &mut dyn LocationRepo;
    /// Brands and categories.
    fn groups(&mut self) -> &mut dyn GroupRepo;
    /// System and tenant taxes.
    fn taxes(&mut self) -> &mut dyn TaxRepo;
    /// Products, variants, images and product taxes.
    fn products(&mut self) -> &mut dyn ProductRepo;
    /// Stock levels and inventory movements.
    fn stock(&mut self) -> &mut dyn StockRepo;
    /// Clients and providers.
    fn contacts(&mut self) -> &mut dyn ContactRepo;
    /// Invoices, payments, credit notes, numbering ranges, idempotency keys and the email log.
    fn sales(&mut self) -> &mut dyn SalesRepo;
    /// Jobs written with the change that caused them.
    fn outbox(&mut self) -> &mut dyn OutboxRepo;
}

/// Runs typed work over the global data.
pub async fn in_global<T, F>(store: &dyn Store, work: F) -> CoreResult<T>
where
    T: Send + 'static,
    F: for<'t> FnOnce(&'t mut dyn GlobalTx) -> BoxFuture<'t, CoreResult<T>> + Send + 'static,
{
    let erased = store.run_global(erase_global(work)).await?;
    unerase(erased)
}

/// Runs typed work over the actor's tenant.
pub async fn in_tenant<T, F>(store: &dyn Store, actor: &Actor, work: F) -> CoreResult<T>
where
    T: Send + 'static,
    F: for<'t> FnOnce(&'t mut dyn TenantTx) -> BoxFuture<'t, CoreResult<T>> + Send + 'static,
{
    let erased = store.run_tenant(actor.tenant, erase_tenant(work)).await?;
    unerase(erased)
}

/// Runs typed work over one tenant's data for the system itself (background jobs), not for a user.
pub async fn in_tenant_of<T, F>(store: &dyn Store, tenant: TenantId, work: F) -> CoreResult<T>
where
    T: Send + 'static,
    F: for<'t> FnOnce(&'t mut dyn TenantTx) -> BoxFuture<'t, CoreResult<T>> + Send + 'static,
{
    let erased = store.run_tenant(tenant, erase_tenant(work)).await?;
    unerase(erased)
}

fn erase_global<T, F>(work: F) -> GlobalWork
where
    T: Send + 'static,
    F: for<'t> FnOnce(&'t mut dyn GlobalTx) -> BoxFuture<'t, CoreResult<T>> + Send + 'static,
{
    Box::new(move |tx: &mut dyn GlobalTx| {
        let fut = work(tx);
        Box::pin(async move { fut.await.map(|v| Box::new(v) as Erased) }) as BoxFuture<'_, _>
    })
}

fn erase_tenant<T, F>(work: F) -> TenantWork
where
    T: Send + 'static,
    F: for<'t> FnOnce(&'t mut dyn TenantTx) -> BoxFuture<'t, CoreResult<T>> + Send + 'static,
{
    Box::new(move |tx: &mut dyn TenantTx| {
        let fut = work(tx);
        Box::pin(async move { fut.await.map(|v| Box::new(v) as Erased) }) as BoxFuture<'_, _>
    })
}

fn unerase<T: 'static>(erased: Erased) -> CoreResult<T> {
    erased.downcast::<T>().map(|b| *b).map_err(|_| CoreError::internal("unit of work returned another type"))
}
