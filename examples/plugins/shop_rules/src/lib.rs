//! An example Racine plugin in Rust, built as `libracine_shop_rules.so`:
//!
//! - a **validator**: nothing is sold from a quarantined warehouse, neither
//!   a sale movement nor an order reserving stock there. The write is
//!   refused whole, with a `plugin` error naming the warehouse;
//! - an **exporter**, format `accounting-csv`: the `movements` dataset as a
//!   double-entry stock journal (`;`-separated, one debit and one credit
//!   line per valued movement), for an accountant's import.
//!
//! Configuration (JSON, given when loading):
//! `{"quarantined": ["QUARANTINE"], "stock_account": "310000",
//!   "accounts": {"sale": "603700"}, "default_account": "603000",
//!   "journal": "STK"}`; every key is optional.
//!
//! ```text
//! db.load_plugin("/abs/path/libracine_shop_rules.so",
//!                &PluginOptions { config: Some(json!({"quarantined": ["Q1"]})), ..Default::default() })
//! db.export(&Export { format: Format::Plugin, plugin: Some("accounting-csv".into()), .. }, "journal.csv")
//! ```

use std::collections::BTreeMap;

use racine_plugin::{export_plugin, Cell, Column, Export, Host, Level, Plugin, Refusal};
use serde_json::Value;

struct ShopRules {
    quarantined: Vec<String>,
    books: Books,
}

/// How movements become journal lines.
#[derive(Clone)]
struct Books {
    journal: String,
    stock_account: String,
    accounts: BTreeMap<String, String>,
    default_account: String,
}

