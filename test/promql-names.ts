// The metric names a PromQL expression reads, found by Prometheus's own grammar
// (@prometheus-io/lezer-promql, the parser behind Prometheus's query editor), and the places
// Surge keeps PromQL: Grafana dashboards (panel targets, template variables) and Prometheus
// rule files. With the names a /metrics page declares, a test can say which queries read a
// metric no Surge process exports: a renamed metric would otherwise leave a panel silently empty.
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';

/** One PromQL expression and where it was found, for messages. */
export interface QuerySite {
  /** e.g. "overview.json: panel \"Request rate\" target A". */
  readonly where: string;
  readonly expr: string;
}

export interface NamesInQuery {
  readonly names: string[];
  /** What kept a name from being read: a syntax error, a name matched by a regex. */
  readonly problems: string[];
}

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

// Grafana's interval variables stand where PromQL expects a duration; the rest stand inside
// label matchers' strings, where any word parses.
const DURATION_VARIABLES = new Set(['__rate_interval', '__interval', '__range', '__auto']);
const NUMBER_VARIABLES = new Set(['__interval_ms', '__range_s', '__range_ms']);

/**
 * The expression with Grafana's template variables ($name, ${name}, ${name:format}, [[name]])
 * replaced by values that parse where each kind can stand: a duration, a number, or a word.
 */
export function withoutGrafanaVariables(expr: string): string {
  return expr.replace(/\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]/g, (_match, braced?: string, bare?: string, bracketed?: string) => {
    const name = braced ?? bare ?? bracketed ?? '';
    if (DURATION_VARIABLES.has(name)) return '5m';
    if (NUMBER_VARIABLES.has(name)) return '300';
    return 'grafana_variable';
  });
}

/** The metric names of every vector selector in a PromQL expression (Grafana variables allowed). */
export function metricNamesInPromQL(expr: string): NamesInQuery {
  const text = withoutGrafanaVariables(expr);
  const tree = parser.parse(text);
  const names = new Set<string>();
  const problems: string[] = [];
  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError) {
        problems.push(`does not parse at offset ${ref.from}: ${JSON.stringify(text.slice(Math.max(0, ref.from - 20), ref.from + 20))}`);
        return false;
      }
      if (ref.name !== 'VectorSelector') return undefined;
      const selector = selectorName(ref.node, text);
      if (typeof selector === 'string') names.add(selector);
      else problems.push(selector.problem);
      return false;
    },
  });
  return { names: [...names], problems };
}

/** A vector selector's metric name: `name{…}`, `{"name", …}` or `{__name__="name", …}`. */
function selectorName(selector: SyntaxNode, text: string): string | { problem: string } {
  const source = () => JSON.stringify(text.slice(selector.from, selector.to));
  const identifier = selector.getChild('Identifier');
  if (identifier) return text.slice(identifier.from, identifier.to);
  const matchers = selector.getChild('LabelMatchers');
  const quoted = matchers?.getChild('QuotedLabelName')?.getChild('StringLiteral');
  if (quoted) return stringValue(text.slice(quoted.from, quoted.to));
  for (const matcher of [...(matchers?.getChildren('UnquotedLabelMatcher') ?? []), ...(matchers?.getChildren('QuotedLabelMatcher') ?? [])]) {
    const label = matcher.getChild('LabelName') ?? matcher.getChild('QuotedLabelName')?.getChild('StringLiteral');
    if (!label || labelText(text.slice(label.from, label.to)) !== '__name__') continue;
    const value = matcher.getChild('StringLiteral');
    if (!matcher.getChild('MatchOp')?.getChild('EqlSingle') || !value) return { problem: `${source()} matches metric names by pattern; name them one by one` };
    return stringValue(text.slice(value.from, value.to));
  }
  return { problem: `${source()} names no metric` };
}

const labelText = (raw: string) => (raw.startsWith('"') || raw.startsWith("'") || raw.startsWith('`') ? stringValue(raw) : raw);

/** A PromQL string literal's value: "…" with JSON-compatible escapes, '…' likewise, `…` raw. */
function stringValue(literal: string): string {
  const body = literal.slice(1, -1);
  if (literal.startsWith('`')) return body;
  if (literal.startsWith("'")) return body.replace(/\\(.)/g, '$1');
  return JSON.parse(literal) as string;
}

/**
 * The metric names a Grafana Prometheus variable query reads. Grafana wraps PromQL in its own
 * functions: label_values(<selector>, <label>) and query_result(<expr>) hold some;
 * label_values(<label>), label_names() and metrics(<regex>) read no metric by name.
 */
