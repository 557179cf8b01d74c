//! Turning a create or update request into a valid contact. The same rules run on create and on
//! update: an update is applied to the stored contact and the result is validated as a whole.

use super::identification::identification;
use super::model::{Address, Contact, ContactType, IdType, PersonType};
use crate::kernel::error::Checks;
pub use crate::kernel::Field;
use crate::kernel::{validate, FieldError, Money};
use rust_decimal::Decimal;
use uuid::Uuid;

/// An address as received.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AddressInput {
    pub address: Option<String>,
    pub state: Option<String>,
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub depto: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub postal_code: Option<String>,
}

/// A contact as received (create: absent fields take defaults; update: absent fields stay).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContactInput {
    pub name: Field<String>,
    pub types: Field<Vec<String>>,
    pub email: Field<String>,
    pub phone_primary: Field<String>,
    pub phone_secondary: Field<String>,
    pub mobile: Field<String>,
    pub id_type: Field<String>,
    pub id_number: Field<String>,
    pub dv: Field<String>,
    pub person_type: Field<String>,
    pub fiscal_responsibilities: Field<Vec<String>>,
    pub payment_terms_days: Field<i64>,
    pub credit_limit: Field<Decimal>,
    pub seller_id: Field<Uuid>,
    pub billing_address: Field<AddressInput>,
    pub shipping_address: Field<AddressInput>,
    pub notes: Field<String>,
    pub is_active: Field<bool>,
}

/// The raw values being validated (strings as the client wrote them).
#[derive(Default)]
pub(super) struct Draft {
    pub name: Option<String>,
    pub types: Option<Vec<String>>,
    pub email: Option<String>,
    pub phone_primary: Option<String>,
    pub phone_secondary: Option<String>,
    pub mobile: Option<String>,
    pub id_type: Option<String>,
    pub id_number: Option<String>,
    pub dv: Option<String>,
    pub person_type: Option<String>,
    pub fiscal_responsibilities: Option<Vec<String>>,
    pub payment_terms_days: Option<i64>,
    pub credit_limit: Option<Decimal>,
    pub seller_id: Option<Uuid>,
    pub billing_address: Option<AddressInput>,
    pub shipping_address: Option<AddressInput>,
    pub notes: Option<String>,
    pub is_active: Option<bool>,
    /// The stored identification, kept as it is while the request does not touch it (it was
    /// validated when it was set; the final consumer's number is a fixed DIAN convention).
    pub stored_id: Option<(Option<IdType>, Option<String>, Option<u8>)>,
}

fn address_input(a: &Address) -> AddressInput {
    AddressInput {
        address: a.address.clone(),
        state: a.state.clone(),
        line1: a.line1.clone(),
        line2: a.line2.clone(),
        depto: a.depto.clone(),
        city: a.city.clone(),
        country: Some(a.country.clone()),
        postal_code: a.postal_code.clone(),
    }
}

impl Draft {
    /// The stored contact as a draft (canonical values re-validate to themselves).
    pub fn of(c: &Contact) -> Self {
        Self {
            name: Some(c.name.clone()),
            types: Some(c.types.iter().map(|t| t.as_str().to_string()).collect()),
            email: c.email.clone(),
            phone_primary: c.phone_primary.clone(),
            phone_secondary: c.phone_secondary.clone(),
            mobile: c.mobile.clone(),
            id_type: c.id_type.map(|t| t.as_str().to_string()),
            id_number: c.id_number.clone(),
            dv: None,
            person_type: Some(c.person_type.as_str().to_string()),
            fiscal_responsibilities: Some(c.fiscal_responsibilities.clone()),
            payment_terms_days: Some(i64::from(c.payment_terms_days)),
            credit_limit: c.credit_limit.map(|m| m.amount()),
            seller_id: c.seller_id.map(|s| s.as_uuid()),
            billing_address: c.billing_address.as_ref().map(address_input),
            shipping_address: c.shipping_address.as_ref().map(address_input),
            notes: c.notes.clone(),
            is_active: Some(c.is_active),
            stored_id: Some((c.id_type, c.id_number.clone(), c.dv)),
        }
    }

