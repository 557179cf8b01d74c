//! `openapi.yaml` at the root must be what the code generates.
//! Regenerate with: `cargo run -q -p ally360-server -- openapi > openapi.yaml`

#[test]
fn openapi_yaml_is_current() {
    let app = ally360::App::new(crate::harness::test_ports(), ally360::Settings::default());
    let generated = ally360_http::openapi_yaml(&app);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml");
    if std::env::var("UPDATE_OPENAPI").as_deref() == Ok("1") {
        std::fs::write(path, &generated).expect("write openapi.yaml");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi.yaml is stale: run `cargo run -q -p ally360-server -- openapi > openapi.yaml`"
    );
}

#[test]
fn every_operation_has_an_id_and_a_tag() {
    let app = ally360::App::new(crate::harness::test_ports(), ally360::Settings::default());
    let spec: serde_json::Value = serde_json::from_str(&ally360_http::service(&app).spec()).unwrap();
    let mut ids = std::collections::HashSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(ids.insert(id.to_string()), "duplicate operationId {id}");
            assert_eq!(op["tags"].as_array().map(Vec::len), Some(1), "{method} {path} needs one tag");
        }
    }
    assert!(spec["components"]["securitySchemes"]["BearerAuth"]["scheme"] == "bearer");
}
