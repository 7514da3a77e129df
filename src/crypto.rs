//! Personal data at rest: AES-256-GCM with a key id in every value (so keys can rotate), a keyed
//! hash ("blind index") for equality look-ups, masking for display, and password hashing.
use aes_gcm::aead::{Aead, Generate, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use secrecy::SecretString;

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("data key must be base64 of exactly 32 bytes")]
    BadKey,
    #[error("encrypted value is malformed or was made with an unknown key")]
    Undecryptable,
}

struct KeyEntry {
    id: String,
    cipher: Aes256Gcm,
}

/// Encrypts and decrypts personal data. Stored form: `v1.<key id>.<base64(nonce ‖ ciphertext)>`.
pub struct DataCipher {
    current: KeyEntry,
    previous: Vec<KeyEntry>,
    index_key: Vec<u8>,
}

fn parse_key(b64: &str) -> Result<(String, Aes256Gcm, Vec<u8>), CryptoError> {
    let bytes = STANDARD
        .decode(b64.trim())
        .map_err(|_| CryptoError::BadKey)?;
    if bytes.len() != 32 {
        return Err(CryptoError::BadKey);
    }
    let key = Key::<Aes256Gcm>::try_from(bytes.as_slice()).map_err(|_| CryptoError::BadKey)?;
    // The key id names the key without revealing it: 8 hex digits of its SHA-256.
    let id = hex(&Sha256::digest(&bytes)[..4]);
    Ok((id, Aes256Gcm::new(&key), bytes))
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl DataCipher {
    /// The cipher of the current data key, able to read what `previous` keys wrote; the blind
    /// index key is derived from the data key unless given.
    pub fn from_keys(
        data_key: &SecretString,
        previous_data_keys: &[SecretString],
        index_key: Option<&SecretString>,
    ) -> Result<Self, CryptoError> {
        let (id, cipher, raw) = parse_key(data_key.expose_secret())?;
        let previous = previous_data_keys
            .iter()
            .map(|k| parse_key(k.expose_secret()).map(|(id, cipher, _)| KeyEntry { id, cipher }))
            .collect::<Result<Vec<_>, _>>()?;
        let index_key = match index_key {
            Some(k) => k.expose_secret().as_bytes().to_vec(),
            None => {
                let mut mac = HmacSha256::new_from_slice(&raw).map_err(|_| CryptoError::BadKey)?;
                mac.update(b"jiqing blind index v1");
                mac.finalize().into_bytes().to_vec()
            }
        };
        Ok(Self {
            current: KeyEntry { id, cipher },
            previous,
            index_key,
        })
    }

    pub fn encrypt(&self, plaintext: &str) -> String {
        let nonce = Nonce::generate();
        let ct = self
            .current
            .cipher
            .encrypt(&nonce, plaintext.as_bytes())
            // AES-GCM encryption fails only for inputs of many gigabytes.
            .unwrap_or_default();
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ct);
        format!("v1.{}.{}", self.current.id, URL_SAFE_NO_PAD.encode(blob))
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, CryptoError> {
        let mut parts = stored.splitn(3, '.');
        let (Some("v1"), Some(kid), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(CryptoError::Undecryptable);
        };
        let entry = std::iter::once(&self.current)
            .chain(self.previous.iter())
            .find(|k| k.id == kid)
            .ok_or(CryptoError::Undecryptable)?;
        let blob = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| CryptoError::Undecryptable)?;
        if blob.len() < 12 {
            return Err(CryptoError::Undecryptable);
        }
        let (nonce, ct) = blob.split_at(12);
        let nonce = Nonce::try_from(nonce).map_err(|_| CryptoError::Undecryptable)?;
        let pt = entry
            .cipher
            .decrypt(&nonce, ct)
            .map_err(|_| CryptoError::Undecryptable)?;
        String::from_utf8(pt).map_err(|_| CryptoError::Undecryptable)
    }

    /// Prefix of every value encrypted with the current key (`v1.<key id>.`), for finding values
    /// that still need re-encryption in SQL.
    pub fn current_prefix(&self) -> String {
        format!("v1.{}.", self.current.id)
    }

    /// True when the value was encrypted with an older key and should be re-encrypted.
    pub fn needs_rotation(&self, stored: &str) -> bool {
        !stored.starts_with(&format!("v1.{}.", self.current.id))
    }

    /// Keyed hash for equality look-ups (unique ID numbers, phone search) without the plaintext.
    pub fn blind_index(&self, kind: &str, value: &str) -> String {
        // Key length is never rejected by HMAC.
        let mut mac = HmacSha256::new_from_slice(&self.index_key).expect("HMAC takes any key");
        mac.update(kind.as_bytes());
        mac.update(b":");
        mac.update(value.as_bytes());
        hex(&mac.finalize().into_bytes())
    }
}

