<?php

// A shop's day from PHP: a purchase received, sales (one webhook delivered
// twice), a refused sale, a breakage, an inventory count, a transfer, then
// stock and valuation.
//
//   cargo build -p racine-ffi
//   RACINE_LIB=$PWD/target/debug/libracine_ffi.so php -d ffi.enable=1 examples/php/shop_day.php

declare(strict_types=1);

require __DIR__ . '/../../php/autoload.php';

use Racine\Database;
use Racine\Exception\NegativeStockException;

$path = $argv[1] ?? 'shop-day-php.db';
foreach (['', '-wal', '-shm'] as $suffix) {
    @unlink($path . $suffix); // the demo starts from an empty file
}
$db = new Database($path, ['time_zone' => 'Europe/Paris', 'default_warehouse' => 'ATELIER']);
echo "Racine {$db->info()['version']}, database {$path}\n";

$atelier = $db->defaultWarehouse()['id'];
$shop = $db->createWarehouse('BOUTIQUE', 'Shop floor')['id'];
$oak = $db->createItem('OAK-BOARD', 'Oak board 2 m', ['unit' => 'board', 'reorder_point' => '20'])['id'];
$varnish = $db->createItem('VARNISH-1L', 'Varnish 1 l', ['unit' => 'can', 'valuation' => 'moving_average'])['id'];
$stool = $db->createItem('STOOL-OAK', 'Oak stool', ['kind' => 'product', 'reorder_point' => '8'])['id'];
$sawmill = $db->createSupplier('Scierie du Jura', ['email' => 'commandes@scierie-jura.fr', 'phone' => '0381234567'])['id'];

$db->postBatch([
    ['kind' => 'receipt', 'item' => $oak, 'quantity' => '12', 'unit_cost' => '17.80', 'reason' => 'opening_balance'],
    ['kind' => 'receipt', 'item' => $varnish, 'quantity' => '4', 'unit_cost' => '9.50', 'reason' => 'opening_balance'],
    ['kind' => 'receipt', 'item' => $stool, 'quantity' => '10', 'unit_cost' => '42', 'reason' => 'opening_balance'],
]);

$po = $db->createPurchaseOrder($sawmill, 'PO-2025-0042', [
    ['item' => $oak, 'quantity' => '50', 'unit_cost' => '18.40'],
    ['item' => $varnish, 'quantity' => '12', 'unit_cost' => '9.90'],
]);
$got = $db->receivePurchase($po['id'], ['lines' => [
    ['line' => $po['lines'][0]['id'], 'quantity' => '50'],
    ['line' => $po['lines'][1]['id'], 'quantity' => '8'],
], 'actor' => 'marie'], 'BL-7781');
$po = $db->cancelPurchaseRemainder($po['id']);
echo "09:00 {$po['reference']}: received {$got['order']['total_received']} of {$got['order']['total_ordered']}; {$po['status']}\n";

$db->transfer($stool, $atelier, $shop, '6', ['actor' => 'paul']);
foreach ([['ORDER-1001', '1'], ['ORDER-1002', '2'], ['ORDER-1003', '1'], ['ORDER-1002', '2']] as [$order, $qty]) {
    $db->issue($stool, $qty, ['warehouse' => $shop, 'reference' => $order], "webhook:{$order}:paid");
}
echo "sales: 4 stools sold (ORDER-1002's webhook came twice, issued once)\n";

try {
    $db->issue($stool, '5', ['warehouse' => $shop, 'reference' => 'ORDER-1004']);
} catch (NegativeStockException $e) {
    echo "ORDER-1004 refused: {$e->available} available in {$e->warehouse}, {$e->requested} requested\n";
}

$db->issue($oak, '30', ['reason' => 'manual_correction', 'note' => 'used for 6 stools']);
$db->adjust($oak, '-2', 'breakage', ['note' => 'split during planing', 'actor' => 'paul']);
$counted = $db->count($varnish, '11', ['actor' => 'marie'])['movements'][0];
echo "varnish counted 11: ledger posts {$counted['quantity']} ({$counted['value_change']})\n";

echo "\nStock at close of day\n";
foreach ([$oak, $varnish, $stool] as $item) {
    foreach ($db->stockByWarehouse($item) as $level) {
        printf("  %-11s %-9s %6s on hand  value %10s\n", $level['sku'], $db->warehouse($level['warehouse'])['code'], $level['on_hand'], $level['value']);
    }
}
echo "Stock valuation: {$db->stockValue()}\n";
foreach ($db->stockLevels(['low_stock_only' => true])['items'] as $low) {
    echo "Reorder {$low['sku']}: {$low['available']} available, reorder point {$low['reorder_point']}\n";
}
$report = $db->verify();
echo "verify: {$report['movements_checked']} movements replayed, {$report['drift_count']} drift(s)\n";
exit($report['drift_count'] === 0 ? 0 : 1);
