//! What one source file says about modules: the modules it declares (and
//! which of them exist only in test builds), its `use` declarations, the
//! paths its code names and the items it defines. Items under `#[cfg(test)]`
//! are left out: test code may reach anywhere. Inline `mod name { … }`
//! blocks belong to their file; how deep a declaration sits in them is kept
//! so that `super::` can be read from the file's point of view.

use crate::lexer::Token;

/// A `mod name;` or `mod name { … }` declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModDecl {
    /// The module's name.
    pub name: String,
    /// The file named by a `#[path = "…"]` attribute, if any.
    pub path: Option<String>,
    /// Whether the module exists only in test builds (`#[cfg(test)]`).
    pub test: bool,
    /// Whether the module's body is inline (no file of its own).
    pub inline: bool,
}

/// What a `use` declaration brings into scope under the name it binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    /// The path's last item under this name (`use a::b;`, `use a::b as c;`).
    Name(String),
    /// Every public item of the path (`use a::*;`).
    Glob,
    /// Nothing nameable (`use a::Trait as _;`).
    Anonymous,
}

/// One path of a `use` declaration, its tree expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UseDecl {
    /// The full path, segments in order (`self` of `a::{self}` removed).
    pub path: Vec<String>,
    /// The name it binds.
    pub binding: Binding,
    /// Whether it is a re-export (`pub use`, any visibility).
    pub public: bool,
    /// How many inline modules enclose it within its file.
    pub depth: usize,
}

/// A path the code names outside `use` declarations (`a::b::c`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodePath {
    /// The segments in order.
    pub segments: Vec<String>,
    /// How many inline modules enclose it within its file.
    pub depth: usize,
}

/// Everything a file says about modules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileItems {
    /// Modules declared at the file's top level.
    pub mods: Vec<ModDecl>,
    /// Its `use` declarations (test items left out).
    pub uses: Vec<UseDecl>,
    /// Paths its code names (test items left out).
    pub paths: Vec<CodePath>,
    /// Names of the items it defines at any depth.
    pub defines: Vec<String>,
}

/// Keywords after which the next identifier is a defined item's name.
const DEFINING: &[&str] = &[
    "struct", "enum", "fn", "trait", "type", "const", "static", "union",
];

/// Reads the items of a file's tokens.
pub fn items(tokens: &[Token]) -> FileItems {
    let mut out = FileItems::default();
    let mut i = 0;
    block(tokens, &mut i, 0, &mut out);
    out
}

/// Reads tokens from `i` to the `}` closing the current block (or the end),
/// `depth` inline modules deep.
fn block(tokens: &[Token], i: &mut usize, depth: usize, out: &mut FileItems) {
    let mut braces = 0usize;
    let mut test = false;
    let mut path_attr: Option<String> = None;
    let mut public = false;
    while *i < tokens.len() {
        let token = &tokens[*i];
        if token.is_punct('#') {
            let (is_test, path) = attribute(tokens, i);
            test |= is_test;
            path_attr = path.or(path_attr);
            continue;
        }
        if test {
            if let Some((name, inline)) = skip_item(tokens, i) {
                out.mods.push(ModDecl {
                    name,
                    path: path_attr.take(),
                    test: true,
                    inline,
                });
            }
            test = false;
            path_attr = None;
            public = false;
            continue;
        }
        match token {
            Token::Punct('{') => braces += 1,
            Token::Punct('}') => {
                if braces == 0 {
                    *i += 1;
                    return;
                }
                braces -= 1;
            }
            Token::Ident(w) if w == "pub" => {
                public = true;
                *i += 1;
                if tokens.get(*i).is_some_and(|t| t.is_punct('(')) {
                    skip_group(tokens, i, '(', ')');
                }
                continue;
            }
            Token::Ident(w) if w == "use" => {
                *i += 1;
                use_tree(tokens, i, Vec::new(), public, depth, &mut out.uses);
                public = false;
                continue;
            }
            Token::Ident(w) if w == "mod" => {
                if let Some(Token::Ident(name)) = tokens.get(*i + 1) {
                    let name = name.clone();
                    *i += 2;
                    let inline = tokens.get(*i).is_some_and(|t| t.is_punct('{'));
                    if depth == 0 {
                        out.mods.push(ModDecl {
                            name,
                            path: path_attr.take(),
                            test: false,
                            inline,
                        });
                    }
                    path_attr = None;
                    public = false;
                    if inline {
                        *i += 1;
                        block(tokens, i, depth + 1, out);
                    }
                    continue;
                }
            }
            Token::Ident(w) if DEFINING.contains(&w.as_str()) || w == "macro_rules" => {
                let at = if w == "macro_rules" { *i + 2 } else { *i + 1 };
                if let Some(Token::Ident(name)) = tokens.get(at) {
                    out.defines.push(name.clone());
                }
            }
            Token::Ident(_) => {
                let after_sep = *i > 0 && tokens[*i - 1] == Token::PathSep;
                if !after_sep && tokens.get(*i + 1) == Some(&Token::PathSep) {
                    let segments = code_path(tokens, i);
                    out.paths.push(CodePath { segments, depth });
                    public = false;
                    continue;
                }
            }
            _ => {}
        }
        public = false;
        path_attr = None;
        *i += 1;
    }
}

