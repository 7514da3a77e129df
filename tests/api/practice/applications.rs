//! 返家乡 applications and selection (双向选择): students apply in their home county, the host
//! supervisor or the local-unit cadre offers or rejects, the student confirms, declines or
//! withdraws; offers lapse by a sweep; seats and placements are counters with exactly one
//! winner.
use chrono::{Duration, Utc};
use entity::{practice_applications, practice_positions, practice_student_campaigns};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::loans::bind_phone;
use crate::practice::positions::{
    DONGCHANG_VILLAGE, KUANCHENG_VILLAGE, MEIHEKOU, open_campaign, position_body, published,
};
use crate::practice::{
    NANGUAN, NANGUAN_VILLAGE, accept, campaign_body, create_host, invite, profile_body,
};

const MOTIVATION: &str = "我是法学专业学生，家在本地，希望利用假期服务家乡。";

/// A student of `region` with a bound phone.
pub async fn applicant(app: &TestApp, name: &str, region: &str) -> Login {
    let s = crate::practice::student_in(app, name, region).await;
    bind_phone(app, &s).await;
    s
}

pub fn application_body() -> Value {
    json!({"motivation": MOTIVATION, "hostSharingConsent": true, "consentVersion": "2026-12"})
}

pub async fn apply_with(
    app: &TestApp,
    who: &Login,
    position: &str,
    body: &Value,
    key: Option<&str>,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url(&format!(
            "/api/v1/practice/positions/{position}/applications"
        )))
        .bearer_auth(&who.token)
        .json(body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    app.send(req).await
}

pub async fn apply(app: &TestApp, who: &Login, position: &str) -> reqwest::Response {
    apply_with(app, who, position, &application_body(), None).await
}

