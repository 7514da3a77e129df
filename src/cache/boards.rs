//! Leaderboard primitives on the cache, atomic on both backends.
//!
//! Layout under the cache prefix: `lb:live` and (during a rebuild) `lb:building` hold
//! `"{generation}:{upto}"`; a generation's boards are sorted sets `lb:g{generation}:{board}`,
//! display names `lb:g{generation}:n:{member}`, and `lb:g{generation}:done:{entry}` marks an
//! entry as applied to that generation. A generation built from the ledger up to sequence
//! `upto` takes increments only from later entries, each at most once.
use std::collections::HashMap;
use std::sync::LazyLock;

use super::board_types::{BUILDING, BoardIncrement, BoardStamp, LIVE, MARKER_TTL_SECS, TopRead};
use super::{Backend, Cache, CacheResult};

static APPLY: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local p, entry, seq, member, name, n = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], tonumber(ARGV[6])
local live = 0
for _, slot in ipairs({'live', 'building'}) do
  local v = redis.call('GET', p .. 'lb:' .. slot)
  if v then
    if slot == 'live' then live = 1 end
    local gen, upto = string.match(v, '^([^:]+):(%-?%d+)$')
    if gen and tonumber(upto) < seq then
      local g = p .. 'lb:g' .. gen .. ':'
      if redis.call('SET', g .. 'done:' .. entry, '1', 'NX', 'EX', tonumber(ARGV[7])) then
        if name ~= '' then redis.call('SET', g .. 'n:' .. member, name) end
        for i = 0, n - 1 do
          local key = g .. ARGV[8 + i * 3]
          local m = ARGV[9 + i * 3]
          local s = redis.call('ZINCRBY', key, ARGV[10 + i * 3], m)
          if tonumber(s) <= 0 then redis.call('ZREM', key, m) end
        end
        redis.call('INCR', g .. 'ver')
      end
    end
  end
end
return live",
    )
});

static READ: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local p, board, stop, me, want_names = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local v = redis.call('GET', p .. 'lb:live')
if not v then return false end
local gen = string.match(v, '^([^:]+):')
local g = p .. 'lb:g' .. gen .. ':'
local key = g .. board
local top = redis.call('ZREVRANGE', key, 0, stop, 'WITHSCORES')
local names = {}
if want_names == '1' and #top > 0 then
  local nk = {}
  for i = 1, #top, 2 do nk[#nk + 1] = g .. 'n:' .. top[i] end
  names = redis.call('MGET', unpack(nk))
end
local rank, score = -1, ''
if me ~= '' then
  local r = redis.call('ZREVRANK', key, me)
  if r then rank = r; score = redis.call('ZSCORE', key, me) end
end
return {top, names, rank, score, redis.call('ZCARD', key), gen, tonumber(redis.call('GET', g .. 'ver') or '0')}",
    )
});

/// The live generation and its version (bumped by every applied entry).
static STAMP: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local p = ARGV[1]
local v = redis.call('GET', p .. 'lb:live')
if not v then return false end
local gen = string.match(v, '^([^:]+):')
return {gen, tonumber(redis.call('GET', p .. 'lb:g' .. gen .. ':ver') or '0')}",
    )
});

/// The live generation, its version, the member's place and the board's size — without the top
/// list.
static PEEK: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local p, board, me = ARGV[1], ARGV[2], ARGV[3]
local v = redis.call('GET', p .. 'lb:live')
if not v then return false end
local gen = string.match(v, '^([^:]+):')
local g = p .. 'lb:g' .. gen .. ':'
local key = g .. board
local rank, score = -1, ''
if me ~= '' then
  local r = redis.call('ZREVRANK', key, me)
  if r then rank = r; score = redis.call('ZSCORE', key, me) end
end
return {gen, tonumber(redis.call('GET', g .. 'ver') or '0'), rank, score, redis.call('ZCARD', key)}",
    )
});

fn score_of(s: &str) -> i64 {
    s.parse::<f64>().map(|f| f.round() as i64).unwrap_or(0)
}

