//! Unit tests of the identity use cases, with every port mocked.

use super::model::{Profile, TokenPurpose, User};
use super::RegisterInput;
use crate::kernel::{CoreError, SessionId, UserId};
use crate::ports::{Claims, OneTimeSecret, Task, TokenKind};
use crate::testing::{app, Mocks, TestStore, TestTx};
use chrono::Utc;
use mockall::predicate::{always, eq};

fn input(email: &str) -> RegisterInput {
    RegisterInput {
        email: email.into(),
        password: "secret-pass-1".into(),
        first_name: "Ana".into(),
        last_name: "Gómez".into(),
        ..Default::default()
    }
}

fn hashing_mocks() -> Mocks {
    let mut mocks = Mocks::default();
    mocks.hasher.expect_hash().times(1).returning(|_| Ok("argon2-hash".into()));
    mocks
        .tokens
        .expect_new_secret()
        .returning(|| OneTimeSecret { plain: "plain-token".into(), hash: "hashed-token".into() });
    mocks
}

fn verified_user(email: &str) -> User {
    let now = Utc::now();
    User {
        id: UserId::new(),
        email: email.into(),
        password_hash: "stored".into(),
        is_active: true,
        email_verified: true,
        email_verified_at: Some(now),
        last_login: None,
        first_login: false,
        profile: Profile {
            first_name: "Ana".into(),
            last_name: "Gómez".into(),
            phone_number: None,
            dni: None,
            avatar_key: None,
        },
        created_at: now,
        updated_at: now,
    }
}

#[tokio::test]
async fn register_writes_user_token_and_email_job_in_one_unit_of_work() {
    let mut tx = TestTx::default();
    tx.users.expect_by_email().with(eq("ana@example.com")).times(1).returning(|_| Ok(None));
    tx.users
        .expect_insert()
        .times(1)
        .withf(|u| u.email == "ana@example.com" && !u.is_active && u.password_hash == "argon2-hash")
        .returning(|_| Ok(()));
    tx.credentials.expect_count_one_time_since().returning(|_, _, _| Ok(0));
    tx.credentials
        .expect_retire_one_time()
        .with(always(), eq(TokenPurpose::VerifyEmail), always())
        .times(1)
        .returning(|_, _, _| Ok(()));
    tx.credentials
        .expect_insert_one_time()
        .times(1)
        .withf(|t| t.token_hash == "hashed-token" && t.purpose == TokenPurpose::VerifyEmail)
        .returning(|_| Ok(()));
    tx.outbox
        .expect_add()
        .times(1)
        .withf(|job| match &job.task {
            Task::SendEmail(e) => {
                e.to == "ana@example.com"
                    && e.text.contains("verify-email?token=plain-token")
                    && !e.text.contains("hashed-token")
            }
            _ => false,
        })
        .returning(|_| Ok(()));
    tx.audit.expect_record().returning(|_| Ok(()));
    let store = TestStore::new(tx);
    let app = app(store.clone(), hashing_mocks());
    let out = app.identity.register(input("  ANA@example.com "), "10.0.0.1").await.unwrap();
    assert_eq!(out.email, "ana@example.com");
    assert_eq!(store.runs(), 1, "user, token and job are written by one unit of work");
}

#[tokio::test]
async fn register_of_a_known_email_changes_nothing_and_notifies_the_owner() {
    let mut tx = TestTx::default();
    let known = verified_user("ana@example.com");
    tx.users.expect_by_email().returning(move |_| Ok(Some(known.clone())));
    tx.users.expect_insert().never();
    tx.credentials.expect_insert_one_time().never();
    tx.outbox
        .expect_add()
        .times(1)
        .withf(|job| matches!(&job.task, Task::SendEmail(e) if e.subject == "Ya tienes una cuenta en Ally360"))
        .returning(|_| Ok(()));
    let app = app(TestStore::new(tx), hashing_mocks());
    assert_eq!(app.identity.register(input("ana@example.com"), "10.0.0.1").await.unwrap().email, "ana@example.com");
}

#[tokio::test]
async fn invalid_registration_touches_no_port() {
    let store = TestStore::new(TestTx::default());
    let app = app(store.clone(), Mocks::default());
    let err = app.identity.register(input("nope"), "10.0.0.1").await.unwrap_err();
    assert!(matches!(err, CoreError::Validation(ref e) if e[0].field == "email"));
    assert_eq!(store.runs(), 0);
}

#[tokio::test]
async fn wrong_password_is_audited_and_opens_no_session() {
    let mut tx = TestTx::default();
    let user = verified_user("ana@example.com");
    tx.users.expect_by_email().returning(move |_| Ok(Some(user.clone())));
    tx.audit.expect_record().times(1).withf(|e| e.action == "login_failed").returning(|_| Ok(()));
    tx.credentials.expect_insert_session().never();
    let mut mocks = Mocks::default();
    mocks.hasher.expect_verify().with(eq("bad-password"), eq("stored")).times(1).returning(|_, _| Ok(false));
    let app = app(TestStore::new(tx), mocks);
    let err = app.identity.login("ana@example.com", "bad-password", "10.0.0.1").await.unwrap_err();
    assert!(matches!(err, CoreError::Unauthorized { code: "invalid_credentials", .. }));
}

#[tokio::test]
async fn a_refresh_token_never_authenticates_a_request() {
    let store = TestStore::new(TestTx::default());
    let mut mocks = Mocks::default();
    let now = Utc::now();
    mocks.tokens.expect_verify().returning(move |_, _| {
        Ok(Claims {
            sub: UserId::new(),
            kind: TokenKind::Refresh,
            jti: uuid::Uuid::now_v7(),
            sid: SessionId::new(),
            iat: now.timestamp(),
            exp: now.timestamp() + 60,
            email: None,
            user_name: None,
            tenant_id: None,
            user_role: None,
        })
    });
    let app = app(store.clone(), mocks);
    let err = app.identity.authenticate("refresh.jwt.here").await.unwrap_err();
    assert!(matches!(err, CoreError::Unauthorized { code: "wrong_token_kind", .. }));
    assert_eq!(store.runs(), 0, "rejected before any lookup");
}
