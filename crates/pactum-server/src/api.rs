//! The HTTP API: routes, authentication and the transactions behind them.
//!
//! Handlers parse and check a request completely before touching the
//! database; a move is validated against the state replayed from the event
//! log inside the same transaction that appends it, and acknowledged only
//! after that transaction commits. Every error is `{"error": "..."}`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Path, State as AxumState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use pactum_core::analysis::Package;
use pactum_core::{Outcome, Scenario};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{AnyPool, Row};
use tokio::sync::Mutex;
use utoipa::{OpenApi, ToSchema};

use crate::db::{Backend, Db};
use crate::error::{ApiError, ErrorBody};
use crate::event::Event;
use crate::mediation;
use crate::offers::{package, parse_offer, to_outcome};
use crate::partial::PARTIAL_ROUNDS;
use crate::protocol::{ALTERNATING_OFFERS, Finish, MoveKind, State};
use crate::record::{GENESIS_HASH, Record, RecordEntry, chain_hash};
use crate::singletext::SINGLE_TEXT;
use crate::tokens;
use crate::views::{
    OwnView, PreferenceSummary, Privacy, Suggestions, own_utility, preference_summary,
    suggestions_with,
};

/// The web UI's pages and assets (crates/pactum-server/ui/).
#[path = "../ui/assets.rs"]
pub mod ui;

/// Largest request body accepted (scenarios included).
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Longest deadline a session may have.
pub const MAX_DEADLINE_ROUNDS: u64 = 10_000;

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    pub pool: AnyPool,
    /// SQLite has one writer at a time: writers of this process queue here
    /// rather than in SQLite's busy handler. (PostgreSQL writers lock the
    /// session row instead, which also serialises other server processes.)
    write_lock: Option<Arc<Mutex<()>>>,
    /// Preference tables of the sessions with bots.
    pub(crate) bots: Arc<crate::bots::BotTables>,
    /// Live-update channels of the sessions being watched.
    pub(crate) hub: Arc<crate::live::Hub>,
    /// Parsed sessions (immutable once created), by id.
    pub(crate) sessions: Arc<SessionCache>,
    /// The protocol state replayed from each session's log, keyed by id and
    /// valid for the log ending in the given (seq, hash).
    states: Arc<std::sync::Mutex<HashMap<String, Arc<CachedState>>>>,
    /// SQLite: the queue of the task that commits the parties' moves in
    /// batches (started by the first move).
    writer: Arc<std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<MoveJob>>>,
    /// SQLite files: keeps the database's checkpointer running.
    _checkpoints: Option<Arc<()>>,
    /// Signs the heads of the records served (see `crate::signing`).
    pub(crate) signing_key: Option<Arc<ed25519_dalek::SigningKey>>,
    /// What the server grants its callers (see `crate::limits`).
    pub(crate) limits: Arc<crate::limits::Limits>,
}

/// Parsed sessions by id. A session's scenario and seats never change; its
/// negotiators' stored preferences may, until their first moves.
pub(crate) struct SessionCache {
    sessions: std::sync::Mutex<HashMap<String, Session>>,
    /// SQLite (one server process): cached sessions carry their stored
    /// preferences, and a change of preferences forgets its session.
    /// PostgreSQL: another process may store preferences, so they are read
    /// afresh on every load.
    with_preferences: bool,
    /// Bumped by every change of preferences, so that a load that read the
    /// old preferences does not cache them after the change.
    changes: std::sync::atomic::AtomicU64,
    /// PostgreSQL: sessions whose preferences can no longer change, with
    /// them. A negotiator's preferences change only before its first move
    /// (checked under the session's lock), so once every negotiator has a
    /// committed move they are final; they are read once more after that
    /// (never taken from a load that may predate the last change) and kept.
    fixed: std::sync::Mutex<HashMap<String, Session>>,
}

impl SessionCache {
    fn new(with_preferences: bool) -> Self {
        SessionCache {
            sessions: Default::default(),
            with_preferences,
            changes: Default::default(),
            fixed: Default::default(),
        }
    }

    /// After a party's preferences changed (and committed).
    pub(crate) fn preferences_changed(&self, id: &str) {
        let mut sessions = self.sessions.lock().unwrap();
        self.changes
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        sessions.remove(id);
        self.fixed.lock().unwrap().remove(id);
    }

    /// PostgreSQL: whether a session's preferences are known to be final
    /// and kept (SQLite keeps every session's anyway).
    fn knows_fixed(&self, id: &str) -> bool {
        self.with_preferences || self.fixed.lock().unwrap().contains_key(id)
    }
}

/// PostgreSQL: once every negotiator of a session has moved, reads its
/// stored preferences (final from then on) and keeps the session with
/// them, so that later loads need not read them again.
async fn keep_fixed_preferences(app: AppState, id: String) {
    let Ok(session) = read_session(&app.pool, &id).await else {
        return;
    };
    let Ok(session) = with_stored_preferences(&app.pool, session).await else {
        return;
    };
    let mut fixed = app.sessions.fixed.lock().unwrap();
    if fixed.len() >= MAX_CACHED {
        fixed.clear();
    }
    fixed.insert(id, session);
}

/// Where sessions are loaded from: the handlers' state (with its cache) or
/// a bare pool.
pub(crate) trait SessionSource {
    fn pool(&self) -> &AnyPool;
    fn session_cache(&self) -> Option<&SessionCache>;
}

impl SessionSource for AppState {
    fn pool(&self) -> &AnyPool {
        &self.pool
    }
    fn session_cache(&self) -> Option<&SessionCache> {
        Some(&self.sessions)
    }
}

impl SessionSource for AnyPool {
    fn pool(&self) -> &AnyPool {
        self
    }
    fn session_cache(&self) -> Option<&SessionCache> {
        None
    }
}

/// Cached sessions or states beyond which the caches start afresh.
const MAX_CACHED: usize = 10_000;

/// A session's state as replayed from its log up to `last_seq`.
pub(crate) struct CachedState {
    last_seq: u64,
    last_hash: String,
    state: State,
    moves: Vec<PastMove>,
}

impl AppState {
    pub(crate) async fn write_guard(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.write_lock {
            Some(lock) => Some(lock.lock().await),
            None => None,
        }
    }
}

/// The API router over an already migrated database, with the default
/// [`ServerLimits`](crate::limits::ServerLimits).
pub fn router(db: Db) -> Router {
    router_with(db, crate::limits::ServerLimits::default())
}

