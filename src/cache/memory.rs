//! The in-process stand-in for Redis used on the embedded default (one process, one SQLite file).
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    map: HashMap<String, Entry>,
    calls: u64,
}

/// Expired keys are dropped when touched, and all of them every this many calls.
const SWEEP_EVERY: u64 = 1024;

struct Entry {
    value: Value,
    expires_at: Option<Instant>,
}

enum Value {
    Str(String),
    ZSet(HashMap<String, f64>),
}

impl Entry {
    fn live(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|t| t > now)
    }
}

impl MemoryStore {
    /// Run `f` on the map after dropping `key` if it has expired (`""` touches no key).
    fn with_key<R>(&self, key: &str, f: impl FnOnce(&mut HashMap<String, Entry>) -> R) -> R {
        // A poisoned lock only means another thread panicked mid-call; the map itself is intact.
        let mut guard = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        guard.calls += 1;
        if guard.calls.is_multiple_of(SWEEP_EVERY) {
            guard.map.retain(|_, e| e.live(now));
        } else if guard.map.get(key).is_some_and(|e| !e.live(now)) {
            guard.map.remove(key);
        }
        f(&mut guard.map)
    }

    pub fn get(&self, key: &str) -> Option<String> {
        self.with_key(key, |m| match m.get(key) {
            Some(Entry {
                value: Value::Str(s),
                ..
            }) => Some(s.clone()),
            _ => None,
        })
    }

    pub fn set(&self, key: &str, value: &str, ttl: Option<Duration>) {
        self.with_key(key, |m| {
            m.insert(
                key.to_owned(),
                Entry {
                    value: Value::Str(value.to_owned()),
                    expires_at: ttl.map(|t| Instant::now() + t),
                },
            );
        })
    }

    pub fn set_nx(&self, key: &str, value: &str, ttl: Duration) -> bool {
        self.with_key(key, |m| {
            if m.contains_key(key) {
                return false;
            }
            m.insert(
                key.to_owned(),
                Entry {
                    value: Value::Str(value.to_owned()),
                    expires_at: Some(Instant::now() + ttl),
                },
            );
            true
        })
    }

    pub fn del(&self, key: &str) {
        self.with_key(key, |m| {
            m.remove(key);
        })
    }

    pub fn del_if_equals(&self, key: &str, value: &str) -> bool {
        self.with_key(key, |m| match m.get(key) {
            Some(Entry {
                value: Value::Str(s),
                ..
            }) if s == value => {
                m.remove(key);
                true
            }
            _ => false,
        })
    }

    pub fn incr_window(&self, key: &str, window: Duration) -> i64 {
        self.with_key(key, |m| {
            let entry = m.entry(key.to_owned()).or_insert_with(|| Entry {
                value: Value::Str("0".into()),
                expires_at: Some(Instant::now() + window),
            });
            let n = match &entry.value {
                Value::Str(s) => s.parse::<i64>().unwrap_or(0) + 1,
                Value::ZSet(_) => 1,
            };
            entry.value = Value::Str(n.to_string());
            n
        })
    }

    pub fn ttl(&self, key: &str) -> Option<Duration> {
        self.with_key(key, |m| {
            m.get(key)
                .and_then(|e| e.expires_at)
                .map(|t| t.saturating_duration_since(Instant::now()))
        })
    }

    pub fn exists(&self, key: &str) -> bool {
        self.with_key(key, |m| m.contains_key(key))
    }