/// Apply and return the new application's id.
pub async fn applied(app: &TestApp, who: &Login, position: &str) -> String {
    json_of(apply(app, who, position).await, StatusCode::CREATED).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The province's open campaign, a host of 南关 with a bound supervisor, its local cadre.
pub struct World {
    pub app: TestApp,
    pub cadre: Login,
    pub campaign: Value,
    pub host: String,
    pub supervisor: Login,
}

pub async fn world_with(app: TestApp, campaign: Value) -> World {
    let province = app.admin_of("220000").await;
    let cadre = app.admin_of(NANGUAN).await;
    let campaign = open_campaign(&app, &province, &campaign).await;
    let host = create_host(&app, &cadre, "220102001").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let supervisor = app.login_as_youth("host_supervisor").await;
    let code = invite(&app, &cadre, &host).await;
    json_of(accept(&app, &supervisor, &code).await, StatusCode::CREATED).await;
    World {
        app,
        cadre,
        campaign,
        host,
        supervisor,
    }
}

pub async fn world() -> World {
    world_with(spawn_app().await, campaign_body()).await
}

impl World {
    /// A published position of the host with `slots` seats.
    pub async fn position(&self, slots: i64) -> String {
        let mut body = position_body(&self.campaign, &self.host, NANGUAN_VILLAGE);
        body["slots"] = json!(slots);
        published(&self.app, &self.cadre, &body).await
    }

    pub async fn host_act(&self, id: &str, act: &str, body: &Value) -> reqwest::Response {
        self.app
            .post(
                &format!("/api/v1/me/host/applications/{id}/{act}"),
                Some(&self.supervisor.token),
                body,
            )
            .await
    }

    pub async fn cadre_act(
        &self,
        who: &Login,
        id: &str,
        act: &str,
        body: &Value,
    ) -> reqwest::Response {
        self.app
            .post(
                &format!("/api/v1/admin/practice/applications/{id}/{act}"),
                Some(&who.token),
                body,
            )
            .await
    }

    pub async fn offered(&self, id: &str) -> Value {
        json_of(
            self.host_act(id, "offers", &json!({})).await,
            StatusCode::OK,
        )
        .await
    }

    pub async fn student_act(
        &self,
        who: &Login,
        id: &str,
        act: &str,
        body: &Value,
    ) -> reqwest::Response {
        self.app
            .post(
                &format!("/api/v1/me/practice/applications/{id}/{act}"),
                Some(&who.token),
                body,
            )
            .await
    }

    pub async fn mine(&self, who: &Login, id: &str) -> Value {
        json_of(
            self.app
                .get(
                    &format!("/api/v1/me/practice/applications/{id}"),
                    Some(&who.token),
                )
                .await,
            StatusCode::OK,
        )
        .await
    }

    pub async fn slots_left(&self, position: &str) -> i64 {
        json_of(
            self.app
                .get(
                    &format!("/api/v1/admin/practice/positions/{position}"),
                    Some(&self.cadre.token),
                )
                .await,
            StatusCode::OK,
        )
        .await["slotsLeft"]
            .as_i64()
            .unwrap()
    }

    /// Move a position's first day (and the campaign's practice days) to `days` from today.
    pub async fn start_position_in(&self, position: &str, days: i64) {
        let starts = jiqing::time::today_in_china(Utc::now()) + Duration::days(days);
        practice_positions::Entity::update_many()
            .col_expr(practice_positions::Column::StartsOn, Expr::value(starts))
            .filter(practice_positions::Column::Id.eq(position.parse::<Uuid>().unwrap()))
            .exec(self.app.db())
            .await
            .unwrap();
    }
}

pub async fn kinds(app: &TestApp, who: &Login) -> Vec<String> {
    let page = json_of(
        app.get("/api/v1/me/notifications?pageSize=100", Some(&who.token))
            .await,
        StatusCode::OK,
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect()
}

fn actions(detail: &Value) -> Vec<String> {
    detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

async fn guard_row(
    app: &TestApp,
    who: &Login,
    campaign: &Value,
) -> practice_student_campaigns::Model {
    practice_student_campaigns::Entity::find_by_id((
        who.user_id.parse::<Uuid>().unwrap(),
        campaign["id"].as_str().unwrap().parse::<Uuid>().unwrap(),
    ))
    .one(app.db())
    .await
    .unwrap()
    .unwrap()
}

#[tokio::test]
async fn a_student_applies_the_host_offers_and_the_student_confirms() {
    let w = world().await;
    let app = &w.app;
    let position = w.position(2).await;
    let student = applicant(app, "zhangsan", NANGUAN_VILLAGE).await;
    // Apply with an Idempotency-Key: 201, then the same key and body 200 with the same record.
    let first = json_of(
        apply_with(
            app,
            &student,
            &position,
            &application_body(),
            Some("apply-1"),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = first["id"].as_str().unwrap().to_owned();
    assert_eq!(first["status"], "submitted");
    assert_eq!(first["statusLabel"], "已报名");
    assert_eq!(first["hostName"], "南关区南岭街道办事处");
    assert_eq!(first["nextStep"]["actor"], "host");
    assert_eq!(actions(&first), ["apply"]);
    let again = json_of(
        apply_with(
            app,
            &student,
            &position,
            &application_body(),
            Some("apply-1"),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["id"], first["id"]);
    let mut other = application_body();
    other["motivation"] = json!("另一段不同的报名理由，用来检验幂等键。");
    let e = assert_error(
        apply_with(app, &student, &position, &other, Some("apply-1")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "IDEMPOTENCY_KEY_REUSED",
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["field"], "Idempotency-Key");
    // The consent names the host.
    let consents = json_of(
        app.get("/api/v1/me/sharing-consents", Some(&student.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(consents["total"], 1);
    assert_eq!(consents["items"][0]["purpose"], "practice_host_sharing");
    assert_eq!(consents["items"][0]["recipientKind"], "host_unit");
    assert_eq!(
        consents["items"][0]["recipientName"],
        "南关区南岭街道办事处"
    );
    assert_eq!(consents["items"][0]["subjectId"], id.as_str());
    // The host hears of it once (a digest) and sees it waiting.
    let second = applicant(app, "lisi", NANGUAN_VILLAGE).await;
    applied(app, &second, &position).await;
    let received = kinds(app, &w.supervisor).await;
    assert_eq!(
        received
            .iter()
            .filter(|k| *k == "practice.application_received")
            .count(),
        1,
        "{received:?}"
    );
    let mine = json_of(
        app.get("/api/v1/me/host/positions", Some(&w.supervisor.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["applications"]["submitted"], 2);
    let list = json_of(
        app.get(
            &format!("/api/v1/me/host/positions/{position}/applications?status=submitted"),
            Some(&w.supervisor.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["id"], id.as_str());
    assert_eq!(list["items"][0]["applicant"]["realName"], "张三");
    assert_eq!(list["items"][0]["applicant"]["phone"], "139****5678");
    assert!(list["items"][0]["applicant"]["emergencyContactPhone"].is_null());
    // The host offers: the seat is taken, the student is told with the deadline.
    let offered = w.offered(&id).await;
    assert_eq!(offered["status"], "offered");
    assert_eq!(offered["decidedByKind"], "host");
    assert!(
        offered["offerExpiresAt"]
            .as_str()
            .unwrap()
            .ends_with("+08:00")
    );
    assert_eq!(w.slots_left(&position).await, 1);
    assert!(
        kinds(app, &student)
            .await
            .contains(&"practice.offered".to_owned())
    );
    let detail = w.mine(&student, &id).await;
    assert_eq!(detail["nextStep"]["actor"], "you");
    assert_eq!(detail["nextStep"]["dueAt"], detail["offerExpiresAt"]);
    // The student confirms: the host is told and now sees the phone and the emergency contact.
    let confirmed = json_of(
        w.student_act(&student, &id, "confirmations", &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(confirmed["status"], "confirmed");
    assert_eq!(actions(&confirmed), ["apply", "offer", "confirm"]);
    assert_eq!(confirmed["timeline"][1]["actor"]["label"], "接收单位");
    assert_eq!(confirmed["timeline"][2]["actor"]["label"], "本人");
    // A repeat of the confirmation is answered with the record.
    json_of(
        w.student_act(&student, &id, "confirmations", &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        kinds(app, &w.supervisor)
            .await
            .contains(&"practice.confirmed".to_owned())
    );
    let seen = json_of(
        app.get(
            &format!("/api/v1/me/host/applications/{id}"),
            Some(&w.supervisor.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen["applicant"]["phone"], "13912345678");
    assert_eq!(seen["applicant"]["emergencyContactPhone"], "13900001111");
    assert_eq!(seen["timeline"][0]["actor"]["label"], "学生");
    assert_eq!(w.slots_left(&position).await, 1);
    let guard = guard_row(app, &student, &w.campaign).await;
    assert_eq!(guard.open_applications, 0);
    assert_eq!(guard.placed_application_id.map(|u| u.to_string()), Some(id));
    // The list of the student's own applications carries the next step.
    let page = json_of(
        app.get("/api/v1/me/practice/applications", Some(&student.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["nextStep"]["actor"], "you");
}

#[tokio::test]
async fn applying_is_refused_with_its_code_for_every_rule() {
    let w = world().await;
    let app = &w.app;
    let position = w.position(1).await;
    // No profile; a staff account.
    let nobody = app.login_as_youth("noprofile").await;
    assert_error(
        apply(app, &nobody, &position).await,
        StatusCode::CONFLICT,
        "STUDENT_PROFILE_REQUIRED",
    )
    .await;
    assert_error(
        apply(app, &w.cadre, &position).await,
        StatusCode::FORBIDDEN,
        "YOUTH_ONLY",
    )
    .await;
    // A draft position does not exist for students.
    let draft = crate::practice::positions::create_position(
        app,
        &w.cadre,
        &position_body(&w.campaign, &w.host, NANGUAN_VILLAGE),
    )
    .await;
    let student = applicant(app, "rules", NANGUAN_VILLAGE).await;
    assert_error(
        apply(app, &student, draft["id"].as_str().unwrap()).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // Another county's student.
    let kuancheng = applicant(app, "kuancheng", KUANCHENG_VILLAGE).await;
    assert_error(
        apply(app, &kuancheng, &position).await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_HOME_REGION",
    )
    .await;
    // Under 18 on today's China date.
    let minor = app.login_as_youth("minor").await;
    let mut body = profile_body(NANGUAN_VILLAGE);
    let dob = jiqing::time::today_in_china(Utc::now()) - Duration::days(17 * 365);
    body["dateOfBirth"] = json!(dob.to_string());
    json_of(
        app.put("/api/v1/me/student-profile", Some(&minor.token), &body)
            .await,
        StatusCode::CREATED,
    )
    .await;
    bind_phone(app, &minor).await;
    assert_error(
        apply(app, &minor, &position).await,
        StatusCode::FORBIDDEN,
        "AGE_NOT_ELIGIBLE",
    )
    .await;
    // No bound phone.
    let silent = crate::practice::student_in(app, "silent", NANGUAN_VILLAGE).await;
    assert_error(
        apply(app, &silent, &position).await,
        StatusCode::CONFLICT,
        "PHONE_REQUIRED",
    )
    .await;
    // No consent, or an old text.
    let mut b = application_body();
    b["hostSharingConsent"] = json!(false);
    let e = json_of(
        apply_with(app, &student, &position, &b, None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["code"], "CONSENT_REQUIRED");
    let mut b = application_body();
    b["consentVersion"] = json!("2020-01");
    let e = json_of(
        apply_with(app, &student, &position, &b, None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["code"], "CONSENT_OUTDATED");
    // Dates outside the position's.
    let mut b = application_body();
    b["availableFrom"] = json!("2020-01-01");
    let e = json_of(
        apply_with(app, &student, &position, &b, None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["field"], "availableFrom");
    // Nothing was written by any refusal.
    assert_eq!(
        practice_applications::Entity::find()
            .all(app.db())
            .await
            .unwrap()
            .len(),
        0
    );
    // Applying twice to one position.
    let id = applied(app, &student, &position).await;
    assert_error(
        apply(app, &student, &position).await,
        StatusCode::CONFLICT,
        "ALREADY_APPLIED",
    )
    .await;
    // A full position (its one seat offered).
    w.offered(&id).await;
    let late = applicant(app, "late", NANGUAN_VILLAGE).await;
    assert_error(
        apply(app, &late, &position).await,
        StatusCode::CONFLICT,
        "POSITION_FULL",
    )
    .await;
    // A closed position.
    let closed = w.position(3).await;
    let version = json_of(
        app.get(
            &format!("/api/v1/admin/practice/positions/{closed}"),
            Some(&w.cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await["version"]
        .clone();
    json_of(
        app.post(
            &format!("/api/v1/admin/practice/positions/{closed}/closings"),
            Some(&w.cadre.token),
            &json!({ "version": version }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        apply(app, &late, &closed).await,
        StatusCode::CONFLICT,
        "APPLICATION_CLOSED",
    )
    .await;
    // The application window closed a second ago (China time, whatever the UTC date).
    let open = w.position(3).await;
    entity::practice_campaigns::Entity::update_many()
        .col_expr(
            entity::practice_campaigns::Column::ApplicationsCloseAt,
            Expr::value(Utc::now() - Duration::seconds(1)),
        )
        .exec(app.db())
        .await
        .unwrap();
    assert_error(
        apply(app, &late, &open).await,
        StatusCode::CONFLICT,
        "APPLICATION_CLOSED",
    )
    .await;
}

#[tokio::test]
async fn a_student_may_hold_three_open_applications_per_campaign() {
    let w = world().await;
    let app = &w.app;
    let student = applicant(app, "busy", NANGUAN_VILLAGE).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let p = w.position(2).await;
        ids.push(applied(app, &student, &p).await);
    }
    let fourth = w.position(2).await;
    assert_error(
        apply(app, &student, &fourth).await,
        StatusCode::CONFLICT,
        "TOO_MANY_APPLICATIONS",
    )
    .await;
    // An offer stays open; a rejection frees a place.
    w.offered(&ids[0]).await;
    assert_error(
        apply(app, &student, &fourth).await,
        StatusCode::CONFLICT,
        "TOO_MANY_APPLICATIONS",
    )
    .await;
    json_of(
        w.host_act(
            &ids[1],
            "rejections",
            &json!({"reason": "专业方向与岗位要求不符"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    applied(app, &student, &fourth).await;
    assert_eq!(
        guard_row(app, &student, &w.campaign)
            .await
            .open_applications,
        3
    );
}

/// Acceptance check 1: home county, city-wide positions of the same top-level unit, and 梅河口,
/// a top-level unit of its own, never sees 通化's city-wide positions.
#[tokio::test]
async fn students_apply_in_their_home_county_and_city_wide_in_their_top_level_unit() {
    let w = world().await;
    let app = &w.app;
    let mut body = position_body(&w.campaign, &w.host, NANGUAN_VILLAGE);
    let county_only = published(app, &w.cadre, &body).await;
    body["openToCity"] = json!(true);
    let city_wide = published(app, &w.cadre, &body).await;
    let kuancheng = applicant(app, "kc", KUANCHENG_VILLAGE).await;
    assert_error(
        apply(app, &kuancheng, &county_only).await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_HOME_REGION",
    )
    .await;
    applied(app, &kuancheng, &city_wide).await;
    // 通化 (东昌区) city-wide position; a 梅河口 student is refused, a 东昌 one is not.
    let dongchang = app.admin_of("220502").await;
    let host = create_host(app, &dongchang, "220502001").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut tonghua = position_body(&w.campaign, &host, DONGCHANG_VILLAGE);
    tonghua["openToCity"] = json!(true);
    let tonghua = published(app, &dongchang, &tonghua).await;
    let meihekou = applicant(app, "mhk", &format!("{MEIHEKOU}001001")).await;
    assert_error(
        apply(app, &meihekou, &tonghua).await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_HOME_REGION",
    )
    .await;
    let local = applicant(app, "dc", DONGCHANG_VILLAGE).await;
    applied(app, &local, &tonghua).await;
}

#[tokio::test]
async fn selection_is_refused_to_the_wrong_actor_host_or_state() {
    let w = world().await;
    let app = &w.app;
    let position = w.position(2).await;
    let student = applicant(app, "sel", NANGUAN_VILLAGE).await;
    let id = applied(app, &student, &position).await;
    // A city cadre above the local unit: LOCAL_UNIT_ONLY; a neighbour county: 404.
    let city = app.admin_of("220100").await;
    assert_error(
        w.cadre_act(&city, &id, "offers", &json!({})).await,
        StatusCode::FORBIDDEN,
        "LOCAL_UNIT_ONLY",
    )
    .await;
    let neighbour = app.admin_of("220103").await;
    assert_error(
        w.cadre_act(&neighbour, &id, "offers", &json!({})).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // A supervisor of another host reads and acts on nothing of this one.
    let other_host = create_host(app, &w.cadre, "220102001").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let stranger = app.login_as_youth("stranger_host").await;
    let code = invite(app, &w.cadre, &other_host).await;
    json_of(accept(app, &stranger, &code).await, StatusCode::CREATED).await;
    assert_error(
        app.get(
            &format!("/api/v1/me/host/applications/{id}"),
            Some(&stranger.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        app.post(
            &format!("/api/v1/me/host/applications/{id}/offers"),
            Some(&stranger.token),
            &json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        app.get(
            &format!("/api/v1/me/host/positions/{position}/applications"),
            Some(&stranger.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // Not a supervisor at all.
    assert_error(
        app.get("/api/v1/me/host/positions", Some(&student.token))
            .await,
        StatusCode::FORBIDDEN,
        "HOST_SUPERVISOR_ONLY",
    )
    .await;
    // A stale version; a reason too short.
    assert_error(
        w.host_act(&id, "offers", &json!({"version": 7})).await,
        StatusCode::CONFLICT,
        "APPLICATION_CHANGED",
    )
    .await;
    json_of(
        w.host_act(&id, "rejections", &json!({"reason": "否"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    // A suspended host's supervisor still reads but no longer acts; the local cadre does.
    json_of(
        app.post(
            &format!("/api/v1/admin/practice/host-units/{}/suspensions", w.host),
            Some(&w.cadre.token),
            &json!({"reason": "单位整改期间暂停接收"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.get(
            &format!("/api/v1/me/host/positions/{position}/applications"),
            Some(&w.supervisor.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        w.host_act(&id, "offers", &json!({})).await,
        StatusCode::FORBIDDEN,
        "HOST_SUSPENDED",
    )
    .await;
    let rejected = json_of(
        w.cadre_act(
            &w.cadre,
            &id,
            "rejections",
            &json!({"reason": "岗位要求有调整，暂不录用"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["decidedByKind"], "cadre");
    assert_eq!(rejected["timeline"][1]["actor"]["kind"], "cadre");
    // Rejecting again is the same answer; offering now is INVALID_STATE.
    json_of(
        w.cadre_act(
            &w.cadre,
            &id,
            "rejections",
            &json!({"reason": "岗位要求有调整，暂不录用"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        w.cadre_act(&w.cadre, &id, "offers", &json!({})).await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    let mine = w.mine(&student, &id).await;
    assert_eq!(mine["decisionReason"], "岗位要求有调整，暂不录用");
    assert!(mine["nextStep"].is_null());
    assert!(
        kinds(app, &student)
            .await
            .contains(&"practice.rejected".to_owned())
    );
    // Offering once the position has started.
    let late = applicant(app, "late_sel", NANGUAN_VILLAGE).await;
    let late_id = applied(app, &late, &position).await;
    w.start_position_in(&position, 0).await;
    assert_error(
        w.cadre_act(&w.cadre, &late_id, "offers", &json!({})).await,
        StatusCode::CONFLICT,
        "PRACTICE_STARTED",
    )
    .await;
}

#[tokio::test]
async fn confirming_needs_the_emergency_contact_and_for_insured_posts_the_id_number() {
    let w = world().await;
    let app = &w.app;
    // A profile without an emergency contact.
    let student = app.login_as_youth("noemergency").await;
    let mut body = profile_body(NANGUAN_VILLAGE);
    body["emergencyContactName"] = Value::Null;
    body["emergencyContactPhone"] = Value::Null;
    json_of(
        app.put("/api/v1/me/student-profile", Some(&student.token), &body)
            .await,
        StatusCode::CREATED,
    )
    .await;
    bind_phone(app, &student).await;
    let position = w.position(2).await;
    let id = applied(app, &student, &position).await;
    w.offered(&id).await;
    assert_error(
        w.student_act(&student, &id, "confirmations", &json!({}))
            .await,
        StatusCode::CONFLICT,
        "EMERGENCY_CONTACT_REQUIRED",
    )
    .await;
    // An insured position: the ID number, then its own consent.
    let mut insured = position_body(&w.campaign, &w.host, NANGUAN_VILLAGE);
    insured["insuranceByHost"] = json!(true);
    let insured = published(app, &w.cadre, &insured).await;
    let other = applicant(app, "insured", NANGUAN_VILLAGE).await;
    let other_id = applied(app, &other, &insured).await;
    w.offered(&other_id).await;
    assert_error(
        w.student_act(&other, &other_id, "confirmations", &json!({}))
            .await,
        StatusCode::CONFLICT,
        "ID_NUMBER_REQUIRED",
    )
    .await;
    let mut with_id = profile_body(NANGUAN_VILLAGE);
    with_id["idNumber"] = json!(crate::practice::id_number("20040301"));
    with_id["idNumberConsent"] = json!(true);
    json_of(
        app.put("/api/v1/me/student-profile", Some(&other.token), &with_id)
            .await,
        StatusCode::OK,
    )
    .await;
    let e = json_of(
        w.student_act(&other, &other_id, "confirmations", &json!({}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["code"], "CONSENT_REQUIRED");
    let ok = json_of(
        w.student_act(
            &other,
            &other_id,
            "confirmations",
            &json!({"insuranceConsent": true, "consentVersion": "2026-12"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ok["status"], "confirmed");
    let consents = json_of(
        app.get("/api/v1/me/sharing-consents", Some(&other.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        consents["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["purpose"] == "practice_insurance"
                && c["recipientName"] == "南关区南岭街道办事处")
    );
}

/// Acceptance check 2, first half, with real concurrency: offers for the last seat (the host
/// and the local cadre at once, on two instances on PostgreSQL) have exactly one winner.
#[tokio::test]
async fn two_offers_for_the_last_seat_have_one_winner() {
    let w = world().await;
    let app = &w.app;
    let second = app.second_instance_on_postgres().await;
    let other = second.as_ref().unwrap_or(app);
    for round in 0..3 {
        let position = w.position(1).await;
        let a = applicant(app, &format!("seat_a{round}"), NANGUAN_VILLAGE).await;
        let b = applicant(app, &format!("seat_b{round}"), NANGUAN_VILLAGE).await;
        let ia = applied(app, &a, &position).await;
        let ib = applied(app, &b, &position).await;
        let (url_a, url_b, empty) = (
            format!("/api/v1/me/host/applications/{ia}/offers"),
            format!("/api/v1/admin/practice/applications/{ib}/offers"),
            json!({}),
        );
        let (x, y) = tokio::join!(
            app.post(&url_a, Some(&w.supervisor.token), &empty),
            other.post(&url_b, Some(&w.cadre.token), &empty),
        );
        let (sx, sy) = (x.status(), y.status());
        let bodies = [
            x.json::<Value>().await.unwrap(),
            y.json::<Value>().await.unwrap(),
        ];
        let mut statuses = [sx, sy];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "{bodies:?}"
        );
        let loser = if sx == StatusCode::CONFLICT {
            &bodies[0]
        } else {
            &bodies[1]
        };
        assert_eq!(loser["error"]["code"], "POSITION_FULL");
        assert_eq!(w.slots_left(&position).await, 0);
        let offered = practice_applications::Entity::find()
            .filter(practice_applications::Column::PositionId.eq(position.parse::<Uuid>().unwrap()))
            .filter(
                practice_applications::Column::Status
                    .eq(practice_applications::ApplicationStatus::Offered),
            )
            .all(app.db())
            .await
            .unwrap();
        assert_eq!(offered.len(), 1);
    }
    // Acceptance check 2: 2 slots, 3 applicants, the third offer is POSITION_FULL.
    let position = w.position(2).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let s = applicant(app, &format!("three{i}"), NANGUAN_VILLAGE).await;
        ids.push(applied(app, &s, &position).await);
    }
    w.offered(&ids[0]).await;
    w.offered(&ids[1]).await;
    assert_error(
        w.host_act(&ids[2], "offers", &json!({})).await,
        StatusCode::CONFLICT,
        "POSITION_FULL",
    )
    .await;
    assert_eq!(w.slots_left(&position).await, 0);
}

/// Acceptance check 3: a student holding offers for two positions of one campaign confirms both
/// at once: one 200, one 409 `ALREADY_PLACED` (two instances on PostgreSQL).
#[tokio::test]
async fn two_confirmations_of_one_student_have_one_winner() {
    let w = world().await;
    let app = &w.app;
    let second = app.second_instance_on_postgres().await;
    let other = second.as_ref().unwrap_or(app);
    for round in 0..3 {
        let student = applicant(app, &format!("twice{round}"), NANGUAN_VILLAGE).await;
        let p1 = w.position(2).await;
        let p2 = w.position(2).await;
        let a1 = applied(app, &student, &p1).await;
        let a2 = applied(app, &student, &p2).await;
        w.offered(&a1).await;
        w.offered(&a2).await;
        let (url_a, url_b, empty) = (
            format!("/api/v1/me/practice/applications/{a1}/confirmations"),
            format!("/api/v1/me/practice/applications/{a2}/confirmations"),
            json!({}),
        );
        let (x, y) = tokio::join!(
            app.post(&url_a, Some(&student.token), &empty),
            other.post(&url_b, Some(&student.token), &empty),
        );
        let (sx, sy) = (x.status(), y.status());
        let bodies = [
            x.json::<Value>().await.unwrap(),
            y.json::<Value>().await.unwrap(),
        ];
        let mut statuses = [sx, sy];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "{bodies:?}"
        );
        let loser = if sx == StatusCode::CONFLICT {
            &bodies[0]
        } else {
            &bodies[1]
        };
        assert_eq!(loser["error"]["code"], "ALREADY_PLACED");
        let guard = guard_row(app, &student, &w.campaign).await;
        let winner = if sx == StatusCode::OK { &a1 } else { &a2 };
        let loser_id = if sx == StatusCode::OK { &a2 } else { &a1 };
        assert_eq!(guard.placed_application_id.unwrap().to_string(), *winner);
        assert_eq!(guard.open_applications, 1, "the other offer is still open");
        // The other offer is still there to decline; its seat goes back.
        let declined = json_of(
            w.student_act(&student, loser_id, "offer-declines", &json!({}))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(declined["status"], "declined");
        assert_eq!(
            guard_row(app, &student, &w.campaign)
                .await
                .open_applications,
            0
        );
        let loser_position = if sx == StatusCode::OK { &p2 } else { &p1 };
        assert_eq!(w.slots_left(loser_position).await, 2);
    }
}

/// Acceptance check 2, second half: with `offer_valid_hours = 0` an offer cannot be confirmed
/// and lapses by the sweep exactly once, even with two instances sweeping at once: the seat
/// comes back once, the student is told once.
#[tokio::test]
async fn an_unconfirmed_offer_lapses_exactly_once() {
    let app = spawn_app_with(|s| {
        s.practice.lapse_sweep_interval = std::time::Duration::from_secs(3600);
    })
    .await;
    let mut campaign = campaign_body();
    campaign["offerValidHours"] = json!(0);
    let w = world_with(app, campaign).await;
    let app = &w.app;
    let second = app.second_instance_on_postgres().await;
    let other = second.as_ref().unwrap_or(app);
    let position = w.position(2).await;
    let a = applicant(app, "lapse_a", NANGUAN_VILLAGE).await;
    let b = applicant(app, "lapse_b", NANGUAN_VILLAGE).await;
    let ia = applied(app, &a, &position).await;
    let ib = applied(app, &b, &position).await;
    w.offered(&ia).await;
    w.offered(&ib).await;
    assert_error(
        w.student_act(&a, &ia, "confirmations", &json!({})).await,
        StatusCode::CONFLICT,
        "OFFER_EXPIRED",
    )
    .await;
    // B's offer is held by hand beyond the sweep, so a double release would show in the seats.
    practice_applications::Entity::update_many()
        .col_expr(
            practice_applications::Column::OfferExpiresAt,
            Expr::value(Utc::now() + Duration::hours(1)),
        )
        .filter(practice_applications::Column::Id.eq(ib.parse::<Uuid>().unwrap()))
        .exec(app.db())
        .await
        .unwrap();
    let (x, y, z) = tokio::join!(
        jiqing::practice::lapse::sweep(app.state.clone()),
        jiqing::practice::lapse::sweep(other.state.clone()),
        jiqing::practice::lapse::sweep(app.state.clone()),
    );
    x.unwrap();
    y.unwrap();
    z.unwrap();
    let lapsed = w.mine(&a, &ia).await;
    assert_eq!(lapsed["status"], "lapsed");
    assert!(lapsed["nextStep"].is_null());
    assert_eq!(actions(&lapsed), ["apply", "offer", "lapse"]);
    assert_eq!(lapsed["timeline"][2]["actor"]["kind"], "system");
    assert_eq!(w.mine(&b, &ib).await["status"], "offered");
    assert_eq!(w.slots_left(&position).await, 1);
    let told = kinds(app, &a).await;
    assert_eq!(
        told.iter()
            .filter(|k| *k == "practice.offer_lapsed")
            .count(),
        1,
        "{told:?}"
    );
    assert_eq!(guard_row(app, &a, &w.campaign).await.open_applications, 0);
    // The next sweep moves nothing.
    jiqing::practice::lapse::sweep(app.state.clone())
        .await
        .unwrap();
    assert_eq!(w.slots_left(&position).await, 1);
}

/// The sweep (the real periodic job) also ends applications undecided when the position starts.
#[tokio::test]
async fn undecided_applications_end_when_the_position_starts() {
    let app = spawn_app_with(|s| {
        s.practice.lapse_sweep_interval = std::time::Duration::from_millis(50);
    })
    .await;
    let w = world_with(app, campaign_body()).await;
    let app = &w.app;
    let position = w.position(2).await;
    let s = applicant(app, "undecided", NANGUAN_VILLAGE).await;
    let id = applied(app, &s, &position).await;
    w.start_position_in(&position, 0).await;
    let mut last = Value::Null;
    for _ in 0..200 {
        last = w.mine(&s, &id).await;
        if last["status"] == "rejected" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(last["status"], "rejected");
    assert_eq!(last["decisionReason"], "岗位已开始，未获录用");
    assert_eq!(actions(&last), ["apply", "expire"]);
    assert_eq!(guard_row(app, &s, &w.campaign).await.open_applications, 0);
}

#[tokio::test]
async fn withdrawing_before_the_start_frees_the_seat_and_a_drop_after_it_does_not() {
    let w = world().await;
    let app = &w.app;
    let position = w.position(1).await;
    let a = applicant(app, "withdraws", NANGUAN_VILLAGE).await;
    let ia = applied(app, &a, &position).await;
    w.offered(&ia).await;
    json_of(
        w.student_act(&a, &ia, "confirmations", &json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(w.slots_left(&position).await, 0);
    // Dropping before the start is refused: the student withdraws instead.
    assert_error(
        w.host_act(&ia, "drops", &json!({"reason": "未按时报到"}))
            .await,
        StatusCode::CONFLICT,
        "PRACTICE_NOT_STARTED",
    )
    .await;
    let gone = json_of(
        w.student_act(&a, &ia, "withdrawals", &json!({"reason": "家中有事"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(gone["status"], "withdrawn");
    assert_eq!(gone["timeline"][3]["reason"], "家中有事");
    assert_eq!(w.slots_left(&position).await, 1);
    assert!(
        guard_row(app, &a, &w.campaign)
            .await
            .placed_application_id
            .is_none()
    );
    // The sharing with the host ended.
    let consents = json_of(
        app.get("/api/v1/me/sharing-consents", Some(&a.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(consents["items"][0]["active"], false);
    // B takes the seat, reports for duty on the first day, and is dropped: the seat stays taken.
    let b = applicant(app, "drops", NANGUAN_VILLAGE).await;
    let ib = applied(app, &b, &position).await;
    w.offered(&ib).await;
    json_of(
        w.student_act(&b, &ib, "confirmations", &json!({})).await,
        StatusCode::OK,
    )
    .await;
    w.start_position_in(&position, 0).await;
    assert_error(
        w.student_act(&b, &ib, "withdrawals", &json!({})).await,
        StatusCode::CONFLICT,
        "PRACTICE_STARTED",
    )
    .await;
    let on_duty = json_of(
        w.host_act(&ib, "duty-reports", &json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(on_duty["status"], "on_duty");
    let dropped = json_of(
        w.host_act(&ib, "drops", &json!({"reason": "连续三天未到岗"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(dropped["status"], "dropped");
    assert_eq!(dropped["droppedReason"], "连续三天未到岗");
    assert_eq!(w.slots_left(&position).await, 0);
    assert!(
        kinds(app, &b)
            .await
            .contains(&"practice.dropped".to_owned())
    );
    // The placement is kept: the student is not placed again in this campaign.
    assert_eq!(
        guard_row(app, &b, &w.campaign)
            .await
            .placed_application_id
            .map(|u| u.to_string()),
        Some(ib)
    );
    let quota = entity::practice_grade_quota::Entity::find()
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(quota.len(), 1);
    assert_eq!((quota[0].unit_code.as_str(), quota[0].placed), (NANGUAN, 0));
}

#[tokio::test]
async fn cancelling_a_position_ends_its_open_applications() {
    let w = world().await;
    let app = &w.app;
    let position = w.position(3).await;
    let a = applicant(app, "cancel_a", NANGUAN_VILLAGE).await;
    let b = applicant(app, "cancel_b", NANGUAN_VILLAGE).await;
    let c = applicant(app, "cancel_c", NANGUAN_VILLAGE).await;
    let ia = applied(app, &a, &position).await;
    let ib = applied(app, &b, &position).await;
    let ic = applied(app, &c, &position).await;
    w.offered(&ib).await;
    w.offered(&ic).await;
    json_of(
        w.student_act(&c, &ic, "confirmations", &json!({})).await,
        StatusCode::OK,
    )
    .await;
    // The student may not delete the profile while a placement is open.
    assert_error(
        app.delete("/api/v1/me/student-profile", Some(&c.token))
            .await,
        StatusCode::CONFLICT,
        "PLACEMENT_OPEN",
    )
    .await;
    let p = json_of(
        app.post(
            &format!("/api/v1/admin/practice/positions/{position}/cancellations"),
            Some(&w.cadre.token),
            &json!({"reason": "接收单位临时调整工作安排"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(p["status"], "cancelled");
    for (who, id) in [(&a, &ia), (&b, &ib), (&c, &ic)] {
        let mine = w.mine(who, id).await;
        assert_eq!(mine["status"], "position_cancelled");
        assert_eq!(
            mine["timeline"].as_array().unwrap().last().unwrap()["actor"]["label"],
            "共青团南关区委员会"
        );
        assert!(
            kinds(app, who)
                .await
                .contains(&"practice.position_cancelled".to_owned())
        );
        let guard = guard_row(app, who, &w.campaign).await;
        assert_eq!(
            (guard.open_applications, guard.placed_application_id),
            (0, None)
        );
    }
    app.delete("/api/v1/me/student-profile", Some(&c.token))
        .await;
    // A position with a placement on duty is not cancelled.
    let started = w.position(1).await;
    let d = applicant(app, "cancel_d", NANGUAN_VILLAGE).await;
    let id = applied(app, &d, &started).await;
    w.offered(&id).await;
    json_of(
        w.student_act(&d, &id, "confirmations", &json!({})).await,
        StatusCode::OK,
    )
    .await;
    w.start_position_in(&started, 0).await;
    json_of(
        w.cadre_act(&w.cadre, &id, "duty-reports", &json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        app.post(
            &format!("/api/v1/admin/practice/positions/{started}/cancellations"),
            Some(&w.cadre.token),
            &json!({"reason": "接收单位临时调整工作安排"}),
        )
        .await,
        StatusCode::CONFLICT,
        "PRACTICE_STARTED",
    )
    .await;
}

#[tokio::test]
async fn cadres_read_the_applications_of_their_unit_only() {
    let w = world().await;
    let app = &w.app;
    let position = w.position(2).await;
    let s = applicant(app, "readme", NANGUAN_VILLAGE).await;
    let id = applied(app, &s, &position).await;
    w.offered(&id).await;
    json_of(
        w.student_act(&s, &id, "confirmations", &json!({})).await,
        StatusCode::OK,
    )
    .await;
    let list = |who: Login, q: &'static str| {
        let app = &w.app;
        async move {
            app.get(
                &format!("/api/v1/admin/practice/applications{q}"),
                Some(&who.token),
            )
            .await
        }
    };
    let mine = json_of(
        list(w.cadre.clone(), "?status=confirmed").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["applicant"]["phone"], "139****5678");
    let city = app.admin_of("220100").await;
    assert_eq!(
        json_of(list(city.clone(), "").await, StatusCode::OK).await["total"],
        1
    );
    let neighbour = app.admin_of("220103").await;
    assert_eq!(
        json_of(list(neighbour.clone(), "").await, StatusCode::OK).await["total"],
        0
    );
    assert_error(
        list(neighbour.clone(), "?region=220102").await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    assert_error(
        app.get(
            &format!("/api/v1/admin/practice/applications/{id}"),
            Some(&neighbour.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // The local unit sees the emergency contact of the placement; the city does not.
    let local = json_of(
        app.get(
            &format!("/api/v1/admin/practice/applications/{id}"),
            Some(&w.cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(local["applicant"]["emergencyContactName"], "张父");
    assert_eq!(local["timeline"][0]["action"], "apply");
    let above = json_of(
        app.get(
            &format!("/api/v1/admin/practice/applications/{id}"),
            Some(&city.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(above["applicant"]["emergencyContactName"].is_null());
}

/// Every supervisor of a host reads the same applicant page, so it is kept, but under a stamp
/// of the position's applications (their number and the sum of their versions): whatever moves
/// an application through the API shows at once, on this instance and another, even with the
/// kept answers' bound at a minute; what the stamp does not see (a row changed behind the
/// service's back) is served as kept until the bound.
#[tokio::test]
async fn the_host_applicant_list_is_exact_after_every_change_while_it_is_kept() {
    let app = spawn_app_with(|s| s.list_max_stale = std::time::Duration::from_secs(60)).await;
    let w = world_with(app, crate::practice::campaign_body()).await;
    let app = &w.app;
    let position = w.position(2).await;
    async fn host_list(on: &TestApp, position: &str, who: &Login) -> Value {
        json_of(
            on.get(
                &format!("/api/v1/me/host/positions/{position}/applications"),
                Some(&who.token),
            )
            .await,
            StatusCode::OK,
        )
        .await
    }
    let list = |on| host_list(on, &position, &w.supervisor);
    let statuses = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["status"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(list(app).await["total"], 0);
    let first = applicant(app, "kept_a", NANGUAN_VILLAGE).await;
    let a = applied(app, &first, &position).await;
    assert_eq!(
        statuses(&list(app).await),
        ["submitted"],
        "a new application"
    );
    json_of(w.host_act(&a, "offers", &json!({})).await, StatusCode::OK).await;
    assert_eq!(
        statuses(&list(app).await),
        ["offered"],
        "the offer, at once"
    );
    let other = app.spawn_another_instance().await;
    assert_eq!(statuses(&list(&other).await), ["offered"]);
    let second = applicant(app, "kept_b", NANGUAN_VILLAGE).await;
    let b = applied(&other, &second, &position).await;
    json_of(
        w.host_act(&b, "rejections", &json!({"reason": "专业与岗位要求不符"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(statuses(&list(app).await), ["offered", "rejected"]);
    assert_eq!(statuses(&list(&other).await), ["offered", "rejected"]);

    // A row changed behind the service's back (no transition): the kept page stays until the
    // bound.
    let kept = list(app).await;
    practice_applications::Entity::update_many()
        .col_expr(
            practice_applications::Column::Motivation,
            Expr::value("改过的动机说明，不经服务"),
        )
        .filter(practice_applications::Column::Id.eq(Uuid::parse_str(&a).unwrap()))
        .exec(app.db())
        .await
        .unwrap();
    assert_eq!(list(app).await, kept, "served as kept");
}
