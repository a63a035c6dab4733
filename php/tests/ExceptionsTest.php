<?php

declare(strict_types=1);

namespace Racine\Tests;

use PHPUnit\Framework\TestCase;
use Racine\Database;
use Racine\Exception;
use Racine\Native;

final class ExceptionsTest extends TestCase
{
    private Database $db;

    protected function setUp(): void
    {
        $this->db = new Database(TestDatabase::fresh());
    }

    public function testNegativeStockCarriesItsFieldsAndWritesNothing(): void
    {
        $item = $this->db->createItem('LAST', 'Last units')['id'];
        $this->db->receive($item, '3', '10');
        try {
            $this->db->issue($item, '4');
            self::fail('expected a refusal');
        } catch (Exception\NegativeStockException $e) {
            self::assertSame(['LAST', 'MAIN', '3', '4', $item], [$e->sku, $e->warehouse, $e->available, $e->requested, $e->item]);
            self::assertSame(3, $e->getCode());
            self::assertSame('negative_stock', $e->errorCode);
            self::assertInstanceOf(Exception\RacineException::class, $e);
        }
        self::assertSame('3', $this->db->stock($item)['on_hand']);
        self::assertCount(1, $this->db->movements()['items']);
    }

    /** Text that is not UTF-8 and nesting json_encode refuses: the typed refusal, naming the field. */
    public function testValuesJsonCannotCarryAreInvalidInputNamingTheField(): void
    {
        $item = $this->db->createItem('MUG', 'Mug')['id'];
        $cases = [
            'item.sku' => fn () => $this->db->createItem("M\xffG", 'Mug'),
            'movement.reference' => fn () => $this->db->receive($item, '1', '1', ['reference' => "PO\xc3"]),
            'idempotency_key' => fn () => $this->db->receive($item, '1', '1', [], "key\xfe"),
        ];
        foreach ($cases as $field => $call) {
            try {
                $call();
                self::fail("expected a refusal of $field");
            } catch (Exception\InvalidInputException $e) {
                self::assertSame([$field, 'is not valid UTF-8'], [$e->field, $e->reason]);
                self::assertSame("invalid $field: is not valid UTF-8", $e->getMessage());
                self::assertSame(2, $e->getCode());
            }
        }
        $deep = 'x';
        for ($i = 0; $i < 600; $i++) {
            $deep = [$deep];
        }
        try {
            $this->db->receive($item, '1', '1', ['note' => $deep]);
            self::fail('expected a refusal');
        } catch (Exception\InvalidInputException $e) {
            self::assertSame(['movement.note', 'is nested more than 128 levels deep'], [$e->field, $e->reason]);
        }
        self::assertCount(0, $this->db->movements()['items']);
    }

    public function testBatchRefusalNamesTheEntry(): void
    {
        $a = $this->db->createItem('A', 'A')['id'];
        try {
            $this->db->postBatch([
                ['kind' => 'receipt', 'item' => $a, 'quantity' => '5', 'unit_cost' => '2'],
                ['kind' => 'issue', 'item' => $a, 'quantity' => '6'],
            ]);
            self::fail('expected a refusal');
        } catch (Exception\NegativeStockException $e) {
            self::assertSame(1, $e->index);
        }
        try {
            $this->db->postBatch([['kind' => 'issue', 'item' => $a, 'quantity' => 1.5]]);
            self::fail('expected a refusal');
        } catch (Exception\InvalidInputException $e) {
            self::assertSame(0, $e->index);
        }
        self::assertSame('0', $this->db->stock($a)['on_hand']);
    }

    public function testEveryKindIsMapped(): void
    {
        $item = $this->db->createItem('A', 'A')['id'];
        $cases = [
            Exception\NotFoundException::class => fn () => $this->db->item(42),
            Exception\InvalidInputException::class => fn () => $this->db->issue($item, '0'),
            Exception\AlreadyExistsException::class => fn () => $this->db->createItem('A', 'again'),
            Exception\InvalidTransitionException::class => function () use ($item): void {
                $this->db->receive($item, '1', '1');
                $this->db->updateItem($item, ['valuation' => 'lifo']);
            },
            Exception\IdempotencyConflictException::class => function () use ($item): void {
                $this->db->receive($item, '1', '1', [], 'k');
                $this->db->receive($item, '2', '1', [], 'k');
            },
        ];
        foreach ($cases as $class => $call) {
            try {
                $call();
                self::fail("expected {$class}");
            } catch (Exception\RacineException $e) {
                self::assertInstanceOf($class, $e, $e->getMessage());
                self::assertNotSame('', $e->getMessage());
            }
        }
        try {
            $this->db->item(42);
        } catch (Exception\NotFoundException $e) {
            self::assertSame(['item', '42'], [$e->entity, $e->key]);
        }
        try {
            $this->db->call('nope');
            self::fail('expected a refusal');
        } catch (Exception\InvalidInputException $e) {
            // The same code, number and field as in C and Python.
            self::assertSame(['invalid_input', 2, 'op'], [$e->errorCode, $e->getCode(), $e->field]);
        }
        try {
            $this->db->receive($item, 1, 2.5);
            self::fail('a float is refused');
        } catch (Exception\InvalidInputException $e) {
            self::assertSame('movement.unit_cost', $e->field);
        }
        try {
            $this->db->createItem('B', 'B', ['valuation' => 'fifoo']);
            self::fail('a misspelt valuation is refused');
        } catch (Exception\InvalidInputException $e) {
            self::assertSame('item.valuation', $e->field);
        }
    }

