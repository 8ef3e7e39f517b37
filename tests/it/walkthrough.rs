//! Issue 19 (docs): `docs/first-run.md` shows what its commands really print. Each `sh` block
//! followed at once by an output block is run, in order, against the emulator (with the
//! repository's fixtures and mappings), and its output must match the block's, but for what
//! changes from run to run: process ids, hashes, ports, dates and times. Commands that depend
//! on the machine (`--version`, `doctor`, `cp`) are not run; their blocks are still checked to
//! name real commands and options.

use std::path::Path;

use crate::support::*;

/// The (commands, expected output) pairs of a walkthrough, in order; the output is `None` for a
/// block with no output block right after it.
fn blocks(text: &str) -> Vec<(Vec<String>, Option<String>)> {
    let mut out: Vec<(Vec<String>, Option<String>)> = Vec::new();
    let mut lines = text.lines().peekable();
    let mut last_was_sh = false;
    while let Some(line) = lines.next() {
        let Some(lang) = line.strip_prefix("```") else {
            if !line.trim().is_empty() {
                last_was_sh = false;
            }
            continue;
        };
        let mut body = Vec::new();
        for l in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            body.push(l.to_string());
        }
        match lang {
            "sh" => {
                out.push((body, None));
                last_was_sh = true;
            }
            "" if last_was_sh => {
                if let Some(last) = out.last_mut() {
                    last.1 = Some(body.join("\n"));
                }
                last_was_sh = false;
            }
            _ => last_was_sh = false,
        }
    }
    out
}

/// `text` with what changes between runs replaced by placeholders.
fn steady(text: &str) -> String {
    let patterns = [
        (r"\b[0-9a-f]{64}\b", "HASH"),
        (r"\b[0-9a-f]{24}\b", "PROCESS"),
        (r"127\.0\.0\.1:\d+", "HOST"),
        (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", "TIME"),
        (r"\d{4}-\d{2}-\d{2}", "DATE"),
    ];
    let mut out = text.trim_end().to_string();
    for (pattern, with) in patterns {
        let re = regex::Regex::new(pattern).unwrap();
        out = re.replace_all(&out, with).into_owned();
    }
    out
}

/// The words of a command line, without a trailing comment.
fn words(line: &str) -> Vec<String> {
    let line = line.split(" #").next().unwrap_or(line);
    line.split_whitespace().map(str::to_string).collect()
}

#[test]
fn the_first_run_walkthrough_shows_what_its_commands_print() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("docs/first-run.md")).unwrap();
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["fixtures", "mappings"] {
        std::os::unix::fs::symlink(root.join(dir), tmp.path().join(dir)).unwrap();
    }
    let mut ran = 0;
    for (commands, expected) in blocks(&text) {
        for line in commands.iter().filter(|l| l.starts_with("payroll-sync ")) {
            let args = words(line);
            // Every command and option the walk names exists.
            if !line.contains('<') {
                let out = run(cmd(&emu, tmp.path()).args(&args[1..]).arg("--help"));
                assert_eq!(code(&out), 0, "`{line}`: {}", stderr(&out));
            }
        }
        let Some(expected) = expected else { continue };
        let runnable: Vec<&String> = commands
            .iter()
            .filter(|l| l.starts_with("payroll-sync ") && !l.contains('<'))
            .filter(|l| !l.contains("--version") && !l.contains(" doctor"))
            .collect();
        let [line] = runnable.as_slice() else {
            continue;
        };
        let args = words(line);
        let out = run(cmd(&emu, tmp.path()).args(&args[1..]));
        let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        assert_eq!(
            steady(&printed),
            steady(&expected),
            "`{line}` prints what docs/first-run.md shows"
        );
        ran += 1;
    }
    assert!(ran >= 6, "the walk's commands ran: {ran}");
}
