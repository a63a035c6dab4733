//! `racine`: inspect, verify, export and import a Racine ledger from the
//! command line. Every command is one call of the library (most through
//! its JSON catalogue, the same requests the bindings send); this crate
//! only reads arguments, shows progress and prints.

mod output;
mod progress;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use racine::exports::{Destination, Export};
use racine::{Database, Error, Import, ImportKind, OpenOptions, Result};
use serde_json::{json, Value};

use crate::progress::Progress;

const EXAMPLES: &str = "Examples:
  racine init --db shop.db --time-zone Europe/Paris
  racine --db shop.db import items items.csv
  racine --db shop.db dashboard erp --month 2026-03
  racine --db shop.db export evening.xlsx --dataset movements --dataset stock
  RACINE_DB=postgres://racine@db.internal/shop racine verify";

/// Inspect, verify, export and import a Racine stock ledger.
#[derive(Parser)]
#[command(name = "racine", version, about, after_help = after_help())]
struct Cli {
    /// The database: a file path, or a PostgreSQL connection string.
    #[arg(long, global = true, env = "RACINE_DB", default_value = "racine.db")]
    db: String,
    /// Print JSON for scripts instead of tables.
    #[arg(long, global = true)]
    json: bool,
    /// No progress on stderr.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Load a plugin (shared library) on the handle first; repeatable.
    #[arg(long = "plugin", global = true, value_name = "PATH")]
    plugins: Vec<PathBuf>,
    /// The configuration (a JSON object) of the --plugin given at the same
    /// place: the first --plugin-config goes with the first --plugin.
    #[arg(long = "plugin-config", global = true, value_name = "JSON")]
    plugin_configs: Vec<String>,
    #[command(subcommand)]
    command: Command,
}

fn after_help() -> String {
    format!("{EXAMPLES}\n\n{}", output::exit_codes_help())
}

#[derive(Subcommand)]
enum Command {
    /// Creates a database (or opens an existing one) and prints its versions.
    #[command(
        after_help = "Examples:\n  racine init --db shop.db --time-zone Europe/Paris --default-warehouse DEPOT"
    )]
    Init {
        /// Business time zone of a new database (IANA name).
        #[arg(long)]
        time_zone: Option<String>,
        /// Code of the default warehouse of a new database.
        #[arg(long)]
        default_warehouse: Option<String>,
    },
    /// Library, schema and engine versions, and the business time zone.
    #[command(after_help = "Examples:\n  racine --db shop.db info --json")]
    Info,
    /// Replays the ledger and reports every drift (exit code 3 if any).
    #[command(
        after_help = "Examples:\n  racine --db shop.db verify\n  racine --db shop.db verify --json | jq .is_clean"
    )]
    Verify,
    /// Stock on hand, reserved, available and value.
    #[command(
        after_help = "Examples:\n  racine stock                    every item, totals\n  racine stock 00042              one item, per warehouse\n  racine stock --warehouse SHOP   every item in one warehouse\n  racine stock --low              items at or below their reorder point"
    )]
    Stock {
        /// One item, by SKU: its stock in each warehouse.
        sku: Option<String>,
        /// One warehouse, by code.
        #[arg(long)]
        warehouse: Option<String>,
        /// Only items at or below their reorder point.
        #[arg(long)]
        low: bool,
        #[command(flatten)]
        page: Limit,
    },
    /// Ledger movements, newest first.
    #[command(
        after_help = "Examples:\n  racine movements --sku 00042 --limit 20\n  racine movements --reason breakage --from 2026-03-01T00:00:00Z"
    )]
    Movements {
        /// Only this item (SKU).
        #[arg(long)]
        sku: Option<String>,
        /// Only this warehouse (code).
        #[arg(long)]
        warehouse: Option<String>,
        /// Only this reason (sale, breakage, opening_balance…).
        #[arg(long)]
        reason: Option<String>,
        /// Effective at or after this instant (RFC 3339).
        #[arg(long)]
        from: Option<String>,
        /// Effective before this instant.
        #[arg(long)]
        to: Option<String>,
        /// Only movements with this reference.
        #[arg(long)]
        reference: Option<String>,
        #[command(flatten)]
        page: Limit,
    },
    /// Orders, or one order with its lines and history.
    #[command(
        after_help = "Examples:\n  racine orders --status reserved\n  racine orders WEB-1042"
    )]
    Orders {
        /// One order, by its external id.
        external_id: Option<String>,
        /// Only orders in this status (reserved, paid, fulfilled, cancelled…).
        #[arg(long)]
        status: Option<String>,
        #[command(flatten)]
        page: Limit,
    },
    /// CRM contacts, or one contact.
    #[command(
        after_help = "Examples:\n  racine contacts --search martin\n  racine contacts --tag vip --json\n  racine contacts 42"
    )]
    Contacts {
        /// One contact, by id.
        id: Option<i64>,
        /// Name, email or phone contains this.
        #[arg(long)]
        search: Option<String>,
        /// Only contacts with this tag.
        #[arg(long)]
        tag: Option<String>,
        #[command(flatten)]
        page: Limit,
    },
    /// The ERP or CRM dashboard for a period.
    #[command(
        after_help = "Examples:\n  racine dashboard erp --month 2026-03\n  racine dashboard crm --quarter 2026-Q1 --json\n  racine dashboard erp --period last_30_days"
    )]
    Dashboard {
        /// Which dashboard.
        which: Which,
        #[command(flatten)]
        period: PeriodArgs,
    },
    /// Exports datasets to an xlsx workbook or a csv file (by its extension).
    #[command(
        after_help = "Datasets: movements, stock, cost_layers, purchase_orders, purchase_lines, orders,
