/*
 * Bad input through the C ABI: every case must give its status and a
 * message, leave out-parameters untouched, and never crash. Also: one handle
 * shared by several threads. Run under valgrind by scripts/test.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, close, getpid */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "racine.h"

#define UNIT 1000000

static int passed = 0, failed = 0;

static void expect(int ok, const char *what, int line) {
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL line %d: %s (last error: %s)\n", line, what,
                racine_last_error_message());
    }
}
#define EXPECT(cond) expect((cond), #cond, __LINE__)

/* A failing call must give `want` and a non-empty message. */
#define EXPECT_STATUS(call, want)                                              \
    do {                                                                       \
        RacineStatus got_ = (call);                                            \
        expect(got_ == (want), #call " == " #want, __LINE__);                  \
        if (got_ != RACINE_STATUS_OK)                                          \
            expect(strlen(racine_last_error_message()) > 0, "message for " #call, __LINE__); \
    } while (0)

/*
 * A new, empty database of the engine under test: SQLite in memory, or with
 * RACINE_TEST_ENGINE=postgres a fresh schema of the server RACINE_TEST_POSTGRES
 * names (made with psql), opened by its connection string.
 */
static RacineDb *open_memory(void) {
    static int schemas = 0;
    char target[1024] = ":memory:";
    const char *engine = getenv("RACINE_TEST_ENGINE");
    const char *server = getenv("RACINE_TEST_POSTGRES");
    if (engine && strcmp(engine, "postgres") == 0 && server) {
        char schema[64], command[1400];
        snprintf(schema, sizeof schema, "c%ld_%d", (long)getpid(), schemas++);
        snprintf(command, sizeof command, "psql -q -X '%s' -c 'CREATE SCHEMA %s'", server, schema);
        if (system(command) != 0) {
            fprintf(stderr, "cannot create schema %s\n", schema);
            exit(2);
        }
        snprintf(target, sizeof target, "%s%soptions=-csearch_path%%3D%s", server,
                 strchr(server, '?') ? "&" : "?", schema);
    }
    RacineDb *db = NULL;
    if (racine_db_open(target, strlen(target), NULL, 0, &db) != RACINE_STATUS_OK) {
        fprintf(stderr, "cannot open: %s\n", racine_last_error_message());
        exit(2);
    }
    return db;
}

static int64_t create_item(RacineDb *db, const char *sku) {
    char req[256];
    snprintf(req, sizeof req, "{\"op\":\"create_item\",\"item\":{\"sku\":\"%s\",\"name\":\"x\"}}", sku);
    char *out = NULL;
    if (racine_call(db, req, strlen(req), &out) != RACINE_STATUS_OK) {
        fprintf(stderr, "cannot create item: %s\n", racine_last_error_message());
        exit(2);
    }
    int64_t id = strtoll(strstr(out, "\"id\":") + 5, NULL, 10);
    racine_string_free(out);
    return id;
}

static RacineMovement receipt(int64_t item, int64_t qty, int64_t cost) {
    RacineMovement m;
    memset(&m, 0, sizeof m);
    m.kind = RACINE_MOVEMENT_KIND_RECEIPT;
    m.item = item;
    m.quantity = qty;
    m.unit_cost = cost;
    m.has_unit_cost = 1;
    return m;
}

static void null_arguments(void) {
    RacineDb *db = open_memory();
    RacineDb *sentinel = (RacineDb *)0x1;
    RacineDb *out_db = sentinel;
    EXPECT_STATUS(racine_db_open(NULL, 5, NULL, 0, &out_db), RACINE_STATUS_NULL_ARGUMENT);
    EXPECT(out_db == sentinel);
    EXPECT_STATUS(racine_db_open(":memory:", 8, NULL, 0, NULL), RACINE_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(racine_db_open(":memory:", 8, NULL, 3, &out_db), RACINE_STATUS_NULL_ARGUMENT);
    EXPECT(strstr(racine_last_error_details(), "options_json") != NULL);

    char *out = (char *)0x1;
    EXPECT_STATUS(racine_call(NULL, "{\"op\":\"info\"}", 13, &out), RACINE_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(racine_call(db, NULL, 13, &out), RACINE_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(racine_call(db, "{\"op\":\"info\"}", 13, NULL), RACINE_STATUS_NULL_ARGUMENT);
    EXPECT(out == (char *)0x1);

    int64_t item = create_item(db, "A");
    RacineMovement m = receipt(item, UNIT, UNIT);
    EXPECT_STATUS(racine_post(NULL, &m, NULL, 0, NULL), RACINE_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(racine_post(db, NULL, NULL, 0, NULL), RACINE_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(racine_post(db, &m, NULL, 4, NULL), RACINE_STATUS_NULL_ARGUMENT);
    m.reference = NULL;
    m.reference_len = 3;
    EXPECT_STATUS(racine_post(db, &m, NULL, 0, NULL), RACINE_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(racine_post_batch(db, NULL, 1, NULL, 0, NULL), RACINE_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(racine_post_batch(NULL, &m, 1, NULL, 0, NULL), RACINE_STATUS_NULL_ARGUMENT);

    RacineStock stock = {7, 7, 7, 7};
    EXPECT_STATUS(racine_stock(NULL, item, 0, &stock), RACINE_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(racine_stock(db, item, 0, NULL), RACINE_STATUS_NULL_ARGUMENT);
    EXPECT(stock.on_hand == 7);

    int64_t value = 42;
    EXPECT_STATUS(racine_decimal_parse(NULL, 2, &value), RACINE_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(racine_decimal_parse("12", 2, NULL), RACINE_STATUS_NULL_ARGUMENT);
    EXPECT(value == 42);
    EXPECT_STATUS(racine_decimal_format(1, NULL, 32, NULL), RACINE_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(racine_db_close(NULL), RACINE_STATUS_NULL_ARGUMENT);

    racine_db_free(NULL);     /* no-op */
    racine_string_free(NULL); /* no-op */
    racine_db_free(db);
}

static void invalid_utf8_and_json(void) {
    RacineDb *db = open_memory();
    RacineDb *out_db = NULL;
    EXPECT_STATUS(racine_db_open("\xff\xfe", 2, NULL, 0, &out_db), RACINE_STATUS_INVALID_UTF8);
    EXPECT_STATUS(racine_db_open(":memory:", 8, "{\"synchronous\":\"sometimes\"}", 27, &out_db),
                  RACINE_STATUS_INVALID_INPUT);
    EXPECT_STATUS(racine_db_open(":memory:", 8, "{\"time_zone\":\"Mars/Base\"}", 25, &out_db),
                  RACINE_STATUS_INVALID_INPUT);
    EXPECT(out_db == NULL);

    char *out = NULL;
    const char *cases[] = {
        "{", "[]", "null", "{\"op\":\"teleport\"}", "{\"op\":\"item\"}", "{\"op\":\"item\",\"id\":true}",
        "{\"op\":\"item\",\"id\":1,\"extra\":1}",
        "{\"op\":\"post\",\"movement\":{\"kind\":\"receipt\",\"item\":1,\"quantity\":1.5,\"unit_cost\":\"1\"}}",
        "{\"op\":\"post\",\"movement\":{\"kind\":\"receipt\",\"item\":1,\"quantity\":\"1e3\",\"unit_cost\":\"1\"}}",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        EXPECT_STATUS(racine_call(db, cases[i], strlen(cases[i]), &out), RACINE_STATUS_INVALID_INPUT);
    }
    EXPECT_STATUS(racine_call(db, "{\"op\":\"\xff\"}", 10, &out), RACINE_STATUS_INVALID_UTF8);
    /* An embedded NUL is data, not the end: the JSON is then malformed. */
    EXPECT_STATUS(racine_call(db, "{\"op\":\"info\"}\0junk", 18, &out), RACINE_STATUS_INVALID_INPUT);
    EXPECT(out == NULL);

    int64_t item = create_item(db, "B");
    RacineMovement m = receipt(item, UNIT, UNIT);
    m.note = "\xc3\x28";
    m.note_len = 2;
    EXPECT_STATUS(racine_post(db, &m, NULL, 0, NULL), RACINE_STATUS_INVALID_UTF8);
    EXPECT(strstr(racine_last_error_details(), "note") != NULL);
    m.note = NULL;
    m.note_len = 0;
    EXPECT_STATUS(racine_post(db, &m, "\x80", 1, NULL), RACINE_STATUS_INVALID_UTF8);
    int64_t value = 0;
    EXPECT_STATUS(racine_decimal_parse("\xff", 1, &value), RACINE_STATUS_INVALID_UTF8);
    racine_db_free(db);
}

static void refused_values(void) {
    RacineDb *db = open_memory();
    int64_t item = create_item(db, "C");
    RacineStock stock;

    EXPECT_STATUS(racine_stock(db, 999, 0, &stock), RACINE_STATUS_NOT_FOUND);
    EXPECT_STATUS(racine_stock(db, item, 999, &stock), RACINE_STATUS_NOT_FOUND);
    RacineMovement m = receipt(999, UNIT, UNIT);
    EXPECT_STATUS(racine_post(db, &m, NULL, 0, NULL), RACINE_STATUS_NOT_FOUND);
    EXPECT(strstr(racine_last_error_details(), "\"entity\":\"item\"") != NULL);
    char *out = NULL;
    EXPECT_STATUS(racine_call(db, "{\"op\":\"supplier\",\"id\":5}", 24, &out), RACINE_STATUS_NOT_FOUND);

    m = receipt(item, -5 * UNIT, UNIT);
    EXPECT_STATUS(racine_post(db, &m, NULL, 0, NULL), RACINE_STATUS_INVALID_INPUT);
    m = receipt(item, INT64_MAX, 2 * UNIT);
    EXPECT_STATUS(racine_post(db, &m, NULL, 0, NULL), RACINE_STATUS_INVALID_INPUT);
    m = receipt(item, UNIT, -1);
    EXPECT_STATUS(racine_post(db, &m, NULL, 0, NULL), RACINE_STATUS_INVALID_INPUT);
    m = receipt(item, UNIT, UNIT);
    m.kind = 99;
    EXPECT_STATUS(racine_post(db, &m, NULL, 0, NULL), RACINE_STATUS_INVALID_INPUT);
    m.kind = RACINE_MOVEMENT_KIND_RECEIPT;
    m.reason = 77;
    EXPECT_STATUS(racine_post(db, &m, NULL, 0, NULL), RACINE_STATUS_INVALID_INPUT);
    m.reason = RACINE_REASON_BREAKAGE;
    EXPECT_STATUS(racine_post(db, &m, NULL, 0, NULL), RACINE_STATUS_INVALID_INPUT);
    m.reason = RACINE_REASON_DEFAULT;
    m.has_effective_at = 1;
    m.effective_at_us = INT64_MAX;
    EXPECT_STATUS(racine_post(db, &m, NULL, 0, NULL), RACINE_STATUS_INVALID_INPUT);

    int64_t value = 5;
    EXPECT_STATUS(racine_decimal_parse("99999999999999999", 17, &value), RACINE_STATUS_INVALID_INPUT);
    EXPECT_STATUS(racine_decimal_parse("1.0000001", 9, &value), RACINE_STATUS_INVALID_INPUT);
    EXPECT(value == 5);
    EXPECT_STATUS(racine_decimal_parse("-12.5", 5, &value), RACINE_STATUS_OK);
    EXPECT(value == -12500000);
    char small[4];
    EXPECT_STATUS(racine_decimal_format(-12500000, small, sizeof small, NULL), RACINE_STATUS_INVALID_INPUT);
    char buf[32];
    size_t len = 0;
    EXPECT_STATUS(racine_decimal_format(INT64_MIN, buf, sizeof buf, &len), RACINE_STATUS_OK);
    EXPECT(strcmp(buf, "-9223372036854.775808") == 0 && len == 21);

    /* Nothing of the refused movements was written. */
    EXPECT_STATUS(racine_stock(db, item, 0, &stock), RACINE_STATUS_OK);
    EXPECT(stock.on_hand == 0 && stock.value == 0);

    /* Negative stock and a batch: the failing index is reported. */
    m = receipt(item, 2 * UNIT, 3 * UNIT);
    RacineMovement batch[3] = {m, m, m};
    batch[2].kind = RACINE_MOVEMENT_KIND_ISSUE;
    batch[2].has_unit_cost = 0;
    batch[2].quantity = 5 * UNIT;
    size_t written = 99;
    EXPECT_STATUS(racine_post_batch(db, batch, 3, NULL, 0, &written), RACINE_STATUS_NEGATIVE_STOCK);
    EXPECT(racine_last_error_batch_index() == 2);
    EXPECT(strstr(racine_last_error_details(), "\"available\":\"4\"") != NULL);
    EXPECT(written == 99);
    EXPECT_STATUS(racine_post_batch(db, batch, 0, NULL, 0, &written), RACINE_STATUS_INVALID_INPUT);
    batch[1].kind = 0;
    EXPECT_STATUS(racine_post_batch(db, batch, 2, NULL, 0, &written), RACINE_STATUS_INVALID_INPUT);
    EXPECT(racine_last_error_batch_index() == 1);
    EXPECT_STATUS(racine_post_batch(db, batch, 1, NULL, 0, &written), RACINE_STATUS_OK);
    EXPECT(written == 1);

    /* Idempotency conflict. */
    EXPECT_STATUS(racine_post(db, &m, "k", 1, NULL), RACINE_STATUS_OK);
    m.quantity = 3 * UNIT;
    EXPECT_STATUS(racine_post(db, &m, "k", 1, NULL), RACINE_STATUS_IDEMPOTENCY_CONFLICT);
    EXPECT_STATUS(racine_stock(db, item, 0, &stock), RACINE_STATUS_OK);
    EXPECT(stock.on_hand == 4 * UNIT && stock.value == 12 * UNIT);
    EXPECT(strcmp(racine_status_name(RACINE_STATUS_IDEMPOTENCY_CONFLICT), "idempotency_conflict") == 0);
    EXPECT(strcmp(racine_status_name(12345), "unknown") == 0);
    racine_db_free(db);
}

static void closed_handle(void) {
    RacineDb *db = open_memory();
    int64_t item = create_item(db, "D");
    EXPECT_STATUS(racine_db_close(db), RACINE_STATUS_OK);
    RacineStock stock;
    EXPECT_STATUS(racine_stock(db, item, 0, &stock), RACINE_STATUS_CLOSED);
    char *out = NULL;
    EXPECT_STATUS(racine_call(db, "{\"op\":\"info\"}", 13, &out), RACINE_STATUS_CLOSED);
    RacineMovement m = receipt(item, UNIT, UNIT);
    EXPECT_STATUS(racine_post(db, &m, NULL, 0, NULL), RACINE_STATUS_CLOSED);
    EXPECT_STATUS(racine_db_close(db), RACINE_STATUS_OK);
    racine_db_free(db);
}

static void orders(void) {
    RacineDb *db = open_memory();
    int64_t item = create_item(db, "MUG");
    RacineMovement m = receipt(item, 3 * UNIT, 4 * UNIT);
    EXPECT_STATUS(racine_post(db, &m, NULL, 0, NULL), RACINE_STATUS_OK);
    char *out = NULL;
    const char *place =
        "{\"op\":\"place_order\",\"order\":{\"external_id\":\"1042\",\"currency\":\"EUR\","
        "\"lines\":[{\"sku\":\"MUG\",\"quantity\":\"2\",\"unit_price\":\"9.9\"}]},"
        "\"idempotency_key\":\"wh:1042\"}";
    EXPECT_STATUS(racine_call(db, place, strlen(place), &out), RACINE_STATUS_OK);
    EXPECT(strstr(out, "\"status\":\"placed\"") != NULL);
    racine_string_free(out);
    EXPECT_STATUS(racine_call(db, place, strlen(place), &out), RACINE_STATUS_OK); /* replayed webhook */
    racine_string_free(out);
    RacineStock stock;
    EXPECT_STATUS(racine_stock(db, item, 0, &stock), RACINE_STATUS_OK);
    EXPECT(stock.on_hand == 3 * UNIT && stock.reserved == 2 * UNIT && stock.available == UNIT);

    const char *greedy =
        "{\"op\":\"place_order\",\"order\":{\"external_id\":\"1043\",\"currency\":\"EUR\","
        "\"lines\":[{\"sku\":\"MUG\",\"quantity\":\"2\",\"unit_price\":\"1\"}]}}";
    EXPECT_STATUS(racine_call(db, greedy, strlen(greedy), &out), RACINE_STATUS_INSUFFICIENT_AVAILABLE);
    EXPECT(strstr(racine_last_error_details(), "\"lines\":[{") != NULL);
    EXPECT(strstr(racine_last_error_details(), "\"available\":\"1\"") != NULL);

    const char *cancel = "{\"op\":\"cancel_order\",\"external_id\":\"1042\"}";
    EXPECT_STATUS(racine_call(db, cancel, strlen(cancel), &out), RACINE_STATUS_OK);
    racine_string_free(out);
    EXPECT_STATUS(racine_call(db, cancel, strlen(cancel), &out), RACINE_STATUS_INVALID_TRANSITION);
    const char *missing = "{\"op\":\"order\",\"external_id\":\"nope\"}";
    EXPECT_STATUS(racine_call(db, missing, strlen(missing), &out), RACINE_STATUS_NOT_FOUND);
    EXPECT_STATUS(racine_stock(db, item, 0, &stock), RACINE_STATUS_OK);
    EXPECT(stock.reserved == 0 && stock.available == 3 * UNIT);
    racine_db_free(db);
}

struct worker {
    RacineDb *db;
    int64_t item;
    int ok;
};

static void *receive_many(void *arg) {
    struct worker *w = arg;
    RacineMovement m = receipt(w->item, UNIT, 2 * UNIT);
    for (int i = 0; i < 200; i++) {
        if (racine_post(w->db, &m, NULL, 0, NULL) == RACINE_STATUS_OK) w->ok++;
    }
    /* Each thread keeps its own last error. */
    m.quantity = -1;
    if (racine_post(w->db, &m, NULL, 0, NULL) == RACINE_STATUS_INVALID_INPUT &&
        strstr(racine_last_error_message(), "quantity") == NULL)
        w->ok = -1;
    return NULL;
}

static void shared_between_threads(void) {
    RacineDb *db = open_memory();
    int64_t item = create_item(db, "E");
    pthread_t threads[4];
    struct worker workers[4];
    for (int i = 0; i < 4; i++) {
        workers[i] = (struct worker){db, item, 0};
        pthread_create(&threads[i], NULL, receive_many, &workers[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
        EXPECT(workers[i].ok == 200);
    }
    RacineStock stock;
    EXPECT_STATUS(racine_stock(db, item, 0, &stock), RACINE_STATUS_OK);
    EXPECT(stock.on_hand == 800 * (int64_t)UNIT && stock.value == 1600 * (int64_t)UNIT);
    racine_db_free(db);
}

/* Open cost layers and a supplier return against its receipt, through the
 * JSON entry point; a backdated issue refused with the instant it breaks. */
static void cost_layers_and_supplier_returns(void) {
    RacineDb *db = open_memory();
    int64_t oak = create_item(db, "OAK");
    RacineMovement first = receipt(oak, 10000000, 10000000);
    RacineMovement dear = receipt(oak, 10000000, 12000000);
    EXPECT_STATUS(racine_post(db, &first, NULL, 0, NULL), RACINE_STATUS_OK);
    EXPECT_STATUS(racine_post(db, &dear, NULL, 0, NULL), RACINE_STATUS_OK);
    char req[256];
    snprintf(req, sizeof req,
             "{\"op\":\"post\",\"movement\":{\"kind\":\"issue\",\"item\":%lld,\"quantity\":\"4\","
             "\"reason\":\"supplier_return\",\"against_receipt\":2}}",
             (long long)oak);
    char *out = NULL;
    EXPECT_STATUS(racine_call(db, req, strlen(req), &out), RACINE_STATUS_OK);
    EXPECT(out != NULL && strstr(out, "\"value_change\":\"-48\"") != NULL);
    racine_string_free(out);
    snprintf(req, sizeof req, "{\"op\":\"cost_layers\",\"item\":%lld}", (long long)oak);
    out = NULL;
    EXPECT_STATUS(racine_call(db, req, strlen(req), &out), RACINE_STATUS_OK);
    EXPECT(out != NULL && strstr(out, "{\"quantity\":\"6\",\"unit_cost\":\"12\",\"value\":\"72\",\"movement\":2}") != NULL);
    racine_string_free(out);
    snprintf(req, sizeof req,
             "{\"op\":\"post\",\"movement\":{\"kind\":\"issue\",\"item\":%lld,\"quantity\":\"1\","
             "\"effective_at\":\"2020-01-01T00:00:00Z\"}}",
             (long long)oak);
    out = NULL;
    EXPECT_STATUS(racine_call(db, req, strlen(req), &out), RACINE_STATUS_NEGATIVE_STOCK);
    EXPECT(strstr(racine_last_error_details(), "\"at\":\"2020-01-01T00:00:00Z\"") != NULL);
    racine_db_free(db);
}

/* Runs one JSON request expecting `status`; returns the result (to free). */
static char *call(RacineDb *db, const char *req, RacineStatus status, int line) {
    char *out = NULL;
    RacineStatus got = racine_call(db, req, strlen(req), &out);
    expect(got == status, req, line);
    return out;
}
#define CALL(db, req, status) call((db), (req), (status), __LINE__)

/* The CRM through the JSON entry point: contacts in matching form, a
 * pipeline with an opportunity moved to won, and typed refusals. */
static void crm(void) {
    RacineDb *db = open_memory();
    char *out = CALL(db, "{\"op\":\"set_default_country\",\"country\":\"FR\"}", RACINE_STATUS_OK);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"create_contact\",\"contact\":{\"name\":\"Marie Curie\","
                   "\"emails\":[\" Marie@Example.FR \"],\"phones\":[\"06 12 34 56 78\"]}}", RACINE_STATUS_OK);
    EXPECT(out != NULL && strstr(out, "\"normalised\":\"marie@example.fr\"") != NULL);
    EXPECT(out != NULL && strstr(out, "\"e164\":\"+33612345678\"") != NULL);
    EXPECT(out != NULL && strstr(out, "\"id\":1,") != NULL);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"create_pipeline\",\"pipeline\":{\"name\":\"Sales\",\"stages\":["
                   "{\"name\":\"Lead\",\"probability\":\"10\"},{\"name\":\"Proposal\",\"probability\":\"60\"},"
                   "{\"name\":\"Won\",\"kind\":\"won\"}]}}", RACINE_STATUS_OK);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"create_opportunity\",\"opportunity\":{\"title\":\"Benches\",\"contact\":1,"
                   "\"pipeline\":1,\"amount\":\"900\",\"currency\":\"EUR\"}}", RACINE_STATUS_OK);
    EXPECT(out != NULL && strstr(out, "\"stage_name\":\"Lead\"") != NULL);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"move_opportunity\",\"id\":1,\"stage\":2,\"meta\":{\"actor\":\"sophie\"}}", RACINE_STATUS_OK);
    EXPECT(out != NULL && strstr(out, "\"probability\":\"60\"") != NULL);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"win_opportunity\",\"id\":1,\"idempotency_key\":\"w1\"}", RACINE_STATUS_OK);
    EXPECT(out != NULL && strstr(out, "\"status\":\"won\"") != NULL);
    EXPECT(out != NULL && strstr(out, "\"kind\":\"moved\"") != NULL);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"reopen_opportunity\",\"id\":1}", RACINE_STATUS_OK);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"reopen_opportunity\",\"id\":1}", RACINE_STATUS_INVALID_TRANSITION);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"create_opportunity\",\"opportunity\":{\"title\":\"X\",\"contact\":1,"
                   "\"pipeline\":1,\"amount\":\"5\"}}", RACINE_STATUS_INVALID_INPUT);
    EXPECT(strstr(racine_last_error_details(), "\"field\":\"currency\"") != NULL);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"merge_contacts\",\"merged\":1,\"into\":1}", RACINE_STATUS_INVALID_INPUT);
    EXPECT(strstr(racine_last_error_details(), "\"field\":\"into\"") != NULL);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"create_opportunity\",\"opportunity\":{\"title\":\"X\",\"contact\":1,\"pipeline\":7}}",
               RACINE_STATUS_NOT_FOUND);
    racine_string_free(out);
    racine_db_free(db);
}

/* The dashboards: JSON results with their definitions, refusals on the field. */
static void kpis(void) {
    RacineDb *db = open_memory();
    char *out = CALL(db, "{\"op\":\"create_item\",\"item\":{\"sku\":\"OAK\",\"name\":\"Oak\",\"reorder_point\":\"8\"}}",
                     RACINE_STATUS_OK);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"post\",\"movement\":{\"kind\":\"receipt\",\"item\":\"OAK\",\"quantity\":\"10\","
                   "\"unit_cost\":\"2\",\"effective_at\":\"2026-02-01T00:00:00Z\"}}", RACINE_STATUS_OK);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"post\",\"movement\":{\"kind\":\"issue\",\"item\":\"OAK\",\"quantity\":\"3\","
                   "\"effective_at\":\"2026-03-31T23:59:59Z\"}}", RACINE_STATUS_OK);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"erp_dashboard\",\"query\":{\"period\":\"2026-03\"}}", RACINE_STATUS_OK);
    EXPECT(out != NULL && strstr(out, "\"total\":\"14\"") != NULL);
    EXPECT(out != NULL && strstr(out, "\"kpi\":\"inventory_turnover\"") != NULL);
    EXPECT(out != NULL && strstr(out, "\"label\":\"2026-03\"") != NULL);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"low_stock\"}", RACINE_STATUS_OK);
    EXPECT(out != NULL && strstr(out, "\"count\":1") != NULL);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"crm_dashboard\",\"query\":{\"period\":\"last_7_days\"}}", RACINE_STATUS_OK);
    EXPECT(out != NULL && strstr(out, "\"kpi\":\"win_rate\"") != NULL);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"daily_flows\",\"query\":{\"period\":\"2026-02-30\"}}", RACINE_STATUS_INVALID_INPUT);
    EXPECT(strstr(racine_last_error_details(), "\"field\":\"query.period\"") != NULL);
    racine_string_free(out);
    racine_db_free(db);
}

