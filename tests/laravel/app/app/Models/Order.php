<?php

namespace App\Models;

use Illuminate\Database\Eloquent\Model;
use Racine\Laravel\StockLines;

class Order extends Model implements StockLines
{
    protected $guarded = [];

    public function items()
    {
        return $this->hasMany(OrderItem::class);
    }

    public function stockCurrency(): string
    {
        return $this->currency ?? 'EUR';
    }

    public function stockLines(): array
    {
        return $this->items()->orderBy('id')->get()->map(fn (OrderItem $i) => [
            'sku' => $i->sku,
            'quantity' => (string) $i->quantity,
            'unit_price' => (string) $i->unit_price,
        ])->all();
    }
}