order_lines, order_events, contacts, interactions, opportunities, opportunity_history,
dashboards, erp_kpi:<table>, crm_kpi:<table> (tables: racine export --help-tables).

Examples:
  racine export evening.xlsx --dataset movements --dataset stock --dataset dashboards --month 2026-03
  racine export movements.csv --dataset movements
  racine export flows.csv --dataset erp_kpi:daily_flows --month 2026-03
  racine export custom.xlsx --request '{\"sheets\": [{\"dataset\": \"movements\", \"filter\": {\"reason\": \"sale\"}}]}'"
    )]
    Export {
        /// The file to write (written whole or not at all).
        file: PathBuf,
        /// A dataset, with its default filters; repeatable (one for csv).
        #[arg(long = "dataset", value_name = "NAME")]
        datasets: Vec<String>,
        /// The whole export request as JSON (sheets with filters, options).
        #[arg(long, conflicts_with = "datasets")]
        request: Option<String>,
        #[command(flatten)]
        period: PeriodArgs,
    },
    /// Imports items, warehouses, suppliers, opening stock, contacts or purchase orders.
    #[command(
        after_help = "Every row is checked first: with any wrong row nothing is written and each
problem is listed (row, column, value, why), unless --skip-invalid. Rows whose
key (SKU, code, name, external id, reference) exists are left as they are, so a
file imported twice writes nothing the second time.

Examples:
  racine import items --template              writes items.csv with every column
  racine import items --template items.xlsx
  racine import items items.csv
  racine import opening_stock stock.xlsx --sheet Stock --dry-run
  racine import contacts crm.csv --skip-invalid --rejects crm-rejects.csv"
    )]
    Import {
        /// What the file holds.
        #[arg(value_parser = import_kind())]
        kind: ImportKind,
        /// The csv or xlsx file (with --template: where to write it).
        file: Option<PathBuf>,
        /// Write a template of this kind (header and one example row) instead.
        #[arg(long)]
        template: bool,
        /// Print the columns of this kind instead.
        #[arg(long, conflicts_with = "template")]
        columns: bool,
        /// Write the valid rows; put the others in a rejects file.
        #[arg(long)]
        skip_invalid: bool,
        /// Where the rejects go (beside the file by default: items.csv → items.rejects.csv).
        #[arg(long)]
        rejects: Option<String>,
        /// Check and count; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The sheet of a workbook (its first one by default).
        #[arg(long)]
        sheet: Option<String>,
        /// The csv delimiter (detected by default).
        #[arg(long)]
        delimiter: Option<String>,
    },
    /// The outbox: events in order, read with a consumer's cursor.
    #[command(subcommand)]
    Outbox(Outbox),
    /// The plugins loaded with --plugin, their versions and state.
    #[command(
        after_help = "Examples:\n  racine --plugin ./libshop_rules.so plugins\n  racine --plugin ./liblow_stock_alerts.so --plugin-config '{\"path\": \"/var/log/alerts\"}' plugins"
    )]
    Plugins,
    /// Shell completions for bash, zsh, fish, elvish or PowerShell.
    #[command(
        after_help = "Examples:\n  racine completions bash > /etc/bash_completion.d/racine\n  racine completions zsh > ~/.zfunc/_racine"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Subcommand)]
