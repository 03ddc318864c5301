//! Any set of texts given to the GeniusWeb JSON importer as a folder's files
//! yields a scenario or an error, never a panic. An imported scenario is
//! valid; when it can be exported to GeniusWeb, the exported files import
//! again with the same issues (a numeric issue with a single value comes
//! back as a discrete issue listing it), the same parties and the same preference
//! order over outcomes. The writer brings value utilities into [0, 1] and
//! weights to a sum of exactly 1, so a party's utilities come back through
//! a positive affine map (the identity when they already followed those
//! rules).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pactum_core::geniusweb;
use pactum_core::model::{IssueKind, Scenario};

/// Outcomes compared after a round trip: the first and last in enumeration
/// order and a few in between, at most 64 in all.
fn sample_outcomes(s: &Scenario) -> Vec<Vec<u32>> {
    let radices: Vec<u64> = s.issues().iter().map(|i| i.cardinality()).collect();
    let mut out = Vec::new();
    for k in 0..64u64 {
        let mut o = Vec::with_capacity(radices.len());
        let mut seed = k.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for (j, &r) in radices.iter().enumerate() {
            let v = match k {
                0 => 0,
                1 => r - 1,
                _ => {
                    seed = seed.rotate_left(17) ^ (j as u64);
                    seed % r
                }
            };
            o.push(v as u32);
        }
        out.push(o);
    }
    out
}

/// Whether `b` is a positive affine image of `a` (within rounding).
fn affine_image(a: &[f64], b: &[f64]) -> bool {
    let (lo, hi) = (0..a.len()).fold((0, 0), |(lo, hi), k| {
        (
            if a[k] < a[lo] { k } else { lo },
            if a[k] > a[hi] { k } else { hi },
        )
    });
    let span = a[hi] - a[lo];
    let tol = 1e-9 * a.iter().chain(b).fold(1.0f64, |m, x| m.max(x.abs()));
    if span <= tol {
        return b.iter().all(|&y| (y - b[lo]).abs() <= tol);
    }
    let slope = (b[hi] - b[lo]) / span;
    slope > 0.0
        && a.iter()
            .zip(b)
            .all(|(&x, &y)| (b[lo] + slope * (x - a[lo]) - y).abs() <= tol)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // NUL separates the files: the first is the domain, the others profiles.
    let mut files = Vec::new();
    for (k, part) in text.split('\u{0}').take(4).enumerate() {
        let name = if k == 0 {
            "domain.json".to_string()
        } else {
            format!("party{k}.json")
        };
        files.push((format!("fuzz/{name}"), part.to_string()));
    }
    let folder = files.len() > 1;
    let label = if folder { "fuzz" } else { "fuzz/domain.json" };
    let Ok(loaded) = geniusweb::from_texts(label, folder, &files, None) else {
        return;
    };
    let first = loaded.scenario;
    first.validate().expect("an imported scenario is valid");

    let Ok(domain) = geniusweb::write_domain(&first) else {
        return;
    };
    let mut written = vec![("again/domain.json".to_string(), domain)];
    for (p, party) in first.parties().iter().enumerate() {
        let profile = geniusweb::write_profile(&first, p)
            .expect("a written domain's profiles can be written");
        written.push((format!("again/{}.json", party.name), profile));
    }
    let second = geniusweb::from_texts("again", true, &written, None)
        .expect("exported GeniusWeb files import again")
        .scenario;
    assert_eq!(first.issues().len(), second.issues().len());
    for (a, b) in first.issues().iter().zip(second.issues()) {
        // GeniusWeb number ranges need two values: a numeric issue with one
        // value is written (with a note) as a discrete issue listing it.
        let listed = !matches!(a.kind, IssueKind::Discrete { .. })
            && a.cardinality() == 1
            && b.name == a.name
            && b.kind
                == (IssueKind::Discrete {
                    options: vec![a.value(0).to_string()],
                });
        if !listed {
            assert_eq!(a, b);
        }
    }
    assert_eq!(first.parties().len(), second.parties().len());
    let outcomes = sample_outcomes(&first);
    for (a, b) in first.parties().iter().zip(second.parties()) {
        assert_eq!(a.name, b.name);
        let (pa, pb) = (
            a.preferences.as_ref().unwrap(),
            b.preferences.as_ref().unwrap(),
        );
        let ua: Vec<f64> = outcomes
            .iter()
            .map(|o| pa.utility.utility(&first.issues(), o))
            .collect();
        let ub: Vec<f64> = outcomes
            .iter()
            .map(|o| pb.utility.utility(&second.issues(), o))
            .collect();
        assert!(affine_image(&ua, &ub), "{}: {ua:?} vs {ub:?}", a.name);
    }
});
