//! A local emulator of the parts of the ChartHop REST API that payroll-sync uses, over real
//! HTTP on 127.0.0.1: `findJobs` (with a Carrot subset), `importDataCsv`, `getProcess`,
//! `updateProcess`, `getProcessEvents`, `findProcesses`, `findUsers`, and `runInstalledApp`
//! with its `process.create.<app>` webhook.
//!
//! Tests make it misbehave with fault switches ([`Emulator::add_fault`], or
//! `POST /_emulator/faults`): 429 with `Retry-After`, 5xx, 202 "snapshot building", slow
//! answers, an import that never finishes, connections dropped before or after an upload is
//! accepted, empty and looping pages.
//!
//! It owns its wire types (it never shares them with the client, so a mistake in one is not
//! mirrored and hidden in the other). Start it with [`Emulator::start`] (tests) or
//! [`run_blocking`] (the CLI).

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;

mod carrot;
mod conn;
mod error;
mod faults;
mod fields;
mod ids;
mod import_csv;
mod log;
mod model;
mod persist;
mod process;
mod routes;
mod seed;
mod server;
mod state;
mod webhook;

pub use error::Error;
pub use faults::{Fault, FaultRule, OPERATIONS};
pub use log::{ImportFlags, RequestRecord, UploadRecord};
pub use process::ProcessUpdate;
pub use seed::JOB_COLUMNS;
pub use webhook::{AppInfo, WebhookDelivery};

use conn::{KillSwitch, KillableListener};
use server::{Shared, WebhookState, lock};

/// The app id of the installed app.
pub const APP_ID: &str = "5f00000000000000000000a9";
use state::OrgState;

/// How to start an emulator.
#[derive(Clone)]
pub struct Config {
    /// Directory with `org.json`, `groups.csv`, `users.csv`, `jobs.csv`.
    pub seed_dir: PathBuf,
    /// The bearer token clients must send.
    pub token: String,
    /// If set: loaded instead of the seed when it exists, rewritten after each applied import.
    pub state_file: Option<PathBuf>,
    /// Delay before an import runs, and between its progress steps. Default 30 ms.
    pub import_step_delay: Duration,
    /// "Today" for `tenure`; `None` means the real local date.
    pub today: Option<NaiveDate>,
    /// The installed app's short name: webhooks say `process.create.<app_name>`.
    pub app_name: String,
    /// Where `runInstalledApp` delivers its webhook (`http://` only); `None`: nowhere.
    pub webhook_url: Option<String>,
}

