// Reads a node's editor HTML the way the Flow Library scorecard does: plain
// <script type="text/javascript"> blocks parsed with a JS parser (acorn), looking for
// RED.nodes.registerType('<literal type>', { ...inline object... }).
// NOTE: acorn is a transitive devDependency (eslint/espree); see the report.
import { parse, type Node as AcornNode } from 'acorn';

export interface ScriptBlock {
  attrs: string;
  body: string;
}

/** Every <script ...>...</script> block with its attribute string. */
export function scriptBlocks(html: string): ScriptBlock[] {
  const blocks: ScriptBlock[] = [];
  const re = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi;
  for (let m = re.exec(html); m; m = re.exec(html))
    blocks.push({ attrs: m[1] ?? '', body: m[2] ?? '' });
  return blocks;
}

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(attrs);
  return m ? (m[2] ?? m[3]) : undefined;
}

/** Plain JavaScript blocks, as the scorecard considers them. */
export function javascriptBlocks(html: string): string[] {
  return scriptBlocks(html)
    .filter((b) => {
      const type = attr(b.attrs, 'type');
      return type === undefined || type === 'text/javascript' || type === 'application/javascript';
    })
    .filter((b) => attr(b.attrs, 'src') === undefined)
    .map((b) => b.body);
}

/** The exact block regex of node-red-dev 0.1.6 (src/libs/checknodes.js). */
export function scorecardBlocks(html: string): string[] {
  const re = /<script.+?type=['"]text\/javascript['"].*?>([\S\s]*?)<\/script>/gi;
  const parts: string[] = [];
  for (let m = re.exec(html); m; m = re.exec(html)) parts.push(m[1] ?? '');
  return parts;
}

export function templateBlocks(html: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const b of scriptBlocks(html)) {
    const name = attr(b.attrs, 'data-template-name');
    if (name) map.set(name, b.body);
  }
  return map;
}

export function helpBlocks(html: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const b of scriptBlocks(html)) {
    const name = attr(b.attrs, 'data-help-name');
    if (name) map.set(name, b.body);
  }
  return map;
}

export interface Registration {
  type: string;
  /** Top-level property names of the inline definition object. */
  properties: string[];
  category?: string;
  icon?: string;
  defaults: string[];
  credentials: string[];
  /** Properties the scorecard needs inline (literal / object) but are computed. */
  notInline: string[];
}

const LITERAL_PROPS = ['icon', 'color', 'inputs', 'outputs', 'category'];
const OBJECT_PROPS = ['defaults', 'credentials'];

type Json = AcornNode & Record<string, unknown>;

function isNode(value: unknown): value is Json {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}

function walk(node: Json, visit: (n: Json) => void): void {
  visit(node);
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) walk(item, visit);
    } else if (isNode(value)) walk(value, visit);
  }
}

function keyName(prop: Json): string | undefined {
  const key = prop.key as Json | undefined;
  if (!key) return undefined;
  if (key.type === 'Identifier') return key.name as string;
  if (key.type === 'Literal' && typeof key.value === 'string') return key.value;
  return undefined;
}

function literalString(node: unknown): string | undefined {
  if (!isNode(node)) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral') {
    const quasis = node.quasis as Json[];
    const expressions = node.expressions as Json[];
    if (expressions.length === 0 && quasis.length === 1) {
      return (quasis[0]?.value as { cooked: string }).cooked;
    }
  }
  return undefined;
}

function objectKeys(node: unknown): string[] {
  if (!isNode(node) || node.type !== 'ObjectExpression') return [];
  return (node.properties as Json[]).map(keyName).filter((k): k is string => k !== undefined);
}

function propertyValue(obj: Json, name: string): Json | undefined {
  for (const prop of obj.properties as Json[]) {
    if (prop.type === 'Property' && keyName(prop) === name) return prop.value as Json;
  }
  return undefined;
}

