import { parse, type Tags, type YAMLMap, type YAMLSeq } from 'yaml';

/** Values for the variable sources `osls` would resolve, for one stage. */
export interface VariableContext {
  stage: string;
  region: string;
  env: Record<string, string | undefined>;
}

const INTRINSICS: Record<string, string> = {
  Ref: 'Ref',
  GetAtt: 'Fn::GetAtt',
  Sub: 'Fn::Sub',
  Join: 'Fn::Join',
  If: 'Fn::If',
  Not: 'Fn::Not',
  Equals: 'Fn::Equals',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  ImportValue: 'Fn::ImportValue',
  FindInMap: 'Fn::FindInMap',
  Condition: 'Condition',
};

/** CloudFormation short-form tags (`!Ref X`, `!GetAtt X.Arn`, `!Not [...]`) read as their long form. */
const cloudFormationTags: Tags = Object.entries(INTRINSICS).flatMap(([short, long]) => [
  { tag: `!${short}`, resolve: (value: string) => ({ [long]: short === 'GetAtt' ? value.split('.') : value }) },
  {
    tag: `!${short}`,
    collection: 'seq' as const,
    resolve: (value: unknown) => ({ [long]: (value as YAMLSeq).toJSON() as unknown }),
  },
  {
    tag: `!${short}`,
    collection: 'map' as const,
    resolve: (value: unknown) => ({ [long]: (value as YAMLMap).toJSON() as unknown }),
  },
]);

// The sources this hub's serverless.yml uses; CloudFormation's own `${AWS::Region}` is left alone.
const VARIABLE = /\$\{((?:self|sls|opt|param|env):[^${}]*)\}/;

/**
 * Parses serverless.yml and resolves the Serverless variables it uses (`self`, `sls:stage`,
 * `opt`, `param`, `env`, with `, default` fallbacks) the way `osls` does, without AWS access.
 */
export function loadServerlessYaml(text: string, context: VariableContext): Record<string, unknown> {
  const raw = parse(text, { customTags: cloudFormationTags }) as Record<string, unknown>;
  const params = stageParams(raw, context.stage);
  const resolve = (value: unknown, depth = 0): unknown => {
    if (depth > 20) throw new Error('serverless.yml: variables nest too deeply (a cycle?)');
    if (typeof value === 'string') return resolveString(value, (expr) => resolve(lookup(expr), depth + 1));
    if (Array.isArray(value)) return value.map((item) => resolve(item, depth));
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, depth)]));
    return value;
  };
  const lookup = (expression: string): unknown => {
    const [reference = '', ...fallbacks] = splitTopLevel(expression);
    const [source, path = ''] = [
      reference.slice(0, reference.indexOf(':')),
      reference.slice(reference.indexOf(':') + 1).trim(),
    ];
    let found: unknown;
    if (source === 'self')
      found = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], raw);
    else if (source === 'sls' && path === 'stage') found = context.stage;
    else if (source === 'opt')
      found = path === 'stage' ? context.stage : path === 'region' ? context.region : undefined;
    else if (source === 'param') found = params[path];
    else if (source === 'env') found = context.env[path];
    for (const fallback of fallbacks) {
      if (found !== undefined) break;
      found = /^['"].*['"]$/.test(fallback) ? fallback.slice(1, -1) : lookup(fallback.replace(/^\$\{|\}$/g, ''));
    }
    if (found === undefined) throw new Error(`serverless.yml: cannot resolve \${${expression}}`);
    return found;
  };
  return resolve(raw) as Record<string, unknown>;
}

function stageParams(raw: Record<string, unknown>, stage: string): Record<string, unknown> {
  const params = (raw.params ?? {}) as Record<string, Record<string, unknown> | undefined>;
  return { ...params.default, ...params[stage] };
}

/** Replaces each variable; a string that is one whole variable takes the value's own type. */
function resolveString(value: string, resolveExpression: (expression: string) => unknown): unknown {
  let current = value;
  for (let match = VARIABLE.exec(current); match; match = VARIABLE.exec(current)) {
    const replacement = resolveExpression(match[1] ?? '');
    if (match[0] === current) return replacement;
    current = current.replace(match[0], String(replacement));
  }
  return current;
}

function splitTopLevel(expression: string): string[] {
  return expression.split(/,(?=(?:[^'"]|'[^']*'|"[^"]*")*$)/).map((part) => part.trim());
}
