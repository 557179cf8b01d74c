//! Taxes and the one tax calculator used everywhere (taxes endpoint, products, invoices, bills).
//!
//! Rules: prices are tax-exclusive; every tax is computed on the same base (no compounding); each tax
//! of each line is rounded half-up to 2 decimals; withholdings are subtracted from the amount payable.

use crate::kernel::{Money, TaxId, TenantId};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

/// What a tax is, which decides its sign and its place in a breakdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TaxKind {
    /// IVA (DIAN code 01).
    Vat,
    /// Impuesto nacional al consumo (DIAN code 04).
    Inc,
    Other,
    /// Retención en la fuente, ReteIVA: subtracted.
    Withholding,
    /// ReteICA (municipal withholding): subtracted.
    Municipal,
}

impl TaxKind {
    /// Every kind, in breakdown order.
    pub const ALL: [TaxKind; 5] =
        [TaxKind::Vat, TaxKind::Inc, TaxKind::Other, TaxKind::Withholding, TaxKind::Municipal];

    pub fn as_str(&self) -> &'static str {
        match self {
            TaxKind::Vat => "VAT",
            TaxKind::Inc => "INC",
            TaxKind::Other => "OTHER",
            TaxKind::Withholding => "WITHHOLDING",
            TaxKind::Municipal => "MUNICIPAL",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// Withholdings reduce the amount payable instead of adding to it.
    pub fn is_withholding(&self) -> bool {
        matches!(self, TaxKind::Withholding | TaxKind::Municipal)
    }
}

/// A percentage tax. System taxes (`tenant` = None) are seeded and read-only; a company adds its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tax {
    pub id: TaxId,
    /// None for the system (DIAN) taxes every company sees.
    pub tenant: Option<TenantId>,
    pub name: String,
    /// DIAN code (`01` IVA, `04` INC, ...).
    pub code: String,
    /// A fraction between 0 and 1 with at most 6 decimals (0.19 = 19 %, 0.00966 = 9.66 ‰).
    pub rate: Decimal,
    pub kind: TaxKind,
    pub is_editable: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One tax applied to one base.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaxLine {
    pub tax_id: TaxId,
    pub name: String,
    pub code: String,
    pub kind: TaxKind,
    pub rate: Decimal,
    pub base: Money,
    /// Rounded half-up to 2 decimals; positive for withholdings too (they are subtracted in totals).
    pub amount: Money,
}

/// The taxes of one base (a line, or the calculator's input) and the totals they make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaxBreakdown {
    pub base: Money,
    /// VAT first, then INC, others, withholdings.
    pub lines: Vec<TaxLine>,
    /// Sum of the added taxes.
    pub taxes: Money,
    /// Sum of the withholdings.
    pub withholdings: Money,
    /// base + taxes − withholdings.
    pub total: Money,
}

/// Computes `taxes` on `base` (tax-exclusive): each tax on the same base, rounded half-up to 2 decimals.
pub fn calculate(base: Decimal, taxes: &[Tax]) -> TaxBreakdown {
    let base = Money::new(base);
    let mut sorted: Vec<&Tax> = taxes.iter().collect();
    sorted.sort_by(|a, b| (a.kind, &a.name, a.id).cmp(&(b.kind, &b.name, b.id)));
    let lines: Vec<TaxLine> = sorted
        .into_iter()
        .map(|t| TaxLine {
            tax_id: t.id,
            name: t.name.clone(),
            code: t.code.clone(),
            kind: t.kind,
            rate: t.rate,
            base,
            amount: Money::new(base.amount() * t.rate),
        })
        .collect();
    let taxes: Money = lines.iter().filter(|l| !l.kind.is_withholding()).map(|l| l.amount).sum();
    let withholdings: Money = lines.iter().filter(|l| l.kind.is_withholding()).map(|l| l.amount).sum();
    TaxBreakdown { base, lines, taxes, withholdings, total: base + taxes - withholdings }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn tax(name: &str, rate: &str, kind: TaxKind) -> Tax {
        let now = Utc::now();
        Tax {
            id: TaxId::new(),
            tenant: None,
            name: name.into(),
            code: "01".into(),
            rate: Decimal::from_str(rate).unwrap(),
            kind,
            is_editable: false,
            created_at: now,
            updated_at: now,
        }
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn worked_examples_round_half_up_per_tax() {
        // 100.50 at 19 % is 19.095 → 19.10 (half-up, not banker's 19.10/19.09).
        let b = calculate(d("100.5"), &[tax("IVA 19%", "0.19", TaxKind::Vat)]);
        assert_eq!(b.lines[0].amount.amount(), d("19.10"));
        assert_eq!(b.total.amount(), d("119.60"));
        // 1 000 000 with IVA 19 % and retención 2.5 %: 190 000 added, 25 000 subtracted.
        let b = calculate(
            d("1000000"),
            &[tax("Retefuente 2.5%", "0.025", TaxKind::Withholding), tax("IVA 19%", "0.19", TaxKind::Vat)],
        );
        assert_eq!(b.lines[0].kind, TaxKind::Vat, "VAT first, withholdings last");
        assert_eq!(b.taxes.amount(), d("190000"));
        assert_eq!(b.withholdings.amount(), d("25000"));
        assert_eq!(b.total.amount(), d("1165000"));
        // ReteICA 11 per thousand on 33 333: 366.663 → 366.66, subtracted.
        let b = calculate(d("33333"), &[tax("ReteICA", "0.011", TaxKind::Municipal)]);
        assert_eq!(b.withholdings.amount(), d("366.66"));
        assert_eq!(b.total.amount(), d("32966.34"));
        // INC 8 % on 12 345.67 = 987.6536 → 987.65.
        let b = calculate(d("12345.67"), &[tax("INC 8%", "0.08", TaxKind::Inc)]);
        assert_eq!(b.taxes.amount(), d("987.65"));
        // No taxes: the total is the base.
        assert_eq!(calculate(d("10"), &[]).total.amount(), d("10.00"));
    }

    /// A deterministic sweep over pseudo-random lines (no proptest dependency): the total always equals
    /// base + Σ rounded taxes − Σ rounded withholdings exactly, and the per-line rounded taxes never
    /// drift from the unrounded sum by more than half a cent per line.
    #[test]
    fn rounded_parts_never_drift_beyond_the_rounding_rule() {
        let rates = [
            tax("IVA 19%", "0.19", TaxKind::Vat),
            tax("INC 8%", "0.08", TaxKind::Inc),
            tax("Retefuente", "0.035", TaxKind::Withholding),
            tax("ReteICA", "0.00966", TaxKind::Municipal),
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..2_000 {
            let lines = 1 + next() % 30;
            let (mut rounded, mut exact) = (Decimal::ZERO, Decimal::ZERO);
            for _ in 0..lines {
                let base = Decimal::new((next() % 100_000_000) as i64, 2);
                let b = calculate(base, &rates);
                assert_eq!(b.total, b.base + b.taxes - b.withholdings);
                for l in &b.lines {
                    assert!((l.amount.amount() - base * l.rate).abs() <= d("0.005"));
                }
                rounded += b.taxes.amount() - b.withholdings.amount();
                exact += rates
                    .iter()
                    .map(|t| if t.kind.is_withholding() { -base * t.rate } else { base * t.rate })
                    .sum::<Decimal>();
            }
            let allowed = d("0.005") * Decimal::from(lines * rates.len() as u64);
            assert!((rounded - exact).abs() <= allowed, "drift {} over {lines} lines", rounded - exact);
        }
    }
}
