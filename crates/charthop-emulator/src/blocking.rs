//! Running the emulator in the foreground for the CLI (`payroll-sync emulator`).
//!
//! Layering: like the crate root's [`Emulator`](crate::Emulator), it starts the router
//! (`server`) on shared state built by [`Shared::load`]; nothing else in the crate uses it.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use crate::config::Config;
use crate::conn::{KillSwitch, KillableListener};
use crate::error::Error;
use crate::server;
use crate::shared::Shared;

/// Runs an emulator on `addr` until SIGINT or SIGTERM, for `payroll-sync emulator`.
///
/// Prints `charthop emulator listening on http://ADDR (org SLUG)` (`https://` with TLS) to stderr once listening, and
/// then writes the base URL to `addr_file` if given. Fails on a bad seed or state file, a bind
/// failure, an unwritable `addr_file`, or a server error.
pub fn run_blocking(
    config: Config,
    addr: SocketAddr,
    addr_file: Option<&Path>,
) -> Result<(), Error> {
    let tls = config.tls.as_ref().map(crate::tls::acceptor).transpose()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let shared = Arc::new(Shared::load(config)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| Error::Bind { addr, source })?;
        let local = listener
            .local_addr()
            .map_err(|source| Error::Bind { addr, source })?;
        let base_url = format!("{scheme}://{local}");
        let slug = crate::shared::read(&shared.org).org.slug.clone();
        eprintln!("charthop emulator listening on {base_url} (org {slug})");
        if let Some(file) = addr_file {
            std::fs::write(file, &base_url).map_err(|source| Error::Io {
                action: "writing",
                file: file.to_path_buf(),
                source,
            })?;
        }
        axum::serve(
            KillableListener::new(listener, tls),
            server::router(shared).into_make_service_with_connect_info::<KillSwitch>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(Error::Runtime)
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
