//! The house shape, checked: the source files of the library import each other without cycles,
//! and every transaction begins through `crate::db::begin`.
//!
//! A cycle is how `AppState` in `startup.rs` once tied 55 files into one knot: nothing could be
//! read, changed or tested alone. Each file is a node; an edge goes to the file that *defines*
//! what a path names (a `pub use` re-export in a `mod.rs` is followed to the defining file, so a
//! folder's wiring file and its children do not count as a cycle by themselves; the `pub use`
//! line itself is not an edge either). Test code
//! (`#[cfg(test)]`) is left out.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use syn::visit::Visit;

type Module = Vec<String>;

struct Source {
    module: Module,
    file: syn::File,
}

fn module_of(relative: &Path) -> Option<Module> {
    let mut parts: Module = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.last().map(String::as_str) {
        Some("main") if parts.len() == 1 => return None,
        Some("lib") if parts.len() == 1 => parts.clear(),
        Some("mod") => {
            parts.pop();
        }
        _ => {}
    }
    Some(parts)
}

fn read_sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(&root).expect("under src");
                if let Some(module) = module_of(relative) {
                    let text = std::fs::read_to_string(&path).expect("source is readable");
                    let file = syn::parse_file(&text)
                        .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
                    out.push(Source { module, file });
                }
            }
        }
    }
    out
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|m| m.path().is_ident("test"))
    })
}

/// Flattens a use tree into full paths (`["crate","a","B"]`) with the name they are bound to.
fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_paths(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                if let Some(last) = prefix.last() {
                    out.push((prefix.clone(), last.clone()));
                }
            } else {
                let mut full = prefix.clone();
                full.push(name.clone());
                out.push((full, name));
            }
        }
        syn::UseTree::Rename(r) => {
            let mut full = prefix.clone();
            full.push(r.ident.to_string());
            out.push((full, r.rename.to_string()));
        }
        syn::UseTree::Glob(_) => out.push((prefix.clone(), "*".into())),
        syn::UseTree::Group(g) => {
            for item in &g.items {
                use_paths(item, prefix, out);
            }
        }
    }
}

/// Turns a path written in `module` (starting with `crate`, `super`, `self`, an imported alias or
/// a child module) into an absolute module path, or `None` for other crates.
fn absolute(
    module: &Module,
    segments: &[String],
    aliases: &HashMap<String, Vec<String>>,
    modules: &BTreeSet<Module>,
) -> Option<Vec<String>> {
    let (first, rest) = segments.split_first()?;
    let mut base: Vec<String> = match first.as_str() {
        "crate" => Vec::new(),
        "self" => module.clone(),
        "super" => {
            let mut b = module.clone();
            b.pop()?;
            let mut rest = rest;
            while rest.first().is_some_and(|s| s == "super") {
                b.pop()?;
                rest = &rest[1..];
            }
            b.extend(rest.iter().cloned());
            return Some(b);
        }
        other => {
            if let Some(target) = aliases.get(other) {
                target.clone()
            } else {
                let mut child = module.clone();
                child.push(other.to_string());
                if modules.contains(&child) {
                    child
                } else {
                    return None;
                }
            }
        }
    };
    base.extend(rest.iter().cloned());
    Some(base)
}

struct Refs<'a> {
    module: &'a Module,
    modules: &'a BTreeSet<Module>,
    aliases: HashMap<String, Vec<String>>,
    found: Vec<Vec<String>>,
}

impl<'ast> Visit<'ast> for Refs<'_> {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_mod(self, item);
        }
    }
    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_fn(self, item);
        }
    }
    fn visit_item_use(&mut self, _: &'ast syn::ItemUse) {
        // Collected beforehand (they define the aliases paths are read with).
    }
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if segments.len() > 1
            && let Some(abs) = absolute(self.module, &segments, &self.aliases, self.modules)
        {
            self.found.push(abs);
        }
        syn::visit::visit_path(self, path);
    }
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // Paths inside macro calls (`json!`, `format!`, route lists) are plain tokens: read them
        // as `a::b::c` sequences.
        let mut segments: Vec<String> = Vec::new();
        let mut last_colon = false;
        let flush = |segs: &mut Vec<String>, found: &mut Vec<Vec<String>>| {
            if segs.len() > 1
                && let Some(abs) = absolute(self.module, segs, &self.aliases, self.modules)
            {
                found.push(abs);
            }
            segs.clear();
        };
        let mut found = Vec::new();
        for token in mac.tokens.clone() {
            match token {
                proc_macro2::TokenTree::Ident(i) => {
                    if !last_colon {
                        flush(&mut segments, &mut found);
                    }
                    segments.push(i.to_string());
                    last_colon = false;
                }
                proc_macro2::TokenTree::Punct(p) if p.as_char() == ':' => last_colon = true,
                _ => {
                    flush(&mut segments, &mut found);
                    last_colon = false;
                }
            }
        }
        flush(&mut segments, &mut found);
        self.found.extend(found);
        syn::visit::visit_macro(self, mac);
    }
}

