// `workbench run --help` documents every config field from the schema itself, so it cannot drift.
import { z } from 'zod';
import { experimentSchema } from '../vocabulary/experiment-config';

interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

function typeOf(s: JsonSchema): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join('|');
  const options = s.anyOf ?? s.oneOf;
  if (options) return options.map(typeOf).join(' | ');
  if (s.type === 'object' && s.properties) return `{${Object.keys(s.properties).join(', ')}}`;
  return s.type ?? 'any';
}

function walk(schema: JsonSchema, path: string, out: string[]): void {
  const objects = [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].filter((s) => s.properties);
  if (objects.length === 0 || (path && (schema.anyOf ?? schema.oneOf)?.some((s) => !s.properties && s.type !== 'null'))) {
    const fallback = schema.default === undefined ? '' : `  (default ${JSON.stringify(schema.default)})`;
    out.push(`  ${path.padEnd(26)} ${typeOf(schema)}${fallback}`);
    return;
  }
  const seen = new Set<string>();
  for (const object of objects) {
    for (const [key, child] of Object.entries(object.properties!)) {
      const childPath = path ? `${path}.${key}` : key;
      if (seen.has(childPath)) continue;
      seen.add(childPath);
      walk(child, childPath, out);
    }
  }
}

export function configFieldsHelp(): string {
  const schema = z.toJSONSchema(experimentSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const lines: string[] = [];
  walk(schema, '', lines);
  return lines.join('\n');
}
