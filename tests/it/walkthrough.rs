//! Issue 19 (docs): `docs/first-run.md` shows what its commands really print. Each `sh` block
//! followed at once by an output block is run, in order, against the emulator (with the
//! repository's fixtures and mappings), and its output must match the block's, but for what
//! changes from run to run: process ids, hashes, ports, dates and times. Commands that depend
//! on the machine (`--version`, `doctor`, `cp`) are not run; their blocks are still checked to
//! name real commands and options.

use std::path::Path;

use crate::support::*;

/// A walkthrough's fenced blocks, in order: the fence's info string and the body. A fence
/// closes only with at least as many backticks as opened it, so a block may hold a shorter one.
fn fences(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let ticks = line.chars().take_while(|c| *c == '`').count();
        if ticks < 3 {
            continue;
        }
        let info = line[ticks..].trim().to_string();
        let mut body = Vec::new();
        for l in lines.by_ref() {
            let closing = l.chars().take_while(|c| *c == '`').count();
            if closing >= ticks && l.trim_start_matches('`').trim().is_empty() {
                break;
            }
            body.push(l);
        }
        out.push((info, body.join("\n")));
    }
    out
}

/// The (commands, expected output) pairs of a walkthrough, in order: each `sh` block, and the
/// plain block right after it (`None` when the next block is not one).
fn blocks(text: &str) -> Vec<(Vec<String>, Option<String>)> {
    let all = fences(text);
    let mut out = Vec::new();
    for (i, (info, body)) in all.iter().enumerate() {
        if info != "sh" {
            continue;
        }
        let next = all.get(i + 1).filter(|(info, _)| info.is_empty());
        // Only an output block that follows at once (nothing but blank lines between).
        let follows = next.is_some_and(|(_, out)| {
            let here = format!("```sh\n{body}\n```");
            let there = format!("```\n{out}\n```");
            text.find(&here)
                .and_then(|a| text[a..].find(&there).map(|b| (a, a + b)))
                .is_some_and(|(a, b)| text[a + here.len()..b].trim().is_empty())
        });
        let commands = body.lines().map(str::to_string).collect();
        out.push((commands, next.filter(|_| follows).map(|(_, o)| o.clone())));
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
    // The sample of a report's top (the block fenced with four backticks) is what step 6's
    // plan wrote.
    let report = std::fs::read_to_string(tmp.path().join("first-plan/report.md")).unwrap();
    let samples: Vec<String> = fences(&text)
        .into_iter()
        .filter(|(info, body)| info.is_empty() && body.contains("## Summary"))
        .map(|(_, body)| body)
        .collect();
    assert_eq!(samples.len(), 1, "one sample of a report's top");
    assert!(
        steady(&report).contains(&steady(&samples[0])),
        "first-plan/report.md begins as docs/first-run.md shows:\n{report}"
    );
}
