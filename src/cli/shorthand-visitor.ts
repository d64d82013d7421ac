/**
 * awscli's BackCompatVisitor: after the syntactic shorthand parse, walk the value with the model and fix it
 * up — numbers to ints (Python's int(), same error text), 'true'/'false' to booleans, a single value where
 * the model wants a list to a one-element list.
 */
import { getShape, type Shape } from '../api/model.js';
import { pyInt } from './python-int.js';

type Parent = Record<string, unknown> | unknown[];

function setIn(parent: Parent, key: string | number, value: unknown): void {
  if (Array.isArray(parent)) parent[key as number] = value;
  else parent[key as string] = value;
}

function visit(parent: Parent, shape: Shape, key: string | number, value: unknown): void {
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
      const obj = value as Record<string, unknown>;
      for (const [member, ref] of Object.entries(shape.members)) {
        visit(obj, getShape(ref.shape), member, Object.prototype.hasOwnProperty.call(obj, member) ? obj[member] : undefined);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        if (value !== undefined && value !== null) setIn(parent, key, [value]);
        return;
      }
      const member = getShape(shape.member.shape);
      value.forEach((el, i) => visit(value, member, i, el));
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
      const obj = value as Record<string, unknown>;
      const vs = getShape(shape.value.shape);
      for (const [k, v] of Object.entries(obj)) visit(obj, vs, k, v);
      return;
    }
    case 'integer':
    case 'long':
      if (value === undefined || value === null) return;
      setIn(parent, key, pyInt(value));
      return;
    case 'boolean':
      if (typeof value !== 'string') return;
      if (value.toLowerCase() === 'true') setIn(parent, key, true);
      else if (value.toLowerCase() === 'false') setIn(parent, key, false);
      return;
    default:
      return;
  }
}

/** Applies the fix-ups in place to `value` parsed for an argument of shape `shapeName`. */
export function backCompatVisit(value: unknown, shapeName: string): void {
  visit({}, getShape(shapeName), '', value);
}
