use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;
use serde_json::value::RawValue;
use uuid::Uuid;

use super::dto::{
    BoardEntry, Metric, MyPlace, RegionBoard, RegionBoardEntry, RegionBoardQuery, ServedFrom,
    Source, VolunteerBoard, VolunteerBoardQuery,
};
use super::keys::{Period, is_board_level, member_of, region_board, user_board, user_of};
use super::snapshots::{RegionAnswer, Top, Unserved};
use super::{queries, sync};
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::auth::extractors::bearer;
use crate::cache::BoardStamp;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::regions::{self, RegionCode, RegionLevel, level_of};
use crate::time::to_china;

/// The caller's user id from a bearer token, checked by signature and expiry only: a
/// leaderboard shows masked names, so the token only decides which line is "mine" and the
/// session look-up is skipped on this hot path.
fn caller(req: &HttpRequest, state: &AppState) -> ApiResult<Option<Uuid>> {
    if req.headers().get(header::AUTHORIZATION).is_none() {
        return Ok(None);
    }
    bearer(req)
        .and_then(|token| state.jwt.verify(&token))
        .map(|claims| Some(claims.sub))
        .ok_or_else(|| ApiError::Unauthorized("INVALID_TOKEN", "登录已失效，请重新登录".into()))
}

fn board_region(code: &str, field: &str, allow_township: bool) -> ApiResult<RegionLevel> {
    match level_of(code) {
        Some(l) if is_board_level(l) && (allow_township || l != RegionLevel::Township) => Ok(l),
        Some(_) => Err(ApiError::field(
            field,
            "INVALID_VALUE",
            if allow_township {
                "排行榜只按省、市、县、乡镇排列"
            } else {
                "只能比较省、市、县的下级地区"
            },
        )),
        None => Err(ApiError::field(
            field,
            "UNKNOWN_REGION",
            "行政区划代码不存在",
        )),
    }
}

/// Volunteer-hours ranking of individuals inside a region for this week, month, year or all time
/// (China time). Served from the cached boards; from the ledger by SQL while they are rebuilt.
/// A change shows at once on the instance that made it and within 1 s on the others
/// (`JIQING_LEADERBOARD_MAX_STALE_MS`).
#[utoipa::path(
    tag = "leaderboards",
    operation_id = "get_volunteer_hours_leaderboard",
    params(VolunteerBoardQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, body = VolunteerBoard),
        (status = 401, body = ErrorEnvelope, description = "INVALID_TOKEN (a token was sent but is not valid); UNAUTHENTICATED for source=db without a token"),
        (status = 403, body = ErrorEnvelope, description = "source=db: ROLE_REQUIRED / OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/leaderboards/volunteer-hours")]
