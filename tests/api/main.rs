//! The one integration-test binary: black-box tests over HTTP against the real app.
mod helpers;

mod auth;
mod errors;
mod leaderboards;
mod openapi;
mod regions;
mod staff;
mod volunteer;
