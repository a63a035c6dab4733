<?php

namespace Tests\Feature;

use PHPUnit\Framework\TestCase;
use Racine\Database;
use Tests\Ledger;

/**
 * The shop under real php-fpm 8.2, spoken to over FastCGI as nginx does
 * (cgi-fcgi), with the package's documented recipes: ffi.enable=preload
 * with opcache.preload, and ffi.enable=1. Every worker opens the same
 * ledger file; checkouts race for the last units.
 */
class FpmTest extends TestCase
{
    private static string $dir;
    /** The ledger every worker opens: a file in the test's folder, or a schema on PostgreSQL. */
    private static string $ledger;
    private ?int $master = null;
    /** @var array<string, string> more environment for the workers */
    private array $workerEnv = [];
    /** @var resource|null */
    private $process = null;

    public static function setUpBeforeClass(): void
    {
        foreach (['php-fpm8.2', 'cgi-fcgi'] as $tool) {
            if (trim((string) shell_exec('command -v ' . $tool)) === '') {
                self::fail("{$tool} is missing: .ci/run installs php8.2-fpm and libfcgi-bin");
            }
        }
    }

    protected function setUp(): void
    {
        self::$dir = sys_get_temp_dir() . '/racine-fpm-' . bin2hex(random_bytes(4));
        mkdir(self::$dir);
        self::$ledger = Ledger::fresh(self::$dir . '/stock.db');
        touch(self::$dir . '/app.sqlite');
        @unlink(self::app('storage/logs/laravel.log'));
        $this->artisan(['migrate', '--force', '--quiet']);
    }

    protected function tearDown(): void
    {
        if ($this->master !== null) {
            posix_kill($this->master, SIGTERM);
            proc_close($this->process);
        }
        exec('rm -rf ' . escapeshellarg(self::$dir));
    }

    private function env(): array
    {
        $env = ['DB_DATABASE' => self::$dir . '/app.sqlite', 'RACINE_DATABASE' => self::$ledger, 'APP_ENV' => 'production'];
        if (getenv('RACINE_LIB')) {
            $env['RACINE_LIB'] = getenv('RACINE_LIB'); // a path install; a dist install finds its own
        }
        return $env;
    }