pub async fn get_volunteer_hours_leaderboard(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: crate::input::Query<VolunteerBoardQuery>,
) -> ApiResult<HttpResponse> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::field("limit", "RANGE", "条数应为1至100"));
    }
    board_region(&q.region, "region", true)?;
    let me = caller(&req, &state)?;
    let now = Utc::now();
    let range = q.period.range(now);
    let board = user_board(&q.region, &q.period.key(now));
    let (from, to) = (range.map(|r| to_china(r.0)), range.map(|r| to_china(r.1)));
    if q.source == Some(Source::Db) {
        // The SQL path is expensive: only for cadres whose region covers the board.
        Cadre::extract(&req).await?.ensure_covers(&q.region)?;
    } else {
        match from_snapshots(&state, &board, limit as usize, me).await {
            Ok(Some((top, place))) => {
                if !top.known_region {
                    regions::queries::require(&state.db, &q.region, "region").await?;
                }
                let mine = me.map(|_| MyPlace {
                    rank: place.map(|p| p.0 as u64 + 1),
                    minutes: place.map_or(0, |p| p.1),
                });
                let marked = top
                    .items_for(me)
                    .map_err(|e| ApiError::Unexpected(e.into()))?;
                let answer = CachedBoard {
                    region: &q.region,
                    period: q.period,
                    from,
                    to,
                    participants: top.size as u64,
                    items: marked.as_deref().unwrap_or(&top.items_json),
                    me: mine,
                    served_from: ServedFrom::Cache,
                };
                if marked.is_some() {
                    return json_answer(&answer);
                }
                // Everything but `me` is the same for every caller not on the list: serialised
                // once per copy, and the caller's line appended.
                let head = match top.answer_head.get() {
                    Some(head) => head.clone(),
                    None => {
                        let head = answer.head().map_err(|e| ApiError::Unexpected(e.into()))?;
                        top.answer_head.get_or_init(|| head).clone()
                    }
                };
                return answer
                    .after(&head)
                    .map(json_bytes)
                    .map_err(|e| ApiError::Unexpected(e.into()));
            }
            Ok(None) => sync::trigger_rebuild(&state),
            Err(Unserved::Cache(e)) => {
                tracing::warn!(error = %e, "leaderboard cache unavailable; answering from the ledger");
            }
            Err(Unserved::Failed(e)) => return Err(e),
        }
    }
    regions::queries::require(&state.db, &q.region, "region").await?;
    let region = RegionCode::parse(&q.region)
        .ok_or_else(|| ApiError::field("region", "UNKNOWN_REGION", "行政区划代码不存在"))?;
    let sql = queries::user_board(&state.db, region.prefix(), range, u64::from(limit), me).await?;
    let ids: Vec<Uuid> = sql.top.iter().map(|(u, _)| *u).collect();
    let names = crate::talents::masked_names(&state.db, &ids).await?;
    Ok(HttpResponse::Ok().json(VolunteerBoard {
        region: q.region.clone(),
        period: q.period,
        from,
        to,
        participants: sql.participants,
        items: sql
            .top
            .iter()
            .enumerate()
            .map(|(i, (u, minutes))| BoardEntry {
                rank: i as u64 + 1,
                name: names.get(u).cloned().unwrap_or_else(|| "*".into()),
                minutes: *minutes,
                is_me: Some(*u) == me,
            })
            .collect(),
        me: sql.me.map(|(rank, minutes)| MyPlace {
            rank: (rank > 0).then_some(rank),
            minutes,
        }),
        served_from: ServedFrom::Database,
    }))
}

/// [`VolunteerBoard`] as served from this instance's copy: the `items` array is already JSON.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CachedBoard<'a> {
    region: &'a str,
    period: Period,
    from: Option<DateTime<FixedOffset>>,
    to: Option<DateTime<FixedOffset>>,
    participants: u64,
    items: &'a RawValue,
    me: Option<MyPlace>,
    served_from: ServedFrom,
}