/* An export streamed into memory: the write callback appends. */
typedef struct {
    char *bytes;
    size_t len;
} Buffer;

static int32_t append(void *user_data, const uint8_t *bytes, size_t len) {
    Buffer *b = user_data;
    char *grown = realloc(b->bytes, b->len + len + 1);
    if (grown == NULL) return 1;
    memcpy(grown + b->len, bytes, len);
    b->bytes = grown;
    b->len += len;
    b->bytes[b->len] = '\0';
    return 0;
}

typedef struct {
    int calls;
    int done;
    int64_t total;
    int cancel_at;
} Seen;

static int32_t watch(void *user_data, const RacineProgress *p) {
    Seen *s = user_data;
    s->calls++;
    if (p->done) s->done = 1;
    if (p->sheet_total >= 0) s->total = p->sheet_total;
    return s->cancel_at > 0 && s->calls >= s->cancel_at ? 1 : 0;
}

static void exports(void) {
    RacineDb *db = open_memory();
    char *out = CALL(db, "{\"op\":\"create_item\",\"item\":{\"sku\":\"00042\",\"name\":\"Oak\"}}", RACINE_STATUS_OK);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"post\",\"movement\":{\"kind\":\"receipt\",\"item\":\"00042\",\"quantity\":\"10\","
                   "\"unit_cost\":\"4.5\",\"note\":\"=1+1\"}}", RACINE_STATUS_OK);
    racine_string_free(out);
    const char *csv = "{\"format\":\"csv\",\"sheets\":[{\"dataset\":\"movements\"}]}";
    Buffer b = {NULL, 0};
    Seen seen = {0, 0, -1, 0};
    char *summary = NULL;
    RacineStatus st = racine_export(db, csv, strlen(csv), NULL, 0, append, &b, watch, &seen, &summary);
    EXPECT(st == RACINE_STATUS_OK);
    EXPECT(b.bytes != NULL && strstr(b.bytes, "Movement,Effective at") == b.bytes);
    EXPECT(b.bytes != NULL && strstr(b.bytes, ",00042,") != NULL);
    EXPECT(b.bytes != NULL && strstr(b.bytes, ",'=1+1,") != NULL);
    EXPECT(summary != NULL && strstr(summary, "\"rows\":1") != NULL);
    EXPECT(seen.done == 1 && seen.total == 1);
    racine_string_free(summary);
    free(b.bytes);

    /* To a file; then cancelled by the progress callback: nothing left. */
    const char *xlsx = "{\"sheets\":[{\"dataset\":\"movements\"},{\"dataset\":\"stock\"}]}";
    char path[] = "/tmp/racine-c-export-XXXXXX";
    int fd = mkstemp(path);
    EXPECT(fd >= 0);
    summary = NULL;
    st = racine_export(db, xlsx, strlen(xlsx), path, strlen(path), NULL, NULL, NULL, NULL, &summary);
    EXPECT(st == RACINE_STATUS_OK);
    EXPECT(summary != NULL && strstr(summary, "\"name\":\"Stock\"") != NULL);
    racine_string_free(summary);
    FILE *f = fopen(path, "rb");
    char magic[2] = {0, 0};
    EXPECT(f != NULL && fread(magic, 1, 2, f) == 2 && magic[0] == 'P' && magic[1] == 'K');
    if (f) fclose(f);
    remove(path);
    seen = (Seen){0, 0, -1, 1};
    summary = NULL;
    st = racine_export(db, xlsx, strlen(xlsx), path, strlen(path), NULL, NULL, watch, &seen, &summary);
    EXPECT(st == RACINE_STATUS_CANCELLED);
    EXPECT(summary == NULL);
    EXPECT(fopen(path, "rb") == NULL);
    EXPECT(strcmp(racine_status_name(st), "cancelled") == 0);

    /* Bad input: named, nothing written. */
    const char *bad = "{\"sheets\":[{\"dataset\":\"movments\"}]}";
    st = racine_export(db, bad, strlen(bad), path, strlen(path), NULL, NULL, NULL, NULL, &summary);
    EXPECT(st == RACINE_STATUS_INVALID_INPUT);
    EXPECT(strstr(racine_last_error_details(), "\"field\":\"sheets[0]") != NULL);
    st = racine_export(db, csv, strlen(csv), NULL, 0, NULL, NULL, NULL, NULL, &summary);
    EXPECT(st == RACINE_STATUS_NULL_ARGUMENT);
    close(fd);
    racine_db_free(db);
}

