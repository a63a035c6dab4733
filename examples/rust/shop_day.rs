//! A shop's day on a fresh database file: a purchase received, sales, web
//! orders, a breakage, an inventory count, a transfer, the sales desk's
//! pipeline (contacts, interactions, a deal won into an order, one lost),
//! then stock and valuation, and the ERP and CRM dashboards with how each
//! figure was counted.
//!
//! ```sh
//! cargo run --example shop_day            # writes ./shop-day.db
//! cargo run --example shop_day -- my.db   # or a path of your choice
//! ```

use std::error::Error as StdError;
use std::path::PathBuf;

use racine::kpis::crm::CrmQuery;
use racine::kpis::erp::ErpQuery;
use racine::{
    Amount, ContactFilter, CsvOptions, CsvPreset, Customer, Database, Decimal, Definition, Error,
    Export, InteractionFilter, InteractionKind, InteractionWhen, ItemKind, Movement,
    MovementFilter, NewContact, NewInteraction, NewItem, NewOpportunity, NewOrder, NewOrderLine,
    NewPipeline, NewPurchaseLine, NewPurchaseOrder, NewStage, NewSupplier, NewWarehouse,
    OpportunityFilter, OpportunityLine, OpportunityStatus, OutboxStart, PageRequest,
    PurchaseReceipt, Ratio, Reason, ReceiveLine, SortOrder, StageKind, StockFilter, TransitionMeta,
    ValuationMethod, WinOrder,
};

fn d(s: &str) -> Decimal {
    s.parse()
        .expect("literal decimals in this example are valid")
}

