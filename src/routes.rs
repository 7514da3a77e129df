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
///
/// actix tries a scope's routes in the order they are registered, and every route with a path
/// parameter that comes before the match costs a regex search (179 of the 284 paths have one).
/// The leaderboards, the most read answers, have two static paths: they go first, which took
/// their cost from 39 searches per request to none (`bench/leaderboards.sh`).
pub fn api_routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope::scope("/api/v1")
            .configure(leaderboards::routes)
            .configure(auth::routes)
            .configure(regions::routes)
            .configure(league::routes)
            .configure(staff::routes)
            .configure(talents::routes)
            .configure(trainings::routes)
            .configure(notifications::routes)
            .configure(volunteer::routes)
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
