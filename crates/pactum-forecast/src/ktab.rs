//! KTAB Spatial Model of Politics (placeholder).
use serde::{Deserialize, Serialize};

use crate::error::{ForecastError, Result};
use crate::model::Case;
use crate::result::Forecast;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SmpParams {}

pub fn forecast(_case: &Case, _p: &SmpParams) -> Result<Forecast> {
    Err(ForecastError::Model {
        model: "ktab",
        message: "not implemented yet".into(),
    })
}
