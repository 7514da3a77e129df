//! Short-lived signed check-in codes, shown by an organiser as a QR code and rotating every
//! minute. A code names what it is for (`purpose`, e.g. "training" or "volunteer-in") and the
//! record id, so a code for one training cannot check anyone into another.
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

/// How long one code is shown before the next one replaces it.
pub const ROTATION_SECS: i64 = 60;
/// A code is still accepted this many rotations after it was replaced (slow networks).
const GRACE_WINDOWS: i64 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeError {
    /// Signed by us for this record, but too old.
    Expired,
    /// Not a code we issued for this record.
    Invalid,
}

impl From<CodeError> for crate::error::ApiError {
    /// The one answer of every check-in (trainings, volunteer check-in and check-out): 410
    /// `CODE_EXPIRED` for a code of ours that has rotated away, 422 on `code` for anything else.
    fn from(e: CodeError) -> Self {
        match e {
            CodeError::Expired => {
                Self::Gone("CODE_EXPIRED", "签到码已过期，请扫描最新的签到码".into())
            }
            CodeError::Invalid => Self::field("code", "CODE_INVALID", "签到码无效"),
        }
    }
}

pub struct CheckinCodes {
    key: Vec<u8>,
}

/// A code to show and the instant it stops being shown.
pub struct IssuedCode {
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

impl CheckinCodes {
    pub fn new(secret: &[u8]) -> Self {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key");
        mac.update(b"jiqing check-in codes v1");
        Self {
            key: mac.finalize().into_bytes().to_vec(),
        }
    }

    fn sign(&self, purpose: &str, id: Uuid, window: i64) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(purpose.as_bytes());
        mac.update(id.as_bytes());
        mac.update(&window.to_be_bytes());
        mac.finalize().into_bytes()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    pub fn issue(&self, purpose: &str, id: Uuid, now: DateTime<Utc>) -> IssuedCode {
        let window = now.timestamp().div_euclid(ROTATION_SECS);
        IssuedCode {
            code: format!("{window}.{}", self.sign(purpose, id, window)),
            expires_at: DateTime::from_timestamp((window + 1) * ROTATION_SECS, 0).unwrap_or(now),
        }
    }

    pub fn verify(
        &self,
        purpose: &str,
        id: Uuid,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<(), CodeError> {
        let (window, sig) = code.trim().split_once('.').ok_or(CodeError::Invalid)?;
        let window: i64 = window.parse().map_err(|_| CodeError::Invalid)?;
        let expected = self.sign(purpose, id, window);
        if !crate::crypto::constant_time_eq(&expected, sig) {
            return Err(CodeError::Invalid);
        }
        let current = now.timestamp().div_euclid(ROTATION_SECS);
        if window > current || current - window > GRACE_WINDOWS {
            return Err(CodeError::Expired);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn codes_work_for_their_record_and_a_short_while_only() {
        let codes = CheckinCodes::new(b"secret");
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let now = Utc::now();
        let issued = codes.issue("training", a, now);
        assert_eq!(codes.verify("training", a, &issued.code, now), Ok(()));
        assert_eq!(
            codes.verify("training", a, &issued.code, now + Duration::seconds(60)),
            Ok(())
        );
        assert_eq!(
            codes.verify("training", a, &issued.code, now + Duration::seconds(180)),
            Err(CodeError::Expired)
        );
        assert_eq!(
            codes.verify("training", b, &issued.code, now),
            Err(CodeError::Invalid)
        );
        assert_eq!(
            codes.verify("volunteer-in", a, &issued.code, now),
            Err(CodeError::Invalid)
        );
        assert_eq!(
            codes.verify("training", a, "garbage", now),
            Err(CodeError::Invalid)
        );
        let other_key = CheckinCodes::new(b"other");
        assert_eq!(
            other_key.verify("training", a, &issued.code, now),
            Err(CodeError::Invalid)
        );
    }
}
