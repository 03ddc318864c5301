//! The router: every resource's routes, the body limit and the access log.
//!
//! The access log has one line per request with its method, route template,
//! status and time taken, never its ids, headers (tokens) or body
//! (preferences).

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};

use crate::sessions::AppState;
use crate::store::Db;

/// The web UI's pages and assets (crates/pactum-server/ui/).
#[path = "../../ui/assets.rs"]
pub(crate) mod ui;

/// Largest request body accepted (scenarios included).
pub(crate) const MAX_BODY_BYTES: usize = 256 * 1024;
/// The API router over an already migrated database, with the default
/// [`ServerLimits`](crate::limits::ServerLimits).
pub fn router(db: Db) -> Router {
    router_with(db, crate::limits::ServerLimits::default())
}

/// The API router over an already migrated database, enforcing `limits`
/// (the HTTP-layer ones are [`crate::serve_with`]'s).
///
/// Built inside a Tokio runtime, with a language model, it takes up the
/// `llm` bots' turns that the stored sessions wait for (see
/// `sessions::bots`): a server restarted mid-session moves its bots
/// without waiting for a client.
pub fn router_with(db: Db, limits: crate::limits::ServerLimits) -> Router {
    let state = AppState::new(db, limits);
    if state.llm.has_model()
        && let Ok(runtime) = tokio::runtime::Handle::try_current()
    {
        runtime.spawn(crate::sessions::bots::take_up_llm_turns(state.clone()));
    }
    Router::new()
        .route("/sessions", post(crate::http::create::create_session))
        .route("/sessions/{id}/me", get(crate::http::me::me))
        .route(
            "/sessions/{id}/me/preferences",
            put(crate::http::preferences::put_preferences),
        )
        .route(
            "/sessions/{id}/preferences/lock",
            post(crate::http::preferences::lock_preferences),
        )
        .route("/sessions/{id}/moves", post(crate::http::moves::post_move))
        .route(
            "/sessions/{id}/votes",
            post(crate::http::single_text::post_vote),
        )
        .route(
            "/sessions/{id}/single_text",
            get(crate::http::single_text::get_text),
        )
        .route("/sessions/{id}/offers", get(crate::http::offers::offers))
        .route(
            "/sessions/{id}/messages",
            post(crate::http::words::post_words).get(crate::http::words::get_words),
        )
        .route(
            "/sessions/{id}/suggestions",
            post(crate::http::suggestions::post_suggestions),
        )
        .route("/sessions/{id}/record", get(crate::http::record::record))
        .route("/sessions/{id}/events", get(crate::http::events::events))
        .route(
            "/sessions/{id}/disclosure",
            put(crate::http::disclosure::put_disclosure)
                .get(crate::http::disclosure::get_disclosure),
        )
        .route(
            "/sessions/{id}/mediator",
            get(crate::http::mediator::mediator_view),
        )
        .route(
            "/sessions/{id}/certificate",
            get(crate::http::certificate::get_certificate),
        )
        .route(
            "/sessions/{id}/export",
            get(crate::http::certificate::export),
        )
        .route(
            "/sessions/{id}/preferences/export",
            get(crate::http::preferences::export_preferences),
        )
        .route("/signing-key", get(crate::http::record::signing_key))
        .route("/openapi.json", get(crate::http::openapi::openapi_json))
        .route("/health", get(crate::http::health::health))
        .merge(ui::routes())
        .with_state(state)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(access_log))
}

/// Where the access log goes: one `debug` line per request.
pub const ACCESS_LOG: &str = "pactum_server::access";

/// Logs each request (when [`ACCESS_LOG`] is enabled at `debug`): its
/// method, route template, status and time taken. Never its ids, headers
/// (tokens) or body (preferences).
pub(crate) async fn access_log(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if !tracing::enabled!(target: ACCESS_LOG, tracing::Level::DEBUG) {
        return next.run(req).await;
    }
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "(no route)".to_owned(), |m| m.as_str().to_owned());
    let start = std::time::Instant::now();
    let response = next.run(req).await;
    tracing::debug!(
        target: ACCESS_LOG,
        %method,
        route,
        status = response.status().as_u16(),
        ms = %format_args!("{:.3}", start.elapsed().as_secs_f64() * 1e3),
    );
    response
}
