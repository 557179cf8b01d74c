//! Bounded lists: one pagination contract everywhere (default 20, maximum 100, 422 outside).

use super::error::{CoreError, CoreResult, FieldError};
use chrono::{DateTime, Utc};

/// Default page size.
pub const DEFAULT_LIMIT: u32 = 20;
/// Largest page size a client may ask for.
pub const MAX_LIMIT: u32 = 100;

/// A validated request for one page of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// How many rows at most (1..=100).
    pub limit: u32,
    /// How many rows to skip.
    pub offset: u64,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self { limit: DEFAULT_LIMIT, offset: 0 }
    }
}

impl PageRequest {
    /// From `limit` and `offset` query values; 422 when either is out of range.
    pub fn new(limit: Option<i64>, offset: Option<i64>) -> CoreResult<Self> {
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(l) if (1..=i64::from(MAX_LIMIT)).contains(&l) => l as u32,
            Some(_) => return Err(out_of_range("limit", "limit must be between 1 and 100")),
        };
        let offset = match offset {
            None => 0,
            Some(o) if o >= 0 => o as u64,
            Some(_) => return Err(out_of_range("offset", "offset must be 0 or more")),
        };
        Ok(Self { limit, offset })
    }

    /// From a 1-based `page` number and `limit`.
    pub fn from_page(page: Option<i64>, limit: Option<i64>) -> CoreResult<Self> {
        let page = page.unwrap_or(1);
        if !(1..=1_000_000).contains(&page) {
            return Err(out_of_range("page", "page must be between 1 and 1000000"));
        }
        let base = Self::new(limit, None)?;
        Ok(Self { offset: (page as u64 - 1) * u64::from(base.limit), ..base })
    }

    /// The 1-based page number this request points at.
    pub fn page_number(&self) -> u64 {
        self.offset / u64::from(self.limit) + 1
    }
}

fn out_of_range(field: &str, message: &str) -> CoreError {
    CoreError::Validation(vec![FieldError::new(field, "out_of_range", message)])
}

/// One page of a list, with the real total of matching rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// How many rows match in all.
    pub total: u64,
    /// The request that produced this page.
    pub request: PageRequest,
}

impl<T> Page<T> {
    /// Number of pages for the total.
    pub fn total_pages(&self) -> u64 {
        self.total.div_ceil(u64::from(self.request.limit))
    }

    /// Maps the rows, keeping the paging facts.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), total: self.total, request: self.request }
    }
}

/// A keyset position in a long list: the sort key and id of the last row seen. On the wire it is an
/// opaque string (`next_cursor`); a client sends it back to get the rows after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// Sort key of the last row (microseconds since the epoch).
    pub key: i64,
    /// Id of the last row (breaks ties).
    pub id: uuid::Uuid,
}

impl Cursor {
    /// The opaque form.
    pub fn encode(&self) -> String {
        format!("{:x}.{}", self.key, self.id.simple())
    }

    /// Reads the opaque form back; 422 on `field` when it was not made by `encode`.
    pub fn decode(field: &str, raw: &str) -> CoreResult<Self> {
        let bad = || CoreError::invalid(field, "invalid_cursor", "the cursor is not valid");
        let (key, id) = raw.split_once('.').ok_or_else(bad)?;
        let key = i64::from_str_radix(key, 16).map_err(|_| bad())?;
        let id = uuid::Uuid::try_parse(id).map_err(|_| bad())?;
        Ok(Self { key, id })
    }
}

/// A page of a keyset list: its rows and, when more follow, the position after the last one.
#[derive(Clone, Debug, PartialEq)]
pub struct KeysetPage<T> {
    pub items: Vec<T>,
    /// Sort key and id of the last row, when another page follows.
    pub next: Option<(String, uuid::Uuid)>,
}

impl<T> KeysetPage<T> {
    /// Cuts rows fetched with `limit + 1` to `limit`, keeping the position of the last row kept
    /// when the extra row proves another page exists.
    pub fn cut(mut rows: Vec<T>, limit: u32, key: impl Fn(&T) -> (String, uuid::Uuid)) -> Self {
        let next = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(key)
        } else {
            None
        };
        Self { items: rows, next }
    }
}

/// The sort key of a row listed by time: microseconds since the epoch, the precision the database keeps.
pub fn time_key(at: DateTime<Utc>) -> String {
    at.timestamp_micros().to_string()
}

/// Reads a [`time_key`] back from a cursor; 422 `invalid_cursor` when it is not one.
pub fn time_of_key(key: &str) -> CoreResult<DateTime<Utc>> {
    let micros = key.parse::<i64>().ok().and_then(DateTime::from_timestamp_micros);
    micros.ok_or_else(|| CoreError::invalid("cursor", "invalid_cursor", "the cursor is not valid"))
}

/// The opaque wire form of a keyset position: the sort key in hex, a dot, the id.
pub fn encode_key(key: &str, id: uuid::Uuid) -> String {
    let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{hex}.{}", id.simple())
}

/// Reads [`encode_key`]'s form back; 422 on `field` when it was not made by it.
pub fn decode_key(field: &str, raw: &str) -> CoreResult<(String, uuid::Uuid)> {
    let bad = || CoreError::invalid(field, "invalid_cursor", "the cursor is not valid");
    let (hex, id) = raw.split_once('.').ok_or_else(bad)?;
    if hex.len() % 2 != 0 || hex.len() > 1024 {
        return Err(bad());
    }
    let bytes = (0..hex.len())
        .step_by(2)
        .map(|i| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(bad)?;
    let key = String::from_utf8(bytes).map_err(|_| bad())?;
    if key.chars().any(char::is_control) {
        return Err(bad());
    }
    Ok((key, uuid::Uuid::try_parse(id).map_err(|_| bad())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor { key: 1_796_400_000_000_000, id: uuid::Uuid::now_v7() };
        assert_eq!(Cursor::decode("cursor", &c.encode()).unwrap(), c);
        for bad in ["", "zz.1", "10.not-a-uuid", "10"] {
            assert!(Cursor::decode("cursor", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_round_trip_and_reject_garbage() {
        let id = uuid::Uuid::now_v7();
        let raw = encode_key("café con leche", id);
        assert_eq!(decode_key("cursor", &raw).unwrap(), ("café con leche".to_string(), id));
        for bad in ["", "zz.1", "6.", "0a.not-a-uuid", "ff.0190f3a0-0000-7000-8000-000000000000"] {
            assert!(decode_key("cursor", bad).is_err(), "{bad}");
        }
        let page = KeysetPage::cut(vec![1, 2, 3], 2, |n| (n.to_string(), id));
        assert_eq!((page.items, page.next), (vec![1, 2], Some(("2".to_string(), id))));
        assert_eq!(KeysetPage::cut(vec![1, 2], 2, |n| (n.to_string(), id)).next, None);
    }

    #[test]
    fn limit_defaults_and_bounds() {
        assert_eq!(PageRequest::new(None, None).unwrap().limit, 20);
        assert_eq!(PageRequest::new(Some(100), None).unwrap().limit, 100);
        assert!(PageRequest::new(Some(101), None).is_err());
        assert!(PageRequest::new(Some(0), None).is_err());
        assert!(PageRequest::new(None, Some(-1)).is_err());
        let p = PageRequest::from_page(Some(3), Some(10)).unwrap();
        assert_eq!((p.offset, p.page_number()), (20, 3));
        assert!(PageRequest::from_page(Some(0), None).is_err());
        let page = Page { items: vec![1], total: 21, request: PageRequest::default() };
        assert_eq!(page.total_pages(), 2);
    }
}
