//! TLS goes through rustls alone: the dependency tree holds no OpenSSL or native-tls, and
//! reqwest is built without its default (native) TLS. Plain `http://` to a non-loopback
//! ChartHop is refused (tested in `cli_errors`), loopback is allowed (the emulator).

use crate::support::root;

#[test]
fn the_dependency_tree_has_rustls_and_no_openssl() {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
    let names: Vec<&str> = lock
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .map(|l| l.trim_end_matches('"'))
        .collect();
    assert!(names.contains(&"rustls"), "rustls is in the tree");
    assert!(names.contains(&"ring"), "with the ring provider");
    // (schannel and security-framework may appear: the OS certificate stores on Windows and
    // macOS, read by rustls' platform verifier; openssl-probe only finds certificate files.)
    for banned in [
        "openssl",
        "openssl-sys",
        "native-tls",
        "hyper-tls",
        "tokio-native-tls",
    ] {
        assert!(!names.contains(&banned), "`{banned}` is in Cargo.lock");
    }
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let reqwest = manifest.lines().find(|l| l.starts_with("reqwest")).unwrap();
    assert!(reqwest.contains("default-features = false"), "{reqwest}");
    assert!(reqwest.contains("rustls"), "{reqwest}");
}

#[test]
fn plain_http_is_refused_for_hosts_that_only_look_local() {
    let emu = crate::support::emulator();
    let tmp = tempfile::tempdir().unwrap();
    for url in [
        "http://localhost.attacker.example",
        "http://127.0.0.1.nip.io:8080",
        "http://10.0.0.7",
        "http://[::ffff:8.8.8.8]",
    ] {
        let out = crate::support::run(
            crate::support::cmd(&emu, tmp.path())
                .env("PAYROLL_SYNC_CHARTHOP_URL", url)
                .args(["roster", "--format", "csv"]),
        );
        assert_eq!(crate::support::code(&out), 78, "{url}");
        assert!(crate::support::stderr(&out).contains("https://"), "{url}");
    }
    assert!(emu.requests().is_empty());
}
