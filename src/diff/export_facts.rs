//! What is known of the export as a whole, as the passes learn it (see `facts`, which learns
//! it, and `matching`, which reads it).

use std::collections::{HashMap, HashSet};

/// The facts, as far as the passes so far have learned them.
#[derive(Debug, Default)]
pub(super) struct ExportFacts {
    /// Keys and emails on several rows: their row numbers.
    pub(super) dup_keys: HashMap<String, Vec<usize>>,
    pub(super) dup_emails: HashMap<String, Vec<usize>>,
    /// Roster person -> the rows (two or more) that all match them.
    pub(super) contested: HashMap<usize, Vec<usize>>,
    /// Manager reference -> the work email of the first export row with that key, where it
    /// matters: the key is not one ChartHop person's, or the email differs from ChartHop's.
    pub(super) manager_emails: HashMap<String, Option<String>>,
    /// The emails among `manager_emails` of managers ChartHop does not know.
    pub(super) unknown_managers: HashSet<String>,
}

impl ExportFacts {
    pub fn rows_with_key(&self, key: &str) -> Option<&[usize]> {
        self.dup_keys.get(key).map(Vec::as_slice)
    }

    pub fn rows_with_email(&self, email: &str) -> Option<&[usize]> {
        self.dup_emails.get(email).map(Vec::as_slice)
    }

    /// The rows that all match this roster person, when there are several.
    pub fn contested(&self, person: usize) -> Option<&[usize]> {
        self.contested.get(&person).map(Vec::as_slice)
    }

    /// The export's work email for the manager with payroll key `reference`, when it differs
    /// from what ChartHop alone would say; `None` when ChartHop's answer stands.
    pub fn manager_email(&self, reference: &str) -> Option<&str> {
        self.manager_emails.get(reference)?.as_deref()
    }

    /// The export emails of managers whose key is not one ChartHop person's.
    pub fn unknown_manager_emails(&self) -> Vec<String> {
        self.unknown_managers.iter().cloned().collect()
    }
}