impl Cache {
    /// Apply one ledger entry's increments to the live generation and to one being built, each
    /// only if the generation was built before `seq` and only once per entry (atomic).
    /// Returns false when there is no live generation (flushed or never built).
    pub async fn board_apply(
        &self,
        entry: &str,
        seq: i64,
        name: Option<(&str, &str)>,
        increments: &[BoardIncrement],
    ) -> CacheResult<bool> {
        match &self.backend {
            Backend::Redis(c) => {
                let mut inv = APPLY.prepare_invoke();
                inv.arg(&*self.prefix)
                    .arg(entry)
                    .arg(seq)
                    .arg(name.map(|n| n.0).unwrap_or(""))
                    .arg(name.map(|n| n.1).unwrap_or(""))
                    .arg(increments.len())
                    .arg(MARKER_TTL_SECS);
                for (board, member, delta) in increments {
                    inv.arg(board).arg(member).arg(delta);
                }
                let live: i64 = inv.invoke_async(&mut c.next()).await?;
                Ok(live == 1)
            }
            Backend::Memory(m) => Ok(m.board_apply(&self.prefix, entry, seq, name, increments)),
        }
    }

    /// The live generation and its version; `None` when there is no live generation.
    pub async fn board_stamp(&self) -> CacheResult<Option<BoardStamp>> {
        match &self.backend {
            Backend::Redis(c) => {
                let raw: Option<(String, i64)> = STAMP
                    .prepare_invoke()
                    .arg(&*self.prefix)
                    .invoke_async(&mut c.next())
                    .await?;
                Ok(raw.map(|(generation, version)| BoardStamp {
                    generation,
                    version,
                }))
            }
            Backend::Memory(m) => Ok(m.board_stamp(&self.prefix)),
        }
    }

    /// The top `limit` of a live board (with display names if `names`), its size and the stamp
    /// it was read at, in one atomic call; `None` when there is no live generation.
    pub async fn board_top(
        &self,
        board: &str,
        limit: usize,
        names: bool,
    ) -> CacheResult<Option<TopRead>> {
        let stop = limit.saturating_sub(1);
        match &self.backend {
            Backend::Redis(c) => {
                type Raw = Option<(
                    Vec<String>,
                    Vec<Option<String>>,
                    i64,
                    String,
                    usize,
                    String,
                    i64,
                )>;
                let raw: Raw = READ
                    .prepare_invoke()
                    .arg(&*self.prefix)
                    .arg(board)
                    .arg(stop)
                    .arg("")
                    .arg(if names { "1" } else { "0" })
                    .invoke_async(&mut c.next())
                    .await?;
                let Some((top, names_read, _, _, size, generation, version)) = raw else {
                    return Ok(None);
                };
                let top = top
                    .chunks(2)
                    .enumerate()
                    .map(|(i, pair)| {
                        (
                            pair[0].clone(),
                            pair.get(1).map(|s| score_of(s)).unwrap_or(0),
                            names_read.get(i).cloned().flatten(),
                        )
                    })
                    .collect();
                Ok(Some(TopRead {
                    stamp: BoardStamp {
                        generation,
                        version,
                    },
                    top,
                    size,
                }))
            }
            Backend::Memory(m) => {
                Ok(m.board_read(&self.prefix, board, stop, None, names)
                    .map(|(stamp, read)| TopRead {
                        stamp,
                        top: read.top,
                        size: read.size,
                    }))
            }
        }
    }

    /// `member`'s 0-based rank and score on a live board (`None` inside when not on it) and the
    /// stamp it was read at; `None` when there is no live generation.
    pub async fn board_place(
        &self,
        board: &str,
        member: &str,
    ) -> CacheResult<Option<(BoardStamp, Option<(usize, i64)>)>> {
        match &self.backend {
            Backend::Redis(c) => {
                type Peek = Option<(String, i64, i64, String, usize)>;
                let peek: Peek = PEEK
                    .prepare_invoke()
                    .arg(&*self.prefix)
                    .arg(board)
                    .arg(member)
                    .invoke_async(&mut c.next())
                    .await?;
                Ok(peek.map(|(generation, version, rank, score, _)| {
                    (
                        BoardStamp {
                            generation,
                            version,
                        },
                        (rank >= 0).then(|| (rank as usize, score_of(&score))),
                    )
                }))
            }
            Backend::Memory(m) => Ok(m
                .board_read(&self.prefix, board, 0, Some(member), false)
                .map(|(stamp, read)| (stamp, read.me))),
        }
    }