enum Outbox {
    /// Prints events after a consumer's cursor and moves the cursor past
    /// them (or, without --consumer, events after --after).
    #[command(
        after_help = "Examples:\n  racine outbox tail --consumer erp-sync          the events not yet handled\n  racine outbox tail --consumer erp-sync --follow waits for more (Ctrl-C stops)\n  racine outbox tail --after 120 --limit 10       a look, no cursor"
    )]
    Tail {
        /// A named consumer: created at the oldest event on first use; its
        /// cursor moves past what is printed.
        #[arg(long)]
        consumer: Option<String>,
        /// Without a consumer: events after this id.
        #[arg(long, conflicts_with = "consumer")]
        after: Option<i64>,
        /// Events per batch.
        #[arg(long, default_value_t = 100)]
        limit: u32,
        /// Keep waiting for new events until Ctrl-C.
        #[arg(long)]
        follow: bool,
        /// Print, but leave the consumer's cursor where it was.
        #[arg(long)]
        no_ack: bool,
    },
    /// Every consumer and how far behind it is.
    Consumers,
}

#[derive(Args)]
struct Limit {
    /// At most this many rows (all when 0).
    #[arg(long, default_value_t = 100)]
    limit: u32,
}

#[derive(Args, Default)]
struct PeriodArgs {
    /// A calendar month (2026-03).
    #[arg(long, group = "span")]
    month: Option<String>,
    /// A quarter (2026-Q1).
    #[arg(long, group = "span")]
    quarter: Option<String>,
    /// A year (2026).
    #[arg(long, group = "span")]
    year: Option<String>,
    /// One business day (2026-03-14).
    #[arg(long, group = "span")]
    day: Option<String>,
    /// Any period: this_month, last_30_days, 2026-W11, 2026-03-01..2026-03-15…
    #[arg(long, group = "span")]
    period: Option<String>,
    /// The instant stock is valued at (RFC 3339).
    #[arg(long)]
    as_of: Option<String>,
}

impl PeriodArgs {
    /// The dashboards' query, as the catalogue reads it.
    fn query(&self) -> Value {
        let period = [
            &self.month,
            &self.quarter,
            &self.year,
            &self.day,
            &self.period,
        ]
        .into_iter()
        .find_map(|p| p.clone());
        let mut q = serde_json::Map::new();
        if let Some(p) = period {
            q.insert("period".into(), p.into());
        }
        if let Some(t) = &self.as_of {
            q.insert("as_of".into(), t.clone().into());
        }
        Value::Object(q)
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Which {
    Erp,
    Crm,
}

/// The kinds of file core imports, by their names (listed in `--help`
/// and in completions).
fn import_kind() -> impl clap::builder::TypedValueParser<Value = ImportKind> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(ImportKind::ALL.iter().map(|k| k.as_str()))
        .try_map(|name| name.parse::<ImportKind>())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    progress::catch_interrupts();
    match run(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            output::print_error(&e, cli.json);
            ExitCode::from(output::exit_code(&e))
        }
    }
}

