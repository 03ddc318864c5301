//! The web UI: plain HTML, CSS and JavaScript modules embedded in the binary
//! and served next to the API, with no build step.
//!
//! - `/` is the convener's page: create a session from a scenario, hand out
//!   the invitation links and watch the negotiation.
//! - `/party.html#session=ID&token=TOKEN` is a negotiator's page.
//! - `/mediator.html#session=ID&token=ADMIN_TOKEN` shows the offer trace.
//! - `/ui/agreement.html#session=ID&token=ADMIN_TOKEN` is a finished
//!   session's agreement document, printable.
//! - `/ui/examples/NAME.toml` is every scenario of `examples/`.
//!
//! Tokens travel in the URL fragment, which browsers never send to the
//! server; the pages read it and call the API with `Authorization: Bearer`.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// One embedded file.
struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const SVG: &str = "image/svg+xml";
const TEXT: &str = "text/plain; charset=utf-8";

const ASSETS: &[Asset] = &[
    Asset {
        path: "/",
        content_type: HTML,
        body: include_str!("index.html"),
    },
    Asset {
        path: "/index.html",
        content_type: HTML,
        body: include_str!("index.html"),
    },
    Asset {
        path: "/party.html",
        content_type: HTML,
        body: include_str!("party.html"),
    },
    Asset {
        path: "/mediator.html",
        content_type: HTML,
        body: include_str!("mediator.html"),
    },
    Asset {
        path: "/ui/style.css",
        content_type: CSS,
        body: include_str!("style.css"),
    },
    Asset {
        path: "/ui/icon.svg",
        content_type: SVG,
        body: include_str!("icon.svg"),
    },
    Asset {
        path: "/ui/common.js",
        content_type: JS,
        body: include_str!("common.js"),
    },
    Asset {
        path: "/ui/convener.js",
        content_type: JS,
        body: include_str!("convener.js"),
    },
    Asset {
        path: "/ui/party.js",
        content_type: JS,
        body: include_str!("party.js"),
    },
    Asset {
        path: "/ui/party-page.js",
        content_type: JS,
        body: include_str!("party-page.js"),
    },
    Asset {
        path: "/ui/party-lock.js",
        content_type: JS,
        body: include_str!("party-lock.js"),
    },
    Asset {
        path: "/ui/party-moves.js",
        content_type: JS,
        body: include_str!("party-moves.js"),
    },
    Asset {
        path: "/ui/party-offer.js",
        content_type: JS,
        body: include_str!("party-offer.js"),
    },
    Asset {
        path: "/ui/party-preferences.js",
        content_type: JS,
        body: include_str!("party-preferences.js"),
    },
    Asset {
        path: "/ui/party-status.js",
        content_type: JS,
        body: include_str!("party-status.js"),
    },
    Asset {
        path: "/ui/party-text.js",
        content_type: JS,
        body: include_str!("party-text.js"),
    },
    Asset {
        path: "/ui/party-partial.js",
        content_type: JS,
        body: include_str!("party-partial.js"),
    },
    Asset {
        path: "/ui/party-suggestions.js",
        content_type: JS,
        body: include_str!("party-suggestions.js"),
    },
    Asset {
        path: "/ui/words.js",
        content_type: JS,
        body: include_str!("words.js"),
    },
    Asset {
        path: "/ui/prefs.js",
        content_type: JS,
        body: include_str!("prefs.js"),
    },
    Asset {
        path: "/ui/desk.js",
        content_type: JS,
        body: include_str!("desk.js"),
    },
    Asset {
        path: "/ui/deadline.js",
        content_type: JS,
        body: include_str!("deadline.js"),
    },
    Asset {
        path: "/ui/agreement.html",
        content_type: HTML,
        body: include_str!("agreement.html"),
    },
    Asset {
        path: "/ui/agreement.js",
        content_type: JS,
        body: include_str!("agreement.js"),
    },
    Asset {
        path: "/ui/rank.js",
        content_type: JS,
        body: include_str!("rank.js"),
    },
    Asset {
        path: "/ui/packages.js",
        content_type: JS,
        body: include_str!("packages.js"),
    },
    Asset {
        path: "/ui/mediator.js",
        content_type: JS,
        body: include_str!("mediator.js"),
    },
    Asset {
        path: "/ui/space.js",
        content_type: JS,
        body: include_str!("space.js"),
    },
    Asset {
        path: "/ui/examples/car-purchase.toml",
        content_type: TEXT,
        body: include_str!("../../../examples/car-purchase.toml"),
    },
    Asset {
        path: "/ui/examples/istanbul-2025.toml",
        content_type: TEXT,
        body: include_str!("../../../examples/istanbul-2025.toml"),
    },
    Asset {
        path: "/ui/examples/labour-contract.toml",
        content_type: TEXT,
        body: include_str!("../../../examples/labour-contract.toml"),
    },
    Asset {
        path: "/ui/examples/three-party-water.toml",
        content_type: TEXT,
        body: include_str!("../../../examples/three-party-water.toml"),
    },
];

