//! The OpenAPI document served at `/openapi.json`: every operation with the
//! kinds of token it accepts, and every schema it answers with.

use axum::Json;
use utoipa::OpenApi;

use crate::http::error::ErrorBody;
use crate::http::moves::MoveResponse;
use crate::protocol::MoveKind;
use crate::record::{Record, RecordEntry};
use crate::views::{OwnView, PreferenceSummary, Suggestions};

/// The kinds of token, as the document's security schemes: every operation
/// lists the ones it accepts (all are sent as `Authorization: Bearer`).
pub(crate) struct TokenSchemes;

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
                 certificate, the session's messages. It can make no move.",
            ),
            (
                "mediator_token",
                "The viewer token of the scenario's mediator party (a `viewers` entry with role                  \"mediator\"): besides what every viewer token reads, it posts the mediator's                  messages (POST /sessions/{id}/messages). An observer's viewer token cannot.",
            ),
            (
                "admin_token",
                "The convener's token, `admin_token` in the answer of POST /sessions: the record, \
                 the export, the mediator view, the event stream, the certificate and the                  session's messages; it posts messages as the mediator.",
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
        crate::http::create::create_session,
        crate::http::me::me,
        crate::http::preferences::put_preferences,
        crate::http::preferences::lock_preferences,
        crate::http::moves::post_move,
        crate::http::single_text::post_vote,
        crate::http::single_text::get_text,
        crate::http::offers::offers,
        crate::http::words::post_words,
        crate::http::words::get_words,
        crate::http::suggestions::post_suggestions,
        crate::http::record::record,
        crate::http::events::events,
        crate::http::disclosure::put_disclosure,
        crate::http::disclosure::get_disclosure,
        crate::http::mediator::mediator_view,
        crate::http::certificate::get_certificate,
        crate::http::certificate::export,
        crate::http::preferences::export_preferences,
        crate::http::record::signing_key,
        crate::http::health::health
    ),
    components(schemas(
        crate::http::create::CreateSession,
        crate::http::create::Created,
        crate::http::create::Invitation,
        crate::http::create::ViewerInvitation,
        crate::http::disclosure::DisclosureRequest,
        crate::http::disclosure::DisclosureState,
        crate::http::disclosure::DisclosureStatus,
        crate::http::mediator::MediatorView,
        crate::http::mediator::TraceOffer,
        crate::http::mediator::TraceMove,
        crate::mediation::UtilitySpace,
        crate::mediation::UtilityPoint,
        crate::http::traces::PartialTrace,
        crate::http::traces::TracedRound,
        crate::http::traces::TracedProposal,
        crate::http::traces::TextTrace,
        crate::http::traces::TracedTextProposal,
        crate::http::traces::TracedVote,
        crate::http::certificate::CertificateView,
        crate::mediation::Export,
        crate::certificate::Certificate,
        crate::http::me::MeResponse,
        crate::preferences::PreferencesRequest,
        crate::http::preferences::PreferencesUpdated,
        crate::preferences::PreferencesExport,
        crate::preferences::PreferencesOpening,
        crate::signing::HeadSignature,
        crate::http::record::SigningKeyView,
        crate::http::preferences::LockState,
        crate::views::Privacy,
        crate::http::moves::MoveRequest,
        MoveResponse,
        crate::http::single_text::VoteRequest,
        crate::http::single_text::VoteResponse,
        crate::http::single_text::TextView,
        crate::http::moves::BotMove,
        crate::http::words::MessageRequest,
        crate::http::words::MessagePosted,
        crate::http::words::MessageView,
        crate::http::words::MessagesView,
        crate::http::events::MoveEvent,
        crate::http::events::AgreementEvent,
        crate::http::events::EndedEvent,
        crate::http::events::PartialMoveEvent,
        crate::sessions::live::SuggestionsEvent,
        crate::http::events::SettledEvent,
        crate::http::events::VoteEvent,
        crate::http::events::ProposalEvent,
        crate::http::events::DisclosureEvent,
        crate::http::partial::PartialView,
        crate::http::partial::ProposalView,
        crate::http::offers::OfferView,
        ErrorBody,
        PreferenceSummary,
        Suggestions,
        OwnView,
        Record,
        RecordEntry,
        MoveKind
    ))
)]
pub(crate) struct ApiDoc;

pub(crate) async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
