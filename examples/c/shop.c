/*
 * A small shop through Racine's C ABI: open, receive, issue, a refused
 * issue with its message, then stock and valuation.
 *
 *   cargo build -p racine-ffi
 *   cc -Wall -Wextra -Werror -std=c11 -Iinclude examples/c/shop.c \
 *      -Ltarget/debug -lracine_ffi -o target/shop && LD_LIBRARY_PATH=target/debug target/shop
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "racine.h"

#define UNIT 1000000 /* Racine's decimals are int64_t millionths */

/* Prints the last error and exits unless `st` is OK. */
static void must(RacineStatus st, const char *what) {
    if (st != RACINE_STATUS_OK) {
        fprintf(stderr, "%s failed: %s (%s)\n", what, racine_status_name((uint32_t)st),
                racine_last_error_message());
        exit(1);
    }
}

/* Runs a JSON request; returns the owned result (free with racine_string_free). */
static char *call(RacineDb *db, const char *request) {
    char *out = NULL;
    must(racine_call(db, request, strlen(request), &out), request);
    return out;
}

static const char *fmt(int64_t millionths, char buf[32]) {
    must(racine_decimal_format(millionths, buf, 32, NULL), "format");
    return buf;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : ":memory:";
    printf("Racine %s (C ABI %u)\n", racine_version(), racine_abi_version());
    if (racine_abi_version() != 2) {
        fprintf(stderr, "this program was written for C ABI 2\n");
        return 1;
    }

    RacineDb *db = NULL;
    must(racine_db_open(path, strlen(path), NULL, 0, &db), "open");

    /* Master data through the JSON entry point. */
    char *item_json = call(db, "{\"op\":\"create_item\",\"item\":{\"sku\":\"STOOL\","
                               "\"name\":\"Oak stool\",\"valuation\":\"moving_average\"}}");
    const char *id_field = strstr(item_json, "\"id\":");
    int64_t item = id_field ? strtoll(id_field + 5, NULL, 10) : 0;
    racine_string_free(item_json);

    /* Receipts and a sale through the typed hot path. */
    RacineMovement m;
    memset(&m, 0, sizeof m);
    m.kind = RACINE_MOVEMENT_KIND_RECEIPT;
    m.item = item;
    m.quantity = 10 * UNIT;
    m.unit_cost = 100 * UNIT;
    m.has_unit_cost = 1;
    must(racine_post(db, &m, NULL, 0, NULL), "receive 10 @ 100");
    m.unit_cost = 120 * UNIT;
    must(racine_post(db, &m, NULL, 0, NULL), "receive 10 @ 120");

    memset(&m, 0, sizeof m);
    m.kind = RACINE_MOVEMENT_KIND_ISSUE;
    m.item = item;
    m.quantity = 5 * UNIT;
    m.reference = "ORDER-1001";
    m.reference_len = strlen(m.reference);
    RacinePostResult sale;
    const char *key = "webhook:ORDER-1001:paid";
    must(racine_post(db, &m, key, strlen(key), &sale), "sell 5");
    char a[32], b[32], c[32];
    printf("sold 5: movement #%" PRId64 ", value change %s, %s left worth %s\n",
           sale.first_movement_id, fmt(sale.value_change, a), fmt(sale.balance_after, b),
           fmt(sale.value_after, c));

    /* The webhook is delivered again: same key, nothing issued twice. */
    RacinePostResult again;
    must(racine_post(db, &m, key, strlen(key), &again), "replayed webhook");
    printf("replayed webhook returns movement #%" PRId64 " again\n", again.first_movement_id);

    /* Selling more than is there is refused, with the figures. */
    m.quantity = 50 * UNIT;
    m.reference = "ORDER-1002";
    m.reference_len = strlen(m.reference);
    RacineStatus st = racine_post(db, &m, NULL, 0, NULL);
    printf("sell 50: %s: %s\n", racine_status_name((uint32_t)st), racine_last_error_message());
    printf("  details: %s\n", racine_last_error_details());

    RacineStock stock;
    must(racine_stock(db, item, 0, &stock), "stock");
    printf("stock: on hand %s, available %s, value %s\n", fmt(stock.on_hand, a),
           fmt(stock.available, b), fmt(stock.value, c));

    char *total = call(db, "{\"op\":\"stock_value\"}");
    printf("valuation: %s\n", total);
    racine_string_free(total);
    char *report = call(db, "{\"op\":\"verify\"}");
    printf("verify: %s\n", report);
    racine_string_free(report);

    racine_db_free(db);
    return st == RACINE_STATUS_NEGATIVE_STOCK ? 0 : 1;
}