/// Opens the database; only `init` creates one, so a mistyped path is an
/// error, not a new empty ledger.
fn open(cli: &Cli, create: Option<OpenOptions>) -> Result<Database> {
    let options = match create {
        Some(o) => o,
        None => {
            if Database::file_of(&cli.db).is_some_and(|f| !f.exists()) {
                eprintln!("hint: create it with: racine init --db {}", cli.db);
                return Err(Error::NotFound {
                    entity: "database",
                    key: cli.db.clone(),
                });
            }
            OpenOptions::default()
        }
    };
    let db = Database::open_with(&cli.db, &options)?;
    if cli.plugin_configs.len() > cli.plugins.len() {
        return Err(Error::InvalidInput {
            field: "plugin-config".into(),
            message: "more --plugin-config than --plugin: each goes with the --plugin at its place"
                .into(),
        });
    }
    for (i, p) in cli.plugins.iter().enumerate() {
        let path = std::path::absolute(p).unwrap_or_else(|_| p.clone());
        let config = match cli.plugin_configs.get(i) {
            Some(text) => serde_json::from_str(text).map_err(|e| Error::InvalidInput {
                field: "plugin-config".into(),
                message: format!("not JSON: {e}"),
            })?,
            None => Value::Null,
        };
        let request = json!({
            "op": "load_plugin",
            "path": path.to_string_lossy(),
            "options": {"config": config},
        });
        call(&db, request)?;
    }
    Ok(db)
}

fn call(db: &Database, request: Value) -> Result<Value> {
    racine::api::call(db, &request.to_string())
}

/// Every page of a list operation, up to `limit` rows (all when 0).
fn pages(db: &Database, op: &str, mut filter: Value, limit: u32) -> Result<Value> {
    let mut rows = Vec::new();
    loop {
        let want = if limit == 0 {
            1000
        } else {
            (limit as usize - rows.len()).min(1000)
        };
        filter["limit"] = want.into();
        let page = call(db, json!({"op": op, "filter": filter}))?;
        let items = page["items"].as_array().cloned().unwrap_or_default();
        rows.extend(items);
        match page["next"].as_i64() {
            Some(next) if limit == 0 || rows.len() < limit as usize => {
                filter["after"] = next.into()
            }
            _ => break,
        }
    }
    Ok(Value::Array(rows))
}

fn warehouse_id(db: &Database, code: &Option<String>) -> Result<Option<i64>> {
    code.as_ref()
        .map(|c| db.warehouse_by_code(c).map(|w| w.id))
        .transpose()
}

/// Adds `key: value` to `filter` when the value is given.
fn with(mut filter: Value, key: &str, value: Option<Value>) -> Value {
    if let Some(v) = value {
        filter[key] = v;
    }
    filter
}

