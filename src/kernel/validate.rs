//! Shared input rules: emails, passwords, names and the Colombian identifiers (spec 10 §1.7).

use super::error::FieldError;

/// Trims and lower-cases an email, and checks its shape (one `@`, a dotted domain, no spaces).
pub fn email(field: &str, raw: &str) -> Result<String, FieldError> {
    let value = raw.trim().to_lowercase();
    let bad = || FieldError::new(field, "invalid_email", "must be a valid email address");
    if value.len() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = value.split_once('@').ok_or_else(bad)?;
    let labels_ok = domain.split('.').count() >= 2
        && domain
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && l.chars().all(|c| c.is_alphanumeric() || c == '-'));
    if local.is_empty() || local.len() > 64 || domain.contains('@') || !labels_ok {
        return Err(bad());
    }
    Ok(value)
}

/// Minimum password length.
pub const PASSWORD_MIN: usize = 8;
/// Maximum password length (bounds the hashing cost of a request).
pub const PASSWORD_MAX: usize = 128;

/// At least 8 and at most 128 characters; no complexity rule.
pub fn password(field: &str, raw: &str) -> Result<(), FieldError> {
    let n = raw.chars().count();
    if n < PASSWORD_MIN {
        Err(FieldError::new(field, "too_short", "must have at least 8 characters"))
    } else if n > PASSWORD_MAX {
        Err(FieldError::new(field, "too_long", "must have at most 128 characters"))
    } else {
        Ok(())
    }
}

/// A trimmed text whose length (in characters) lies in `min..=max`.
pub fn text(field: &str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let value = raw.trim().to_string();
    if value.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(FieldError::new(field, "invalid_characters", "must not contain control characters"));
    }
    let n = value.chars().count();
    if n < min {
        let msg =
            if min <= 1 { "must not be blank".to_string() } else { format!("must have at least {min} characters") };
        return Err(FieldError::new(field, if min <= 1 { "blank" } else { "too_short" }, &msg));
    }
    if n > max {
        return Err(FieldError::new(field, "too_long", &format!("must have at most {max} characters")));
    }
    Ok(value)
}

/// An optional text: blank becomes `None`, otherwise at most `max` characters.
pub fn optional_text(field: &str, raw: Option<&str>, max: usize) -> Result<Option<String>, FieldError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => text(field, v, 1, max).map(Some),
    }
}

