//! `Json<T>`: the request-body extractor of every handler (use it instead of `web::Json`).
//!
//! One way to say "wrong input" for every body:
//! - not JSON → 400 `MALFORMED_JSON`; wrong `Content-Type` → 415; over [`LIMIT`] → 413;
//! - every string passes the text rule ([`super::text`]): control characters → 422
//!   `CONTROL_CHARACTER` on the JSON path of the string, everything else normalised (NFC, trimmed);
//! - type errors name the JSON path (`items[2].minutes`) with a Chinese message and a field code
//!   (`REQUIRED`, `INVALID_TYPE`, `INVALID_VALUE`, `FORMAT`, `RANGE`, `LENGTH`); `null` counts as
//!   "not given", so it is fine for optional fields and `REQUIRED` for the others;
//! - then the DTO's `validator` rules run, and all problems found are answered at once.
//!
//! Limits of "all at once": serde stops at the first problem, so the extractor patches the
//! offending value with a stand-in of another type and tries again (at most [`MAX_ROUNDS`]
//! times). That finds every wrong type and missing field of an object; a problem it cannot
//! patch around (a value no stand-in satisfies) ends the search with what was found. Rules the
//! handler checks itself (a region that must exist, a state) come after the body is accepted.
//!
//! Whoever asks for a role (`CurrentUser`, `Cadre`, `BankOfficer`) is answered first: a body
//! error waits until the caller's identity is settled, so a youth posting `{}` to a cadre
//! route gets 403, not 422 (see [`crate::auth::extractors::identity_settled`]).
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, mime};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::Value;
use validator::Validate;

use super::text::{self, TextKind};
use crate::error::{ApiError, FieldError};

/// Largest JSON body accepted (a talent profile with a long introduction fits many times over).
pub const LIMIT: usize = 256 * 1024;

/// Deserialisation attempts per body while collecting problems.
pub const MAX_ROUNDS: usize = 40;

/// A checked, normalised and validated JSON body.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let payload = payload.take();
        Box::pin(async move {
            let outcome = match read(&req, payload).await {
                Ok(value) => parse::<T>(value),
                Err(e) => Err(e),
            };
            if outcome.is_err() {
                crate::auth::extractors::identity_settled(&req).await;
            }
            outcome.map(Json)
        })
    }
}

fn malformed() -> ApiError {
    ApiError::BadRequest("MALFORMED_JSON", "请求体不是有效的JSON".into())
}

pub fn unsupported_media_type() -> ApiError {
    ApiError::UnsupportedMediaType(
        "UNSUPPORTED_MEDIA_TYPE",
        "请求体须为JSON（Content-Type: application/json）".into(),
    )
}

pub fn too_large() -> ApiError {
    ApiError::PayloadTooLarge("PAYLOAD_TOO_LARGE", "请求体过大".into())
}

async fn read(req: &HttpRequest, mut payload: Payload) -> Result<Value, ApiError> {
    let is_json = matches!(req.mime_type(), Ok(Some(m))
        if m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON));
    if !is_json {
        return Err(unsupported_media_type());
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > LIMIT) {
        return Err(too_large());
    }
    let mut body = Vec::with_capacity(declared.unwrap_or(1024).min(LIMIT));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| malformed())?;
        if body.len() + chunk.len() > LIMIT {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|_| malformed())
}

/// Check, normalise, deserialise and validate a body, collecting every problem found.
pub fn parse<T: DeserializeOwned + Validate>(mut value: Value) -> Result<T, ApiError> {
    let mut problems = Problems::default();
    clean_strings(
        &mut value,
        &mut Vec::new(),
        TextKind::SingleLine,
        &mut problems,
    );
    let parsed = deserialize_collecting::<T>(value, &mut problems);
    if let Some(t) = &parsed
        && let Err(errs) = t.validate()
        && let ApiError::Validation(fields) = ApiError::from(errs)
    {
        for f in fields {
            problems.add(f);
        }
    }
    match parsed {
        Some(t) if problems.0.is_empty() => Ok(t),
        _ => {
            let mut fields = problems.0;
            fields.sort_by(|a, b| a.field.cmp(&b.field));
            if fields.is_empty() {
                fields.push(FieldError::new("", "INVALID_VALUE", "请求内容不正确"));
            }
            Err(ApiError::Validation(fields))
        }
    }
}

