//! What every benchmark of this crate shares: its knobs and its random
//! numbers.

/// A number from the environment (`RACINE_BENCH_…`), or `default`.
pub fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Deterministic xorshift, so every run draws the same data.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The default warehouse and a second one, `W2`.
pub fn two_warehouses(db: &racine::Database) -> [i64; 2] {
    let second = db
        .create_warehouse(&racine::NewWarehouse {
            code: "W2".into(),
            name: "Second".into(),
            is_default: false,
        })
        .unwrap()
        .id;
    [db.default_warehouse().unwrap().id, second]
}
