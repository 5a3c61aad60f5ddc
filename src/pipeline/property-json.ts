/**
 * JSON inside a SQL string property (`'connectors' = '[...]'`), parsed so that a problem at any
 * JSON path can be reported at its line and column in the program file.
 */
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { SqlError } from '../errors.js';
import { MAX_JSON_DEPTH } from '../limits.js';
import { jsonNestingBeyond } from '../util/lossless-json.js';
import type { Position, Property } from '../sql/ast.js';

export type JsonPath = ReadonlyArray<string | number>;

export class PropertyJson {
  private constructor(
    private readonly root: Node,
    private readonly locate: (offsetInValue: number) => Position,
    readonly file: string | undefined,
  ) {}

  /** Parses the property's value; a JSON syntax error is a SqlError at its exact position. */
  static parse(property: Property, source: string, file: string | undefined): PropertyJson {
    const locate = valuePositionMapper(property, source);
    // jsonc-parser and the readers of its tree recurse, one level per level of nesting.
    const tooDeep = jsonNestingBeyond(property.value, MAX_JSON_DEPTH);
    if (tooDeep !== -1) {
      throw new SqlError('SQL_INVALID',
        `property '${property.key}' is not valid JSON: values nested more than ${MAX_JSON_DEPTH} deep, which is dynaview's limit`,
        { ...locate(tooDeep), ...(file === undefined ? {} : { file }) });
    }
    const errors: ParseError[] = [];
    const root = parseTree(property.value, errors, { allowTrailingComma: false, disallowComments: true });
    const first = errors[0];
    if (first || !root) {
      const at = locate(first?.offset ?? 0);
      throw new SqlError('SQL_INVALID',
        `property '${property.key}' is not valid JSON: ${describeParseError(first)}`, { ...at, ...(file === undefined ? {} : { file }) });
    }
    return new PropertyJson(root, locate, file);
  }

  value(): unknown {
    return getNodeValue(this.root);
  }

  /** Where the value at `path` starts, or where its nearest existing parent does. */
  positionOf(path: JsonPath): Position {
    for (let length = path.length; length >= 0; length -= 1) {
      const node = findNodeAtLocation(this.root, [...path.slice(0, length)]);
      // For a property, point at its name rather than its value.
      if (node) return this.locate(node.parent?.type === 'property' ? node.parent.offset : node.offset);
    }
    return this.locate(0);
  }

  errorAt(path: JsonPath, code: 'SQL_INVALID' | 'SQL_NOT_SUPPORTED', message: string): SqlError {
    const at = this.positionOf(path);
    return new SqlError(code, message, { line: at.line, col: at.col, ...(this.file === undefined ? {} : { file: this.file }) });
  }
}

function describeParseError(error: ParseError | undefined): string {
  if (!error) return 'empty value';
  const words = printParseErrorCode(error.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words;
}

/**
 * Maps an offset in the unescaped property value to its position in the source: the value starts
 * one character after the opening quote, and every `'` of the value is written `''` in SQL.
 */
function valuePositionMapper(property: Property, source: string): (offset: number) => Position {
  const start = property.valueSpan.start.offset + 1;
  return (offset) => {
    let sourceOffset = start;
    for (let i = 0; i < offset && sourceOffset < source.length; i += 1) {
      sourceOffset += source[sourceOffset] === "'" ? 2 : 1;
    }
    return positionAt(source, sourceOffset);
  };
}

export function positionAt(source: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1, offset };
}
