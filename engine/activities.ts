/**
 * Activities as the API sees them: CreateActivity (idempotent by name, as on AWS), DescribeActivity,
 * ListActivities, DeleteActivity and their tags. The tasks they hand out are runtime/activities.ts.
 */
import type { JsonValue } from './json.ts';
import { ApiError, writeOrFail } from './api-error.ts';
import { NAME } from './state-machines.ts';
import type { Scheduler } from './runtime/clock.ts';
import type { ActivityRow, Store } from './store/sqlite.ts';

/** What an activity row keeps in its meta column. */
export interface ActivityMeta {
  tags?: Record<string, string>;
  encryptionConfiguration?: JsonValue;
}

export class Activities {
  private readonly opts: { store: Store; scheduler: Scheduler; region: string; accountId: string };

  constructor(opts: { store: Store; scheduler: Scheduler; region: string; accountId: string }) {
    this.opts = opts;
  }

  /**
   * CreateActivity. Idempotent as on AWS: the same name returns the existing activity (its tags
   * are not changed).
   *
   * @example
   * const a = activities.create({ name: 'approve' }); // a.arn === 'arn:aws:states:us-east-1:123456789012:activity:approve'
   */
  create(req: { name: string; meta?: ActivityMeta }): ActivityRow {
    if (!NAME.test(req.name)) throw new ApiError('InvalidName', `Invalid Name: '${req.name}'`);
    const arn = `arn:aws:states:${this.opts.region}:${this.opts.accountId}:activity:${req.name}`;
    const existing = this.opts.store.getActivity(arn);
    if (existing) return existing;
    const row: ActivityRow = { arn, name: req.name, createdMs: this.opts.scheduler.now(), meta: JSON.stringify(req.meta ?? {}) };
    writeOrFail(() => this.opts.store.putActivity(row));
    return row;
  }

  get(arn: string): ActivityRow {
    const a = this.opts.store.getActivity(arn);
    if (!a) throw new ApiError('ActivityDoesNotExist', `Activity Does Not Exist: '${arn}'`);
    return a;
  }

  /** Every activity, oldest first. */
  list(): ActivityRow[] {
    return this.opts.store.listActivities();
  }

  /** DeleteActivity; an unknown ARN is no error, as on AWS. Tasks already scheduled still wait on their tokens. */
  delete(arn: string): void {
    writeOrFail(() => this.opts.store.deleteActivity(arn));
  }

  meta(a: ActivityRow): ActivityMeta {
    return JSON.parse(a.meta) as ActivityMeta;
  }

  /** TagResource on an activity (at most 50 tags in all). */
  tag(arn: string, tags: Record<string, string>): void {
    const a = this.taggable(arn);
    const meta = this.meta(a);
    const all = { ...meta.tags, ...tags };
    if (Object.keys(all).length > 50) throw new ApiError('TooManyTags', `Too many tags: a resource can have at most 50 tags: '${arn}'`);
    writeOrFail(() => this.opts.store.putActivity({ ...a, meta: JSON.stringify({ ...meta, tags: all }) }));
  }

  untag(arn: string, keys: readonly string[]): void {
    const a = this.taggable(arn);
    const meta = this.meta(a);
    const tags = { ...meta.tags };
    for (const k of keys) delete tags[k];
    writeOrFail(() => this.opts.store.putActivity({ ...a, meta: JSON.stringify({ ...meta, tags }) }));
  }

  listTags(arn: string): Record<string, string> {
    return this.meta(this.taggable(arn)).tags ?? {};
  }

  private taggable(arn: string): ActivityRow {
    const a = this.opts.store.getActivity(arn);
    if (!a) throw new ApiError('ResourceNotFound', `Resource not found: '${arn}'`);
    return a;
  }
}
