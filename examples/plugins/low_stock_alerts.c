/*
 * An example Racine plugin in C: an event sink that appends a line of JSON
 * to a file each time an item's stock falls to or below its reorder point.
 *
 * Build (Linux; -fPIC for a shared library):
 *     cc -Wall -Wextra -Werror -std=c11 -fPIC -shared -Iinclude \
 *        examples/plugins/low_stock_alerts.c -o liblow_stock_alerts.so
 * Load it with the configuration {"path": "/absolute/path/alerts.jsonl"}:
 *     db.load_plugin("/abs/liblow_stock_alerts.so", {"config": {"path": ...}})
 *
 * Each line is {"alert":"low_stock","event":EVENT,"item":ITEM}: the outbox
 * event as Racine sent it (its "id" lets a reader drop the repeat that a
 * crash between the write and the cursor's commit can cause) and the item
 * as the host read it. Written with nothing but the header: no Racine
 * library is linked.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "racine_plugin.h"

typedef struct {
    const RacineHostApi *host;
    char *path;
} LowStockAlerts;

static void say(const RacineHostApi *host, const RacineHostCall *call, const char *message) {
    host->set_message(call, message, strlen(message));
}

/* The string value of "path" in a small JSON object (no escapes in it). */
static char *config_path(const char *config, size_t len) {
    char *text = malloc(len + 1);
    if (text == NULL) {
        return NULL;
    }
    memcpy(text, config, len);
    text[len] = '\0';
    char *path = NULL;
    char *key = strstr(text, "\"path\"");
    char *start = key ? strchr(key + 6, '"') : NULL;
    char *end = start ? strchr(start + 1, '"') : NULL;
    if (end != NULL && memchr(start + 1, '\\', (size_t)(end - start - 1)) == NULL) {
        path = strndup(start + 1, (size_t)(end - start - 1));
    }
    free(text);
    return path;
}

static int32_t on_event(void *state, const RacineHostCall *call, int64_t id, const char *event,
                        size_t len) {
    LowStockAlerts *me = state;
    static const char kind[] = "\"kind\":\"stock_below_reorder_point\"";
    char *text = strndup(event, len);
    if (text == NULL) {
        say(me->host, call, "out of memory");
        return RACINE_PLUGIN_ERROR;
    }
    if (strstr(text, kind) == NULL) {
        free(text);
        return RACINE_PLUGIN_OK; /* not an alert */
    }
    /* The item's id, then the item itself from the host. */
    const char *field = strstr(text, "\"item\":");
    int64_t item = field ? strtoll(field + 7, NULL, 10) : 0;
    char *item_json = NULL;
    size_t item_len = 0;
    if (me->host->read_item(call, item, &item_json, &item_len) != 0) {
        me->host->log(call, RACINE_LOG_WARN, item_json, item_len);
        me->host->free_string(item_json);
        item_json = NULL;
    }
    FILE *out = fopen(me->path, "a");
    int ok = out != NULL;
    if (ok) {
        ok = fprintf(out, "{\"alert\":\"low_stock\",\"event\":%s,\"item\":%s}\n", text,
                     item_json ? item_json : "null") > 0;
        ok = fclose(out) == 0 && ok;
    }
    me->host->free_string(item_json);
    free(text);
    if (!ok) {
        char message[128];
        snprintf(message, sizeof message, "could not append event %lld to the alerts file",
                 (long long)id);
        say(me->host, call, message);
        return RACINE_PLUGIN_ERROR;
    }
    return RACINE_PLUGIN_OK;
}

static void release(void *state) {
    LowStockAlerts *me = state;
    if (me != NULL) {
        free(me->path);
        free(me);
    }
}

int32_t racine_plugin_init(uint32_t host_abi, const RacineHostApi *host, const RacineHostCall *call,
                           const char *config, size_t config_len, RacinePlugin *out) {
    if (host_abi != RACINE_PLUGIN_ABI_VERSION) {
        say(host, call, "low-stock-alerts is built for plugin ABI 1");
        return RACINE_PLUGIN_ERROR;
    }
    if (out->size < sizeof *out) {
        say(host, call, "the host's plugin table is too small");
        return RACINE_PLUGIN_ERROR;
    }
    LowStockAlerts *me = calloc(1, sizeof *me);
    if (me == NULL) {
        say(host, call, "out of memory");
        return RACINE_PLUGIN_ERROR;
    }
    me->host = host;
    me->path = config_path(config, config_len);
    if (me->path == NULL || me->path[0] != '/') {
        release(me);
        say(host, call, "config.path: give the absolute path of the alerts file");
        return RACINE_PLUGIN_ERROR;
    }
    char line[512];
    snprintf(line, sizeof line, "writing low-stock alerts to %s", me->path);
    host->log(call, RACINE_LOG_INFO, line, strlen(line));

    static const char name[] = "low-stock-alerts";
    static const char version[] = "1.0.0";
    memset(out, 0, sizeof *out);
    out->size = sizeof *out;
    out->abi_version = RACINE_PLUGIN_ABI_VERSION;
    out->capabilities = RACINE_PLUGIN_EVENT_SINK;
    out->name = name;
    out->name_len = sizeof name - 1;
    out->version = version;
    out->version_len = sizeof version - 1;
    out->state = me;
    out->on_event = on_event;
    out->release = release;
    return RACINE_PLUGIN_OK;
}
