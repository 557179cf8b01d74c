//! Global reference data read from the migrations themselves (one source of truth): Colombian
//! departments and cities, and the system taxes.

use ally360::catalog::model::{City, Department};
use ally360::catalog::tax::{Tax, TaxKind};
use ally360::kernel::TaxId;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::OnceLock;

const LOCATIONS: &str = include_str!("../../../../migrations/20261204000005_locations.sql");
const CATALOG: &str = include_str!("../../../../migrations/20261204000006_catalog.sql");

/// The value tuples of the `INSERT INTO {table}` statement of `sql`, split into raw fields.
fn tuples(sql: &str, table: &str) -> Vec<Vec<String>> {
    let start = sql.find(&format!("INSERT INTO {table} ")).unwrap_or(sql.len());
    let body = &sql[start..];
    let body = &body[..body.find(';').unwrap_or(body.len())];
    body.lines()
        .map(str::trim)
        .filter(|l| l.starts_with('('))
        .map(|l| {
            let inner = l.trim_end_matches(',').trim_start_matches('(').trim_end_matches(')');
            fields(inner)
        })
        .collect()
}

/// Splits `1, 'a, b', NULL` into `["1", "a, b", "NULL"]`, honouring quotes ('' is a quote).
fn fields(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' if quoted && chars.peek() == Some(&'\'') => {
                cur.push('\'');
                chars.next();
            }
            '\'' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur).trim().to_string()),
            c => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

/// Every department of the seed.
pub(crate) fn departments() -> &'static [Department] {
    static DATA: OnceLock<Vec<Department>> = OnceLock::new();
    DATA.get_or_init(|| {
        tuples(LOCATIONS, "departments")
            .into_iter()
            .map(|f| Department { id: f[0].parse().unwrap_or_default(), code: f[1].clone(), name: f[2].clone() })
            .collect()
    })
}

/// Every city of the seed.
pub(crate) fn cities() -> &'static [City] {
    static DATA: OnceLock<Vec<City>> = OnceLock::new();
    DATA.get_or_init(|| {
        tuples(LOCATIONS, "cities")
            .into_iter()
            .map(|f| City {
                id: f[0].parse().unwrap_or_default(),
                department_id: f[1].parse().unwrap_or_default(),
                code: f[2].clone(),
                name: f[3].clone(),
            })
            .collect()
    })
}

/// The system taxes (IVA, INC) every tenant sees.
pub(crate) fn system_taxes() -> &'static [Tax] {
    static DATA: OnceLock<Vec<Tax>> = OnceLock::new();
    DATA.get_or_init(|| {
        let epoch = DateTime::<Utc>::UNIX_EPOCH;
        tuples(CATALOG, "taxes")
            .into_iter()
            .filter_map(|f| {
                Some(Tax {
                    id: TaxId::from_str(&f[0]).ok()?,
                    tenant: None,
                    name: f[2].clone(),
                    code: f[4].clone(),
                    rate: Decimal::from_str(&f[5]).ok()?.normalize(),
                    kind: TaxKind::parse(&f[6])?,
                    is_editable: false,
                    created_at: epoch,
                    updated_at: epoch,
                })
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_seed_is_read_whole() {
        assert_eq!(super::departments().len(), 33);
        assert_eq!(super::cities().len(), 109);
        assert_eq!(super::system_taxes().len(), 5);
        assert!(super::cities().iter().any(|c| c.name == "San Vicente del Caguán" && c.code == "18753"));
    }
}
