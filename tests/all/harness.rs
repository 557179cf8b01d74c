//! Test fixtures: an app on the chosen backend, an HTTP client over the whole poem app, and helpers
//! for the common steps (register and verify, create a company, select it).

use ally360::ports::Store;
use ally360::{App, AppPorts, Settings};
use ally360_crypto::{Argon2Hasher, HmacTokenIssuer};
use ally360_memory::*;
use poem::http::{Method, StatusCode};
use poem::test::TestClient;
use serde_json::{json, Value};
use std::sync::Arc;
use tokio::sync::OnceCell;

/// Where the data lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Memory,
    Postgres,
}

/// The admin URL of the test database, when configured.
pub fn database_url() -> Option<String> {
    let url = std::env::var("ALLY_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty());
    if url.is_none() {
        assert!(
            std::env::var("ALLY_REQUIRE_BACKENDS").as_deref() != Ok("1"),
            "ALLY_REQUIRE_BACKENDS=1 but ALLY_TEST_DATABASE_URL is not set"
        );
        eprintln!("skipped: PostgreSQL run (ALLY_TEST_DATABASE_URL is not set)");
    }
    url
}

static MIGRATED: OnceCell<()> = OnceCell::const_new();

/// A pool on the test database connected as the service role (migrations applied once).
pub async fn app_pool() -> sqlx::PgPool {
    let url = database_url().expect("ALLY_TEST_DATABASE_URL");
    MIGRATED.get_or_init(|| async { ally360_postgres::migrate(&url).await.expect("migrations") }).await;
    let options = ally360_postgres::as_app_role(&url).expect("database url");
    sqlx::postgres::PgPoolOptions::new().max_connections(4).connect_with(options).await.expect("connect as ally360_app")
}

/// A store on the backend.
pub async fn store(backend: Backend) -> Arc<dyn Store> {
    match backend {
        Backend::Memory => Arc::new(MemoryStore::new()),
        Backend::Postgres => Arc::new(ally360_postgres::PgStore::new(app_pool().await)),
    }
}

/// The whole application on one backend, driven over HTTP.
pub struct TestApp {
    pub app: App,
    pub client: TestClient<poem::endpoint::BoxEndpoint<'static>>,
    pub mailer: Arc<LogMailer>,
    pub clock: Arc<ManualClock>,
}

/// An answer: status and JSON body (Null when empty).
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub headers: poem::http::HeaderMap,
}

impl Answer {
    /// Asserts the status, showing the body when it differs.
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.body);
        self.body
    }
    /// Asserts a problem+json error with this status and code.
    pub fn problem(self, status: u16, code: &str) -> Value {
        let body = self.expect(status);
        assert_eq!(body["code"], code, "unexpected problem: {body}");
        body
    }
}

/// Every port on a test adapter: memory store, cheap argon2, a manual clock.
pub fn test_ports() -> AppPorts {
    AppPorts {
        store: Arc::new(MemoryStore::new()),
        hasher: Arc::new(Argon2Hasher::for_tests()),
        tokens: Arc::new(HmacTokenIssuer::new(b"test-secret-test-secret-test-secret")),
        clock: Arc::new(ManualClock::new()),
        mailer: Arc::new(LogMailer::new()),
        queue: Arc::new(MemoryQueue::new(3)),
        cache: Arc::new(MemoryCache::new()),
        rate_limiter: Arc::new(MemoryRateLimiter::new()),
        objects: Arc::new(MemoryObjectStore::new("http://localhost", b"k")),
    }
}

/// A unique suffix for names, emails, phones and NITs (shared databases outlive a test).
pub fn unique() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// A unique 10-digit Colombian mobile number.
pub fn phone() -> String {
    format!("3{:09}", rand_digits() % 1_000_000_000)
}

/// A unique landline of the national plan (`604` + 7 digits), as a client might type it.
pub fn landline() -> String {
    let n = format!("{:07}", rand_digits() % 10_000_000);
    format!("(604) {} {}", &n[..3], &n[3..])
}

/// A unique NIT base of 9 digits.
pub fn nit() -> String {
    format!("9{:08}", rand_digits() % 100_000_000)
}

fn rand_digits() -> u64 {
    // The last eight bytes of a v7 id are (nearly all) random.
    let id = uuid::Uuid::now_v7();
    u64::from_le_bytes(id.as_bytes()[8..].try_into().unwrap_or_default())
}

