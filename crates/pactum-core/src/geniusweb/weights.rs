//! Issue weights GeniusWeb accepts: decimal texts summing to exactly 1.
//!
//! Rules: the weights written are proportional to the model's; they sum to
//! 1 both digit by digit (GeniusWeb's check) and as `f64` values added in
//! order; weights that already do so are written as given.

/// Exact decimal text of `units / 10^places`.
pub(super) fn decimal(units: u128, places: u32) -> String {
    let scale = 10u128.pow(places);
    let (int, frac) = (units / scale, units % scale);
    if frac == 0 {
        return int.to_string();
    }
    let frac = format!("{frac:0width$}", width = places as usize);
    format!("{int}.{}", frac.trim_end_matches('0'))
}

/// `text` (a plain non-negative decimal) in units of 10^-places, if it
/// has no more decimals than that.
pub(super) fn decimal_units(text: &str, places: u32) -> Option<u128> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > places as usize || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let int: u128 = int.parse().ok()?;
    let frac: u128 = format!("{frac:0<width$}", width = places as usize)
        .parse()
        .ok()?;
    int.checked_mul(10u128.pow(places))?.checked_add(frac)
}

pub(super) fn f64_sum_is_one(texts: &[String]) -> bool {
    let mut sum = 0.0;
    for t in texts {
        match t.parse::<f64>() {
            Ok(v) => sum += v,
            Err(_) => return false,
        }
    }
    sum == 1.0
}

/// Weights proportional to `w` (non-negative, positive sum), as decimal
/// texts that sum to exactly 1 both as decimals (GeniusWeb's check) and as
/// f64 values added in order. The last weight absorbs the rounding.
pub(crate) fn unit_weights(w: &[f64]) -> Vec<String> {
    const PLACES: u32 = 17;
    let one = 10u128.pow(PLACES);
    let total: f64 = w.iter().sum();
    let n = w.len();
    if n == 1 {
        return vec!["1".into()];
    }
    // First choice: each weight's shortest text, the last one taking the
    // exact decimal remainder (keeps weights like 0.3 as written).
    const WIDE: u32 = 36;
    let shortest: Option<Vec<u128>> = w[..n - 1]
        .iter()
        .map(|&x| decimal_units(&format!("{}", x / total), WIDE))
        .collect();
    if let Some(mut head) = shortest {
        let sum: u128 = head.iter().sum();
        if sum <= 10u128.pow(WIDE) {
            head.push(10u128.pow(WIDE) - sum);
            let texts: Vec<String> = head.iter().map(|&u| decimal(u, WIDE)).collect();
            if f64_sum_is_one(&texts) {
                return texts;
            }
        }
    }
    // Each normalised weight rounded to 17 decimals, exactly.
    let mut q: Vec<u128> = w
        .iter()
        .map(|&x| {
            let t = format!("{:.17}", x / total);
            t.replace('.', "").parse::<u128>().unwrap_or(0)
        })
        .collect();
    let mut head: u128 = q[..n - 1].iter().sum();
    while head > one {
        // Rounding up overshot: take the excess from the largest weight.
        let (k, _) = q[..n - 1]
            .iter()
            .enumerate()
            .max_by_key(|&(_, v)| *v)
            .expect("n ≥ 2");
        let take = (head - one).min(q[k]);
        q[k] -= take;
        head -= take;
    }
    q[n - 1] = one - head;
    let texts = |q: &[u128]| q.iter().map(|&u| decimal(u, PLACES)).collect::<Vec<_>>();
    let first = texts(&q);
    if f64_sum_is_one(&first) {
        return first;
    }
    // Shift a few units of 1e-17 between the last two weights: the exact
    // sum stays 1 while the f64 rounding moves.
    let donor = (0..n - 1).max_by_key(|&k| q[k]).expect("n ≥ 2");
    for d in 1..=200u128 {
        for up in [true, false] {
            let mut t = q.clone();
            if up && t[n - 1] >= d {
                t[donor] += d;
                t[n - 1] -= d;
            } else if !up && t[donor] >= d {
                t[donor] -= d;
                t[n - 1] += d;
            } else {
                continue;
            }
            let candidate = texts(&t);
            if f64_sum_is_one(&candidate) {
                return candidate;
            }
        }
    }
    // Multiples of 2^-52 are exact both as f64 and as decimals, and so are
    // their sums up to 1.
    const BITS: u32 = 52;
    let unit = 1u128 << BITS;
    let mut k: Vec<u128> = w
        .iter()
        .map(|&x| ((x / total) * unit as f64).round() as u128)
        .collect();
    let mut head: u128 = k[..n - 1].iter().sum();
    while head > unit {
        let (j, _) = k[..n - 1]
            .iter()
            .enumerate()
            .max_by_key(|&(_, v)| *v)
            .expect("n ≥ 2");
        let take = (head - unit).min(k[j]);
        k[j] -= take;
        head -= take;
    }
    k[n - 1] = unit - head;
    k.iter().map(|&v| dyadic(v, BITS)).collect()
}

/// Exact decimal text of `k / 2^bits` (for k ≤ 2^bits, bits ≤ 64).
pub(super) fn dyadic(k: u128, bits: u32) -> String {
    let unit = 1u128 << bits;
    if k >= unit {
        return (k >> bits).to_string();
    }
    let mut frac = k;
    let mut digits = String::from("0.");
    while frac != 0 {
        frac *= 10;
        digits.push(char::from(b'0' + (frac >> bits) as u8));
        frac &= unit - 1;
    }
    if digits == "0." { "0".into() } else { digits }
}
