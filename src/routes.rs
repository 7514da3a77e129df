//! Every API route, in one list: the server and the OpenAPI document are both built from it.
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth, consents, health, hope_rooms, kpi, leaderboards, league, loans, media, mentoring,
    notifications, pioneers, practice, regions, staff, talents, todos, trainings, volunteer,
    youth_homes,
};

/// Every API route. Handlers are registered with `.service(..)` only, so each one is in the
/// OpenAPI document.
pub fn api_routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope::scope("/api/v1")
            .configure(auth::routes)
            .configure(regions::routes)
            .configure(league::routes)
            .configure(staff::routes)
            .configure(talents::routes)
            .configure(trainings::routes)
            .configure(notifications::routes)
            .configure(volunteer::routes)
            .configure(leaderboards::routes)
            .configure(practice::routes)
            .configure(media::routes)
            .configure(consents::routes)
            .configure(mentoring::routes)
            .configure(loans::routes)
            .configure(todos::routes)
            .configure(kpi::routes)
            .configure(youth_homes::routes)
            .configure(hope_rooms::routes)
            .configure(pioneers::routes),
    )
    .service(health::get_health)
    .service(health::get_readiness);
}