impl CachedBoard<'_> {
    /// The answer without `me` and `servedFrom`, left open after `items` (no closing brace).
    fn head(&self) -> serde_json::Result<Bytes> {
        let mut json = serde_json::to_vec(&CachedBoard { me: None, ..*self })?;
        let cut = json
            .windows(6)
            .rposition(|w| w == br#","me":"#)
            .ok_or_else(|| serde::ser::Error::custom("no me field"))?;
        json.truncate(cut);
        Ok(json.into())
    }

    /// `head` (from [`Self::head`] of an answer that differs from this one at most in `me`)
    /// followed by this answer's `me` and `servedFrom`.
    fn after(&self, head: &Bytes) -> serde_json::Result<Bytes> {
        let mut out = Vec::with_capacity(head.len() + 80);
        out.extend_from_slice(head);
        out.extend_from_slice(br#","me":"#);
        serde_json::to_writer(&mut out, &self.me)?;
        out.extend_from_slice(br#","servedFrom":"#);
        serde_json::to_writer(&mut out, &self.served_from)?;
        out.push(b'}');
        Ok(out.into())
    }
}

fn json_answer(body: &impl Serialize) -> ApiResult<HttpResponse> {
    let bytes = serde_json::to_vec(body).map_err(|e| ApiError::Unexpected(e.into()))?;
    Ok(json_bytes(bytes.into()))
}

fn json_bytes(bytes: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(bytes)
}

/// The top `limit` of `board` with names, from this instance's copy when it is current, else
/// read from the cache (names the cache lacks from the talent pool) and kept. `None`: no live
/// generation.
async fn load_top(
    state: &AppState,
    stamp: &BoardStamp,
    board: &str,
    limit: usize,
) -> Result<Option<Arc<Top>>, Unserved> {
    let snaps = &state.leaderboards;
    if let Some(top) = snaps.top_at(board, limit, stamp) {
        return Ok(Some(top));
    }
    let _building = snaps.flight(&format!("{board}|{limit}")).await;
    if let Some(top) = snaps.top_at(board, limit, stamp) {
        return Ok(Some(top));
    }
    let Some(read) = snaps.read_top(&state.cache, board, limit).await? else {
        return Ok(None);
    };
    // An empty board and an unknown region look alike in the cache.
    let region = board.split(':').nth(1).unwrap_or_default();
    let known_region = read.size > 0 || regions::queries::find(&state.db, region).await?.is_some();
    let missing: Vec<Uuid> = read
        .top
        .iter()
        .filter(|(_, _, n)| n.is_none())
        .filter_map(|(m, _, _)| user_of(m))
        .collect();
    let fallback = crate::talents::masked_names(&state.db, &missing)
        .await
        .map_err(ApiError::from)?;
    let users: Vec<Option<Uuid>> = read.top.iter().map(|(m, _, _)| user_of(m)).collect();
    let entries: Vec<BoardEntry> = read
        .top
        .into_iter()
        .zip(&users)
        .enumerate()
        .map(|(i, ((_, minutes, name), user))| BoardEntry {
            rank: i as u64 + 1,
            name: name
                .or_else(|| user.and_then(|u| fallback.get(&u).cloned()))
                .unwrap_or_else(|| "*".into()),
            minutes,
            is_me: false,
        })
        .collect();
    let top = Arc::new(Top {
        items_json: serde_json::value::to_raw_value(&entries)
            .map_err(|e| ApiError::Unexpected(e.into()))?,
        stamp: read.stamp,
        size: read.size,
        known_region,
        entries,
        users,
        answer_head: std::sync::OnceLock::new(),
    });
    snaps.keep_top(board, limit, top.clone());
    Ok(Some(top))
}

/// The top list and the caller's place from this instance's copies (see `snapshots`); `None`
/// when the boards are not built.
async fn from_snapshots(
    state: &AppState,
    board: &str,
    limit: usize,
    me: Option<Uuid>,
) -> Result<Option<(Arc<Top>, Option<(usize, i64)>)>, Unserved> {
    let snaps = &state.leaderboards;
    let Some(stamp) = snaps.current(&state.cache).await? else {
        return Ok(None);
    };
    let Some(top) = load_top(state, &stamp, board, limit).await? else {
        return Ok(None);
    };
    let place = match me {
        None => None,
        Some(me) => match top.place_of(me) {
            Some(p) => Some(p),
            None => match snaps
                .place(&state.cache, &top.stamp, board, &member_of(me))
                .await?
            {
                Some(place) => place,
                None => return Ok(None),
            },
        },
    };
    Ok(Some((top, place)))
}

/// The child regions of a province, city or county ranked by volunteer minutes in the period,
/// in total or per verified youth on record. At most 1 s stale (`JIQING_LEADERBOARD_MAX_STALE_MS`).
#[utoipa::path(
    tag = "leaderboards",
    operation_id = "get_region_leaderboard",
    params(RegionBoardQuery),
    responses(
        (status = 200, body = RegionBoard),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/leaderboards/regions")]
pub async fn get_region_leaderboard(
    state: web::Data<AppState>,
    q: crate::input::Query<RegionBoardQuery>,
) -> ApiResult<HttpResponse> {
    board_region(&q.parent, "parent", false)?;
    let metric = q.metric.unwrap_or(Metric::Total);
    let now = Utc::now();
    let board = region_board(&q.parent, &q.period.key(now));
    let key = format!("{board}|{metric:?}");
    let stamp = match state.leaderboards.current(&state.cache).await {
        Ok(Some(stamp)) => Some(stamp),
        Ok(None) => {
            sync::trigger_rebuild(&state);
            None
        }
        Err(e) => {
            tracing::warn!(error = %e, "leaderboard cache unavailable; answering from the ledger");
            None
        }
    };
    let fresh = || {
        stamp
            .as_ref()
            .and_then(|s| state.leaderboards.region(&key, s))
    };
    if let Some(answer) = fresh() {
        refresh_ahead(&state, &q, metric, &board, &key, stamp.as_ref(), &answer);
        return Ok(json_bytes(answer.json.clone()));
    }
    let _building = match stamp {
        Some(_) => Some(state.leaderboards.flight(&key).await),
        None => None,
    };
    if let Some(answer) = fresh() {
        return Ok(json_bytes(answer.json.clone()));
    }
    let json = build_region(&state, &q, metric, &board, key, stamp, now).await?;
    Ok(json_bytes(json))
}

/// Once this instance's copy of a region answer is half the staleness bound old, rebuild it in
/// the background (one build per key; none when one is under way), so that readers find a new
/// copy before the old one runs out instead of waiting for the build (the leaderboards' p99 of
/// 76 ms in `bench/soak.sh` at a p50 of 1.2 ms).
fn refresh_ahead(
    state: &web::Data<AppState>,
    q: &RegionBoardQuery,
    metric: Metric,
    board: &str,
    key: &str,
    stamp: Option<&BoardStamp>,
    answer: &RegionAnswer,
) {
    let snaps = &state.leaderboards;
    if answer.built.elapsed() < snaps.max_stale() / 2 {
        return;
    }
    let Some(building) = snaps.try_flight(key) else {
        return;
    };
    let (state, q) = (state.clone(), q.clone());
    let (board, key, stamp) = (board.to_owned(), key.to_owned(), stamp.cloned());
    actix_web::rt::spawn(async move {
        let _building = building;
        if let Err(e) = build_region(&state, &q, metric, &board, key, stamp, Utc::now()).await {
            tracing::warn!(error = %e, "region board refresh failed");
        }
    });
}

/// Build a region answer and keep it when it was read from the boards.
async fn build_region(
    state: &AppState,
    q: &RegionBoardQuery,
    metric: Metric,
    board: &str,
    key: String,
    stamp: Option<BoardStamp>,
    now: DateTime<Utc>,
) -> ApiResult<Bytes> {
    regions::queries::require(&state.db, &q.parent, "parent").await?;
    let children = regions::queries::children(&state.db, &q.parent).await?;
    let parent = RegionCode::parse(&q.parent)
        .ok_or_else(|| ApiError::field("parent", "UNKNOWN_REGION", "行政区划代码不存在"))?;
    let parent_prefix = parent.prefix();
    let child_digits = children
        .first()
        .and_then(|c| level_of(&c.code))
        .map(RegionLevel::significant_digits)
        .unwrap_or(6);
    let child_of = |home: &str| -> Option<String> {
        let p = home.get(..child_digits)?;
        children
            .iter()
            .find(|c| RegionCode::parse(&c.code).is_some_and(|c| c.prefix() == p))
            .map(|c| c.code.clone())
    };
    let cached = match stamp {
        None => None,
        Some(_) => match state.leaderboards.region_top(&state.cache, board).await {
            Ok(Some(read)) => Some(read),
            Ok(None) => {
                sync::trigger_rebuild(state);
                None
            }
            Err(e) => {
                tracing::warn!(error = %e, "leaderboard cache unavailable; answering from the ledger");
                None
            }
        },
    };
    let mut minutes: HashMap<String, i64> = HashMap::new();
    let read_at = match cached {
        Some(read) => {
            for (code, m, _) in read.top {
                minutes.insert(code, m);
            }
            Some(read.stamp)
        }
        None => {
            for (home, m) in
                queries::minutes_by_home(&state.db, parent_prefix, q.period.range(now)).await?
            {
                if let Some(child) = child_of(&home) {
                    *minutes.entry(child).or_insert(0) += m;
                }
            }
            None
        }
    };
    let mut youth: HashMap<String, u64> = HashMap::new();
    for (home, n) in queries::youth_by_home(&state.db, parent_prefix, child_digits).await? {
        if let Some(child) = child_of(&home) {
            *youth.entry(child).or_insert(0) += n.max(0) as u64;
        }
    }
    let mut items: Vec<RegionBoardEntry> = children
        .into_iter()
        .map(|c| {
            let m = minutes.get(&c.code).copied().unwrap_or(0);
            let y = youth.get(&c.code).copied().unwrap_or(0);
            RegionBoardEntry {
                rank: 0,
                minutes_per_youth: (y > 0).then(|| m / y as i64),
                minutes: m,
                youth_count: y,
                code: c.code,
                name: c.name,
            }
        })
        .collect();
    items.sort_by(|a, b| compare(metric, a, b).then_with(|| a.code.cmp(&b.code)));
    for (i, item) in items.iter_mut().enumerate() {
        item.rank = i as u64 + 1;
    }
    let answer = RegionBoard {
        parent: q.parent.clone(),
        period: q.period,
        metric,
        items,
        served_from: if read_at.is_some() {
            ServedFrom::Cache
        } else {
            ServedFrom::Database
        },
    };
    let json =
        Bytes::from(serde_json::to_vec(&answer).map_err(|e| ApiError::Unexpected(e.into()))?);
    if let Some(stamp) = read_at {
        state.leaderboards.keep_region(
            key,
            Arc::new(RegionAnswer {
                stamp,
                built: Instant::now(),
                json: json.clone(),
            }),
        );
    }
    Ok(json)
}

/// Higher first. Per youth compares the exact fractions; regions without youth come last.
fn compare(metric: Metric, a: &RegionBoardEntry, b: &RegionBoardEntry) -> Ordering {
    match metric {
        Metric::Total => b.minutes.cmp(&a.minutes),
        Metric::PerYouth => match (a.youth_count, b.youth_count) {
            (0, 0) => Ordering::Equal,
            (0, _) => Ordering::Greater,
            (_, 0) => Ordering::Less,
            (ya, yb) => (i128::from(b.minutes) * i128::from(ya))
                .cmp(&(i128::from(a.minutes) * i128::from(yb))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prebuilt head and the caller's line make exactly the answer serialised whole.
    #[test]
    fn an_answer_built_from_the_shared_head_is_the_whole_answer() {
        let items = serde_json::value::to_raw_value(&[BoardEntry {
            rank: 1,
            name: "王*".into(),
            minutes: 90,
            is_me: false,
        }])
        .unwrap();
        let now = to_china(Utc::now());
        let shared = CachedBoard {
            region: "220102",
            period: Period::Month,
            from: Some(now),
            to: Some(now),
            participants: 3,
            items: &items,
            me: Some(MyPlace {
                rank: Some(2),
                minutes: 1,
            }),
            served_from: ServedFrom::Cache,
        };
        let head = shared.head().unwrap();
        for me in [
            None,
            Some(MyPlace {
                rank: Some(7),
                minutes: 30,
            }),
            Some(MyPlace {
                rank: None,
                minutes: 0,
            }),
        ] {
            let whole = CachedBoard { me, ..shared };
            assert_eq!(
                whole.after(&head).unwrap(),
                Bytes::from(serde_json::to_vec(&whole).unwrap())
            );
        }
    }
}