    fn zset<'a>(m: &'a mut HashMap<String, Entry>, key: &str) -> &'a mut HashMap<String, f64> {
        let entry = m.entry(key.to_owned()).or_insert_with(|| Entry {
            value: Value::ZSet(HashMap::new()),
            expires_at: None,
        });
        if !matches!(entry.value, Value::ZSet(_)) {
            entry.value = Value::ZSet(HashMap::new());
        }
        match &mut entry.value {
            Value::ZSet(z) => z,
            Value::Str(_) => unreachable!("replaced just above"),
        }
    }

    /// Ordered as Redis orders ZREVRANGE: score descending, ties by member descending.
    fn sorted(z: &HashMap<String, f64>) -> Vec<(String, f64)> {
        let mut v: Vec<(String, f64)> = z.iter().map(|(k, s)| (k.clone(), *s)).collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
        v
    }

    /// Multi-key operations (the leaderboard scripts): expiry is checked per key read through
    /// [`Self::str_of`] / [`Self::is_live`]; expired keys are dropped by the periodic sweep.
    fn with<R>(&self, f: impl FnOnce(&mut HashMap<String, Entry>) -> R) -> R {
        self.with_key("", f)
    }

    fn is_live(m: &HashMap<String, Entry>, key: &str) -> bool {
        m.get(key).is_some_and(|e| e.live(Instant::now()))
    }

    fn str_of(m: &HashMap<String, Entry>, key: &str) -> Option<String> {
        if !Self::is_live(m, key) {
            return None;
        }
        match m.get(key) {
            Some(Entry {
                value: Value::Str(s),
                ..
            }) => Some(s.clone()),
            _ => None,
        }
    }

    fn put_str(m: &mut HashMap<String, Entry>, key: String, value: &str, ttl: Option<Duration>) {
        m.insert(
            key,
            Entry {
                value: Value::Str(value.to_owned()),
                expires_at: ttl.map(|t| Instant::now() + t),
            },
        );
    }

    /// Same rules as the Redis script in `cache::boards`, under the one lock.
    pub fn board_apply(
        &self,
        prefix: &str,
        entry: &str,
        seq: i64,
        name: Option<(&str, &str)>,
        increments: &[(String, String, i64)],
    ) -> bool {
        self.with(|m| {
            let mut live = false;
            for slot in ["live", "building"] {
                let Some(v) = Self::str_of(m, &format!("{prefix}lb:{slot}")) else {
                    continue;
                };
                live |= slot == "live";
                let Some((generation, upto)) = v.split_once(':') else {
                    continue;
                };
                if upto.parse::<i64>().map_or(true, |u| u >= seq) {
                    continue;
                }
                let g = format!("{prefix}lb:g{generation}:");
                let marker = format!("{g}done:{entry}");
                if Self::is_live(m, &marker) {
                    continue;
                }
                let ttl = Duration::from_secs(super::board_types::MARKER_TTL_SECS);
                Self::put_str(m, marker, "1", Some(ttl));
                if let Some((member, display)) = name {
                    Self::put_str(m, format!("{g}n:{member}"), display, None);
                }
                for (board, member, delta) in increments {
                    let z = Self::zset(m, &format!("{g}{board}"));
                    let s = z.entry(member.clone()).or_insert(0.0);
                    *s += *delta as f64;
                    if *s <= 0.0 {
                        z.remove(member);
                    }
                }
                let ver = format!("{g}ver");
                let next = Self::str_of(m, &ver)
                    .and_then(|v| v.parse::<i64>().ok())
                    .unwrap_or(0)
                    + 1;
                Self::put_str(m, ver, &next.to_string(), None);
            }
            live
        })
    }

    pub fn board_read(
        &self,
        prefix: &str,
        board: &str,
        stop: usize,
        member: Option<&str>,
        names: bool,
    ) -> Option<(super::BoardStamp, super::BoardRead)> {
        self.with(|m| {
            let stamp = Self::stamp(m, prefix)?;
            let g = format!("{prefix}lb:g{}:", stamp.generation);
            let sorted = match m.get(&format!("{g}{board}")) {
                Some(Entry {
                    value: Value::ZSet(z),
                    ..
                }) => Self::sorted(z),
                _ => Vec::new(),
            };
            let top = sorted
                .iter()
                .take(stop + 1)
                .map(|(k, s)| {
                    let name = if names {
                        Self::str_of(m, &format!("{g}n:{k}"))
                    } else {
                        None
                    };
                    (k.clone(), s.round() as i64, name)
                })
                .collect();
            let me = member.and_then(|me| {
                sorted
                    .iter()
                    .position(|(k, _)| k == me)
                    .map(|i| (i, sorted[i].1.round() as i64))
            });
            Some((
                stamp,
                super::BoardRead {
                    top,
                    me,
                    size: sorted.len(),
                },
            ))
        })
    }

    fn stamp(m: &HashMap<String, Entry>, prefix: &str) -> Option<super::BoardStamp> {
        let v = Self::str_of(m, &format!("{prefix}lb:live"))?;
        let generation = v.split(':').next().unwrap_or_default().to_owned();
        let version = Self::str_of(m, &format!("{prefix}lb:g{generation}:ver"))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        Some(super::BoardStamp {
            generation,
            version,
        })
    }

    /// The live generation and its version (as the Redis script `STAMP`).
    pub fn board_stamp(&self, prefix: &str) -> Option<super::BoardStamp> {
        self.with(|m| Self::stamp(m, prefix))
    }

    pub fn board_fill(
        &self,
        generation_prefix: &str,
        boards: &HashMap<String, HashMap<String, i64>>,
        names: &[(String, String)],
    ) {
        self.with(|m| {
            for (board, members) in boards {
                let z = Self::zset(m, &format!("{generation_prefix}{board}"));
                for (member, score) in members.iter().filter(|(_, s)| **s > 0) {
                    *z.entry(member.clone()).or_insert(0.0) += *score as f64;
                }
            }
            for (member, name) in names {
                Self::put_str(m, format!("{generation_prefix}n:{member}"), name, None);
            }
        })
    }

    pub fn clear_prefix(&self, prefix: &str) {
        self.with_key("", |m| m.retain(|k, _| !k.starts_with(prefix)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boards_order_like_redis_zrevrange() {
        let s = MemoryStore::default();
        s.set("p:lb:live", "g1:0", None);
        for (entry, member, delta) in [("1", "a", 5), ("2", "b", 7), ("3", "c", 5)] {
            let inc = [("total".to_owned(), member.to_owned(), delta)];
            assert!(s.board_apply("p:", entry, 1, None, &inc));
        }
        let (stamp, read) = s.board_read("p:", "total", 9, Some("a"), false).unwrap();
        assert_eq!((stamp.generation.as_str(), stamp.version), ("g1", 3));
        let names: Vec<&str> = read.top.iter().map(|(k, _, _)| k.as_str()).collect();
        assert_eq!(
            names,
            ["b", "c", "a"],
            "score descending, ties by member descending"
        );
        assert_eq!(read.me, Some((2, 5)));
        assert_eq!(read.size, 3);
    }

    #[test]
    fn locks_are_exclusive_until_released_by_their_owner() {
        let s = MemoryStore::default();
        assert!(s.set_nx("l", "me", Duration::from_secs(5)));
        assert!(!s.set_nx("l", "you", Duration::from_secs(5)));
        assert!(!s.del_if_equals("l", "you"));
        assert!(s.del_if_equals("l", "me"));
        assert!(s.set_nx("l", "you", Duration::from_secs(5)));
    }

    #[test]
    fn counters_expire_with_their_window() {
        let s = MemoryStore::default();
        assert_eq!(s.incr_window("c", Duration::from_millis(30)), 1);
        assert_eq!(s.incr_window("c", Duration::from_millis(30)), 2);
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(s.incr_window("c", Duration::from_millis(30)), 1);
    }
}
