//! Scenario folders read from memory (an uploaded archive) give what the
//! same folder gives from disk: the same issues, parties, utilities and
//! warnings, the files named under the label given instead of the folder.

use std::path::Path;

use pactum_core::io::{from_files, load};
use pactum_core::{Error, genius};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

/// Every file of a folder as `(name, bytes)`, in an order other than the
/// folder's (the loader sorts them itself).
fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files.reverse();
    files
}

fn same_as_disk(dir: &Path) {
    let disk = load(dir, None).unwrap();
    let memory = from_files("upload", &files_of(dir), None).unwrap();
    assert_eq!(memory.scenario.issues, disk.scenario.issues);
    assert_eq!(memory.scenario.parties, disk.scenario.parties);
    let folder = dir.display().to_string();
    let expected: Vec<String> = disk
        .warnings
        .iter()
        .map(|w| w.replace(&folder, "upload"))
        .collect();
    assert_eq!(memory.warnings, expected);
}

#[test]
fn genius_and_geniusweb_folders_read_from_memory_as_from_disk() {
    same_as_disk(&Path::new(DATA).join("genius/golden-additive"));
    same_as_disk(&Path::new(DATA).join("genius/golden-nonlinear"));
    same_as_disk(&Path::new(DATA).join("geniusweb/golden"));
}

#[test]
fn a_genius_upload_is_named_after_its_label() {
    let dir = Path::new(DATA).join("genius/golden-additive");
    let l = from_files("fruit", &files_of(&dir), None).unwrap();
    assert_eq!(l.scenario.name, "fruit");
}

#[test]
fn profiles_can_be_chosen_and_errors_name_the_label() {
    let dir = Path::new(DATA).join("genius/golden-additive");
    let seller = ["seller".to_string()];
    let l = from_files("upload", &files_of(&dir), Some(&seller)).unwrap();
    assert_eq!(l.scenario.parties.len(), 1);
    assert_eq!(l.scenario.parties[0].name, "seller");

    let mut files = files_of(&dir);
    files.retain(|(name, _)| name != "fruit-domain.xml");
    let e = from_files("upload", &files, None).unwrap_err().to_string();
    assert!(e.starts_with("upload: no GENIUS domain file"), "{e}");

    let e = from_files("upload", &[("notes.txt".into(), b"hi".to_vec())], None).unwrap_err();
    assert!(matches!(e, Error::Unsupported(_)), "{e}");
    assert!(
        e.to_string()
            .contains("no GENIUS (.xml) or GeniusWeb (.json)")
    );
}

#[test]
fn latin1_files_are_read_and_reported() {
    let dir = Path::new(DATA).join("genius/golden-additive");
    let mut files = files_of(&dir);
    for (name, bytes) in &mut files {
        if name == "buyer.xml" {
            // A Latin-1 "é" in a comment: not UTF-8.
            bytes.extend_from_slice(b"<!-- caf\xe9 -->\n");
        }
    }
    let l = from_files("upload", &files, None).unwrap();
    assert!(
        l.warnings
            .contains(&"upload/buyer.xml: not UTF-8; read as Latin-1".to_string()),
        "{:?}",
        l.warnings
    );
}

#[test]
fn genius_texts_load_without_a_folder() {
    let dir = Path::new(DATA).join("genius/golden-additive");
    let text = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let files = vec![
        ("d/buyer.xml".to_string(), text("buyer.xml")),
        ("d/fruit-domain.xml".to_string(), text("fruit-domain.xml")),
        ("d/seller.xml".to_string(), text("seller.xml")),
    ];
    let l = genius::from_texts("d", &files, None).unwrap();
    let disk = load(&dir, None).unwrap();
    assert_eq!(l.scenario.parties, disk.scenario.parties);
    assert_eq!(l.scenario.name, "d");
}