/* Plugins through the JSON entry point: the Rust example's validator vetoes
 * a sale from quarantine (status 11, named), its exporter writes the
 * journal, the C sink gets its alert; a library that is no plugin is
 * refused. The plugins are built by scripts/build-plugins into the folder
 * RACINE_PLUGIN_DIR names. */
static void plugins(void) {
    const char *dir = getenv("RACINE_PLUGIN_DIR");
    if (dir == NULL || dir[0] != '/') {
        fprintf(stderr, "RACINE_PLUGIN_DIR must name the absolute folder of scripts/build-plugins\n");
        failed++;
        return;
    }
    RacineDb *db = open_memory();
    char req[1024];
    snprintf(req, sizeof req,
             "{\"op\":\"load_plugin\",\"path\":\"%s/libracine_shop_rules.so\","
             "\"options\":{\"config\":{\"quarantined\":[\"QUAR\"]}}}", dir);
    char *out = CALL(db, req, RACINE_STATUS_OK);
    EXPECT(out != NULL && strstr(out, "\"name\":\"shop-rules\"") != NULL);
    EXPECT(out != NULL && strstr(out, "\"state\":\"active\"") != NULL);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"create_warehouse\",\"warehouse\":{\"code\":\"QUAR\",\"name\":\"Q\"}}", RACINE_STATUS_OK);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"create_item\",\"item\":{\"sku\":\"MUG\",\"name\":\"Mug\",\"reorder_point\":\"5\"}}",
               RACINE_STATUS_OK);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"post\",\"movement\":{\"kind\":\"receipt\",\"item\":\"MUG\",\"quantity\":\"4\","
                   "\"unit_cost\":\"2\",\"warehouse\":2}}", RACINE_STATUS_OK);
    racine_string_free(out);
    out = NULL;
    const char *sale = "{\"op\":\"post\",\"movement\":{\"kind\":\"issue\",\"item\":\"MUG\",\"quantity\":\"1\",\"warehouse\":2}}";
    EXPECT_STATUS(racine_call(db, sale, strlen(sale), &out), RACINE_STATUS_PLUGIN);
    EXPECT(out == NULL);
    EXPECT(strstr(racine_last_error_details(), "\"plugin\":\"shop-rules\"") != NULL);
    EXPECT(strstr(racine_last_error_message(), "QUAR is quarantined") != NULL);
    EXPECT(strcmp(racine_status_name(RACINE_STATUS_PLUGIN), "plugin") == 0);

    /* The accounting journal, streamed to a buffer. */
    const char *journal = "{\"format\":\"plugin\",\"plugin\":\"accounting-csv\",\"sheets\":[{\"dataset\":\"movements\"}]}";
    Buffer b = {NULL, 0};
    char *summary = NULL;
    RacineStatus st = racine_export(db, journal, strlen(journal), NULL, 0, append, &b, NULL, NULL, &summary);
    EXPECT(st == RACINE_STATUS_OK);
    EXPECT(b.bytes != NULL && strstr(b.bytes, "date;journal;account;label;debit;credit") == b.bytes);
    EXPECT(b.bytes != NULL && strstr(b.bytes, ";STK;310000;purchase_receipt MUG x 4;8;;;1") != NULL);
    racine_string_free(summary);
    free(b.bytes);

    /* The C sink: an alert once available falls to the reorder point. */
    char alerts[] = "/tmp/racine-c-alerts-XXXXXX";
    int fd = mkstemp(alerts);
    EXPECT(fd >= 0);
    close(fd);
    remove(alerts);
    snprintf(req, sizeof req,
             "{\"op\":\"load_plugin\",\"path\":\"%s/liblow_stock_alerts.so\","
             "\"options\":{\"config\":{\"path\":\"%s\"},\"start\":\"end\"}}", dir, alerts);
    out = CALL(db, req, RACINE_STATUS_OK);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"post\",\"movement\":{\"kind\":\"receipt\",\"item\":\"MUG\",\"quantity\":\"3\","
                   "\"unit_cost\":\"2\"}}", RACINE_STATUS_OK);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"post\",\"movement\":{\"kind\":\"issue\",\"item\":\"MUG\",\"quantity\":\"2\"}}",
               RACINE_STATUS_OK);
    racine_string_free(out);
    FILE *f = fopen(alerts, "r");
    char line[4096] = {0};
    EXPECT(f != NULL && fgets(line, sizeof line, f) != NULL);
    EXPECT(strstr(line, "\"kind\":\"stock_below_reorder_point\"") != NULL);
    EXPECT(strstr(line, "\"name\":\"Mug\"") != NULL);
    if (f) fclose(f);
    remove(alerts);
    out = CALL(db, "{\"op\":\"plugins\"}", RACINE_STATUS_OK);
    EXPECT(out != NULL && strstr(out, "\"name\":\"low-stock-alerts\"") != NULL);
    racine_string_free(out);

    /* A library that is not a plugin. */
    snprintf(req, sizeof req, "{\"op\":\"load_plugin\",\"path\":\"%s/libno_entry.so\"}", dir);
    out = NULL;
    EXPECT_STATUS(racine_call(db, req, strlen(req), &out), RACINE_STATUS_PLUGIN);
    EXPECT(strstr(racine_last_error_message(), "exports no racine_plugin_init") != NULL);

    /* The outbox, followed with a cursor. */
    out = CALL(db, "{\"op\":\"outbox_subscribe\",\"consumer\":\"c-worker\"}", RACINE_STATUS_OK);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"outbox_poll\",\"consumer\":\"c-worker\",\"limit\":2}", RACINE_STATUS_OK);
    EXPECT(out != NULL && strstr(out, "\"kind\":\"movement_recorded\"") != NULL);
    racine_string_free(out);
    out = CALL(db, "{\"op\":\"outbox_ack\",\"consumer\":\"c-worker\",\"through\":1}", RACINE_STATUS_OK);
    EXPECT(out != NULL && strstr(out, "\"position\":1") != NULL);
    racine_string_free(out);
    racine_db_free(db);
}

int main(void) {
    EXPECT(racine_abi_version() == 2);
    crm();
    kpis();
    exports();
    plugins();
    cost_layers_and_supplier_returns();
    null_arguments();
    invalid_utf8_and_json();
    refused_values();
    closed_handle();
    orders();
    shared_between_threads();
    printf("c-abi: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
