//! A pack as a `.zip` archive: what an export writes and an import reads.
//!
//! The archive holds the pack's folder as `questions/` has it (`{id}/pack.toml`,
//! `{id}/sources/….txt`, …), so that it unzips into a folder `sourcewise check` takes
//! and `questions/` serves. Reading one is bounded before anything is decompressed: the
//! archive's size, its number of entries, what its entries say they expand to, and then
//! what they really expand to. Paths that leave the folder, links and text that is not
//! UTF-8 are refused; every problem is reported at once.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::load::PackFiles;

/// The largest archive an import takes, in bytes.
pub const MAX_ARCHIVE_BYTES: usize = 5 * 1024 * 1024;
/// The most entries (files and folders) an archive may hold.
pub const MAX_ENTRIES: usize = 500;
/// The most bytes an archive's entries may expand to, in all.
pub const MAX_EXPANDED_BYTES: u64 = 20 * 1024 * 1024;

/// Writes `files` as a zip archive whose one folder is `folder` (the pack's id).
pub fn write(files: &PackFiles, folder: &str) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o644);
    for (name, text) in files.files() {
        writer
            .start_file(format!("{folder}/{name}"), options)
            .and_then(|()| writer.write_all(text.as_bytes()).map_err(Into::into))
            .expect("writing to memory does not fail");
    }
    writer
        .finish()
        .expect("writing to memory does not fail")
        .into_inner()
}

/// What an archive held.
#[derive(Debug)]
pub struct Unpacked {
    /// The pack's files, named by the archive's one folder (or by nothing, when the
    /// files stand at the archive's top: then the pack's id names it).
    pub files: PackFiles,
    /// Whether the files stood in a folder of their own.
    pub in_folder: bool,
    /// Entries that are not part of a pack (a README, a spreadsheet), left out.
    pub left_out: Vec<String>,
}

