//! A local emulator of the parts of the ChartHop REST API that payroll-sync uses, over real
//! HTTP on 127.0.0.1: `findJobs` and `findPersons` (with a Carrot subset), `findChanges`,
//! `importDataCsv`, `getProcess`, `updateProcess`, `getProcessEvents`, `findProcesses`,
//! `findUsers`, `getMe`, `findFields` and `getBuiltinFields` (the field catalogue), and
//! `runInstalledApp` with its `process.create.<app>` webhook.
//!
//! It models people's lifecycle: a settable clock (`Config::today`, `POST /_emulator/today`),
//! job states (OPEN, FILLED, DEPART, START), departures and announced hires through the CSV
//! import, former people and rehires, and effective-dated changes that wait in `upcoming[]`
//! until the clock reaches them.
//!
//! It models the org's fields: every built-in code it serves is a typed field of the catalogue,
//! and the seed's optional `fields.json` declares custom fields (STRING, TEXT, DATE, DECIMAL
//! (NUMBER), INTEGER, MONEY, BOOLEAN, ENUM, ENUM_MULTI, PERSON; computed ones by `expr`), whose
//! values live on the job or the person, are imported by code with per-type checks, and are
//! served like built-in fields (under `fields{}` in full objects). Money (`base`, `hourly`,
//! MONEY custom fields) is served as the spec's `Money` object.
//!
//! Tests make it misbehave with fault switches ([`Emulator::add_fault`], or
//! `POST /_emulator/faults`): 429 with `Retry-After`, 5xx, 202 "snapshot building", slow
//! answers, an import that never finishes, connections dropped before or after an upload is
//! accepted, empty and looping pages.
//!
//! It owns its wire types (it never shares them with the client, so a mistake in one is not
//! mirrored and hidden in the other). Start it with [`Emulator::start`] (tests) or
//! [`run_blocking`] (the CLI); with [`Config::tls`] it serves HTTPS instead of HTTP.
//!
//! # Layering
//!
//! Modules only use modules below them (`a -> b`: `a` uses `b`):
//!
//! - leaves: `ids`, `config` (on `tls`), `error`, `tls`, `faults`, `process`, `webhook`, `log` (the request
//!   log's records), `query`, `conn`, `dates`, `money`, `catalogue` (custom fields), `values`
//!   (served values as text, on `money`);
//! - the org: `model` (plain data and the stored-field table) <- `builtin` (the built-in
//!   fields' table) and `custom_value` (a custom field's cell) <- `attr` (settable attributes)
//!   and `history` (former people, the change log) <- `state` (lookups and edits; custom values
//!   in its child `state_custom.rs`) <- `lifecycle` (hires, departures, the clock's advance)
//!   and `fields` (job field codes) <- `carrot` (filters) <- `people` (person rows and codes);
//!   `import_csv` (the file) <- `import_depart` (departure cells) <- `import_row` (a row);
//!   `seed_table` <- `seed_fields` (the catalogue), `seed_custom` (custom cells) and
//!   `seed_jobs` <- `seed`; `persist` sits on `state`;
//! - the HTTP side: `shared` (the state handlers share, `ApiError`, `ActiveFaults`, the lock
//!   helper) <- `middleware` (auth, faults, logging) and `routes` (handlers) <- `server` (the
//!   router);
//! - the starters: this crate root ([`Emulator`]) and `blocking` ([`run_blocking`]).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

mod attr;
mod blocking;
mod builtin;
mod carrot;
mod carrot_rows;
mod catalogue;
mod config;
mod conn;
mod custom_value;
mod dates;
mod error;
mod faults;
mod fields;
mod history;
mod ids;
mod import_csv;
mod import_depart;
mod import_row;
mod lifecycle;
mod log;
mod middleware;
mod model;
mod money;
mod needles;
mod people;
mod persist;
mod process;
mod query;
mod routes;
mod seed;
mod seed_custom;
mod seed_fields;
mod seed_jobs;
mod seed_table;
mod server;
mod shared;
mod state;
mod text_cache;
mod tls;
mod values;
mod webhook;

pub use blocking::run_blocking;
pub use config::Config;
pub use error::Error;
pub use faults::{Fault, FaultRule, OPERATIONS};
pub use log::{ImportFlags, RequestRecord, UploadRecord};
pub use process::ProcessUpdate;
pub use seed::{JOB_COLUMNS, OPTIONAL_JOB_COLUMNS};
pub use tls::TlsIdentity;
pub use webhook::{APP_ID, AppInfo, WebhookDelivery};

use conn::{KillSwitch, KillableListener};
use shared::{Shared, lock};