    /// Add whole boards and names to generation `generation` (used by a rebuild; increments
    /// that arrived meanwhile are kept: scores are added, not replaced).
    pub async fn board_fill(
        &self,
        generation: &str,
        boards: &HashMap<String, HashMap<String, i64>>,
        names: &[(String, String)],
    ) -> CacheResult<()> {
        let g = format!("{}lb:g{generation}:", self.prefix);
        match &self.backend {
            Backend::Redis(c) => {
                let mut c = c.next();
                let mut pipe = redis::pipe();
                let mut queued = 0usize;
                for (board, members) in boards {
                    let key = format!("{g}{board}");
                    let tmp = format!("{key}:fill");
                    let items: Vec<(i64, &str)> = members
                        .iter()
                        .filter(|(_, s)| **s > 0)
                        .map(|(m, s)| (*s, m.as_str()))
                        .collect();
                    if items.is_empty() {
                        continue;
                    }
                    for chunk in items.chunks(2_000) {
                        pipe.zadd_multiple(&tmp, chunk).ignore();
                    }
                    pipe.cmd("ZUNIONSTORE")
                        .arg(&key)
                        .arg(2)
                        .arg(&key)
                        .arg(&tmp)
                        .ignore();
                    pipe.del(&tmp).ignore();
                    queued += items.len();
                    if queued > 50_000 {
                        pipe.query_async::<()>(&mut c).await?;
                        pipe = redis::pipe();
                        queued = 0;
                    }
                }
                for chunk in names.chunks(2_000) {
                    let pairs: Vec<(String, &str)> = chunk
                        .iter()
                        .map(|(m, n)| (format!("{g}n:{m}"), n.as_str()))
                        .collect();
                    pipe.mset(&pairs).ignore();
                }
                // Nothing to fill (an empty ledger): Redis' client refuses an empty pipeline
                // ("empty command"), which the replay job logged every time.
                if !pipe.is_empty() {
                    pipe.query_async::<()>(&mut c).await?;
                }
                Ok(())
            }
            Backend::Memory(m) => {
                m.board_fill(&g, boards, names);
                Ok(())
            }
        }
    }

    /// Make the generation being built the live one, atomically.
    pub async fn board_promote(&self, pointer: &str) -> CacheResult<()> {
        let (live, building) = (self.key(LIVE), self.key(BUILDING));
        match &self.backend {
            Backend::Redis(c) => {
                redis::pipe()
                    .atomic()
                    .set(&live, pointer)
                    .ignore()
                    .del(&building)
                    .ignore()
                    .query_async::<()>(&mut c.next())
                    .await?;
                Ok(())
            }
            Backend::Memory(m) => {
                m.set(&live, pointer, None);
                m.del(&building);
                Ok(())
            }
        }
    }

    /// Delete every key starting with `sub` (under this cache's prefix).
    pub async fn del_matching(&self, sub: &str) -> CacheResult<()> {
        let full = self.key(sub);
        match &self.backend {
            Backend::Redis(c) => {
                let mut c = c.next();
                let pattern = format!("{full}*");
                let mut cursor: u64 = 0;
                loop {
                    let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                        .arg(cursor)
                        .arg("MATCH")
                        .arg(&pattern)
                        .arg("COUNT")
                        .arg(1_000)
                        .query_async(&mut c)
                        .await?;
                    if !keys.is_empty() {
                        redis::cmd("UNLINK")
                            .arg(keys)
                            .query_async::<()>(&mut c)
                            .await?;
                    }
                    if next == 0 {
                        return Ok(());
                    }
                    cursor = next;
                }
            }
            Backend::Memory(m) => {
                m.clear_prefix(&full);
                Ok(())
            }
        }
    }
}
