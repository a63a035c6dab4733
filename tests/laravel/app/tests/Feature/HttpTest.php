<?php

namespace Tests\Feature;

use Illuminate\Http\UploadedFile;
use Racine\Exception\BusyException;
use Racine\Laravel\Facades\Racine;
use Tests\TestCase;

/** Refusals as HTTP responses, an export as a download, an uploaded file imported. */
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

    public function testAnUploadedFileIsImportedOrRefusedRowByRow(): void
    {
        $upload = fn (string $csv) => UploadedFile::fake()->createWithContent('Items.CSV', $csv);
        $bad = $this->postJson('/api/imports/items', ['file' => $upload("sku,name,reorder_point\n,No sku,1\nB,Beta,x\n")]);
        $bad->assertStatus(422)->assertJsonPath('error.code', 'import_refused')
            ->assertJsonPath('error.invalid_rows', 2)
            ->assertJsonPath('error.problems.0.column', 'sku')
            ->assertJsonPath('error.problems.1.value', 'x');
        $this->assertSame('', $this->logged(), 'a refused file is the client\'s business');

        $good = $upload("sku,name\n00042,Oak plank\nGLUE,Glue\n");
        $this->postJson('/api/imports/items', ['file' => $good, 'dry_run' => '1'])->assertOk()->assertJsonPath('created', 2);
        $this->assertSame([], $this->racine()->items()['items']);
        $this->postJson('/api/imports/items', ['file' => $good])->assertStatus(201)->assertJsonPath('created', 2);
        $this->assertSame('Oak plank', $this->racine()->itemBySku('00042')['name']);
        $this->postJson('/api/imports/items', ['file' => $good])->assertStatus(201)->assertJsonPath('existing', 2);
    }
}
