<?php

// One "PHP-FPM worker": opens the shared file and sells one unit at a time.
// Usage: php issue_worker.php DB ITEM ATTEMPTS GO_FILE

declare(strict_types=1);

require __DIR__ . '/../../autoload.php';

[, $path, $item, $attempts, $go] = $argv;
$db = new Racine\Database($path);
echo "ready\n";
while (!file_exists($go)) {
    usleep(500);
}
$sold = $refused = $other = 0;
for ($i = 0; $i < (int) $attempts; $i++) {
    try {
        $db->issue((int) $item, '1');
        $sold++;
    } catch (Racine\Exception\NegativeStockException) {
        $refused++;
    } catch (Racine\Exception\RacineException $e) {
        fwrite(STDERR, get_class($e) . ': ' . $e->getMessage() . "\n");
        $other++;
    }
}
echo "{$sold} {$refused} {$other}\n";
