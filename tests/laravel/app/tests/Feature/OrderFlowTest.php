<?php

namespace Tests\Feature;

use App\Models\Order;
use Illuminate\Support\Facades\DB;
use Illuminate\Support\Facades\Event;
use Racine\Exception\InsufficientAvailableException;
use Racine\Laravel\Events\OrderStockRefused;
use Racine\Laravel\Events\OrderStockSynced;
use Tests\TestCase;

/** The order observer in a real application: Eloquent on SQLite, after-commit, config from config/racine.php. */
class OrderFlowTest extends TestCase
{
    private function order(array $lines, string $status = 'paid'): array
    {
        $response = $this->postJson('/api/orders', ['lines' => $lines, 'status' => $status]);
        $response->assertStatus(201);
        return $response->json();
    }

    public function testPaidReservesShippedFulfilsReturnedRestocks(): void
    {
        $mug = $this->shelf('MUG', '10');
        $order = $this->order([['sku' => 'MUG', 'quantity' => '3', 'unit_price' => '9.90']]);
        $this->assertSame('reserved', $order['stock_status']);
        $this->assertSame(['10', '3', '7'], array_values(array_intersect_key($this->racine()->stock($mug), array_flip(['on_hand', 'reserved', 'available']))));

        $this->patchJson("/api/orders/{$order['id']}", ['status' => 'shipped'])->assertOk()->assertJson(['stock_status' => 'fulfilled']);
        $this->patchJson("/api/orders/{$order['id']}", ['status' => 'shipped'])->assertOk(); // a second save
        $this->assertSame(['7', '0'], [$this->racine()->stock($mug)['on_hand'], $this->racine()->stock($mug)['reserved']]);

        $this->patchJson("/api/orders/{$order['id']}", ['status' => 'returned'])->assertOk()->assertJson(['stock_status' => 'returned']);
        $this->assertSame('10', $this->racine()->stock($mug)['on_hand']);
        $external = $order['id'] . '-' . $order['stock_reference'];
        $this->assertSame('fulfilled', $this->racine()->order($external)['status']);
        $this->assertTrue($this->racine()->verify()['is_clean']);
    }

    public function testCancelThenDeleteRestocksOnceWithTheConfiguredPolicy(): void
    {
        config()->set('racine.stock_policy', 'decrement_on_sale'); // the back office's behaviour, from config
        $mug = $this->shelf('MUG', '10');
        $this->racine()->receive($mug, '10', '10'); // moving the FIFO layers: the return comes back at the cost it left with
        $order = $this->order([['sku' => 'MUG', 'quantity' => '3', 'unit_price' => '9.90']]);
        $this->assertSame('decrement_on_sale', $this->racine()->stockPolicy());
        $this->assertSame('sold', $order['stock_status']);
        $this->assertSame('17', $this->racine()->stock($mug)['on_hand']);

        $this->patchJson("/api/orders/{$order['id']}", ['status' => 'cancelled'])->assertOk()->assertJson(['stock_status' => 'cancelled']);
        $this->deleteJson("/api/orders/{$order['id']}")->assertNoContent();
        $this->assertSame(['20', '140'], [$this->racine()->stock($mug)['on_hand'], $this->racine()->stock($mug)['value']]);
        $this->assertTrue($this->racine()->verify()['is_clean']);
    }

    public function testDeletingAPaidOrderReleasesItsReservation(): void
    {
        $mug = $this->shelf('MUG', '5');
        $order = $this->order([['sku' => 'MUG', 'quantity' => '2']]);
        $this->deleteJson("/api/orders/{$order['id']}")->assertNoContent();
        $this->assertSame(['5', '0'], [$this->racine()->stock($mug)['on_hand'], $this->racine()->stock($mug)['reserved']]);
    }

