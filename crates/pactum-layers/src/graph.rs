//! Which module imports which: an edge from module A to module B when A's
//! code (its tests left out) names, through a `use` declaration or a path,
//! an item defined in B's file. Paths are read as the compiler reads them
//! (`crate::`, `self::`, `super::`, a child module's name) and re-exports
//! are followed to the file that defines the item, so importing `Thing`
//! through a parent's `pub use part::Thing` is an import of `part`. A
//! `pub use` of one of the module's own descendants re-exports its parts and
//! is no import; paths that leave the crate are not followed.

use std::collections::{BTreeMap, BTreeSet};

use crate::items::Binding;
use crate::tree::{CrateTree, ModulePath};

/// The imports of every non-test module: module → imported module → one
/// path naming it (for messages).
pub type Imports = BTreeMap<ModulePath, BTreeMap<ModulePath, String>>;

/// The imports of every non-test module of `tree`.
pub fn imports(tree: &CrateTree) -> Imports {
    let mut out = Imports::new();
    for (path, module) in tree.modules.iter().filter(|(_, m)| !m.test) {
        let deps = out.entry(path.clone()).or_default();
        let mut add = |target: Option<ModulePath>, named: String| {
            if let Some(target) = target
                && target != *path
            {
                deps.entry(target).or_insert(named);
            }
        };
        for u in &module.items.uses {
            let target = resolve(tree, path, u.depth, &u.path);
            let own_part = target
                .as_ref()
                .is_some_and(|t| t.len() > path.len() && t.starts_with(path));
            if u.public && own_part {
                continue;
            }
            add(target, u.path.join("::"));
        }
        for p in &module.items.paths {
            add(
                resolve(tree, path, p.depth, &p.segments),
                p.segments.join("::"),
            );
        }
    }
    out
}

/// The module defining what `segments` names when written in module `from`,
/// `depth` inline modules deep; `None` when it leaves the crate or names
/// something local.
pub fn resolve(
    tree: &CrateTree,
    from: &[String],
    depth: usize,
    segments: &[String],
) -> Option<ModulePath> {
    let first = segments.first()?;
    let (base, rest): (ModulePath, &[String]) = match first.as_str() {
        "crate" => (Vec::new(), &segments[1..]),
        "self" => (from.to_vec(), &segments[1..]),
        "super" => {
            let ups = segments.iter().take_while(|s| *s == "super").count();
            let leave = ups.saturating_sub(depth);
            let keep = from.len().checked_sub(leave)?;
            (from[..keep].to_vec(), &segments[ups..])
        }
        _ => {
            let mut child = from.to_vec();
            child.push(first.clone());
            if depth == 0 && tree.has(&child) {
                (from.to_vec(), segments)
            } else {
                return None;
            }
        }
    };
    let mut module = base;
    let mut taken = 0;
    for segment in rest {
        let mut child = module.clone();
        child.push(segment.clone());
        if !tree.has(&child) {
            break;
        }
        module = child;
        taken += 1;
    }
    match rest.get(taken) {
        Some(item) => {
            let mut seen = BTreeSet::new();
            Some(defining(tree, &module, item, &mut seen).unwrap_or(module))
        }
        None => Some(module),
    }
}

/// The module whose file defines `item` as seen from `module`, following
/// its `use` declarations (named, then globs); `None` when it is not found.
fn defining(
    tree: &CrateTree,
    module: &ModulePath,
    item: &str,
    seen: &mut BTreeSet<ModulePath>,
) -> Option<ModulePath> {
    if !seen.insert(module.clone()) {
        return None;
    }
    let items = &tree.modules.get(module)?.items;
    let top_uses = || items.uses.iter().filter(|u| u.depth == 0);
    if let Some(u) = top_uses().find(|u| u.binding == Binding::Name(item.to_string())) {
        return resolve(tree, module, 0, &u.path);
    }
    if items.defines.iter().any(|d| d == item) {
        return Some(module.clone());
    }
    for u in top_uses().filter(|u| u.binding == Binding::Glob) {
        if let Some(target) = resolve(tree, module, 0, &u.path)
            && let Some(found) = defining(tree, &target, item, seen)
        {
            return Some(found);
        }
    }
    None
}