/// On PostgreSQL every test shares the outbox table, so any test's relay may carry another test's
/// email: those tests share one queue, one mailer and one cache (so a job finished by one test is
/// never run again by another), and look emails up by their unique address.
fn shared_sinks() -> Sinks {
    static SINKS: std::sync::OnceLock<Sinks> = std::sync::OnceLock::new();
    SINKS.get_or_init(Sinks::new).clone()
}

/// Where jobs and emails go.
#[derive(Clone)]
pub struct Sinks {
    pub mailer: Arc<LogMailer>,
    pub queue: Arc<MemoryQueue>,
    pub cache: Arc<MemoryCache>,
}

impl Sinks {
    pub fn new() -> Self {
        Self {
            mailer: Arc::new(LogMailer::new()),
            queue: Arc::new(MemoryQueue::new(3)),
            cache: Arc::new(MemoryCache::new()),
        }
    }
}

impl TestApp {
    pub async fn new(backend: Backend) -> Self {
        let sinks = match backend {
            Backend::Memory => Sinks::new(),
            Backend::Postgres => shared_sinks(),
        };
        let store = store(backend).await;
        let mailer = sinks.mailer.clone();
        Self::on(
            AppPorts { store, queue: sinks.queue, cache: sinks.cache, mailer: sinks.mailer, ..test_ports() },
            mailer,
        )
    }

    /// The app on the given ports; `mailer` is the log mailer to read emails from (usually the one
    /// inside the ports). Objects go to a memory store
    /// whose signed URLs the app serves.
    pub fn on(ports: AppPorts, mailer: Arc<LogMailer>) -> Self {
        let objects = Arc::new(MemoryObjectStore::new("http://localhost", b"k"));
        Self::with_objects(AppPorts { objects: objects.clone(), ..ports }, mailer, Some(objects))
    }

    /// The app on the given ports, serving the signed URLs of `served` when given.
    pub fn with_objects(ports: AppPorts, mailer: Arc<LogMailer>, served: Option<Arc<MemoryObjectStore>>) -> Self {
        let clock = Arc::new(ManualClock::new());
        let app = App::new(AppPorts { clock: clock.clone(), ..ports }, Settings::default());
        let served = served.map(|s| Arc::new(ServedObjects(s)) as Arc<dyn ally360_http::SignedObjects>);
        let config = ally360_http::HttpConfig {
            cors_origins: vec!["http://app.test".into()],
            max_body_bytes: 64 * 1024,
            docs: true,
        };
        let client = TestClient::new(ally360_http::router(app.clone(), &config, served));
        Self { app, client, mailer, clock }
    }

