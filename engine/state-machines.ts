/**
 * State machines as the API sees them: create (idempotent as on AWS), validate, update, delete,
 * and the descriptive fields (tags, logging and tracing configuration) kept in a row's meta
 * column. Executions never read a machine through here: they share a parsed definition by hash
 * (runtime/definitions.ts), so that an update does not change a running execution.
 */
import type { StateMachineDefinition } from './definition/types.ts';
import type { JsonValue } from './json.ts';
import { InvalidDefinition } from './errors.ts';
import { validateDefinition, parseDefinitionText } from './definition/validate.ts';
import type { Scheduler } from './runtime/clock.ts';
import type { Store, StateMachineRow } from './store/sqlite.ts';
import { ApiError, writeOrFail } from './api-error.ts';

/** What a state machine row keeps in its meta column: the API's descriptive fields. */
export interface StateMachineMeta {
  tags?: Record<string, string>;
  loggingConfiguration?: JsonValue;
  tracingConfiguration?: JsonValue;
  /** set by each UpdateStateMachine; a machine never updated is at revision INITIAL */
  revisionId?: string;
  /** the number of the last version published (versions are never renumbered) */
  lastVersion?: number;
}

/** The names AWS accepts for state machines and executions. */
export const NAME = /^[A-Za-z0-9_\-.~!$&'()*+,;=:@]{1,80}$/;

export class StateMachines {
  private readonly opts: { store: Store; scheduler: Scheduler; region: string; accountId: string; uuid: () => string };

  constructor(opts: { store: Store; scheduler: Scheduler; region: string; accountId: string; uuid: () => string }) {
    this.opts = opts;
  }

  /**
   * CreateStateMachine. Idempotent as on AWS: the same name, definition, type, logging and
   * tracing configuration return the existing state machine (a different roleArn or tags are
   * ignored, and not applied); any other difference is StateMachineAlreadyExists.
   */
  create(req: { name: string; definition: string; roleArn: string; type?: 'STANDARD' | 'EXPRESS'; arn?: string; meta?: StateMachineMeta }): StateMachineRow {
    if (!NAME.test(req.name)) throw new ApiError('InvalidName', `Invalid Name: '${req.name}'`);
    const type = req.type ?? 'STANDARD';
    this.check(req.definition, type);
    const arn = req.arn ?? `arn:aws:states:${this.opts.region}:${this.opts.accountId}:stateMachine:${req.name}`;
    const existing = this.opts.store.getStateMachine(arn);
    if (existing) {
      const was = this.meta(existing);
      const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
      if (existing.definition !== req.definition || existing.type !== type
        || !same(was.loggingConfiguration, req.meta?.loggingConfiguration) || !same(was.tracingConfiguration, req.meta?.tracingConfiguration)) {
        throw new ApiError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
      }
      return existing;
    }
    const now = this.opts.scheduler.now();
    const row: StateMachineRow = {
      arn, name: req.name, definition: req.definition, roleArn: req.roleArn, type, createdMs: now, updatedMs: now, meta: JSON.stringify(req.meta ?? {}),
    };
    writeOrFail(() => this.opts.store.putStateMachine(row));
    return row;
  }

  /** Validates a definition text; throws ApiError('InvalidDefinition') as AWS does. */
  check(text: string, type: 'STANDARD' | 'EXPRESS' = 'STANDARD'): StateMachineDefinition {
    try {
      const def = parseDefinitionText(text);
      validateDefinition(def, { type });
      return def as StateMachineDefinition;
    } catch (e) {
      if (e instanceof InvalidDefinition) throw new ApiError('InvalidDefinition', e.message);
      throw e;
    }
  }

  get(arn: string): StateMachineRow {
    const sm = this.opts.store.getStateMachine(arn);
    if (!sm) throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return sm;
  }

  /** Every state machine, oldest first. */
  list(): StateMachineRow[] {
    return this.opts.store.listStateMachines();
  }

  /**
   * UpdateStateMachine: a new definition (validated for the machine's type), role or configuration.
   * Running executions keep the definition they started with.
   */
  update(arn: string, changes: { definition?: string; roleArn?: string; meta?: StateMachineMeta }): StateMachineRow {
    const sm = this.get(arn);
    if (changes.definition !== undefined) this.check(changes.definition, sm.type);
    // every update is a new revision, which PublishStateMachineVersion's revisionId names
    const meta = { ...this.meta(sm), ...changes.meta, revisionId: this.opts.uuid() };
    const row: StateMachineRow = {
      ...sm,
      definition: changes.definition ?? sm.definition,
      roleArn: changes.roleArn ?? sm.roleArn,
      meta: JSON.stringify(meta),
      updatedMs: this.opts.scheduler.now(),
    };
    writeOrFail(() => this.opts.store.putStateMachine(row));
    return row;
  }

  /** DeleteStateMachine: forgets the machine; its executions run on and stay readable. Deleting an unknown ARN is no error, as on AWS. */
  delete(arn: string): void {
    writeOrFail(() => this.opts.store.deleteStateMachine(arn));
  }

  /** Remembers the number of the version just published, so that no number is used twice. */
  setLastVersion(arn: string, version: number): void {
    const sm = this.get(arn);
    writeOrFail(() => this.opts.store.putStateMachine({ ...sm, meta: JSON.stringify({ ...this.meta(sm), lastVersion: version }) }));
  }

  /** The descriptive fields a state machine row keeps in its meta column. */
  meta(sm: StateMachineRow): StateMachineMeta {
    return JSON.parse(sm.meta || '{}') as StateMachineMeta;
  }

  /** TagResource: adds or overwrites tags on a state machine (at most 50 in all). */
  tag(arn: string, tags: Record<string, string>): void {
    const sm = this.taggable(arn);
    const meta = this.meta(sm);
    const all = { ...meta.tags, ...tags };
    if (Object.keys(all).length > 50) throw new ApiError('TooManyTags', `Too many tags: a resource can have at most 50 tags: '${arn}'`);
    writeOrFail(() => this.opts.store.putStateMachine({ ...sm, meta: JSON.stringify({ ...meta, tags: all }) }));
  }

  /** UntagResource: removes tags by key; unknown keys are ignored. */
  untag(arn: string, keys: readonly string[]): void {
    const sm = this.taggable(arn);
    const meta = this.meta(sm);
    const tags = { ...meta.tags };
    for (const k of keys) delete tags[k];
    writeOrFail(() => this.opts.store.putStateMachine({ ...sm, meta: JSON.stringify({ ...meta, tags }) }));
  }

  listTags(arn: string): Record<string, string> {
    return this.meta(this.taggable(arn)).tags ?? {};
  }

  private taggable(arn: string): StateMachineRow {
    const sm = this.opts.store.getStateMachine(arn);
    if (!sm) throw new ApiError('ResourceNotFound', `Resource not found: '${arn}'`);
    return sm;
  }
}
