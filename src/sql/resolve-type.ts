/**
 * User-defined struct types (`CREATE TYPE name AS (...)`): looking their names up and replacing
 * them by ROW types, on `SqlType` values. Names follow the case rules of identifiers (`parseSqlType`
 * folds unquoted ones to lower case); a type that contains itself and an unknown name are errors.
 */
import { SqlTypeError } from '../errors.js';
import type { TypeCatalog } from '../schema.js';
import { closestName } from '../util/closest-name.js';
import { BUILT_IN_TYPE_NAMES, formatIdentifier, parseSqlType } from './parse-type.js';
import type { SqlField, SqlType } from './sql-type.js';

/** User struct types by canonical name: their fields, whose types may name other user types. */
export type UserTypes = ReadonlyMap<string, readonly SqlField[]>;

export const NO_USER_TYPES: UserTypes = new Map();

/** `type` with every user type name replaced by its ROW type, nested ones included; `type` itself when it names none. */
export function resolveType(type: SqlType, types: UserTypes): SqlType {
  return resolveWithin(type, types, []);
}

function resolveWithin(type: SqlType, types: UserTypes, inProgress: readonly string[]): SqlType {
  switch (type.kind) {
    case 'array': {
      const element = resolveWithin(type.element, types, inProgress);
      return element === type.element ? type : { ...type, element };
    }
    case 'map': {
      const key = resolveWithin(type.key, types, inProgress);
      const value = resolveWithin(type.value, types, inProgress);
      return key === type.key && value === type.value ? type : { ...type, key, value };
    }
    case 'row': {
      const fields = resolveFields(type.fields, types, inProgress);
      return fields === type.fields ? type : { kind: 'row', fields };
    }
    case 'user': {
      const fields = userTypeFields(type.name, types, inProgress);
      return { kind: 'row', fields: resolveFields(fields, types, [...inProgress, type.name]) };
    }
    default:
      return type;
  }
}

function resolveFields(fields: readonly SqlField[], types: UserTypes, inProgress: readonly string[]): readonly SqlField[] {
  const resolved = fields.map((f) => {
    const type = resolveWithin(f.type, types, inProgress);
    return type === f.type ? f : { ...f, type };
  });
  return resolved.every((f, i) => f === fields[i]) ? fields : resolved;
}

/**
 * The fields of user type `name`, not resolved further. `inProgress` lists the user types being
 * resolved around it, outermost first: meeting one of them again is a recursive type.
 */
export function userTypeFields(name: string, types: UserTypes, inProgress: readonly string[]): readonly SqlField[] {
  if (inProgress.includes(name)) {
    const cycle = [...inProgress.slice(inProgress.indexOf(name)), name].map(formatIdentifier).join(' -> ');
    throw new SqlTypeError(`user type ${formatIdentifier(name)} contains itself (${cycle}); recursive types are not supported`);
  }
  const declared = types.get(name);
  if (declared === undefined) {
    const suggestion = closestName(name, [...BUILT_IN_TYPE_NAMES, ...types.keys()]);
    throw new SqlTypeError(`unknown SQL type ${formatIdentifier(name)}: `
      + (suggestion === undefined ? 'no built-in or user-defined type has this name' : `did you mean ${suggestion}?`));
  }
  return declared;
}

/**
 * The library's edge: user types given as text (`TypeCatalog`), parsed once. Names are not looked
 * up here; `resolveType` does that. Throws SqlTypeError naming the type and field.
 */
export function parseTypeCatalog(catalog: TypeCatalog): UserTypes {
  const types = new Map<string, readonly SqlField[]>();
  for (const name of Object.keys(catalog)) {
    types.set(name, (catalog[name] ?? []).map((field) => {
      try {
        return { name: field.name, type: parseSqlType(field.type), nullable: field.nullable };
      } catch (error) {
        if (!(error instanceof SqlTypeError)) throw error;
        throw new SqlTypeError(`user type ${formatIdentifier(name)}, field "${field.name}": ${error.message}`, error.context);
      }
    }));
  }
  return types;
}
