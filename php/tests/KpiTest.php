<?php

declare(strict_types=1);

namespace Racine\Tests;

use DateTimeImmutable;
use PHPUnit\Framework\TestCase;
use Racine\Database;
use Racine\Exception\InvalidInputException;

/** The KPI dashboards through PHP: definitions, business days, currencies apart or converted. */
final class KpiTest extends TestCase
{
    private Database $db;

    protected function setUp(): void
    {
        $this->db = new Database(TestDatabase::fresh(), ['time_zone' => 'Europe/Paris']);
    }

    public function testErpDashboard(): void
    {
        $oak = $this->db->createItem('OAK', 'Oak plank', ['reorder_point' => '8'])['id'];
        $this->db->receive($oak, '10', '2', ['effective_at' => new DateTimeImmutable('2026-02-01T00:00:00+01:00')]);
        // Just after midnight on 1 March in Paris: still 28 February in UTC.
        $this->db->issue($oak, '3', ['effective_at' => new DateTimeImmutable('2026-03-01T00:00:30+01:00')]);
        $erp = $this->db->erpDashboard(['period' => '2026-03']);
        self::assertSame('2026-03-01', $erp['daily_flows']['days'][0]['day']);
        self::assertSame('3', $erp['daily_flows']['days'][0]['out_quantity']);
        self::assertCount(31, $erp['daily_flows']['days']);
        self::assertSame('14', $erp['valuation']['total']);
        self::assertSame('OAK', $erp['low_stock']['items'][0]['sku']);
        self::assertSame('Europe/Paris', $erp['daily_flows']['definition']['time_zone']);
        self::assertSame(1, $erp['daily_flows']['definition']['rows_counted']);
        self::assertEquals(new DateTimeImmutable('2026-02-28T23:00:00Z'), $erp['period']['start']);
        self::assertEquals($erp['top_movers'], $this->db->topMovers(['period' => '2026-03']));
        $week = $this->db->resolvePeriod('last_7_days', new DateTimeImmutable('2026-04-01T01:00:00Z'));
        self::assertSame(['2026-03-26', '2026-04-01'], [$week['first_day'], $week['last_day']]);
        try {
            $this->db->dailyFlows(['period' => 'next_month']);
            self::fail('a bad period is refused');
        } catch (InvalidInputException $e) {
            self::assertSame('query.period', $e->field);
        }
    }

    public function testCrmDashboardKeepsCurrenciesApart(): void
    {
        $this->db->addLostReason('price', 'Too expensive');
        $sales = $this->db->createPipeline('Sales', [
            ['name' => 'Lead', 'probability' => '20'],
            ['name' => 'Won', 'kind' => 'won'],
            ['name' => 'Lost', 'kind' => 'lost'],
        ]);
        $acme = $this->db->createContact('ACME', ['kind' => 'company'])['id'];
        $at = new DateTimeImmutable('2026-03-02T09:00:00Z');
        $won = $this->db->createOpportunity('Stools', $acme, $sales['id'], ['amount' => '900', 'currency' => 'EUR', 'at' => $at]);
        $this->db->winOpportunity($won['id'], null, null, ['at' => $at->modify('+4 days')]);
        $lost = $this->db->createOpportunity('Tables', $acme, $sales['id'], ['amount' => '500', 'currency' => 'USD', 'at' => $at]);
        $this->db->loseOpportunity($lost['id'], 'price', null, ['at' => $at->modify('+1 day')]);
        $crm = $this->db->crmDashboard(['period' => '2026-03']);
        self::assertSame([1, 1], [$crm['win_rate']['won'], $crm['win_rate']['lost']]);
        self::assertSame(['EUR', 'USD'], array_column($crm['win_rate']['by_value'], 'currency'));
        self::assertSame('4', $crm['sales_cycle']['days']['value']);
        self::assertSame('ACME', $crm['top_clients']['rankings'][0]['clients'][0]['name']);
        $converted = $this->db->winRate([
            'period' => '2026-03',
            'rates' => ['name' => 'desk', 'currency' => 'EUR', 'rates' => [['currency' => 'USD', 'rate' => '0.9']]],
        ]);
        self::assertSame('1350', $converted['by_value'][0]['ratio']['denominator']);
        self::assertStringContainsString('desk', $converted['definition']['currency_rule']);
        try {
            $this->db->winRate(['period' => '2026-03', 'rates' => ['name' => 'none', 'currency' => 'EUR', 'rates' => []]]);
            self::fail('a currency without a rate is refused');
        } catch (InvalidInputException $e) {
            self::assertSame('rates', $e->field);
        }
    }
}