/// A running emulator on its own runtime in a background thread; stopped by
/// [`Emulator::shutdown`] or on drop.
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    /// `http` or `https`.
    scheme: &'static str,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Emulator {
    /// Starts on 127.0.0.1 with an ephemeral port. Fails on a bad seed or state file, or if
    /// the runtime cannot start.
    pub fn start(config: Config) -> Result<Emulator, Error> {
        Self::start_on(config, SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Starts on `addr`. Fails on a bad seed or state file, an unusable TLS identity, a bind
    /// failure (naming `addr`), or if the runtime cannot start.
    pub fn start_on(config: Config, addr: SocketAddr) -> Result<Emulator, Error> {
        let tls = config.tls.as_ref().map(tls::acceptor).transpose()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let shared = Arc::new(Shared::load(config)?);
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
                // Two workers: like ChartHop, the emulator answers calls side by side (a
                // client's concurrent lookups are not queued behind one another).
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("charthop-emulator-worker")
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
                        KillableListener::new(listener, tls),
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
            scheme,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, or `https://` when serving TLS.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// The org slug, usable as `{orgId}` in paths.
    pub fn org_slug(&self) -> String {
        crate::shared::read(&self.shared.org).org.slug.clone()
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

    /// Every job with a person (FILLED, DEPART or START) as field code -> value (minimal
    /// format, custom fields by their code; unset fields and an empty `upcoming` omitted, a
    /// non-empty one as JSON text, money as `85000 USD`, an option list as `A;B`).
    pub fn jobs(&self) -> Vec<BTreeMap<String, String>> {
        let (state, today) = self.shared.org_now();
        let codes = fields::FieldCode::every_in(&state.catalogue);
        state
            .jobs()
            .filter(|job| job.person.is_some())
            .map(|job| {
                codes
                    .iter()
                    .filter_map(|(name, code)| {
                        let value = code.value(job, &state, today)?;
                        if value.as_array().is_some_and(Vec::is_empty) {
                            return None;
                        }
                        Some((name.clone(), values::text(&value)))
                    })
                    .collect()
            })
            .collect()
    }

    /// Every person, in a job or not (former people too), by person id, as person field code
    /// -> value (`id`, `jobId`, names, contacts, `startDateOrg`, `endDateOrg`, stored fields,
    /// PERSON custom fields; unset ones omitted; text as [`Emulator::jobs`] gives it).
    pub fn people(&self) -> Vec<BTreeMap<String, String>> {
        let (state, _) = self.shared.org_now();
        let stored = model::STORED.iter().enumerate().filter_map(|(i, name)| {
            Some((
                name.to_string(),
                people::PersonField::Stored(u8::try_from(i).ok()?),
            ))
        });
        let custom = state
            .catalogue
            .fields()
            .filter(|(_, f)| f.entity == catalogue::Entity::Person)
            .map(|(handle, f)| (f.name.clone(), people::PersonField::Custom(handle)));
        let codes: Vec<(String, people::PersonField)> = people::ALL
            .iter()
            .map(|(name, code)| (name.to_string(), *code))
            .chain(stored)
            .chain(custom)
            .collect();
        people::people_after(&state, None, true)
            .map(|row| {
                codes
                    .iter()
                    .filter_map(|(name, code)| {
                        Some((
                            name.clone(),
                            values::text(&code.value(row, &state.catalogue)?),
                        ))
                    })
                    .collect()
            })
            .collect()
    }

    /// Every recorded change, oldest first, as `findChanges` serves it.
    pub fn changes(&self) -> Vec<serde_json::Value> {
        let (state, _) = self.shared.org_now();
        state
            .history
            .changes_after(None)
            .map(routes::changes::wire)
            .collect()
    }

    /// The clock's today.
    pub fn today(&self) -> chrono::NaiveDate {
        self.shared.org_now().1
    }

    /// Sets the clock (`None`: the system's UTC date again) and carries out what comes due,
    /// as `POST /_emulator/today` does. Fails with [`Error::Io`] if the state file cannot be
    /// written.
    pub fn set_today(&self, date: Option<chrono::NaiveDate>) -> Result<(), Error> {
        self.shared.set_today(date).map(|_| ())
    }

    /// Sets one field of the filled job with this work email, as if someone edited ChartHop
    /// directly. `code` is a settable field code (names, title, contacts, `department`,
    /// `location` (created if new), `manager` (a job id), `manager.contact.workEmail`,
    /// `startDate`, `employment`, a stored field, or a custom field's code, checked by its
    /// type); an empty value clears it. Persists like an import does.
    ///
    /// Fails with [`Error::UnknownPerson`], [`Error::InvalidField`] for an unsettable code or a
    /// rejected value, or [`Error::Io`] if the state file cannot be written.
    pub fn set_job_field(&self, work_email: &str, code: &str, value: &str) -> Result<(), Error> {
        let invalid = |message: String| Error::InvalidField {
            code: code.to_string(),
            message,
        };
        let (mut state, _) = self.shared.org_now();
        let attr = fields::FieldCode::parse(code).and_then(fields::FieldCode::attr);
        let custom = state.catalogue.find(code).map(|(handle, _)| handle);
        if attr.is_none() && custom.is_none() {
            return Err(invalid("not a settable field code".into()));
        }
        let job_id = state
            .job_by_email(work_email)
            .map(|j| j.id.clone())
            .ok_or_else(|| Error::UnknownPerson(work_email.to_string()))?;
        let resolved = match (attr, custom) {
            (Some(attr), _) => state.resolve(&job_id, attr, value, true),
            (None, Some(handle)) => state.resolve_custom(handle, value),
            (None, None) => Err("not a settable field code".into()),
        }
        .map_err(invalid)?;
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
