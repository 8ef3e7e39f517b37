//! The state every handler and the middleware share: the org, processes, request log, fault
//! rules and webhook target ([`Shared`]), the clock ([`Shared::org_now`] locks the org after
//! carrying out what has come due; [`Shared::org_read`] shares it with other readers), the
//! lock helpers, the faults a call was given
//! ([`ActiveFaults`]), and the JSON error envelope ([`ApiError`]).
//!
//! Layering: below the HTTP layer (`middleware`, `routes`, `server`) and the starters (the
//! crate root, `blocking`); above the data it holds (`state`, `process`, `faults`, `webhook`,
//! `log`), what loads it (`config`, `seed`, `persist`, `error`) and what moves it in time
//! (`lifecycle`, `dates`). It never uses a handler or the router.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use crate::config::Config;
use crate::error::Error;
use crate::faults::{Fault, FaultRule};
use crate::log::RequestRecord;
use crate::process::{EMULATOR_USER_ID, Process, ProcessEvent, ProcessUpdate};
use crate::state::OrgState;
use crate::text_cache::TextCache;
use crate::webhook::{APP_ID, AppInfo, WebhookDelivery};
use crate::{dates, lifecycle, persist, seed};

/// A process and the events its rows produced.
#[derive(Clone, Debug)]
pub struct ProcessEntry {
    /// The process.
    pub process: Process,
    /// Per-row events, filled when the import finishes.
    pub events: Vec<ProcessEvent>,
    /// Every `updateProcess` call, oldest first.
    pub updates: Vec<ProcessUpdate>,
}

impl ProcessEntry {
    /// A new entry with no events and no updates.
    pub fn new(process: Process) -> ProcessEntry {
        ProcessEntry {
            process,
            events: Vec::new(),
            updates: Vec::new(),
        }
    }
}

/// The faults the middleware took for this call and left to the handler (request extension).
#[derive(Clone, Debug, Default)]
pub struct ActiveFaults(pub Vec<Fault>);

impl ActiveFaults {
    /// Whether `fault` is among them.
    pub fn has(&self, fault: &Fault) -> bool {
        self.0.contains(fault)
    }
}

/// Where app-run webhooks go, and what was delivered.
#[derive(Debug, Default)]
pub struct WebhookState {
    /// The target URL (`http://` only); `None`: runs create processes but notify no one.
    pub url: Option<String>,
    /// Every delivery attempt, oldest first.
    pub deliveries: Vec<WebhookDelivery>,
}

/// Everything the handlers share. Locks are never held across an `.await`.
pub struct Shared {
    /// The expected bearer token.
    pub token: String,
    /// Delay before an import starts running; progress steps sleep a fraction of it.
    pub step_delay: Duration,
    /// Where to persist the org after each applied import.
    pub state_file: Option<PathBuf>,
    /// The org: read by many calls at once (most calls only read), written by one.
    pub org: RwLock<OrgState>,
    /// Counts the times the org was locked for writing: while a guard is held, the same number
    /// means the same org (see [`Shared::generation`]).
    generation: AtomicU64,
    /// `findPersons`' joined texts for the current generation.
    pub texts: TextCache,
    /// Processes by id.
    pub processes: Mutex<HashMap<String, ProcessEntry>>,
    /// The request log.
    pub log: Mutex<Vec<RequestRecord>>,
    /// Fault rules in force.
    pub faults: Mutex<Vec<FaultRule>>,
    /// The installed app (the token's user).
    pub app: AppInfo,
    /// The app-run webhook target and deliveries.
    pub webhook: Mutex<WebhookState>,
}

