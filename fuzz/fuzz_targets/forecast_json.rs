//! Any byte string given to the forecast section parser as JSON yields a
//! forecast scenario or an error, never a panic; see `shared/forecast.rs`
//! for what is checked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pactum_forecast::scenario::Format;

#[path = "shared/forecast.rs"]
mod forecast;

fuzz_target!(|data: &[u8]| forecast::check(data, Format::Json));
