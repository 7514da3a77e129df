//! Access tokens: short-lived HS256 JWTs naming the user and the login session.
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    /// The login session; revoking it (logout, theft detection) ends this token too.
    pub sid: Uuid,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
}

const ISSUER: &str = "jiqing";

/// What a verified token says: whose it is, their login session, and until when it holds (the
/// issuer was checked). `Copy`, so a remembered token is handed out without an allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    pub sub: Uuid,
    pub sid: Uuid,
    pub exp: i64,
}

/// Seconds of clock skew allowed on `exp`.
const LEEWAY: u64 = 30;

/// Tokens a worker thread remembers having verified (per key set), at most.
const REMEMBERED: usize = 4096;

static NEXT_KEYS_ID: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Per key set (`JwtKeys::id`), the tokens this thread verified and their claims. A token's
    /// signature and issuer are a function of its bytes and the key, so a token verified once
    /// needs only its expiry checked again: decoding it (base64, two JSON documents, an HMAC)
    /// was the largest part of a cached leaderboard read beyond the HTTP exchange itself.
    static VERIFIED: RefCell<HashMap<u64, HashMap<Box<str>, Verified>>> = RefCell::new(HashMap::new());
}

/// Whether a token expiring at `exp` is still accepted at `now` (as `jsonwebtoken` decides it:
/// not before `exp` is `LEEWAY` seconds past).
fn unexpired(exp: i64, now: i64) -> bool {
    exp >= now - LEEWAY as i64
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Built once: every request with a token checks it (issuer, expiry with 30 s leeway).
    validation: Validation,
    pub ttl: Duration,
    /// Names this key set in the per-thread memo of verified tokens.
    id: u64,
}

impl JwtKeys {
    pub fn new(secret: &SecretString, ttl: Duration) -> anyhow::Result<Self> {
        let bytes = secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = LEEWAY;
        Ok(Self {
            encoding: EncodingKey::from_secret(bytes)?,
            decoding: DecodingKey::from_secret(bytes)?,
            validation,
            ttl,
            id: NEXT_KEYS_ID.fetch_add(1, Ordering::Relaxed),
        })
    }

    pub fn issue(&self, user: Uuid, session: Uuid) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user,
            sid: session,
            iat: now,
            exp: now + self.ttl.as_secs() as i64,
            iss: ISSUER.into(),
        };
        Ok(encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// What a token signed with this key, issued by us and not expired, says.
    pub fn verify(&self, token: &str) -> Option<Verified> {
        self.verify_at(token, chrono::Utc::now().timestamp())
    }

    /// [`Self::verify`] with the expiry judged at `now`: a token this thread verified before
    /// with the same keys is only checked for expiry.
    fn verify_at(&self, token: &str, now: i64) -> Option<Verified> {
        let known = VERIFIED.with_borrow(|v| v.get(&self.id).and_then(|m| m.get(token)).copied());
        if let Some(claims) = known {
            return unexpired(claims.exp, now).then_some(claims);
        }
        let decoded = decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()?
            .claims;
        let claims = Verified {
            sub: decoded.sub,
            sid: decoded.sid,
            exp: decoded.exp,
        };
        VERIFIED.with_borrow_mut(|v| {
            let mine = v.entry(self.id).or_default();
            if mine.len() >= REMEMBERED {
                mine.clear();
            }
            mine.insert(token.into(), claims);
        });
        unexpired(claims.exp, now).then_some(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_with_the_same_secret() {
        let a = JwtKeys::new(&SecretString::from("a".repeat(40)), Duration::from_secs(60)).unwrap();
        let b = JwtKeys::new(&SecretString::from("b".repeat(40)), Duration::from_secs(60)).unwrap();
        let (u, s) = (Uuid::new_v4(), Uuid::new_v4());
        let t = a.issue(u, s).unwrap();
        let c = a.verify(&t).unwrap();
        assert_eq!((c.sub, c.sid), (u, s));
        assert!(b.verify(&t).is_none());
        // Verified once by `a` on this thread, the token is still refused by `b`, and `a`'s
        // memo answers the same.
        assert!(a.verify(&t).is_some());
        assert!(b.verify(&t).is_none());
        let again = a.verify(&t).unwrap();
        assert_eq!((again.sub, again.sid), (u, s));
    }

    /// A token signed with `keys` for someone, expiring at `exp`, from `iss`.
    fn signed(keys: &JwtKeys, exp: i64, iss: &str) -> String {
        let claims = Claims {
            sub: Uuid::new_v4(),
            sid: Uuid::new_v4(),
            iat: 0,
            exp,
            iss: iss.into(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).unwrap()
    }

    /// A remembered token expires as a decoded one does: `LEEWAY` seconds after `exp`.
    #[test]
    fn a_remembered_token_still_expires() {
        let keys =
            JwtKeys::new(&SecretString::from("k".repeat(40)), Duration::from_secs(60)).unwrap();
        let t = keys.issue(Uuid::new_v4(), Uuid::new_v4()).unwrap();
        let exp = keys.verify(&t).unwrap().exp;
        assert!(keys.verify_at(&t, exp + LEEWAY as i64).is_some());
        assert!(keys.verify_at(&t, exp + LEEWAY as i64 + 1).is_none());
        // And one that was already expired when first seen is refused and not remembered.
        let old = signed(&keys, chrono::Utc::now().timestamp() - 3600, ISSUER);
        assert!(keys.verify(&old).is_none());
        assert!(VERIFIED.with_borrow(|v| !v[&keys.id].contains_key(old.as_str())));
    }

    /// A changed signature or another issuer is refused even after the genuine token was
    /// remembered.
    #[test]
    fn a_token_differing_from_a_remembered_one_is_decoded_again() {
        let keys =
            JwtKeys::new(&SecretString::from("k".repeat(40)), Duration::from_secs(60)).unwrap();
        let t = keys.issue(Uuid::new_v4(), Uuid::new_v4()).unwrap();
        assert!(keys.verify(&t).is_some());
        let mut forged = t.clone().into_bytes();
        let i = forged.len() - 10; // inside the signature
        forged[i] = if forged[i] == b'A' { b'B' } else { b'A' };
        let forged = String::from_utf8(forged).unwrap();
        assert!(keys.verify(&forged).is_none());
        let foreign = signed(&keys, chrono::Utc::now().timestamp() + 60, "someone-else");
        assert!(keys.verify(&foreign).is_none());
    }
}
