//! Unit tests of the sales use cases, with the repositories mocked: what is refused never reaches
//! the store, and a refused confirm or payment writes nothing.

use super::model::*;
use super::*;
use crate::contacts::final_consumer;
use crate::kernel::*;
use crate::testing::{app, Mocks, TestStore, TestTx};
use chrono::Utc;
use rust_decimal::Decimal;
use uuid::Uuid;

fn actor(role: Role) -> Actor {
    Actor { user: UserId::new(), tenant: TenantId::new(), role, session: SessionId::new() }
}

fn draft(status: InvoiceStatus, total: i64) -> Invoice {
    let amounts = LineAmounts {
        gross: Money::new(Decimal::from(total)),
        base: Money::new(Decimal::from(total)),
        total: Money::new(Decimal::from(total)),
        ..Default::default()
    };
    let line = InvoiceLine {
        id: InvoiceLineId::new(),
        position: 1,
        product_id: ProductId::new(),
        variant_id: None,
        name: "Café".into(),
        sku: "CAF".into(),
        stocked: true,
        quantity: Quantity::new(Decimal::ONE),
        unit_price: amounts.gross,
        discount_pct: Decimal::ZERO,
        amounts: amounts.clone(),
        taxes: vec![],
        credited_quantity: Quantity::ZERO,
    };
    invoice(status, vec![line])
}

/// An invoice of `lines` in `status` with "F-000001" unless a draft, issued today (shared by the PDF tests).
pub(super) fn invoice(status: InvoiceStatus, lines: Vec<InvoiceLine>) -> Invoice {
    let now = Utc::now();
    let user = UserId::new();
    Invoice {
        id: InvoiceId::new(),
        kind: InvoiceType::Sale,
        pdv_id: PdvId::new(),
        customer_id: ContactId::new(),
        seller_id: user,
        number: (status != InvoiceStatus::Draft).then(|| "F-000001".into()),
        number_seq: None,
        range_id: None,
        status,
        issue_date: business_date(now),
        due_date: None,
        notes: None,
        currency: "COP".into(),
        totals: Totals::of(lines.iter().map(|l| &l.amounts)),
        paid_amount: Money::ZERO,
        credited_amount: Money::ZERO,
        refunded_amount: Money::ZERO,
        lines,
        created_by: user,
        confirmed_by: None,
        confirmed_at: None,
        voided_by: None,
        voided_at: None,
        void_reason: None,
        credit_override_by: None,
        updated_by: user,
        created_at: now,
        updated_at: now,
    }
}

