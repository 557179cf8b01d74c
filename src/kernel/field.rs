//! One field of a partial update: absent (unchanged), explicitly null (cleared) or a value.

/// A field of a partial request: absent (unchanged), explicitly null (cleared) or a value.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Field<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<T> Field<T> {
    /// Writes the change into an optional slot.
    pub fn apply(self, slot: &mut Option<T>) {
        match self {
            Field::Absent => {}
            Field::Null => *slot = None,
            Field::Value(v) => *slot = Some(v),
        }
    }

    /// Whether the request names the field at all.
    pub fn is_present(&self) -> bool {
        !matches!(self, Field::Absent)
    }

    /// The field applied to a current value: absent keeps it, null clears it.
    pub fn or(self, current: Option<T>) -> Option<T> {
        match self {
            Field::Absent => current,
            Field::Null => None,
            Field::Value(v) => Some(v),
        }
    }
}
