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

/// Issue 18, point 13: TLS for real. The emulator serves HTTPS with a certificate of a
/// private CA made for the test; the binary trusts it only through `charthop.ca_file`.
mod https {
    use crate::support::*;
    use charthop_emulator::{Config, Emulator, TlsIdentity};
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};

    /// A CA: its certificate (PEM) and what signs with it.
    struct Ca {
        pem: String,
        issuer: Issuer<'static, KeyPair>,
    }

    fn ca(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        Ca {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A server certificate for `names`, signed by `ca`.
    fn leaf(ca: &Ca, names: &[&str]) -> TlsIdentity {
        let params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &ca.issuer).unwrap();
        TlsIdentity {
            cert_chain_pem: cert.pem().into_bytes(),
            key_pem: key.serialize_pem().into_bytes(),
        }
    }

    fn https_emulator(identity: TlsIdentity) -> Emulator {
        let mut config = Config::new(fixture("charthop/acme"), TOKEN);
        config.import_step_delay = std::time::Duration::from_millis(2);
        config.tls = Some(identity);
        let emu = Emulator::start(config).expect("the emulator starts");
        assert!(
            emu.base_url().starts_with("https://127.0.0.1:"),
            "{}",
            emu.base_url()
        );
        emu
    }

    fn roster(
        emu: &Emulator,
        dir: &std::path::Path,
        ca_file: Option<&std::path::Path>,
    ) -> std::process::Output {
        let mut c = cmd(emu, dir);
        c.args(["roster", "--format", "csv"]);
        if let Some(f) = ca_file {
            c.env("PAYROLL_SYNC_CHARTHOP_CA_FILE", f);
        }
        run(&mut c)
    }

    #[test]
    fn a_private_ca_is_trusted_through_ca_file_and_a_whole_sync_runs_over_https() {
        let tmp = tempfile::tempdir().unwrap();
        let private = ca("payroll-sync test CA");
        let emu = https_emulator(leaf(&private, &["127.0.0.1", "localhost"]));
        let ca_file = tmp.path().join("ca.pem");
        std::fs::write(&ca_file, &private.pem).unwrap();
        let out = roster(&emu, tmp.path(), Some(&ca_file));
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("ada.lovelace@acme.example"),
            "the roster came over HTTPS"
        );
        let out = run(cmd(&emu, tmp.path())
            .env("PAYROLL_SYNC_CHARTHOP_CA_FILE", &ca_file)
            .args(sync_args(
                fixture("payroll/acme.csv").to_str().unwrap(),
                mapping("acme.toml").to_str().unwrap(),
                None,
            )));
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert!(
            stderr(&out).contains("Verified: all 13 planned rows"),
            "{}",
            stderr(&out)
        );
        assert_eq!(emu.uploads().len(), 2, "both phases uploaded over HTTPS");
    }

    #[test]
    fn a_certificate_nobody_vouched_for_is_refused_at_once() {
        let tmp = tempfile::tempdir().unwrap();
        let private = ca("payroll-sync test CA");
        let emu = https_emulator(leaf(&private, &["127.0.0.1", "localhost"]));
        // Without the CA file, and with another CA's file: refused, not retried, exit 78.
        let other = ca("someone else's CA");
        let other_file = tmp.path().join("other.pem");
        std::fs::write(&other_file, &other.pem).unwrap();
        for ca_file in [None, Some(other_file.as_path())] {
            let started = std::time::Instant::now();
            let out = roster(&emu, tmp.path(), ca_file);
            let err = stderr(&out);
            assert_eq!(code(&out), 78, "{err}");
            assert!(
                err.contains("not signed by an authority this machine trusts"),
                "{err}"
            );
            assert!(err.contains(&emu.base_url()), "names the URL: {err}");
            assert!(err.contains("charthop.ca_file"), "{err}");
            assert!(
                !err.contains("retrying"),
                "a refused certificate is not retried: {err}"
            );
            assert!(started.elapsed() < std::time::Duration::from_secs(60));
        }
        assert!(emu.requests().is_empty(), "no request got through");
    }

    #[test]
    fn a_certificate_for_another_host_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let private = ca("payroll-sync test CA");
        let emu = https_emulator(leaf(&private, &["charthop.example"]));
        let ca_file = tmp.path().join("ca.pem");
        std::fs::write(&ca_file, &private.pem).unwrap();
        let out = roster(&emu, tmp.path(), Some(&ca_file));
        let err = stderr(&out);
        assert_eq!(code(&out), 78, "{err}");
        assert!(err.contains("for another host name"), "{err}");
        assert!(emu.requests().is_empty());
    }

    #[test]
    fn an_unusable_ca_file_is_a_settings_error_naming_it() {
        let tmp = tempfile::tempdir().unwrap();
        let emu = emulator();
        let bad = tmp.path().join("not-a-ca.pem");
        std::fs::write(&bad, "hello\n").unwrap();
        for file in [bad.clone(), tmp.path().join("missing.pem")] {
            let out = roster(&emu, tmp.path(), Some(&file));
            let err = stderr(&out);
            assert_eq!(code(&out), 78, "{err}");
            assert!(err.contains(&file.display().to_string()), "{err}");
            assert!(err.contains("charthop.ca_file"), "{err}");
        }
        assert!(emu.requests().is_empty());
    }
}
