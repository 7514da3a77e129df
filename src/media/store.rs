//! Where the bytes live (`object_store`: a directory, memory, or an S3-compatible bucket) and the
//! signed, short-lived URLs that serve them without a token.
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt};
use serde::Serialize;
use sha2::Sha256;
use utoipa::ToSchema;

/// A media key and a URL that serves it for a short while.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"key": "0192f4c1a7e24b7d9a5a3c1f2e8d7b6a", "url": "/api/v1/media/0192f4c1a7e24b7d9a5a3c1f2e8d7b6a?exp=1796190000&sig=4f1c…"}))]
pub struct MediaLink {
    pub key: String,
    /// `/api/v1/media/{key}?exp=…&sig=…`: needs no token, works for the configured time
    /// (10 minutes by default), then answers 404.
    pub url: String,
}

pub struct MediaStore {
    store: Arc<dyn ObjectStore>,
    signing_key: Vec<u8>,
    url_ttl: Duration,
    description: String,
}

/// A key as this service makes them: 32 lowercase hex characters.
pub fn is_key(key: &str) -> bool {
    key.len() == 32
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub fn new_key() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn location(key: &str) -> Path {
    Path::from(key)
}

impl MediaStore {
    /// Open the store named by `JIQING_MEDIA_STORE`: `fs:<dir>` (created if missing),
    /// `memory:`, or `s3://bucket[/prefix]` / an `https://` S3 URL with the usual `AWS_*`
    /// variables (`AWS_ENDPOINT` for S3-compatible services, `AWS_ALLOW_HTTP=true` for plain HTTP).
    pub fn open(spec: &str, secret: &[u8], url_ttl: Duration) -> anyhow::Result<Self> {
        let store: Arc<dyn ObjectStore> = if let Some(dir) = spec.strip_prefix("fs:") {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("JIQING_MEDIA_STORE: cannot create directory {dir:?}"))?;
            Arc::new(LocalFileSystem::new_with_prefix(dir)?)
        } else if spec == "memory:" {
            Arc::new(InMemory::new())
        } else if let Some(rest) = spec.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let s3 = AmazonS3Builder::from_env()
                .with_bucket_name(bucket)
                .build()
                .context("JIQING_MEDIA_STORE: S3 store")?;
            match prefix.trim_matches('/') {
                "" => Arc::new(s3),
                p => Arc::new(PrefixStore::new(s3, p)),
            }
        } else if spec.starts_with("https://") || spec.starts_with("http://") {
            Arc::new(
                AmazonS3Builder::from_env()
                    .with_url(spec)
                    .build()
                    .context("JIQING_MEDIA_STORE: S3 store")?,
            )
        } else {
            anyhow::bail!(
                "JIQING_MEDIA_STORE must be fs:<dir>, memory:, s3://bucket[/prefix] or an https:// S3 URL, got {spec:?}"
            );
        };
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).context("HMAC key")?;
        mac.update(b"jiqing media urls v1");
        Ok(Self {
            store,
            signing_key: mac.finalize().into_bytes().to_vec(),
            url_ttl,
            description: spec.split("://").next().unwrap_or(spec).to_owned(),
        })
    }

    /// The kind of store, for logs (never the URL, which may carry credentials).
    pub fn kind(&self) -> &str {
        &self.description
    }

    pub async fn put(&self, key: &str, bytes: Bytes) -> anyhow::Result<()> {
        self.store.put(&location(key), bytes.into()).await?;
        Ok(())
    }

    /// The stored bytes, `None` when there is no such file.
    pub async fn get(&self, key: &str) -> anyhow::Result<Option<Bytes>> {
        match self.store.get(&location(key)).await {
            Ok(found) => Ok(Some(found.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Delete a file; deleting one that is already gone is fine.
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.store.delete(&location(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Keys of the stored files last written before `before` (the cleanup job's orphan pass).
    pub async fn keys_written_before(&self, before: DateTime<Utc>) -> anyhow::Result<Vec<String>> {
        let mut listing = self.store.list(None);
        let mut keys = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta?;
            let name = meta.location.to_string();
            if meta.last_modified < before && is_key(&name) {
                keys.push(name);
            }
        }
        Ok(keys)
    }

    fn signature(&self, key: &str, expires: i64) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.signing_key).expect("HMAC takes any key");
        mac.update(key.as_bytes());
        mac.update(b":");
        mac.update(expires.to_string().as_bytes());
        crate::crypto::hex(&mac.finalize().into_bytes()[..16])
    }

    /// The signed URL of one key, valid for the configured time from `now`.
    pub fn link(&self, key: &str, now: DateTime<Utc>) -> MediaLink {
        let expires = now.timestamp() + self.url_ttl.as_secs() as i64;
        MediaLink {
            key: key.to_owned(),
            url: format!(
                "/api/v1/media/{key}?exp={expires}&sig={}",
                self.signature(key, expires)
            ),
        }
    }

    /// Signed URLs for the keys of a record, in order.
    pub fn links(&self, keys: &[String]) -> Vec<MediaLink> {
        let now = Utc::now();
        keys.iter().map(|k| self.link(k, now)).collect()
    }

    /// True when `sig` is ours for this key and `expires`, and `expires` has not passed.
    pub fn verify(&self, key: &str, expires: i64, sig: &str, now: DateTime<Utc>) -> bool {
        crate::crypto::constant_time_eq(&self.signature(key, expires), sig)
            && now.timestamp() < expires
    }

    /// How long a signed URL works (also the `max-age` the file is served with).
    pub fn url_ttl(&self) -> Duration {
        self.url_ttl
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(ttl: u64) -> MediaStore {
        MediaStore::open("memory:", b"secret", Duration::from_secs(ttl)).unwrap()
    }

    fn parts(url: &str) -> (i64, String) {
        let q = url.split_once('?').unwrap().1;
        let exp = q.split('&').next().unwrap().trim_start_matches("exp=");
        let sig = q.split("sig=").nth(1).unwrap();
        (exp.parse().unwrap(), sig.to_owned())
    }

    #[test]
    fn a_signed_url_works_until_it_expires_and_only_for_its_key() {
        let s = store(600);
        let key = new_key();
        let now = Utc::now();
        let (exp, sig) = parts(&s.link(&key, now).url);
        assert_eq!(exp, now.timestamp() + 600);
        assert!(s.verify(&key, exp, &sig, now));
        assert!(!s.verify(&key, exp, &sig, now + chrono::Duration::seconds(600)));
        assert!(!s.verify(&new_key(), exp, &sig, now), "another key");
        assert!(!s.verify(&key, exp + 3600, &sig, now), "a stretched expiry");
        let other = MediaStore::open("memory:", b"other", Duration::from_secs(600)).unwrap();
        assert!(
            !other.verify(&key, exp, &sig, now),
            "another server's secret"
        );
    }

    #[test]
    fn keys_are_32_lowercase_hex_characters() {
        assert!(is_key(&new_key()));
        assert!(!is_key("../../etc/passwd"));
        assert!(!is_key("ABCDEF0123456789ABCDEF0123456789"));
        assert!(!is_key(""));
    }

    #[test]
    fn unknown_store_specs_are_refused() {
        assert!(MediaStore::open("ftp://x", b"k", Duration::from_secs(1)).is_err());
    }
}
