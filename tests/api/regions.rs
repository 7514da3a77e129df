use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn the_province_has_nine_cities_and_the_whole_tree_is_loaded() {
    let app = spawn_app().await;
    let cities = json_of(
        app.get("/api/v1/regions/220000/children", None).await,
        StatusCode::OK,
    )
    .await;
    let cities = cities.as_array().unwrap();
    assert_eq!(cities.len(), 9);
    assert_eq!(cities[0]["name"], "长春市");
    assert!(cities.iter().any(|c| c["name"] == "延边朝鲜族自治州"));

    let village = json_of(
        app.get("/api/v1/regions/220102001001", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(village["name"], "华阳社区");
    assert_eq!(village["level"], "village");
    assert_eq!(village["parentCode"], "220102001");

    use sea_orm::{EntityTrait, PaginatorTrait};
    let total = entity::regions::Entity::find()
        .count(app.db())
        .await
        .unwrap();
    assert_eq!(total, 13_014);
}

#[tokio::test]
async fn unknown_regions_are_404() {
    let app = spawn_app().await;
    assert_error(
        app.get("/api/v1/regions/229999", None).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        app.get("/api/v1/regions/abc/children", None).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn migrations_are_idempotent() {
    let app = spawn_app().await;
    jiqing::db::migrate(app.db())
        .await
        .expect("a second run is a no-op");
    let again = json_of(
        app.get("/api/v1/regions/220000/children", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again.as_array().unwrap().len(), 9);
}