/// The API router over an already migrated database, enforcing `limits`
/// (the HTTP-layer ones are [`crate::serve_with`]'s).
pub fn router_with(db: Db, limits: crate::limits::ServerLimits) -> Router {
    let limits = Arc::new(crate::limits::Limits::new(limits));
    let hub = Arc::new(crate::live::Hub::new(&db, limits.clone()));
    let state = AppState {
        pool: db.pool,
        write_lock: (db.backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(()))),
        bots: Default::default(),
        hub,
        sessions: Arc::new(SessionCache::new(db.backend == Backend::Sqlite)),
        states: Default::default(),
        writer: Default::default(),
        _checkpoints: db.checkpoints,
        signing_key: db.signing_key,
        limits,
    };
    Router::new()
        .route("/sessions", post(create_session))
        .route("/sessions/{id}/me", get(me))
        .route(
            "/sessions/{id}/me/preferences",
            put(crate::preferences::put_preferences),
        )
        .route(
            "/sessions/{id}/preferences/lock",
            post(crate::preferences::lock_preferences),
        )
        .route("/sessions/{id}/moves", post(post_move))
        .route(
            "/sessions/{id}/votes",
            post(crate::http::single_text::post_vote),
        )
        .route(
            "/sessions/{id}/single_text",
            get(crate::http::single_text::get_text),
        )
        .route("/sessions/{id}/offers", get(offers))
        .route("/sessions/{id}/suggestions", post(post_suggestions))
        .route("/sessions/{id}/record", get(record))
        .route("/sessions/{id}/events", get(crate::live::events))
        .route(
            "/sessions/{id}/disclosure",
            put(mediation::put_disclosure).get(mediation::get_disclosure),
        )
        .route("/sessions/{id}/mediator", get(mediation::mediator_view))
        .route(
            "/sessions/{id}/certificate",
            get(mediation::get_certificate),
        )
        .route("/sessions/{id}/export", get(mediation::export))
        .route(
            "/sessions/{id}/preferences/export",
            get(crate::preferences::export_preferences),
        )
        .route("/signing-key", get(signing_key))
        .route("/openapi.json", get(openapi_json))
        .route("/health", get(health))
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
async fn access_log(
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

/// The kinds of token, as the document's security schemes: every operation
/// lists the ones it accepts (all are sent as `Authorization: Bearer`).
struct TokenSchemes;

impl utoipa::Modify for TokenSchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, description) in [
            (
                "party_token",
                "A negotiator's party token, from `invitations` in the answer of POST /sessions: \
                 moves, votes, its own preferences and utilities, offers, suggestions, disclosure, \
                 the event stream and the certificate. It shows nothing of another party's preferences.",
            ),
            (
                "viewer_token",
                "A view-only token of one of the scenario's mediators or observers, from `viewers` \
                 in the answer of POST /sessions: the mediator view, the event stream and the \
                 certificate. It can make no move.",
            ),
            (
                "admin_token",
                "The convener's token, `admin_token` in the answer of POST /sessions: the record, \
                 the export, the mediator view, the event stream and the certificate.",
            ),
        ] {
            components.add_security_scheme(
                name,
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some(description))
                        .build(),
                ),
            );
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Pactum negotiation server"),
    modifiers(&TokenSchemes),
    paths(
        create_session,
        me,
        crate::preferences::put_preferences,
        crate::preferences::lock_preferences,
        post_move,
        crate::http::single_text::post_vote,
        crate::http::single_text::get_text,
        offers,
        post_suggestions,
        record,
        crate::live::events,
        mediation::put_disclosure,
        mediation::get_disclosure,
        mediation::mediator_view,
        mediation::get_certificate,
        mediation::export,
        crate::preferences::export_preferences,
        signing_key,
        health
    ),
    components(schemas(
        CreateSession,
        Created,
        Invitation,
        ViewerInvitation,
        mediation::DisclosureRequest,
        mediation::DisclosureState,
        mediation::DisclosureStatus,
        mediation::MediatorView,
        mediation::TraceOffer,
        mediation::TraceMove,
        mediation::UtilitySpace,
        mediation::UtilityPoint,
        crate::http::traces::PartialTrace,
        crate::http::traces::TracedRound,
        crate::http::traces::TracedProposal,
        crate::http::traces::TextTrace,
        crate::http::traces::TracedTextProposal,
        crate::http::traces::TracedVote,
        mediation::CertificateView,
        mediation::Export,
        crate::certificate::Certificate,
        MeResponse,
        crate::preferences::PreferencesRequest,
        crate::preferences::PreferencesUpdated,
        crate::preferences::PreferencesExport,
        crate::preferences::PreferencesOpening,
        crate::signing::HeadSignature,
        SigningKeyView,
        crate::preferences::LockState,
        crate::views::Privacy,
        MoveRequest,
        MoveResponse,
        crate::http::single_text::VoteRequest,
        crate::http::single_text::VoteResponse,
        crate::http::single_text::TextView,
        BotMove,
        crate::live::MoveEvent,
        crate::live::AgreementEvent,
        crate::live::EndedEvent,
        crate::live::PartialMoveEvent,
        crate::live::SuggestionsEvent,
        crate::live::SettledEvent,
        crate::live::VoteEvent,
        crate::live::ProposalEvent,
        crate::live::DisclosureEvent,
        crate::http::partial::PartialView,
        crate::http::partial::ProposalView,
        OfferView,
        ErrorBody,
        PreferenceSummary,
        Suggestions,
        OwnView,
        Record,
        RecordEntry,
        MoveKind
    ))
)]
pub struct ApiDoc;

async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Answer of `GET /health`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// "ok".
    pub status: String,
    /// "SQLite" or "PostgreSQL".
    pub database: String,
}

/// For load balancers and monitors: 200 when the server can reach its
/// database, 503 when it cannot.
#[utoipa::path(get, path = "/health", responses(
    (status = 200, body = Health), (status = 503, body = ErrorBody)))]
async fn health(AxumState(app): AxumState<AppState>) -> Result<Json<Health>, ApiError> {
    let unavailable = |e: String| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the database cannot be reached: {e}"),
        )
    };
    let mut conn = app
        .pool
        .acquire()
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    sqlx::query("SELECT 1")
        .execute(&mut *conn)
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    Ok(Json(Health {
        status: "ok".into(),
        database: conn.backend_name().into(),
    }))
}

pub(crate) fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(t)| t)
        .map_err(|r| ApiError::new(r.status(), r.body_text()))
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

// ---------------------------------------------------------------- sessions

/// Body of `POST /sessions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSession {
    /// A scenario in Pactum's native TOML format (or give
    /// `scenario_zip_base64`).
    #[serde(default)]
    pub scenario_toml: Option<String>,
    /// Instead of `scenario_toml`: a GENIUS or GeniusWeb scenario folder as
    /// a base64 zip archive, stored as native TOML (see `crate::archive`).
    #[serde(default)]
    pub scenario_zip_base64: Option<String>,
    /// "alternating_offers", "single_text" (the server mediates a single
    /// negotiating text; the negotiators vote on its proposed changes) or
    /// "partial_rounds" (free-form rounds settling issues by partial
    /// proposals, see `crate::partial`).
    pub protocol: String,
    /// Rounds (one move per negotiator each) before the negotiation ends.
    pub deadline_rounds: u64,
    /// Negotiator seats played by the server: party name → strategy name
    /// (one of pactum-sim's, e.g. "conceder"). At least one seat must be
    /// left to a person.
    #[serde(default)]
    #[schema(value_type = Option<std::collections::HashMap<String, String>>)]
    pub bots: indexmap::IndexMap<String, String>,
    /// After each completed round, stream every negotiator the mediator's
    /// suggestions (its own utilities only) as a `suggestions` event on
    /// `GET /sessions/{id}/events`.
    #[serde(default)]
    pub auto_suggest: bool,
    /// What the mediator's suggestions may rest on: "full" (Pareto-improving
    /// packages and the Nash package, which rest on every party's
    /// reservation value), "pareto" (the default: only packages every
    /// negotiator prefers to what stands; no reservation value enters) or
    /// "off" (no suggestions). See docs/privacy.md.
    #[serde(default)]
    pub privacy: Privacy,
}

/// One negotiator's invitation: the token that lets it act for its seat.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Invitation {
    pub party: String,
    /// For a seat played by a bot, a view-only token (its moves are the
    /// server's).
    pub token: String,
    /// The strategy playing this seat, if a bot plays it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<String>,
}

/// A view-only invitation for one of the scenario's mediators or observers.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ViewerInvitation {
    pub party: String,
    /// "mediator" or "observer".
    pub role: String,
    pub token: String,
}