impl Config {
    /// A config with no state file, a 30 ms import step delay, the real date, and an app named
    /// `payroll-sync` with no webhook URL.
    pub fn new(seed_dir: impl Into<PathBuf>, token: impl Into<String>) -> Self {
        Config {
            seed_dir: seed_dir.into(),
            token: token.into(),
            state_file: None,
            import_step_delay: Duration::from_millis(30),
            today: None,
            app_name: "payroll-sync".into(),
            webhook_url: None,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("seed_dir", &self.seed_dir)
            .field("token", &"****")
            .field("state_file", &self.state_file)
            .field("import_step_delay", &self.import_step_delay)
            .field("today", &self.today)
            .field("app_name", &self.app_name)
            .field("webhook_url", &self.webhook_url)
            .finish()
    }
}

/// A running emulator on its own runtime in a background thread; stopped by
/// [`Emulator::shutdown`] or on drop.
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Emulator {
    /// Starts on 127.0.0.1 with an ephemeral port. Fails on a bad seed or state file, or if
    /// the runtime cannot start.
    pub fn start(config: Config) -> Result<Emulator, Error> {
        Self::start_on(config, SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Starts on `addr`. Fails on a bad seed or state file, a bind failure (naming `addr`),
    /// or if the runtime cannot start.
    pub fn start_on(config: Config, addr: SocketAddr) -> Result<Emulator, Error> {
        let shared = Arc::new(load_shared(config)?);
        // Bind synchronously so a bind error names the address and `start` may be called from
        // inside another runtime (an async test) without nesting `block_on`.
        let listener =
            std::net::TcpListener::bind(addr).map_err(|source| Error::Bind { addr, source })?;
        let local = listener
            .local_addr()
            .map_err(|source| Error::Bind { addr, source })?;
        listener
            .set_nonblocking(true)
            .map_err(|source| Error::Bind { addr, source })?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<std::io::Result<()>>();
        let app = server::router(shared.clone());
        let thread = std::thread::Builder::new()
            .name("charthop-emulator".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => return drop(ready_tx.send(Err(e))),
                };
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(listener) => listener,
                        Err(e) => return drop(ready_tx.send(Err(e))),
                    };
                    let _ = ready_tx.send(Ok(()));
                    let serve = axum::serve(
                        KillableListener(listener),
                        app.into_make_service_with_connect_info::<KillSwitch>(),
                    )
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    });
                    if let Err(e) = serve.await {
                        tracing::error!("charthop emulator stopped: {e}");
                    }
                });
            })
            .map_err(Error::Runtime)?;
        ready_rx
            .recv()
            .unwrap_or_else(|_| Err(std::io::Error::other("emulator thread exited early")))
            .map_err(Error::Runtime)?;
        Ok(Emulator {
            shared,
            addr: local,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The org slug, usable as `{orgId}` in paths.
    pub fn org_slug(&self) -> String {
        lock(&self.shared.org).org.slug.clone()
    }

    /// Every API request so far (admin requests excluded), oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.shared.log).clone()
    }

    /// Every accepted CSV upload so far, oldest first.
    pub fn uploads(&self) -> Vec<UploadRecord> {
        lock(&self.shared.log)
            .iter()
            .filter_map(|r| r.upload.clone())
            .collect()
    }

    /// Every filled job as field code -> value (minimal format; unset fields omitted).
    pub fn jobs(&self) -> Vec<BTreeMap<String, String>> {
        let today = self.shared.today();
        let state = lock(&self.shared.org);
        state
            .jobs()
            .filter(|job| job.person.is_some())
            .map(|job| {
                fields::FieldCode::every()
                    .filter_map(|(name, code)| {
                        Some((
                            name.to_string(),
                            fields::value_text(&code.value(job, &state, today)?),
                        ))
                    })
                    .collect()
            })
            .collect()
    }

    /// Sets one field of the filled job with this work email, as if someone edited ChartHop
    /// directly. `code` is a settable field code (names, title, contacts, `department`,
    /// `location` (created if new), `manager` (a job id), `manager.contact.workEmail`,
    /// `startDate`, `employment`); an empty value clears it. Persists like an import does.
    ///
    /// Fails with [`Error::UnknownPerson`], [`Error::InvalidField`] for an unsettable code or a
    /// rejected value, or [`Error::Io`] if the state file cannot be written.
    pub fn set_job_field(&self, work_email: &str, code: &str, value: &str) -> Result<(), Error> {
        let invalid = |message: String| Error::InvalidField {
            code: code.to_string(),
            message,
        };
        let attr = fields::FieldCode::parse(code)
            .and_then(fields::FieldCode::attr)
            .ok_or_else(|| invalid("not a settable field code".into()))?;
        let mut state = lock(&self.shared.org);
        let job_id = state
            .job_by_email(work_email)
            .map(|j| j.id.clone())
            .ok_or_else(|| Error::UnknownPerson(work_email.to_string()))?;
        let resolved = state.resolve(&job_id, attr, value, true).map_err(invalid)?;
        state.apply(&job_id, resolved);
        match &self.shared.state_file {
            Some(file) => persist::save(file, &state),
            None => Ok(()),
        }
    }

    /// Adds a fault rule; it affects the next `times` calls of its operation (every call when
    /// `times` is `None`). Fails with [`Error::InvalidFault`] for an unknown operation or a
    /// status outside 500..=599.
    pub fn add_fault(&self, rule: FaultRule) -> Result<(), Error> {
        faults::check(&rule).map_err(Error::InvalidFault)?;
        lock(&self.shared.faults).push(rule);
        Ok(())
    }

    /// The fault rules still in force (spent ones are gone).
    pub fn faults(&self) -> Vec<FaultRule> {
        lock(&self.shared.faults).clone()
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// The installed app: its name, app id and app user id (the `{appUserId}` of the run
    /// endpoint; also the user the token belongs to).
    pub fn app(&self) -> AppInfo {
        self.shared.app.clone()
    }

    /// Sets (or, with `None`, clears) where `runInstalledApp` delivers its webhook.
    pub fn set_webhook_url(&self, url: Option<String>) {
        lock(&self.shared.webhook).url = url;
    }

    /// Every webhook delivery attempt so far, oldest first (deliveries run in the background:
    /// poll until the one you expect appears).
    pub fn webhooks(&self) -> Vec<WebhookDelivery> {
        lock(&self.shared.webhook).deliveries.clone()
    }

    /// A process as `getProcess` would answer it, or `None` for an unknown id.
    pub fn process(&self, id: &str) -> Option<serde_json::Value> {
        lock(&self.shared.processes)
            .get(id)
            .and_then(|e| serde_json::to_value(&e.process).ok())
    }

    /// Every process id, oldest first.
    pub fn process_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = lock(&self.shared.processes).keys().cloned().collect();
        ids.sort();
        ids
    }

    /// Every `updateProcess` call on this process, oldest first (empty for an unknown id):
    /// the progress history an app reported.
    pub fn process_updates(&self, id: &str) -> Vec<ProcessUpdate> {
        lock(&self.shared.processes)
            .get(id)
            .map(|e| e.updates.clone())
            .unwrap_or_default()
    }

    /// Stops the server and waits for its thread (imports in flight are abandoned).
    pub fn shutdown(self) {}
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Runs an emulator on `addr` until SIGINT or SIGTERM, for `payroll-sync emulator`.
///
/// Prints `charthop emulator listening on http://ADDR (org SLUG)` to stderr once listening, and
/// then writes the base URL to `addr_file` if given. Fails on a bad seed or state file, a bind
/// failure, an unwritable `addr_file`, or a server error.
pub fn run_blocking(
    config: Config,
    addr: SocketAddr,
    addr_file: Option<&Path>,
) -> Result<(), Error> {
    let shared = Arc::new(load_shared(config)?);
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
        let base_url = format!("http://{local}");
        let slug = lock(&shared.org).org.slug.clone();
        eprintln!("charthop emulator listening on {base_url} (org {slug})");
        if let Some(file) = addr_file {
            std::fs::write(file, &base_url).map_err(|source| Error::Io {
                action: "writing",
                file: file.to_path_buf(),
                source,
            })?;
        }
        axum::serve(
            KillableListener(listener),
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

/// Loads the org (state file if it exists, else the seed) into fresh shared state.
fn load_shared(config: Config) -> Result<Shared, Error> {
    let org: OrgState = match &config.state_file {
        Some(file) if file.exists() => persist::load(file)?,
        _ => seed::load(&config.seed_dir)?,
    };
    let app = AppInfo {
        name: config.app_name,
        app_id: APP_ID.into(),
        app_user_id: process::EMULATOR_USER_ID.into(),
    };
    Ok(Shared {
        token: config.token,
        today: config.today,
        step_delay: config.import_step_delay,
        state_file: config.state_file,
        org: Mutex::new(org),
        processes: Mutex::new(HashMap::new()),
        log: Mutex::new(Vec::new()),
        faults: Mutex::new(Vec::new()),
        app,
        webhook: Mutex::new(WebhookState {
            url: config.webhook_url,
            deliveries: Vec::new(),
        }),
    })
}
