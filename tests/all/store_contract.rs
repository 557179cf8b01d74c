//! The Store contract, run on the memory adapter and on PostgreSQL: all-or-nothing units of work,
//! unique keys, single-use conditional updates under concurrency, tenant-bound transactions.

use crate::harness::{database_url, store, unique, Backend, TestApp};
use ally360::catalog::model::Pdv;
use ally360::identity::model::{Profile, RefreshToken, Session, User};
use ally360::kernel::*;
use ally360::ports::{in_global, Store};
use chrono::{SubsecRound, Utc};
use serde_json::json;
use std::sync::Arc;

fn user(email: &str) -> User {
    let now = Utc::now().trunc_subsecs(6);
    User {
        id: UserId::new(),
        email: email.into(),
        password_hash: "x".into(),
        is_active: true,
        email_verified: true,
        email_verified_at: Some(now),
        last_login: None,
        first_login: true,
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

fn pdv(name: &str) -> Pdv {
    let now = Utc::now();
    Pdv {
        id: PdvId::new(),
        name: name.into(),
        address: None,
        phone_number: None,
        is_main: false,
        is_active: true,
        department_id: None,
        city_id: None,
        created_at: now,
        updated_at: now,
    }
}

async fn store_suite(store: Arc<dyn Store>, t: &TestApp) {
    // Commit on Ok, nothing on Err.
    let kept = user(&format!("kept-{}@example.com", unique()));
    let dropped = user(&format!("dropped-{}@example.com", unique()));
    let k = kept.clone();
    in_global(&*store, move |tx| Box::pin(async move { tx.users().insert(&k).await })).await.unwrap();
    let d = dropped.clone();
    let failed: CoreResult<()> = in_global(&*store, move |tx| {
        Box::pin(async move {
            tx.users().insert(&d).await?;
            Err(CoreError::conflict("test", "abort"))
        })
    })
    .await;
    assert!(failed.is_err());
    let (a, b) = (kept.id, dropped.id);
    let found = in_global(&*store, move |tx| Box::pin(async move { tx.users().by_ids(&[a, b]).await })).await.unwrap();
    assert_eq!(found.iter().map(|u| u.id).collect::<Vec<_>>(), vec![kept.id]);
    assert_eq!(found[0], kept);

    // Unique email.
    let twin = user(&kept.email);
    let clash = in_global(&*store, move |tx| Box::pin(async move { tx.users().insert(&twin).await })).await;
    assert!(matches!(clash, Err(CoreError::Conflict { code: "email_taken", .. })), "{clash:?}");

    // A refresh token is used once, however many race for it.
    let now = Utc::now();
    let session = Session { id: SessionId::new(), user_id: kept.id, created_at: now, revoked_at: None };
    let token = RefreshToken {
        id: RefreshTokenId::new(),
        session_id: session.id,
        user_id: kept.id,
        token_hash: unique(),
        expires_at: now + chrono::Duration::days(1),
        used_at: None,
        created_at: now,
    };
    let (s, tok) = (session.clone(), token.clone());
    in_global(&*store, move |tx| {
        Box::pin(async move {
            tx.credentials().insert_session(&s).await?;
            tx.credentials().insert_refresh(&tok).await
        })
    })
    .await
    .unwrap();
    let racers = (0..8).map(|_| {
        let store = store.clone();
        let id = token.id;
        tokio::spawn(async move {
            in_global(&*store, move |tx| Box::pin(async move { tx.credentials().use_refresh(id, Utc::now()).await }))
                .await
                .unwrap()
        })
    });
    let wins = futures_count(racers).await;
    assert_eq!(wins, 1, "exactly one racer uses the token");

    // Tenant transactions see only their tenant.
    let owner_a = t.owner().await;
    let owner_b = t.owner().await;
    let (ta, tb): (TenantId, TenantId) = (owner_a.company.parse().unwrap(), owner_b.company.parse().unwrap());
    let extra = pdv(&format!("Bodega {}", unique()));
    let e = extra.clone();
    store
        .run_tenant(
            ta,
            Box::new(move |tx| Box::pin(async move { tx.pdvs().insert(&e).await.map(|_| Box::new(()) as _) })),
        )
        .await
        .unwrap();
    let id = extra.id;
    let seen_by_b = store
        .run_tenant(
            tb,
            Box::new(move |tx| {
                Box::pin(async move { Ok(Box::new((tx.pdvs().by_id(id).await?, tx.pdvs().list().await?)) as _) })
            }),
        )
        .await
        .unwrap();
    let (by_id, list) = *seen_by_b.downcast::<(Option<Pdv>, Vec<Pdv>)>().unwrap();
    assert_eq!(by_id, None);
    assert!(list.iter().all(|p| p.id != id) && list.len() == 1);
    let dup = pdv(&extra.name.to_uppercase());
    let clash = store
        .run_tenant(
            ta,
            Box::new(move |tx| Box::pin(async move { tx.pdvs().insert(&dup).await.map(|_| Box::new(()) as _) })),
        )
        .await;
    assert!(matches!(clash, Err(CoreError::Conflict { code: "pdv_name_taken", .. })));
    let mut second_main = pdv("Otra principal");
    second_main.is_main = true;
    let clash = store
        .run_tenant(
            ta,
            Box::new(move |tx| {
                Box::pin(async move { tx.pdvs().insert(&second_main).await.map(|_| Box::new(()) as _) })
            }),
        )
        .await;
    assert!(matches!(clash, Err(CoreError::Conflict { code: "main_pdv_exists", .. })));
}

fn contact(number: &str) -> ally360::contacts::model::Contact {
    let mut c = ally360::contacts::final_consumer(UserId::new(), Utc::now().trunc_subsecs(6));
    c.id = ContactId::new();
    c.name = format!("Contrato {number}");
    c.is_final_consumer = false;
    c.id_number = Some(number.into());
    c
}

/// ContactRepo: one live contact per number (a deleted one frees it), tenant-bound rows.
async fn contacts_suite(store: Arc<dyn Store>, t: &TestApp) {
    let a: TenantId = t.owner().await.company.parse().unwrap();
    let b: TenantId = t.owner().await.company.parse().unwrap();
    let run = |tenant: TenantId, work: ally360::ports::store::TenantWork| {
        let store = store.clone();
        async move { store.run_tenant(tenant, work).await }
    };
    let first = contact("55667788");
    let f = first.clone();
    run(a, Box::new(move |tx| Box::pin(async move { tx.contacts().insert(&f).await.map(|_| Box::new(()) as _) })))
        .await
        .unwrap();
    let twin = contact("55667788");
    let clash = run(
        a,
        Box::new(move |tx| Box::pin(async move { tx.contacts().insert(&twin).await.map(|_| Box::new(()) as _) })),
    )
    .await;
    assert!(matches!(clash, Err(CoreError::Conflict { code: "contact_exists", .. })), "{clash:?}");
    // Another tenant may hold the same number, and sees none of A's rows.
    let other = contact("55667788");
    let id = first.id;
    let seen = run(
        b,
        Box::new(move |tx| {
            Box::pin(async move {
                tx.contacts().insert(&other).await?;
                Ok(Box::new((
                    tx.contacts().by_id(id).await?,
                    tx.contacts().by_id_number("55667788").await?.map(|c| c.id),
                )) as _)
            })
        }),
    )
    .await
    .unwrap();
    let (by_id, by_number) =
        *seen.downcast::<(Option<ally360::contacts::model::Contact>, Option<ContactId>)>().unwrap();
    assert_eq!(by_id, None);
    assert_ne!(by_number, Some(first.id));
    // Deleting frees the number; the stored contact reads back equal.
    let mut gone = first.clone();
    gone.deleted_at = Some(Utc::now().trunc_subsecs(6));
    let g = gone.clone();
    let again = contact("55667788");
    let read = run(
        a,
        Box::new(move |tx| {
            Box::pin(async move {
                tx.contacts().update(&g).await?;
                tx.contacts().insert(&again).await?;
                Ok(Box::new(tx.contacts().by_id(g.id).await?) as _)
            })
        }),
    )
    .await
    .unwrap();
    assert_eq!(*read.downcast::<Option<ally360::contacts::model::Contact>>().unwrap(), Some(gone));
}

async fn futures_count(handles: impl Iterator<Item = tokio::task::JoinHandle<bool>>) -> usize {
    let mut wins = 0;
    for h in handles.collect::<Vec<_>>() {
        if h.await.unwrap() {
            wins += 1;
        }
    }
    wins
}

/// Two owners demoting each other at the same moment: one wins, the company keeps an owner.
async fn concurrent_demotions_keep_an_owner(t: &TestApp) {
    let owner = t.owner().await;
    let email = format!("co-owner-{}@example.com", unique());
    t.post("/auth/invite-user", Some(&owner.context), json!({"email": email, "role": "owner"})).await.expect(200);
    let token = t.emailed_token(&email, "accept-invitation").await.unwrap();
    let accepted = t
        .post("/auth/accept-invitation", None, json!({"token": token, "password": "member-pass-1", "profile": {"first_name": "Otra", "last_name": "Dueña"}}))
        .await
        .expect(200);
    let second = t.login(&email, "member-pass-1").await;
    let second_ctx = t.select(second["access_token"].as_str().unwrap(), &owner.company).await;
    let first_id = t.get("/auth/me", Some(&owner.context)).await.expect(200)["id"].as_str().unwrap().to_string();
    let second_id = accepted["user_id"].as_str().unwrap().to_string();
    let (p1, p2) = (format!("/auth/company/users/{second_id}/role"), format!("/auth/company/users/{first_id}/role"));
    let (r1, r2) = tokio::join!(
        t.patch(&p1, Some(&owner.context), json!({"role": "admin"})),
        t.patch(&p2, Some(&second_ctx), json!({"role": "admin"}))
    );
    let statuses = [r1.status.as_u16(), r2.status.as_u16()];
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    let users = t.get("/auth/company/users", Some(&owner.context)).await;
    let users = if users.status.as_u16() == 200 {
        users.body
    } else {
        t.get("/auth/company/users", Some(&second_ctx)).await.expect(200)
    };
    let owners = users["users"].as_array().unwrap().iter().filter(|u| u["role"] == "owner").count();
    assert_eq!(owners, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_store_contract() {
    let t = TestApp::new(Backend::Memory).await;
    store_suite(t.app.ports.store.clone(), &t).await;
    contacts_suite(t.app.ports.store.clone(), &t).await;
    concurrent_demotions_keep_an_owner(&t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_store_contract() {
    if database_url().is_none() {
        return;
    }
    let t = TestApp::new(Backend::Postgres).await;
    store_suite(store(Backend::Postgres).await, &t).await;
    contacts_suite(store(Backend::Postgres).await, &t).await;
    concurrent_demotions_keep_an_owner(&t).await;
}
