//! The crate's layering rule, checked over its own sources: `http` →
//! `sessions` → `store` → the pure modules (protocol state machines,
//! record, certificate, views, limits and the other helpers). A module
//! imports only from its own layer or the layers below, and no two modules
//! import each other, directly or in a circle.

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    /// The layer of a module, by its first path segment (higher is above).
    fn layer(top: &str) -> u8 {
        match top {
            "lib" => 4,
            "http" | "connections" => 3,
            "sessions" => 2,
            "store" => 1,
            _ => 0,
        }
    }

    fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// A source file's module path (`http/moves.rs` → `http::moves`).
    fn module_of(root: &Path, file: &Path) -> String {
        let rel = file.strip_prefix(root).unwrap().with_extension("");
        let parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .filter(|p| p != "mod")
            .collect();
        parts.join("::")
    }

    /// The modules a file's code names through `crate::` paths (its tests
    /// left out: they may reach anywhere).
    fn imports(text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
        let code: String = text
            .split("#[cfg(test)]")
            .next()
            .unwrap_or("")
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let code = code.as_str();
        let mut out = BTreeSet::new();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let path: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
            // The longest prefix that is a module of the crate.
            for n in (1..=segments.len()).rev() {
                let candidate = segments[..n].join("::");
                if modules.contains(&candidate) {
                    out.insert(candidate);
                    break;
                }
            }
        }
        out
    }

    fn graph() -> BTreeMap<String, BTreeSet<String>> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root, &mut files);
        let modules: BTreeSet<String> = files.iter().map(|f| module_of(&root, f)).collect();
        files
            .iter()
            .map(|f| {
                let module = module_of(&root, f);
                let text = std::fs::read_to_string(f).unwrap();
                let mut deps = imports(&text, &modules);
                deps.remove(&module);
                (module, deps)
            })
            .collect()
    }

    /// Imports that still cross the layering (none left; nothing may be
    /// added here, and an entry that no longer occurs must be taken out).
    const NOT_YET: &[&str] = &[];

    /// Circles still to be broken (none left; nothing may be added here).
    const CIRCLES_NOT_YET: &[&str] = &[];

    #[test]
    fn no_module_imports_from_a_layer_above() {
        let mut wrong = Vec::new();
        for (module, deps) in graph() {
            let own = layer(module.split("::").next().unwrap());
            for dep in deps {
                if layer(dep.split("::").next().unwrap()) > own {
                    wrong.push(format!("{module} -> {dep}"));
                }
            }
        }
        let new: Vec<&String> = wrong
            .iter()
            .filter(|w| !NOT_YET.contains(&w.as_str()))
            .collect();
        assert!(new.is_empty(), "imports from a layer above: {new:#?}");
        let gone: Vec<&&str> = NOT_YET
            .iter()
            .filter(|n| !wrong.iter().any(|w| w == *n))
            .collect();
        assert!(
            gone.is_empty(),
            "no longer crossing, take out of NOT_YET: {gone:#?}"
        );
    }

    #[test]
    fn no_modules_import_each_other_in_a_circle() {
        let mut graph = graph();
        // Known circles are cut at their first module's imports of the others.
        if let Some((first, others)) = CIRCLES_NOT_YET.split_first()
            && let Some(deps) = graph.get_mut(*first)
        {
            for other in others {
                deps.remove(*other);
            }
        }
        // The known crossings are counted above, not twice.
        for crossing in NOT_YET {
            let (from, to) = crossing.split_once(" -> ").unwrap();
            if let Some(deps) = graph.get_mut(from) {
                deps.remove(to);
            }
        }
        // Depth-first search for a back edge.
        fn visit(
            m: &str,
            graph: &BTreeMap<String, BTreeSet<String>>,
            state: &mut BTreeMap<String, u8>,
            path: &mut Vec<String>,
        ) -> Option<Vec<String>> {
            match state.get(m) {
                Some(1) => {
                    let from = path.iter().position(|p| p == m).unwrap();
                    let mut cycle = path[from..].to_vec();
                    cycle.push(m.to_string());
                    return Some(cycle);
                }
                Some(2) => return None,
                _ => {}
            }
            state.insert(m.to_string(), 1);
            path.push(m.to_string());
            for dep in graph.get(m).into_iter().flatten() {
                // A module's own submodules are its parts, not an import.
                if dep.starts_with(&format!("{m}::")) {
                    continue;
                }
                if let Some(c) = visit(dep, graph, state, path) {
                    return Some(c);
                }
            }
            path.pop();
            state.insert(m.to_string(), 2);
            None
        }
        let mut state = BTreeMap::new();
        for m in graph.keys() {
            if let Some(cycle) = visit(m, &graph, &mut state, &mut Vec::new()) {
                panic!(
                    "modules import each other in a circle: {}",
                    cycle.join(" -> ")
                );
            }
        }
    }
}