/// Answer of `POST /sessions`. Tokens are shown only here, once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Created {
    pub session_id: String,
    pub admin_token: String,
    /// One per negotiator, in turn order.
    pub invitations: Vec<Invitation>,
    /// One per non-negotiating party of the scenario (view-only tokens).
    #[serde(default)]
    pub viewers: Vec<ViewerInvitation>,
}

#[utoipa::path(post, path = "/sessions", request_body = CreateSession, responses(
    (status = 201, body = Created), (status = 422, body = ErrorBody), (status = 413, body = ErrorBody),
    (status = 429, description = "Too many sessions created from this address (Retry-After)", body = ErrorBody)))]
async fn create_session(
    AxumState(app): AxumState<AppState>,
    client: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    body: Result<Json<CreateSession>, JsonRejection>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    app.limits
        .allow_creation(client.map(|axum::Extension(axum::extract::ConnectInfo(a))| a.ip()))?;
    let mut req = json_body(body)?;
    if ![ALTERNATING_OFFERS, SINGLE_TEXT, PARTIAL_ROUNDS].contains(&req.protocol.as_str()) {
        return Err(ApiError::unprocessable(format!(
            "unknown protocol {:?}: use {ALTERNATING_OFFERS:?}, {SINGLE_TEXT:?} or {PARTIAL_ROUNDS:?}",
            req.protocol
        )));
    }
    if req.protocol != ALTERNATING_OFFERS && !req.bots.is_empty() {
        return Err(ApiError::unprocessable(format!(
            "bots: bots play {ALTERNATING_OFFERS:?} only"
        )));
    }
    if req.auto_suggest && req.privacy == Privacy::Off {
        return Err(ApiError::unprocessable(
            "auto_suggest: suggestions are off at privacy level \"off\"",
        ));
    }
    if req.deadline_rounds == 0 || req.deadline_rounds > MAX_DEADLINE_ROUNDS {
        return Err(ApiError::unprocessable(format!(
            "deadline_rounds must be between 1 and {MAX_DEADLINE_ROUNDS}"
        )));
    }
    let scenario_toml = match (req.scenario_toml.take(), req.scenario_zip_base64.take()) {
        (Some(text), None) => text,
        (None, Some(zip)) => {
            tokio::task::spawn_blocking(move || crate::archive::scenario_toml_from_zip_base64(&zip))
                .await
                .map_err(ApiError::internal)?
                .map_err(ApiError::unprocessable)?
        }
        _ => {
            return Err(ApiError::unprocessable(
                "give exactly one of scenario_toml and scenario_zip_base64",
            ));
        }
    };
    let scenario = parse_scenario(&scenario_toml).map_err(ApiError::unprocessable)?;
    let negotiators = scenario.negotiators();
    if negotiators.len() < 2 {
        return Err(ApiError::unprocessable(
            "the scenario needs at least two negotiators",
        ));
    }
    // Suggestions and the certificate analyse the scenario: one they could
    // not analyse within the budget is refused now.
    crate::limits::check_analysable(&scenario).map_err(ApiError::unprocessable)?;
    let names = scenario.negotiator_names();
    for (party, strategy) in &req.bots {
        if !names.contains(party) {
            return Err(ApiError::unprocessable(format!(
                "bots: {party:?} is not a negotiator of the scenario"
            )));
        }
        crate::bots::check_strategy(strategy)
            .map_err(|e| ApiError::unprocessable(format!("bots: {e}")))?;
    }
    if !req.bots.is_empty() {
        if req.bots.len() == names.len() {
            return Err(ApiError::unprocessable(
                "bots: at least one negotiator seat must be left to a person",
            ));
        }
        let sc = scenario.clone();
        tokio::task::spawn_blocking(move || crate::bots::prepare(&sc))
            .await
            .map_err(ApiError::internal)?
            .map_err(|e| ApiError::unprocessable(format!("bots: {e}")))?;
    }

    let session_id = hex::encode(rand::random::<[u8; 16]>());
    let admin_token = tokens::generate();
    let invitations: Vec<Invitation> = names
        .iter()
        .map(|n| Invitation {
            party: n.clone(),
            token: tokens::generate(),
            bot: req.bots.get(n).cloned(),
        })
        .collect();
    let viewers: Vec<ViewerInvitation> = scenario
        .parties
        .iter()
        .filter(|p| p.role != pactum_core::Role::Negotiator)
        .map(|p| ViewerInvitation {
            party: p.name.clone(),
            role: p.role.to_string(),
            token: tokens::generate(),
        })
        .collect();
    let created = Event::Created {
        session_id: session_id.clone(),
        protocol: req.protocol.clone(),
        deadline_rounds: req.deadline_rounds,
        negotiators: names.clone(),
        scenario_sha256: hex::encode(Sha256::digest(scenario_toml.as_bytes())),
        at_ms: now_ms(),
        auto_suggest: req.auto_suggest,
    };

    let _guard = app.write_guard().await;
    let mut tx = app.pool.begin().await?;
    sqlx::query(
        "INSERT INTO sessions (id, scenario_toml, protocol, deadline_rounds, admin_token_hash, created_at_ms, privacy) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&session_id)
    .bind(&scenario_toml)
    .bind(&req.protocol)
    .bind(req.deadline_rounds as i64)
    .bind(tokens::hash(&admin_token))
    .bind(now_ms())
    .bind(req.privacy.as_str())
    .execute(&mut *tx)
    .await?;
    let seats = invitations
        .iter()
        .map(|i| (&i.party, "negotiator", &i.token, i.bot.clone()))
        .chain(
            viewers
                .iter()
                .map(|v| (&v.party, v.role.as_str(), &v.token, None)),
        );
    for (seat, (party, role, token, strategy)) in seats.enumerate() {
        sqlx::query(
            "INSERT INTO seats (session_id, seat, party_name, token_hash, role, strategy) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&session_id)
        .bind(seat as i64)
        .bind(party)
        .bind(tokens::hash(token))
        .bind(role)
        .bind(strategy)
        .execute(&mut *tx)
        .await?;
    }
    let prev = append(&mut tx, &session_id, 0, GENESIS_HASH, &created).await?;
    if req.protocol == SINGLE_TEXT {
        let text = crate::singletext::TextState::new(&scenario, names.clone(), req.deadline_rounds);
        if let Some(ev) = crate::singletext::proposal_event(&scenario, &text) {
            append(&mut tx, &session_id, 1, &prev, &ev).await?;
        }
    }
    tx.commit().await?;
    drop(_guard);
    if !req.bots.is_empty() {
        // A bot in the first seat opens the negotiation.
        let session = load_session(&app, &session_id).await?;
        play_bots(&app, &session).await?;
    }
    Ok((
        StatusCode::CREATED,
        Json(Created {
            session_id,
            admin_token,
            invitations,
            viewers,
        }),
    ))
}

pub(crate) fn parse_scenario(text: &str) -> Result<Scenario, String> {
    pactum_core::native::from_toml("scenario_toml", text)
        .map(|l| l.scenario)
        .map_err(|e| e.to_string())
}

// ---------------------------------------------------------------- auth

#[derive(Clone)]
pub(crate) struct Session {
    pub(crate) id: String,
    pub(crate) scenario: Scenario,
    admin_token_hash: String,
    pub(crate) deadline_rounds: u64,
    /// "alternating_offers" or "single_text".
    pub(crate) protocol: String,
    /// What the mediator's suggestions may rest on (fixed at creation).
    pub(crate) privacy: Privacy,
    /// Every seat: negotiators (in turn order) then view-only parties.
    seats: Vec<SeatRow>,
}

impl Session {
    /// Whether a bot plays negotiator seat `seat`.
    pub(crate) fn is_bot_seat(&self, seat: usize) -> bool {
        self.seats.get(seat).is_some_and(|s| s.strategy.is_some())
    }
}

#[derive(Clone)]
struct SeatRow {
    seat: usize,
    party_name: String,
    token_hash: String,
    role: String,
    /// The strategy of a seat played by a bot.
    strategy: Option<String>,
}

/// A party acting through its token.
pub(crate) struct Seat {
    pub(crate) seat: usize,
    /// Index of the party in the scenario.
    pub(crate) party: usize,
    pub(crate) name: String,
}

/// Who a request comes from, by its bearer token.
pub(crate) enum Caller {
    /// A negotiator: may move and sees its own preferences and utilities.
    Negotiator(Seat),
    /// A mediator or observer of the scenario: view-only.
    Viewer { role: String },
    /// The convener who created the session.
    Admin,
}

/// The session `id`, parsed once per process and then kept in memory (a
/// session's scenario and seats never change), with the preferences its
/// negotiators edited applied afresh on every call (another server process
/// may have stored them).
/// (`load_session(&pool, id)` reads it afresh.)
pub(crate) async fn load_session(src: &impl SessionSource, id: &str) -> Result<Session, ApiError> {
    use std::sync::atomic::Ordering::SeqCst;
    let pool = src.pool();
    let Some(cache) = src.session_cache() else {
        let session = read_session(pool, id).await?;
        return with_stored_preferences(pool, session).await;
    };
    if let Some(session) = cache.fixed.lock().unwrap().get(id) {
        return Ok(session.clone());
    }
    let cached = cache.sessions.lock().unwrap().get(id).cloned();
    if let Some(session) = cached {
        return if cache.with_preferences {
            Ok(session)
        } else {
            with_stored_preferences(pool, session).await
        };
    }
    let changes = cache.changes.load(SeqCst);
    let mut session = read_session(pool, id).await?;
    if cache.with_preferences {
        session = with_stored_preferences(pool, session).await?;
    }
    {
        let mut sessions = cache.sessions.lock().unwrap();
        if cache.changes.load(SeqCst) == changes {
            if sessions.len() >= MAX_CACHED {
                sessions.clear();
            }
            sessions.insert(id.to_string(), session.clone());
        }
    }
    if cache.with_preferences {
        Ok(session)
    } else {
        with_stored_preferences(pool, session).await
    }
}

async fn with_stored_preferences(
    pool: &AnyPool,
    mut session: Session,
) -> Result<Session, ApiError> {
    session.scenario =
        crate::preferences::apply_stored(pool, &session.id, session.scenario).await?;
    Ok(session)
}

async fn read_session(pool: &AnyPool, id: &str) -> Result<Session, ApiError> {
    let row = sqlx::query(
        "SELECT scenario_toml, admin_token_hash, deadline_rounds, protocol, privacy FROM sessions WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    // Answered as a known session answers a caller without its token, so
    // that session ids cannot be probed.
    .ok_or_else(no_access)?;
    let text: String = row.get(0);
    let seats = sqlx::query(
        "SELECT seat, party_name, token_hash, role, strategy FROM seats WHERE session_id = $1 ORDER BY seat",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| SeatRow {
        seat: r.get::<i64, _>(0) as usize,
        party_name: r.get(1),
        token_hash: r.get(2),
        role: r.get(3),
        strategy: r.get(4),
    })
    .collect();
    let scenario = parse_scenario(&text).map_err(ApiError::internal)?;
    Ok(Session {
        id: id.to_string(),
        scenario,
        admin_token_hash: row.get(1),
        deadline_rounds: row.get::<i64, _>(2) as u64,
        protocol: row.get(3),
        privacy: Privacy::parse(&row.get::<String, _>(4)).map_err(ApiError::internal)?,
        seats,
    })
}

/// The one answer to a request without a token of the session it names:
/// a missing, malformed or wrong token, or an unknown session id, all get
/// it word for word, so nobody can tell which session ids exist.
pub(crate) const NO_ACCESS: &str =
    "missing or invalid token: send Authorization: Bearer <token> with a token of this session";

/// [`NO_ACCESS`] as a 401.
pub(crate) fn no_access() -> ApiError {
    ApiError::unauthorized(NO_ACCESS)
}

fn bearer(headers: &HeaderMap) -> Result<String, ApiError> {
    let value = headers.get(header::AUTHORIZATION).ok_or_else(no_access)?;
    let value = value.to_str().map_err(|_| no_access())?;
    let token = value.strip_prefix("Bearer ").ok_or_else(no_access)?;
    Ok(token.trim().to_string())
}

/// Identifies the caller. A token that is not one of this session's is a
/// 401 whatever it is (another session's token included), answered as an
/// unknown session is; the token itself is never echoed.
pub(crate) fn authorize(session: &Session, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let hash = tokens::hash(&bearer(headers)?);
    if hash == session.admin_token_hash {
        return Ok(Caller::Admin);
    }
    let row = session
        .seats
        .iter()
        .find(|s| s.token_hash == hash)
        .ok_or_else(no_access)?;
    let party = session
        .scenario
        .party_index(&row.party_name)
        .ok_or_else(|| ApiError::internal("seat without party"))?;
    let seat = Seat {
        seat: row.seat,
        party,
        name: row.party_name.clone(),
    };
    Ok(if row.role == "negotiator" {
        Caller::Negotiator(seat)
    } else {
        Caller::Viewer {
            role: row.role.clone(),
        }
    })
}

/// The seat the request's negotiator token belongs to in this session.
pub(crate) fn authorize_party(session: &Session, headers: &HeaderMap) -> Result<Seat, ApiError> {
    match authorize(session, headers)? {
        Caller::Negotiator(seat) => Ok(seat),
        Caller::Viewer { role, .. } => Err(ApiError::forbidden(format!(
            "this endpoint needs a negotiator's party token; a {role}'s token is view-only"
        ))),
        Caller::Admin => Err(ApiError::forbidden(
            "this endpoint needs a party token, not the admin token",
        )),
    }
}

pub(crate) fn authorize_admin(session: &Session, headers: &HeaderMap) -> Result<(), ApiError> {
    match authorize(session, headers)? {
        Caller::Admin => Ok(()),
        _ => Err(ApiError::forbidden("this endpoint needs the admin token")),
    }
}

// ---------------------------------------------------------------- event log

pub(crate) async fn append(
    tx: &mut sqlx::AnyConnection,
    session_id: &str,
    seq: u64,
    prev_hash: &str,
    event: &Event,
) -> Result<String, ApiError> {
    let body = serde_json::to_value(event).map_err(ApiError::internal)?;
    let hash = chain_hash(prev_hash, &body);
    // PostgreSQL: the append also moves the session's log head, and an
    // event live subscribers see notifies, on commit, the server processes
    // watching the session (see crate::live).
    let sql = match (
        tx.backend_name() == "PostgreSQL",
        crate::live::notifies(event),
    ) {
        (true, true) => crate::live::APPEND_AND_NOTIFY,
        (true, false) => {
            "WITH appended AS (\
             INSERT INTO events (session_id, seq, body, prev_hash, hash) VALUES ($1, $2, $3, $4, $5)) \
             UPDATE sessions SET head_seq = $2, head_hash = $5 WHERE id = $1"
        }
        (false, _) => {
            "INSERT INTO events (session_id, seq, body, prev_hash, hash) VALUES ($1, $2, $3, $4, $5)"
        }
    };
    sqlx::query(sql)
        .bind(session_id)
        .bind(seq as i64)
        .bind(crate::record::canonical_json(&body))
        .bind(prev_hash)
        .bind(&hash)
        .execute(&mut *tx)
        .await?;
    Ok(hash)
}

/// Takes the session's write lock for the rest of the transaction: a write
/// to its row, so a concurrent mover (in this process or another, on either
/// backend) waits until this transaction ends and then sees its events.
/// (The (session, seq) key backs this up: a lost race is a 409, not a gap.)
pub(crate) async fn lock_session(
    tx: &mut sqlx::AnyConnection,
    session_id: &str,
) -> Result<(), ApiError> {
    sqlx::query("UPDATE sessions SET created_at_ms = created_at_ms WHERE id = $1")
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

pub(crate) async fn load_entries(
    conn: &mut sqlx::AnyConnection,
    session_id: &str,
) -> Result<Vec<RecordEntry>, ApiError> {
    let rows = sqlx::query(
        "SELECT seq, body, prev_hash, hash FROM events WHERE session_id = $1 ORDER BY seq",
    )
    .bind(session_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            let body: String = row.get(1);
            Ok(RecordEntry {
                seq: row.get::<i64, _>(0) as u64,
                event: serde_json::from_str(&body).map_err(ApiError::internal)?,
                prev_hash: row.get(2),
                hash: row.get(3),
            })
        })
        .collect()
}

/// A move as replayed from the log.
#[derive(Clone)]
pub(crate) struct PastMove {
    pub(crate) seq: u64,
    pub(crate) round: u64,
    pub(crate) party: String,
    pub(crate) seat: usize,
    pub(crate) kind: MoveKind,
    pub(crate) offer: Option<Outcome>,
}

/// Replays the log into the protocol state (and the list of moves).
pub(crate) fn replay(
    session: &Session,
    entries: &[RecordEntry],
) -> Result<(State, Vec<PastMove>), ApiError> {
    let names = session.scenario.negotiator_names();
    let mut state = State::new(names.clone(), session.deadline_rounds);
    let mut moves = Vec::new();
    for entry in entries {
        let event: Event =
            serde_json::from_value(entry.event.clone()).map_err(ApiError::internal)?;
        // Protocols other than alternating offers finish without moves.
        match &event {
            Event::Agreement { offer, .. } if state.finished.is_none() => {
                state.finished = Some(Finish::Agreement(
                    to_outcome(&session.scenario, offer).map_err(ApiError::internal)?,
                ));
            }
            Event::Ended { reason, .. } if state.finished.is_none() => {
                state.finished = Some(Finish::Ended(reason.clone()));
            }
            _ => {}
        }
        if let Event::Move {
            party,
            kind,
            offer,
            round,
            ..
        } = event
        {
            let seat = names
                .iter()
                .position(|n| *n == party)
                .ok_or_else(|| ApiError::internal("move by an unknown party"))?;
            let outcome = match &offer {
                Some(p) => Some(to_outcome(&session.scenario, p).map_err(ApiError::internal)?),
                None => None,
            };
            state
                .apply(seat, kind, outcome.clone())
                .map_err(|e| ApiError::internal(format!("stored log does not replay: {e}")))?;
            moves.push(PastMove {
                seq: entry.seq,
                round,
                party,
                seat,
                kind,
                offer: outcome,
            });
        }
    }
    Ok((state, moves))
}

pub(crate) fn status_of(state: &State) -> &'static str {
    match state.finished {
        None => "open",
        Some(Finish::Agreement(_)) => "agreement",
        Some(Finish::Ended(_)) => "ended",
    }
}

// ---------------------------------------------------------------- me

/// Answer of `GET /sessions/{id}/me`: the caller's seat, its own preferences
/// and the public state of the negotiation.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub party: String,
    pub seat: usize,
    /// "alternating_offers", "single_text" or "partial_rounds".
    pub protocol: String,
    pub negotiators: Vec<String>,
    pub preferences: PreferenceSummary,
    /// "open", "agreement" or "ended".
    pub status: &'static str,
    pub round: u64,
    pub deadline_rounds: u64,
    /// Whose turn it is (while open).
    pub turn: Option<String>,
    /// The standing offer with the caller's utility of it.
    pub standing_offer: Option<OwnView>,
    /// Partial rounds: settled issues, this round's proposals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial: Option<crate::http::partial::PartialView>,
    /// Whether the caller may still replace its preferences
    /// (`PUT /sessions/{id}/me/preferences`): until they are locked (by its
    /// first move or `POST /sessions/{id}/preferences/lock`), while the
    /// negotiation is open, and not in a bot's seat.
    pub preferences_editable: bool,
    /// Whether the caller's preferences are locked.
    pub preferences_locked: bool,
    /// Negotiators whose preferences are not locked yet (turn order): the
    /// mediator's suggestions wait for them.
    pub waiting_for_locks: Vec<String>,
    /// The session's privacy level: what the mediator's suggestions may
    /// rest on ("full", "pareto" or "off").
    pub privacy: Privacy,
}

#[utoipa::path(get, path = "/sessions/{id}/me", params(("id" = String, Path)), responses(
    (status = 200, body = MeResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("party_token" = [])))]
