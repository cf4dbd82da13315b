/**
 * The definitions executions run, parsed once per hash and shared: every execution of a state
 * machine's current definition shares one parsed definition, one hash and one meta text, and a
 * restart loads each stored definition once however many executions run it. Executions never
 * change a definition, so sharing is safe; a definition not yet in the store is handed to the
 * commit batcher to be written with the first execution that runs it.
 */
import type { StateMachineDefinition } from '../definition/types.ts';
import { definitionHash, type StateMachineRow, type Store } from '../store/sqlite.ts';

/** What an execution row keeps in its meta column: the machine as the execution runs it. */
export type ExecutionMeta = {
  roleArn: string; type: 'STANDARD' | 'EXPRESS'; stateMachineName: string; testCase?: string;
  /** set when StartExecution named a version, or an alias (which picked the version) */
  stateMachineVersionArn?: string; stateMachineAliasArn?: string;
};

/** A definition as executions run it, parsed once per hash and shared: executions never change it. */
export interface SharedDefinition {
  parsed: StateMachineDefinition;
  /** written to the store (else it waits for the next commit) */
  stored: boolean;
}

/** What every execution of a state machine's current definition shares. */
export interface MachineShare {
  sm: StateMachineRow;
  hash: string;
  meta: string;
  definition: SharedDefinition;
}

export class DefinitionCache {
  private readonly store: Store;
  /** a definition not yet stored: the next commit writes it */
  private readonly pending: (hash: string, text: string) => void;
  private readonly definitions = new Map<string, SharedDefinition>();
  private readonly machines = new Map<string, MachineShare>();
  private readonly metas = new Map<string, { text: string; meta: ExecutionMeta }>();

  constructor(store: Store, pending: (hash: string, text: string) => void) {
    this.store = store;
    this.pending = pending;
  }

  /** The strings, hash and parsed definition every execution of `sm` as it is now can share. */
  machineShare(sm: StateMachineRow): MachineShare {
    const known = this.machines.get(sm.arn);
    if (known && known.sm.definition === sm.definition && known.sm.roleArn === sm.roleArn && known.sm.type === sm.type && known.sm.name === sm.name) {
      const d = known.definition;
      if (!d.stored) this.pending(known.hash, known.sm.definition);
      return known;
    }
    const hash = definitionHash(sm.definition);
    const meta = JSON.stringify({ roleArn: sm.roleArn, type: sm.type, stateMachineName: sm.name });
    const share: MachineShare = { sm, hash, meta, definition: this.sharedDefinition(hash, sm.definition, false) };
    this.machines.set(sm.arn, share);
    this.metas.set(meta, { text: meta, meta: { roleArn: sm.roleArn, type: sm.type, stateMachineName: sm.name } });
    return share;
  }

  private sharedDefinition(hash: string, text: string, stored: boolean): SharedDefinition {
    let d = this.definitions.get(hash);
    if (!d) {
      d = { parsed: JSON.parse(text) as StateMachineDefinition, stored };
      this.definitions.set(hash, d);
    }
    if (!d.stored) this.pending(hash, text);
    return d;
  }


  /** A deleted machine's share is dropped: a machine created again under its name starts afresh. */
  forget(stateMachineArn: string): void {
    this.machines.delete(stateMachineArn);
  }

  /** A definition the store has taken: executions sharing it need not write it again. */
  stored(hash: string): void {
    const shared = this.definitions.get(hash);
    if (shared) shared.stored = true;
  }

  /** The definition a stored execution runs, read from the store once; undefined when the store lacks it. */
  byHash(hash: string): SharedDefinition | undefined {
    const known = this.definitions.get(hash);
    if (known) return known;
    const text = this.store.getDefinition(hash);
    return text ? this.sharedDefinition(hash, text, true) : undefined;
  }

  /** An execution's meta text, parsed once and shared by every execution that has the same. */
  meta(text: string): { text: string; meta: ExecutionMeta } {
    let shared = this.metas.get(text);
    if (!shared) {
      shared = { text, meta: JSON.parse(text) as ExecutionMeta };
      this.metas.set(text, shared);
    }
    return shared;
  }
}