fn main() -> Result<(), Box<dyn StdError>> {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("shop-day.db"));
    // The demo always starts from an empty file.
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.clone().into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
    let db = Database::open_with(
        &path,
        &racine::OpenOptions {
            time_zone: Some("Europe/Paris".into()),
            default_warehouse: Some("ATELIER".into()),
            ..Default::default()
        },
    )?;
    println!(
        "Racine {} — SQLite {}",
        racine::VERSION,
        Database::sqlite_version()
    );
    println!("A day at Menuiserie Racine, database {}\n", path.display());
    // The back office follows what happens through the outbox, with a cursor of its own.
    db.outbox_subscribe("back-office", OutboxStart::Beginning)?;

    // Master data.
    let atelier = db.default_warehouse()?.id;
    let shop = db
        .create_warehouse(&NewWarehouse {
            code: "BOUTIQUE".into(),
            name: "Shop floor".into(),
            is_default: false,
        })?
        .id;
    let oak = db
        .create_item(&NewItem {
            unit: "board".into(),
            reorder_point: Some(d("20")),
            ..NewItem::new("OAK-BOARD", "Oak board 2 m")
        })?
        .id;
    let varnish = db
        .create_item(&NewItem {
            unit: "can".into(),
            valuation: ValuationMethod::MovingAverage,
            reorder_point: Some(d("5")),
            ..NewItem::new("VARNISH-1L", "Varnish 1 l")
        })?
        .id;
    let stool = db
        .create_item(&NewItem {
            kind: ItemKind::Product,
            reorder_point: Some(d("8")),
            ..NewItem::new("STOOL-OAK", "Oak stool")
        })?
        .id;
    let sawmill = db
        .create_supplier(&NewSupplier {
            name: "Scierie du Jura".into(),
            email: Some("commandes@scierie-jura.fr".into()),
            phone: Some("0381234567".into()),
            notes: None,
        })?
        .id;

    // 08:00 — what was already there.
    db.post_batch(&[
        Movement::receipt(oak, d("12"), d("17.80")).reason(Reason::OpeningBalance),
        Movement::receipt(varnish, d("4"), d("9.50")).reason(Reason::OpeningBalance),
        Movement::receipt(stool, d("10"), d("42")).reason(Reason::OpeningBalance),
    ])?;
    println!("08:00 opening balances posted");

    // 09:00 — the sawmill delivers most of a purchase order.
    let po = db.create_purchase_order(&NewPurchaseOrder {
        supplier: sawmill,
        reference: "PO-2025-0042".into(),
        note: Some("weekly order".into()),
        lines: vec![
            NewPurchaseLine {
                item: oak.into(),
                quantity: d("50"),
                unit_cost: d("18.40"),
                warehouse: None,
            },
            NewPurchaseLine {
                item: varnish.into(),
                quantity: d("12"),
                unit_cost: d("9.90"),
                warehouse: None,
            },
        ],
    })?;
    let got = db.receive_purchase(
        po.id,
        &PurchaseReceipt {
            lines: Some(vec![
                ReceiveLine {
                    line: po.lines[0].id,
                    quantity: d("50"),
                },
                ReceiveLine {
                    line: po.lines[1].id,
                    quantity: d("8"),
                },
            ]),
            actor: Some("marie".into()),
            note: Some("delivery note BL-7781".into()),
            effective_at: None,
        },
        Some("BL-7781"),
    )?;
    let po = db.cancel_purchase_remainder(po.id)?;
    println!(
        "09:00 {} received ({} movements, {} of {} ordered); remainder cancelled → {:?}",
        po.reference,
        got.movements.len(),
        got.order.total_received,
        got.order.total_ordered,
        po.status
    );

    // 10:00 — stools go to the shop floor.
    db.post(&Movement::transfer(stool, atelier, shop, d("6")).actor("paul"))?;
    println!("10:00 6 stools transferred ATELIER → BOUTIQUE");

    // Sales through the day; the web shop's webhook is delivered twice.
    for (order, qty) in [
        ("ORDER-1001", "1"),
        ("ORDER-1002", "2"),
        ("ORDER-1003", "1"),
    ] {
        db.post_once(
            &Movement::issue(stool, d(qty))
                .warehouse(shop)
                .reference(order),
            &format!("webhook:{order}:paid"),
        )?;
    }
    db.post_once(
        &Movement::issue(stool, d("2"))
            .warehouse(shop)
            .reference("ORDER-1002"),
        "webhook:ORDER-1002:paid",
    )?;
    println!("11:00–16:00 4 stools sold (ORDER-1002's webhook retried: nothing issued twice)");

    match db.post(
        &Movement::issue(stool, d("5"))
            .warehouse(shop)
            .reference("ORDER-1004"),
    ) {
        Err(e @ Error::NegativeStock { .. }) => println!("16:30 ORDER-1004 refused: {e}"),
        other => return Err(format!("ORDER-1004 should have been refused: {other:?}").into()),
    }

    // 16:45 — the web shop: an order reserves stock, is paid and shipped; a
    // second one is cancelled before shipping and its reservation released.
    let web = |id: &str, qty: &str| NewOrder {
        external_id: id.into(),
        customer: Customer {
            email: Some("Lea.Moreau@example.com".into()),
            name: Some("Léa Moreau".into()),
            external_id: Some("web-customer-88".into()),
        },
        currency: "EUR".into(),
        lines: vec![NewOrderLine {
            sku: "VARNISH-1L".into(),
            quantity: d(qty),
            unit_price: d("24.90"),
            warehouse: None,
        }],
        placed_at: None,
        expires_at: None,
        // The web customer becomes a CRM contact on her first order.
        create_contact: true,
    };
    db.place_order(&web("WEB-501", "2"), Some("web:501:placed"))?;
    db.pay_order("WEB-501", Some("psp:501"))?;
    let shipped = db.fulfil_order("WEB-501", None, Some("web:501:shipped"))?;
    db.place_order(&web("WEB-502", "1"), Some("web:502:placed"))?;
    let cancelled = db.cancel_order("WEB-502", Some("web:502:cancelled"))?;
    println!(
        "16:45 web orders: WEB-501 {:?} ({} movement), WEB-502 {:?}",
        shipped.status,
        shipped.movements.len(),
        cancelled.status
    );

    // The workshop uses and breaks some boards.
    db.post(
        &Movement::issue(oak, d("30"))
            .reason(Reason::ManualCorrection)
            .note("used for 6 stools"),
    )?;
    db.post(
        &Movement::adjustment(oak, d("-2"), Reason::Breakage)
            .note("split during planing")
            .actor("paul"),
    )?;
    println!("17:00 30 boards used in the workshop, 2 broken");

    // Evening count: one can of varnish is missing.
    let count = db.post(&Movement::count(varnish, d("9")).actor("marie"))?;
    println!(
        "18:00 varnish counted 9: the ledger posts {} ({})",
        count.movements[0].quantity, count.movements[0].value_change
    );

    sales_desk(&db)?;

    // Close of day.
    println!("\nStock at close of day");
    println!(
        "{:<12} {:<9} {:>9} {:>9} {:>10} {:>10}",
        "SKU", "where", "on hand", "avail.", "value", "per unit"
    );
    for item in [oak, varnish, stool] {
        for level in db.stock_by_warehouse(item)? {
            let code = db.warehouse(level.warehouse.unwrap_or(atelier))?.code;
            println!(
                "{:<12} {:<9} {:>9} {:>9} {:>10} {:>10}",
                level.sku,
                code,
                level.on_hand.to_string(),
                level.available.to_string(),
                level.value.to_string(),
                level.unit_value.to_string()
            );
        }
    }
    println!(
        "Stock valuation: {} (shop floor {})",
        db.stock_value(None)?,
        db.stock_value(Some(shop))?
    );

    let low = db.stock_levels(&StockFilter {
        low_stock_only: true,
        ..Default::default()
    })?;
    for l in &low.items {
        println!(
            "Reorder: {} has {} available (reorder point {})",
            l.sku,
            l.available,
            l.reorder_point.unwrap_or_default()
        );
    }

    println!("\nLast movements");
    let last = db.movements(&MovementFilter {
        order: SortOrder::NewestFirst,
        page: PageRequest::first(5),
        ..Default::default()
    })?;
    for m in last.items.iter().rev() {
        println!(
            "#{:<3} {:<11} {:<9} {:>6} {:<17} value {:>9}  {}",
            m.id,
            m.sku,
            m.warehouse_code,
            m.quantity.to_string(),
            m.reason.as_str(),
            m.value_change.to_string(),
            m.reference.as_deref().or(m.note.as_deref()).unwrap_or("")
        );
    }

    dashboards(&db)?;
    exports(&db, &path)?;
    outbox(&db)?;

    let report = db.verify()?;
    println!(
        "\nverify: {} movements replayed, {} balances checked, {} drift(s)",
        report.movements_checked, report.balances_checked, report.drift_count
    );
    if !report.is_clean() {
        return Err("the ledger and the balances disagree".into());
    }
    Ok(())
}

