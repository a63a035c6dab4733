<?php

namespace Tests\Feature;

use Racine\Exception\BusyException;
use Racine\Laravel\Facades\Racine;
use Tests\TestCase;

/** Refusals as HTTP responses, and an export as a download. */
class HttpTest extends TestCase
{
    public function testRefusalsRenderWithTheirStatusAndStayOutOfTheLog(): void
    {
        $this->shelf('MUG', '1');
        $this->getJson('/api/stock/NOPE')->assertStatus(404)
            ->assertJson(['error' => ['code' => 'not_found', 'entity' => 'item', 'key' => 'NOPE']]);
        $this->postJson('/api/orders', ['status' => 'paid', 'lines' => [['sku' => 'MUG', 'quantity' => '-1']]])
            ->assertStatus(422)->assertJsonPath('error.code', 'invalid_input')->assertJsonPath('error.field', 'lines[0].quantity');
        $this->postJson('/api/checkout', ['sku' => 'MUG', 'quantity' => '2'])->assertStatus(409)
            ->assertJsonPath('error.code', 'insufficient_available');
        $plain = $this->post('/api/checkout', ['sku' => 'MUG', 'quantity' => '2']);
        $plain->assertStatus(409);
        $this->assertStringContainsString('MUG', $plain->getContent());
        $this->assertStringNotContainsString('ERROR', $this->logged());
    }

    /**
     * In a process of its own: the library is loaded once per process.
     *
     * @runInSeparateProcess
     * @preserveGlobalState disabled
     */
    public function testAFaultIsStillReported(): void
    {
        config()->set('racine.library', '/nonexistent/libracine_ffi.so');
        $this->getJson('/api/stock/MUG')->assertStatus(500);
        $this->assertStringContainsString('.ERROR: the Racine library /nonexistent/libracine_ffi.so does not exist', $this->logged());
    }

    public function testABusyDatabaseIsA503WithRetryAfter(): void
    {
        Racine::shouldReceive('stock')->andThrow(BusyException::fromDetails(['code' => 'busy', 'message' => 'the database is busy', 'status' => 8]));
        $this->getJson('/api/stock/MUG')->assertStatus(503)->assertHeader('Retry-After', '1')->assertJsonPath('error.code', 'busy');
        $this->assertStringContainsString('ERROR', $this->logged(), 'a fault is reported');
    }

    public function testAnExportDownloadsAsAStream(): void
    {
        $this->shelf('MUG', '3');
        $response = $this->get('/api/exports/movements.csv');
        $response->assertOk()->assertHeader('Content-Type', 'text/csv; charset=UTF-8');
        $this->assertStringContainsString('attachment; filename=movements.csv', $response->headers->get('Content-Disposition'));
        $csv = $response->streamedContent();
        $this->assertStringContainsString('MUG', $csv);
        $this->assertSame(2, count(array_filter(explode("\n", $csv))), 'a header and one movement');
    }
}