export function metricNamesInVariableQuery(query: string): NamesInQuery {
  const trimmed = query.trim();
  const call = /^(\w+)\s*\(([\s\S]*)\)$/.exec(trimmed);
  if (!call) return metricNamesInPromQL(trimmed);
  const [, fn, args = ''] = call;
  if (fn === 'query_result') return metricNamesInPromQL(args);
  if (fn === 'label_names' || fn === 'metrics') return { names: [], problems: [] };
  if (fn === 'label_values') {
    // A label name holds no comma, so the last comma ends the selector.
    const comma = args.lastIndexOf(',');
    return comma < 0 ? { names: [], problems: [] } : metricNamesInPromQL(args.slice(0, comma));
  }
  return metricNamesInPromQL(trimmed);
}

interface GrafanaPanel {
  title?: string;
  targets?: { expr?: unknown; refId?: string }[];
  panels?: GrafanaPanel[];
}

interface GrafanaVariable {
  name?: string;
  type?: string;
  query?: unknown;
  definition?: unknown;
}

/** The PromQL of a dashboard: each panel's (rows' nested panels too) targets, each query variable's query and definition. */
export function queriesInDashboard(file: string, dashboard: { panels?: GrafanaPanel[]; templating?: { list?: GrafanaVariable[] } }): { promql: QuerySite[]; variables: QuerySite[] } {
  const promql: QuerySite[] = [];
  const visit = (panels: GrafanaPanel[] = []) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        if (typeof target.expr === 'string' && target.expr.trim() !== '') promql.push({ where: `${file}: panel ${JSON.stringify(panel.title ?? '')} target ${target.refId ?? '?'}`, expr: target.expr });
      }
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  const variables: QuerySite[] = [];
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const where = `${file}: variable $${variable.name ?? '?'}`;
    const query = typeof variable.query === 'object' && variable.query !== null ? (variable.query as { query?: unknown }).query : variable.query;
    if (typeof query === 'string' && query.trim() !== '') variables.push({ where: `${where} query`, expr: query });
    if (typeof variable.definition === 'string' && variable.definition.trim() !== '') variables.push({ where: `${where} definition`, expr: variable.definition });
  }
  return { promql, variables };
}

/** The `expr` of every alerting and recording rule in a Prometheus rule file, and the names its recording rules make. */
export function readRuleFile(file: string, yamlText: string): { queries: QuerySite[]; recorded: string[] } {
  const doc = parseYaml(yamlText) as { groups?: { name?: string; rules?: { alert?: string; record?: string; expr?: unknown }[] }[] } | null;
  const queries: QuerySite[] = [];
  const recorded: string[] = [];
  for (const group of doc?.groups ?? []) {
    for (const rule of group.rules ?? []) {
      if (rule.record) recorded.push(rule.record);
      queries.push({ where: `${file}: group ${JSON.stringify(group.name ?? '')} rule ${rule.alert ?? rule.record ?? '?'}`, expr: String(rule.expr ?? '') });
    }
  }
  return { queries, recorded };
}

/**
 * One line per name a query reads that `known` does not accept, and per query whose names
 * cannot be read, each with the place it came from.
 */
export function unknownNames(sites: { promql: QuerySite[]; variables: QuerySite[] }, known: (name: string) => boolean): string[] {
  const out: string[] = [];
  const check = (site: QuerySite, found: NamesInQuery) => {
    for (const problem of found.problems) out.push(`${site.where}: ${problem}`);
    for (const name of found.names) if (!known(name)) out.push(`${site.where}: ${name} is not exported`);
  };
  for (const site of sites.promql) check(site, metricNamesInPromQL(site.expr));
  for (const site of sites.variables) check(site, metricNamesInVariableQuery(site.expr));
  return out;
}

/**
 * The series names a Prometheus text page can hold, from its `# TYPE name kind` lines: a
 * histogram's name_bucket, name_sum and name_count, a summary's name_sum and name_count (and
 * name, its quantiles), every other kind its name.
 */
export function exportedNames(page: string): Set<string> {
  const names = new Set<string>();
  for (const line of page.split('\n')) {
    const [hash, keyword, name, kind] = line.trim().split(/\s+/);
    if (hash !== '#' || keyword !== 'TYPE' || !name) continue;
    if (kind === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    else if (kind === 'summary') for (const suffix of ['', '_sum', '_count']) names.add(name + suffix);
    else names.add(name);
  }
  return names;
}
