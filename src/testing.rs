//! Test doubles for the core's unit tests: a store that hands every unit of work one transaction
//! made of mockall repositories, and an app whose other ports are mocks too.

use crate::catalog::repo::{
    GroupRepo, LocationRepo, MockGroupRepo, MockLocationRepo, MockPdvRepo, MockProductRepo, MockTaxRepo, PdvRepo,
    ProductRepo, TaxRepo,
};
use crate::contacts::repo::{ContactRepo, MockContactRepo};
use crate::identity::repo::{AuditRepo, CredentialRepo, MockAuditRepo, MockCredentialRepo, MockUserRepo, UserRepo};
use crate::inventory::repo::{MockStockRepo, StockRepo};
use crate::jobs::repo::{MockOutboxRepo, OutboxRepo};
use crate::kernel::{CoreResult, TenantId};
use crate::ports::cache::MockCache;
use crate::ports::clock::MockClock;
use crate::ports::jobs::MockJobQueue;
use crate::ports::mailer::MockMailer;
use crate::ports::objects::MockObjectStore;
use crate::ports::rate_limit::MockRateLimiter;
use crate::ports::security::{MockPasswordHasher, MockTokenIssuer};
use crate::ports::store::{Erased, GlobalWork, TenantWork};
use crate::ports::{GlobalTx, Store, TenantTx};
use crate::sales::repo::{MockSalesRepo, SalesRepo};
use crate::tenancy::repo::{
    CompanyRepo, InvitationRepo, MembershipRepo, MockCompanyRepo, MockInvitationRepo, MockMembershipRepo,
};
use crate::{App, AppPorts, Settings};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// One transaction whose repositories are mocks with expectations.
#[derive(Default)]
pub struct TestTx {
    pub users: MockUserRepo,
    pub credentials: MockCredentialRepo,
    pub companies: MockCompanyRepo,
    pub memberships: MockMembershipRepo,
    pub invitations: MockInvitationRepo,
    pub audit: MockAuditRepo,
    pub outbox: MockOutboxRepo,
    pub pdvs: MockPdvRepo,
    pub locations: MockLocationRepo,
    pub groups: MockGroupRepo,
    pub taxes: MockTaxRepo,
    pub products: MockProductRepo,
    pub stock: MockStockRepo,
    pub contacts: MockContactRepo,
    pub sales: MockSalesRepo,
    pub tenant: Option<TenantId>,
}

#[async_trait::async_trait]
impl GlobalTx for TestTx {
    fn users(&mut self) -> &mut dyn UserRepo {
        &mut self.users
    }
    fn credentials(&mut self) -> &mut dyn CredentialRepo {
        &mut self.credentials
    }
    fn companies(&mut self) -> &mut dyn CompanyRepo {
        &mut self.companies
    }
    fn memberships(&mut self) -> &mut dyn MembershipRepo {
        &mut self.memberships
    }
    fn invitations(&mut self) -> &mut dyn InvitationRepo {
        &mut self.invitations
    }
    fn audit(&mut self) -> &mut dyn AuditRepo {
        &mut self.audit
    }
    fn outbox(&mut self) -> &mut dyn OutboxRepo {
        &mut self.outbox
    }
    async fn enter_tenant(&mut self, tenant: TenantId) -> CoreResult<&mut dyn TenantTx> {
        self.tenant = Some(tenant);
        Ok(self)
    }
}

impl TenantTx for TestTx {
    fn tenant(&self) -> TenantId {
        self.tenant.unwrap_or_default()
    }
    fn pdvs(&mut self) -> &mut dyn PdvRepo {
        &mut self.pdvs
    }
    fn locations(&mut self) -> &mut dyn LocationRepo {
        &mut self.locations
    }
    fn groups(&mut self) -> &mut dyn GroupRepo {
        &mut self.groups
    }
    fn taxes(&mut self) -> &mut dyn TaxRepo {
        &mut self.taxes
    }
    fn products(&mut self) -> &mut dyn ProductRepo {
        &mut self.products
    }
    fn stock(&mut self) -> &mut dyn StockRepo {
        &mut self.stock
    }
    fn contacts(&mut self) -> &mut dyn ContactRepo {
        &mut self.contacts
    }
    fn sales(&mut self) -> &mut dyn SalesRepo {
        &mut self.sales
    }
    fn outbox(&mut self) -> &mut dyn OutboxRepo {
        &mut self.outbox
    }
}

/// Runs every unit of work on the same [`TestTx`] and counts them.
pub struct TestStore {
    tx: tokio::sync::Mutex<TestTx>,
    runs: AtomicUsize,
}

impl TestStore {
    pub fn new(tx: TestTx) -> Arc<Self> {
        Arc::new(Self { tx: tokio::sync::Mutex::new(tx), runs: AtomicUsize::new(0) })
    }
    /// How many units of work ran.
    pub fn runs(&self) -> usize {
        self.runs.load(Ordering::SeqCst)
    }
}

#[async_trait::async_trait]
impl Store for TestStore {
    async fn run_global(&self, work: GlobalWork) -> CoreResult<Erased> {
        self.runs.fetch_add(1, Ordering::SeqCst);
        let mut tx = self.tx.lock().await;
        work(&mut *tx).await
    }
    async fn run_tenant(&self, tenant: TenantId, work: TenantWork) -> CoreResult<Erased> {
        self.runs.fetch_add(1, Ordering::SeqCst);
        let mut tx = self.tx.lock().await;
        tx.tenant = Some(tenant);
        work(&mut *tx).await
    }
    async fn ping(&self) -> CoreResult<()> {
        Ok(())
    }
}

/// The mocks of the ports other than the store.
#[derive(Default)]
pub struct Mocks {
    pub hasher: MockPasswordHasher,
    pub tokens: MockTokenIssuer,
    pub clock: Option<MockClock>,
    pub mailer: MockMailer,
    pub queue: MockJobQueue,
    /// Allows everything when not given.
    pub rate_limiter: Option<MockRateLimiter>,
    /// Always misses (and accepts writes) when not given.
    pub cache: Option<MockCache>,
}

/// An app on `store` and `mocks`; the clock reads a fixed instant unless a clock mock is given.
pub fn app(store: Arc<TestStore>, mocks: Mocks) -> App {
    let clock = mocks.clock.unwrap_or_else(|| {
        let mut c = MockClock::new();
        let now = chrono::Utc::now();
        c.expect_now().return_const(now);
        c
    });
    let ports = AppPorts {
        store,
        hasher: Arc::new(mocks.hasher),
        tokens: Arc::new(mocks.tokens),
        clock: Arc::new(clock),
        mailer: Arc::new(mocks.mailer),
        queue: Arc::new(mocks.queue),
        cache: Arc::new(mocks.cache.unwrap_or_else(|| {
            let mut c = MockCache::new();
            c.expect_get().returning(|_| Ok(None));
            c.expect_set().returning(|_, _, _| Ok(()));
            c.expect_delete().returning(|_| Ok(()));
            c
        })),
        rate_limiter: Arc::new(mocks.rate_limiter.unwrap_or_else(|| {
            let mut r = MockRateLimiter::new();
            r.expect_check().returning(|_, limit, _| {
                Ok(crate::ports::RateDecision {
                    allowed: true,
                    remaining: limit,
                    retry_after: std::time::Duration::ZERO,
                })
            });
            r
        })),
        objects: Arc::new(MockObjectStore::new()),
    };
    App::new(ports, Settings::default())
}
