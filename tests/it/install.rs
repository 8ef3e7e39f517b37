//! Installing the tool without the repository: completions and the man page come from the
//! CLI definition, and the container image is built with the Makefile's own release command.

use std::path::Path;
use std::process::Command;

fn binary(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_payroll-sync"))
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_for_each_shell_know_the_commands_and_their_options() {
    for shell in ["bash", "zsh", "fish"] {
        let script = binary(&["completions", shell]);
        for word in ["plan", "apply", "sync", "mapping", "log-format"] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
    }
}

#[test]
fn the_man_page_is_roff_naming_the_commands_and_the_version() {
    let page = binary(&["man"]);
    assert!(page.contains(".TH payroll-sync 1"), "{page}");
    assert!(page.contains(env!("CARGO_PKG_VERSION")), "{page}");
    for word in ["plan", "sync", "apply"] {
        assert!(page.contains(word), "{word}");
    }
}

/// The Dockerfile's build stage runs exactly `make release`'s command (with `cargo` for
/// `$(CARGO)`), and the image runs as a non-root user with nothing but the binary on top of a
/// CA-certificates base. Checked without Docker.
#[test]
fn the_dockerfile_builds_with_the_makefiles_release_command() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let makefile = std::fs::read_to_string(root.join("Makefile")).unwrap();
    let recipe = makefile
        .lines()
        .skip_while(|l| !l.starts_with("release:"))
        .nth(1)
        .expect("a `release` target with a recipe");
    let command = recipe.trim().replace("$(CARGO)", "cargo");
    let dockerfile = std::fs::read_to_string(root.join("Dockerfile")).unwrap();
    let runs: Vec<&str> = dockerfile
        .lines()
        .filter_map(|l| l.strip_prefix("RUN "))
        .collect();
    assert_eq!(runs, vec![command.as_str()], "the build stage's RUN lines");
    let froms = dockerfile
        .lines()
        .filter(|l| l.starts_with("FROM "))
        .count();
    assert_eq!(froms, 2, "multi-stage: a build stage and the image");
    assert!(dockerfile.contains("\nUSER nonroot\n"), "runs as non-root");
    let copies: Vec<&str> = dockerfile
        .lines()
        .filter(|l| l.starts_with("COPY --from="))
        .collect();
    assert_eq!(
        copies.len(),
        1,
        "only the binary goes into the image: {copies:?}"
    );
    assert!(
        copies[0].contains("/target/release/payroll-sync"),
        "{copies:?}"
    );
}