fn run(cli: &Cli) -> Result<u8> {
    let out = |v: &Value, title: &str| output::print(v, cli.json, title);
    match &cli.command {
        Command::Completions { shell } => {
            // Into memory first: clap_complete panics on a closed pipe.
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "racine", &mut script);
            output::write_out(&String::from_utf8_lossy(&script));
        }
        Command::Init {
            time_zone,
            default_warehouse,
        } => {
            let options = OpenOptions {
                time_zone: time_zone.clone(),
                default_warehouse: default_warehouse.clone(),
                ..OpenOptions::default()
            };
            let db = open(cli, Some(options))?;
            out(&call(&db, json!({"op": "info"}))?, "database");
        }
        Command::Info => {
            let db = open(cli, None)?;
            out(&call(&db, json!({"op": "info"}))?, "database");
        }
        Command::Verify => {
            let db = open(cli, None)?;
            let mut progress = Progress::new("verify", cli.quiet);
            let report = db.verify_with(&mut |n| progress.update("replaying", n, None));
            let summary = match &report {
                Ok(r) => format!(
                    "{} movements replayed, {} drifts",
                    r.movements_checked, r.drift_count
                ),
                Err(_) => String::new(),
            };
            progress.finish(&summary);
            let report = report?;
            out(&serde_json::to_value(&report).unwrap_or_default(), "verify");
            if !report.is_clean() {
                return Ok(output::DRIFT);
            }
        }
        Command::Stock {
            sku,
            warehouse,
            low,
            page,
        } => {
            let db = open(cli, None)?;
            let wh = warehouse_id(&db, warehouse)?;
            let v = match sku {
                Some(sku) => match wh {
                    Some(w) => call(&db, json!({"op": "stock", "item": sku, "warehouse": w}))?,
                    None => call(&db, json!({"op": "stock_by_warehouse", "item": sku}))?,
                },
                None => {
                    let filter = with(
                        json!({"low_stock_only": low}),
                        "warehouse",
                        wh.map(Value::from),
                    );
                    pages(&db, "stock_levels", filter, page.limit)?
                }
            };
            out(&v, "stock");
        }
        Command::Movements {
            sku,
            warehouse,
            reason,
            from,
            to,
            reference,
            page,
        } => {
            let db = open(cli, None)?;
            let wh = warehouse_id(&db, warehouse)?;
            let mut filter = json!({"order": "newest_first"});
            filter = with(filter, "item", sku.clone().map(Value::from));
            filter = with(filter, "warehouse", wh.map(Value::from));
            filter = with(filter, "reason", reason.clone().map(Value::from));
            filter = with(filter, "from", from.clone().map(Value::from));
            filter = with(filter, "to", to.clone().map(Value::from));
            filter = with(filter, "reference", reference.clone().map(Value::from));
            let columns = [
                "id",
                "effective_at",
                "sku",
                "warehouse_code",
                "quantity",
                "reason",
                "unit_cost",
                "value_change",
                "balance_after",
                "reference",
                "note",
            ];
            let rows = pages(&db, "movements", filter, page.limit)?;
            output::print_columns(&rows, cli.json, "movements", &columns);
        }
        Command::Orders {
            external_id,
            status,
            page,
        } => {
            let db = open(cli, None)?;
            let v = match external_id {
                Some(id) => call(&db, json!({"op": "order", "external_id": id}))?,
                None => {
                    let filter = with(json!({}), "status", status.clone().map(Value::from));
                    pages(&db, "orders", filter, page.limit)?
                }
            };
            out(&v, "orders");
        }
        Command::Contacts {
            id,
            search,
            tag,
            page,
        } => {
            let db = open(cli, None)?;
            let v = match id {
                Some(id) => call(&db, json!({"op": "contact", "id": id}))?,
                None => {
                    let filter = with(json!({}), "search", search.clone().map(Value::from));
                    let filter = with(filter, "tag", tag.clone().map(Value::from));
                    pages(&db, "contacts", filter, page.limit)?
                }
            };
            out(&v, "contacts");
        }
        Command::Dashboard { which, period } => {
            let db = open(cli, None)?;
            let op = match which {
                Which::Erp => "erp_dashboard",
                Which::Crm => "crm_dashboard",
            };
            let v = call(&db, json!({"op": op, "query": period.query()}))?;
            out(&v, op);
        }
        Command::Export {
            file,
            datasets,
            request,
            period,
        } => {
            let db = open(cli, None)?;
            let export = export_request(file, datasets, request.as_deref(), period)?;
            let mut progress = Progress::new("export", cli.quiet);
            let summary = db.export_with(&export, Destination::Path(file), &mut |p| {
                progress.update(p.sheet, p.rows, None)
            });
            progress.finish(&match &summary {
                Ok(s) => format!(
                    "{} rows, {} bytes written to {}",
                    s.rows,
                    s.bytes,
                    file.display()
                ),
                Err(_) => String::new(),
            });
            out(
                &serde_json::to_value(summary?).unwrap_or_default(),
                "export",
            );
        }
        Command::Import {
            kind,
            file,
            template,
            columns,
            skip_invalid,
            rejects,
            dry_run,
            sheet,
            delimiter,
        } => {
            let kind = *kind;
            if *columns {
                out(
                    &serde_json::to_value(Database::import_columns(kind)).unwrap_or_default(),
                    "columns",
                );
                return Ok(0);
            }
            if *template {
                let path = file
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(format!("{kind}.csv")));
                Database::write_import_template(kind, &path)?;
                out(
                    &json!({"template": path.display().to_string(), "kind": kind.as_str()}),
                    "template",
                );
                return Ok(0);
            }
            let Some(file) = file else {
                return Err(Error::InvalidInput {
                    field: "file".into(),
                    message: "give the file to import (or --template to write one)".into(),
                });
            };
            let db = open(cli, None)?;
            let import = Import {
                skip_invalid: *skip_invalid,
                rejects: rejects.clone(),
                dry_run: *dry_run,
                sheet: sheet.clone(),
                delimiter: delimiter.clone(),
                ..Import::new(kind)
            };
            let mut progress = Progress::new("import", cli.quiet);
            let report = db.import_with(&import, file, &mut |p| {
                progress.update(p.stage.as_str(), p.rows, p.total)
            });
            progress.finish(&match &report {
                Ok(r) if r.dry_run => {
                    format!("dry run: {} to create, {} existing", r.created, r.existing)
                }
                Ok(r) => format!(
                    "{} created, {} existing, {} rejected",
                    r.created, r.existing, r.rejected
                ),
                Err(_) => String::new(),
            });
            out(&serde_json::to_value(report?).unwrap_or_default(), "import");
        }
        Command::Outbox(Outbox::Consumers) => {
            let db = open(cli, None)?;
            out(&call(&db, json!({"op": "outbox_consumers"}))?, "consumers");
        }
        Command::Outbox(Outbox::Tail {
            consumer,
            after,
            limit,
            follow,
            no_ack,
        }) => {
            let db = open(cli, None)?;
            tail(
                cli,
                &db,
                consumer.as_deref(),
                *after,
                *limit,
                *follow,
                *no_ack,
            )?;
        }
        Command::Plugins => {
            let db = open(cli, None)?;
            out(&call(&db, json!({"op": "plugins"}))?, "plugins");
        }
    }
    Ok(0)
}

