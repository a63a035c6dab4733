<?php

namespace App\Models;

use Illuminate\Database\Eloquent\Model;

class OrderItem extends Model
{
    protected $guarded = [];

    // Saving a line saves its order again: the observer re-synchronises it.
    protected $touches = ['order'];

    public function order()
    {
        return $this->belongsTo(Order::class);
    }
}