fn strings(v: &Value, key: &str) -> Result<Option<Vec<String>>, String> {
    match &v[key] {
        Value::Null => Ok(None),
        Value::Array(items) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("config.{key}: list warehouse codes as strings"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        _ => Err(format!("config.{key}: expected a list of warehouse codes")),
    }
}

fn string(v: &Value, key: &str, default: &str) -> Result<String, String> {
    match &v[key] {
        Value::Null => Ok(default.to_string()),
        Value::String(s) if !s.is_empty() => Ok(s.clone()),
        _ => Err(format!("config.{key}: expected a non-empty string")),
    }
}

impl Plugin for ShopRules {
    const NAME: &'static str = "shop-rules";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const VALIDATES: bool = true;
    const EXPORT_FORMAT: Option<&'static str> = Some("accounting-csv");
    type Export = Journal;

    fn init(host: &Host, config: &Value) -> Result<Self, String> {
        if !(config.is_null() || config.is_object()) {
            return Err("config: expected an object".into());
        }
        let quarantined =
            strings(config, "quarantined")?.unwrap_or_else(|| vec!["QUARANTINE".into()]);
        let mut accounts: BTreeMap<String, String> = [
            ("purchase_receipt", "603100"),
            ("sale", "603700"),
            ("customer_return", "603700"),
            ("supplier_return", "603100"),
            ("inventory_count", "603800"),
            ("breakage", "658100"),
            ("loss", "658100"),
            ("opening_balance", "890000"),
        ]
        .into_iter()
        .map(|(r, a)| (r.to_string(), a.to_string()))
        .collect();
        if let Value::Object(map) = &config["accounts"] {
            for (reason, account) in map {
                let account = account.as_str().ok_or_else(|| {
                    format!("config.accounts.{reason}: expected an account number")
                })?;
                accounts.insert(reason.clone(), account.to_string());
            }
        }
        host.log(
            Level::Info,
            &format!("no sales from {}", quarantined.join(", ")),
        );
        Ok(ShopRules {
            quarantined,
            books: Books {
                journal: string(config, "journal", "STK")?,
                stock_account: string(config, "stock_account", "310000")?,
                accounts,
                default_account: string(config, "default_account", "603000")?,
            },
        })
    }

    fn validate(&mut self, _host: &Host, event: &Value) -> Result<(), Refusal> {
        let data = &event["data"];
        let quarantined = |code: &Value| {
            code.as_str()
                .filter(|c| self.quarantined.iter().any(|q| q == c))
                .map(str::to_owned)
        };
        match event["kind"].as_str() {
            Some("movement_recorded") if data["reason"] == "sale" => {
                if let Some(code) = quarantined(&data["warehouse_code"]) {
                    return Err(Refusal::Veto(format!(
                        "warehouse {code} is quarantined: no sale of {} from it",
                        data["sku"].as_str().unwrap_or("?")
                    )));
                }
            }
            Some("order_event_applied") if data["event"]["kind"] == "placed" => {
                for line in data["lines"].as_array().into_iter().flatten() {
                    if let Some(code) = quarantined(&line["warehouse_code"]) {
                        return Err(Refusal::Veto(format!(
                            "warehouse {code} is quarantined: order {} cannot take {} from it",
                            data["external_id"].as_str().unwrap_or("?"),
                            line["sku"].as_str().unwrap_or("?")
                        )));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn begin_export(&mut self, _host: &Host, options: &Value) -> Result<Journal, Refusal> {
        let mut books = self.books.clone();
        if !options.is_null() {
            books.journal = string(options, "journal", &books.journal).map_err(Refusal::Veto)?;
        }
        Ok(Journal {
            books,
            columns: None,
            header_written: false,
        })
    }
}

/// The columns the journal needs, by position in the movements table.
struct Positions {
    movement: usize,
    effective_at: usize,
    sku: usize,
    reason: usize,
    quantity: usize,
    value_change: usize,
    reference: usize,
}

/// One `accounting-csv` export in progress.
struct Journal {
    books: Books,
    columns: Option<Positions>,
    header_written: bool,
}

impl Journal {
    /// One journal line. A failure here is the destination's (a full
    /// disk): the export stops, the plugin is fine.
    fn write_record(&self, host: &Host, fields: &[&str]) -> Result<(), Refusal> {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        w.write_record(fields)
            .map_err(|e| Refusal::Failed(e.to_string()))?;
        let bytes = w.into_inner().map_err(|e| Refusal::Failed(e.to_string()))?;
        host.write(&bytes).map_err(Refusal::Veto)
    }
}

impl Export for Journal {
    fn table(&mut self, host: &Host, name: &str, columns: &[Column<'_>]) -> Result<(), Refusal> {
        // Another dataset is the caller's mistake: this export is refused.
        let find = |title: &str| {
            columns
                .iter()
                .position(|c| c.title == title)
                .ok_or_else(|| {
                    Refusal::Veto(format!(
                        "accounting-csv writes the movements dataset: table {name:?} has no {title:?} column"
                    ))
                })
        };
        self.columns = Some(Positions {
            movement: find("Movement")?,
            effective_at: find("Effective at")?,
            sku: find("SKU")?,
            reason: find("Reason")?,
            quantity: find("Quantity")?,
            value_change: find("Value change")?,
            reference: find("Reference")?,
        });
        if !self.header_written {
            self.write_record(
                host,
                &[
                    "date",
                    "journal",
                    "account",
                    "label",
                    "debit",
                    "credit",
                    "reference",
                    "movement",
                ],
            )?;
            self.header_written = true;
        }
        Ok(())
    }

    fn row(&mut self, host: &Host, cells: &[Cell<'_>]) -> Result<(), Refusal> {
        let p = self
            .columns
            .as_ref()
            .ok_or_else(|| Refusal::Failed("a row before its table".into()))?;
        let cell = |i: usize| cells.get(i).map_or("", |c| c.text);
        let value = cell(p.value_change);
        if value.is_empty() || value.trim_start_matches(['-', '0', '.']).is_empty() {
            return Ok(()); // nothing to book
        }
        // An instant is RFC 3339 in UTC: its first ten characters are the day.
        let date = cell(p.effective_at).get(..10).unwrap_or("");
        let reason = cell(p.reason);
        let account = self
            .books
            .accounts
            .get(reason)
            .unwrap_or(&self.books.default_account);
        let quantity = cell(p.quantity).trim_start_matches('-');
        let label = format!("{reason} {} x {quantity}", cell(p.sku));
        // Exact: the amount is the value's own text without its sign.
        let (amount, stock_up) = match value.strip_prefix('-') {
            Some(abs) => (abs, false),
            None => (value, true),
        };
        let (stock_debit, stock_credit) = if stock_up { (amount, "") } else { ("", amount) };
        let (other_debit, other_credit) = if stock_up { ("", amount) } else { (amount, "") };
        let journal = self.books.journal.as_str();
        let reference = cell(p.reference);
        let movement = cell(p.movement);
        let stock = self.books.stock_account.as_str();
        self.write_record(
            host,
            &[
                date,
                journal,
                stock,
                &label,
                stock_debit,
                stock_credit,
                reference,
                movement,
            ],
        )?;
        self.write_record(
            host,
            &[
                date,
                journal,
                account,
                &label,
                other_debit,
                other_credit,
                reference,
                movement,
            ],
        )
    }

    fn end(self, _host: &Host, _complete: bool) -> Result<(), Refusal> {
        Ok(())
    }
}

export_plugin!(ShopRules);