/// The export a command line asks for: `--request` whole, or datasets by
/// name with the period given to every KPI sheet.
fn export_request(
    file: &Path,
    datasets: &[String],
    request: Option<&str>,
    period: &PeriodArgs,
) -> Result<Export> {
    if let Some(json) = request {
        let mut value: Value = serde_json::from_str(json).map_err(|e| Error::InvalidInput {
            field: "request".into(),
            message: format!("not JSON: {e}"),
        })?;
        if value.get("format").is_none() {
            value["format"] = format_of(file).into();
        }
        return Export::from_json(&value.to_string());
    }
    if datasets.is_empty() {
        return Err(Error::InvalidInput {
            field: "dataset".into(),
            message: "name at least one dataset (--dataset movements) or give --request".into(),
        });
    }
    let query = period.query();
    let sheets: Vec<Value> = datasets
        .iter()
        .map(|name| match name.split_once(':') {
            Some((dataset, table)) => json!({"dataset": dataset, "table": table, "query": query}),
            None if name == "dashboards" => json!({"dataset": name, "erp": query, "crm": query}),
            None => json!({"dataset": name}),
        })
        .collect();
    Export::from_json(&json!({"sheets": sheets, "format": format_of(file)}).to_string())
}

fn format_of(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("csv") => "csv",
        _ => "xlsx",
    }
}

/// Prints outbox events; with a consumer, moves its cursor past each batch
/// once printed (at least once: a batch cut short comes again).
fn tail(
    cli: &Cli,
    db: &Database,
    consumer: Option<&str>,
    after: Option<i64>,
    limit: u32,
    follow: bool,
    no_ack: bool,
) -> Result<()> {
    if let Some(c) = consumer {
        call(
            db,
            json!({"op": "outbox_subscribe", "consumer": c, "from": "beginning"}),
        )?;
    }
    let mut position = after.unwrap_or(0);
    loop {
        let events = match consumer {
            Some(c) => call(
                db,
                json!({"op": "outbox_poll", "consumer": c, "limit": limit}),
            )?["events"]
                .clone(),
            None => call(
                db,
                json!({"op": "outbox_events", "filter": {"after": position, "limit": limit}}),
            )?["items"]
                .clone(),
        };
        let list = events.as_array().cloned().unwrap_or_default();
        if cli.json {
            for e in &list {
                println!("{e}");
            }
        } else if !list.is_empty() {
            output::print(&events, false, "events");
        }
        if let Some(last) = list.last().and_then(|e| e["id"].as_i64()) {
            position = last;
            if let (Some(c), false) = (consumer, no_ack) {
                call(
                    db,
                    json!({"op": "outbox_ack", "consumer": c, "through": last}),
                )?;
            }
        }
        if progress::interrupted() {
            return Ok(());
        }
        if list.len() < limit as usize {
            if !follow {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(500));
            if progress::interrupted() {
                return Ok(());
            }
        }
    }
}