/// The file an absolute path lands in: the longest module prefix, following `pub use`
/// re-exports of the next segment to where it is defined.
fn owner(
    path: &[String],
    modules: &BTreeSet<Module>,
    reexports: &HashMap<(Module, String), Vec<String>>,
    depth: usize,
) -> Option<Module> {
    let len = (0..=path.len())
        .rev()
        .find(|&n| modules.contains(&path[..n].to_vec()))?;
    let module = path[..len].to_vec();
    if depth < 8
        && let Some(next) = path.get(len)
        && let Some(target) = reexports.get(&(module.clone(), next.clone()))
    {
        let mut full = target.clone();
        full.extend(path[len + 1..].iter().cloned());
        return owner(&full, modules, reexports, depth + 1).or(Some(module));
    }
    Some(module)
}

fn import_graph() -> BTreeMap<Module, BTreeSet<Module>> {
    let sources = read_sources();
    let modules: BTreeSet<Module> = sources.iter().map(|s| s.module.clone()).collect();
    let mut aliases_of: HashMap<Module, HashMap<String, Vec<String>>> = HashMap::new();
    let mut reexports: HashMap<(Module, String), Vec<String>> = HashMap::new();
    let mut uses_of: HashMap<Module, Vec<Vec<String>>> = HashMap::new();
    for source in &sources {
        let empty = HashMap::new();
        let mut aliases = HashMap::new();
        let mut uses = Vec::new();
        for item in &source.file.items {
            let syn::Item::Use(u) = item else { continue };
            if is_test_only(&u.attrs) {
                continue;
            }
            let mut paths = Vec::new();
            use_paths(&u.tree, &mut Vec::new(), &mut paths);
            for (path, name) in paths {
                let Some(abs) = absolute(&source.module, &path, &empty, &modules) else {
                    continue;
                };
                let public = matches!(u.vis, syn::Visibility::Public(_));
                if name != "*" {
                    aliases.insert(name.clone(), abs.clone());
                    if public {
                        reexports.insert((source.module.clone(), name), abs.clone());
                    }
                }
                // A `pub use` is wiring, not a dependency of this file's own code: whoever
                // names the re-export is led to the defining file instead.
                // Naming a module (`use crate::todos::{self, …}`) is no edge yet: the paths
                // read through it are.
                if !public && !modules.contains(&abs) {
                    uses.push(abs);
                }
            }
        }
        aliases_of.insert(source.module.clone(), aliases);
        uses_of.insert(source.module.clone(), uses);
    }
    let mut graph = BTreeMap::new();
    for source in &sources {
        let mut refs = Refs {
            module: &source.module,
            modules: &modules,
            aliases: aliases_of.remove(&source.module).unwrap_or_default(),
            found: uses_of.remove(&source.module).unwrap_or_default(),
        };
        refs.visit_file(&source.file);
        let targets: BTreeSet<Module> = refs
            .found
            .iter()
            .filter_map(|p| owner(p, &modules, &reexports, 0))
            .filter(|m| m != &source.module && !m.is_empty())
            .collect();
        graph.insert(source.module.clone(), targets);
    }
    graph
}

/// Strongly connected components with more than one file (Tarjan).
fn cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct State<'g> {
        graph: &'g BTreeMap<Module, BTreeSet<Module>>,
        index: HashMap<&'g Module, usize>,
        low: HashMap<&'g Module, usize>,
        stack: Vec<&'g Module>,
        on_stack: BTreeSet<&'g Module>,
        next: usize,
        out: Vec<Vec<Module>>,
    }
    fn connect<'g>(s: &mut State<'g>, v: &'g Module) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let Some((w, _)) = s.graph.get_key_value(w) else {
                continue;
            };
            if !s.index.contains_key(w) {
                connect(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.clone());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                s.out.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: HashMap::new(),
        low: HashMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v) {
            connect(&mut state, v);
        }
    }
    state.out
}

#[test]
fn the_library_files_import_each_other_without_cycles() {
    let graph = import_graph();
    assert!(
        graph.len() > 50,
        "the source tree was read ({} files)",
        graph.len()
    );
    let found = cycles(&graph);
    let described: Vec<String> = found
        .iter()
        .map(|component| {
            let members: BTreeSet<&Module> = component.iter().collect();
            let edges: Vec<String> = component
                .iter()
                .flat_map(|from| {
                    graph[from]
                        .iter()
                        .filter(|to| members.contains(to))
                        .map(move |to| format!("{} -> {}", from.join("::"), to.join("::")))
                })
                .collect();
            edges.join(", ")
        })
        .collect();
    assert!(
        found.is_empty(),
        "import cycles between source files:\n{}",
        described.join("\n")
    );
}

