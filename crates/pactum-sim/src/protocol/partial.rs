//! Multi-round sessions with partial agreements (to do).
