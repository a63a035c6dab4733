#!/usr/bin/env bash
# A shop moves to Racine from its spreadsheets, from the command line: a
# new ledger, its warehouses, suppliers, items, the opening count, the CRM's
# contacts and the purchase orders still open, imported from the files in
# moving-in/; then the stock, the dashboard and the evening's workbook.
#
#   examples/cli/moving_in.sh [DB]        (default: target/moving-in/shop.db)
#
# RACINE names the racine binary (default: built by cargo from cli/).
set -euo pipefail
cd "$(dirname "$0")/../.."
files=examples/cli/moving-in
db="${1:-target/moving-in/shop.db}"
out="$(dirname "$db")"
mkdir -p "$out"
rm -f "$db" "$db-wal" "$db-shm"
if [ -z "${RACINE:-}" ]; then
  cargo build --quiet -p racine-cli
  RACINE=target/debug/racine
fi
racine() { "$RACINE" --db "$db" "$@"; }
step() { printf '\n== %s\n' "$*"; }

step "a new ledger"
racine init --time-zone Europe/Paris >/dev/null
racine info

step "what an items file holds (racine import items --template writes one)"
racine import items --columns

step "master data: warehouses, suppliers, items"
for kind in warehouses suppliers items; do
  racine import "$kind" "$files/$kind.csv" >/dev/null
done

step "the opening count: checked first (--dry-run), then posted as opening balances"
racine import opening_stock "$files/opening_stock.csv" --dry-run >/dev/null
racine import opening_stock "$files/opening_stock.csv" >/dev/null

step "the same items file again writes nothing"
racine --json import items "$files/items.csv" | grep -E '"(created|existing)"'

step "contacts: two rows are wrong, so nothing is written and every problem is listed"
if racine import contacts "$files/contacts.csv"; then
  echo "the wrong row should have refused the file" >&2
  exit 1
fi
step "…or the valid rows written, the wrong ones set aside with why"
racine import contacts "$files/contacts.csv" --skip-invalid --rejects "$out/contacts.rejects.csv" >/dev/null
cat "$out/contacts.rejects.csv"

step "the purchase orders still open"
racine import purchase_orders "$files/purchase_orders.csv" >/dev/null

step "stock, and what is at or below its reorder point"
racine stock
racine stock --low

step "the ERP dashboard of this month"
racine dashboard erp --period this_month

step "the evening's workbook: stock, movements and the dashboards"
racine export "$out/evening.xlsx" --dataset stock --dataset movements --dataset dashboards --period this_month
racine verify >/dev/null
echo "the ledger verifies clean; $db and $out/evening.xlsx are yours to open"
