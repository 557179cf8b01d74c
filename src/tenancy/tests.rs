//! Unit tests of the tenancy use cases, with every port mocked.

use super::model::Membership;
use crate::identity::Principal;
use crate::kernel::{Actor, CoreError, MembershipId, Role, SessionId, TenantId, UserId};
use crate::testing::{app, Mocks, TestStore, TestTx};
use chrono::Utc;

fn principal(token_tenant: Option<TenantId>) -> Principal {
    Principal {
        user: UserId::new(),
        email: "a@b.co".into(),
        full_name: "A B".into(),
        session: SessionId::new(),
        token_tenant,
    }
}

fn membership(user: UserId, company: TenantId, role: Role) -> Membership {
    let now = Utc::now();
    Membership {
        id: MembershipId::new(),
        user_id: user,
        company_id: company,
        role,
        is_active: true,
        joined_at: now,
        updated_at: now,
    }
}

#[tokio::test]
async fn a_context_token_and_another_company_header_are_refused_before_any_lookup() {
    let store = TestStore::new(TestTx::default());
    let app = app(store.clone(), Mocks::default());
    let err = app.tenancy.resolve(&principal(Some(TenantId::new())), Some(TenantId::new())).await.unwrap_err();
    assert!(matches!(err, CoreError::Forbidden { code: "tenant_mismatch", .. }));
    let err = app.tenancy.resolve(&principal(None), None).await.unwrap_err();
    assert!(matches!(err, CoreError::BadRequest { code: "tenant_required", .. }));
    assert_eq!(store.runs(), 0);
}

#[tokio::test]
async fn the_last_owner_is_never_demoted() {
    let company = TenantId::new();
    let owner = UserId::new();
    let mut tx = TestTx::default();
    let m = membership(owner, company, Role::Owner);
    let found = m.clone();
    tx.memberships.expect_find().returning(move |_, _| Ok(Some(found.clone())));
    let u = crate::identity::model::User {
        id: owner,
        email: "o@b.co".into(),
        password_hash: String::new(),
        is_active: true,
        email_verified: true,
        email_verified_at: None,
        last_login: None,
        first_login: false,
        profile: crate::identity::model::Profile {
            first_name: "O".into(),
            last_name: "W".into(),
            phone_number: None,
            dni: None,
            avatar_key: None,
        },
        created_at: Utc::now(),
        updated_at: Utc::now(),
    };
    tx.users.expect_by_id().returning(move |_| Ok(Some(u.clone())));
    tx.memberships.expect_lock_active_owners().times(1).returning(move |_| Ok(vec![m.clone()]));
    tx.memberships.expect_update().never();
    let app = app(TestStore::new(tx), Mocks::default());
    let actor = Actor { user: owner, tenant: company, role: Role::Owner, session: SessionId::new() };
    let err = app.tenancy.change_role(&actor, owner, Role::Admin).await.unwrap_err();
    assert!(matches!(err, CoreError::Conflict { code: "last_owner", .. }));
}

#[tokio::test]
async fn admins_cannot_invite_owners_and_sellers_cannot_invite_at_all() {
    let store = TestStore::new(TestTx::default());
    let mut mocks = Mocks::default();
    mocks.tokens.expect_new_secret().never();
    let app = app(store.clone(), mocks);
    let admin = Actor { user: UserId::new(), tenant: TenantId::new(), role: Role::Admin, session: SessionId::new() };
    let err = app.tenancy.invite(&admin, "x@example.com", "owner").await.unwrap_err();
    assert!(matches!(err, CoreError::Forbidden { code: "owner_role_required", .. }));
    let seller = Actor { role: Role::Seller, ..admin };
    let err = app.tenancy.invite(&seller, "x@example.com", "viewer").await.unwrap_err();
    assert!(matches!(err, CoreError::Forbidden { code: "insufficient_role", .. }));
    assert_eq!(store.runs(), 0);
}
