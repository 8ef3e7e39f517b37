//! One synthetic person, computed from the seed and an index (no state, no I/O).

use chrono::NaiveDate;

use crate::Spec;

/// What the generator changed about a person between ChartHop and the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    None,
    /// In the export, not in ChartHop.
    Hired,
    /// In both; the export's status is `Terminated`.
    Departed,
    /// The export has a new title.
    Title,
    /// The export has a new department.
    Department,
    /// The export has a new location (and country, currency).
    Location,
}

/// First names: (as written, ASCII for the e-mail).
const FIRST: [(&str, &str); 24] = [
    ("José", "jose"),
    ("Zoë", "zoe"),
    ("Łukasz", "lukasz"),
    ("Søren", "soren"),
    ("Leïla", "leila"),
    ("Ngọc", "ngoc"),
    ("Björn", "bjorn"),
    ("Chloé", "chloe"),
    ("Renée", "renee"),
    ("Ada", "ada"),
    ("Grace", "grace"),
    ("Kofi", "kofi"),
    ("Amara", "amara"),
    ("Mei", "mei"),
    ("Jamal", "jamal"),
    ("Priya", "priya"),
    ("Diego", "diego"),
    ("Fatima", "fatima"),
    ("Tomás", "tomas"),
    ("Aoife", "aoife"),
    ("Hana", "hana"),
    ("Oliver", "oliver"),
    ("Sofia", "sofia"),
    ("Mateo", "mateo"),
];

const LAST: [(&str, &str); 24] = [
    ("García", "garcia"),
    ("Kowalczyk", "kowalczyk"),
    ("Wiśniewski", "wisniewski"),
    ("Kierkegaard", "kierkegaard"),
    ("Benali", "benali"),
    ("Trần", "tran"),
    ("Eriksson", "eriksson"),
    ("Dubois", "dubois"),
    ("Gauthier", "gauthier"),
    ("Lovelace", "lovelace"),
    ("Liu", "liu"),
    ("Asante", "asante"),
    ("Obi", "obi"),
    ("Nakamura", "nakamura"),
    ("Washington", "washington"),
    ("Venkatesan", "venkatesan"),
    ("Martínez", "martinez"),
    ("Al-Sayed", "al-sayed"),
    ("O'Connor", "oconnor"),
    ("Gallagher", "gallagher"),
    ("Müller", "muller"),
    ("Rossi", "rossi"),
    ("Novák", "novak"),
    ("Petrov", "petrov"),
];

/// ChartHop departments (also in the seed's `groups.csv`).
pub(super) const DEPARTMENTS: [&str; 9] = [
    "Engineering",
    "Sales",
    "Marketing",
    "Finance",
    "People",
    "Operations",
    "Customer Success",
    "Product",
    "Legal",
];

/// Locations with their country and currency.
pub(super) const LOCATIONS: [(&str, &str, &str); 7] = [
    ("New York", "United States", "USD"),
    ("San Francisco", "United States", "USD"),
    ("Austin", "United States", "USD"),
    ("London", "United Kingdom", "GBP"),
    ("Berlin", "Germany", "EUR"),
    ("Paris", "France", "EUR"),
    ("Remote", "United States", "USD"),
];

const TITLES: [&str; 12] = [
    "Software Engineer",
    "Senior Software Engineer",
    "Account Executive, Enterprise",
    "Sales Development Representative",
    "Product Manager, Growth",
    "Financial Analyst",
    "Recruiter",
    "Support Engineer",
    "Content Marketing Specialist",
    "Operations Manager",
    "Data Engineer",
    "Counsel, Commercial",
];

/// Export code and ChartHop employment, weighted towards full time.
const EMPLOYMENT: [(&str, &str); 8] = [
    ("FT", "FULL"),
    ("FT", "FULL"),
    ("FT", "FULL"),
    ("FT", "FULL"),
    ("FT", "FULL"),
    ("PT", "PART"),
    ("CTR", "CONTRACT"),
    ("INT", "INTERN"),
];

