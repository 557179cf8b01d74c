//! argon2id password hashing, off the async executor.

use ally360::kernel::{CoreError, CoreResult};
use ally360::ports::PasswordHasher;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;

/// Hashes passwords with argon2id (PHC strings). Verification reads the parameters from the hash,
/// so hashes made with other parameters keep working.
#[derive(Clone)]
pub struct Argon2Hasher {
    params: Params,
}

impl Argon2Hasher {
    /// The OWASP-recommended parameters (19 MiB, 2 passes, 1 lane).
    pub fn new() -> Self {
        Self { params: Params::new(19 * 1024, 2, 1, None).unwrap_or_default() }
    }

    /// Cheap parameters for tests only (the algorithm is the same).
    pub fn for_tests() -> Self {
        Self { params: Params::new(1024, 1, 1, None).unwrap_or_default() }
    }
}

impl Default for Argon2Hasher {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait::async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &str) -> CoreResult<String> {
        let (password, params) = (password.to_owned(), self.params.clone());
        tokio::task::spawn_blocking(move || {
            let mut bytes = [0u8; 16];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let salt = SaltString::encode_b64(&bytes).map_err(CoreError::internal)?;
            Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(CoreError::internal)
        })
        .await
        .map_err(CoreError::internal)?
    }

    async fn verify(&self, password: &str, hash: &str) -> CoreResult<bool> {
        let (password, hash) = (password.to_owned(), hash.to_owned());
        tokio::task::spawn_blocking(move || {
            let Ok(parsed) = PasswordHash::new(&hash) else {
                return false;
            };
            Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
        })
        .await
        .map_err(CoreError::internal)
    }
}
