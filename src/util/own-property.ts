/**
 * Reading and writing a record's own properties by a name that comes from data (a column, a field,
 * a JSON key), which may be the name of an Object.prototype member ("constructor", "__proto__").
 */

/** Sets an own, enumerable property; assigning "__proto__" would set the prototype instead. */
export function setOwnProperty<T>(target: Record<string, T>, name: string, value: T): void {
  if (name === '__proto__') Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  else target[name] = value;
}

/** A reader of the property `name`, which never returns what a record inherits from Object.prototype. */
export function ownPropertyReader(name: string): (record: Readonly<Record<string, unknown>>) => unknown {
  if (name in Object.prototype) return (record) => (Object.hasOwn(record, name) ? record[name] : undefined);
  return (record) => record[name];
}
