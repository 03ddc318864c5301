// Shared helpers for the simulator's integration tests.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use pactum_sim::negotiator::{Negotiator, Now, Response};
use pactum_sim::{OutcomeId, Prepared};

/// One issue "price" with five options p0..p4; A values them 0, .25, .5,
/// .75, 1 and B the reverse. Outcome id k is option k.
pub fn line(reservations: [Option<f64>; 2]) -> Prepared {
    let rv = |r: Option<f64>| {
        r.map(|r| format!("reservation = {r}\n"))
            .unwrap_or_default()
    };
    let text = format!(
        r#"
name = "line"
[[issues]]
name = "price"
options = ["p0", "p1", "p2", "p3", "p4"]

[[parties]]
name = "A"
role = "negotiator"
{}weights = {{ price = 1.0 }}
values.price = {{ p0 = 0.0, p1 = 0.25, p2 = 0.5, p3 = 0.75, p4 = 1.0 }}

[[parties]]
name = "B"
role = "negotiator"
{}weights = {{ price = 1.0 }}
values.price = {{ p0 = 1.0, p1 = 0.75, p2 = 0.5, p3 = 0.25, p4 = 0.0 }}
"#,
        rv(reservations[0]),
        rv(reservations[1])
    );
    Prepared::new(
        pactum_core::native::from_toml("line.toml", &text)
            .unwrap()
            .scenario,
    )
    .unwrap()
}

/// Three parties over one issue with three options (ids 0, 1, 2); each
/// party likes a different option best.
pub fn three_way() -> Prepared {
    let text = r#"
name = "three"
[[issues]]
name = "site"
options = ["x", "y", "z"]
[[parties]]
name = "P"
role = "negotiator"
weights = { site = 1.0 }
values.site = { x = 1.0, y = 0.5, z = 0.0 }
[[parties]]
name = "Q"
role = "negotiator"
weights = { site = 1.0 }
values.site = { x = 0.0, y = 1.0, z = 0.5 }
[[parties]]
name = "R"
role = "negotiator"
weights = { site = 1.0 }
values.site = { x = 0.5, y = 0.0, z = 1.0 }
"#;
    Prepared::new(
        pactum_core::native::from_toml("three.toml", text)
            .unwrap()
            .scenario,
    )
    .unwrap()
}

/// What a scripted negotiator was asked, in order.
pub type Log = Arc<Mutex<Vec<String>>>;

/// A negotiator that plays a fixed script: `offers` in turn, and the
/// `responses` in turn (then rejects).
pub struct Scripted {
    pub name: &'static str,
    pub offers: Vec<Option<OutcomeId>>,
    pub responses: Vec<Response>,
    pub log: Log,
}

impl Scripted {
    pub fn boxed(
        name: &'static str,
        offers: Vec<Option<OutcomeId>>,
        responses: Vec<Response>,
        log: &Log,
    ) -> Box<dyn Negotiator> {
        Box::new(Scripted {
            name,
            offers,
            responses,
            log: log.clone(),
        })
    }
}

impl Negotiator for Scripted {
    fn respond(&mut self, now: &Now, offer: OutcomeId, proposer: usize) -> Response {
        let r = if self.responses.is_empty() {
            Response::Reject
        } else {
            self.responses.remove(0)
        };
        self.log.lock().unwrap().push(format!(
            "{} s{} t{:.3} respond #{offer} from {proposer}: {r:?}",
            self.name, now.step, now.time
        ));
        r
    }

    fn propose(&mut self, now: &Now) -> Option<OutcomeId> {
        let o = if self.offers.is_empty() {
            None
        } else {
            self.offers.remove(0)
        };
        self.log
            .lock()
            .unwrap()
            .push(format!("{} s{} propose {o:?}", self.name, now.step));
        o
    }

    fn vote(&mut self, _now: &Now, _current: Option<OutcomeId>, _proposal: OutcomeId) -> bool {
        true
    }
}

/// The files of a folder, by name, with their bytes (sorted by name).
pub fn files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}
