//! HS256 JSON Web Tokens and single-use secrets.

use ally360::kernel::{CoreError, CoreResult};
use ally360::ports::{Claims, OneTimeSecret, TokenIssuer};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand::distributions::{Alphanumeric, DistString};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// Signs tokens with one shared secret (HS256). Only HS256 tokens are accepted: `alg: none` and
/// every other algorithm are refused.
#[derive(Clone)]
pub struct HmacTokenIssuer {
    key: Vec<u8>,
}

impl HmacTokenIssuer {
    /// An issuer keyed by `secret`.
    pub fn new(secret: &[u8]) -> Self {
        Self { key: secret.to_vec() }
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC accepts keys of any length.
        HmacSha256::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!("hmac takes any key length"))
    }
}

fn bad_token() -> CoreError {
    CoreError::unauthorized("invalid_token", "the token is invalid or expired")
}

impl TokenIssuer for HmacTokenIssuer {
    fn sign(&self, claims: &Claims) -> CoreResult<String> {
        let payload = serde_json::to_vec(claims).map_err(CoreError::internal)?;
        let signing_input = format!("{}.{}", URL_SAFE_NO_PAD.encode(HEADER), URL_SAFE_NO_PAD.encode(payload));
        let mut mac = self.mac();
        mac.update(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        Ok(format!("{signing_input}.{signature}"))
    }

    fn verify(&self, token: &str, now: DateTime<Utc>) -> CoreResult<Claims> {
        let mut parts = token.trim().split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad_token());
        };
        let header_json: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).map_err(|_| bad_token())?)
                .map_err(|_| bad_token())?;
        if header_json.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
            return Err(bad_token());
        }
        let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| bad_token())?;
        let mut mac = self.mac();
        mac.update(header.as_bytes());
        mac.update(b".");
        mac.update(payload.as_bytes());
        mac.verify_slice(&signature).map_err(|_| bad_token())?;
        let claims: Claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).map_err(|_| bad_token())?)
            .map_err(|_| bad_token())?;
        if claims.exp <= now.timestamp() {
            return Err(CoreError::unauthorized("token_expired", "the token has expired"));
        }
        Ok(claims)
    }

    fn new_secret(&self) -> OneTimeSecret {
        let plain = Alphanumeric.sample_string(&mut rand::rngs::OsRng, 32);
        let hash = self.hash_secret(&plain);
        OneTimeSecret { plain, hash }
    }

    fn hash_secret(&self, plain: &str) -> String {
        hex::encode(Sha256::digest(plain.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ally360::kernel::{SessionId, UserId};
    use ally360::ports::TokenKind;

    fn claims(exp: i64) -> Claims {
        Claims {
            sub: UserId::new(),
            kind: TokenKind::Access,
            jti: uuid::Uuid::now_v7(),
            sid: SessionId::new(),
            iat: 0,
            exp,
            email: Some("a@b.co".into()),
            user_name: None,
            tenant_id: None,
            user_role: None,
        }
    }

    #[test]
    fn round_trip_and_rejections() {
        let issuer = HmacTokenIssuer::new(b"k1-k1-k1-k1-k1-k1-k1-k1-k1-k1-k1-k1");
        let now = Utc::now();
        let c = claims(now.timestamp() + 60);
        let token = issuer.sign(&c).unwrap();
        assert_eq!(issuer.verify(&token, now).unwrap(), c);
        // Another key.
        assert!(HmacTokenIssuer::new(b"other").verify(&token, now).is_err());
        // Expired.
        assert!(issuer.verify(&token, now + chrono::Duration::seconds(61)).is_err());
        // Altered payload.
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(now.timestamp() + 9999)).unwrap());
        parts[1] = &forged;
        assert!(issuer.verify(&parts.join("."), now).is_err());
        // alg none.
        let none = format!("{}.{}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#), token.split('.').nth(1).unwrap());
        assert!(issuer.verify(&none, now).is_err());
    }

    #[test]
    fn secrets_are_random_and_hashes_deterministic() {
        let issuer = HmacTokenIssuer::new(b"k");
        let (a, b) = (issuer.new_secret(), issuer.new_secret());
        assert_eq!(a.plain.len(), 32);
        assert!(a.plain.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a.plain, b.plain);
        assert_eq!(issuer.hash_secret(&a.plain), a.hash);
        assert_ne!(a.hash, a.plain);
    }
}