    private function artisan(array $args): void
    {
        $cmd = array_merge([PHP_BINARY, '-d', 'ffi.enable=1', self::app('artisan')], $args);
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, self::app(''), $this->env() + getenv());
        $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        $this->assertSame(0, proc_close($proc), $out);
    }

    /** Starts php-fpm with these php.ini lines (Debian's conf.d still loads the extensions). */
    private function fpm(array $ini): void
    {
        $dir = self::$dir;
        file_put_contents("{$dir}/php.ini", implode("\n", $ini) . "\n");
        $env = '';
        foreach ($this->env() + $this->workerEnv as $k => $v) {
            $env .= "env[{$k}] = \"{$v}\"\n";
        }
        file_put_contents("{$dir}/fpm.conf", <<<CONF
            [global]
            error_log = {$dir}/fpm.log
            daemonize = no
            [shop]
            listen = {$dir}/fpm.sock
            pm = static
            pm.max_children = 4
            clear_env = yes
            catch_workers_output = yes
            {$env}
            CONF);
        $this->process = proc_open(['php-fpm8.2', '-R', '-F', '-c', "{$dir}/php.ini", '-y', "{$dir}/fpm.conf"], [1 => ['file', "{$dir}/fpm.out", 'a'], 2 => ['file', "{$dir}/fpm.out", 'a']], $pipes);
        $this->master = proc_get_status($this->process)['pid'];
        for ($i = 0; $i < 100 && !file_exists("{$dir}/fpm.sock"); $i++) {
            usleep(50_000);
        }
        $this->assertFileExists("{$dir}/fpm.sock", (string) @file_get_contents("{$dir}/fpm.out") . @file_get_contents("{$dir}/fpm.log"));
    }

    /** Starts one FastCGI request; request() and wait() finish it. */
    private function start(string $method, string $uri, ?array $json = null): array
    {
        $body = $json === null ? '' : json_encode($json);
        $env = [
            'SCRIPT_FILENAME' => self::app('public/index.php'), 'SCRIPT_NAME' => '/index.php', 'REQUEST_METHOD' => $method,
            'REQUEST_URI' => $uri, 'SERVER_NAME' => 'localhost', 'SERVER_PORT' => '80', 'SERVER_PROTOCOL' => 'HTTP/1.1',
            'HTTP_ACCEPT' => 'application/json', 'CONTENT_TYPE' => 'application/json', 'CONTENT_LENGTH' => (string) strlen($body),
        ];
        $proc = proc_open(['cgi-fcgi', '-bind', '-connect', self::$dir . '/fpm.sock'], [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        fwrite($pipes[0], $body);
        fclose($pipes[0]);
        return [$proc, $pipes];
    }

    /** @return array{0: int, 1: mixed} the status and the decoded body */
    private function wait(array $started): array
    {
        [$proc, $pipes] = $started;
        $raw = stream_get_contents($pipes[1]);
        proc_close($proc);
        [$head, $body] = array_pad(explode("\r\n\r\n", $raw, 2), 2, '');
        $status = preg_match('/^Status: (\d+)/m', $head, $m) ? (int) $m[1] : 200;
        return [$status, json_decode($body, true) ?? $body];
    }

    private function request(string $method, string $uri, ?array $json = null): array
    {
        return $this->wait($this->start($method, $uri, $json));
    }

    /** The shop's day through FPM: pay, ship, cancel, delete, a short order, then a race for the last units. */
    private function flows(): void
    {
        $ledger = new Database(self::$ledger);
        $ledger->createItem('MUG', 'Mug');
        $ledger->receive('MUG', '10', '4');
        $ledger->createItem('LAST', 'Last units');
        $ledger->receive('LAST', '12', '2');

        [$status, $info] = $this->request('GET', '/api/info');
        $this->assertSame(200, $status, print_r($info, true));
        $this->assertSame('fpm-fcgi', $info['sapi']);

        [$status, $paid] = $this->request('POST', '/api/orders', ['status' => 'paid', 'lines' => [['sku' => 'MUG', 'quantity' => '2']]]);
        $this->assertSame([201, 'reserved'], [$status, $paid['stock_status']], print_r($paid, true));
        [, $shipped] = $this->request('PATCH', "/api/orders/{$paid['id']}", ['status' => 'shipped']);
        $this->assertSame('fulfilled', $shipped['stock_status']);
        [, $other] = $this->request('POST', '/api/orders', ['status' => 'paid', 'lines' => [['sku' => 'MUG', 'quantity' => '3']]]);
        [, $cancelled] = $this->request('PATCH', "/api/orders/{$other['id']}", ['status' => 'cancelled']);
        $this->assertSame('cancelled', $cancelled['stock_status']);
        $this->assertSame(204, $this->request('DELETE', "/api/orders/{$other['id']}")[0]);
        [$status, $short] = $this->request('POST', '/api/orders', ['status' => 'paid', 'lines' => [['sku' => 'MUG', 'quantity' => '100']]]);
        $this->assertSame([409, 'insufficient_available'], [$status, $short['error']['code'] ?? null]);
        $this->assertSame(['8', '0'], [$ledger->stock('MUG')['on_hand'], $ledger->stock('MUG')['reserved']]);

        // 30 concurrent checkouts for 12 units, 4 workers.
        $started = [];
        for ($i = 0; $i < 30; $i++) {
            $started[] = $this->start('POST', '/api/checkout', ['sku' => 'LAST', 'quantity' => '1']);
        }
        $statuses = array_map(fn ($s) => $this->wait($s)[0], $started);
        $counted = array_count_values($statuses);
        ksort($counted);
        $this->assertSame([201 => 12, 409 => 18], $counted, 'exactly the stock is sold');
        $this->assertSame(['12', '12', '0'], array_values(array_intersect_key($ledger->stock('LAST'), array_flip(['on_hand', 'reserved', 'available']))));
        $app = new \PDO('sqlite:' . self::$dir . '/app.sqlite');
        $counts = $app->query("SELECT stock_status, count(*) FROM orders o JOIN order_items i ON i.order_id = o.id WHERE i.sku = 'LAST' GROUP BY stock_status ORDER BY stock_status")->fetchAll(\PDO::FETCH_KEY_PAIR);
        $this->assertSame(['refused' => 18, 'reserved' => 12], array_map('intval', $counts), 'the app agrees with the ledger');
        $this->assertTrue($ledger->verify()['is_clean']);
        $this->assertStringNotContainsString('.ERROR', (string) @file_get_contents(self::app('storage/logs/laravel.log')));
    }

    /** A path inside the application (this suite runs without booting it). */
    private static function app(string $path): string
    {
        return dirname(__DIR__, 2) . '/' . $path;
    }

    private function user(): string
    {
        return function_exists('posix_getpwuid') ? posix_getpwuid(posix_geteuid())['name'] : 'root';
    }

    public function testThePreloadRecipe(): void
    {
        $this->fpm([
            'ffi.enable=preload',
            'opcache.enable=1',
            'opcache.preload=' . self::app('vendor/racine/racine/preload.php'),
            'opcache.preload_user=' . $this->user(),
        ]);
        $this->flows();
    }

    /** The optional ffi.preload scope: the master parses the header once, preloaded code takes the scope. */
    public function testThePreloadRecipeWithAScopedHeader(): void
    {
        $scoped = \Racine\Preload::writeScopedHeader(getenv('RACINE_LIB') ?: (string) \Racine\Native::bundledLibrary(), self::$dir . '/racine.h');
        $this->workerEnv = ['RACINE_HEADER' => '/nonexistent/racine_php.h']; // only the scope can work
        $this->fpm([
            'ffi.enable=preload',
            'ffi.preload=' . $scoped,
            'opcache.enable=1',
            'opcache.preload=' . self::app('vendor/racine/racine/preload.php'),
            'opcache.preload_user=' . $this->user(),
        ]);
        $this->flows();
    }

    public function testFfiEnabled(): void
    {
        $this->fpm(['ffi.enable=1']);
        $this->flows();
    }

    /**
     * php -S (what `artisan serve` runs) has the same restriction; the same
     * preload script, with opcache on for the CLI binary, lifts it.
     */
    public function testTheBuiltInServerWithThePreloadRecipe(): void
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr(strrchr(stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        $flags = [
            '-d', 'ffi.enable=preload', '-d', 'opcache.enable=1', '-d', 'opcache.enable_cli=1',
            '-d', 'opcache.preload=' . self::app('vendor/racine/racine/preload.php'), '-d', 'opcache.preload_user=' . $this->user(),
        ];
        $this->process = proc_open(
            array_merge([PHP_BINARY], $flags, ['-S', "127.0.0.1:{$port}", '-t', self::app('public'), self::app('public/index.php')]),
            [1 => ['file', self::$dir . '/server.out', 'a'], 2 => ['file', self::$dir . '/server.out', 'a']],
            $pipes, null, $this->env() + getenv(),
        );
        $this->master = proc_get_status($this->process)['pid'];
        $http = function (string $method, string $uri, ?array $json = null) use ($port): array {
            $context = stream_context_create(['http' => [
                'method' => $method, 'ignore_errors' => true,
                'header' => "Accept: application/json\r\nContent-Type: application/json\r\n",
                'content' => $json === null ? '' : json_encode($json),
            ]]);
            for ($i = 0; $i < 50; $i++) {
                $body = @file_get_contents("http://127.0.0.1:{$port}{$uri}", false, $context);
                if ($body !== false) {
                    preg_match('/ (\d{3}) /', $http_response_header[0], $m);
                    return [(int) $m[1], json_decode($body, true)];
                }
                usleep(100_000); // still starting
            }
            $this->fail('the built-in server did not answer: ' . @file_get_contents(self::$dir . '/server.out'));
        };
        $ledger = new Database(self::$ledger);
        $ledger->createItem('MUG', 'Mug');
        $ledger->receive('MUG', '3', '4');
        [$status, $info] = $http('GET', '/api/info');
        $this->assertSame([200, 'cli-server', 'preload'], [$status, $info['sapi'] ?? null, $info['ffi_enable'] ?? null], print_r($info, true));
        [$status, $order] = $http('POST', '/api/orders', ['status' => 'paid', 'lines' => [['sku' => 'MUG', 'quantity' => '2']]]);
        $this->assertSame([201, 'reserved'], [$status, $order['stock_status'] ?? null], print_r($order, true));
        $this->assertSame(409, $http('POST', '/api/checkout', ['sku' => 'MUG', 'quantity' => '2'])[0]);
        $this->assertSame('2', $ledger->stock('MUG')['reserved']);
    }

    public function testAWrongSettingNamesTheIniLineToChange(): void
    {
        $this->fpm(['ffi.enable=preload', 'opcache.enable=1']);
        @unlink(self::app('storage/logs/laravel.log'));
        [$status] = $this->request('GET', '/api/info');
        $this->assertSame(500, $status);
        $log = (string) file_get_contents(self::app('storage/logs/laravel.log'));
        $this->assertStringContainsString('ffi.enable=preload in ' . self::$dir . '/php.ini', $log);
        $this->assertStringContainsString('opcache.preload=', $log);
        $this->assertStringContainsString('or set ffi.enable=1', $log);
    }
}
