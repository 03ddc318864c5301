//! The HTTP layer: accepting connections within the server's limits.
//!
//! Rules enforced here:
//! - A connection must send each request's headers within the header-read
//!   timeout, or it is closed; so is a kept-alive one idle for as long. A
//!   request's body must then arrive within as long again (a body cut off
//!   is answered 400).
//! - At most `max_connections` connections are served at once. The next
//!   `overflow_connections` are served one request each, which is answered
//!   only if it is `GET /health` (anything else gets 503 with
//!   `Retry-After`), so that a full server still says whether it is up.
//!   Beyond those, a new connection is sent that 503 and closed at once,
//!   holding nothing.
//! - Every request carries its client's address (`ConnectInfo`), for the
//!   per-address limits of the handlers.
//! - On shutdown, accepting stops and the connections finish the requests
//!   in progress, then close.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::limits::ServerLimits;

/// The body of the 503 a connection over the cap gets.
const FULL: &str = r#"{"error":"the server is at its connection limit; retry later"}"#;

/// Longest an overflow connection may take to send its one request's
/// headers (less if the header-read timeout is shorter).
const OVERFLOW_HEADER_TIMEOUT: Duration = Duration::from_secs(1);

/// Serves `app` on `listener` within `limits` until `stop` resolves, then
/// lets the connections finish their requests in progress and returns.
pub(crate) async fn accept(
    listener: TcpListener,
    app: Router,
    limits: &ServerLimits,
    stop: impl Future<Output = ()>,
) {
    let served = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let overflow = Arc::new(Semaphore::new(limits.overflow_connections));
    let graceful = GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of file descriptors, or the connection was reset
                    // before it was accepted: wait a little rather than
                    // spin.
                    tracing::warn!("accepting a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        if let Ok(permit) = served.clone().try_acquire_owned() {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout);
            let (app, body_time) = (app.clone(), limits.header_read_timeout);
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                with_address(app.clone(), req, peer, body_time)
            });
            let conn = http.serve_connection(TokioIo::new(stream), service);
            let conn = graceful.watch(conn);
            tokio::spawn(async move {
                let _permit = permit;
                if let Err(e) = conn.await {
                    tracing::debug!("connection: {e}");
                }
            });
        } else if let Ok(permit) = overflow.clone().try_acquire_owned() {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .keep_alive(false)
                .header_read_timeout(limits.header_read_timeout.min(OVERFLOW_HEADER_TIMEOUT));
            let app = app.clone();
            let body_time = limits.header_read_timeout.min(OVERFLOW_HEADER_TIMEOUT);
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                health_only(app.clone(), req, peer, body_time)
            });
            let conn = http.serve_connection(TokioIo::new(stream), service);
            let conn = graceful.watch(conn);
            tokio::spawn(async move {
                let _permit = permit;
                if let Err(e) = conn.await {
                    tracing::debug!("overflow connection: {e}");
                }
            });
        } else {
            refuse(stream);
        }
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Passes a request to the router with its client's address, its body
/// due within `body_time`.
async fn with_address(
    app: Router,
    req: Request<Incoming>,
    peer: SocketAddr,
    body_time: Duration,
) -> Result<Response<axum::body::Body>, Infallible> {
    let mut req = req.map(|body| {
        axum::body::Body::new(DueBody {
            body,
            due: Box::pin(tokio::time::sleep(body_time)),
        })
    });
    req.extensions_mut().insert(ConnectInfo(peer));
    app.oneshot(req).await
}

/// A request body that fails once its time is up, however it trickles in.
struct DueBody {
    body: Incoming,
    due: std::pin::Pin<Box<tokio::time::Sleep>>,
}

/// Why a request body was cut off.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
struct BodyTooSlow;

impl hyper::body::Body for DueBody {
    type Data = hyper::body::Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        use std::task::Poll;
        if let Poll::Ready(frame) = std::pin::Pin::new(&mut self.body).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        match self.due.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(BodyTooSlow.into()))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

/// A connection over the cap: `GET /health` is answered, anything else
/// refused with 503.
async fn health_only(
    app: Router,
    req: Request<Incoming>,
    peer: SocketAddr,
    body_time: Duration,
) -> Result<Response<axum::body::Body>, Infallible> {
    if req.method() == Method::GET && req.uri().path() == "/health" {
        return with_address(app, req, peer, body_time).await;
    }
    let mut response = Response::new(axum::body::Body::from(FULL));
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    let headers = response.headers_mut();
    headers.insert(header::RETRY_AFTER, 1.into());
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

/// A connection beyond every cap: told so without waiting for it (a fresh
/// socket's send buffer takes the whole answer) and closed.
fn refuse(stream: TcpStream) {
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{FULL}",
        FULL.len()
    );
    if let Err(e) = stream.try_write(answer.as_bytes()) {
        tracing::debug!("refusing a connection: {e}");
    }
    drop(stream);
}
