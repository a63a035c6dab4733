<?php

declare(strict_types=1);

namespace Racine\Tests;

use DateTimeImmutable;
use PHPUnit\Framework\TestCase;
use Racine\Database;
use Racine\Exception\InsufficientAvailableException;
use Racine\Exception\InvalidTransitionException;
use Racine\Exception\NotFoundException;

final class OrdersTest extends TestCase
{
    private Database $db;

    protected function setUp(): void
    {
        $this->db = new Database(TestDatabase::fresh());
        $mug = $this->db->createItem('MUG', 'Mug', ['valuation' => 'moving_average'])['id'];
        $cup = $this->db->createItem('CUP', 'Cup')['id'];
        $this->db->receive($mug, '10', '4');
        $this->db->receive($cup, '5', '2');
    }

    public function testLifecycleAndRefusals(): void
    {
        $mug = $this->db->itemBySku('MUG')['id'];
        $lines = [['sku' => 'MUG', 'quantity' => '3', 'unit_price' => '9.90']];
        $placed = $this->db->placeOrder('1042', $lines, ['currency' => 'EUR', 'customer' => ['email' => 'ana@example.com']], 'wh:placed');
        self::assertSame(['placed', '29.7', 'ana@example.com'], [$placed['status'], $placed['total'], $placed['customer']['email']]);
        self::assertInstanceOf(DateTimeImmutable::class, $placed['placed_at']);
        self::assertEquals($placed, $this->db->placeOrder('1042', $lines, ['currency' => 'EUR', 'customer' => ['email' => 'ana@example.com']], 'wh:placed'));
        self::assertSame(['on_hand' => '10', 'reserved' => '3', 'available' => '7', 'value' => '40'], $this->db->stock($mug));
        self::assertTrue($this->db->payOrder('1042', 'psp:1')['paid']);
        self::assertTrue($this->db->payOrder('1042', 'psp:1')['paid']);
        self::assertSame('partially_fulfilled', $this->db->fulfilOrder('1042', [['line' => 1, 'quantity' => '1']])['status']);
        try {
            $this->db->fulfilOrder('1042', [['line' => 1, 'quantity' => '5']]);
            self::fail('more than ordered');
        } catch (InvalidTransitionException $e) {
            self::assertSame('order line', $e->entity);
        }
        $cancelled = $this->db->cancelOrder('1042', 'wh:cancel');
        self::assertSame(['cancelled', '1'], [$cancelled['status'], $cancelled['lines'][0]['restocked']]);
        self::assertEquals($cancelled, $this->db->cancelOrder('1042', 'wh:cancel'), 'cancel then delete, same key');
        $this->expectException(InvalidTransitionException::class);
        $this->db->returnOrder('1042', [['line' => 1, 'quantity' => '1', 'restock' => true]]);
    }

    public function testShortOrderListsEveryLineAndLeavesNothing(): void
    {
        try {
            $this->db->placeOrder('9', [
                ['sku' => 'MUG', 'quantity' => '11', 'unit_price' => '1'],
                ['sku' => 'CUP', 'quantity' => '1', 'unit_price' => '1'],
                ['sku' => 'CUP', 'quantity' => '5', 'unit_price' => '1'],
            ], ['currency' => 'EUR']);
            self::fail('expected a refusal');
        } catch (InsufficientAvailableException $e) {
            self::assertSame([[1, 'MUG', '10', '11'], [3, 'CUP', '4', '5']], array_map(
                static fn ($l) => [$l['line'], $l['sku'], $l['available'], $l['requested']],
                $e->lines,
            ));
            self::assertSame(['MUG', '10', 4], [$e->sku, $e->available, $e->getCode()]);
        }
        $this->expectException(NotFoundException::class);
        $this->db->order('9');
    }

    public function testReturnsExpiryAndDecrementOnSale(): void
    {
        $this->db->placeOrder('R', [['sku' => 'MUG', 'quantity' => '2', 'unit_price' => '1']], ['currency' => 'EUR']);
        $this->db->fulfilOrder('R');
        $after = $this->db->returnOrder('R', [['line' => 1, 'quantity' => '1', 'restock' => true]]);
        self::assertSame(['1', '1'], [$after['lines'][0]['returned'], $after['lines'][0]['restocked']]);
        $hold = new DateTimeImmutable('2025-11-25T10:00:00Z');
        $this->db->placeOrder('CART', [['sku' => 'CUP', 'quantity' => '2', 'unit_price' => '1']], ['currency' => 'EUR', 'placed_at' => $hold, 'expires_at' => $hold->modify('+30 minutes')]);
        self::assertSame(['CART'], $this->db->expireReservations($hold->modify('+1 hour')));
        self::assertSame('expired', $this->db->order('CART')['reservations'][0]['status']);

        $this->db->setStockPolicy('decrement_on_sale');
        $placed = $this->db->placeOrder('D', [['sku' => 'CUP', 'quantity' => '2']]); // a shop that tracks stock only: no price, no currency
        self::assertCount(1, $placed['movements']);
        $cup = $this->db->itemBySku('CUP')['id'];
        self::assertSame('3', $this->db->stock($cup)['on_hand']);
        $this->db->cancelOrder('D');
        self::assertSame('5', $this->db->stock($cup)['on_hand']);
        self::assertSame(0, $this->db->verify()['drift_count']);
    }
}
