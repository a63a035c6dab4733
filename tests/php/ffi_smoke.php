<?php
// Loads include/racine_php.h with the built library through PHP's FFI and
// reads the versions: the PHP header must parse without a preprocessor.
// Usage: php -d ffi.enable=1 tests/php/ffi_smoke.php /abs/path/libracine_ffi.so
declare(strict_types=1);

$lib = $argv[1] ?? getenv('RACINE_LIB');
if (!$lib || !is_file($lib)) {
    fwrite(STDERR, "usage: php ffi_smoke.php /absolute/path/to/libracine_ffi.so\n");
    exit(2);
}
$ffi = FFI::cdef(file_get_contents(__DIR__ . '/../../include/racine_php.h'), realpath($lib));
$failed = 0;
$passed = 0;
function check(bool $ok, string $what): void {
    global $failed, $passed;
    if ($ok) { $passed++; } else { $failed++; fwrite(STDERR, "FAIL: $what\n"); }
}

$cargo = file_get_contents(__DIR__ . '/../../Cargo.toml');
preg_match('/^version = "([^"]+)"/m', $cargo, $m);
check($ffi->racine_version() === $m[1], 'racine_version() matches Cargo.toml (' . $ffi->racine_version() . ')');
check($ffi->racine_abi_version() === 2, 'racine_abi_version() is 2');

// One real call through the JSON entry point on an in-memory database.
$db = $ffi->new('RacineDb*');
$path = ':memory:';
check($ffi->racine_db_open($path, strlen($path), null, 0, FFI::addr($db)) === 0, 'open in memory');
$out = $ffi->new('char*');
$req = '{"op":"info"}';
check($ffi->racine_call($db, $req, strlen($req), FFI::addr($out)) === 0, 'info call');
$info = json_decode(FFI::string($out), true);
$ffi->racine_string_free($out);
check(($info['version'] ?? null) === $m[1], 'info reports the version');
$bad = '{"op":"nope"}';
check($ffi->racine_call($db, $bad, strlen($bad), FFI::addr($out)) === 2, 'unknown op is INVALID_INPUT');
check(str_contains($ffi->racine_last_error_message(), 'is not an operation'), 'error message readable');
$ffi->racine_db_free($db);

echo "php-ffi: $passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