    /// Applies a request on top of the draft.
    pub fn apply(mut self, i: ContactInput) -> Self {
        if i.id_type != Field::Absent || i.id_number != Field::Absent || i.dv != Field::Absent {
            self.stored_id = None;
        }
        i.name.apply(&mut self.name);
        i.types.apply(&mut self.types);
        i.email.apply(&mut self.email);
        i.phone_primary.apply(&mut self.phone_primary);
        i.phone_secondary.apply(&mut self.phone_secondary);
        i.mobile.apply(&mut self.mobile);
        i.id_type.apply(&mut self.id_type);
        i.id_number.apply(&mut self.id_number);
        i.dv.apply(&mut self.dv);
        i.person_type.apply(&mut self.person_type);
        i.fiscal_responsibilities.apply(&mut self.fiscal_responsibilities);
        i.payment_terms_days.apply(&mut self.payment_terms_days);
        i.credit_limit.apply(&mut self.credit_limit);
        i.seller_id.apply(&mut self.seller_id);
        i.billing_address.apply(&mut self.billing_address);
        i.shipping_address.apply(&mut self.shipping_address);
        i.notes.apply(&mut self.notes);
        i.is_active.apply(&mut self.is_active);
        self
    }
}

/// The validated values that make up a contact (the service adds ids, audit and timestamps).
pub(super) struct Valid {
    pub name: String,
    pub types: Vec<ContactType>,
    pub email: Option<String>,
    pub phones: [Option<String>; 3],
    pub id_type: Option<IdType>,
    pub id_number: Option<String>,
    pub dv: Option<u8>,
    pub person_type: PersonType,
    pub fiscal_responsibilities: Vec<String>,
    pub payment_terms_days: i32,
    pub credit_limit: Option<Money>,
    pub seller_id: Option<Uuid>,
    pub billing_address: Option<Address>,
    pub shipping_address: Option<Address>,
    pub notes: Option<String>,
    pub is_active: bool,
}

fn address(checks: &mut Checks, field: &str, a: AddressInput) -> Option<Address> {
    let mut text = |name: &str, v: Option<String>, max: usize| {
        checks.take(validate::optional_text(&format!("{field}.{name}"), v.as_deref(), max)).flatten()
    };
    let country = text("country", a.country, 3).unwrap_or_else(|| "CO".into()).to_uppercase();
    let out = Address {
        address: text("address", a.address, 200),
        state: text("state", a.state, 100),
        line1: text("line1", a.line1, 200),
        line2: text("line2", a.line2, 200),
        depto: text("depto", a.depto, 100),
        city: text("city", a.city, 100),
        postal_code: text("postal_code", a.postal_code, 20),
        country,
    };
    if out.country.len() < 2 || !out.country.chars().all(|c| c.is_ascii_alphabetic()) {
        checks.take::<()>(Err(FieldError::new(&format!("{field}.country"), "invalid_country", "2 or 3 letters")));
    }
    Some(out)
}

fn phone(checks: &mut Checks, field: &str, v: Option<String>) -> Option<String> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(p) => checks.take(validate::phone(field, p)),
    }
}

