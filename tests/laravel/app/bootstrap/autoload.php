<?php

// Composer's autoloader (the app and racine/racine, installed by the test
// from a path or a dist archive), then Laravel 8.83 from Debian's
// php-laravel-framework: no Composer registry is reachable here.
require __DIR__ . '/../vendor/autoload.php';
require_once 'Illuminate/autoload.php';
