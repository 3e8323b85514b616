//! The docs that must not go stale: ARCHITECTURE.md names every file under `src/`.

use std::path::{Path, PathBuf};

/// Every file under `directory`, as a path from the repository's root.
fn files_under(root: &Path, directory: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut pending: Vec<PathBuf> = vec![directory.to_path_buf()];
    while let Some(path) = pending.pop() {
        for entry in std::fs::read_dir(&path).expect("a readable directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(root).expect("under the root");
                files.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn the_architecture_names_every_file_under_src() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let files = files_under(root, &root.join("src"));
    assert!(files.len() > 40, "the code's files: {files:?}");
    let missing: Vec<&String> = files
        .iter()
        .filter(|file| !map.contains(&format!("`{file}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md's code map does not name {missing:?}: describe each in a line"
    );
}

#[test]
fn the_architecture_names_no_file_that_is_gone() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let gone: Vec<&str> = map
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|name| name.starts_with("src/") && !name.ends_with('/') && !name.contains(' '))
        .filter(|name| !root.join(name).is_file())
        .collect();
    assert!(
        gone.is_empty(),
        "ARCHITECTURE.md names files that are gone: {gone:?}"
    );
}

#[test]
fn the_docs_link_only_to_files_that_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages = vec![root.join("README.md"), root.join("ARCHITECTURE.md")];
    pages.extend(
        files_under(root, &root.join("docs"))
            .into_iter()
            .filter(|file| file.ends_with(".md"))
            .map(|file| root.join(file)),
    );
    let mut broken = Vec::new();
    for page in &pages {
        let text = std::fs::read_to_string(page).expect("a readable page");
        for link in text.split("](").skip(1) {
            let target = link.split(')').next().unwrap_or_default();
            let file = target.split('#').next().unwrap_or_default();
            if file.is_empty() || file.contains("://") {
                continue;
            }
            let folder = page.parent().expect("a folder");
            if !folder.join(file).exists() {
                broken.push(format!("{}: {target}", page.display()));
            }
        }
    }
    assert!(pages.len() >= 8, "the pages read: {pages:?}");
    assert!(broken.is_empty(), "links to nothing: {broken:?}");
}
