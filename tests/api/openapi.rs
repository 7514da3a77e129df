use reqwest::StatusCode;

use crate::helpers::*;

/// Regenerate with: `cargo run -q -- openapi > openapi/openapi.json`
#[test]
fn the_committed_openapi_document_is_current() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .expect("openapi/openapi.json is committed");
    let current = jiqing::openapi::document_json();
    assert!(
        committed == current,
        "openapi/openapi.json is stale: run `cargo run -q -- openapi > openapi/openapi.json`"
    );
}

#[test]
fn every_operation_has_an_id_a_tag_and_documents_its_errors() {
    let doc = serde_json::to_value(jiqing::openapi::document()).unwrap();
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["schemas"]["ErrorEnvelope"].is_object());
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (verb, op) in item.as_object().unwrap() {
            assert!(
                op["operationId"].is_string(),
                "{verb} {path} has an operationId"
            );
            assert!(
                op["tags"].as_array().is_some_and(|t| t.len() == 1),
                "{verb} {path} has one tag"
            );
            if op.get("security").is_some() {
                assert!(
                    op["responses"]["401"].is_object(),
                    "{verb} {path} documents 401"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_document_and_swagger_ui_are_served_offline() {
    let app = spawn_app().await;
    let served = json_of(
        app.get("/api-docs/openapi.json", None).await,
        StatusCode::OK,
    )
    .await;
    assert!(served["paths"]["/api/v1/auth/wechat-login"]["post"].is_object());
    let ui = app.get("/swagger-ui/", None).await;
    assert_eq!(ui.status(), StatusCode::OK);
    assert!(ui.text().await.unwrap().contains("swagger"));
    let redirect = app.get("/swagger-ui", None).await;
    assert!(redirect.status().is_redirection());
}
