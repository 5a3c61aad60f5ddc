/**
 * The names of the functions Feldera's SQL dialect defines (Calcite's standard and library
 * functions it loads, and its own), whether or not dynaview runs them. A call of a name on this
 * list that dynaview lacks is "not supported yet"; any other unknown name is a misspelling or a
 * function of another dialect, reported as an unknown function with the closest known name.
 */
export const SQL_FUNCTION_NAMES: ReadonlySet<string> = new Set([
  // Standard scalar functions
  'ABS', 'ACOS', 'ASCII', 'ASIN', 'ATAN', 'ATAN2', 'CARDINALITY', 'CBRT', 'CEIL', 'CEILING', 'CHAR_LENGTH',
  'CHARACTER_LENGTH', 'COALESCE', 'CONVERT', 'COS', 'COT', 'DAYOFMONTH', 'DAYOFWEEK', 'DAYOFYEAR', 'DEGREES', 'DOW', 'DOY',
  'ELEMENT', 'EXP', 'EXTRACT', 'FLOOR', 'HOUR', 'INITCAP', 'LN', 'LOG10', 'LOWER', 'MINUTE', 'MOD', 'MONTH', 'NULLIF',
  'OCTET_LENGTH', 'OVERLAY', 'PI', 'POSITION', 'POWER', 'QUARTER', 'RADIANS', 'REPLACE', 'ROUND', 'SECOND', 'SIGN', 'SIN',
  'SQRT', 'SUBSTRING', 'TAN', 'TIMESTAMPADD', 'TIMESTAMPDIFF', 'TRANSLATE', 'TRIM', 'TRUNCATE', 'UPPER', 'WEEK', 'YEAR',
  // Library functions Feldera loads
  'ACOSH', 'ARRAY', 'ARRAY_APPEND', 'ARRAY_COMPACT', 'ARRAY_CONCAT', 'ARRAY_DISTINCT', 'ARRAY_JOIN', 'ARRAY_LENGTH',
  'ARRAY_MAX', 'ARRAY_MIN', 'ARRAY_PREPEND', 'ARRAY_REPEAT', 'ARRAY_REVERSE', 'ARRAY_SIZE', 'ARRAY_TO_STRING', 'ASINH',
  'ATANH', 'CHR', 'CONCAT', 'CONCAT_WS', 'COSH', 'COTH', 'CSC', 'CSCH', 'DATE', 'DATE_ADD', 'DATE_PART', 'DATE_SUB',
  'DATE_TRUNC', 'DATEADD', 'DATEDIFF', 'GREATEST', 'IF', 'IS_INF', 'IS_NAN', 'LEAST', 'LEFT', 'LEN', 'LENGTH', 'LOG',
  'LTRIM', 'MAP', 'MAP_CONTAINS_KEY', 'MD5', 'REGEXP_REPLACE', 'REPEAT', 'RIGHT', 'RTRIM', 'SAFE_CAST', 'SAFE_OFFSET', 'SEC',
  'SECH', 'SINH', 'SORT_ARRAY', 'SPLIT', 'SPLIT_PART', 'SUBSTR', 'TANH', 'TIME', 'TIME_TRUNC', 'TIMESTAMP',
  'TIMESTAMP_TRUNC', 'TO_HEX', 'TRUNC',
  // Feldera's own
  'ARRAY_CONTAINS', 'ARRAY_EXCEPT', 'ARRAY_EXISTS', 'ARRAY_INSERT', 'ARRAY_INTERSECT', 'ARRAY_POSITION', 'ARRAY_REMOVE',
  'ARRAY_UNION', 'ARRAYS_OVERLAP', 'BLACKBOX', 'BROUND', 'CONNECTOR_METADATA', 'FORMAT_DATE', 'GREATEST_IGNORE_NULLS',
  'GUNZIP', 'INITCAP_SPACES', 'LEAST_IGNORE_NULLS', 'NOW', 'PARSE_DATE', 'PARSE_JSON', 'PARSE_TIME', 'PARSE_TIMESTAMP',
  'RLIKE', 'SEQUENCE', 'TO_INT', 'TO_JSON', 'TRANSFORM', 'WRITELOG',
  // Table functions
  'HOP', 'TUMBLE',
]);