function isRegisterType(callee: Json): boolean {
  // RED.nodes.registerType
  if (callee.type !== 'MemberExpression') return false;
  const property = callee.property as Json;
  const object = callee.object as Json;
  if (property.type !== 'Identifier' || property.name !== 'registerType') return false;
  if (object.type !== 'MemberExpression') return false;
  const inner = object.object as Json;
  const nodes = object.property as Json;
  return (
    inner.type === 'Identifier' &&
    inner.name === 'RED' &&
    nodes.type === 'Identifier' &&
    nodes.name === 'nodes'
  );
}

/**
 * registerType calls with a literal type and an inline object, in plain JavaScript blocks,
 * found by parsing them with acorn (a syntax error throws, as it breaks the scorecard too).
 */
export function registrations(html: string, blocks = javascriptBlocks(html)): Registration[] {
  const found: Registration[] = [];
  for (const body of blocks) {
    const program = parse(body, { ecmaVersion: 'latest', sourceType: 'script' }) as unknown as Json;
    walk(program, (n) => {
      if (n.type !== 'CallExpression' || !isRegisterType(n.callee as Json)) return;
      const args = n.arguments as Json[];
      const type = literalString(args[0]);
      const def = args[1];
      if (type === undefined || !def || def.type !== 'ObjectExpression') return;
      const notInline: string[] = [];
      for (const prop of def.properties as Json[]) {
        const name = keyName(prop);
        const value = prop.value as Json | undefined;
        if (!name || !value) continue;
        if (LITERAL_PROPS.includes(name) && value.type !== 'Literal') notInline.push(name);
        if (OBJECT_PROPS.includes(name) && value.type !== 'ObjectExpression') notInline.push(name);
      }
      found.push({
        notInline,
        type,
        properties: objectKeys(def),
        category: literalString(propertyValue(def, 'category')),
        icon: literalString(propertyValue(def, 'icon')),
        defaults: objectKeys(propertyValue(def, 'defaults')),
        credentials: objectKeys(propertyValue(def, 'credentials')),
      });
    });
  }
  return found;
}

/** i18n keys the editor resolves: data-i18n attributes and RED._()/this._() literals. */
export function i18nKeys(html: string): string[] {
  const keys = new Set<string>();
  const attrRe = /data-i18n\s*=\s*("([^"]*)"|'([^']*)')/g;
  for (let m = attrRe.exec(html); m; m = attrRe.exec(html)) {
    for (const part of (m[2] ?? m[3] ?? '').split(';')) {
      const key = part.replace(/^\s*\[[^\]]*\]/, '').trim();
      if (key) keys.add(key);
    }
  }
  const callRe = /\b(?:RED|this)\._\(\s*(['"])([^'"]+)\1/g;
  for (let m = callRe.exec(html); m; m = callRe.exec(html)) keys.add(m[2] ?? '');
  keys.delete('');
  return [...keys];
}

export type Catalog = { [key: string]: string | Catalog };

/** Whether i18next would resolve `key` (dotted path) in `catalog`, plurals included. */
export function resolves(catalog: Catalog, key: string): boolean {
  const parts = key.split('.');
  let node: string | Catalog | undefined = catalog;
  for (let i = 0; i < parts.length; i++) {
    if (typeof node !== 'object' || node === null) return false;
    const part: string = parts[i] ?? '';
    const last = i === parts.length - 1;
    const next: string | Catalog | undefined = node[part];
    if (last && typeof next !== 'string') {
      return ['_one', '_other', '_plural'].some(
        (s) => typeof node === 'object' && typeof node[part + s] === 'string',
      );
    }
    node = next;
  }
  return typeof node === 'string';
}

/** Splits "ns:key" into namespace and key (namespace undefined when absent). */
export function splitNamespace(fullKey: string): { ns?: string; key: string } {
  const i = fullKey.indexOf(':');
  if (i < 0) return { key: fullKey };
  return { ns: fullKey.slice(0, i), key: fullKey.slice(i + 1) };
}
