//! The HTTP layer: routes, authorisation, request and response views, one
//! module per resource. Handlers read and check a request completely, then
//! call the `sessions` service; they never touch the store directly.

pub(crate) mod partial;
pub(crate) mod single_text;
pub(crate) mod traces;
