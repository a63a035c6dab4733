<?php

declare(strict_types=1);

namespace Racine\Tests;

use DateTimeImmutable;
use PHPUnit\Framework\TestCase;
use Racine\Database;
use Racine\Exception\CancelledException;
use Racine\Exception\InvalidInputException;

/** Exports through PHP: to a file, streamed to a callback (StreamedResponse), progress, cancellation, refusals. */
final class ExportTest extends TestCase
{
    private Database $db;
    private string $dir;

    protected function setUp(): void
    {
        $this->db = new Database(TestDatabase::fresh(), ['time_zone' => 'Europe/Paris']);
        $oak = $this->db->createItem('00042', 'Oak plank')['id'];
        $this->db->receive($oak, '10', '4.5', [
            'note' => '=HYPERLINK("x")',
            'effective_at' => new DateTimeImmutable('2026-03-15T12:00:00+01:00'),
        ]);
        $this->dir = sys_get_temp_dir() . '/racine-php-export-' . bin2hex(random_bytes(4));
        mkdir($this->dir);
    }

    protected function tearDown(): void
    {
        foreach (glob($this->dir . '/{,.}*', GLOB_BRACE) ?: [] as $f) {
            if (is_file($f)) {
                unlink($f);
            }
        }
        rmdir($this->dir);
    }

    public function testCsvStreamedToACallbackWithProgress(): void
    {
        $chunks = [];
        $seen = [];
        $summary = $this->db->exportTo(
            static function (string $chunk) use (&$chunks): void {
                $chunks[] = $chunk;
            },
            [['dataset' => 'movements']],
            ['format' => 'csv', 'csv' => ['preset' => 'excel', 'delimiter' => ';', 'decimal_separator' => ',']],
            static function (array $p) use (&$seen): bool {
                $seen[] = $p;
                return true;
            },
        );
        $csv = implode('', $chunks);
        self::assertStringStartsWith("\xEF\xBB\xBF" . 'Movement;Effective at', $csv);
        self::assertStringContainsString(';2026-03-15 12:00:00;', $csv);
        self::assertStringContainsString(';00042;', $csv);
        self::assertStringContainsString(";4,5;", $csv);
        self::assertStringContainsString(";\"'=HYPERLINK(\"\"x\"\")\";", $csv);
        self::assertSame(1, $summary['rows']);
        self::assertSame(strlen($csv), $summary['bytes']);
        self::assertSame('Movements', $seen[0]['sheet']);
        self::assertSame(1, $seen[0]['sheet_total']);
        self::assertTrue(end($seen)['done']);
        self::assertStringStartsWith('Item,SKU', $this->db->exportBytes([['dataset' => 'stock']], ['format' => 'csv']));
    }

    public function testXlsxFileAndDashboards(): void
    {
        $path = $this->dir . '/shop.xlsx';
        $summary = $this->db->export([['dataset' => 'movements'], ['dataset' => 'stock', 'as_of' => new DateTimeImmutable('2026-03-16T00:00:00Z')]], $path);
        self::assertSame(['Movements', 'Stock'], array_column($summary['sheets'], 'name'));
        self::assertSame('PK', substr((string) file_get_contents($path), 0, 2));
        $book = $this->db->exportBytes([['dataset' => 'dashboards', 'erp' => ['period' => '2026-03']]]);
        self::assertSame('PK', substr($book, 0, 2));
        self::assertStringContainsString('xl/charts/chart3.xml', $book, 'three native charts');
    }

    public function testCancelledAndRefusedExportsLeaveNothing(): void
    {
        $path = $this->dir . '/cancelled.xlsx';
        try {
            $this->db->export([['dataset' => 'movements']], $path, [], static fn (array $p): bool => false);
            self::fail('not cancelled');
        } catch (CancelledException $e) {
            self::assertSame('cancelled', $e->details['code']);
        }
        self::assertFileDoesNotExist($path);
        try {
            $this->db->export([['dataset' => 'movments']], $path);
            self::fail('not refused');
        } catch (InvalidInputException $e) {
            self::assertStringStartsWith('sheets[0]', $e->field);
        }
        try {
            $this->db->exportTo(static function (string $chunk): void {
                throw new \RuntimeException('client went away');
            }, [['dataset' => 'movements']], ['format' => 'csv']);
            self::fail('not thrown');
        } catch (\RuntimeException $e) {
            self::assertSame('client went away', $e->getMessage());
        }
        self::assertSame([], array_values(array_diff(scandir($this->dir) ?: [], ['.', '..'])));
    }
}
