//! A router that remembers its routes. axum cannot list the routes of a
//! `Router`, so the page and API routers are built through [`RouteTable`],
//! which registers each route with axum and keeps its method and path: the
//! isolation sweep (`crates/myomap/tests/e2e/sweep.rs`) enumerates every
//! route from it, and a route added here without a sweep entry fails that
//! test.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodRouter, delete, get, post, put};

use crate::AppState;

/// One registered route: its method and its path in axum's syntax
/// (`/clients/{id}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: Method,
    pub path: &'static str,
}

/// A `Router` under construction and the routes registered on it so far.
/// There is deliberately no way to register a route without recording it.
pub struct RouteTable {
    router: Router<AppState>,
    routes: Vec<Route>,
}

impl Default for RouteTable {
    fn default() -> Self {
        Self::new()
    }
}

impl RouteTable {
    pub fn new() -> Self {
        RouteTable {
            router: Router::new(),
            routes: Vec::new(),
        }
    }

    fn add(mut self, method: Method, path: &'static str, method_router: MethodRouter<AppState>) -> Self {
        // axum merges a second method router on the same path into the first.
        self.router = self.router.route(path, method_router);
        self.routes.push(Route { method, path });
        self
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::GET, path, get(handler))
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::POST, path, post(handler))
    }

    pub fn put<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::PUT, path, put(handler))
    }

    pub fn delete<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::DELETE, path, delete(handler))
    }

    /// A POST route that accepts bodies up to `max_bytes` (uploads) instead
    /// of the global limit.
    pub fn post_up_to<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        max_bytes: usize,
        handler: H,
    ) -> Self {
        self.add(
            Method::POST,
            path,
            post(handler).layer(DefaultBodyLimit::max(max_bytes)),
        )
    }

    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<Route>) {
        (self.router, self.routes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn answer() -> &'static str {
        "ok"
    }

    #[test]
    fn every_registered_route_is_listed_once_per_method() {
        let table = RouteTable::new()
            .get("/a/{id}", answer)
            .post("/a/{id}", answer)
            .delete("/b", answer);
        assert_eq!(
            table.routes(),
            [
                Route {
                    method: Method::GET,
                    path: "/a/{id}"
                },
                Route {
                    method: Method::POST,
                    path: "/a/{id}"
                },
                Route {
                    method: Method::DELETE,
                    path: "/b"
                },
            ]
        );
    }
}
