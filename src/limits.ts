/**
 * Limits on how deeply input may nest. Each is far above what a real program or record needs, and
 * each turns input that would exhaust the call stack into the positioned error any other bad input
 * gets: a SqlError at file:line:col for a program, a skipped and reported record for input data.
 * README.md ("Limits" under "Errors") lists them.
 */

/**
 * Levels of nesting in a SQL expression or query: parentheses, subqueries, function arguments,
 * CASE, and prefix operators (`-`, `+`, `NOT`), each one level.
 */
export const MAX_SQL_NESTING_DEPTH = 200;

/**
 * The depth of one expression's syntax tree, which chains of binary operators also grow
 * (`a + b + c` is two levels deep): so at most about this many terms joined by `+`, `||`, AND, OR, ...
 */
export const MAX_SQL_EXPRESSION_DEPTH = 1000;

/** Levels of nesting in a SQL type: each ARRAY, MAP and ROW around another type is one level. */
export const MAX_SQL_TYPE_DEPTH = 200;

/** Levels of nested arrays and objects in a JSON value: a program's property or an input record. */
export const MAX_JSON_DEPTH = 128;