/// 20:00 — the back office reads the day's events from the outbox (every
/// one was written in the transaction of its change), then acknowledges them.
fn outbox(db: &Database) -> Result<(), Box<dyn StdError>> {
    let mut counts: Vec<(&'static str, u64)> = Vec::new();
    let mut alerts = Vec::new();
    loop {
        let batch = db.outbox_poll("back-office", 500)?;
        let Some(last) = batch.events.last().map(|e| e.id) else {
            break;
        };
        for e in &batch.events {
            match counts.iter_mut().find(|(k, _)| *k == e.kind.as_str()) {
                Some((_, n)) => *n += 1,
                None => counts.push((e.kind.as_str(), 1)),
            }
            if e.kind == racine::EventKind::StockBelowReorderPoint {
                alerts.push(format!(
                    "{} ({} available, reorder at {})",
                    e.data["sku"].as_str().unwrap_or("?"),
                    e.data["available"].as_str().unwrap_or("?"),
                    e.data["reorder_point"].as_str().unwrap_or("?")
                ));
            }
        }
        db.outbox_ack("back-office", last)?;
    }
    let listed: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!(
        "\n20:00 outbox, read by the back office: {}",
        listed.join(", ")
    );
    if !alerts.is_empty() {
        println!("  reorder alerts: {}", alerts.join(", "));
    }
    let pruned = db.outbox_prune(None)?;
    println!("  {} events acknowledged and pruned", pruned.removed);
    Ok(())
}

/// 19:30 — the evening's files: a workbook for the accountant (movements,
/// stock, orders, contacts, and the dashboards with their charts) and the
/// movements as csv for the shop's spreadsheet, beside the database.
fn exports(db: &Database, path: &std::path::Path) -> Result<(), Box<dyn StdError>> {
    let workbook = path.with_extension("xlsx");
    let sheets = [
        "movements",
        "stock",
        "orders",
        "order_lines",
        "contacts",
        "opportunities",
        "dashboards",
    ];
    let summary = db.export(
        &Export::xlsx(sheets.iter().map(|s| s.parse()).collect::<Result<_, _>>()?),
        &workbook,
    )?;
    println!(
        "
19:30 exports"
    );
    let listed: Vec<String> = summary
        .sheets
        .iter()
        .map(|s| format!("{} ({})", s.name, s.rows))
        .collect();
    println!(
        "  {} — {} bytes: {}",
        workbook.display(),
        summary.bytes,
        listed.join(", ")
    );
    let csv = path.with_extension("csv");
    let export = Export {
        csv: CsvOptions {
            preset: CsvPreset::Excel,
            ..CsvOptions::default()
        },
        ..Export::csv(vec!["movements".parse()?])
    };
    let summary = db.export(&export, &csv)?;
    println!(
        "  {} — {} movements for Excel (BOM, CRLF, local times)",
        csv.display(),
        summary.rows
    );
    Ok(())
}

/// How a KPI was computed, under its figure.
fn how(d: &Definition) {
    let period = d
        .period
        .as_ref()
        .map(|p| format!("{} = [{}, {}) {}", p.label, p.start, p.end, p.time_zone))
        .or_else(|| d.at.map(|t| format!("at {t}")))
        .unwrap_or_default();
    println!("      ↳ {}; {} rows; {}", d.kpi, d.rows_counted, period);
    if let (Some(n), Some(q)) = (&d.numerator, &d.denominator) {
        println!("        ratio: {n} / {q}");
    }
}

fn money(list: &[Amount]) -> String {
    if list.is_empty() {
        return "0".into();
    }
    list.iter()
        .map(|a| format!("{} {}", a.amount, a.currency))
        .collect::<Vec<_>>()
        .join(" + ")
}

fn pct(r: &Ratio) -> String {
    r.value
        .and_then(|v| v.checked_mul(d("100")).ok())
        .map(|v| format!("{v} % ({} / {})", r.numerator, r.denominator))
        .unwrap_or_else(|| format!("n/a ({} / {})", r.numerator, r.denominator))
}

/// 19:00 — the two dashboards of the back office, each figure with how it
/// was counted: the day's ERP dashboard and the month's CRM one.
fn dashboards(db: &Database) -> Result<(), Box<dyn StdError>> {
    let erp = db.erp_dashboard(&ErpQuery::period("today".parse()?))?;
    println!(
        "\nERP dashboard — {} ({} to {}, {})",
        erp.period.label, erp.period.first_day, erp.period.last_day, erp.period.time_zone
    );
    let v = &erp.valuation;
    let per_wh: Vec<String> = v
        .by_warehouse
        .iter()
        .map(|w| format!("{} {}", w.code, w.value))
        .collect();
    println!("  stock valuation {} ({})", v.total, per_wh.join(", "));
    how(&v.definition);
    let p = &erp.purchases;
    println!(
        "  purchases: received {}, ordered {}, still on order {}",
        p.received, p.ordered, p.still_ordered
    );
    how(&p.definition);
    let t = &erp.daily_flows.total;
    println!(
        "  flows: in {} ({}), out {} ({}), transfers {} ({} movements)",
        t.in_quantity, t.in_value, t.out_quantity, t.out_value, t.transfer_in_quantity, t.movements
    );
    how(&erp.daily_flows.definition);
    let top: Vec<String> = erp
        .top_movers
        .by_cost
        .iter()
        .map(|m| format!("{} {} (cost {})", m.sku, m.quantity, m.cost))
        .collect();
    println!("  top movers by cost issued: {}", top.join(", "));
    how(&erp.top_movers.definition);
    let low: Vec<String> = erp
        .low_stock
        .items
        .iter()
        .map(|l| format!("{} {} ≤ {}", l.sku, l.available, l.reorder_point))
        .collect();
    println!("  low stock: {}", low.join(", "));
    how(&erp.low_stock.definition);
    println!(
        "  turnover {} over the day; stockout rate {}",
        pct(&erp.turnover.turnover),
        pct(&erp.stockout_rate.rate)
    );
    how(&erp.turnover.definition);

    let crm = db.crm_dashboard(&CrmQuery::period("this_month".parse()?))?;
    println!(
        "\nCRM dashboard — {} ({} to {})",
        crm.period.label, crm.period.first_day, crm.period.last_day
    );
    for pipeline in &crm.pipeline.pipelines {
        for s in &pipeline.stages {
            println!(
                "  {:<10} {} open, {} (weighted {})",
                s.name,
                s.count,
                money(&s.amount),
                money(&s.weighted)
            );
        }
    }
    how(&crm.pipeline.definition);
    println!(
        "  win rate {}; average deal {}; sales cycle {} days",
        pct(&crm.win_rate.by_count),
        money(&crm.deal_size.average),
        crm.sales_cycle.days.value.unwrap_or_default()
    );
    how(&crm.win_rate.definition);
    for o in &crm.owners.owners {
        println!(
            "  {:<8} won {} lost {}, pipeline {}",
            o.owner.as_deref().unwrap_or("(none)"),
            o.won,
            o.lost,
            money(&o.weighted_pipeline)
        );
    }
    for r in &crm.top_clients.rankings {
        for c in &r.clients {
            println!(
                "  top client {}: {} {} (orders {}, won deals {})",
                c.name, c.total, r.currency, c.order_revenue, c.won_opportunities
            );
        }
    }
    how(&crm.top_clients.definition);
    for a in crm.activities.planned.iter().take(3) {
        println!(
            "  planned: {} with {} — {}",
            a.interaction.kind.as_str(),
            a.contact_name,
            a.interaction.summary
        );
    }
    Ok(())
}

/// 18:30 — the sales desk: contacts, a few interactions, a pipeline whose
/// deals move through stages; one is won and becomes an order that
/// reserves stools, one is lost for its price.
fn sales_desk(db: &Database) -> Result<(), Box<dyn StdError>> {
    db.set_default_country(Some("FR"), None)?;
    db.add_lost_reason("price", "Too expensive", None)?;
    let cafe = db.create_contact(
        &NewContact {
            tags: vec!["trade".into()],
            ..NewContact::company("Café Lumière")
        },
        Some("crm:cafe"),
    )?;
    let claire = db.create_contact(
        &NewContact {
            company: Some(cafe.id),
            emails: vec!["claire@cafe-lumiere.fr".into()],
            phones: vec!["06 12 34 56 78".into()],
            owner: Some("marie".into()),
            ..NewContact::person("Claire Dubois")
        },
        Some("crm:claire"),
    )?;
    let hotel = db.create_contact(
        &NewContact {
            phones: vec!["+33 1 42 68 53 00".into()],
            ..NewContact::company("Hôtel des Tilleuls")
        },
        Some("crm:hotel"),
    )?;
    let trade = db.create_pipeline(
        &NewPipeline {
            name: "Trade".into(),
            stages: vec![
                NewStage::open("Lead", d("10")),
                NewStage::open("Quote sent", d("50")),
                NewStage::open("Negotiation", d("75")),
                NewStage::closed("Won", StageKind::Won),
                NewStage::closed("Lost", StageKind::Lost),
            ],
        },
        Some("crm:pipeline"),
    )?;
    let quote = trade.stages[1].id;
    let by = |who: &str| TransitionMeta {
        actor: Some(who.into()),
        ..Default::default()
    };
    let stools = db.create_opportunity(
        &NewOpportunity {
            currency: Some("EUR".into()),
            owner: Some("marie".into()),
            lines: vec![OpportunityLine {
                sku: "STOOL-OAK".into(),
                quantity: d("3"),
                unit_price: d("95"),
            }],
            ..NewOpportunity::new("Terrace stools", claire.id, trade.id)
        },
        Some("crm:opp:stools"),
    )?;
    db.log_interaction(
        &NewInteraction {
            opportunity: Some(stools.id),
            author: Some("marie".into()),
            ..NewInteraction::new(
                InteractionKind::Call,
                claire.id,
                "Wants 3 stools for the terrace",
            )
        },
        Some("crm:call:1"),
    )?;
    db.move_opportunity(stools.id, quote, &by("marie"), Some("crm:opp:stools:quote"))?;
    let won = db.win_opportunity(
        stools.id,
        None,
        Some(&WinOrder {
            external_id: "TRADE-7".into(),
            warehouse: None,
        }),
        &by("marie"),
        Some("crm:opp:stools:won"),
    )?;
    let tables = db.create_opportunity(
        &NewOpportunity {
            amount: Some(d("2400")),
            currency: Some("EUR".into()),
            owner: Some("paul".into()),
            ..NewOpportunity::new("Breakfast tables", hotel.id, trade.id)
        },
        Some("crm:opp:tables"),
    )?;
    db.move_opportunity(tables.id, quote, &by("paul"), Some("crm:opp:tables:quote"))?;
    db.lose_opportunity(
        tables.id,
        "price",
        None,
        &by("paul"),
        Some("crm:opp:tables:lost"),
    )?;
    let bench = db.create_opportunity(
        &NewOpportunity {
            amount: Some(d("640")),
            currency: Some("EUR".into()),
            owner: Some("marie".into()),
            ..NewOpportunity::new("Entrance bench", cafe.id, trade.id)
        },
        Some("crm:opp:bench"),
    )?;
    db.move_opportunity(
        bench.id,
        trade.stages[2].id,
        &by("marie"),
        Some("crm:opp:bench:nego"),
    )?;
    db.log_interaction(
        &NewInteraction {
            opportunity: Some(bench.id),
            author: Some("marie".into()),
            due: Some("2026-12-04".parse()?),
            ..NewInteraction::new(InteractionKind::Task, cafe.id, "Send the bench drawings")
        },
        Some("crm:task:1"),
    )?;

    let order = won.order.as_ref().ok_or("the win placed no order")?;
    println!(
        "18:30 sales desk: \"{}\" won → order {} ({} {}, {} stools reserved)",
        won.opportunity.title,
        order.external_id,
        order.total,
        order.currency,
        order.lines[0].reserved
    );
    println!("\nPipeline {}", trade.name);
    println!(
        "{:<12} {:>5} {:>9} {:>9}",
        "stage", "deals", "amount", "weighted"
    );
    for stage in db.pipeline(trade.id)?.stages {
        let deals = db.opportunities(&OpportunityFilter {
            stage: Some(stage.id),
            ..Default::default()
        })?;
        let mut amount = Decimal::ZERO;
        let mut weighted = Decimal::ZERO;
        for o in &deals.items {
            let a = o.amount.unwrap_or_default();
            amount = amount.checked_add(a)?;
            weighted = weighted.checked_add(a.mul_div(o.probability, d("100"))?)?;
        }
        println!(
            "{:<12} {:>5} {:>9} {:>9}",
            stage.name,
            deals.items.len(),
            amount.to_string(),
            weighted.to_string()
        );
    }
    let lost = db.opportunities(&OpportunityFilter {
        status: Some(OpportunityStatus::Lost),
        ..Default::default()
    })?;
    for o in &lost.items {
        let steps: Vec<String> = o.history.iter().map(|t| t.to_stage_name.clone()).collect();
        println!(
            "lost: \"{}\" ({}) — {}",
            o.title,
            o.lost_reason.as_deref().unwrap_or("?"),
            steps.join(" → ")
        );
    }
    let contacts = db.contacts(&ContactFilter::default())?;
    let names: Vec<&str> = contacts.items.iter().map(|c| c.name.as_str()).collect();
    println!("contacts: {}", names.join(", "));
    let planned = db.interactions(&InteractionFilter {
        when: InteractionWhen::Planned,
        ..Default::default()
    })?;
    for i in &planned.items {
        println!(
            "to do: {} (due {})",
            i.summary,
            i.due.map(|d| d.to_string()).unwrap_or_default()
        );
    }
    Ok(())
}
