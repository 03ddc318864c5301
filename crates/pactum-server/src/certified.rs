//! A record's certificate read back from its events: who had disclosed
//! their preferences when it was issued, where the certificate stands (the
//! record's final event, after the agreement it certifies, of the same
//! package and round) and whether the scenario gives the same certificate
//! again (`pactum verify`).
//!
//! Kept apart from `crate::certificate` so that the log's events can hold
//! the certificate type while this module reads events.

use pactum_core::Scenario;

use crate::certificate::{Certificate, CertificateError, compute, same, same_package};
use crate::event::Event;

/// Negotiators whose latest disclosure choice is "disclose", in the order
/// they first disclosed.
pub(crate) fn disclosed_by(events: impl IntoIterator<Item = Event>) -> Vec<String> {
    let mut disclosed: Vec<String> = Vec::new();
    for event in events {
        if let Event::Disclosure {
            party, disclose, ..
        } = event
        {
            disclosed.retain(|p| *p != party);
            if disclose {
                disclosed.push(party);
            }
        }
    }
    disclosed
}

/// A record's certificate with the agreement it certifies: where they are
/// and what they say.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Certified {
    /// Index of the certificate event (the record's last).
    pub at: usize,
    /// The certificate as recorded.
    pub certificate: Certificate,
}

/// Finds a record's certificate and checks its place: it must be the
/// record's final event, follow the agreement and certify the agreed
/// package and round (packages compared by value: `21500` and `21500.0` are
/// the same price). `Ok(None)` when the record has no certificate.
pub(crate) fn find_certificate(events: &[Event]) -> Result<Option<Certified>, CertificateError> {
    let Some((at, cert)) = events.iter().enumerate().find_map(|(at, e)| match e {
        Event::Certificate(cert) => Some((at, cert)),
        _ => None,
    }) else {
        return Ok(None);
    };
    if at + 1 != events.len() {
        return Err(CertificateError::NotFinal);
    }
    let agreement = events[..at].iter().rev().find_map(|e| match e {
        Event::Agreement { offer, round } => Some((offer, *round)),
        _ => None,
    });
    let Some((offer, round)) = agreement else {
        return Err(CertificateError::NoAgreement);
    };
    if !same_package(offer, &cert.agreement) || round != cert.round {
        return Err(CertificateError::OtherAgreement);
    }
    Ok(Some(Certified {
        at,
        certificate: cert.clone(),
    }))
}

/// Recomputes the certificate found by [`find_certificate`] from
/// `scenario` (the session's, with every negotiator's preferences as they
/// stood when it was issued) and compares it with the recorded one.
pub(crate) fn recompute(
    scenario: &Scenario,
    events: &[Event],
    found: &Certified,
) -> Result<(), CertificateError> {
    let cert = &found.certificate;
    let disclosed = disclosed_by(events[..found.at].iter().cloned());
    let again = compute(scenario, &cert.agreement, cert.round, &disclosed)?;
    if !same(&again, cert) {
        return Err(CertificateError::Mismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pactum_core::Value;
    use pactum_core::analysis::Package;

    fn certificate_of(agreement: &Package, round: u64) -> Event {
        Event::Certificate(Certificate {
            agreement: agreement.clone(),
            round,
            pareto_optimal: true,
            nash: None,
            nash_distance: None,
            disclosed: vec![],
            utilities: None,
        })
    }

    #[test]
    fn a_certificate_closes_the_record_after_the_agreement_it_certifies() {
        let price: Package = [("price".to_string(), Value::Integer(21500))].into();
        let other: Package = [("price".to_string(), Value::Integer(9))].into();
        let agreement = Event::Agreement {
            offer: price.clone(),
            round: 3,
        };
        let ended = Event::Ended {
            reason: "x".into(),
            round: 3,
        };
        let good = [agreement.clone(), certificate_of(&price, 3)];
        assert_eq!(find_certificate(&good).unwrap().unwrap().at, 1);
        assert_eq!(find_certificate(&good[..1]).unwrap(), None);
        let not_final = [agreement.clone(), certificate_of(&price, 3), ended];
        assert!(matches!(
            find_certificate(&not_final),
            Err(CertificateError::NotFinal)
        ));
        assert!(matches!(
            find_certificate(&[certificate_of(&price, 3)]),
            Err(CertificateError::NoAgreement)
        ));
        for wrong in [certificate_of(&other, 3), certificate_of(&price, 4)] {
            assert!(matches!(
                find_certificate(&[agreement.clone(), wrong]),
                Err(CertificateError::OtherAgreement)
            ));
        }
    }

    #[test]
    fn the_latest_choice_to_disclose_counts() {
        let choice = |party: &str, disclose| Event::Disclosure {
            party: party.into(),
            disclose,
            at_ms: 0,
        };
        let events = [
            choice("A", true),
            choice("B", true),
            choice("A", false),
            choice("C", false),
        ];
        assert_eq!(disclosed_by(events), ["B"]);
    }
}