/// Equal strings, compared in time independent of where they differ (signatures, codes).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// SHA-256 hex of a high-entropy token (refresh tokens): no salt or slow hash is needed.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A random URL-safe token of 32 bytes.
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// Letters of public serial numbers: no 0/O, 1/I to misread.
const SERIAL_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A public serial number `<PREFIX>-<year>-<8 characters>` (`JQZY-2026-7KQ2M9XD`): 40 random
/// bits in an unambiguous alphabet (volunteer certificates, loan applications).
pub fn serial_number(prefix: &str, year: i32) -> String {
    let bytes: [u8; 8] = rand::random();
    let tail: String = bytes
        .iter()
        .map(|b| SERIAL_ALPHABET[usize::from(*b) % SERIAL_ALPHABET.len()] as char)
        .collect();
    format!("{prefix}-{year}-{tail}")
}

/// `13812341234` → `138****1234`.
pub fn mask_phone(phone: &str) -> String {
    mask(phone, 3, 4)
}

/// `220102199001011234` → `220***********1234`.
pub fn mask_id_number(id: &str) -> String {
    mask(id, 3, 4)
}

/// `张三丰` → `张**`; names keep their first character only.
pub fn mask_name(name: &str) -> String {
    mask(name, 1, 0)
}

fn mask(value: &str, keep_start: usize, keep_end: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= keep_start + keep_end {
        return "*".repeat(chars.len().max(1));
    }
    let hidden = chars.len() - keep_start - keep_end;
    let mut out: String = chars[..keep_start].iter().collect();
    out.push_str(&"*".repeat(hidden));
    out.extend(&chars[chars.len() - keep_end..]);
    out
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    use argon2::password_hash::PasswordHasher;
    let hash = argon2::Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))?;
    Ok(hash.to_string())
}

pub fn verify_password(password: &str, stored: &str) -> bool {
    use argon2::password_hash::{PasswordVerifier, phc::PasswordHash};
    PasswordHash::new(stored)
        .map(|parsed| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn cipher_with(key: &str, previous: Vec<&str>) -> DataCipher {
        let previous: Vec<SecretString> = previous
            .into_iter()
            .map(|k| SecretString::from(k.to_owned()))
            .collect();
        DataCipher::from_keys(&SecretString::from(key.to_owned()), &previous, None).unwrap()
    }

    const K1: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    const K2: &str = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";

    #[test]
    fn values_round_trip_and_differ_each_time() {
        let c = cipher_with(K1, vec![]);
        let a = c.encrypt("13812341234");
        let b = c.encrypt("13812341234");
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.contains("1381234"));
        assert_eq!(c.decrypt(&a).unwrap(), "13812341234");
    }

    #[test]
    fn a_rotated_key_still_reads_old_values() {
        let old = cipher_with(K1, vec![]);
        let stored = old.encrypt("secret");
        let new = cipher_with(K2, vec![K1]);
        assert_eq!(new.decrypt(&stored).unwrap(), "secret");
        assert!(new.needs_rotation(&stored));
        assert!(cipher_with(K2, vec![]).decrypt(&stored).is_err());
    }

    #[test]
    fn tampered_values_are_rejected() {
        let c = cipher_with(K1, vec![]);
        let stored = c.encrypt("secret");
        // Change one character well inside the ciphertext (the last one may carry padding bits).
        let mut chars: Vec<char> = stored.chars().collect();
        let i = chars.len() - 8;
        chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
        let tampered: String = chars.into_iter().collect();
        assert!(c.decrypt(&tampered).is_err());
    }

    #[test]
    fn masks_follow_the_national_display_rules() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_id_number("220102199001011234"), "220***********1234");
        assert_eq!(mask_name("张三丰"), "张**");
    }

    #[test]
    fn passwords_verify_only_with_the_right_password() {
        let h = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
    }
}
