<?php

declare(strict_types=1);

namespace Racine\Tests\Stubs;

/** A minimal stand-in for Laravel's application container and config repository. */
final class Container implements \ArrayAccess
{
    /** @var array<string, \Closure> */
    private array $singletons = [];
    /** @var array<string, mixed> */
    private array $instances = [];
    /** @var array<string, string> */
    private array $aliases = [];

    public function __construct(public readonly Config $config = new Config(), private readonly string $basePath = '/app')
    {
        $this->instances['config'] = $this->config;
    }

    public function singleton(string $id, \Closure $factory): void
    {
        $this->singletons[$id] = $factory;
    }

    public function alias(string $id, string $alias): void
    {
        $this->aliases[$alias] = $id;
    }

    public function make(string $id): mixed
    {
        $id = $this->aliases[$id] ?? $id;
        if (!array_key_exists($id, $this->instances)) {
            if (!isset($this->singletons[$id])) {
                throw new \RuntimeException("nothing bound to {$id}");
            }
            $this->instances[$id] = ($this->singletons[$id])($this);
        }
        return $this->instances[$id];
    }

    public function configPath(string $file = ''): string
    {
        return $this->basePath . '/config/' . $file;
    }

    public function offsetExists(mixed $offset): bool
    {
        return isset($this->instances[$offset]) || isset($this->singletons[$offset]);
    }

    public function offsetGet(mixed $offset): mixed
    {
        return $this->make($offset);
    }

    public function offsetSet(mixed $offset, mixed $value): void
    {
        $this->instances[$offset] = $value;
    }

    public function offsetUnset(mixed $offset): void
    {
        unset($this->instances[$offset]);
    }
}
