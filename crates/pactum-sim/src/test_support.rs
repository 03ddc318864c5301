//! Scenarios shared by the unit tests of several modules, written once so
//! that every test reads the same preferences.

use crate::prefs::Prepared;

/// One issue "price" with five options p0..p4; A values them 0, .25, .5,
/// .75, 1 and B the reverse (neither has a reservation value). Outcome id k
/// is option k.
pub(crate) fn line() -> Prepared {
    let text = r#"
name = "line"
[[issues]]
name = "price"
options = ["p0", "p1", "p2", "p3", "p4"]
[[parties]]
name = "A"
role = "negotiator"
weights = { price = 1.0 }
values.price = { p0 = 0.0, p1 = 0.25, p2 = 0.5, p3 = 0.75, p4 = 1.0 }
[[parties]]
name = "B"
role = "negotiator"
weights = { price = 1.0 }
values.price = { p0 = 1.0, p1 = 0.75, p2 = 0.5, p3 = 0.25, p4 = 0.0 }
"#;
    Prepared::new(
        pactum_core::native::from_toml("line.toml", text)
            .unwrap()
            .scenario,
    )
    .unwrap()
}