async fn me(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<MeResponse>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    let mut conn = app.pool.acquire().await?;
    let entries = load_entries(&mut conn, &id).await?;
    let (state, _) = replay(&session, &entries)?;
    let sc = &session.scenario;
    let partial = if session.protocol == PARTIAL_ROUNDS {
        let p = crate::sessions::replay::replay_partial(&session, &entries)?;
        Some(crate::http::partial::view(sc, &p, seat.seat))
    } else {
        None
    };
    let unlocked = crate::preferences::unlocked(&session, &entries)?;
    let preferences_locked = !unlocked.contains(&seat.name);
    let preferences_editable = state.finished.is_none() && !preferences_locked;
    Ok(Json(MeResponse {
        preferences_editable,
        preferences_locked,
        waiting_for_locks: unlocked,
        privacy: session.privacy,
        protocol: session.protocol.clone(),
        preferences: preference_summary(sc, seat.party),
        status: status_of(&state),
        round: partial.as_ref().map_or(state.round(), |p| p.round),
        deadline_rounds: state.deadline_rounds,
        turn: (state.finished.is_none() && session.protocol == ALTERNATING_OFFERS)
            .then(|| state.negotiators[state.turn()].clone()),
        standing_offer: state.standing.as_ref().map(|(_, o)| OwnView {
            offer: package(sc, o),
            my_utility: own_utility(sc, seat.party, o),
        }),
        negotiators: state.negotiators,
        party: seat.name,
        seat: seat.seat,
        partial,
    }))
}

