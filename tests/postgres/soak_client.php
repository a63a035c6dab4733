<?php

// One soak client on PostgreSQL (see core/tests/postgres_soak.rs and
// soak_client.py, which does the same from Python).
// Usage: php soak_client.php URL CLIENT KEYS SKU[,SKU…]

declare(strict_types=1);

require __DIR__ . '/../../php/autoload.php';

[, $url, $client, $keys, $skus] = $argv;
$skus = explode(',', $skus);
$keys = (int) $keys;
$db = new Racine\Database($url);
echo "ready\n";
for ($step = 0; $step < $keys; $step++) {
    $n = ((int) $client * 7 + $step) % $keys;
    try {
        $db->placeOrder("o-{$n}", [['sku' => $skus[$n % count($skus)], 'quantity' => '1']], [], "k-{$n}");
        echo "ok {$n}\n";
    } catch (Racine\Exception\InsufficientAvailableException) {
        echo "refused {$n}\n";
    } catch (Racine\Exception\RacineException $e) {
        echo "error {$n} " . get_class($e) . ': ' . str_replace("\n", ' ', $e->getMessage()) . "\n";
    }
}
echo "done\n";