/// Validates a draft, reporting every bad field at once.
pub(super) fn validate(d: Draft) -> Result<Valid, crate::kernel::CoreError> {
    let mut checks = Checks::new();
    let name = checks.take(validate::text("name", d.name.as_deref().unwrap_or_default(), 1, 200));
    let mut types = Vec::new();
    for raw in d.types.unwrap_or_else(|| vec!["client".into()]) {
        match ContactType::parse(&raw) {
            Some(t) if !types.contains(&t) => types.push(t),
            Some(_) => {}
            None => {
                checks.take::<()>(Err(FieldError::new("type", "invalid_type", "each type is client or provider")));
            }
        }
    }
    if types.is_empty() {
        checks.take::<()>(Err(FieldError::new("type", "empty", "at least one of client, provider")));
    }
    let email = match d.email.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(e) if e.len() > 100 => checks.take(Err(FieldError::new("email", "too_long", "at most 100 characters"))),
        Some(e) => checks.take(validate::email("email", e)),
    };
    let phones = [
        phone(&mut checks, "phone_primary", d.phone_primary),
        phone(&mut checks, "phone_secondary", d.phone_secondary),
        phone(&mut checks, "mobile", d.mobile),
    ];
    let id_type = match d.id_type.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(t) => checks.take(
            IdType::parse(t)
                .ok_or_else(|| FieldError::new("id_type", "invalid_id_type", "one of CC, NIT, CE, PASSPORT")),
        ),
    };
    let number = d.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let (id_number, dv) = match (&d.stored_id, id_type, number) {
        (Some((_, stored_number, stored_dv)), _, _) => (stored_number.clone(), *stored_dv),
        (None, id_type, number) => match (id_type, number) {
            (Some(kind), Some(n)) => {
                checks.take(identification(kind, n, d.dv.as_deref())).map_or((None, None), |(n, dv)| (Some(n), dv))
            }
            (Some(IdType::Nit), None) => {
                checks.take::<()>(Err(FieldError::new("id_number", "required", "a NIT contact needs its number")));
                (None, None)
            }
            (None, Some(_)) => {
                checks.take::<()>(Err(FieldError::new("id_type", "required", "say which document the number is")));
                (None, None)
            }
            _ => (None, None),
        },
    };
    let person_type = match d.person_type.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => checks.take(
            PersonType::parse(p)
                .ok_or_else(|| FieldError::new("person_type", "invalid_person_type", "natural or juridica")),
        ),
        None if id_type == Some(IdType::Nit) => Some(PersonType::Juridica),
        None => Some(PersonType::Natural),
    };
    if id_type == Some(IdType::Cc) && person_type == Some(PersonType::Juridica) {
        checks.take::<()>(Err(FieldError::new(
            "person_type",
            "invalid_person_type",
            "a CC belongs to a natural person",
        )));
    }
    let mut fiscal = Vec::new();
    for code in d.fiscal_responsibilities.unwrap_or_default() {
        if let Some(code) = checks.take(validate::text("fiscal_responsibilities", &code, 1, 20)) {
            if !fiscal.contains(&code) {
                fiscal.push(code);
            }
        }
    }
    let terms = d.payment_terms_days.unwrap_or(0);
    if !(0..=365).contains(&terms) {
        checks.take::<()>(Err(FieldError::new("payment_terms_days", "out_of_range", "0 to 365 days")));
    }
    let credit_limit = match d.credit_limit {
        Some(c) if c < Decimal::ZERO || c >= Decimal::from(10_000_000_000_000i64) => {
            checks.take::<()>(Err(FieldError::new(
                "credit_limit",
                "out_of_range",
                "must be 0 or more and below 10^13",
            )));
            None
        }
        c => c.map(Money::new),
    };
    let billing_address = d.billing_address.and_then(|a| address(&mut checks, "billing_address", a));
    let shipping_address = d.shipping_address.and_then(|a| address(&mut checks, "shipping_address", a));
    let notes = checks.take(validate::optional_text("notes", d.notes.as_deref(), 5000)).flatten();
    checks.finish()?;
    Ok(Valid {
        name: name.unwrap_or_default(),
        types,
        email,
        phones,
        id_type,
        id_number,
        dv,
        person_type: person_type.unwrap_or(PersonType::Natural),
        fiscal_responsibilities: fiscal,
        payment_terms_days: terms as i32,
        credit_limit,
        seller_id: d.seller_id,
        billing_address,
        shipping_address,
        notes,
        is_active: d.is_active.unwrap_or(true),
    })
}
