//! Discounting in `pactum negotiate` and `pactum tournament`: the
//! discounted utilities (u·d^t) are reported beside the undiscounted ones,
//! and `--discount none` gives, byte for byte, the output of the same
//! scenario without discount factors.

use serde_json::Value;

mod common;
use common::{pactum, write};

fn scenario(discount: bool) -> String {
    let d = |x: f64| {
        if discount {
            format!("discount_factor = {x}\n")
        } else {
            String::new()
        }
    };
    format!(
        r#"
name = "Price"
[[issues]]
name = "price"
options = ["p0", "p1", "p2", "p3", "p4"]

[[parties]]
name = "Buyer"
reservation = 0.2
{}weights = {{ price = 1.0 }}
values.price = {{ p0 = 1.0, p1 = 0.75, p2 = 0.5, p3 = 0.25, p4 = 0.0 }}

[[parties]]
name = "Seller"
{}weights = {{ price = 1.0 }}
values.price = {{ p0 = 0.0, p1 = 0.25, p2 = 0.5, p3 = 0.75, p4 = 1.0 }}
"#,
        d(0.5),
        d(0.8)
    )
}

fn stdout(args: &[&str], file: &std::path::Path) -> String {
    let out = pactum()
        .arg(args[0])
        .arg(file)
        .args(&args[1..])
        .assert()
        .success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn negotiate_reports_discounted_utilities() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "price.toml", &scenario(true));
    let args = [
        "negotiate",
        "--parties",
        "conceder,conceder",
        "--steps",
        "20",
    ];
    let text = stdout(&args, &file);
    assert!(text.contains("  discounted (time "), "{text}");

    let mut json_args = args.to_vec();
    json_args.push("--json");
    let v: Value = serde_json::from_str(&stdout(&json_args, &file)).unwrap();
    let t = v["discounted"]["time"].as_f64().unwrap();
    assert!(t > 0.0 && t < 1.0, "{v}");
    for (i, d) in [0.5_f64, 0.8].into_iter().enumerate() {
        let u = v["utilities"][i].as_f64().unwrap();
        let du = v["discounted"]["utilities"][i].as_f64().unwrap();
        assert!((du - u * d.powf(t)).abs() < 1e-15, "{v}");
    }
}

#[test]
fn negotiate_with_discount_none_is_the_undiscounted_output() {
    let dir = tempfile::tempdir().unwrap();
    let discounted = write(&dir, "discounted.toml", &scenario(true));
    let plain = write(&dir, "plain.toml", &scenario(false));
    for extra in [&[][..], &["--json"][..]] {
        let mut args = vec!["negotiate", "--parties", "boulware,conceder"];
        args.extend_from_slice(extra);
        let want = stdout(&args, &plain);
        assert!(!want.contains("discounted"));
        args.extend_from_slice(&["--discount", "none"]);
        assert_eq!(stdout(&args, &discounted), want);
    }
}

#[test]
fn tournament_discount_columns_and_discount_none() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("price.toml");
    let run = |out: &str, extra: &[&str]| -> String {
        let o = dir.path().join(out);
        let assert = pactum()
            .arg("tournament")
            .arg("--scenarios")
            .arg(&file)
            .args([
                "--strategies",
                "boulware,conceder,random",
                "--steps",
                "30",
                "--reps",
                "2",
                "--quiet",
                "--out",
            ])
            .arg(&o)
            .args(extra)
            .assert()
            .success();
        String::from_utf8(assert.get_output().stdout.clone()).unwrap()
    };
    let files = |out: &str| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = std::fs::read_dir(dir.path().join(out))
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read(&p).unwrap())
            })
            .collect();
        v.sort();
        v
    };

    std::fs::write(&file, scenario(true)).unwrap();
    let table = run("discounted", &[]);
    assert!(
        table.lines().next().unwrap().ends_with("discounted"),
        "{table}"
    );
    let csv = std::fs::read_to_string(dir.path().join("discounted/negotiations.csv")).unwrap();
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",time,discounted_utility_a,discounted_utility_b")
    );
    let off_table = run("off", &["--discount", "none"]);

    // The same file without discount factors, played with the default.
    std::fs::write(&file, scenario(false)).unwrap();
    let plain_table = run("plain", &[]);
    assert_eq!(off_table, plain_table.replace("/plain", "/off"));
    assert_eq!(files("off"), files("plain"));
}
