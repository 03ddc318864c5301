//! `POST /sessions`: a new session from a scenario, its tokens shown once.
//!
//! The request is checked completely (protocol, deadlines in rounds and in
//! seconds, scenario, bots, privacy and the analysis budget) before
//! anything is stored. The creation's time (`Created.at_ms`) is the start
//! of a wall-clock time limit.

use axum::Json;
use axum::extract::State as AxumState;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use pactum_protocol::single_text::Mediator;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::event::Event;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::json_body;
use crate::limits::MAX_DEADLINE_ROUNDS;
use crate::mediators::{TextMediator, mediator_names, parse_mediator};
use crate::partial::PARTIAL_ROUNDS;
use crate::protocol::{ALTERNATING_OFFERS, TimeLimit};
use crate::sessions::bots::play_bots;
use crate::sessions::cache::load_session;
use crate::sessions::{AppState, now_ms, records};
use crate::single_text::SINGLE_TEXT;
use crate::store::sessions::parse_scenario;
use crate::tokens;
use crate::views::Privacy;

/// Body of `POST /sessions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSession {
    /// A scenario in Pactum's native TOML format (or give
    /// `scenario_json` or `scenario_zip_base64`).
    #[serde(default)]
    pub scenario_toml: Option<String>,
    /// Instead of `scenario_toml`: a scenario in Pactum's native JSON
    /// format (the same fields), stored as native TOML; errors name its
    /// line and column.
    #[serde(default)]
    pub scenario_json: Option<String>,
    /// Instead of `scenario_toml`: a GENIUS or GeniusWeb scenario folder as
    /// a base64 zip archive, stored as native TOML (see `crate::archive`).
    #[serde(default)]
    pub scenario_zip_base64: Option<String>,
    /// "alternating_offers", "single_text" (the server mediates a single
    /// negotiating text; the negotiators vote on its proposed changes) or
    /// "partial_rounds" (free-form rounds settling issues by partial
    /// proposals, see `crate::partial`).
    pub protocol: String,
    /// Single text only: the mediator — "draft_and_vote" (the default: every
    /// one-issue change of a middle draft in turn), "veto" (whole packages
    /// drawn at random), "hill_climbing" (random one-issue changes of the
    /// draft) or "packages" (complete packages better for everyone, from the
    /// negotiators' locked preferences, which it never reveals; its first
    /// proposal waits until every negotiator has locked them). See
    /// docs/protocols.md.
    #[serde(default)]
    pub mediator: Option<String>,
    /// Rounds (one move per negotiator each) before the negotiation ends.
    pub deadline_rounds: u64,
    /// Optionally (every protocol), a wall-clock time limit too:
    /// seconds from the session's creation (1 to 2,592,000, i.e. 30 days). The first request to move
    /// after it finds the negotiation over: the expiry is recorded and the
    /// move refused (409). Whichever limit comes first ends it.
    #[serde(default)]
    pub deadline_seconds: Option<u64>,
    /// Negotiator seats played by the server: party name → strategy name
    /// (one of pactum-sim's, e.g. "conceder"; "llm" only on a server with a
    /// language model, else 422). At least one seat must be left to a
    /// person. A classic bot moves before the move that gave it the turn is
    /// answered; an "llm" bot moves a little later (its move is streamed,
    /// with its message).
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
pub(crate) async fn create_session(
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
    let mediator = match (&req.mediator, req.protocol.as_str()) {
        (None, _) => Mediator::DraftAndVote,
        (Some(name), SINGLE_TEXT) => parse_mediator(name).ok_or_else(|| {
            ApiError::unprocessable(format!(
                "mediator: unknown mediator {name:?}; use one of {}",
                mediator_names()
            ))
        })?,
        (Some(_), _) => {
            return Err(ApiError::unprocessable(format!(
                "mediator: only a {SINGLE_TEXT:?} session has a mediator"
            )));
        }
    };
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
    if let Some(seconds) = req.deadline_seconds {
        TimeLimit::new(0, seconds).map_err(|e| ApiError::unprocessable(e.to_string()))?;
    }
    let scenario_toml = match (
        req.scenario_toml.take(),
        req.scenario_json.take(),
        req.scenario_zip_base64.take(),
    ) {
        (Some(text), None, None) => text,
        (None, Some(json), None) => pactum_core::native::from_json("scenario_json", &json)
            .and_then(|loaded| pactum_core::native::loaded_to_toml(&loaded))
            .map_err(|e| ApiError::unprocessable(e.to_string()))?,
        (None, None, Some(zip)) => {
            tokio::task::spawn_blocking(move || crate::archive::scenario_toml_from_zip_base64(&zip))
                .await
                .map_err(ApiError::internal)?
                .map_err(|e| ApiError::unprocessable(e.to_string()))?
        }
        _ => {
            return Err(ApiError::unprocessable(
                "give exactly one of scenario_toml, scenario_json and scenario_zip_base64",
            ));
        }
    };
    let scenario =
        parse_scenario(&scenario_toml).map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let negotiators = scenario.negotiators();
    if negotiators.len() < 2 {
        return Err(ApiError::unprocessable(
            "the scenario needs at least two negotiators",
        ));
    }
    // Suggestions and the certificate analyse the scenario: one they could
    // not analyse within the budget is refused now, unless it is only too
    // large to enumerate (a nonlinear utility over a huge space): then the
    // session is played on a searched space (`crate::bots`), and the
    // analyses that need the frontier answer 422 when asked.
    crate::limits::check_analysable(&scenario)
        .or_else(|e| if e.is_searchable() { Ok(()) } else { Err(e) })
        .map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let names = scenario.negotiator_names();
    for (party, strategy) in &req.bots {
        if !names.contains(party) {
            return Err(ApiError::unprocessable(format!(
                "bots: {party:?} is not a negotiator of the scenario"
            )));
        }
        crate::bots::check_strategy(strategy, app.llm.has_model())
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

    if mediator == Mediator::Packages {
        // The mediator tabulates every negotiator's utilities.
        let sc = scenario.clone();
        tokio::task::spawn_blocking(move || crate::mediators::Tables::new(&sc))
            .await
            .map_err(ApiError::internal)?
            .map_err(|e| ApiError::unprocessable(format!("mediator: {e}")))?;
    }

    let session_id = hex::encode(rand::random::<[u8; 16]>());
    let text_mediator = TextMediator::live(mediator, &session_id);
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
        .parties()
        .iter()
        .filter(|p| p.role != pactum_core::Role::Negotiator)
        .map(|p| ViewerInvitation {
            party: p.name.clone(),
            role: p.role.to_string(),
            token: tokens::generate(),
        })
        .collect();
    let at_ms = now_ms();
    let created = Event::Created {
        session_id: session_id.clone(),
        protocol: req.protocol.clone(),
        deadline_rounds: req.deadline_rounds,
        negotiators: names.clone(),
        scenario_sha256: hex::encode(Sha256::digest(scenario_toml.as_bytes())),
        at_ms,
        auto_suggest: req.auto_suggest,
        deadline_seconds: req.deadline_seconds,
        mediator: text_mediator.recorded_name(),
        mediator_seed: text_mediator.recorded_seed(),
    };

    let mut events = vec![created];
    if req.protocol == SINGLE_TEXT {
        // The packages mediator proposes once every negotiator has locked
        // its preferences; the others at once.
        let text = crate::single_text::TextState::with_mediator(
            &scenario,
            names.clone(),
            req.deadline_rounds,
            text_mediator,
        );
        events.extend(crate::single_text::proposal_event(&scenario, &text));
    }
    let seats = invitations
        .iter()
        .map(|i| (i.party.as_str(), "negotiator", &i.token, i.bot.clone()))
        .chain(
            viewers
                .iter()
                .map(|v| (v.party.as_str(), v.role.as_str(), &v.token, None)),
        )
        .map(|(party, role, token, bot)| (party, role, tokens::hash(token), bot))
        .collect();
    records::create(
        &app,
        records::NewSession {
            id: &session_id,
            scenario_toml: &scenario_toml,
            protocol: &req.protocol,
            deadline_rounds: req.deadline_rounds,
            admin_token_hash: tokens::hash(&admin_token),
            privacy: req.privacy.as_str(),
            seats,
            events,
        },
    )
    .await?;
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