    public function testAShortOrderIsRefusedAs409AndNotLoggedAsAnError(): void
    {
        $refused = [];
        Event::listen(OrderStockRefused::class, function (OrderStockRefused $e) use (&$refused) {
            $refused[] = [$e->order->id, $e->reason->errorCode];
        });
        $this->shelf('MUG', '5');
        $this->shelf('CUP', '1');
        $response = $this->postJson('/api/orders', ['status' => 'paid', 'lines' => [
            ['sku' => 'MUG', 'quantity' => '2'], ['sku' => 'CUP', 'quantity' => '2'],
        ]]);
        $response->assertStatus(409)->assertJsonPath('error.code', 'insufficient_available')
            ->assertJsonPath('error.lines.0.sku', 'CUP')->assertJsonPath('error.lines.0.available', '1');
        $order = Order::sole();
        $this->assertSame(['paid', 'refused'], [$order->status, $order->stock_status], 'the app sees the refusal');
        $this->assertSame([[$order->id, 'insufficient_available']], $refused);
        $this->assertSame('0', $this->racine()->stock('MUG')['reserved'], 'nothing moved');
        $this->assertStringNotContainsString('ERROR', $this->logged());
    }

    public function testTheRefusedStatusAndNoThrowFromConfig(): void
    {
        config()->set('racine.orders.refused_status', 'out_of_stock');
        config()->set('racine.orders.throw', false);
        $this->shelf('MUG', '1');
        $order = $this->order([['sku' => 'MUG', 'quantity' => '2']]);
        $this->assertSame(['out_of_stock', 'refused'], [$order['status'], $order['stock_status']]);
    }

    public function testARolledBackOrderNeverReachesTheLedgerAndItsReusedIdDoesNotCollide(): void
    {
        $mug = $this->shelf('MUG', '5');
        try {
            DB::transaction(function () {
                $order = Order::create(['status' => 'pending']);
                $order->items()->create(['sku' => 'MUG', 'quantity' => '2']);
                $order->update(['status' => 'paid']);
                throw new \RuntimeException('payment provider timed out');
            });
        } catch (\RuntimeException) {
        }
        $this->assertSame([], $this->racine()->orders()['items'], 'after commit only: nothing placed, nothing reserved');
        $this->assertSame('0', $this->racine()->stock($mug)['reserved']);

        // SQLite hands the rolled-back id out again.
        $order = $this->order([['sku' => 'MUG', 'quantity' => '1']]);
        $this->assertSame(1, $order['id']);
        $this->assertSame('reserved', $order['stock_status']);
        $this->assertSame('1', $this->racine()->stock($mug)['reserved']);
    }

    public function testAnOrderInsideTheAppsTransactionIsPlacedAtCommit(): void
    {
        $mug = $this->shelf('MUG', '5');
        DB::transaction(function () use ($mug) {
            $order = Order::create(['status' => 'pending']);
            $order->items()->create(['sku' => 'MUG', 'quantity' => '2']);
            $order->update(['status' => 'paid']);
            $this->assertSame('pending', $order->fresh()->stock_status, 'marked in the same UPDATE as the status');
            $this->assertSame('0', $this->racine()->stock($mug)['reserved'], 'not before the commit');
        });
        $this->assertSame('2', $this->racine()->stock($mug)['reserved']);
        $this->assertSame('reserved', Order::sole()->stock_status);
    }

    public function testLinesAddedAfterPaymentAreResynchronised(): void
    {
        $this->shelf('MUG', '5');
        $this->shelf('CUP', '5');
        $synced = 0;
        Event::listen(OrderStockSynced::class, function () use (&$synced) {
            $synced++;
        });
        $order = $this->order([['sku' => 'MUG', 'quantity' => '2']]);
        $this->postJson("/api/orders/{$order['id']}/items", ['sku' => 'CUP', 'quantity' => '1', 'unit_price' => '3'])->assertOk()
            ->assertJson(['stock_status' => 'reserved']);
        $this->patchJson("/api/orders/{$order['id']}", ['status' => 'paid'])->assertOk(); // saves again: no conflict
        $this->assertSame(['2', '1'], [$this->racine()->stock('MUG')['reserved'], $this->racine()->stock('CUP')['reserved']]);
        $external = $order['id'] . '-' . $order['stock_reference'];
        $this->assertSame('cancelled', $this->racine()->order($external)['status']);
        $this->assertSame(['MUG', 'CUP'], array_column($this->racine()->order("{$external}~2")['lines'], 'sku'));
        $this->assertGreaterThanOrEqual(2, $synced);

        // Once it shipped, an edit is refused rather than silently diverging.
        $this->patchJson("/api/orders/{$order['id']}", ['status' => 'shipped'])->assertOk();
        $this->postJson("/api/orders/{$order['id']}/items", ['sku' => 'MUG', 'quantity' => '1'])
            ->assertStatus(409)->assertJsonPath('error.code', 'invalid_transition')->assertJsonPath('error.action', 'replace');
        $this->assertSame('refused', Order::find($order['id'])->stock_status);
        $this->assertTrue($this->racine()->verify()['is_clean']);
    }

