//! Any byte string read as a `.gmcr` conflict file yields a model or an
//! error, never a panic, and a model's analysis keeps the definitions'
//! nesting; see `shared/conflict.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "shared/conflict.rs"]
mod conflict;

fuzz_target!(|data: &[u8]| conflict::check(data, "gmcr"));