// ---------------------------------------------------------------- moves

/// Body of `POST /sessions/{id}/moves`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    pub kind: MoveKind,
    /// Issue → value; required for offers, absent otherwise. In a
    /// partial-rounds session, some of the open issues.
    #[schema(value_type = Option<Object>)]
    pub offer: Option<serde_json::Map<String, serde_json::Value>>,
    /// Partial rounds: the proposal an acceptance accepts (its id).
    #[serde(default)]
    pub proposal: Option<u64>,
}

/// Answer to an accepted move (sent after it is committed).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MoveResponse {
    /// Sequence number of the move in the session's record.
    pub seq: u64,
    pub round: u64,
    /// "open", "agreement" or "ended".
    pub status: String,
    #[schema(value_type = Option<Object>)]
    pub agreement: Option<Package>,
    pub reason: Option<String>,
    /// Moves the server played for bots right after this one, in order.
    #[serde(default)]
    pub bot_moves: Vec<BotMove>,
    /// Partial rounds: the session after the move.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<crate::http::partial::PartialView>,
}

#[utoipa::path(post, path = "/sessions/{id}/moves", params(("id" = String, Path)), request_body = MoveRequest, responses(
    (status = 200, body = MoveResponse), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
    (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("party_token" = [])))]
async fn post_move(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<MoveRequest>, JsonRejection>,
) -> Result<Json<MoveResponse>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    let req = json_body(body)?;
    if session.protocol == SINGLE_TEXT {
        return Err(ApiError::conflict(
            "this session is a single negotiating text: vote on the mediator's proposals (POST /sessions/{id}/votes)",
        ));
    }
    if session.protocol == PARTIAL_ROUNDS {
        let sc = &session.scenario;
        let pairs =
            crate::http::partial::read_move(sc, req.kind, req.offer.as_ref(), req.proposal)?;
        let moved = crate::sessions::partial::make_move(
            &app,
            &session,
            &seat,
            req.kind,
            pairs,
            req.proposal,
        )
        .await?;
        return Ok(Json(MoveResponse {
            seq: moved.seq,
            round: moved.round,
            status: match &moved.state.finished {
                None => "open",
                Some(Finish::Agreement(_)) => "agreement",
                Some(Finish::Ended(_)) => "ended",
            }
            .into(),
            agreement: moved.agreement,
            reason: moved.reason,
            bot_moves: Vec::new(),
            partial: Some(crate::http::partial::view(sc, &moved.state, seat.seat)),
        }));
    }
    if req.proposal.is_some() {
        return Err(ApiError::unprocessable(
            "\"proposal\" is for partial-rounds sessions",
        ));
    }
    let sc = &session.scenario;
    let outcome = match (req.kind, &req.offer) {
        (MoveKind::Offer, Some(offer)) => {
            Some(parse_offer(sc, offer).map_err(|e| ApiError::unprocessable(e.to_string()))?)
        }
        (MoveKind::Offer, None) => {
            return Err(ApiError::unprocessable(
                "an offer needs an \"offer\" package",
            ));
        }
        (_, Some(_)) => return Err(ApiError::unprocessable("only offers carry a package")),
        (_, None) => None,
    };

    if session
        .seats
        .get(seat.seat)
        .is_some_and(|s| s.strategy.is_some())
    {
        return Err(ApiError::forbidden(
            "a bot plays this seat: its token is view-only",
        ));
    }
    let (kind, seat_no) = (req.kind, seat.seat);
    let (session, committed) = if app.write_lock.is_some() {
        app.commit_queued(session, seat_no, kind, outcome).await?
    } else {
        let committed =
            commit_move(&app, &session, |_, _| Ok(Some((seat_no, kind, outcome)))).await?;
        (session, committed)
    };
    let committed = committed.ok_or_else(|| ApiError::internal("move not committed"))?;
    let bot_moves = play_bots(&app, &session).await?;
    // Suggestions for a round the move completed are computed after the
    // answer, and streamed.
    crate::live::auto_suggest_after_moves(&app, &session, committed.round).await;
    Ok(Json(MoveResponse {
        seq: committed.seq,
        round: committed.round,
        status: committed.status,
        agreement: committed.agreement,
        reason: committed.reason,
        bot_moves,
        partial: None,
    }))
}

