//! Cryptography adapters: argon2id password hashing, HS256 JWTs and single-use secrets.

mod jwt;
mod password;

pub use jwt::HmacTokenIssuer;
pub use password::Argon2Hasher;
