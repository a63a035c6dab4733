<?php

// Stand-in for Laravel's Facade: resolves the accessor from the container.

namespace Illuminate\Support\Facades;

abstract class Facade
{
    public static $app;

    abstract protected static function getFacadeAccessor(): string;

    public static function getFacadeRoot(): mixed
    {
        return static::$app->make(static::getFacadeAccessor());
    }

    public static function __callStatic(string $method, array $args): mixed
    {
        return static::getFacadeRoot()->$method(...$args);
    }
}
