//! Product images through the presigned flow: checked, ordered, exactly one primary, files removed
//! with their product.

use crate::harness::{Owner, TestApp};
use crate::on_every_backend;
use poem::http::StatusCode;
use serde_json::{json, Value};

on_every_backend!(images_are_checked_ordered_with_one_primary, image_files_go_with_their_product);

fn local(url: &str) -> String {
    url.trim_start_matches("http://localhost").to_string()
}

/// Uploads `bytes` as an image of `product` and attaches it.
async fn add_image(t: &TestApp, o: &Owner, product: &str, name: &str, primary: bool) -> Value {
    let base = format!("/products/{product}/images");
    let up = t
        .post(&format!("{base}/upload-url"), Some(&o.context), json!({"filename": name, "content_type": "image/png"}))
        .await
        .expect(200);
    let put =
        t.client.put(local(up["upload_url"].as_str().unwrap())).content_type("image/png").body(b"\x89PNG img".to_vec());
    assert_eq!(put.send().await.0.status(), StatusCode::OK);
    let body = json!({"key": up["key"], "file_name": name, "is_primary": primary});
    t.post(&base, Some(&o.context), body).await.expect(201)
}

fn order(images: &Value) -> Vec<(String, bool)> {
    images
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["file_name"].as_str().unwrap().to_string(), i["is_primary"].as_bool().unwrap()))
        .collect()
}

async fn images_are_checked_ordered_with_one_primary(t: TestApp) {
    let o = t.owner().await;
    let p = t.post("/products", Some(&o.context), json!({"name": "Bolso", "sku": "BOL-1"})).await.expect(201);
    let pid = p["id"].as_str().unwrap();
    let base = format!("/products/{pid}/images");
    let bad = json!({"filename": "x.svg", "content_type": "image/svg+xml"});
    t.post(&format!("{base}/upload-url"), Some(&o.context), bad).await.problem(422, "validation_failed");
    let up = t
        .post(
            &format!("{base}/upload-url"),
            Some(&o.context),
            json!({"filename": "a.png", "content_type": "image/png"}),
        )
        .await
        .expect(200);
    assert!(up["key"].as_str().unwrap().starts_with(&format!("{}/uploads/products/", o.company)));
    t.post(&base, Some(&o.context), json!({"key": up["key"], "file_name": "a.png"}))
        .await
        .problem(422, "validation_failed");
    let first = add_image(&t, &o, pid, "uno.png", false).await;
    assert_eq!(
        (first["is_primary"].as_bool(), first["sort_order"].as_i64()),
        (Some(true), Some(0)),
        "the first is primary"
    );
    add_image(&t, &o, pid, "dos.png", false).await;
    let third = add_image(&t, &o, pid, "tres.png", true).await;
    let listed = t.get(&base, Some(&o.context)).await.expect(200);
    assert_eq!(order(&listed), [("uno.png".into(), false), ("dos.png".into(), false), ("tres.png".into(), true)]);
    let got = t.client.get(local(listed[0]["url"].as_str().unwrap())).send().await;
    assert_eq!(got.0.into_body().into_vec().await.unwrap(), b"\x89PNG img");
    let tid = third["id"].as_str().unwrap();
    let moved = t.patch(&format!("{base}/{tid}"), Some(&o.context), json!({"position": 0})).await.expect(200);
    assert_eq!(order(&moved), [("tres.png".into(), true), ("uno.png".into(), false), ("dos.png".into(), false)]);
    let fid = first["id"].as_str().unwrap();
    let primary = t.patch(&format!("{base}/{fid}"), Some(&o.context), json!({"is_primary": true})).await.expect(200);
    assert_eq!(order(&primary), [("tres.png".into(), false), ("uno.png".into(), true), ("dos.png".into(), false)]);
    let view = t.get(&format!("/products/{pid}"), Some(&o.context)).await.expect(200);
    assert_eq!(view["images"].as_array().unwrap().len(), 3);
    assert_eq!(view["primaryImage"], view["images"][1], "the primary image is the second in display order");
    let in_list = t.get("/products?search=BOL", Some(&o.context)).await.expect(200);
    assert_eq!(in_list["data"][0]["images"].as_array().unwrap().len(), 1, "lists carry the primary image only");
    // Deleting the primary promotes the first remaining one.
    t.delete(&format!("{base}/{fid}"), Some(&o.context)).await.expect(200);
    let left = t.get(&base, Some(&o.context)).await.expect(200);
    assert_eq!(order(&left), [("tres.png".into(), true), ("dos.png".into(), false)]);
    t.delete(&format!("{base}/{fid}"), Some(&o.context)).await.problem(404, "not_found");
    // At most ten.
    for n in 0..8 {
        add_image(&t, &o, pid, &format!("extra-{n}.png"), false).await;
    }
    let full = json!({"filename": "once.png", "content_type": "image/png"});
    t.post(&format!("{base}/upload-url"), Some(&o.context), full).await.problem(409, "too_many_images");
}

async fn image_files_go_with_their_product(t: TestApp) {
    let o = t.owner().await;
    let p = t.post("/products", Some(&o.context), json!({"name": "Reloj", "sku": "REL-1"})).await.expect(201);
    let pid = p["id"].as_str().unwrap();
    let image = add_image(&t, &o, pid, "reloj.png", false).await;
    let url = local(image["url"].as_str().unwrap());
    assert_eq!(t.client.get(&url).send().await.0.status(), StatusCode::OK);
    t.delete(&format!("/products/{pid}"), Some(&o.context)).await.expect(204);
    assert_eq!(t.client.get(&url).send().await.0.status(), StatusCode::NOT_FOUND, "the file is gone with the product");
    let other = t.owner().await;
    let theirs = t.post("/products", Some(&other.context), json!({"name": "Ajeno", "sku": "AJE-1"})).await.expect(201);
    let tid = theirs["id"].as_str().unwrap();
    let steal = json!({"filename": "a.png", "content_type": "image/png"});
    t.post(&format!("/products/{tid}/images/upload-url"), Some(&o.context), steal).await.problem(404, "not_found");
}
