//! The crate's layering rule, checked over its own sources: `http` →
//! `sessions` → `store` → the pure modules (protocol state machines,
//! record, certificate, views, limits and the other helpers). A module
//! imports only from its own layer or the layers below. That no two modules
//! import each other, directly or in a circle, is the workspace-wide rule
//! (`crates/pactum-layers/tests/no_circles.rs`); the import graph read here
//! is the same one.

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The layer of a module, by its first path segment (higher is above).
    fn layer(module: &[String]) -> u8 {
        match module.first().map(String::as_str) {
            None => 4,
            Some("http" | "connections") => 3,
            Some("sessions") => 2,
            Some("store") => 1,
            Some(_) => 0,
        }
    }

    #[test]
    fn no_module_imports_from_a_layer_above() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
        let tree = pactum_layers::CrateTree::load(&root, &mut |p| std::fs::read_to_string(p))
            .unwrap_or_else(|e| panic!("{e}"));
        let imports = pactum_layers::imports(&tree);
        assert!(
            imports.len() > 50,
            "expected the crate's modules, found {}",
            imports.len()
        );
        let mut wrong = Vec::new();
        for (module, deps) in &imports {
            for (dep, named) in deps {
                if layer(dep) > layer(module) {
                    wrong.push(format!(
                        "{} -> {} ({named})",
                        pactum_layers::display(module),
                        pactum_layers::display(dep)
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "imports from a layer above: {wrong:#?}");
    }
}