/// What `decide` returns: the seat that moves, the move and its outcome.
type Decision = Option<(usize, MoveKind, Option<Outcome>)>;

/// A committed move.
pub(crate) struct Committed {
    pub(crate) seq: u64,
    pub(crate) round: u64,
    pub(crate) party: String,
    pub(crate) kind: MoveKind,
    pub(crate) offer: Option<Package>,
    pub(crate) status: String,
    pub(crate) agreement: Option<Package>,
    pub(crate) reason: Option<String>,
}

/// A move appended inside a transaction that has not committed yet: what
/// to install, publish and answer once it has.
pub(crate) struct Staged {
    session_id: String,
    fresh: Arc<CachedState>,
    published: Vec<crate::live::Published>,
    committed: Committed,
}

/// Why [`stage_move`] failed: a rejected move wrote nothing and leaves the
/// transaction usable; a failed write spoils the whole transaction.
pub(crate) enum StageError {
    Rejected(ApiError),
    Failed(ApiError),
}

/// Appends one move in a transaction of its own: `decide` sees the state
/// replayed under the session lock and picks the move (or none). The move is
/// checked against the protocol; an agreement or an end is appended with
/// it. Returns the move once committed.
pub(crate) async fn commit_move(
    app: &AppState,
    session: &Session,
    decide: impl FnOnce(&State, &[PastMove]) -> Result<Decision, ApiError>,
) -> Result<Option<Committed>, ApiError> {
    let guard = app.write_guard().await;
    let mut tx = app.pool.begin().await?;
    let staged = match stage_move(app, &mut tx, session, &HashMap::new(), decide).await {
        Ok(Some(staged)) => staged,
        Ok(None) => return Ok(None),
        Err(StageError::Rejected(e) | StageError::Failed(e)) => return Err(e),
    };
    tx.commit().await?;
    let committed = install(app, staged);
    drop(guard);
    if committed.agreement.is_some() {
        // Issue the certificate now so that it closes the record; should
        // this fail, GET /certificate issues it later.
        let _ = mediation::ensure_certificate(app, session).await;
    }
    Ok(Some(committed))
}

