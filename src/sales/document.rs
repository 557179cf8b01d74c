//! What a printed invoice shows: everything the PDF needs, gathered by the service and rendered by
//! [`super::pdf::render`] without any further lookup.

use super::model::{Invoice, NumberingRange};
use crate::kernel::Money;
use rust_decimal::Decimal;

/// The seller as printed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartyBlock {
    pub name: String,
    /// `NIT 900123456-7`, `CC 1020304050`...
    pub identification: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// One tax over the whole invoice: Σ of the lines carrying it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaxSummary {
    pub name: String,
    pub rate: Decimal,
    /// Σ base of the lines carrying it.
    pub taxable: Money,
    pub amount: Money,
    pub is_withholding: bool,
}

/// An invoice ready to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceDocument {
    pub company: PartyBlock,
    /// The company logo as JPEG bytes, when it has one in that format.
    pub logo_jpeg: Option<Vec<u8>>,
    pub customer: PartyBlock,
    pub pdv_name: String,
    pub invoice: Invoice,
    /// The range the number came from (None for drafts).
    pub range: Option<NumberingRange>,
    pub taxes: Vec<TaxSummary>,
    pub balance_due: Money,
}

impl InvoiceDocument {
    /// The legal text of the numbering authorisation, e.g. "Resolución DIAN 18760000001 del 2026-01-01,
    /// numeración F-000001 a F-005000, vigente hasta 2027-01-01".
    pub fn resolution_text(&self) -> Option<String> {
        self.range.as_ref().map(|r| {
            format!(
                "Resolución DIAN {} del {}, numeración {} a {}, vigente hasta {}",
                r.resolution_number,
                r.valid_from.format("%Y-%m-%d"),
                r.format(r.range_from),
                r.format(r.range_to),
                r.valid_to.format("%Y-%m-%d")
            )
        })
    }
}

/// The per-tax summary of an invoice's lines, in the order the taxes first appear.
pub fn tax_summary(invoice: &Invoice) -> Vec<TaxSummary> {
    let mut out: Vec<(crate::kernel::TaxId, TaxSummary)> = Vec::new();
    for line in &invoice.lines {
        for t in &line.taxes {
            match out.iter_mut().find(|(id, _)| *id == t.tax_id) {
                Some((_, s)) => {
                    s.taxable = s.taxable + line.amounts.base;
                    s.amount = s.amount + t.amount;
                }
                None => out.push((
                    t.tax_id,
                    TaxSummary {
                        name: t.name.clone(),
                        rate: t.rate,
                        taxable: line.amounts.base,
                        amount: t.amount,
                        is_withholding: t.kind.is_withholding(),
                    },
                )),
            }
        }
    }
    out.into_iter().map(|(_, s)| s).collect()
}