/// One synthetic person: ChartHop's view, plus what the export says differently.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub index: usize,
    pub employee_id: u64,
    pub first: (&'static str, &'static str),
    pub last: (&'static str, &'static str),
    /// ChartHop's title; the export's differs under [`Change::Title`].
    pub title: &'static str,
    /// Index into the departments (ChartHop's).
    pub department: usize,
    /// Index into the locations (ChartHop's).
    pub location: usize,
    pub hire: NaiveDate,
    /// Annual salary in cents.
    pub salary_cents: u64,
    /// The manager's index (none for the CEO, person 0).
    pub manager: Option<usize>,
    /// Index into the employment table.
    pub employment: usize,
    pub change: Change,
    /// Random bits for formatting noise in the export.
    pub noise: u64,
    roster: usize,
}

/// splitmix64: a tiny, good-enough, fixed generator.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Person `i` of `spec`, from `seed`.
pub fn person(seed: u64, i: usize, spec: &Spec) -> Person {
    let base = mix(seed ^ (i as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
    let r = |k: u64| mix(base.wrapping_add(k));
    let leaf = 10 * i + 1 >= spec.rows;
    let change = if i >= spec.roster {
        Change::Hired
    } else if !leaf || i == 0 {
        Change::None
    } else {
        match r(1) % 200 {
            0 => Change::Title,
            1 => Change::Department,
            2 => Change::Hired,
            3 => Change::Departed,
            _ => Change::None,
        }
    };
    let hire = NaiveDate::from_ymd_opt(2005, 1, 3)
        .and_then(|d| d.checked_add_days(chrono::Days::new(r(2) % 7300)))
        .unwrap_or_default();
    let change = if change == Change::Department && r(9) % 2 == 0 {
        Change::Location
    } else {
        change
    };
    Person {
        index: i,
        employee_id: 100_001 + i as u64,
        first: FIRST[(r(3) % FIRST.len() as u64) as usize],
        last: LAST[(r(4) % LAST.len() as u64) as usize],
        title: if i == 0 {
            "Chief Executive Officer"
        } else {
            TITLES[(r(5) % TITLES.len() as u64) as usize]
        },
        department: (r(6) % DEPARTMENTS.len() as u64) as usize,
        location: (r(7) % LOCATIONS.len() as u64) as usize,
        hire,
        salary_cents: 3_000_000 + (r(8) % 25_000_000) / 50 * 50,
        manager: (i > 0).then(|| (i - 1) / 10),
        employment: (r(10) % EMPLOYMENT.len() as u64) as usize,
        change,
        noise: r(11),
        roster: spec.roster,
    }
}

impl Person {
    /// Whether ChartHop has this person (as a filled job).
    pub fn in_roster(&self) -> bool {
        self.index < self.roster && self.change != Change::Hired
    }

    /// ChartHop's job id.
    pub fn job_id(&self) -> String {
        job_id(self.index)
    }

    /// The work e-mail, lower case.
    pub fn email(&self) -> String {
        format!(
            "{}.{}.{}@bench.example",
            self.first.1, self.last.1, self.employee_id
        )
    }

    /// The export's title.
    pub fn export_title(&self) -> String {
        match self.change {
            Change::Title => format!("Lead {}", self.title),
            _ => self.title.to_string(),
        }
    }

    /// The export's department.
    pub fn export_department(&self) -> &'static str {
        let d = match self.change {
            Change::Department => (self.department + 1) % DEPARTMENTS.len(),
            _ => self.department,
        };
        DEPARTMENTS[d]
    }

    /// The export's location, country and currency.
    pub fn export_location(&self) -> (&'static str, &'static str, &'static str) {
        let l = match self.change {
            Change::Location => (self.location + 1) % LOCATIONS.len(),
            _ => self.location,
        };
        LOCATIONS[l]
    }

    /// ChartHop's department and location names.
    pub fn department_name(&self) -> &'static str {
        DEPARTMENTS[self.department]
    }
    pub fn location_name(&self) -> &'static str {
        LOCATIONS[self.location].0
    }

    /// Export code and ChartHop value of the employment type.
    pub fn employment(&self) -> (&'static str, &'static str) {
        EMPLOYMENT[self.employment]
    }

    /// The manager's payroll id, for the export.
    pub fn manager_employee_id(&self) -> Option<u64> {
        self.manager.map(|m| 100_001 + m as u64)
    }
}

/// ChartHop's job id of person `i`.
pub(super) fn job_id(i: usize) -> String {
    format!("6a{:022x}", i + 1)
}

/// ChartHop's person id of person `i`.
pub(super) fn person_id(i: usize) -> String {
    format!("7b{:022x}", i + 1)
}