/// The part of a move inside its transaction: takes the session lock,
/// finds the state (in `pending`, the states of moves staged earlier in the
/// same transaction, in the cache or by replaying the log), lets `decide`
/// pick the move, checks it and appends it (with an agreement or an end).
pub(crate) async fn stage_move(
    app: &AppState,
    tx: &mut sqlx::AnyConnection,
    session: &Session,
    pending: &HashMap<String, Arc<CachedState>>,
    decide: impl FnOnce(&State, &[PastMove]) -> Result<Decision, ApiError>,
) -> Result<Option<Staged>, StageError> {
    use StageError::{Failed, Rejected};
    let id = &session.id;
    let sc = &session.scenario;
    // The session lock and the log head in one statement. SQLite: the
    // write takes the database's write lock before the statement reads, so
    // the head is the latest. PostgreSQL: the head kept in the session's
    // row (every append moves it); once a locking read has waited for the
    // row, it returns the row as the transaction it waited for left it.
    let lock_and_head = if app.write_lock.is_some() {
        "UPDATE sessions SET created_at_ms = created_at_ms WHERE id = $1 RETURNING \
         (SELECT seq FROM events WHERE session_id = $1 ORDER BY seq DESC LIMIT 1), \
         (SELECT hash FROM events WHERE session_id = $1 ORDER BY seq DESC LIMIT 1)"
    } else {
        "SELECT head_seq, head_hash FROM sessions WHERE id = $1 FOR NO KEY UPDATE"
    };
    let row = sqlx::query(lock_and_head)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| Failed(e.into()))?
        .ok_or_else(|| Rejected(ApiError::not_found(format!("no session {id:?}"))))?;
    let (last_seq, last_hash) = match (
        row.try_get::<Option<i64>, _>(0)
            .map_err(|e| Failed(e.into()))?,
        row.try_get::<Option<String>, _>(1)
            .map_err(|e| Failed(e.into()))?,
    ) {
        (Some(seq), Some(hash)) => (seq as u64, hash),
        _ => return Err(Rejected(ApiError::internal("session without log"))),
    };
    // The cached state, if the log still ends where it did; else a replay.
    let cached = match pending.get(id) {
        Some(c) => Some(c.clone()),
        None => app.states.lock().unwrap().get(id).cloned(),
    };
    let cached = match cached {
        Some(c) if c.last_seq == last_seq && c.last_hash == last_hash => c,
        _ => {
            let entries = load_entries(tx, id).await.map_err(Rejected)?;
            let (state, moves) = replay(session, &entries).map_err(Rejected)?;
            Arc::new(CachedState {
                last_seq,
                last_hash,
                state,
                moves,
            })
        }
    };
    let mut state = cached.state.clone();
    let Some((seat, kind, outcome)) = decide(&state, &cached.moves).map_err(Rejected)? else {
        return Ok(None);
    };
    let round = state.round();
    let finish = state
        .apply(seat, kind, outcome.clone())
        .map_err(|e| Rejected(ApiError::conflict(e.to_string())))?;
    let mut seq = cached.last_seq + 1;
    let mut prev = cached.last_hash.clone();
    let party = state.negotiators[seat].clone();
    let offer = outcome.as_ref().map(|o| package(sc, o));
    let mv = Event::Move {
        party: party.clone(),
        kind,
        offer: offer.clone(),
        round,
        at_ms: now_ms(),
    };
    prev = append(tx, id, seq, &prev, &mv).await.map_err(Failed)?;
    let move_seq = seq;
    let (mut agreement, mut reason) = (None, None);
    let mut published = vec![crate::live::Published::Move {
        seq: move_seq,
        round,
        party: party.clone(),
        kind,
        offer: outcome.clone(),
    }];
    match &finish {
        Some(f @ Finish::Agreement(o)) => {
            seq += 1;
            published.push(crate::live::Published::Agreement {
                seq,
                round,
                offer: o.clone(),
            });
            let ev = crate::protocol::finish_event(sc, f, round);
            prev = append(tx, id, seq, &prev, &ev).await.map_err(Failed)?;
            agreement = Some(package(sc, o));
        }
        Some(f @ Finish::Ended(r)) => {
            seq += 1;
            let ev = crate::protocol::finish_event(sc, f, round);
            prev = append(tx, id, seq, &prev, &ev).await.map_err(Failed)?;
            published.push(crate::live::Published::Ended {
                seq,
                round,
                reason: r.clone(),
            });
            reason = Some(r.clone());
        }
        None => {}
    }
    let mut moves = cached.moves.clone();
    moves.push(PastMove {
        seq: move_seq,
        round,
        party: party.clone(),
        seat,
        kind,
        offer: outcome,
    });
    let status = status_of(&state).to_string();
    Ok(Some(Staged {
        session_id: id.clone(),
        fresh: Arc::new(CachedState {
            last_seq: seq,
            last_hash: prev,
            state,
            moves,
        }),
        published,
        committed: Committed {
            seq: move_seq,
            round,
            party,
            kind,
            offer,
            status,
            agreement,
            reason,
        },
    }))
}

/// After the commit of a staged move: caches the session's new state,
/// publishes the move to watchers and returns it.
pub(crate) fn install(app: &AppState, staged: Staged) -> Committed {
    let Staged {
        session_id,
        fresh,
        published,
        committed,
    } = staged;
    // PostgreSQL, until the preferences are kept: has everyone moved now?
    // (Checked first, so that SQLite's moves never scan their history.)
    let everyone_moved = !app.sessions.knows_fixed(&session_id) && {
        let mut seats: Vec<usize> = fresh.moves.iter().map(|m| m.seat).collect();
        seats.sort_unstable();
        seats.dedup();
        seats.len() == fresh.state.negotiators.len()
    };
    {
        let mut states = app.states.lock().unwrap();
        if states.len() >= MAX_CACHED {
            states.clear();
        }
        states.insert(session_id.clone(), fresh);
    }
    if everyone_moved {
        tokio::spawn(keep_fixed_preferences(app.clone(), session_id.clone()));
    }
    app.hub.publish(&session_id, published);
    committed
}

/// A party's move waiting for the SQLite writer task.
pub(crate) struct MoveJob {
    session: Session,
    seat: usize,
    kind: MoveKind,
    outcome: Option<Outcome>,
    reply: tokio::sync::oneshot::Sender<(Session, Result<Option<Committed>, ApiError>)>,
}

/// Most moves committed in one transaction.
const MAX_BATCH: usize = 512;

impl AppState {
    /// Group commit (SQLite): hands the move to the writer task, which
    /// appends the queued moves of all sessions in one transaction (one
    /// fsync, one hand-off of the write lock) and answers each after that
    /// transaction commits. Returns the session back with the move.
    async fn commit_queued(
        &self,
        session: Session,
        seat: usize,
        kind: MoveKind,
        outcome: Option<Outcome>,
    ) -> Result<(Session, Option<Committed>), ApiError> {
        let queue = self.writer.get_or_init(|| {
            let (queue, jobs) = tokio::sync::mpsc::unbounded_channel();
            // The task's copy has no queue of its own, so that it ends
            // when the last handler state is dropped. It runs on a thread
            // of its own, so that its many short waits on the database do
            // not queue behind the request handlers.
            let mut writer = self.clone();
            writer.writer = Default::default();
            let spawned = std::thread::Builder::new()
                .name("pactum-writer".into())
                .spawn(move || {
                    match tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        Ok(rt) => rt.block_on(write_batches(writer, jobs)),
                        // Without a runtime the queue closes and every
                        // move gets a 500.
                        Err(e) => tracing::error!("cannot start the database writer: {e}"),
                    }
                });
            if let Err(e) = spawned {
                tracing::error!("cannot start the database writer: {e}");
            }
            queue
        });
        let (reply, answer) = tokio::sync::oneshot::channel();
        queue
            .send(MoveJob {
                session,
                seat,
                kind,
                outcome,
                reply,
            })
            .map_err(|_| ApiError::internal("the database writer has stopped"))?;
        let (session, committed) = answer
            .await
            .map_err(|_| ApiError::internal("the database writer has stopped"))?;
        let committed = committed?;
        if committed.as_ref().is_some_and(|c| c.agreement.is_some()) {
            // As in commit_move: the certificate closes the record.
            let _ = mediation::ensure_certificate(self, &session).await;
        }
        Ok((session, committed))
    }
}

/// The SQLite writer task: commits whatever moves are queued, in batches.
async fn write_batches(app: AppState, mut queue: tokio::sync::mpsc::UnboundedReceiver<MoveJob>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        write_batch(&app, std::mem::take(&mut jobs)).await;
    }
}

