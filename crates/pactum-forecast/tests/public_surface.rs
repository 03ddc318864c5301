//! The paths other crates use (the CLI, its tests, the fuzz targets) stay where they are: this
//! file names each of them, so moving one fails here rather than in a dependant.

use pactum_forecast::backtest::{BacktestOptions, BacktestReport, backtest, backtest_file};
use pactum_forecast::input::{Input, read_backtest_csv};
use pactum_forecast::montecarlo::{MAX_DRAWS, McOptions, Spread};
use pactum_forecast::scenario::{self, ForecastScenario, Format};
use pactum_forecast::uncertainty::Uncertainty;
use pactum_forecast::{
    Actor, Anchor, Case, DimensionForecast, Forecast, ForecastError, Issue, JsonSyntax, Location,
    MAX_CAPABILITY, MAX_POSITION, ModelKind, Observer, Options, Result, Round, Scale, Silent,
    TomlSyntax, report, run,
};

#[test]
fn the_paths_dependants_use_resolve() {
    let _: fn(&std::path::Path) -> Result<Vec<Case>> = |p| read_backtest_csv(p);
    let _: fn(&[Case], &BacktestOptions) -> Result<BacktestReport> = backtest;
    let _ = |p: &str, o: &BacktestOptions| backtest_file(p, o, &Silent);
    let _ = |p: &str| Input::read(p);
    let _ = report::forecast_input;
    let _ = report::monte_carlo_input;
    let _: fn(&str, &str, Format) -> Result<ForecastScenario> = scenario::parse_scenario_as;
    let _ = (MAX_DRAWS, MAX_CAPABILITY, MAX_POSITION);
    let _ = (McOptions::default(), Spread::None, Uncertainty::default());
    let _: Option<(Anchor, Round, DimensionForecast, Forecast, Location, Scale)> = None;
    let _: Option<(&TomlSyntax, &JsonSyntax, &dyn Observer)> = None;
    Silent.progress(1, 1);
    let case = Case::one_dim(
        "c",
        vec![
            Actor::new("A", 1.0, 0.0, 50.0),
            Actor::new("B", 1.0, 100.0, 50.0),
        ],
    );
    assert_eq!(case.issues.len(), 1);
    let _: Issue = case.issues[0].clone();
    let f = run(ModelKind::WeightedMean, &case, &Options::default()).unwrap();
    assert_eq!(f.value(), 50.0);
    let e: ForecastError = "nope".parse::<ModelKind>().unwrap_err();
    assert!(matches!(e, ForecastError::UnknownModel(_)));
}