/// Reads an attribute at `i` (`#[…]` or `#![…]`): whether it is
/// `#[cfg(test)]`, and the file of a `#[path = "…"]`.
fn attribute(tokens: &[Token], i: &mut usize) -> (bool, Option<String>) {
    *i += 1;
    if tokens.get(*i).is_some_and(|t| t.is_punct('!')) {
        *i += 1;
    }
    let start = *i;
    if !tokens.get(*i).is_some_and(|t| t.is_punct('[')) {
        return (false, None);
    }
    skip_group(tokens, i, '[', ']');
    let inner = &tokens[start + 1..i.saturating_sub(1).max(start + 1)];
    let is_test = inner.len() == 4
        && inner[0].is_ident("cfg")
        && inner[1].is_punct('(')
        && inner[2].is_ident("test")
        && inner[3].is_punct(')');
    let path = match inner {
        [Token::Ident(p), Token::Punct('='), Token::Str(file)] if p == "path" => Some(file.clone()),
        _ => None,
    };
    (is_test, path)
}

/// Skips a delimited group starting at `i` (on its `open`), nested groups
/// included.
fn skip_group(tokens: &[Token], i: &mut usize, open: char, close: char) {
    let mut depth = 0usize;
    while *i < tokens.len() {
        if tokens[*i].is_punct(open) {
            depth += 1;
        } else if tokens[*i].is_punct(close) {
            depth -= 1;
            if depth == 0 {
                *i += 1;
                return;
            }
        }
        *i += 1;
    }
}

/// Skips one item starting at `i` (through its `;` or its body's `}`);
/// returns the module's name, and whether its body is inline, when the item
/// is a module declaration.
fn skip_item(tokens: &[Token], i: &mut usize) -> Option<(String, bool)> {
    let mut module = None;
    let mut nesting = 0usize;
    while *i < tokens.len() {
        let token = &tokens[*i];
        if nesting == 0
            && module.is_none()
            && token.is_ident("mod")
            && let Some(Token::Ident(name)) = tokens.get(*i + 1)
        {
            module = Some(name.clone());
        }
        match token {
            Token::Punct('(' | '[') => nesting += 1,
            Token::Punct(')' | ']') => nesting = nesting.saturating_sub(1),
            Token::Punct(';') if nesting == 0 => {
                *i += 1;
                return module.map(|m| (m, false));
            }
            Token::Punct('{') if nesting == 0 => {
                skip_group(tokens, i, '{', '}');
                return module.map(|m| (m, true));
            }
            _ => {}
        }
        *i += 1;
    }
    module.map(|m| (m, false))
}

/// Reads a code path `a::b::c` starting at `i` (on its first segment).
fn code_path(tokens: &[Token], i: &mut usize) -> Vec<String> {
    let mut segments = Vec::new();
    while let Some(Token::Ident(segment)) = tokens.get(*i) {
        segments.push(segment.clone());
        *i += 1;
        if tokens.get(*i) == Some(&Token::PathSep) {
            *i += 1;
        } else {
            break;
        }
    }
    segments
}