/// Stages the moves in one transaction, commits it and only then answers
/// each move. A move the protocol rejects writes nothing and gets its
/// error; should a write or the commit fail, every move of the batch gets
/// that error and none is kept.
async fn write_batch(app: &AppState, jobs: Vec<MoveJob>) {
    let guard = app.write_guard().await;
    let mut answers: Vec<(MoveJob, Result<Option<Staged>, ApiError>)> =
        Vec::with_capacity(jobs.len());
    let mut queued = jobs.into_iter();
    let outcome: Result<(), ApiError> = async {
        let mut tx = app.pool.begin().await?;
        let mut pending: HashMap<String, Arc<CachedState>> = HashMap::new();
        for mut job in queued.by_ref() {
            let decision = Some((job.seat, job.kind, job.outcome.take()));
            match stage_move(app, &mut tx, &job.session, &pending, |_, _| Ok(decision)).await {
                Ok(staged) => {
                    if let Some(s) = &staged {
                        pending.insert(s.session_id.clone(), s.fresh.clone());
                    }
                    answers.push((job, Ok(staged)));
                }
                Err(StageError::Rejected(e)) => answers.push((job, Err(e))),
                Err(StageError::Failed(e)) => {
                    answers.push((job, Err(e.clone())));
                    return Err(e);
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => {
            let installed: Vec<_> = answers
                .into_iter()
                .map(|(job, r)| (job, r.map(|s| s.map(|s| install(app, s)))))
                .collect();
            drop(guard);
            for (job, r) in installed {
                let _ = job.reply.send((job.session, r));
            }
        }
        Err(e) => {
            drop(guard);
            answers.extend(queued.map(|job| (job, Ok(None))));
            for (job, _) in answers {
                let _ = job.reply.send((job.session, Err(e.clone())));
            }
        }
    }
}

/// Plays the bots' moves for as long as it is a bot's turn. Returns them.
pub(crate) async fn play_bots(app: &AppState, session: &Session) -> Result<Vec<BotMove>, ApiError> {
    let bots: Vec<Option<String>> = session
        .seats
        .iter()
        .filter(|s| s.role == "negotiator")
        .map(|s| s.strategy.clone())
        .collect();
    if bots.iter().all(Option::is_none) {
        return Ok(Vec::new());
    }
    let prepared = {
        let (tables, id, sc) = (
            app.bots.clone(),
            session.id.clone(),
            session.scenario.clone(),
        );
        tokio::task::spawn_blocking(move || tables.get(&id, &sc))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::internal)?
    };
    let mut played = Vec::new();
    loop {
        let decide = |state: &State, moves: &[PastMove]| -> Result<Decision, ApiError> {
            if state.finished.is_some() {
                return Ok(None);
            }
            let seat = state.turn();
            let Some(strategy) = bots.get(seat).cloned().flatten() else {
                return Ok(None);
            };
            let history: Vec<crate::bots::SeenMove> = moves
                .iter()
                .map(|m| crate::bots::SeenMove {
                    seat: m.seat,
                    kind: m.kind,
                    offer: m.offer.clone(),
                })
                .collect();
            let (kind, offer) = crate::bots::next_move(
                &prepared,
                &strategy,
                seat,
                &session.id,
                session.deadline_rounds,
                &history,
            )
            .map_err(ApiError::internal)?;
            Ok(Some((seat, kind, offer)))
        };
        let Some(c) = commit_move(app, session, decide).await? else {
            break;
        };
        played.push(BotMove {
            seq: c.seq,
            round: c.round,
            party: c.party,
            kind: c.kind,
            offer: c.offer,
            status: c.status,
        });
    }
    Ok(played)
}

/// A move the server played for a bot.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BotMove {
    pub seq: u64,
    pub round: u64,
    pub party: String,
    pub kind: MoveKind,
    #[schema(value_type = Option<Object>)]
    pub offer: Option<Package>,
    /// "open", "agreement" or "ended" after this move.
    pub status: String,
}

// ---------------------------------------------------------------- offers

/// One offer of the history, with only the caller's utility of it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OfferView {
    pub seq: u64,
    pub round: u64,
    /// Who made the offer.
    pub party: String,
    #[schema(value_type = Object)]
    pub offer: Package,
    pub my_utility: f64,
}

#[utoipa::path(get, path = "/sessions/{id}/offers", params(("id" = String, Path)), responses(
    (status = 200, body = [OfferView]), (status = 401, body = ErrorBody)),
    security(("party_token" = [])))]
async fn offers(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Vec<OfferView>>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    let mut conn = app.pool.acquire().await?;
    let entries = load_entries(&mut conn, &id).await?;
    let (_, moves) = replay(&session, &entries)?;
    let sc = &session.scenario;
    Ok(Json(
        moves
            .into_iter()
            .filter_map(|m| {
                m.offer.map(|o| OfferView {
                    seq: m.seq,
                    round: m.round,
                    party: m.party,
                    offer: package(sc, &o),
                    my_utility: own_utility(sc, seat.party, &o),
                })
            })
            .collect(),
    ))
}

// ---------------------------------------------------------------- suggestions

#[utoipa::path(post, path = "/sessions/{id}/suggestions", params(("id" = String, Path)), responses(
    (status = 200, body = Suggestions), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
    (status = 503, description = "Busy with other analyses (Retry-After)", body = ErrorBody)),
    security(("party_token" = [])))]
async fn post_suggestions(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Suggestions>, ApiError> {
    let session = load_session(&app, &id).await?;
    let seat = authorize_party(&session, &headers)?;
    if session.privacy == Privacy::Off {
        return Err(ApiError::forbidden(
            "the convener turned the mediator's suggestions off for this session (privacy level \"off\")",
        ));
    }
    let mut conn = app.pool.acquire().await?;
    let entries = load_entries(&mut conn, &id).await?;
    drop(conn);
    // About the standing offer or the draft; in free-form rounds, keeping
    // to the issues settled so far.
    let basis = crate::views::suggestion_basis(&session, &entries)?;
    if !basis.unlocked.is_empty() {
        return Err(ApiError::conflict(crate::preferences::waiting_for_locks(
            &basis.unlocked,
        )));
    }
    let result = app
        .limits
        .analyse(move |options| {
            suggestions_with(
                &basis.scenario,
                seat.party,
                basis.standing.as_deref(),
                basis.context,
                options,
            )
        })
        .await?;
    // The cause may name another party or describe its utility: it is
    // logged, and the caller told only what is public.
    result.map(Json).map_err(|cause| {
        tracing::warn!("suggestions not computed: {cause}");
        ApiError::unprocessable(cause.public_message())
    })
}

// ---------------------------------------------------------------- record

#[utoipa::path(get, path = "/sessions/{id}/record", params(("id" = String, Path)), responses(
    (status = 200, body = Record), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("admin_token" = [])))]
async fn record(
    AxumState(app): AxumState<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Record>, ApiError> {
    let session = load_session(&app, &id).await?;
    authorize_admin(&session, &headers)?;
    let mut conn = app.pool.acquire().await?;
    let mut events = load_entries(&mut conn, &id).await?;
    // Votes on the single text's open proposal stay secret until it closes.
    events.truncate(crate::views::before_open_votes(&events)?);
    Ok(Json(app.signed(Record {
        session_id: id,
        events,
        signature: None,
    })))
}

impl AppState {
    /// `record` with the server's signature of its head, if the server has
    /// a signing key.
    pub(crate) fn signed(&self, mut record: Record) -> Record {
        if let (Some(key), Some(head)) = (&self.signing_key, record.events.last()) {
            record.signature = Some(crate::signing::sign_head(
                key,
                &record.session_id,
                head.seq,
                &head.hash,
            ));
        }
        record
    }
}

/// Answer of `GET /signing-key`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SigningKeyView {
    /// Always "ed25519".
    pub algorithm: String,
    /// The public key (hex, 32 bytes) that checks the signatures of the
    /// records this server serves (`pactum verify --public-key`).
    pub public_key: String,
}

#[utoipa::path(get, path = "/signing-key", responses(
    (status = 200, body = SigningKeyView), (status = 404, body = ErrorBody)))]
async fn signing_key(
    AxumState(app): AxumState<AppState>,
) -> Result<Json<SigningKeyView>, ApiError> {
    let key = app.signing_key.as_ref().ok_or_else(|| {
        ApiError::not_found("this server signs no records (start it with --signing-key)")
    })?;
    Ok(Json(SigningKeyView {
        algorithm: crate::signing::ED25519.into(),
        public_key: hex::encode(key.verifying_key().to_bytes()),
    }))
}