    public function testStorageSchemaAndClosed(): void
    {
        try {
            new Database('/nonexistent/dir/racine.db');
            self::fail('expected StorageException');
        } catch (Exception\StorageException $e) {
            self::assertSame('storage', $e->errorCode);
        }
        $path = sys_get_temp_dir() . '/racine-new-' . bin2hex(random_bytes(4)) . '.db';
        (new Database($path))->close();
        $pdo = new \PDO("sqlite:{$path}");
        $pdo->exec('PRAGMA user_version = 999');
        $pdo = null;
        try {
            new Database($path);
            self::fail('expected SchemaTooNewException');
        } catch (Exception\SchemaTooNewException $e) {
            self::assertSame([999, \Racine\Generated\Catalogue::SCHEMA_VERSION], [$e->found, $e->supported]);
        }
        array_map('unlink', glob($path . '*') ?: []);
        $this->db->close();
        try {
            $this->db->info();
            self::fail('expected DatabaseClosedException');
        } catch (Exception\DatabaseClosedException $e) {
            self::assertSame('closed', $e->errorCode);
        }
    }

    public function testBusyWhenAnotherProcessHoldsTheWriteLock(): void
    {
        $path = sys_get_temp_dir() . '/racine-busy-' . bin2hex(random_bytes(4)) . '.db';
        $db = new Database($path, ['busy_timeout_ms' => 300]);
        $item = $db->createItem('A', 'A')['id'];
        // Another process (not this one: two SQLite libraries in one process
        // do not see each other's locks) holds the write lock.
        $hold = '$p = new PDO("sqlite:" . $argv[1]); $p->exec("BEGIN IMMEDIATE"); echo "locked\n"; fgets(STDIN); $p->exec("ROLLBACK");';
        $proc = proc_open([PHP_BINARY, '-r', $hold, $path], [0 => ['pipe', 'r'], 1 => ['pipe', 'w']], $pipes);
        self::assertSame("locked\n", fgets($pipes[1]));
        try {
            $db->receive($item, '1', '1');
            self::fail('expected BusyException');
        } catch (Exception\BusyException $e) {
            self::assertSame(8, $e->getCode());
        }
        fwrite($pipes[0], "go\n");
        fclose($pipes[0]);
        proc_close($proc);
        $db->receive($item, '1', '1');
        self::assertSame('1', $db->stock($item)['on_hand']);
        $db->close();
        array_map('unlink', glob($path . '*') ?: []);
    }

    public function testDetailsMapToClasses(): void
    {
        $e = Exception\RacineException::fromDetails(['code' => 'insufficient_available', 'message' => 'm', 'sku' => 'S', 'available' => '1.5', 'requested' => '2', 'item' => 1, 'warehouse' => 'MAIN', 'status' => 4]);
        self::assertInstanceOf(Exception\InsufficientAvailableException::class, $e);
        self::assertSame(['1.5', '2', 4], [$e->available, $e->requested, $e->getCode()]);
        self::assertInstanceOf(Exception\StockRefusalException::class, $e);
        self::assertInstanceOf(Exception\InternalException::class, Exception\RacineException::fromDetails(['code' => 'panic']));
        self::assertSame(Exception\RacineException::class, get_class(Exception\RacineException::fromDetails(['code' => 'future_kind'])));
    }

    /** Every operation and error code of the catalogue (schema/racine.json) is in the package. */
    public function testEveryOperationAndErrorOfTheCatalogueIsHere(): void
    {
        $schema = json_decode((string) file_get_contents(__DIR__ . '/../../schema/racine.json'), true, 512, JSON_THROW_ON_ERROR);
        // The facade extends Laravel's (tested in a real application, tests/laravel): read its docblock as text.
        $facade = (string) file_get_contents(__DIR__ . '/../src/Laravel/Facades/Racine.php');
        foreach ($schema['operations'] as $op) {
            $method = lcfirst(str_replace('_', '', ucwords($op['name'], '_')));
            self::assertTrue(method_exists(Database::class, $method), "no Database::{$method}() for {$op['name']}");
            self::assertTrue(method_exists(\Racine\RacineInterface::class, $method), "the contract does not declare {$method}()");
            self::assertStringContainsString(" {$method}(", $facade, "the facade does not declare {$method}()");
        }
        // Every public method of Database is in the contract, with the same parameters.
        foreach ((new \ReflectionClass(Database::class))->getMethods(\ReflectionMethod::IS_PUBLIC) as $m) {
            if ($m->isStatic() || str_starts_with($m->getName(), '__')) {
                continue;
            }
            $declared = new \ReflectionMethod(\Racine\RacineInterface::class, $m->getName());
            self::assertSame(
                array_map('strval', array_map(static fn ($p) => $p->getType() . ' $' . $p->getName(), $m->getParameters())),
                array_map('strval', array_map(static fn ($p) => $p->getType() . ' $' . $p->getName(), $declared->getParameters())),
                "Database::{$m->getName()}() and the contract differ",
            );
        }
        foreach ($schema['errors'] as $error) {
            $class = Exception\Kinds::CLASSES[$error['code']] ?? null;
            self::assertNotNull($class, "no exception class for {$error['code']}");
            $e = Exception\RacineException::fromDetails(['code' => $error['code'], 'status' => $error['number']]);
            self::assertInstanceOf($class, $e);
            self::assertSame($error['number'], $e->getCode());
        }
    }

    public function testLibraryProblemsAreClear(): void
    {
        try {
            Native::libraryPath('/nope/libracine_ffi.so');
            self::fail('expected an exception');
        } catch (Exception\RacineException $e) {
            self::assertSame('library_missing', $e->errorCode);
        }
        try {
            Native::headerPath('/nope/racine_php.h');
            self::fail('expected an exception');
        } catch (Exception\RacineException $e) {
            self::assertSame('header_missing', $e->errorCode);
        }
    }
}
