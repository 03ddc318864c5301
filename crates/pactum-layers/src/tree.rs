//! A crate's module tree, followed from its root file through its `mod`
//! declarations as the compiler does: `name.rs` or `name/mod.rs` next to a
//! root or `mod.rs` file, in the folder named after any other file, or the
//! file of a `#[path = "…"]` attribute relative to the declaring file's
//! folder. One module is one file; inline `mod name { … }` blocks are part
//! of their file. Modules declared under `#[cfg(test)]`, and all beneath
//! them, are marked as test modules.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::LayersError;
use crate::items::{FileItems, items};
use crate::lexer::tokens;

/// A module's path from the crate root (`["http", "moves"]`; the root is
/// empty).
pub type ModulePath = Vec<String>;

/// One file module.
#[derive(Debug, Clone)]
pub struct Module {
    /// Its source file.
    pub file: PathBuf,
    /// Whether it exists only in test builds.
    pub test: bool,
    /// What its file says about modules.
    pub items: FileItems,
}

/// Every file module of one crate, by path.
#[derive(Debug, Clone, Default)]
pub struct CrateTree {
    /// The modules, by path from the root.
    pub modules: BTreeMap<ModulePath, Module>,
}

/// How a module's path is shown: `crate` for the root, else `a::b`.
pub fn display(path: &[String]) -> String {
    if path.is_empty() {
        "crate".to_string()
    } else {
        path.join("::")
    }
}

impl CrateTree {
    /// Reads the tree of the crate whose root file is `root`, getting each
    /// file's text from `read` (which returns an `ErrorKind::NotFound`
    /// error for a file that does not exist).
    pub fn load(
        root: &Path,
        read: &mut dyn FnMut(&Path) -> std::io::Result<String>,
    ) -> Result<CrateTree, LayersError> {
        let mut tree = CrateTree::default();
        let text = read(root).map_err(|source| LayersError::Read {
            path: root.to_path_buf(),
            source,
        })?;
        let mut pending = vec![(Vec::new(), root.to_path_buf(), false, text, true)];
        while let Some((path, file, test, text, owns_folder)) = pending.pop() {
            let found = items(&tokens(&text));
            let folder = child_folder(&file, owns_folder);
            for decl in found.mods.iter().filter(|d| !d.inline) {
                let candidates = match &decl.path {
                    Some(p) => vec![file.parent().unwrap_or(Path::new("")).join(p)],
                    None => vec![
                        folder.join(format!("{}.rs", decl.name)),
                        folder.join(&decl.name).join("mod.rs"),
                    ],
                };
                let (child_file, child_text) =
                    first_existing(&candidates, read)?.ok_or_else(|| {
                        LayersError::MissingModule {
                            declared_in: file.clone(),
                            module: decl.name.clone(),
                            candidates: candidates.clone(),
                        }
                    })?;
                let mut child = path.clone();
                child.push(decl.name.clone());
                let owns = decl.path.is_none() && child_file.ends_with("mod.rs");
                pending.push((child, child_file, test || decl.test, child_text, owns));
            }
            tree.modules.insert(
                path,
                Module {
                    file,
                    test,
                    items: found,
                },
            );
        }
        Ok(tree)
    }

    /// Whether `path` is a file module of the crate.
    pub fn has(&self, path: &[String]) -> bool {
        self.modules.contains_key(path)
    }
}

/// The folder holding the files of the modules `file` declares: its own
/// folder for a crate root or `mod.rs`, else the folder named after it.
fn child_folder(file: &Path, owns_folder: bool) -> PathBuf {
    let parent = file.parent().unwrap_or(Path::new(""));
    if owns_folder {
        parent.to_path_buf()
    } else {
        let stem = file.file_stem().unwrap_or_default();
        parent.join(stem)
    }
}

/// The first of `candidates` that exists, with its text.
fn first_existing(
    candidates: &[PathBuf],
    read: &mut dyn FnMut(&Path) -> std::io::Result<String>,
) -> Result<Option<(PathBuf, String)>, LayersError> {
    for candidate in candidates {
        match read(candidate) {
            Ok(text) => return Ok(Some((candidate.clone(), text))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(LayersError::Read {
                    path: candidate.clone(),
                    source,
                });
            }
        }
    }
    Ok(None)
}
