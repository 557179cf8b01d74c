//! Unit tests of the catalog use cases, with the repositories mocked.

use super::model::Pdv;
use super::NewProduct;
use crate::kernel::{Actor, CoreError, PdvId, Role, SessionId, TenantId, UserId};
use crate::testing::{app, Mocks, TestStore, TestTx};
use chrono::Utc;

fn actor(role: Role) -> Actor {
    Actor { user: UserId::new(), tenant: TenantId::new(), role, session: SessionId::new() }
}

fn pdv(is_main: bool) -> Pdv {
    let now = Utc::now();
    Pdv {
        id: PdvId::new(),
        name: "Norte".into(),
        address: Some("Cl 1".into()),
        phone_number: None,
        is_main,
        is_active: true,
        department_id: None,
        city_id: None,
        created_at: now,
        updated_at: now,
    }
}

#[tokio::test]
async fn invalid_products_and_forbidden_roles_never_open_a_transaction() {
    let store = TestStore::new(TestTx::default());
    let app = app(store.clone(), Mocks::default());
    let bad = NewProduct { name: "".into(), sku: "con espacio".into(), ..Default::default() };
    let err = app.catalog.create_product(&actor(Role::Owner), bad).await.unwrap_err();
    let CoreError::Validation(fields) = err else { panic!("validation expected") };
    assert_eq!(fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["name", "sku"]);
    let ok = NewProduct { name: "Pan".into(), sku: "PAN".into(), ..Default::default() };
    let err = app.catalog.create_product(&actor(Role::Seller), ok).await.unwrap_err();
    assert!(matches!(err, CoreError::Forbidden { code: "insufficient_role", .. }));
    assert_eq!(store.runs(), 0);
}

#[tokio::test]
async fn the_main_pdv_is_never_deleted_and_a_used_one_is_kept() {
    let main = pdv(true);
    let mut tx = TestTx::default();
    let found = main.clone();
    tx.pdvs.expect_lock().returning(move |_| Ok(Some(found.clone())));
    tx.pdvs.expect_delete().never();
    let service = app(TestStore::new(tx), Mocks::default());
    let err = service.catalog.delete_pdv(&actor(Role::Admin), main.id).await.unwrap_err();
    assert!(matches!(err, CoreError::Conflict { code: "main_pdv_protected", .. }));

    let used = pdv(false);
    let mut tx = TestTx::default();
    let found = used.clone();
    tx.pdvs.expect_lock().returning(move |_| Ok(Some(found.clone())));
    tx.stock.expect_pdv_in_use().returning(|_| Ok(true));
    tx.pdvs.expect_delete().never();
    let app = app(TestStore::new(tx), Mocks::default());
    let err = app.catalog.delete_pdv(&actor(Role::Owner), used.id).await.unwrap_err();
    assert!(matches!(err, CoreError::Conflict { code: "pdv_in_use", .. }));
}

#[tokio::test]
async fn a_group_in_use_is_never_deleted() {
    use super::model::{Group, GroupKind};
    let now = Utc::now();
    let g = Group {
        id: crate::kernel::GroupId::new(),
        kind: GroupKind::Category,
        name: "Bebidas".into(),
        description: None,
        is_active: true,
        created_at: now,
        updated_at: now,
    };
    let mut tx = TestTx::default();
    let found = g.clone();
    tx.groups.expect_by_id().returning(move |_, _| Ok(Some(found.clone())));
    tx.groups.expect_usage().returning(|_, _| Ok(3));
    tx.groups.expect_delete().never();
    let app = app(TestStore::new(tx), Mocks::default());
    let err = app.catalog.delete_group(&actor(Role::Owner), GroupKind::Category, g.id).await.unwrap_err();
    let CoreError::Conflict { code, message, .. } = err else { panic!("conflict expected") };
    assert_eq!((code, message.as_str()), ("category_in_use", "3 product(s) use this category; reassign them first"));
}
