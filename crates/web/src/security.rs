//! Response headers every answer carries, a request timeout, a last line of
//! defence that turns a panic into a 500 instead of a dropped connection, and
//! handlers that finish what they started even when the client hangs up.

use std::time::Duration;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower::layer::util::{Identity, Stack};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

type Headers = SetResponseHeaderLayer<HeaderValue>;

#[allow(clippy::type_complexity)]
pub fn layers() -> ServiceBuilder<
    Stack<
        Headers,
        Stack<
            Headers,
            Stack<
                Headers,
                Stack<
                    Headers,
                    Stack<
                        TimeoutLayer,
                        Stack<CatchPanicLayer<tower_http::catch_panic::DefaultResponseForPanic>, Identity>,
                    >,
                >,
            >,
        >,
    >,
> {
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    ServiceBuilder::new()
        .layer(CatchPanicLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(header(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::REFERRER_POLICY, "same-origin"))
        // Pages and API answers carry health data: never cache them.
        .layer(header(header::CACHE_CONTROL, "no-store"))
}

/// Runs the rest of the request in a task of its own, so a client that hangs
/// up (or the timeout above) abandons only the wait for the answer, never the
/// handler halfway through a use case made of several steps. The store is
/// safe to abandon at any point too; this keeps whole use cases whole.
/// Refuses an address carrying a NUL character (`%00`) in its path or
/// query before any handler sees it: PostgreSQL cannot store or compare
/// text with NUL and would answer a server error (found by Schemathesis),
/// and no id, token or parameter of ours contains one.
pub async fn refuse_nul_in_address(request: Request, next: Next) -> Response {
    let address = request.uri().path_and_query().map_or("", |pq| pq.as_str());
    if !address.to_ascii_lowercase().contains("%00") {
        return next.run(request).await;
    }
    let detail = "the address contains a NUL character (%00), which no path or parameter may contain";
    if request.uri().path().starts_with("/api/") {
        crate::error::Problem::new(StatusCode::BAD_REQUEST, "Bad request", detail).into_response()
    } else {
        crate::pages::error_page(
            StatusCode::BAD_REQUEST,
            crate::pages::Layout::anonymous(),
            "Bad request",
            detail,
        )
    }
}

pub async fn run_to_completion(request: Request, next: Next) -> Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(failure) => {
            tracing::error!(error = %failure, "request handler failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong; the error was logged.",
            )
                .into_response()
        }
    }
}
