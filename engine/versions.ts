/**
 * State machine versions and aliases as the API sees them. A version is an immutable copy of a
 * machine's definition and role, numbered from 1 and never renumbered (a deleted number is not
 * used again); an alias routes StartExecution to one or two versions by weight. Executions started
 * on either run the version's definition, whatever the machine's is now.
 */
import { ApiError, writeOrFail } from './api-error.ts';
import type { StateMachines } from './state-machines.ts';
import type { AliasRow, StateMachineRow, Store, VersionRow } from './store/sqlite.ts';
import type { Scheduler } from './runtime/clock.ts';

/** What a version row keeps in its meta column. */
export interface VersionMeta {
  description?: string;
  /** the machine's revision the version was published from */
  revisionId: string;
}

/** One route of an alias: a version ARN and the percentage of executions it takes. */
export interface RoutingConfig {
  stateMachineVersionArn: string;
  weight: number;
}

/** What an alias row keeps in its meta column. */
export interface AliasMeta {
  description?: string;
  routingConfiguration: RoutingConfig[];
}

/** What StartExecution runs for a state machine, version or alias ARN. */
export interface StartTarget {
  /** the machine as the execution runs it: for a version, its definition and role under the machine's ARN */
  sm: StateMachineRow;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
}

/** AWS's limits: versions per state machine, aliases per state machine. */
const MAX_VERSIONS = 1000;
const MAX_ALIASES = 100;
/** An alias name is not a number (that would read as a version). */
const ALIAS_NAME = /^(?=.*[a-zA-Z_\-.])[a-zA-Z0-9_\-.]{1,80}$/;

/** The revision a machine that was never updated has, as PublishStateMachineVersion names it. */
export const INITIAL_REVISION = 'INITIAL';

export class StateMachineVersions {
  private readonly opts: { store: Store; scheduler: Scheduler; machines: StateMachines; random: () => number };

  constructor(opts: { store: Store; scheduler: Scheduler; machines: StateMachines; random: () => number }) {
    this.opts = opts;
  }

  /**
   * PublishStateMachineVersion: a version of the machine's current revision. Idempotent as on AWS:
   * the newest version, when it is of the current revision, is returned instead of a new one.
   *
   * @example
   * const v = versions.publish(sm.arn, { description: 'first' }); // v.arn === `${sm.arn}:1`
   */
  publish(machineArn: string, req: { description?: string; revisionId?: string } = {}): VersionRow {
    const sm = this.opts.machines.get(machineArn);
    const meta = this.opts.machines.meta(sm);
    const revision = meta.revisionId ?? INITIAL_REVISION;
    if (req.revisionId !== undefined && req.revisionId !== revision) {
      throw new ApiError('ConflictException', `Failed to publish the State Machine version: the revision '${req.revisionId}' is not the current one: '${revision}'`);
    }
    const versions = this.opts.store.versions(machineArn);
    const newest = versions[0];
    if (newest && this.meta(newest).revisionId === revision) {
      if (req.description !== undefined && req.description !== this.meta(newest).description) {
        throw new ApiError('ConflictException', `Failed to publish the State Machine version: a version of the current revision already exists with another description: '${newest.arn}'`);
      }
      return newest;
    }
    if (versions.length >= MAX_VERSIONS) {
      throw new ApiError('ServiceQuotaExceededException', `The maximum number of versions (${MAX_VERSIONS}) for the state machine has been reached: '${machineArn}'`, 402);
    }
    const number = (meta.lastVersion ?? 0) + 1;
    const row: VersionRow = {
      arn: `${machineArn}:${number}`, machineArn, version: number, definition: sm.definition, roleArn: sm.roleArn, type: sm.type,
      createdMs: this.opts.scheduler.now(),
      meta: JSON.stringify({ ...(req.description !== undefined && { description: req.description }), revisionId: revision } satisfies VersionMeta),
    };
    writeOrFail(() => this.opts.store.putVersion(row));
    this.opts.machines.setLastVersion(machineArn, number);
    return row;
  }

  /** A version by its ARN; StateMachineDoesNotExist, as AWS answers, when there is none. */
  version(arn: string): VersionRow {
    const v = this.opts.store.getVersion(arn);
    if (!v) throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return v;
  }

  /** ListStateMachineVersions: newest first. */
  list(machineArn: string): VersionRow[] {
    this.opts.machines.get(machineArn);
    return this.opts.store.versions(machineArn);
  }

  /** DeleteStateMachineVersion: refused while an alias routes to it; an unknown version is no error, as on AWS. */
  deleteVersion(arn: string): void {
    const v = this.opts.store.getVersion(arn);
    if (!v) return;
    const using = this.opts.store.aliases(v.machineArn).filter((a) => this.aliasMeta(a).routingConfiguration.some((r) => r.stateMachineVersionArn === arn));
    if (using.length > 0) {
      throw new ApiError('ConflictException', `Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${using.map((a) => a.name).join(', ')}]`);
    }
    writeOrFail(() => this.opts.store.deleteVersion(arn));
  }

  meta(v: VersionRow): VersionMeta {
    return JSON.parse(v.meta) as VersionMeta;
  }

  // ---- aliases

