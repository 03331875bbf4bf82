//! The OpenAPI document, generated from the handlers' annotations and the protocol types.
//! Checked in as `crates/room-server/openapi.json`; a test fails when it is stale.

use crate::{AppState, api, stream};
use axum::http::header;
use axum::response::IntoResponse;
use std::sync::LazyLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, Response, ResponseBuilder, content::ContentBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use worktogether_room_protocol::ErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Worktogether room server",
        description = "Rooms for virtual coworking: presence, shared sessions, commitments and outcomes, questions to the host. Every response carries the server's clock in `x-server-time`; every write takes an optional `Idempotency-Key` (for creating and joining, which need no token, a key counts per client address and, since the answer holds a token, must have at least 32 characters). Answers are `Cache-Control: no-store` (event streams `no-cache`) and `X-Content-Type-Options: nosniff`. Names and texts are stored in Unicode NFC; a name must have a visible character, and no text may contain direction controls, line or paragraph separators or control characters. Hosts: a host hands the role over before leaving, and a host alone in the room closes (deletes) it by leaving, and a host may delete the room at any time (`DELETE /v1/rooms/{code}`: every stream ends, every token stops working, and the room's codes are never handed out again); removing a member is not a ban, giving the room a new code is. Connections: headers and bodies must arrive within the server's read timeouts, answers must be taken within its write timeout, and the server holds a bounded number of connections."
    ),
    components(schemas(ErrorBody, worktogether_room_protocol::SharedPhase))
)]
struct Doc;

/// The refusals every operation can answer with, and the member token scheme.
struct Common;

impl Modify for Common {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "member_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The token from creating or joining the room"))
                    .build(),
            ),
        );
        let error = |description: &str| -> RefOr<Response> {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody"))).build(),
                )
                .build()
                .into()
        };
        let refusals = [
            ("400", "Malformed request"),
            ("401", "No valid member token of this room"),
            ("403", "Only the host, or only the entry's author, may do this"),
            ("404", "No such room, member, session, commitment or question"),
            ("405", "Method not allowed"),
            ("408", "The request body did not arrive within the body read timeout"),
            ("409", "Refused in the current state, room full, or idempotency key reused"),
            ("413", "Request body too large"),
            ("422", "Invalid input: empty or too-long text, impossible rule"),
            ("429", "Rate limit reached; `Retry-After` says when to try again"),
            ("503", "The server could not store the change; retry"),
        ];
        for item in doc.paths.paths.values_mut() {
            for op in
                [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten()
            {
                for (status, description) in refusals {
                    op.responses.responses.entry(status.into()).or_insert_with(|| error(description));
                }
            }
        }
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(Doc::openapi())
        .routes(routes!(api::health))
        .routes(routes!(api::create_room))
        .routes(routes!(api::room_state, api::update_room, api::delete_room))
        .routes(routes!(api::join))
        .routes(routes!(api::leave))
        .routes(routes!(api::remove_member))
        .routes(routes!(api::change_code))
        .routes(routes!(api::hand_over))
        .routes(routes!(api::set_presence))
        .routes(routes!(api::start_session, api::list_sessions))
        .routes(routes!(api::session_detail))
        .routes(routes!(api::control_session))
        .routes(routes!(api::publish_commitment))
        .routes(routes!(api::post_ahead))
        .routes(routes!(api::report_outcome))
        .routes(routes!(api::give_kudos))
        .routes(routes!(api::ask_question))
        .routes(routes!(api::mark_answered))
        .routes(routes!(api::put_schedule, api::get_schedule))
        .routes(routes!(stream::events))
}

/// The document as served and checked in.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = router().split_for_parts();
    Common.modify(&mut doc);
    doc
}

/// The document as JSON, built once: building it takes far longer than answering `/health`,
/// on the async workers, so a client asking for it over and over must not build it each time.
pub async fn serve() -> impl IntoResponse {
    static SERVED: LazyLock<String> =
        LazyLock::new(|| serde_json::to_string(&document()).expect("the document serializes"));
    ([(header::CONTENT_TYPE, "application/json")], SERVED.as_str())
}