fn fields(err: CoreError) -> Vec<String> {
    match err {
        CoreError::Validation(f) => f.into_iter().map(|f| f.field).collect(),
        other => panic!("validation expected, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_input_and_forbidden_roles_never_open_a_transaction() {
    let store = TestStore::new(TestTx::default());
    let app = app(store.clone(), Mocks::default());
    let owner = actor(Role::Owner);
    let line = LineInput { product_id: Uuid::now_v7(), quantity: Decimal::ZERO, ..Default::default() };
    let bad = InvoiceInput { status: Some("PAID".into()), items: vec![line], ..Default::default() };
    assert_eq!(fields(app.sales.create_invoice(&owner, bad, None).await.unwrap_err()), ["status", "items[0].quantity"]);
    let pay = PaymentInput { amount: Decimal::new(1, 3), method: "cheque".into(), ..Default::default() };
    assert_eq!(
        fields(app.sales.add_payment(&owner, InvoiceId::new(), pay, None).await.unwrap_err()),
        ["amount", "method"]
    );
    let credit = CreditNoteInput { reason: " ".into(), ..Default::default() };
    assert_eq!(fields(app.sales.credit(&owner, InvoiceId::new(), credit, None).await.unwrap_err()), ["reason"]);
    assert!(Idempotency::new("con espacio", "x".into()).is_err());
    let input =
        InvoiceInput { items: vec![LineInput { quantity: Decimal::ONE, ..Default::default() }], ..Default::default() };
    for (role, forbidden) in [(Role::Viewer, true), (Role::Accountant, true)] {
        let err = app.sales.create_invoice(&actor(role), input.clone(), None).await.unwrap_err();
        assert_eq!(matches!(err, CoreError::Forbidden { .. }), forbidden);
    }
    let seller = actor(Role::Seller);
    assert!(matches!(app.sales.void(&seller, InvoiceId::new(), "x".into()).await, Err(CoreError::Forbidden { .. })));
    assert!(matches!(app.sales.confirm(&seller, InvoiceId::new(), true, None).await, Err(CoreError::Forbidden { .. })));
    assert_eq!(store.runs(), 0);
}

#[tokio::test]
async fn a_confirm_refused_for_stock_takes_no_number_and_saves_nothing() {
    let invoice = draft(InvoiceStatus::Draft, 1000);
    let mut tx = TestTx::default();
    let locked = invoice.clone();
    tx.sales.expect_lock_invoice().returning(move |_| Ok(Some(locked.clone())));
    tx.sales.expect_sale_items().returning(|_, _| Ok(Default::default()));
    let customer = final_consumer(UserId::new(), Utc::now());
    tx.contacts.expect_by_id().returning(move |_| Ok(Some(customer.clone())));
    tx.contacts.expect_lock().never();
    tx.stock.expect_settings().returning(|| Ok(Default::default()));
    tx.stock
        .expect_apply()
        .times(1)
        .withf(|m, allowed| m.quantity < Quantity::ZERO && !allowed)
        .returning(|_, _| Ok(None));
    tx.stock.expect_levels().returning(|_| Ok(vec![]));
    tx.sales.expect_stamp_invoice().never();
    tx.sales.expect_update_invoice().never();
    let store = TestStore::new(tx);
    let app = app(store.clone(), Mocks::default());
    let err = app.sales.confirm(&actor(Role::Seller), invoice.id, false, None).await.unwrap_err();
    match err {
        CoreError::Conflict { code, message, .. } => {
            assert_eq!(code, "insufficient_stock");
            assert_eq!(message, "Stock insuficiente: 'Café' disponible 0, solicitado 1");
        }
        other => panic!("conflict expected, got {other:?}"),
    }
}

#[tokio::test]
async fn a_confirm_above_the_credit_limit_touches_no_stock() {
    let invoice = draft(InvoiceStatus::Draft, 1000);
    let mut tx = TestTx::default();
    let locked = invoice.clone();
    tx.sales.expect_lock_invoice().returning(move |_| Ok(Some(locked.clone())));
    tx.sales.expect_sale_items().returning(|_, _| Ok(Default::default()));
    let mut customer = final_consumer(UserId::new(), Utc::now());
    customer.credit_limit = Some(Money::new(Decimal::from(1500)));
    let read = customer.clone();
    tx.contacts.expect_by_id().returning(move |_| Ok(Some(read.clone())));
    tx.contacts.expect_lock().times(1).returning(move |_| Ok(Some(customer.clone())));
    tx.sales.expect_open_balance().returning(|_| Ok(Money::new(Decimal::from(600))));
    tx.stock.expect_apply().never();
    tx.sales.expect_stamp_invoice().never();
    let store = TestStore::new(tx);
    let app = app(store.clone(), Mocks::default());
    let err = app.sales.confirm(&actor(Role::Seller), invoice.id, false, None).await.unwrap_err();
    assert!(matches!(err, CoreError::Conflict { code: "credit_limit_exceeded", .. }), "{err:?}");
}

#[tokio::test]
async fn a_payment_above_the_balance_is_not_written() {
    let invoice = draft(InvoiceStatus::Open, 1000);
    let mut tx = TestTx::default();
    let locked = invoice.clone();
    tx.sales.expect_lock_invoice().returning(move |_| Ok(Some(locked.clone())));
    tx.sales.expect_insert_payment().never();
    tx.sales.expect_update_invoice().never();
    let store = TestStore::new(tx);
    let app = app(store.clone(), Mocks::default());
    let pay = PaymentInput { amount: Decimal::new(100001, 2), method: "cash".into(), ..Default::default() };
    let err = app.sales.add_payment(&actor(Role::Accountant), invoice.id, pay, None).await.unwrap_err();
    assert!(
        matches!(err, CoreError::Conflict { code: "amount_exceeds_balance", field: Some("amount"), .. }),
        "{err:?}"
    );
}

#[test]
fn status_follows_the_balance() {
    let mut i = draft(InvoiceStatus::Open, 1000);
    assert_eq!((i.payment_status(), i.balance_due()), (PaymentStatus::Unpaid, Money::new(Decimal::from(1000))));
    i.paid_amount = Money::new(Decimal::from(400));
    i.settle_status();
    assert_eq!((i.status, i.payment_status()), (InvoiceStatus::Open, PaymentStatus::Partial));
    i.credited_amount = Money::new(Decimal::from(600));
    i.settle_status();
    assert_eq!((i.status, i.payment_status()), (InvoiceStatus::Paid, PaymentStatus::Paid));
    i.paid_amount = Money::ZERO;
    i.settle_status();
    assert_eq!(i.status, InvoiceStatus::Open, "a voided payment reopens the invoice");
    let d = draft(InvoiceStatus::Draft, 1000);
    assert_eq!(d.balance_due(), Money::ZERO, "a draft owes nothing yet");
}
