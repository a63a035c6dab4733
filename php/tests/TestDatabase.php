<?php

declare(strict_types=1);

namespace Racine\Tests;

/**
 * The engine the suite runs on: SQLite in memory by default; with
 * RACINE_TEST_ENGINE=postgres, each database a fresh schema of the server
 * RACINE_TEST_POSTGRES names (scripts/test starts one and runs the suite
 * once per engine).
 */
final class TestDatabase
{
    private static int $schemas = 0;

    /** A new, empty database of the engine under test (its path or URL). */
    public static function fresh(): string
    {
        $server = getenv('RACINE_TEST_POSTGRES');
        if (getenv('RACINE_TEST_ENGINE') !== 'postgres' || $server === false) {
            return ':memory:';
        }
        $schema = sprintf('php%d_%d', getmypid(), self::$schemas++);
        exec(sprintf('psql -q -X %s -c %s 2>&1', escapeshellarg($server), escapeshellarg("CREATE SCHEMA {$schema}")), $out, $code);
        if ($code !== 0) {
            throw new \RuntimeException("cannot create schema {$schema}: " . implode("\n", $out));
        }
        $sep = str_contains($server, '?') ? '&' : '?';
        return "{$server}{$sep}options=-csearch_path%3D{$schema}";
    }
}
