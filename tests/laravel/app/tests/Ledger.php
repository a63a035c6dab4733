<?php

namespace Tests;

/**
 * The ledger the suite runs on: SQLite by default; with
 * RACINE_TEST_ENGINE=postgres, a fresh schema of the server
 * RACINE_TEST_POSTGRES names for every test (tests/laravel/run runs the
 * suite once per engine, as a shop with several app servers would have it).
 */
final class Ledger
{
    private static int $schemas = 0;

    public static function onPostgres(): bool
    {
        return getenv('RACINE_TEST_ENGINE') === 'postgres' && getenv('RACINE_TEST_POSTGRES') !== false;
    }

    /** A new, empty ledger: `$file` (or memory) on SQLite, a new schema on PostgreSQL. */
    public static function fresh(?string $file = null): string
    {
        if (!self::onPostgres()) {
            return $file ?? ':memory:';
        }
        $server = (string) getenv('RACINE_TEST_POSTGRES');
        $schema = sprintf('laravel%d_%d', getmypid(), self::$schemas++);
        exec(sprintf('psql -q -X %s -c %s 2>&1', escapeshellarg($server), escapeshellarg("CREATE SCHEMA {$schema}")), $out, $code);
        if ($code !== 0) {
            throw new \RuntimeException("cannot create schema {$schema}: " . implode("\n", $out));
        }
        $sep = str_contains($server, '?') ? '&' : '?';
        return "{$server}{$sep}options=-csearch_path%3D{$schema}";
    }

    /** Makes `$database` the ledger the application's config reads (env RACINE_DATABASE). */
    public static function use(string $database): void
    {
        putenv("RACINE_DATABASE={$database}");
        $_ENV['RACINE_DATABASE'] = $_SERVER['RACINE_DATABASE'] = $database;
    }
}
