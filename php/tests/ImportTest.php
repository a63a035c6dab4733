<?php

declare(strict_types=1);

namespace Racine\Tests;

use PHPUnit\Framework\TestCase;
use Racine\Database;
use Racine\Exception\ImportRefusedException;
use Racine\Exception\InvalidInputException;

/** Imports through PHP: a file at a path (an upload's temporary name with its format), the report, refusals, templates. */
final class ImportTest extends TestCase
{
    private Database $db;
    private string $dir;

    protected function setUp(): void
    {
        $this->db = new Database(TestDatabase::fresh(), ['time_zone' => 'Europe/Paris']);
        $this->dir = sys_get_temp_dir() . '/racine-php-import-' . bin2hex(random_bytes(4));
        mkdir($this->dir);
    }

    protected function tearDown(): void
    {
        array_map('unlink', glob("{$this->dir}/*") ?: []);
        rmdir($this->dir);
    }

    public function testAnUploadWithoutExtensionImportsWithItsFormatThenNotTwice(): void
    {
        // PHP keeps an upload as /tmp/phpXXXXXX: the format comes from the client's name.
        $upload = "{$this->dir}/phpA1b2C3";
        file_put_contents($upload, "SKU;Name;Reorder point\n00042;Oak plank;5\nGLUE;Wood glue;\n");
        $report = $this->db->importFile('items', $upload, ['format' => 'csv']);
        $this->assertSame(
            ['kind' => 'items', 'rows' => 2, 'created' => 2, 'existing' => 0, 'rejected' => 0, 'problems' => [], 'rejects_path' => null, 'dry_run' => false],
            $report,
        );
        $this->assertSame('5', $this->db->itemBySku('00042')['reorder_point']);
        $this->assertSame(2, $this->db->importFile('items', $upload, ['format' => 'csv'])['existing']);

        file_put_contents("{$this->dir}/stock.csv", "sku,warehouse,quantity,unit_cost\n00042,MAIN,3,4.5\n");
        $this->assertSame(1, $this->db->importFile('opening_stock', "{$this->dir}/stock.csv")['created']);
        $this->assertSame('13.5', $this->db->stockValue());
    }

    public function testAWrongFileListsEveryProblemAndWritesNothing(): void
    {
        file_put_contents("{$this->dir}/items.csv", "sku,name,reorder_point\n,No sku,1\nB,Beta,lots\nC,Gamma,2\n");
        try {
            $this->db->importFile('items', "{$this->dir}/items.csv");
            $this->fail('refused');
        } catch (ImportRefusedException $e) {
            $this->assertSame(['items', 3, 2], [$e->kind, $e->rows, $e->invalidRows]);
            $this->assertSame(
                [[2, 'sku', '', 'invalid_input'], [3, 'reorder_point', 'lots', 'invalid_input']],
                array_map(static fn (array $p) => [$p['row'], $p['column'], $p['value'], $p['code']], $e->problems),
            );
            $this->assertSame('import_refused', $e->errorCode);
        }
        $this->assertSame([], $this->db->items()['items']);

        $report = $this->db->importFile('items', "{$this->dir}/items.csv", ['skip_invalid' => true]);
        $this->assertSame([1, 2, "{$this->dir}/items.rejects.csv"], [$report['created'], $report['rejected'], $report['rejects_path']]);
        $this->assertStringStartsWith("row,sku,name,reorder_point,error\n2,,No sku,1,", (string) file_get_contents($report['rejects_path']));
    }

    public function testTemplatesColumnsAndBadArguments(): void
    {
        $columns = $this->db->importColumns('purchase_orders');
        $this->assertContains('reference', array_column($columns, 'name'));
        $this->db->writeImportTemplate('suppliers', "{$this->dir}/suppliers.xlsx");
        $this->assertSame('PK', substr((string) file_get_contents("{$this->dir}/suppliers.xlsx"), 0, 2));
        $this->assertSame(1, $this->db->importFile('suppliers', "{$this->dir}/suppliers.xlsx")['created']);
        try {
            $this->db->importFile('items', "{$this->dir}/missing.csv");
            $this->fail('refused');
        } catch (InvalidInputException $e) {
            $this->assertSame('path', $e->field);
        }
    }
}