/// Problems found so far; one per field, and none beneath a field already wrong.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn covers(&self, field: &str) -> bool {
        self.0.iter().any(|f| {
            f.field == field
                || f.field.is_empty()
                || field
                    .strip_prefix(f.field.as_str())
                    .is_some_and(|rest| rest.starts_with(['.', '[']))
        })
    }

    fn add(&mut self, f: FieldError) {
        if !self.covers(&f.field) {
            self.0.push(f);
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

fn field_name(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Apply the text rule to every string (and object key) in place.
fn clean_strings(value: &mut Value, path: &mut Vec<Step>, kind: TextKind, out: &mut Problems) {
    match value {
        Value::String(s) => match text::clean(s, kind) {
            Ok(std::borrow::Cow::Borrowed(_)) => {}
            Ok(std::borrow::Cow::Owned(cleaned)) => *s = cleaned,
            Err(text::ControlCharacterFound) => {
                out.add(FieldError::new(
                    &field_name(path),
                    text::CONTROL_CHARACTER,
                    text::control_message(kind),
                ));
                // Keep looking for other problems with the offending characters taken out.
                *s = s.chars().filter(|c| !text::is_forbidden(*c)).collect();
            }
        },
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(Step::Index(i));
                clean_strings(item, path, kind, out);
                path.pop();
            }
        }
        Value::Object(map) => {
            let bad_keys: Vec<String> = map
                .keys()
                .filter(|k| text::clean(k, TextKind::SingleLine).is_err())
                .cloned()
                .collect();
            for k in bad_keys {
                map.remove(&k);
                out.add(FieldError::new(
                    &field_name(path),
                    text::CONTROL_CHARACTER,
                    "字段名不能包含控制字符",
                ));
            }
            for (k, v) in map.iter_mut() {
                path.push(Step::Key(k.clone()));
                clean_strings(v, path, TextKind::of_field(k), out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// What serde said, sorted into a field code and a Chinese message.
#[derive(Debug, Clone, PartialEq)]
enum Problem {
    /// A required field is absent (named) or `null`.
    Missing(String),
    Null,
    WrongType(&'static str),
    UnknownVariant(Vec<String>),
    UnknownField(String),
    OutOfRange,
    WrongLength,
    Format,
}

fn between<'a>(s: &'a str, start: &str, end: char) -> Option<&'a str> {
    let rest = &s[s.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

fn classify(message: &str) -> Problem {
    if let Some(name) = message
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        return Problem::Missing(name.to_owned());
    }
    if message.starts_with("invalid type: null") {
        return Problem::Null;
    }
    if message.starts_with("invalid type:") {
        let expected = message.split(", expected ").nth(1).unwrap_or("");
        return Problem::WrongType(type_label(expected));
    }
    if message.starts_with("unknown variant") {
        let choices = message
            .split(", expected ")
            .nth(1)
            .unwrap_or("")
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect();
        return Problem::UnknownVariant(choices);
    }
    if let Some(name) = between(message, "unknown field `", '`') {
        return Problem::UnknownField(name.to_owned());
    }
    if message.starts_with("invalid value: integer")
        || message.starts_with("invalid value: floating")
    {
        return Problem::OutOfRange;
    }
    if message.starts_with("invalid length") {
        return Problem::WrongLength;
    }
    Problem::Format
}

/// The kind of JSON value serde expected, in Chinese.
fn type_label(expected: &str) -> &'static str {
    let has = |words: &[&str]| words.iter().any(|w| expected.contains(w));
    if has(&[
        "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "usize", "isize", "integer",
    ]) {
        "整数"
    } else if has(&["f32", "f64", "float", "number"]) {
        "数字"
    } else if has(&["bool"]) {
        "true或false"
    } else if has(&["sequence", "array", "tuple", "set"]) {
        "列表"
    } else if has(&["map", "struct"]) {
        "对象"
    } else {
        "文本"
    }
}

fn field_error(field: &str, problem: &Problem) -> Option<FieldError> {
    let (code, message) = match problem {
        Problem::Missing(_) => ("REQUIRED", "缺少必填项".to_owned()),
        Problem::Null => ("REQUIRED", "不能为空".to_owned()),
        Problem::WrongType(kind) => ("INVALID_TYPE", format!("类型不正确，应为{kind}")),
        Problem::UnknownVariant(choices) if choices.is_empty() => {
            ("INVALID_VALUE", "取值无效".to_owned())
        }
        Problem::UnknownVariant(choices) => (
            "INVALID_VALUE",
            format!("取值无效，可选：{}", choices.join("、")),
        ),
        Problem::UnknownField(_) => ("UNKNOWN_FIELD", "不支持该字段".to_owned()),
        Problem::OutOfRange => ("RANGE", "数值超出允许范围".to_owned()),
        Problem::WrongLength => ("LENGTH", "长度不符合要求".to_owned()),
        Problem::Format => ("FORMAT", "格式不正确".to_owned()),
    };
    Some(FieldError::new(field, code, message))
}

/// Stand-ins tried in place of a wrong value, so that serde can go on to the next problem.
fn stand_ins(problem: &Problem) -> Vec<Value> {
    let mut out = Vec::new();
    if let Problem::UnknownVariant(choices) = problem
        && let Some(first) = choices.first()
    {
        out.push(Value::String(first.clone()));
    }
    out.extend([
        Value::String(String::new()),
        Value::from(0),
        Value::Bool(false),
        Value::Array(Vec::new()),
        Value::Object(serde_json::Map::new()),
        Value::String("00000000-0000-0000-0000-000000000000".into()),
        Value::String("2000-01-01".into()),
        Value::String("2000-01-01T00:00:00+08:00".into()),
    ]);
    out
}

fn steps_of(path: &serde_path_to_error::Path) -> Option<Vec<Step>> {
    use serde_path_to_error::Segment;
    path.iter()
        .map(|s| match s {
            Segment::Map { key } => Some(Step::Key(key.clone())),
            Segment::Seq { index } => Some(Step::Index(*index)),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

fn slot<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, step| match (step, v) {
        (Step::Key(k), Value::Object(map)) => map.get_mut(k),
        (Step::Index(i), Value::Array(items)) => items.get_mut(*i),
        _ => None,
    })
}

/// Where the failure sits, and what it was.
type Failure = (Vec<Step>, Problem);

fn attempt<T: DeserializeOwned>(value: &Value) -> Result<T, Option<Failure>> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let mut path = steps_of(e.path())?;
        let problem = classify(&e.inner().to_string());
        match &problem {
            Problem::Missing(name) | Problem::UnknownField(name) => {
                path.push(Step::Key(name.clone()))
            }
            _ => {}
        }
        Some((path, problem))
    })
}

/// Deserialise `value`, recording each problem and patching around it to find the next.
fn deserialize_collecting<T: DeserializeOwned>(mut value: Value, out: &mut Problems) -> Option<T> {
    let mut rounds = 0;
    let mut failure = match attempt::<T>(&value) {
        Ok(t) => return Some(t),
        Err(f) => f,
    };
    while let Some((path, problem)) = failure {
        let field = field_name(&path);
        // `null` is "not given": fine where the field may be left out.
        let mut candidates: Vec<Option<Value>> = Vec::new();
        let in_object = matches!(path.last(), Some(Step::Key(_)));
        if in_object && matches!(problem, Problem::Null | Problem::UnknownField(_)) {
            candidates.push(None);
        }
        if !matches!(problem, Problem::UnknownField(_)) {
            candidates.extend(stand_ins(&problem).into_iter().map(Some));
        }
        let mut next = None;
        let mut recorded = false;
        let mut queue: std::collections::VecDeque<Option<Value>> = candidates.into();
        while let Some(candidate) = queue.pop_front() {
            rounds += 1;
            if rounds > MAX_ROUNDS {
                break;
            }
            let mut patched = value.clone();
            if !patch(&mut patched, &path, candidate.clone()) {
                break;
            }
            match attempt::<T>(&patched) {
                Err(Some((p, again))) if p == path => {
                    // An enum: serde has just said which values it takes.
                    if let Problem::UnknownVariant(choices) = again
                        && let Some(first) = choices.into_iter().next()
                    {
                        queue.push_front(Some(Value::String(first)));
                    }
                }
                outcome => {
                    let null_was_fine = candidate.is_none() && problem == Problem::Null;
                    if !null_was_fine && let Some(e) = field_error(&field, &problem) {
                        out.add(e);
                    }
                    recorded = true;
                    value = patched;
                    next = Some(outcome);
                    break;
                }
            }
        }
        if !recorded {
            if let Some(e) = field_error(&field, &problem) {
                out.add(e);
            }
            return None;
        }
        match next {
            Some(Ok(t)) => return Some(t),
            Some(Err(f)) => failure = f,
            None => return None,
        }
    }
    None
}

/// Put `candidate` (or nothing) at `path`, creating the key for a missing field.
fn patch(value: &mut Value, path: &[Step], candidate: Option<Value>) -> bool {
    let Some((last, parent)) = path.split_last() else {
        return match candidate {
            Some(c) => {
                *value = c;
                true
            }
            None => false,
        };
    };
    let Some(parent) = slot(value, parent) else {
        return false;
    };
    match (last, parent, candidate) {
        (Step::Key(k), Value::Object(map), Some(c)) => {
            map.insert(k.clone(), c);
            true
        }
        (Step::Key(k), Value::Object(map), None) => map.remove(k).is_some(),
        (Step::Index(i), Value::Array(items), Some(c)) if *i < items.len() => {
            items[*i] = c;
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, Validate)]
    #[serde(rename_all = "camelCase")]
    struct Item {
        #[validate(range(min = 1, max = 600))]
        minutes: u32,
    }

    #[derive(Debug, Deserialize, Validate)]
    #[serde(rename_all = "camelCase")]
    struct Req {
        #[validate(custom(function = "crate::input::text::visible_length::<2, 20>"))]
        title: String,
        #[serde(default)]
        note: Option<String>,
        #[serde(default)]
        count: u32,
        #[allow(dead_code)]
        kind: Kind,
        #[validate(nested)]
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Online,
        Offline,
    }

    fn fields(body: Value) -> Vec<(String, String)> {
        match parse::<Req>(body) {
            Ok(_) => Vec::new(),
            Err(ApiError::Validation(f)) => f.into_iter().map(|f| (f.field, f.code)).collect(),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    fn pair(f: &str, c: &str) -> (String, String) {
        (f.to_owned(), c.to_owned())
    }

    #[test]
    fn a_good_body_passes_normalised() {
        let r: Req = parse(json!({"title": " e\u{301}t\u{e9} ", "kind": "online", "items": [{"minutes": 5}], "note": null}))
            .unwrap();
        assert_eq!(r.title, "\u{e9}t\u{e9}");
        assert!(r.note.is_none());
        assert_eq!(r.count, 0);
    }

    #[test]
    fn every_wrong_type_is_named_by_its_path_at_once() {
        let got = fields(json!({
            "title": 5, "count": "x", "kind": "bus",
            "items": [{"minutes": 5}, {"minutes": 5}, {"minutes": "ten"}]
        }));
        assert_eq!(
            got,
            vec![
                pair("count", "INVALID_TYPE"),
                pair("items[2].minutes", "INVALID_TYPE"),
                pair("kind", "INVALID_VALUE"),
                pair("title", "INVALID_TYPE"),
            ]
        );
    }

    #[test]
    fn null_is_not_given_missing_is_required_and_rules_run_too() {
        let got = fields(json!({"title": null, "count": null, "items": [{"minutes": 0}]}));
        assert_eq!(
            got,
            vec![
                pair("items[0].minutes", "RANGE"),
                pair("kind", "REQUIRED"),
                pair("title", "REQUIRED"),
            ]
        );
    }

    #[test]
    fn control_characters_name_their_field_and_other_problems_still_show() {
        let got = fields(json!({"title": "a\u{0}b", "kind": "online", "items": [{"minutes": 0}]}));
        assert_eq!(
            got,
            vec![
                pair("items[0].minutes", "RANGE"),
                pair("title", "CONTROL_CHARACTER"),
            ]
        );
    }

    #[test]
    fn invisible_texts_do_not_meet_a_minimum_length() {
        let got = fields(
            json!({"title": "\u{200B}\u{200B}\u{200B}\u{200B}", "kind": "online", "items": []}),
        );
        assert_eq!(got, vec![pair("title", "LENGTH")]);
    }

    #[test]
    fn messages_are_chinese_only() {
        let Err(ApiError::Validation(f)) =
            parse::<Req>(json!({"title": [1], "kind": 3, "count": -1, "items": {}}))
        else {
            panic!("refused")
        };
        for e in f {
            for english in ["expected", "invalid", "type", "missing", "`"] {
                assert!(!e.message.contains(english), "{e:?}");
            }
        }
    }

    #[test]
    fn a_body_that_is_no_object_is_one_problem() {
        assert!(!fields(json!([1, 2])).is_empty());
        assert!(!fields(json!("text")).is_empty());
    }
}
