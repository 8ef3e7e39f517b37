//! Serving over HTTPS: the server's identity (a certificate chain and its private key, PEM)
//! turned into a TLS acceptor.
//!
//! Layering: a leaf beside `error`; `conn` accepts connections through what it builds.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

use crate::error::Error;

/// The certificate chain (leaf first) and private key the emulator serves HTTPS with, both
/// PEM. The key never prints.
#[derive(Clone)]
pub struct TlsIdentity {
    /// One or more `CERTIFICATE` blocks, the server's own first.
    pub cert_chain_pem: Vec<u8>,
    /// A PKCS#8, PKCS#1 or SEC1 private key block.
    pub key_pem: Vec<u8>,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsIdentity")
            .field(
                "cert_chain_pem",
                &format!("{} bytes", self.cert_chain_pem.len()),
            )
            .field("key_pem", &"****")
            .finish()
    }
}

/// The acceptor for `identity`. Fails with [`Error::Tls`] when the PEM holds no certificate,
/// no key, or a key that does not fit the certificate.
pub(crate) fn acceptor(identity: &TlsIdentity) -> Result<TlsAcceptor, Error> {
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(&identity.cert_chain_pem)
            .collect::<Result<_, _>>()
            .map_err(|e| Error::Tls(format!("reading the certificate chain: {e}")))?;
    if chain.is_empty() {
        return Err(Error::Tls(
            "the certificate file holds no CERTIFICATE block".into(),
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(&identity.key_pem)
        .map_err(|e| Error::Tls(format!("reading the private key: {e}")))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| Error::Tls(format!("the key does not fit the certificate: {e}")))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}