/// Scripts, styles, images and API calls only from this origin; no inline
/// script, no framing, no referrer.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

fn respond(asset: &'static Asset) -> Response {
    let mut resp = asset.body.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    // The pages change with the binary: always revalidate.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    resp
}

/// Routes serving the UI's pages and assets (any router state).
pub(crate) fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    ASSETS.iter().fold(Router::new(), |router, asset| {
        router.route(asset.path, get(move || async move { respond(asset) }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    async fn get_asset(path: &str) -> (StatusCode, String, String) {
        let app: Router = routes();
        let resp = app
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let ct = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        (status, ct, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn pages_and_modules_are_served_with_their_types() {
        for asset in ASSETS {
            let (status, ct, body) = get_asset(asset.path).await;
            assert_eq!(status, StatusCode::OK, "{}", asset.path);
            assert_eq!(ct, asset.content_type, "{}", asset.path);
            assert!(!body.is_empty(), "{}", asset.path);
        }
        let (_, _, index) = get_asset("/").await;
        assert!(index.contains("/ui/convener.js"));
        let (_, _, car) = get_asset("/ui/examples/car-purchase.toml").await;
        assert!(car.contains("name = \"Car purchase\""));
    }

    #[tokio::test]
    async fn every_local_reference_is_served() {
        // Every `/ui/...` path named by a page or module is an embedded asset,
        // and nothing is loaded from another origin.
        let paths: Vec<&str> = ASSETS.iter().map(|a| a.path).collect();
        for asset in ASSETS.iter().filter(|a| a.content_type != TEXT) {
            for (i, _) in asset.body.match_indices("/ui/") {
                let rest = &asset.body[i..];
                let end = rest
                    .find(|c: char| c == '"' || c == '\'' || c == '`' || c.is_whitespace())
                    .unwrap_or(rest.len());
                let referenced = &rest[..end];
                if referenced.ends_with('/') || referenced.contains("${") {
                    continue; // a prefix or a template, checked below
                }
                assert!(
                    paths.contains(&referenced),
                    "{} references {referenced}, which is not served",
                    asset.path
                );
            }
            // The SVG namespace is a name, not a resource.
            let body = asset.body.replace("http://www.w3.org/2000/svg", "");
            for scheme in ["http://", "https://", "//fonts.", "//cdn"] {
                assert!(
                    !body.contains(scheme),
                    "{} loads something from another origin ({scheme})",
                    asset.path
                );
            }
        }
    }

    #[test]
    fn every_example_offered_is_embedded() {
        // convener.js fetches /ui/examples/${name}.toml for each option.
        let index = include_str!("index.html");
        let select = &index[index.find("id=\"example\"").unwrap()..];
        let select = &select[..select.find("</select>").unwrap()];
        let names: Vec<&str> = select
            .split("value=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(
            names,
            [
                "car-purchase",
                "istanbul-2025",
                "labour-contract",
                "three-party-water"
            ]
        );
        // Every built-in negotiation example is offered (a conflict model,
        // `*-conflict.toml`, is `pactum conflict`'s, not a scenario).
        let mut examples: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples"))
                .unwrap()
                .filter_map(|e| {
                    let name = e.unwrap().file_name().into_string().unwrap();
                    name.strip_suffix(".toml")
                        .filter(|n| !n.ends_with("-conflict"))
                        .map(str::to_string)
                })
                .collect();
        examples.sort();
        assert_eq!(names, examples);
        for name in names {
            let path = format!("/ui/examples/{name}.toml");
            assert!(
                ASSETS.iter().any(|a| a.path == path),
                "{path} is not served"
            );
        }
    }

    #[tokio::test]
    async fn pages_forbid_inline_script_and_referrers() {
        let app: Router = routes();
        let resp = app
            .oneshot(Request::get("/party.html").body(Body::empty()).unwrap())
            .await
            .unwrap();
        let h = resp.headers();
        assert_eq!(h[header::REFERRER_POLICY], "no-referrer");
        assert!(
            h[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .contains("script-src 'self'")
        );
    }
}
