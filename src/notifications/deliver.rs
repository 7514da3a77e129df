use entity::{notifications, users};
use sea_orm::{ActiveEnum, EntityTrait};
use serde_json::json;

use crate::app_state::AppState;
use crate::auth::wechat::SendOutcome;
use crate::time::to_china;

/// WeChat's `thing` fields take at most 20 characters.
fn thing(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 20 {
        text.to_owned()
    } else {
        chars[..19].iter().collect::<String>() + "…"
    }
}

/// After the commit: send each notification as a WeChat subscription message when WeChat is
/// configured and the notification's kind or domain has a template (`WECHAT_TEMPLATE_<KIND>`,
/// else `WECHAT_TEMPLATE_<DOMAIN>`). Runs in
/// the background and never fails the request: the in-app notice is already stored. The
/// template is expected to have the keys `thing1` (title), `thing2` (body) and `time3` (when).
pub fn deliver(state: &AppState, notes: Vec<notifications::Model>) {
    if notes.is_empty() || !state.wechat.is_configured() {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move {
        for note in notes {
            let kind = note.kind.to_value();
            let Some(template) = state.settings.subscribe_template(&kind).map(str::to_owned) else {
                continue;
            };
            let openid = match users::Entity::find_by_id(note.user_id).one(&state.db).await {
                Ok(Some(u)) => u.openid,
                Ok(None) => None,
                Err(e) => {
                    tracing::warn!(error = ?e, "could not load the user to notify");
                    None
                }
            };
            let Some(openid) = openid else { continue };
            let data = json!({
                "thing1": {"value": thing(&note.title)},
                "thing2": {"value": thing(&note.body)},
                "time3": {"value": to_china(note.created_at).format("%Y-%m-%d %H:%M").to_string()},
            });
            let page = note.link.as_deref().unwrap_or("pages/index/index");
            match state
                .wechat
                .send_subscribe_message(&state.cache, &openid, &template, page, data)
                .await
            {
                Ok(SendOutcome::Sent) => {}
                Ok(SendOutcome::NotSubscribed) => {
                    tracing::debug!(kind = %kind, "user has not subscribed; in-app only");
                }
                Err(e) => {
                    tracing::warn!(kind = %kind, error = %e, "subscription message not sent")
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::thing;

    #[test]
    fn long_texts_are_cut_to_what_wechat_accepts() {
        assert_eq!(thing("短标题"), "短标题");
        let long = "一".repeat(30);
        assert_eq!(thing(&long).chars().count(), 20);
        assert!(thing(&long).ends_with('…'));
    }
}
