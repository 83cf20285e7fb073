// The checker's types: mtail's primitive types plus type variables (a metric's value type is a variable until
// a use binds it). Follows mtail's documented inference: the first use that fixes a metric's type wins, and
// mixed operands meet at their least upper bound (Int < Float < String). Imports nothing of ours.

/** Primitive types, named as mtail names them in its messages. */
export enum Type {
  Undef = "Undef",
  None = "None",
  Bool = "Bool",
  Int = "Int",
  Float = "Float",
  String = "String",
  Pattern = "Pattern",
}

/** A type variable; `instance` is set once the variable is bound. */
export class TypeVar {
  private static next = 0;
  readonly id = TypeVar.next++;
  instance: TypeVar | Type | null = null;
}

export type AnyType = Type | TypeVar;

/** Follows a variable's bindings to its current representative. */
export function prune(t: AnyType): AnyType {
  let r = t;
  while (r instanceof TypeVar && r.instance !== null) r = r.instance;
  return r;
}

/** The concrete type, or null while it is still a free variable. */
export function concrete(t: AnyType | undefined): Type | null {
  if (t === undefined) return null;
  const r = prune(t);
  return r instanceof TypeVar ? null : r;
}

/** mtail's least upper bound; null when the two types do not meet. */
export function leastUpperBound(a: AnyType, b: AnyType): AnyType | null {
  const x = prune(a);
  const y = prune(b);
  if (x === y) return x;
  if (x instanceof TypeVar) return y;
  if (y instanceof TypeVar) return x;
  if (x === Type.Undef) return y;
  if (y === Type.Undef) return x;
  const pair = (p: Type, q: Type): boolean => (x === p && y === q) || (x === q && y === p);
  if (pair(Type.Float, Type.Int)) return Type.Float;
  if (pair(Type.String, Type.Int) || pair(Type.String, Type.Float)) return Type.String;
  if (pair(Type.Pattern, Type.Bool)) return Type.Bool;
  if (pair(Type.Bool, Type.Int)) return Type.Int;
  if (pair(Type.String, Type.Pattern)) return Type.Pattern;
  if (pair(Type.Pattern, Type.Int)) return Type.Bool;
  return null;
}

/**
 * Unifies two types as mtail does: a free variable is bound to the other side; two different concrete types
 * unify when they have an upper bound (neither changes). Returns false on a mismatch.
 */
export function unify(a: AnyType, b: AnyType): boolean {
  const x = prune(a);
  const y = prune(b);
  if (x === y) return true;
  if (x instanceof TypeVar) {
    x.instance = y;
    return true;
  }
  if (y instanceof TypeVar) {
    y.instance = x;
    return true;
  }
  return leastUpperBound(x, y) !== null;
}

/** The name of a type for messages. */
export function typeName(t: AnyType | undefined): string {
  if (t === undefined) return "?";
  const r = prune(t);
  return r instanceof TypeVar ? `typeVar${r.id}` : r;
}
