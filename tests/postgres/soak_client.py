"""One soak client on PostgreSQL (see core/tests/postgres_soak.rs).

Usage: python soak_client.py URL CLIENT KEYS SKU[,SKU…]

Places the orders o-<n> for n in 0..KEYS, starting at a point of its own
so that clients overlap, each under the idempotency key k-<n> (the same
request for the same n in every client and language), one unit of
SKUS[n % len]. Prints "ok n" or "refused n" per order, then "done"; an
unexpected error is printed as "error n <kind>: <message>".
"""

import sys

import racine
from racine.errors import InsufficientAvailableError, RacineError

url, client, keys, skus = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(",")
db = racine.Database(url)
print("ready", flush=True)
for step in range(keys):
    n = (client * 7 + step) % keys
    try:
        db.place_order(
            f"o-{n}",
            [{"sku": skus[n % len(skus)], "quantity": "1"}],
            idempotency_key=f"k-{n}",
        )
        print(f"ok {n}", flush=True)
    except InsufficientAvailableError:
        print(f"refused {n}", flush=True)
    except RacineError as e:
        print(f"error {n} {type(e).__name__}: {e}", flush=True)
print("done", flush=True)
