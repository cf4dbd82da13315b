/**
 * The transition graph, checked once the definition's shape is sound: every transition names a
 * state of its own scope, every state is reachable from its scope's `StartAt`, the top level has
 * a terminal state, and no state name is used twice anywhere in the machine.
 *
 * Measured AWS behaviour this follows: a dangling `Choices[i].Next`, `Default` or `Catch[i].Next`
 * is reported as "Missing 'Next' target" at that field; a top level with no terminal state is
 * MISSING_END_STATE (no location) and replaces the reachability report for that level.
 */
import type { JsonObject } from '../../json.ts';
import { isJsonObject } from '../../json.ts';
import { child, index, type CheckContext, type Scope } from './context.ts';
import { ProblemCode, Say } from './problems.ts';

interface Transition {
  target: string;
  location: string;
}

function transitions(state: JsonObject, location: string): Transition[] {
  const out: Transition[] = [];
  if (typeof state.Next === 'string') out.push({ target: state.Next, location: child(location, 'Next') });
  if (typeof state.Default === 'string') out.push({ target: state.Default, location: child(location, 'Default') });
  if (state.Type === 'Choice' && Array.isArray(state.Choices)) {
    state.Choices.forEach((rule, i) => {
      if (isJsonObject(rule) && typeof rule.Next === 'string') out.push({ target: rule.Next, location: child(index(child(location, 'Choices'), i), 'Next') });
    });
  }
  if (Array.isArray(state.Catch)) {
    state.Catch.forEach((catcher, i) => {
      if (isJsonObject(catcher) && typeof catcher.Next === 'string') out.push({ target: catcher.Next, location: child(index(child(location, 'Catch'), i), 'Next') });
    });
  }
  return out;
}

function isTerminal(state: unknown): boolean {
  return isJsonObject(state as never) && ((state as JsonObject).Type === 'Succeed' || (state as JsonObject).Type === 'Fail' || (state as JsonObject).End === true);
}

export function checkGraph(ctx: CheckContext, top: Scope): void {
  const seen = new Set<string>();
  checkScope(top);

  function checkScope(scope: Scope): void {
    const statesAt = child(scope.location, 'States');
    for (const [name, state] of Object.entries(scope.states)) {
      const at = child(statesAt, name);
      if (seen.has(name)) ctx.report(ProblemCode.DuplicateStateName, Say.duplicateState(name), at);
      seen.add(name);
      if (!isJsonObject(state)) continue;
      for (const t of transitions(state, at)) {
        if (!Object.prototype.hasOwnProperty.call(scope.states, t.target)) ctx.report(ProblemCode.MissingTransitionTarget, Say.missingTarget(t.target), t.location);
      }
      for (const nested of scope.nested.get(name) ?? []) checkScope(nested);
    }
    const startKnown = scope.startAt !== undefined && Object.prototype.hasOwnProperty.call(scope.states, scope.startAt);
    if (scope.startAt !== undefined && !startKnown) {
      ctx.report(ProblemCode.MissingTransitionTarget, Say.missingTarget(scope.startAt), child(scope.location, 'StartAt'));
    }
    if (scope.top && !Object.values(scope.states).some(isTerminal)) {
      ctx.report(ProblemCode.MissingEndState, Say.noTerminalState(), null);
      return;
    }
    // A StartAt naming no state leaves nothing reachable, so every state is reported too.
    const reachable = new Set<string>(startKnown ? [scope.startAt!] : []);
    const queue = [...reachable];
    while (queue.length > 0) {
      const name = queue.shift()!;
      const state = scope.states[name];
      if (!isJsonObject(state)) continue;
      for (const t of transitions(state, '')) {
        if (Object.prototype.hasOwnProperty.call(scope.states, t.target) && !reachable.has(t.target)) {
          reachable.add(t.target);
          queue.push(t.target);
        }
      }
    }
    for (const name of Object.keys(scope.states)) {
      if (!reachable.has(name)) ctx.report(ProblemCode.MissingTransitionTarget, Say.unreachable(name), child(statesAt, name));
    }
  }
}