    /// Sends a request with an optional bearer token, extra headers and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> Answer {
        let mut req = self.client.request(method, path);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.body_json(&b);
        }
        let resp = req.send().await;
        let status = resp.0.status();
        let headers = resp.0.headers().clone();
        let bytes = resp.0.into_body().into_bytes().await.unwrap_or_default();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer { status, body, headers }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.call(Method::GET, path, token, &[], None).await
    }
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        self.call(Method::POST, path, token, &[], Some(body)).await
    }
    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        self.call(Method::PATCH, path, token, &[], Some(body)).await
    }
    pub async fn delete(&self, path: &str, token: Option<&str>) -> Answer {
        self.call(Method::DELETE, path, token, &[], None).await
    }

    /// Runs the queued jobs (emails).
    pub async fn run_jobs(&self) {
        if let Err(e) = self.app.jobs.drain("test").await {
            // A queue that is down keeps the jobs in the outbox; callers that wait will retry.
            eprintln!("jobs not run: {e}");
        }
    }

    /// Waits (up to two seconds: on PostgreSQL another test's worker may be the one delivering it)
    /// for an email to `to` that satisfies `pred`, and returns it.
    pub async fn wait_mail(
        &self,
        to: &str,
        pred: impl Fn(&ally360::ports::Email) -> bool,
    ) -> Option<ally360::ports::Email> {
        for _ in 0..40 {
            self.run_jobs().await;
            if let Some(found) = self.mailer.sent_to(to).into_iter().rev().find(|e| pred(e)) {
                return Some(found);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        None
    }

    /// The token of the newest link for `path` (e.g. "verify-email") emailed to `to` after the
    /// emails already seen.
    pub async fn emailed_token(&self, to: &str, path: &str) -> Option<String> {
        let marker = format!("/{path}?token=");
        let seen = self.mailer.sent_to(to).len();
        let mut newest = None;
        for _ in 0..40 {
            self.run_jobs().await;
            let sent = self.mailer.sent_to(to);
            newest = sent.iter().rev().find_map(|e| {
                let start = e.text.find(&marker)? + marker.len();
                Some(e.text[start..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>())
            });
            if sent.len() > seen && newest.is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        newest
    }

    /// Registers `email` and returns the verification token.
    pub async fn register(&self, email: &str) -> String {
        let body = json!({"email": email, "password": "secret-pass-1", "profile": {"first_name": "Ana", "last_name": "Gómez"}});
        self.post("/auth/register", None, body).await.expect(202);
        self.emailed_token(email, "verify-email").await.expect("verification email")
    }

    /// Registers and verifies a user, then signs in; returns the login body.
    pub async fn user(&self, email: &str) -> Value {
        let token = self.register(email).await;
        self.post("/auth/verify-email", None, json!({"token": token})).await.expect(200);
        self.login(email, "secret-pass-1").await
    }

    /// Signs in with JSON credentials.
    pub async fn login(&self, email: &str, password: &str) -> Value {
        self.post("/auth/login", None, json!({"username": email, "password": password})).await.expect(200)
    }

    /// Creates a company for the user of `token`; returns its id.
    pub async fn company(&self, token: &str, name: &str) -> String {
        let body = json!({"name": name, "phone_number": phone(), "nit": nit()});
        let created = self.post("/company", Some(token), body).await.expect(201);
        created["id"].as_str().expect("company id").to_string()
    }

    /// A context token for `company`.
    pub async fn select(&self, token: &str, company: &str) -> String {
        let ctx = self.post("/auth/select-company", Some(token), json!({"company_id": company})).await.expect(200);
        ctx["access_token"].as_str().expect("context token").to_string()
    }

    /// A new user invited to `owner`'s company with `role`, who accepted and selected it:
    /// (user id, context token, email). The password is `member-pass-1`.
    pub async fn member(&self, owner: &Owner, role: &str) -> (String, String, String) {
        let email = format!("member-{}@example.com", unique());
        self.post("/auth/invite-user", Some(&owner.context), json!({"email": email, "role": role})).await.expect(200);
        let token = self.emailed_token(&email, "accept-invitation").await.expect("invitation email");
        let profile = json!({"first_name": "Nuevo", "last_name": "Miembro"});
        let body = json!({"token": token, "password": "member-pass-1", "profile": profile});
        let accepted = self.post("/auth/accept-invitation", None, body).await.expect(200);
        let login = self.login(&email, "member-pass-1").await;
        let context = self.select(login["access_token"].as_str().expect("access"), &owner.company).await;
        (accepted["user_id"].as_str().expect("user id").to_string(), context, email)
    }

    /// A fresh user who owns a fresh company: (access token, context token, company id, email).
    pub async fn owner(&self) -> Owner {
        let email = format!("owner-{}@example.com", unique());
        let login = self.user(&email).await;
        let access = login["access_token"].as_str().expect("access").to_string();
        let company = self.company(&access, &format!("Empresa {}", unique())).await;
        let context = self.select(&access, &company).await;
        Owner { access, context, company, email }
    }
}

/// The memory object store, as the HTTP adapter serves it.
pub struct ServedObjects(pub Arc<MemoryObjectStore>);

impl ally360_http::SignedObjects for ServedObjects {
    fn check(&self, method: &str, key: &str, expires: i64, content_type: &str, sig: &str) -> bool {
        self.0.check_url(method, key, expires, content_type, sig)
    }
    fn put(&self, key: &str, bytes: Vec<u8>, content_type: Option<String>) {
        self.0.put(key, bytes, content_type)
    }
    fn get(&self, key: &str) -> Option<(Vec<u8>, Option<String>)> {
        self.0.get(key)
    }
}

/// A user who owns a company.
pub struct Owner {
    pub access: String,
    pub context: String,
    pub company: String,
    pub email: String,
}

/// Runs a scenario on every backend.
#[macro_export]
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn memory() {
                super::$name($crate::harness::TestApp::new($crate::harness::Backend::Memory).await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::harness::database_url().is_some() {
                    super::$name($crate::harness::TestApp::new($crate::harness::Backend::Postgres).await).await;
                }
            }
        }
    )*};
}
