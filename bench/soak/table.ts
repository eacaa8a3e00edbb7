/** The soak's table: one row per scenario, the counts of issue 16's "Must show". */
import type { ScenarioResult } from './scenario.js';

const join = (m: Map<string | number, number>, keep: (k: string | number) => boolean = () => true): string =>
  [...m].filter(([k]) => keep(k)).sort(([a], [b]) => String(a).localeCompare(String(b))).map(([k, n]) => `${k}×${n}`).join(' ') || '0';

export function crashSummary(r: ScenarioResult): string {
  if (r.crashes.length === 0) return '0';
  const byInstance = new Map<string, number>();
  for (const c of r.crashes) {
    const key = `${c.instance}:${c.code ?? c.signal}`;
    byInstance.set(key, (byInstance.get(key) ?? 0) + 1);
  }
  return `${r.crashes.length} (${join(byInstance)})`;
}

export function formatTable(results: ScenarioResult[]): string {
  const header = ['scenario', 'acked', 'widget lost/dup/reord', 'chromium lost/dup/reord', 'agent lost/dup/late', 'agent live-missing', 'crashes (inst:exit)', 'nginx 502', '503 by code', 'other 5xx', 'seq reused', 'placed', 'settle s', 'total s'];
  const rows = results.map((r) => [
    r.name,
    String(r.agent.acked),
    `${r.widget.lost}/${r.widget.duplicated}/${r.widget.reordered}`,
    `${r.browser.lost}/${r.browser.duplicated}/${r.browser.reordered}`,
    `${r.agent.lost}/${r.agent.duplicated}/${r.agent.reordered}`,
    String(r.agentStreamMissing),
    crashSummary(r),
    String(r.nginx.get(502) ?? 0),
    join(r.http.codes503),
    join(r.nginx, (k) => Number(k) >= 500 && k !== 502 && k !== 503),
    String(r.seqReused),
    String(r.widget.placed + r.browser.placed),
    (r.settledMs / 1000).toFixed(0),
    (r.durationMs / 1000).toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * What makes a result fail: anything acknowledged lost, duplicated or reordered
 * on a widget (issue 16's "Must show"), lost or duplicated on the agent's view,
 * or an instance that exited.
 */
export function problems(r: ScenarioResult): string[] {
  const out: string[] = [];
  const views = [['widget', r.widget, true], ['chromium widget', r.browser, true], ['agent', r.agent, false]] as const;
  for (const [label, v, orderCounts] of views) {
    const reordered = orderCounts ? v.reordered : 0;
    if (v.lost) out.push(`${r.name}: ${label} lost ${v.lost}`);
    if (v.duplicated) out.push(`${r.name}: ${label} duplicated ${v.duplicated}`);
    if (reordered) out.push(`${r.name}: ${label} reordered ${reordered}`);
    if (v.lost || v.duplicated || reordered) out.push(...v.examples.map((e) => `  ${e}`));
  }
  for (const c of r.crashes) out.push(`${r.name}: instance ${c.instance} exited (code ${c.code}, signal ${c.signal}): ${c.tail}`);
  return out;
}

/**
 * Reported, not failed: the agent stream delivering a conversation's messages
 * out of seq order (it forwards pub/sub arrival order; two instances appending
 * to one conversation publish in either order). The protocol leaves ordering
 * to the agent view, as the widget does since it places late messages by seq.
 */
export function findings(r: ScenarioResult): string[] {
  if (!r.agent.reordered) return [];
  return [`${r.name}: agent stream delivered ${r.agent.reordered} message(s) after a higher seq`, ...r.agent.examples.filter((e) => e.includes('shown after')).map((e) => `  ${e}`)];
}
