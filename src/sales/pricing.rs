//! Pricing of document lines with the one tax calculator: gross = quantity × price, discount = a
//! percentage of it, taxes on what remains; everything half-up to 2 places per line.

use super::model::{LineAmounts, LineTax};
use crate::catalog::tax::{calculate, Tax};
use crate::kernel::{Money, Quantity};
use rust_decimal::Decimal;

/// Prices one line: the amounts and the tax snapshot to store on it.
pub fn price_line(
    quantity: Quantity,
    unit_price: Money,
    discount_pct: Decimal,
    taxes: &[Tax],
) -> (LineAmounts, Vec<LineTax>) {
    let gross = Money::new(quantity.value() * unit_price.amount());
    let discount = Money::new(gross.amount() * discount_pct / Decimal::ONE_HUNDRED);
    let base = gross - discount;
    let breakdown = calculate(base.amount(), taxes);
    let snapshot = breakdown
        .lines
        .into_iter()
        .map(|l| LineTax { tax_id: l.tax_id, name: l.name, code: l.code, kind: l.kind, rate: l.rate, amount: l.amount })
        .collect();
    let amounts = LineAmounts {
        gross,
        discount,
        base,
        taxes: breakdown.taxes,
        withholdings: breakdown.withholdings,
        total: base + breakdown.taxes,
    };
    (amounts, snapshot)
}

/// Prices part of a sold line again for a credit note, with the taxes it was sold with.
pub fn reprice(
    quantity: Quantity,
    unit_price: Money,
    discount_pct: Decimal,
    sold: &[LineTax],
) -> (LineAmounts, Vec<LineTax>) {
    let gross = Money::new(quantity.value() * unit_price.amount());
    let discount = Money::new(gross.amount() * discount_pct / Decimal::ONE_HUNDRED);
    let base = gross - discount;
    let taxes: Vec<LineTax> =
        sold.iter().map(|t| LineTax { amount: Money::new(base.amount() * t.rate), ..t.clone() }).collect();
    let added: Money = taxes.iter().filter(|t| !t.kind.is_withholding()).map(|t| t.amount).sum();
    let withheld: Money = taxes.iter().filter(|t| t.kind.is_withholding()).map(|t| t.amount).sum();
    (LineAmounts { gross, discount, base, taxes: added, withholdings: withheld, total: base + added }, taxes)
}

/// What is left of a sold line after earlier credits: its amounts and taxes less theirs, so that
/// crediting everything that remains nets the line to exactly zero.
pub fn remainder(
    line: (&LineAmounts, &[LineTax]),
    credited: &[(&LineAmounts, &[LineTax])],
) -> (LineAmounts, Vec<LineTax>) {
    let (amounts, taxes) = line;
    let mut left = amounts.clone();
    let mut left_taxes = taxes.to_vec();
    for (a, t) in credited {
        left.gross = left.gross - a.gross;
        left.discount = left.discount - a.discount;
        left.base = left.base - a.base;
        left.taxes = left.taxes - a.taxes;
        left.withholdings = left.withholdings - a.withholdings;
        left.total = left.total - a.total;
        for tax in left_taxes.iter_mut() {
            let earlier: Money = t.iter().filter(|x| x.tax_id == tax.tax_id).map(|x| x.amount).sum();
            tax.amount = tax.amount - earlier;
        }
    }
    (left, left_taxes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::tax::TaxKind;
    use crate::kernel::TaxId;
    use chrono::Utc;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn tax(rate: &str, kind: TaxKind) -> Tax {
        Tax {
            id: TaxId::new(),
            tenant: None,
            name: kind.as_str().into(),
            code: "01".into(),
            rate: d(rate),
            kind,
            is_editable: false,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn a_line_is_discounted_then_taxed_half_up() {
        let taxes = [tax("0.19", TaxKind::Vat), tax("0.025", TaxKind::Withholding)];
        let (a, t) = price_line(Quantity::new(d("3")), Money::new(d("33.33")), d("10"), &taxes);
        assert_eq!(a.gross.amount(), d("99.99"));
        assert_eq!(a.discount.amount(), d("10.00"), "9.999 rounds half-up");
        assert_eq!(a.base.amount(), d("89.99"));
        assert_eq!(a.taxes.amount(), d("17.10"), "89.99 × 19 % = 17.0981");
        assert_eq!(a.withholdings.amount(), d("2.25"), "89.99 × 2.5 % = 2.24975");
        assert_eq!(a.total.amount(), d("107.09"), "withholdings never add to the total");
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn credits_in_parts_net_a_line_to_zero() {
        let taxes = [tax("0.19", TaxKind::Vat)];
        let (sold, sold_taxes) = price_line(Quantity::new(d("3")), Money::new(d("10.01")), d("0"), &taxes);
        let (first, first_taxes) = reprice(Quantity::new(d("1")), Money::new(d("10.01")), d("0"), &sold_taxes);
        let (second, second_taxes) = reprice(Quantity::new(d("1")), Money::new(d("10.01")), d("0"), &sold_taxes);
        let credited = [(&first, first_taxes.as_slice()), (&second, second_taxes.as_slice())];
        let (last, last_taxes) = remainder((&sold, &sold_taxes), &credited);
        assert_eq!(first.total + second.total + last.total, sold.total);
        assert_eq!(first.taxes + second.taxes + last.taxes, sold.taxes);
        assert_eq!(first_taxes[0].amount + second_taxes[0].amount + last_taxes[0].amount, sold_taxes[0].amount);
    }
}
