//! Colombian identification numbers in canonical form: digits only for CC and NIT (the NIT check
//! digit apart, always computed with the DIAN weights), upper-case letters and digits otherwise.

use super::model::IdType;
use crate::kernel::{validate, FieldError};

fn digits(raw: &str) -> String {
    raw.chars().filter(|c| !matches!(c, '.' | ' ' | '-')).collect()
}

/// The canonical number and check digit of an identification.
pub fn identification(kind: IdType, raw: &str, given_dv: Option<&str>) -> Result<(String, Option<u8>), FieldError> {
    let raw = raw.trim();
    match kind {
        IdType::Nit => {
            let (base_raw, dv_in) = match raw.rsplit_once('-') {
                Some((base, dv)) if !dv.trim().is_empty() => (base, Some(dv.trim())),
                _ => (raw, None),
            };
            let base = digits(base_raw);
            if base.is_empty() || !base.chars().all(|c| c.is_ascii_digit()) || base.len() > 15 || base.starts_with('0')
            {
                return Err(FieldError::new("id_number", "invalid_nit", "a NIT has 1 to 15 digits, no leading zero"));
            }
            let dv = validate::nit_check_digit(&base);
            for supplied in [dv_in, given_dv.map(str::trim).filter(|d| !d.is_empty())].into_iter().flatten() {
                if supplied.parse::<u8>().ok() != Some(dv) {
                    let field = if dv_in == Some(supplied) { "id_number" } else { "dv" };
                    return Err(FieldError::new(
                        field,
                        "invalid_dv",
                        &format!("check digit incorrect, should be {dv}"),
                    ));
                }
            }
            Ok((base, Some(dv)))
        }
        IdType::Cc => {
            let number = digits(raw);
            let ok = number.chars().all(|c| c.is_ascii_digit())
                && (7..=10).contains(&number.len())
                && !number.starts_with('0');
            if ok {
                Ok((number, None))
            } else {
                Err(FieldError::new("id_number", "invalid_cedula", "a cédula has 7 to 10 digits, no leading zero"))
            }
        }
        IdType::Ce | IdType::Passport => {
            let number: String =
                raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_uppercase();
            if (3..=20).contains(&number.len()) && number.chars().all(|c| c.is_ascii_alphanumeric()) {
                Ok((number, None))
            } else {
                Err(FieldError::new("id_number", "invalid_document", "3 to 20 letters or digits"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dian_check_digit_vectors() {
        for (base, dv) in [
            ("800197268", 4),
            ("899999034", 1),
            ("900123456", 8),
            ("830063999", 3),
            ("900373115", 3),
            ("901886184", 7),
            ("11111111", 6),
        ] {
            assert_eq!(validate::nit_check_digit(base), dv, "{base}");
        }
    }

    #[test]
    fn every_base_gets_a_digit_its_own_check_accepts() {
        // A deterministic sweep standing in for a property test: many bases of every length.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 15 + 1) as usize;
            let base: String = format!("{}{}", 1 + x % 9, x).chars().take(len).collect();
            let (number, dv) = identification(IdType::Nit, &base, None).unwrap();
            let dv = dv.unwrap();
            assert!(dv <= 9);
            assert_eq!(
                identification(IdType::Nit, &format!("{number}-{dv}"), None).unwrap(),
                (number.clone(), Some(dv))
            );
            let wrong = (dv + 1) % 10;
            assert!(identification(IdType::Nit, &format!("{number}-{wrong}"), None).is_err());
        }
    }

    #[test]
    fn nits_written_any_common_way_are_one_number() {
        for raw in ["900.123.456-8", "900123456-8", "900123456", " 900 123 456 "] {
            assert_eq!(identification(IdType::Nit, raw, None).unwrap(), ("900123456".into(), Some(8)), "{raw}");
        }
        assert!(identification(IdType::Nit, "900123456-1", None).is_err());
        assert!(identification(IdType::Nit, "900123456", Some("1")).is_err());
        assert_eq!(identification(IdType::Cc, "1.234.567", None).unwrap(), ("1234567".into(), None));
        assert!(identification(IdType::Cc, "0123456", None).is_err());
        assert_eq!(identification(IdType::Passport, "ab-12 345", None).unwrap(), ("AB12345".into(), None));
    }
}
