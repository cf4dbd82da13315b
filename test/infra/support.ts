/** Builds the Longhaul app as the tests see it: bundling off, the placeholder configuration. */
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { readConfig, type LonghaulConfig } from '../../infra/config.ts';
import { addLonghaulStacks, longhaulApp, type LonghaulStacks } from '../../infra/longhaul-app.ts';

export function buildLonghaul(context: Record<string, unknown> = {}): LonghaulStacks & { config: LonghaulConfig; app: ReturnType<typeof longhaulApp> } {
  const all = { bundling: false, ...context };
  const app = longhaulApp({ context: all });
  const config = readConfig((k) => app.node.tryGetContext(k));
  return { app, config, ...addLonghaulStacks(app, config) };
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Every IAM::Policy, IAM::ManagedPolicy and role-inline statement in a template. */
export function allStatements(template: Template): { logicalId: string; statement: Statement }[] {
  const out: { logicalId: string; statement: Statement }[] = [];
  for (const [logicalId, resource] of Object.entries(template.toJSON().Resources as Record<string, { Type: string; Properties: any }>)) {
    const documents: any[] = [];
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') documents.push(resource.Properties.PolicyDocument);
    if (resource.Type === 'AWS::IAM::Role') for (const p of resource.Properties.Policies ?? []) documents.push(p.PolicyDocument);
    for (const document of documents) for (const statement of document.Statement) out.push({ logicalId, statement });
  }
  return out;
}

/** One grant as the tests state it: actions (any order) on resources, with an optional condition. */
export interface Grant {
  actions: string[];
  resources: unknown[];
  condition?: unknown;
}

function normalize(s: Statement): Grant {
  const actions = (Array.isArray(s.Action) ? s.Action : [s.Action]).slice().sort();
  const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
  return { actions, resources, ...(s.Condition ? { condition: s.Condition } : {}) };
}

/**
 * The role's grants: the statements of every policy attached to it (and its inline ones), in a
 * stable order, with tokens resolved as the template holds them.
 */
export function grantsOf(stack: Stack, role: iam.IRole): Grant[] {
  const template = Template.fromStack(stack).toJSON();
  const roleRef = JSON.stringify(stack.resolve(role.roleName));
  const roleId = (stack.resolve(role.roleName) as { Ref: string }).Ref;
  const grants: Grant[] = [];
  for (const resource of Object.values(template.Resources as Record<string, { Type: string; Properties: any }>)) {
    if (resource.Type === 'AWS::IAM::Policy' && (resource.Properties.Roles ?? []).some((r: unknown) => JSON.stringify(r) === roleRef)) {
      grants.push(...resource.Properties.PolicyDocument.Statement.map(normalize));
    }
  }
  const inline = template.Resources[roleId]?.Properties?.Policies ?? [];
  for (const p of inline) grants.push(...p.PolicyDocument.Statement.map(normalize));
  return sortGrants(grants);
}

export function sortGrants(grants: Grant[]): Grant[] {
  return grants
    .map((g) => ({ ...g, actions: g.actions.slice().sort() }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
