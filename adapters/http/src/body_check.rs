//! Names the offending field when poem-openapi rejects a JSON body (its own message names only the
//! type). The body is checked against the operation's schema in the generated OpenAPI document.

use serde_json::Value;

/// The request body schemas of the API, looked up by method and path.
pub struct BodySchemas {
    spec: Value,
}

/// Why a body does not fit its schema.
pub struct Mismatch {
    /// Dotted path of the field (`profile.first_name`), or `body`.
    pub field: String,
    /// `missing`, `invalid_type`, `invalid_format` or `invalid_json`.
    pub code: &'static str,
    pub message: String,
}

impl BodySchemas {
    /// From the JSON OpenAPI document.
    pub fn new(spec_json: &str) -> Self {
        Self { spec: serde_json::from_str(spec_json).unwrap_or(Value::Null) }
    }

    /// The first field of `body` that does not fit the schema of `method path`, if any.
    pub fn explain(&self, method: &str, path: &str, body: &[u8]) -> Option<Mismatch> {
        let Ok(value) = serde_json::from_slice::<Value>(body) else {
            return Some(Mismatch {
                field: "body".into(),
                code: "invalid_json",
                message: "the body is not valid JSON".into(),
            });
        };
        let schema = self.operation(method, path)?.pointer("/requestBody/content/application~1json/schema")?;
        self.check(schema, &value, "")
    }

    fn operation(&self, method: &str, path: &str) -> Option<&Value> {
        let wanted: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        self.spec["paths"].as_object()?.iter().find_map(|(template, item)| {
            let parts: Vec<&str> = template.trim_end_matches('/').split('/').collect();
            let same = parts.len() == wanted.len()
                && parts.iter().zip(&wanted).all(|(t, w)| t == w || (t.starts_with('{') && t.ends_with('}')));
            same.then(|| item.get(method.to_lowercase())).flatten()
        })
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => self.spec.pointer(&r.replacen("#/", "/", 1)).unwrap_or(schema),
            None => schema.get("allOf").and_then(|a| a.get(0)).map(|s| self.resolve(s)).unwrap_or(schema),
        }
    }

    fn check(&self, schema: &Value, value: &Value, at: &str) -> Option<Mismatch> {
        let schema = self.resolve(schema);
        let field = |name: &str| {
            if at.is_empty() {
                name.to_string()
            } else {
                format!("{at}.{name}")
            }
        };
        let here = || {
            if at.is_empty() {
                "body".to_string()
            } else {
                at.to_string()
            }
        };
        let expected = schema.get("type").and_then(Value::as_str).unwrap_or(if schema.get("properties").is_some() {
            "object"
        } else {
            ""
        });
        let fits = match (expected, value) {
            (_, Value::Null) => true,
            ("string", v) => v.is_string(),
            ("integer", v) => v.is_i64() || v.is_u64(),
            ("number", v) => v.is_number(),
            ("boolean", v) => v.is_boolean(),
            ("array", v) => v.is_array(),
            ("object", v) => v.is_object(),
            _ => true,
        };
        if !fits {
            let message = format!("must be of type {expected}");
            return Some(Mismatch { field: here(), code: "invalid_type", message });
        }
        if schema.get("format").and_then(Value::as_str) == Some("uuid") {
            if let Some(s) = value.as_str() {
                if uuid::Uuid::parse_str(s).is_err() {
                    return Some(Mismatch { field: here(), code: "invalid_format", message: "must be a UUID".into() });
                }
            }
        }
        if let (Some(props), Some(obj)) = (schema.get("properties").and_then(Value::as_object), value.as_object()) {
            let required = schema.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
            for name in required.iter().filter_map(Value::as_str) {
                if obj.get(name).is_none_or(Value::is_null) {
                    return Some(Mismatch { field: field(name), code: "missing", message: "is required".into() });
                }
            }
            for (name, prop) in props {
                if let Some(v) = obj.get(name) {
                    if let Some(m) = self.check(prop, v, &field(name)) {
                        return Some(m);
                    }
                }
            }
        }
        if let (Some(items), Some(list)) = (schema.get("items"), value.as_array()) {
            for (i, v) in list.iter().enumerate() {
                if let Some(m) = self.check(items, v, &field(&i.to_string())) {
                    return Some(m);
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_missing_and_mistyped_fields() {
        let spec = r##"{"paths":{"/auth/register":{"post":{"requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/R"}}}}}},
            "/x/{id}":{"post":{"requestBody":{"content":{"application/json":{"schema":{"type":"object","required":["id"],"properties":{"id":{"type":"string","format":"uuid"}}}}}}}}},
            "components":{"schemas":{"R":{"type":"object","required":["email","profile"],"properties":{"email":{"type":"string"},
            "profile":{"$ref":"#/components/schemas/P"}}},"P":{"type":"object","required":["first_name"],"properties":{"first_name":{"type":"string"},"age":{"type":"integer"}}}}}}"##;
        let s = BodySchemas::new(spec);
        let m = s.explain("POST", "/auth/register", br#"{"profile":{"first_name":"A"}}"#).unwrap();
        assert_eq!((m.field.as_str(), m.code), ("email", "missing"));
        let m = s.explain("POST", "/auth/register", br#"{"email":"a","profile":{"first_name":1}}"#).unwrap();
        assert_eq!((m.field.as_str(), m.code), ("profile.first_name", "invalid_type"));
        let m =
            s.explain("POST", "/auth/register", br#"{"email":"a","profile":{"first_name":"A","age":"x"}}"#).unwrap();
        assert_eq!(m.field, "profile.age");
        assert!(s.explain("POST", "/auth/register", br#"{"email":"a","profile":{"first_name":"A"}}"#).is_none());
        assert_eq!(s.explain("POST", "/auth/register", b"{oops").unwrap().code, "invalid_json");
        let m = s.explain("POST", "/x/123", br#"{"id":"nope"}"#).unwrap();
        assert_eq!((m.field.as_str(), m.code), ("id", "invalid_format"));
    }
}
