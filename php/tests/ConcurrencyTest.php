<?php

declare(strict_types=1);

namespace Racine\Tests;

use PHPUnit\Framework\TestCase;
use Racine\Database;

/** Several PHP processes on one database file, as PHP-FPM workers are. */
final class ConcurrencyTest extends TestCase
{
    public function testWorkersNeverOversellAndNeverSeeBusy(): void
    {
        $dir = sys_get_temp_dir() . '/racine-fpm-' . bin2hex(random_bytes(4));
        mkdir($dir);
        $path = "{$dir}/shop.db";
        $go = "{$dir}/go";
        $db = new Database($path);
        $item = $db->createItem('LAST', 'Last units')['id'];
        $db->receive($item, '100', '7');

        $workers = [];
        for ($w = 0; $w < 4; $w++) {
            $proc = proc_open(
                [PHP_BINARY, '-d', 'ffi.enable=1', __DIR__ . '/workers/issue_worker.php', $path, (string) $item, '40', $go],
                [1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
                $pipes,
                null,
                ['RACINE_LIB' => getenv('RACINE_LIB')],
            );
            self::assertSame("ready\n", fgets($pipes[1]));
            $workers[] = [$proc, $pipes];
        }
        touch($go); // every worker has the file open: start together

        $sold = $refused = $other = 0;
        foreach ($workers as [$proc, $pipes]) {
            $line = trim((string) stream_get_contents($pipes[1]));
            $errors = stream_get_contents($pipes[2]);
            self::assertSame(0, proc_close($proc), (string) $errors);
            [$s, $r, $o] = array_map('intval', explode(' ', $line));
            $sold += $s;
            $refused += $r;
            $other += $o;
        }
        self::assertSame(100, $sold, 'exactly the stock is sold');
        self::assertSame(60, $refused);
        self::assertSame(0, $other, 'no busy error reached PHP');
        self::assertSame(['on_hand' => '0', 'reserved' => '0', 'available' => '0', 'value' => '0'], $db->stock($item));
        self::assertSame(0, $db->verify()['drift_count']);
        $db->close();
        array_map('unlink', glob("{$dir}/*") ?: []);
        rmdir($dir);
    }
}
