//! Glue between the memory object store and the HTTP adapter, which serves its signed URLs.

use ally360_http::SignedObjects;
use ally360_memory::MemoryObjectStore;
use std::sync::Arc;

/// The memory object store, as the HTTP adapter sees it.
pub struct ServedObjects(pub Arc<MemoryObjectStore>);

impl SignedObjects for ServedObjects {
    fn check(&self, method: &str, key: &str, expires: i64, content_type: &str, sig: &str) -> bool {
        self.0.check_url(method, key, expires, content_type, sig)
    }
    fn put(&self, key: &str, bytes: Vec<u8>, content_type: Option<String>) {
        self.0.put(key, bytes, content_type)
    }
    fn get(&self, key: &str) -> Option<(Vec<u8>, Option<String>)> {
        self.0.get(key)
    }
}
