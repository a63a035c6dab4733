<?php

declare(strict_types=1);

namespace Racine\Tests;

use DateTimeImmutable;
use PHPUnit\Framework\TestCase;
use Racine\Database;
use Racine\Exception\InvalidInputException;
use Racine\Exception\InvalidTransitionException;

/** The CRM through PHP: contacts, a pipeline with an opportunity won into an order, refusals. */
final class CrmTest extends TestCase
{
    private Database $db;

    protected function setUp(): void
    {
        $this->db = new Database(TestDatabase::fresh());
        $this->db->setDefaultCountry('FR');
        $this->db->addLostReason('price', 'Too expensive');
    }

    /** @return array<string, mixed> */
    private function pipeline(): array
    {
        return $this->db->createPipeline('Sales', [
            ['name' => 'Lead', 'probability' => '10'],
            ['name' => 'Proposal', 'probability' => '60'],
            ['name' => 'Won', 'kind' => 'won'],
            ['name' => 'Lost', 'kind' => 'lost'],
        ]);
    }

    public function testContacts(): void
    {
        $acme = $this->db->createContact('ACME', ['kind' => 'company']);
        $marie = $this->db->createContact('Marie Curie', [
            'company' => $acme['id'],
            'emails' => [' Marie.Curie@Example.FR '],
            'phones' => ['06 12 34 56 78'],
            'custom' => ['size' => 38],
        ], 'contact:marie');
        self::assertSame('marie.curie@example.fr', $marie['emails'][0]['normalised']);
        self::assertSame('+33612345678', $marie['phones'][0]['e164']);
        self::assertSame(['size' => 38], $marie['custom']);
        self::assertInstanceOf(DateTimeImmutable::class, $marie['created_at']);
        self::assertEquals($marie, $this->db->createContact('Marie Curie', [
            'company' => $acme['id'],
            'emails' => [' Marie.Curie@Example.FR '],
            'phones' => ['06 12 34 56 78'],
            'custom' => ['size' => 38],
        ], 'contact:marie'));
        $found = $this->db->contacts(['search' => '+33 6 12 34 56 78']);
        self::assertSame([$marie['id']], array_column($found['items'], 'id'));
        $changed = $this->db->updateContact($marie['id'], ['notes' => 'Mornings', 'company' => null]);
        self::assertSame(['Mornings', null], [$changed['notes'], $changed['company']]);
        self::assertSame('archived', $this->db->archiveContact($marie['id'])['status']);
        self::assertSame([], $this->db->createContact('No custom fields', ['custom' => []])['custom']);
    }

    public function testAnOpportunityMovedToWonPlacesItsOrder(): void
    {
        $pipeline = $this->pipeline();
        $bench = $this->db->createItem('BENCH', 'Lab bench')['id'];
        $this->db->receive($bench, '3', '200');
        $marie = $this->db->createContact('Marie Curie', ['emails' => ['marie@example.fr']]);
        $deal = $this->db->createOpportunity('Two benches', $marie['id'], $pipeline['id'], [
            'currency' => 'EUR',
            'lines' => [['sku' => 'BENCH', 'quantity' => '2', 'unit_price' => '450']],
            'expected_close' => '2026-07-31',
        ]);
        self::assertSame(['Lead', '900', '10', '2026-07-31'], [$deal['stage_name'], $deal['amount'], $deal['probability'], $deal['expected_close']]);
        $moved = $this->db->moveOpportunity($deal['id'], $pipeline['stages'][1]['id'], ['actor' => 'sophie', 'note' => 'quote sent']);
        self::assertSame('60', $moved['probability']);
        $won = $this->db->winOpportunity($deal['id'], null, ['external_id' => 'CRM-1'], [], 'win-1');
        self::assertSame('won', $won['opportunity']['status']);
        self::assertSame(['created', 'moved', 'won'], array_column($won['opportunity']['history'], 'kind'));
        self::assertInstanceOf(DateTimeImmutable::class, $won['opportunity']['history'][0]['at']);
        self::assertSame([$marie['id'], '900'], [$won['order']['contact'], $won['order']['total']]);
        self::assertSame('1', $this->db->stock($bench)['available']);
        self::assertEquals($won, $this->db->winOpportunity($deal['id'], null, ['external_id' => 'CRM-1'], [], 'win-1'));
        self::assertSame(['CRM-1'], array_column($this->db->contactOrders($marie['id'])['items'], 'external_id'));
        $lost = $this->db->loseOpportunity($this->db->createOpportunity('Chairs', $marie['id'], $pipeline['id'])['id'], 'price');
        self::assertSame(['lost', 'price'], [$lost['status'], $lost['lost_reason']]);
        self::assertSame('open', $this->db->reopenOpportunity($lost['id'])['status']);
        $call = $this->db->logInteraction('call', $marie['id'], 'Thanked her', ['author' => 'sophie']);
        self::assertSame([$call['id']], array_column($this->db->interactions(['owner' => 'sophie'])['items'], 'id'));
        self::assertTrue($this->db->verify()['is_clean']);
    }

    public function testDuplicatesAndMerge(): void
    {
        $a = $this->db->createContact('Marie Curie', ['emails' => ['Marie.Curie@example.fr'], 'phones' => ['+33 6 12 34 56 78']]);
        $b = $this->db->createContact('M. Curie', ['emails' => ['marie.curie@EXAMPLE.fr'], 'phones' => ['06 12 34 56 78']]);
        $pairs = $this->db->duplicateContacts();
        self::assertSame([[$a['id'], $b['id'], 98]], array_map(fn ($p) => [$p['contact'], $p['other'], $p['score']], $pairs));
        $merge = $this->db->mergeContacts($b['id'], $a['id'], 'sophie');
        self::assertSame($a['id'], $this->db->contact($b['id'])['merged_into']);
        self::assertSame($merge['id'], $this->db->contactHistory($a['id'])['merges'][0]['id']);
        $erasure = $this->db->eraseContact($a['id'], 'dpo', 'GDPR request 42');
        self::assertSame([$b['id']], $erasure['also']);
        self::assertSame([], $this->db->contact($a['id'])['emails']);
    }

    public function testRefusalsAreTyped(): void
    {
        $pipeline = $this->pipeline();
        $partners = $this->db->createPipeline('Partners', [['name' => 'Talk']]);
        $marie = $this->db->createContact('Marie Curie');
        try {
            $this->db->createOpportunity('Deal', $marie['id'], $pipeline['id'], ['amount' => '10']);
            self::fail('an amount without a currency');
        } catch (InvalidInputException $e) {
            self::assertSame('currency', $e->field);
        }
        $deal = $this->db->createOpportunity('Deal', $marie['id'], $partners['id']);
        try {
            $this->db->winOpportunity($deal['id']);
            self::fail('no won stage');
        } catch (InvalidInputException $e) {
            self::assertSame('stage', $e->field);
        }
        try {
            $this->db->reopenOpportunity($deal['id']);
            self::fail('reopening an open opportunity');
        } catch (InvalidTransitionException $e) {
            self::assertSame('invalid_transition', $e->errorCode);
        }
        try {
            $this->db->mergeContacts($marie['id'], $marie['id']);
            self::fail('merging into itself');
        } catch (InvalidInputException $e) {
            self::assertSame('into', $e->field);
        }
    }
}
