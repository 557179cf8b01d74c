//! Money and quantities: decimal, never floating point.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// An amount of money, rounded half-up to 2 decimal places.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(Decimal);

impl Money {
    /// Zero pesos.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Rounds half-up to 2 places.
    pub fn new(amount: Decimal) -> Self {
        Self(amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }
    /// The decimal value.
    pub fn amount(&self) -> Decimal {
        self.0
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

/// A quantity of stock or of a document line, with 3 decimal places (kilos, metres, litres).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Quantity(Decimal);

impl Quantity {
    /// Nothing.
    pub const ZERO: Quantity = Quantity(Decimal::ZERO);

    /// Rounds half-up to 3 places.
    pub fn new(value: Decimal) -> Self {
        Self(value.round_dp_with_strategy(3, RoundingStrategy::MidpointAwayFromZero))
    }
    /// The decimal value.
    pub fn value(&self) -> Decimal {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn money_rounds_half_up_to_two_places() {
        let m = Money::new(Decimal::from_str("10.005").unwrap());
        assert_eq!(m.amount().to_string(), "10.01");
        let m = Money::new(Decimal::from_str("-10.005").unwrap());
        assert_eq!(m.amount().to_string(), "-10.01");
        let total: Money = [Money::new(Decimal::ONE), Money::new(Decimal::TWO)].into_iter().sum();
        assert_eq!(total.amount(), Decimal::from(3));
    }

    #[test]
    fn quantity_keeps_three_places() {
        let q = Quantity::new(Decimal::from_str("1.23456").unwrap());
        assert_eq!(q.value().to_string(), "1.235");
    }
}
