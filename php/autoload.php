<?php

// For use without Composer (examples, scripts): PSR-4 autoloading of Racine\.
spl_autoload_register(static function (string $class): void {
    if (str_starts_with($class, 'Racine\\')) {
        $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, 7)) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
