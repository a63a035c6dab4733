<?php

declare(strict_types=1);

namespace Racine\Laravel\Console;

use Illuminate\Console\Command;
use Racine\RacineInterface;

/** The ERP or CRM dashboard of a period: its headline figures, or all of it as JSON. */
class DashboardCommand extends Command
{
    protected $signature = 'racine:dashboard
        {which=erp : erp or crm}
        {--period=this_month : A period: 2026-03, 2026-Q1, this_month, last_7_days…}
        {--json : Print the whole dashboard, with every definition, as JSON}';

    protected $description = 'Show the ERP or CRM KPI dashboard of a period';

    public function handle(RacineInterface $racine): int
    {
        $query = ['period' => (string) $this->option('period')];
        $dashboard = match ($this->argument('which')) {
            'erp' => $racine->erpDashboard($query),
            'crm' => $racine->crmDashboard($query),
            default => null,
        };
        if ($dashboard === null) {
            $this->error('which dashboard: erp or crm');
            return self::INVALID;
        }
        if ($this->option('json')) {
            $this->line(json_encode($dashboard, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE));
            return self::SUCCESS;
        }
        $this->line("{$dashboard['period']['label']} ({$dashboard['period']['first_day']} to {$dashboard['period']['last_day']}, {$dashboard['period']['time_zone']})");
        $rows = [];
        foreach ($dashboard as $section => $figures) {
            if ($section === 'period' || !is_array($figures)) {
                continue;
            }
            foreach ($figures as $name => $value) {
                if ($name !== 'definition' && (is_scalar($value) || $value === null)) {
                    $rows[] = ["{$section}.{$name}", $value ?? '—'];
                }
            }
        }
        $this->table(['Figure', 'Value'], $rows);
        return self::SUCCESS;
    }
}