  /** CreateStateMachineAlias; idempotent as on AWS: the same name, description and routing return the alias there is. */
  createAlias(req: { name: string; description?: string; routingConfiguration: RoutingConfig[] }): AliasRow {
    if (!ALIAS_NAME.test(req.name)) throw new ApiError('ValidationException', `Invalid alias name: '${req.name}'`);
    const machineArn = this.checkRouting(req.routingConfiguration);
    const arn = `${machineArn}:${req.name}`;
    const meta: AliasMeta = { ...(req.description !== undefined && { description: req.description }), routingConfiguration: req.routingConfiguration };
    const existing = this.opts.store.getAlias(arn);
    if (existing) {
      if (existing.meta !== JSON.stringify(meta)) throw new ApiError('ConflictException', `Failed to create alias because an alias with the same name and a different routing configuration already exists: '${arn}'`);
      return existing;
    }
    if (this.opts.store.aliases(machineArn).length >= MAX_ALIASES) {
      throw new ApiError('ServiceQuotaExceededException', `The maximum number of aliases (${MAX_ALIASES}) for the state machine has been reached: '${machineArn}'`, 402);
    }
    const now = this.opts.scheduler.now();
    const row: AliasRow = { arn, machineArn, name: req.name, createdMs: now, updatedMs: now, meta: JSON.stringify(meta) };
    writeOrFail(() => this.opts.store.putAlias(row));
    return row;
  }

  alias(arn: string): AliasRow {
    const a = this.opts.store.getAlias(arn);
    if (!a) throw new ApiError('ResourceNotFound', `Resource not found: '${arn}'`);
    return a;
  }

  aliasMeta(a: AliasRow): AliasMeta {
    return JSON.parse(a.meta) as AliasMeta;
  }

  /** UpdateStateMachineAlias: a new description or routing (to versions of the same machine). */
  updateAlias(arn: string, changes: { description?: string; routingConfiguration?: RoutingConfig[] }): AliasRow {
    const a = this.alias(arn);
    const meta = this.aliasMeta(a);
    if (changes.routingConfiguration) {
      const machineArn = this.checkRouting(changes.routingConfiguration);
      if (machineArn !== a.machineArn) throw new ApiError('ValidationException', `The routing configuration must name versions of the alias's state machine: '${a.machineArn}'`);
      meta.routingConfiguration = changes.routingConfiguration;
    }
    if (changes.description !== undefined) meta.description = changes.description;
    const row: AliasRow = { ...a, meta: JSON.stringify(meta), updatedMs: this.opts.scheduler.now() };
    writeOrFail(() => this.opts.store.putAlias(row));
    return row;
  }

  /** DeleteStateMachineAlias; an unknown alias is no error, as on AWS. */
  deleteAlias(arn: string): void {
    writeOrFail(() => this.opts.store.deleteAlias(arn));
  }

  listAliases(machineArn: string): AliasRow[] {
    this.opts.machines.get(machineArn);
    return this.opts.store.aliases(machineArn);
  }

  /**
   * What StartExecution runs for `arn`: the machine, a version of it, or the version an alias
   * picks by its weights (with the injected randomness).
   */
  startTarget(arn: string): StartTarget {
    const sm = this.opts.store.getStateMachine(arn);
    if (sm) return { sm };
    const alias = this.opts.store.getAlias(arn);
    if (alias) {
      const routes = this.aliasMeta(alias).routingConfiguration;
      const roll = this.opts.random() * 100;
      let picked = routes[routes.length - 1];
      let upTo = 0;
      for (const r of routes) {
        upTo += r.weight;
        if (roll < upTo) {
          picked = r;
          break;
        }
      }
      return { ...this.versionTarget(picked.stateMachineVersionArn), stateMachineAliasArn: alias.arn };
    }
    if (this.opts.store.getVersion(arn)) return this.versionTarget(arn);
    throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
  }

  private versionTarget(versionArn: string): StartTarget {
    const v = this.version(versionArn);
    const machine = this.opts.machines.get(v.machineArn);
    return {
      sm: { ...machine, definition: v.definition, roleArn: v.roleArn, type: v.type, updatedMs: v.createdMs },
      stateMachineVersionArn: v.arn,
    };
  }

  /** Checks a routing configuration as AWS does; returns the machine whose versions it names. */
  private checkRouting(routes: RoutingConfig[]): string {
    if (routes.length < 1 || routes.length > 2) {
      throw new ApiError('ValidationException', `1 validation error detected: Value at 'routingConfiguration' failed to satisfy constraint: Member must have length between 1 and 2`);
    }
    for (const r of routes) {
      if (!Number.isInteger(r.weight) || r.weight < 0 || r.weight > 100) {
        throw new ApiError('ValidationException', `1 validation error detected: Value '${r.weight}' at 'routingConfiguration.member.weight' failed to satisfy constraint: Member must have value between 0 and 100`);
      }
    }
    if (routes.reduce((n, r) => n + r.weight, 0) !== 100) throw new ApiError('ValidationException', 'Sum of routing configuration weights must equal 100');
    if (routes.length === 2 && routes[0].stateMachineVersionArn === routes[1].stateMachineVersionArn) {
      throw new ApiError('ValidationException', 'Routing configuration must contain distinct state machine version ARNs');
    }
    const versions = routes.map((r) => {
      const v = this.opts.store.getVersion(r.stateMachineVersionArn);
      if (!v) throw new ApiError('ResourceNotFound', `Resource not found: '${r.stateMachineVersionArn}'`);
      return v;
    });
    if (versions.some((v) => v.machineArn !== versions[0].machineArn)) {
      throw new ApiError('ValidationException', 'Routing configuration must contain state machine version ARNs of the same state machine');
    }
    return versions[0].machineArn;
  }
}