/// Reads a use tree at `i` under `prefix`, through its `;` (at the top) or
/// up to the `,` or `}` ending it (inside braces).
fn use_tree(
    tokens: &[Token],
    i: &mut usize,
    mut prefix: Vec<String>,
    public: bool,
    depth: usize,
    out: &mut Vec<UseDecl>,
) {
    let top = prefix.is_empty();
    if tokens.get(*i) == Some(&Token::PathSep) {
        // `use ::name` names an external crate.
        prefix.push(String::new());
        *i += 1;
    }
    loop {
        match tokens.get(*i) {
            Some(Token::Ident(segment)) => {
                prefix.push(segment.clone());
                *i += 1;
                if tokens.get(*i) == Some(&Token::PathSep) {
                    *i += 1;
                    continue;
                }
                let binding = if tokens.get(*i).is_some_and(|t| t.is_ident("as")) {
                    *i += 1;
                    let alias = match tokens.get(*i) {
                        Some(Token::Ident(a)) if a != "_" => Binding::Name(a.clone()),
                        _ => Binding::Anonymous,
                    };
                    *i += 1;
                    alias
                } else {
                    Binding::Name(String::new())
                };
                let mut path = prefix.clone();
                if path.last().is_some_and(|s| s == "self") {
                    path.pop();
                }
                let binding = match binding {
                    Binding::Name(n) if n.is_empty() => {
                        Binding::Name(path.last().cloned().unwrap_or_default())
                    }
                    other => other,
                };
                out.push(UseDecl {
                    path,
                    binding,
                    public,
                    depth,
                });
                break;
            }
            Some(Token::Punct('*')) => {
                *i += 1;
                out.push(UseDecl {
                    path: prefix.clone(),
                    binding: Binding::Glob,
                    public,
                    depth,
                });
                break;
            }
            Some(Token::Punct('{')) => {
                *i += 1;
                loop {
                    match tokens.get(*i) {
                        None => return,
                        Some(Token::Punct('}')) => {
                            *i += 1;
                            break;
                        }
                        Some(Token::Punct(',')) => *i += 1,
                        Some(_) => use_tree(tokens, i, prefix.clone(), public, depth, out),
                    }
                }
                break;
            }
            _ => break,
        }
    }
    if top {
        while *i < tokens.len() && !tokens[*i].is_punct(';') {
            *i += 1;
        }
        *i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::tokens;

    fn uses(text: &str) -> Vec<(String, Binding, bool)> {
        items(&tokens(text))
            .uses
            .into_iter()
            .map(|u| (u.path.join("::"), u.binding, u.public))
            .collect()
    }

    #[test]
    fn use_trees_are_expanded() {
        let found = uses("pub(crate) use crate::{a::{self, B as C}, d::*}; use super::e::_F as _;");
        assert_eq!(
            found,
            [
                ("crate::a".into(), Binding::Name("a".into()), true),
                ("crate::a::B".into(), Binding::Name("C".into()), true),
                ("crate::d".into(), Binding::Glob, true),
                ("super::e::_F".into(), Binding::Anonymous, false),
            ]
        );
    }

    #[test]
    fn test_items_are_left_out_and_test_modules_noted() {
        let text = "
            #[cfg(test)]
            use crate::hidden::X;
            #[cfg(test)]
            #[path = \"t.rs\"]
            mod tests;
            #[cfg(test)]
            fn helper() -> crate::hidden::Y { crate::hidden::y() }
            mod real;
            pub mod inline { pub use super::real::Z; }
            fn f() { crate::shown::g(); }
        ";
        let found = items(&tokens(text));
        assert_eq!(
            found.mods,
            [
                ModDecl {
                    name: "tests".into(),
                    path: Some("t.rs".into()),
                    test: true,
                    inline: false
                },
                ModDecl {
                    name: "real".into(),
                    path: None,
                    test: false,
                    inline: false
                },
                ModDecl {
                    name: "inline".into(),
                    path: None,
                    test: false,
                    inline: true
                },
            ]
        );
        assert_eq!(found.uses.len(), 1);
        assert_eq!(found.uses[0].depth, 1);
        let paths: Vec<String> = found.paths.iter().map(|p| p.segments.join("::")).collect();
        assert_eq!(paths, ["crate::shown::g"]);
        assert!(found.defines.contains(&"f".to_string()));
        assert!(!found.defines.contains(&"helper".to_string()));
    }
}