/// Reads a pack from a zip archive, or says every reason it cannot be taken.
pub fn read(bytes: &[u8]) -> Result<Unpacked, Vec<String>> {
    if bytes.len() > MAX_ARCHIVE_BYTES {
        return Err(vec![format!(
            "the archive is {}, more than the {} an archive may be",
            megabytes(bytes.len() as u64),
            megabytes(MAX_ARCHIVE_BYTES as u64)
        )]);
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|error| {
        vec![format!(
            "this is not a zip archive that can be read ({error}): export the pack again, or zip its folder"
        )]
    })?;
    if archive.len() > MAX_ENTRIES {
        return Err(vec![format!(
            "the archive has {} entries, more than the {MAX_ENTRIES} it may have",
            archive.len()
        )]);
    }

    let mut problems = Vec::new();
    let mut declared: u64 = 0;
    let mut entries: Vec<(usize, String)> = Vec::new();
    for index in 0..archive.len() {
        let entry = match archive.by_index_raw(index) {
            Ok(entry) => entry,
            Err(error) => {
                problems.push(format!("entry {}: cannot be read ({error})", index + 1));
                continue;
            }
        };
        let name = match std::str::from_utf8(entry.name_raw()) {
            Ok(name) => name.to_string(),
            Err(_) => {
                problems.push(format!("entry {}: its name is not UTF-8 text", index + 1));
                continue;
            }
        };
        if let Some(problem) = path_problem(&name) {
            problems.push(format!("{name}: {problem}"));
            continue;
        }
        if entry.is_symlink() {
            problems.push(format!(
                "{name}: a link; an archive of a pack holds only folders and text files"
            ));
            continue;
        }
        declared = declared.saturating_add(entry.size());
        if !entry.is_dir() {
            entries.push((index, name));
        }
    }
    if declared > MAX_EXPANDED_BYTES {
        problems.push(format!(
            "the entries expand to {}, more than the {} a pack may be",
            megabytes(declared),
            megabytes(MAX_EXPANDED_BYTES)
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    // The pack's folder: the archive's one top folder, or its top itself.
    let wanted: Vec<&(usize, String)> = entries
        .iter()
        .filter(|(_, name)| !is_clutter(name))
        .collect();
    let top = wanted
        .first()
        .and_then(|(_, name)| name.split_once('/').map(|(top, _)| top.to_string()));
    let in_folder = top.as_ref().is_some_and(|top| {
        wanted
            .iter()
            .all(|(_, name)| name.starts_with(&format!("{top}/")))
    });
    let mut files = PackFiles::new(if in_folder {
        top.clone().unwrap_or_default()
    } else {
        String::new()
    });
    let mut left_out = Vec::new();
    let mut budget = MAX_EXPANDED_BYTES;
    for (index, name) in wanted {
        let inner = match (&top, in_folder) {
            (Some(top), true) => &name[top.len() + 1..],
            _ => name.as_str(),
        };
        if !PackFiles::belongs(inner) {
            left_out.push(name.clone());
            continue;
        }
        let mut entry = match archive.by_index(*index) {
            Ok(entry) => entry,
            Err(error) => {
                problems.push(format!("{name}: cannot be read ({error})"));
                continue;
            }
        };
        // What an entry says it expands to may be a lie: read no more than is left.
        let mut bytes = Vec::new();
        let read = (&mut entry).take(budget + 1).read_to_end(&mut bytes);
        if let Err(error) = read {
            problems.push(format!("{name}: cannot be read ({error})"));
            continue;
        }
        if bytes.len() as u64 > budget {
            problems.push(format!(
                "the entries expand to more than the {} a pack may be",
                megabytes(MAX_EXPANDED_BYTES)
            ));
            break;
        }
        budget -= bytes.len() as u64;
        match String::from_utf8(bytes) {
            Ok(text) => files.insert(inner, text),
            Err(_) => problems.push(format!(
                "{name}: not UTF-8 text; save the file as UTF-8 and zip the folder again"
            )),
        }
    }
    if problems.is_empty() {
        Ok(Unpacked {
            files,
            in_folder,
            left_out,
        })
    } else {
        Err(problems)
    }
}

/// Why an entry's name cannot stand in a pack's folder, if it cannot.
fn path_problem(name: &str) -> Option<&'static str> {
    let windows_drive = name.as_bytes().get(1) == Some(&b':');
    if name.starts_with('/') || name.starts_with('\\') || windows_drive {
        return Some("an absolute path; the entries of an archive stand inside its folder");
    }
    if name.contains('\\') {
        return Some("a path with '\\'; zip archives separate folders with '/'");
    }
    if name.contains('\0') {
        return Some("a path with a NUL character");
    }
    if name.split('/').any(|part| part == "..") {
        return Some("a path with '..', which would leave the archive's folder");
    }
    None
}

/// Files an archiver adds that are no part of anything (`__MACOSX/`, `.DS_Store`).
fn is_clutter(name: &str) -> bool {
    name.split('/')
        .any(|part| part == "__MACOSX" || part.starts_with('.'))
}

fn megabytes(bytes: u64) -> String {
    let tenths = (bytes * 10).div_ceil(1024 * 1024);
    if tenths.is_multiple_of(10) {
        format!("{} MB", tenths / 10)
    } else {
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            writer
                .start_file(*name, SimpleFileOptions::default())
                .unwrap();
            writer.write_all(bytes).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn a_written_pack_reads_back_the_same_in_its_folder() {
        let mut files = PackFiles::new("mine");
        files.insert("pack.toml", "id = \"mine\"\n");
        files.insert("sources/a.txt", "+++\n+++\nText é.\n");
        let unpacked = read(&write(&files, "mine")).unwrap();
        assert!(unpacked.in_folder);
        assert_eq!(unpacked.files, files);
        assert!(unpacked.left_out.is_empty());
    }

    #[test]
    fn files_at_the_top_and_stray_files_are_taken_and_left_out() {
        let bytes = archive_of(&[
            ("pack.toml", b"x"),
            ("README.md", b"y"),
            ("sources/a.txt", b"z"),
            ("sources/deeper/b.txt", b"z"),
            (".DS_Store", b"\xff"),
        ]);
        let unpacked = read(&bytes).unwrap();
        assert!(!unpacked.in_folder);
        let names: Vec<&str> = unpacked.files.files().map(|(name, _)| name).collect();
        assert_eq!(names, ["pack.toml", "sources/a.txt"]);
        assert_eq!(unpacked.left_out, ["README.md", "sources/deeper/b.txt"]);
    }

    #[test]
    fn paths_that_leave_the_folder_are_refused() {
        for name in [
            "../evil.txt",
            "/etc/passwd",
            "a/../../b.txt",
            "C:/x.txt",
            "a\\b.txt",
        ] {
            let problems = read(&archive_of(&[(name, b"x")])).unwrap_err();
            assert_eq!(problems.len(), 1, "{name}: {problems:?}");
            assert!(problems[0].starts_with(name), "{problems:?}");
        }
    }

    #[test]
    fn text_that_is_not_utf8_is_refused() {
        let problems = read(&archive_of(&[("p/pack.toml", b"caf\xe9")])).unwrap_err();
        assert_eq!(
            problems,
            ["p/pack.toml: not UTF-8 text; save the file as UTF-8 and zip the folder again"]
        );
    }

    #[test]
    fn too_many_entries_and_too_much_text_are_refused() {
        let names: Vec<String> = (0..=MAX_ENTRIES).map(|n| format!("p/{n}.md")).collect();
        let entries: Vec<(&str, &[u8])> =
            names.iter().map(|name| (name.as_str(), &b""[..])).collect();
        let problems = read(&archive_of(&entries)).unwrap_err();
        assert_eq!(
            problems,
            ["the archive has 501 entries, more than the 500 it may have"]
        );

        // A bomb: 21 MB of one letter deflates to a few kilobytes.
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        writer.start_file("p/sources/a.txt", options).unwrap();
        writer.write_all(&vec![b'a'; 21 * 1024 * 1024]).unwrap();
        let bytes = writer.finish().unwrap().into_inner();
        assert!(bytes.len() < 100_000);
        let problems = read(&bytes).unwrap_err();
        assert_eq!(
            problems,
            ["the entries expand to 21 MB, more than the 20 MB a pack may be"]
        );
    }

    #[test]
    fn an_entry_that_lies_about_its_size_is_refused() {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        writer.start_file("p/sources/a.txt", options).unwrap();
        writer.write_all(&vec![b'a'; 21 * 1024 * 1024]).unwrap();
        let mut bytes = writer.finish().unwrap().into_inner();
        // Say 100 bytes in the local header (offset 22) and the central directory's
        // entry (offset 24 from its signature).
        bytes[22..26].copy_from_slice(&100u32.to_le_bytes());
        let central = bytes
            .windows(4)
            .position(|window| window == [0x50, 0x4b, 0x01, 0x02])
            .unwrap();
        bytes[central + 24..central + 28].copy_from_slice(&100u32.to_le_bytes());
        let problems = read(&bytes).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("p/sources/a.txt: cannot be read")
                || problems[0].starts_with("the entries expand"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_link_is_refused() {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        writer
            .add_symlink("p/pack.toml", "/etc/passwd", SimpleFileOptions::default())
            .unwrap();
        let problems = read(&writer.finish().unwrap().into_inner()).unwrap_err();
        assert_eq!(
            problems,
            ["p/pack.toml: a link; an archive of a pack holds only folders and text files"]
        );
    }

    #[test]
    fn what_is_not_a_zip_archive_is_refused() {
        let problems = read(b"not a zip").unwrap_err();
        assert!(problems[0].starts_with("this is not a zip archive that can be read"));
        let problems = read(&vec![0; MAX_ARCHIVE_BYTES + 1]).unwrap_err();
        assert_eq!(
            problems,
            ["the archive is 5.1 MB, more than the 5 MB an archive may be"]
        );
    }
}
