//! The rule: no two modules of a crate import each other, directly or in a
//! circle. A module stands, towards the rest of the crate, for itself and
//! everything beneath it, so circles are looked for among siblings: an
//! import from `a::x` of `b::y` is an import of sibling `b` by sibling `a`
//! (the children of the crate root), and an import from `a::x` of `a::z`
//! one of `z` by `x` (the children of `a`). Imports between a module and its
//! own descendants are the usual parent/part pattern (the parent declares,
//! re-exports and uses its parts; a part uses what its parent defines) and
//! form no circle.

use std::collections::{BTreeMap, BTreeSet};

use crate::graph::Imports;
use crate::tree::{ModulePath, display};

/// Modules importing each other in a circle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Circle {
    /// The module whose children form the circle (empty: the crate root).
    pub parent: ModulePath,
    /// Every child of `parent` in the circle or in another through one of
    /// its modules (they all reach each other).
    pub members: Vec<ModulePath>,
    /// The circle, first child again at the end (`[a, b, a]`).
    pub path: Vec<ModulePath>,
    /// For each step of the circle, one import making it (`a::x -> b::y
    /// (crate::b::y::Thing)`).
    pub because: Vec<String>,
}

impl std::fmt::Display for Circle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.path.iter().map(|p| display(p)).collect();
        let members: Vec<String> = self.members.iter().map(|p| display(p)).collect();
        write!(
            f,
            "{} [{}] (all of {} reach each other)",
            names.join(" -> "),
            self.because.join("; "),
            members.join(", ")
        )
    }
}

/// A sibling-level edge with one import making it.
type SiblingEdges = BTreeMap<ModulePath, BTreeMap<ModulePath, String>>;

/// Every circle among the children of any module, one per group of modules
/// that reach each other.
pub fn circles(imports: &Imports) -> Vec<Circle> {
    let mut levels: BTreeMap<ModulePath, SiblingEdges> = BTreeMap::new();
    for (from, deps) in imports {
        for (to, named) in deps {
            let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
            if common == from.len() || common == to.len() {
                // A module and its own descendant.
                continue;
            }
            let parent = from[..common].to_vec();
            let a = from[..=common].to_vec();
            let b = to[..=common].to_vec();
            let because = format!("{} -> {} ({named})", display(from), display(to));
            levels
                .entry(parent)
                .or_default()
                .entry(a)
                .or_default()
                .entry(b)
                .or_insert(because);
        }
    }
    let mut out = Vec::new();
    for (parent, edges) in levels {
        for group in strongly_connected(&edges) {
            let path = cycle_within(&edges, &group);
            let because = path
                .windows(2)
                .map(|w| edges[&w[0]][&w[1]].clone())
                .collect();
            out.push(Circle {
                parent: parent.clone(),
                members: group.into_iter().collect(),
                path,
                because,
            });
        }
    }
    out
}

/// The groups of more than one node that all reach each other (Tarjan).
fn strongly_connected(edges: &SiblingEdges) -> Vec<BTreeSet<ModulePath>> {
    struct State<'a> {
        edges: &'a SiblingEdges,
        index: BTreeMap<&'a ModulePath, usize>,
        low: BTreeMap<&'a ModulePath, usize>,
        stack: Vec<&'a ModulePath>,
        on_stack: BTreeSet<&'a ModulePath>,
        groups: Vec<BTreeSet<ModulePath>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a ModulePath) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.edges.get(v).into_iter().flat_map(|d| d.keys()) {
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = BTreeSet::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                group.insert(w.clone());
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                s.groups.push(group);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        groups: Vec::new(),
    };
    let nodes: BTreeSet<&ModulePath> = edges
        .iter()
        .flat_map(|(from, deps)| std::iter::once(from).chain(deps.keys()))
        .collect();
    for v in nodes {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.groups
}

/// One circle through the smallest node of `group`, staying inside it
/// (breadth-first, so the circle is a shortest one through that node).
fn cycle_within(edges: &SiblingEdges, group: &BTreeSet<ModulePath>) -> Vec<ModulePath> {
    let start = group.iter().next().cloned().unwrap_or_default();
    let mut came_from: BTreeMap<ModulePath, ModulePath> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.clone()]);
    while let Some(v) = queue.pop_front() {
        for w in edges.get(&v).into_iter().flat_map(|d| d.keys()) {
            if !group.contains(w) {
                continue;
            }
            if *w == start {
                let mut path = vec![start.clone()];
                let mut at = v.clone();
                while at != start {
                    path.push(at.clone());
                    at = came_from[&at].clone();
                }
                path.push(start.clone());
                // [start, v, …, start] read backwards is the travel order.
                path.reverse();
                return path;
            }
            if !came_from.contains_key(w) {
                came_from.insert(w.clone(), v.clone());
                queue.push_back(w.clone());
            }
        }
    }
    vec![start]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::graph::imports;
    use crate::tree::CrateTree;

    fn found(files: &[(&str, &str)]) -> Vec<String> {
        let files: BTreeMap<PathBuf, String> = files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect();
        let tree = CrateTree::load(Path::new("src/lib.rs"), &mut |p| {
            files
                .get(p)
                .cloned()
                .ok_or_else(|| std::io::ErrorKind::NotFound.into())
        })
        .expect("tree");
        circles(&imports(&tree))
            .iter()
            .map(|c| {
                c.path
                    .iter()
                    .map(|p| display(p))
                    .collect::<Vec<_>>()
                    .join(" -> ")
            })
            .collect()
    }

    #[test]
    fn a_circle_through_a_folder_module_is_found() {
        let circles = found(&[
            ("src/lib.rs", "mod a; mod b;"),
            ("src/a/mod.rs", "mod x; pub use x::Thing;"),
            ("src/a/x.rs", "pub struct Thing; fn f() { crate::b::g(); }"),
            ("src/b.rs", "use crate::a::Thing; pub fn g() {}"),
        ]);
        assert_eq!(circles, ["a -> b -> a"]);
    }

    #[test]
    fn a_circle_through_super_and_a_re_export_is_found() {
        let circles = found(&[
            ("src/lib.rs", "mod a;"),
            ("src/a/mod.rs", "mod x; mod y; pub use y::Y;"),
            ("src/a/x.rs", "use super::Y; pub struct X;"),
            ("src/a/y.rs", "pub struct Y(super::x::X);"),
        ]);
        assert_eq!(circles, ["a::x -> a::y -> a::x"]);
    }

    #[test]
    fn parents_and_parts_and_tests_make_no_circle() {
        let circles = found(&[
            ("src/lib.rs", "mod a; mod b; pub use a::x::X;"),
            (
                "src/a/mod.rs",
                "pub mod x; pub struct Shared; fn f(_: x::X) {}",
            ),
            (
                "src/a/x.rs",
                "use super::Shared; use crate::b::B; pub struct X(Shared, B);",
            ),
            (
                "src/b.rs",
                "pub struct B;\n#[cfg(test)]\nmod tests { use crate::a::x::X; }",
            ),
        ]);
        assert!(circles.is_empty(), "{circles:?}");
    }

    #[test]
    fn a_missing_module_file_is_named() {
        let files: BTreeMap<PathBuf, String> =
            BTreeMap::from([(PathBuf::from("src/lib.rs"), "mod gone;".to_string())]);
        let err = CrateTree::load(Path::new("src/lib.rs"), &mut |p| {
            files
                .get(p)
                .cloned()
                .ok_or_else(|| std::io::ErrorKind::NotFound.into())
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "src/lib.rs: module `gone` has no file (looked for src/gone.rs and src/gone/mod.rs)"
        );
    }
}