#[test]
fn the_cycle_finder_finds_a_two_file_cycle_and_passes_a_tree() {
    // A graph built by hand: a -> b -> a is found, a tree is not.
    let mut graph = BTreeMap::new();
    graph.insert(m("a"), BTreeSet::from([m("b")]));
    graph.insert(m("b"), BTreeSet::from([m("a"), m("c")]));
    graph.insert(m("c"), BTreeSet::new());
    let found = cycles(&graph);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].len(), 2);
    graph.insert(m("b"), BTreeSet::from([m("c")]));
    assert!(cycles(&graph).is_empty());
}

#[test]
fn a_path_through_a_reexport_lands_in_the_defining_file() {
    let modules = BTreeSet::from([m("a"), m("a::inner"), m("b")]);
    let reexports = HashMap::from([((m("a"), "Thing".to_string()), m("a::inner::Thing"))]);
    assert_eq!(
        owner(&m("a::Thing"), &modules, &reexports, 0),
        Some(m("a::inner"))
    );
    assert_eq!(owner(&m("a::other"), &modules, &reexports, 0), Some(m("a")));
    assert_eq!(owner(&m("b::c::d"), &modules, &reexports, 0), Some(m("b")));
}

fn m(s: &str) -> Module {
    s.split("::").map(String::from).collect()
}

/// The `## Layout` block of the README, line by line.
fn readme_layout() -> Vec<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md is readable");
    let start = readme
        .find("## Layout")
        .expect("the README has a Layout section");
    readme[start..]
        .lines()
        .skip_while(|l| !l.starts_with("```"))
        .skip(1)
        .take_while(|l| !l.starts_with("```"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_readme_layout_names_every_top_level_source_entry_and_nothing_that_is_gone() {
    let layout = readme_layout();
    let named: BTreeSet<String> = layout
        .iter()
        .flat_map(|l| l.split([' ', ',']))
        .filter_map(|w| w.strip_prefix("src/"))
        .map(|w| w.trim_end_matches('/').to_string())
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(root.join("src")).expect("src is readable") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        // `jobs.rs, jobs/` names a module file and its folder on one line.
        if !named.contains(&name) && !named.contains(name.trim_end_matches(".rs")) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "README layout does not name: {missing:?}"
    );
    let gone: Vec<&String> = named
        .iter()
        .filter(|n| !n.is_empty() && !root.join("src").join(n).exists())
        .collect();
    assert!(
        gone.is_empty(),
        "README layout names what src/ does not have: {gone:?}"
    );
}

/// Calls that begin a transaction straight on a database connection (`state.db.begin()`,
/// `db.transaction(…)`): a method `begin`/`transaction`/`begin_with_config` whose receiver is
/// named `db`.
struct DirectBegins<'a> {
    module: &'a Module,
    found: Vec<String>,
}

impl<'ast> Visit<'ast> for DirectBegins<'_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let method = call.method.to_string();
        let receiver_is_db = match &*call.receiver {
            syn::Expr::Field(f) => matches!(&f.member, syn::Member::Named(n) if n == "db"),
            syn::Expr::Path(p) => p.path.is_ident("db"),
            _ => false,
        };
        if receiver_is_db && ["begin", "transaction", "begin_with_config"].contains(&&*method) {
            self.found
                .push(format!("{}: db.{method}(…)", self.module.join("::")));
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}

#[test]
fn every_transaction_begins_through_db_begin() {
    // On SQLite with more than one connection a deferred transaction that reads, then writes,
    // fails at once with SQLITE_BUSY when another connection wrote in between; `db::begin`
    // takes the write lock at BEGIN (IMMEDIATE) and waits for it instead.
    let sources = read_sources();
    let mut found = Vec::new();
    for source in &sources {
        if source.module == m("db") {
            continue;
        }
        let mut visitor = DirectBegins {
            module: &source.module,
            found: Vec::new(),
        };
        visitor.visit_file(&source.file);
        found.extend(visitor.found);
    }
    assert!(
        found.is_empty(),
        "transactions begun beside crate::db::begin:\n{}",
        found.join("\n")
    );
    // The check sees such a call.
    let file: syn::File =
        syn::parse_str("async fn f(state: S) { let txn = state.db.begin().await; }").unwrap();
    let mut visitor = DirectBegins {
        module: &m("x"),
        found: Vec::new(),
    };
    visitor.visit_file(&file);
    assert_eq!(visitor.found, vec!["x: db.begin(…)".to_string()]);
}
