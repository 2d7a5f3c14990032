//! Response headers every answer carries, a request timeout, and a last line
//! of defence that turns a panic into a 500 instead of a dropped connection.

use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
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