    public function testAnOrderPaidAgainAfterItsCancellationReservesAgain(): void
    {
        $this->shelf('MUG', '5');
        $order = $this->order([['sku' => 'MUG', 'quantity' => '2']]);
        $this->patchJson("/api/orders/{$order['id']}", ['status' => 'cancelled'])->assertOk()->assertJson(['stock_status' => 'cancelled']);
        $this->assertSame('0', $this->racine()->stock('MUG')['reserved']);
        $this->patchJson("/api/orders/{$order['id']}", ['status' => 'paid'])->assertOk()->assertJson(['stock_status' => 'reserved']);
        $this->assertSame('2', $this->racine()->stock('MUG')['reserved']);
        $external = $order['id'] . '-' . $order['stock_reference'];
        $this->assertSame('placed', $this->racine()->order("{$external}~2")['status']);
        $this->patchJson("/api/orders/{$order['id']}", ['status' => 'cancelled'])->assertOk();
        $this->assertSame('0', $this->racine()->stock('MUG')['reserved']);
    }

    public function testAShortEditKeepsTheOrderAsItWas(): void
    {
        $this->shelf('MUG', '3');
        $order = $this->order([['sku' => 'MUG', 'quantity' => '2']]);
        $this->postJson("/api/orders/{$order['id']}/items", ['sku' => 'MUG', 'quantity' => '2'])
            ->assertStatus(409)->assertJsonPath('error.code', 'insufficient_available');
        $this->assertSame('refused', Order::find($order['id'])->stock_status);
        $external = $order['id'] . '-' . $order['stock_reference'];
        $this->assertSame('placed', $this->racine()->order($external)['status'], 'one transaction: nothing cancelled');
        $this->assertSame('2', $this->racine()->stock('MUG')['reserved']);
    }

    public function testAnOrderCreatedPaidBeforeItsLinesWaitsForThem(): void
    {
        $this->shelf('MUG', '5');
        $order = Order::create(['status' => 'paid']);
        $this->assertSame('awaiting_lines', $order->stock_status);
        $order->items()->create(['sku' => 'MUG', 'quantity' => '2']);
        $this->assertSame('reserved', $order->fresh()->stock_status);
        $this->assertSame('2', $this->racine()->stock('MUG')['reserved']);
    }

    public function testCustomStatusesFromConfig(): void
    {
        config()->set('racine.orders.statuses', ['paid' => 'payée', 'shipped' => 'expédiée', 'cancelled' => 'annulée']);
        $mug = $this->shelf('MUG', '5');
        $order = $this->order([['sku' => 'MUG', 'quantity' => '2']], 'payée');
        $this->assertSame('reserved', $order['stock_status']);
        $this->patchJson("/api/orders/{$order['id']}", ['status' => 'paid'])->assertOk(); // not a status of this shop any more
        $this->patchJson("/api/orders/{$order['id']}", ['status' => 'expédiée'])->assertOk()->assertJson(['stock_status' => 'fulfilled']);
        $this->assertSame('3', $this->racine()->stock($mug)['on_hand']);
    }

    public function testTheObserverRefusalReachesPlainPhpCallers(): void
    {
        $this->shelf('MUG', '1');
        $order = Order::create(['status' => 'pending']);
        $order->items()->create(['sku' => 'MUG', 'quantity' => '2']);
        try {
            $order->update(['status' => 'paid']);
            $this->fail('expected InsufficientAvailableException');
        } catch (InsufficientAvailableException $e) {
            $this->assertSame('MUG', $e->sku);
        }
        $this->assertSame('refused', $order->stock_status);
    }
}
