//! Whom the client trusts over TLS: the system's roots, plus the certificates of
//! `charthop.ca_file` (a private CA, or a TLS-inspecting proxy's); and how a refused
//! certificate is told apart from a network failure (it is never retried: it fails the same
//! way again).

use std::path::Path;

use super::error::ApiError;

/// The certificates of a PEM file to trust beside the system's. Fails with
/// [`ApiError::CaFile`] (naming the file) when it cannot be read, holds no `CERTIFICATE`
/// block, or a block that is not a certificate.
pub(super) fn extra_roots(path: &Path) -> Result<Vec<reqwest::Certificate>, ApiError> {
    let fail = |reason: String| ApiError::CaFile {
        path: path.to_path_buf(),
        reason,
    };
    let pem = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    if !pem
        .windows(b"-----BEGIN CERTIFICATE-----".len())
        .any(|w| w == b"-----BEGIN CERTIFICATE-----")
    {
        return Err(fail(
            "it holds no `-----BEGIN CERTIFICATE-----` block (a PEM file is expected)".into(),
        ));
    }
    let certs = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| fail(format!("a certificate in it cannot be read: {e}")))?;
    if certs.is_empty() {
        return Err(fail("it holds no certificate".into()));
    }
    Ok(certs)
}

/// What is wrong with the server's certificate, when a transport error is a TLS refusal of it
/// (rather than a network failure); `None` otherwise.
pub(super) fn refusal(e: &reqwest::Error) -> Option<String> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        if let Some(tls) = rustls_error(err) {
            return describe(tls);
        }
        next = err.source();
    }
    None
}

/// The rustls error `err` is or wraps (an `io::Error` hides its inner error from `source`,
/// and the connector nests one `io::Error` in another).
fn rustls_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut err = err;
    for _ in 0..8 {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        let inner = err.downcast_ref::<std::io::Error>()?.get_ref()?;
        err = inner;
    }
    None
}

fn describe(e: &rustls::Error) -> Option<String> {
    use rustls::CertificateError as C;
    let text = match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer => {
                "its certificate is not signed by an authority this machine trusts".to_string()
            }
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "its certificate is for another host name".to_string()
            }
            C::Expired | C::ExpiredContext { .. } => "its certificate has expired".to_string(),
            C::NotValidYet | C::NotValidYetContext { .. } => {
                "its certificate is not valid yet (check this machine's clock)".to_string()
            }
            C::Revoked => "its certificate has been revoked".to_string(),
            C::BadSignature => "its certificate's signature is wrong".to_string(),
            other => format!("its certificate was refused ({other:?})"),
        },
        rustls::Error::NoCertificatesPresented => "it presented no certificate".to_string(),
        rustls::Error::AlertReceived(alert) => format!("it ended the TLS handshake ({alert:?})"),
        rustls::Error::PeerIncompatible(p) => format!("its TLS setup is incompatible ({p:?})"),
        rustls::Error::PeerMisbehaved(p) => format!("it broke the TLS protocol ({p:?})"),
        _ => return None,
    };
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_file_must_hold_certificates() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("missing.pem");
        let e = extra_roots(&missing).expect_err("missing");
        assert!(e.to_string().contains("missing.pem"), "{e}");
        let empty = dir.path().join("key.pem");
        std::fs::write(
            &empty,
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        )
        .expect("write");
        let e = extra_roots(&empty).expect_err("no certificate");
        assert!(
            e.to_string().contains("no `-----BEGIN CERTIFICATE-----`"),
            "{e}"
        );
        let bad = dir.path().join("bad.pem");
        std::fs::write(
            &bad,
            "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
        )
        .expect("write");
        assert!(extra_roots(&bad).is_err());
    }
}