impl Shared {
    /// Fresh shared state for `config`: the org from the state file when it exists, else from
    /// the seed; no processes, log entries or faults yet. The clock is `config.today` when set,
    /// else the state file's explicit setting, else the system's UTC date; what is due by then
    /// is carried out.
    ///
    /// Fails with the [`Error`] of `persist::load` or `seed::load` (an unreadable or malformed
    /// state file or seed).
    pub fn load(config: Config) -> Result<Shared, Error> {
        let mut org: OrgState = match &config.state_file {
            Some(file) if file.exists() => persist::load(file)?,
            _ => seed::load(
                &config.seed_dir,
                config.today.unwrap_or_else(dates::today_utc),
            )?,
        };
        if config.today.is_some() {
            org.clock = config.today;
        }
        let today = org.clock.unwrap_or_else(dates::today_utc);
        lifecycle::advance(&mut org, today);
        let app = AppInfo {
            name: config.app_name,
            app_id: APP_ID.into(),
            app_user_id: EMULATOR_USER_ID.into(),
        };
        Ok(Shared {
            token: config.token,
            step_delay: config.import_step_delay,
            state_file: config.state_file,
            org: RwLock::new(org),
            generation: AtomicU64::new(0),
            texts: TextCache::default(),
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

    /// Locks the org after carrying out every scheduled change in force by the clock's today
    /// (saving the state file when any was; a write failure is logged, not returned), and
    /// returns the guard with that today. Every read and import goes through here, so each
    /// sees the transitions due.
    pub fn org_now(&self) -> (RwLockWriteGuard<'_, OrgState>, NaiveDate) {
        let mut org = self.org_write();
        let today = today_of(&org);
        if lifecycle::advance(&mut org, today) {
            self.save(&org);
        }
        (org, today)
    }

    /// [`Shared::org_now`] for a call that only reads: the org is shared with other readers, as
    /// ChartHop answers reads side by side (the write lock is taken only when a scheduled change
    /// has come due).
    pub fn org_read(&self) -> (RwLockReadGuard<'_, OrgState>, NaiveDate) {
        {
            let org = read(&self.org);
            let today = today_of(&org);
            if org.history.next_due(today).is_none() {
                return (org, today);
            }
        }
        drop(self.org_now());
        let org = read(&self.org);
        let today = today_of(&org);
        (org, today)
    }

    /// Sets the clock (or, with `None`, returns it to the system's UTC date), carries out what
    /// is due by the new today, and saves the state file. Moving the clock back undoes
    /// nothing. Returns the new today; fails with the [`Error`] of `persist::save`.
    pub fn set_today(&self, date: Option<NaiveDate>) -> Result<NaiveDate, Error> {
        let mut org = self.org_write();
        org.clock = date;
        let today = date.unwrap_or_else(dates::today_utc);
        lifecycle::advance(&mut org, today);
        match &self.state_file {
            Some(file) => persist::save(file, &org).map(|()| today),
            None => Ok(today),
        }
    }

    /// The org locked for writing, under a new [`generation`](Shared::generation): every write
    /// goes through here.
    fn org_write(&self) -> RwLockWriteGuard<'_, OrgState> {
        let org = write(&self.org);
        self.generation.fetch_add(1, Ordering::SeqCst);
        org
    }

    /// The org's generation, read while holding one of its guards: it changes each time the
    /// org is locked for writing (whether or not anything was changed), so two reads that see
    /// the same generation see the same org. What is worked out from the org can be kept
    /// under it (as [`Shared::texts`] is).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Writes the state file, if there is one; a failure is logged.
    pub fn save(&self, org: &OrgState) {
        if let Some(file) = &self.state_file
            && let Err(e) = persist::save(file, org)
        {
            tracing::warn!("{e}");
        }
    }

    /// Checks that `org` is the org's id or slug; 404 `org not found` otherwise.
    pub fn check_org(&self, org: &str) -> Result<(), ApiError> {
        let state = read(&self.org);
        if org == state.org.id || org.eq_ignore_ascii_case(&state.org.slug) {
            Ok(())
        } else {
            Err(ApiError::new(StatusCode::NOT_FOUND, "org not found"))
        }
    }

    /// Updates a process in place; a no-op for an unknown id.
    pub fn update_process(&self, id: &str, f: impl FnOnce(&mut ProcessEntry)) {
        if let Some(entry) = lock(&self.processes).get_mut(id) {
            f(entry);
            entry.process.update_at = crate::process::now_iso();
        }
    }
}

/// The org's today: its clock when set, else the system's UTC date.
fn today_of(org: &OrgState) -> NaiveDate {
    org.clock.unwrap_or_else(dates::today_utc)
}

/// Locks a reader-writer lock for reading, recovering the data if a writer panicked.
pub fn read<T>(m: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(|e| e.into_inner())
}

/// Locks a reader-writer lock for writing, recovering the data if a holder panicked.
pub fn write<T>(m: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(|e| e.into_inner())
}

/// Locks a mutex, recovering the data if a previous holder panicked.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// An error answered as `{"code": <status>, "message": ...}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    /// An error with this status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }

    /// A 400 with this message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "code": self.status.as_u16(), "message": self.message });
        (self.status, Json(body)).into_response()
    }
}