fn strip(raw: &str, junk: &[char]) -> String {
    raw.chars().filter(|c| !c.is_whitespace() && !junk.contains(c)).collect()
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

/// A Colombian phone, normalised to `+57…`: mobile `3` + 9 digits, the national landline plan
/// `60X` + 7 digits, or the older landline `[1-8]` + 7 digits.
pub fn phone(field: &str, raw: &str) -> Result<String, FieldError> {
    let s = strip(raw, &['-', '(', ')', '.']);
    let national = s.strip_prefix("+57").or_else(|| s.strip_prefix("57").filter(|r| r.len() >= 8)).unwrap_or(&s);
    let ok = all_digits(national)
        && match national.len() {
            10 => national.starts_with('3') || national.starts_with("60"),
            8 => matches!(national.as_bytes()[0], b'1'..=b'8'),
            _ => false,
        };
    if ok {
        Ok(format!("+57{national}"))
    } else {
        Err(FieldError::new(field, "invalid_phone", "must be a Colombian mobile or landline number"))
    }
}

/// A cédula: 7–10 digits without a leading zero, stored with thousands dots (`1.234.567`).
pub fn cedula(field: &str, raw: &str) -> Result<String, FieldError> {
    let s = strip(raw, &['.']);
    if !all_digits(&s) || !(7..=10).contains(&s.len()) || s.starts_with('0') {
        return Err(FieldError::new(field, "invalid_dni", "must be a cédula of 7 to 10 digits"));
    }
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    Ok(out)
}

/// A company NIT without check digit: 8–10 digits, no leading zero, stored as digits.
pub fn nit_base(field: &str, raw: &str) -> Result<String, FieldError> {
    let s = strip(raw, &['.']);
    if !all_digits(&s) || !(8..=10).contains(&s.len()) || s.starts_with('0') {
        return Err(FieldError::new(field, "invalid_nit", "must be a NIT of 8 to 10 digits without check digit"));
    }
    Ok(s)
}

/// The DIAN check digit of a NIT base (weights 3, 7, 13, ... from the right, modulo 11).
pub fn nit_check_digit(base: &str) -> u8 {
    const WEIGHTS: [u32; 15] = [3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71];
    let sum: u32 = base.chars().rev().filter_map(|c| c.to_digit(10)).zip(WEIGHTS).map(|(d, w)| d * w).sum();
    match sum % 11 {
        r @ (0 | 1) => r as u8,
        r => (11 - r) as u8,
    }
}

/// `N-M`, `N+` or `N` (e.g. `1-10`, `51+`).
pub fn employee_range(field: &str, raw: &str) -> Result<String, FieldError> {
    let s = raw.trim();
    let ok = if let Some(n) = s.strip_suffix('+') {
        all_digits(n)
    } else if let Some((a, b)) = s.split_once('-') {
        all_digits(a) && all_digits(b) && a.parse::<u64>().ok() <= b.parse::<u64>().ok()
    } else {
        all_digits(s)
    };
    if ok && s.len() <= 20 {
        Ok(s.to_string())
    } else {
        Err(FieldError::new(field, "invalid_format", "must look like 1-10, 51+ or 5"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_lowercased_and_checked() {
        assert_eq!(email("email", "  Ana@Example.COM ").unwrap(), "ana@example.com");
        for bad in ["", "ana", "ana@", "@x.co", "ana@x", "a b@x.co", "ana@@x.co", "ana@x..co"] {
            assert!(email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn texts_refuse_control_characters() {
        assert!(text("name", "Ana\u{0}", 1, 10).is_err());
        assert!(text("notes", "línea 1\nlínea 2", 1, 50).is_ok());
    }

    #[test]
    fn passwords_have_bounds() {
        assert!(password("password", "1234567").is_err());
        assert!(password("password", "12345678").is_ok());
        assert!(password("password", &"x".repeat(129)).is_err());
    }

    #[test]
    fn colombian_phones_normalise() {
        assert_eq!(phone("p", "300 123 4567").unwrap(), "+573001234567");
        assert_eq!(phone("p", "+57 (300) 123-4567").unwrap(), "+573001234567");
        assert_eq!(phone("p", "573001234567").unwrap(), "+573001234567");
        assert_eq!(phone("p", "601 2345678").unwrap(), "+576012345678");
        assert_eq!(phone("p", "12345678").unwrap(), "+5712345678");
        for bad in ["", "123", "9001234567", "30012345678", "abc"] {
            assert!(phone("p", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cedula_and_nit() {
        assert_eq!(cedula("dni", "1234567").unwrap(), "1.234.567");
        assert_eq!(cedula("dni", "1.023.456.789").unwrap(), "1.023.456.789");
        assert!(cedula("dni", "0123456").is_err());
        assert_eq!(nit_base("nit", "900.123.456").unwrap(), "900123456");
        assert!(nit_base("nit", "1234567").is_err());
        // Known DIAN examples: 900373115-3, 800197268-4 (DIAN itself), 860034313-7.
        assert_eq!(nit_check_digit("900373115"), 3);
        assert_eq!(nit_check_digit("800197268"), 4);
        assert_eq!(nit_check_digit("860034313"), 7);
    }

    #[test]
    fn employee_ranges() {
        for ok in ["1-10", "51+", "5", " 11-50 "] {
            assert!(employee_range("q", ok).is_ok(), "{ok}");
        }
        for bad in ["", "ten", "10-1", "1-", "+5"] {
            assert!(employee_range("q", bad).is_err(), "{bad}");
        }
    }
}
