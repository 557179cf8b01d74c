//! Unit tests of the inventory use cases, with the repositories mocked.

use super::model::{allows_negative, InventorySettings};
use super::{MovementInput, TransferInput, TransferLine};
use crate::kernel::{Actor, CoreError, Role, SessionId, TenantId, UserId};
use crate::testing::{app, Mocks, TestStore, TestTx};
use rust_decimal::Decimal;
use uuid::Uuid;

fn actor(role: Role) -> Actor {
    Actor { user: UserId::new(), tenant: TenantId::new(), role, session: SessionId::new() }
}

fn input(kind: &str, quantity: i64) -> MovementInput {
    MovementInput {
        product_id: Uuid::now_v7(),
        pdv_id: Uuid::now_v7(),
        movement_type: kind.into(),
        quantity: Decimal::from(quantity),
        ..Default::default()
    }
}

#[test]
fn the_one_negative_stock_rule() {
    let off = InventorySettings { sell_in_negative: false };
    let on = InventorySettings { sell_in_negative: true };
    assert!(!allows_negative(off, false));
    assert!(allows_negative(off, true), "a product's own flag allows it for that product");
    assert!(allows_negative(on, false), "the company's setting allows it for every product");
}

#[tokio::test]
async fn bad_movements_and_forbidden_roles_never_open_a_transaction() {
    let store = TestStore::new(TestTx::default());
    let app = app(store.clone(), Mocks::default());
    let owner = actor(Role::Owner);
    for (kind, quantity, field) in [
        ("TRANSFER_OUT", 1, "movement_type"),
        ("SALE", 1, "movement_type"),
        ("IN", -1, "quantity"),
        ("OUT", 0, "quantity"),
    ] {
        let err = app.inventory.post_movement(&owner, input(kind, quantity)).await.unwrap_err();
        let CoreError::Validation(fields) = err else { panic!("validation expected for {kind}") };
        assert_eq!(fields[0].field, field);
    }
    let err = app.inventory.post_movement(&owner, input("ADJUSTMENT", -2)).await.unwrap_err();
    assert!(matches!(err, CoreError::Validation(ref f) if f[0].field == "reason"), "{err:?}");
    let err = app.inventory.post_movement(&actor(Role::Viewer), input("IN", 1)).await.unwrap_err();
    assert!(matches!(err, CoreError::Forbidden { .. }));
    let pdv = Uuid::now_v7();
    let line = TransferLine { product_id: Uuid::now_v7(), variant_id: None, quantity: Decimal::ONE };
    let same = TransferInput { from_pdv_id: pdv, to_pdv_id: pdv, lines: vec![line.clone(), line], notes: None };
    let err = app.inventory.transfer(&owner, same).await.unwrap_err();
    let CoreError::Validation(fields) = err else { panic!("validation expected") };
    let codes: Vec<&str> = fields.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["same_pdv", "duplicate_item"]);
    assert_eq!(store.runs(), 0);
}
