<?php

// Stand-in for Laravel's ServiceProvider (Laravel is not installable here):
// the same protected API the Racine provider uses.

namespace Illuminate\Support;

abstract class ServiceProvider
{
    /** @var array<string, array<string, string>> */
    public static array $publishes = [];

    public function __construct(protected $app)
    {
    }

    protected function mergeConfigFrom(string $path, string $key): void
    {
        $config = $this->app['config'];
        $config->set($key, array_merge(require $path, $config->get($key, [])));
    }

    /** @param array<string, string> $paths */
    protected function publishes(array $paths, ?string $group = null): void
    {
        static::$publishes[$group ?? static::class] = $paths;
    }
}
