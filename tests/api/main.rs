//! The one integration-test binary: black-box tests over HTTP against the real app.
mod contract;
mod helpers;

mod architecture;
mod auth;
mod cli;
mod consents;
mod errors;
mod idempotency;
mod input;
mod jobs;
mod leaderboards;
mod league_matrix;
mod league_units;
mod media;
mod notifications;
mod openapi;
mod privacy;
mod queries;
mod regions;
mod staff;
mod talents;
mod todos;
mod trainings;
mod volunteer;
mod volunteer_organisers;
mod workflow;
