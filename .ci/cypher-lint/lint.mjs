// Lint Cypher statements with Neo4j's own parser and semantic analyser
// (@neo4j-cypher/language-support, lintCypherQuery), as Cypher 5.
//
// Input on stdin, JSON, either
//   [{"name": "GET_NODE", "cypher": "MATCH ...", "params": ["id"]}, ...]
// or
//   {"schema": {"labels": [...], "relationshipTypes": [...], "propertyKeys": [...]},
//    "statements": [ ...as above... ]}
// "params" is a list of parameter names (or an object name -> example value); each statement is
// linted with exactly its own parameters declared, so a parameter it uses but does not declare
// is an error. With a schema, labels, relationship types and property keys outside it are
// reported as warnings.
//
// Output: one line per diagnostic, "ERROR|WARNING <name> <line>:<column> <message>", then a
// summary line. Exit status: 0 without error-severity diagnostics, 1 with some, 2 on bad input.
//
// Usage: python -c '...print(json.dumps(statements))' | node .ci/cypher-lint/lint.mjs

import { lintCypherQuery } from '@neo4j-cypher/language-support';

// Built-in functions of Cypher 5 that statements may call. Declaring them makes the linter
// report any other function (a typo such as `propertiez(n)`) as an error. Predicates such as
// all()/any() and count(*) are syntax and need no entry.
const BUILTIN_FUNCTIONS = [
  // aggregating
  'avg', 'collect', 'count', 'max', 'min', 'percentileCont', 'percentileDisc', 'stDev', 'stDevP', 'sum',
  // lists and graph elements
  'keys', 'labels', 'nodes', 'range', 'relationships', 'reverse', 'tail', 'head', 'last',
  'toBooleanList', 'toFloatList', 'toIntegerList', 'toStringList',
  'coalesce', 'elementId', 'endNode', 'startNode', 'length', 'properties', 'size', 'type',
  'randomUUID', 'timestamp', 'valueType', 'isEmpty',
  'toBoolean', 'toBooleanOrNull', 'toFloat', 'toFloatOrNull', 'toInteger', 'toIntegerOrNull',
  // numbers
  'abs', 'ceil', 'floor', 'isNaN', 'rand', 'round', 'sign', 'e', 'exp', 'log', 'log10', 'sqrt',
  'acos', 'asin', 'atan', 'atan2', 'cos', 'cot', 'degrees', 'haversin', 'pi', 'radians', 'sin', 'tan',
  // strings
  'btrim', 'left', 'lower', 'ltrim', 'normalize', 'replace', 'right', 'rtrim', 'split', 'substring',
  'toLower', 'toString', 'toStringOrNull', 'toUpper', 'trim', 'upper',
  // temporal
  'date', 'datetime', 'localdatetime', 'localtime', 'time', 'duration',
];
const AGGREGATING = new Set(['avg', 'collect', 'count', 'max', 'min', 'percentileCont', 'percentileDisc',
  'stDev', 'stDevP', 'sum']);

function builtin(name) {
  return {
    name,
    category: 'builtin',
    description: '',
    isBuiltIn: true,
    argumentDescription: [{ name: 'input', description: '', type: 'ANY', isDeprecated: false }],
    returnDescription: 'ANY',
    signature: `${name}(input :: ANY) :: ANY`,
    aggregating: AGGREGATING.has(name),
    isDeprecated: false,
  };
}

const FUNCTIONS = { 'CYPHER 5': Object.fromEntries(BUILTIN_FUNCTIONS.map((n) => [n, builtin(n)])) };

function readStdin() {
  return new Promise((resolve, reject) => {
    let data = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => { data += chunk; });
    process.stdin.on('end', () => resolve(data));
    process.stdin.on('error', reject);
  });
}

function declaredParameters(params) {
  if (Array.isArray(params)) return Object.fromEntries(params.map((p) => [p, null]));
  if (params && typeof params === 'object') {
    return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === undefined ? null : v]));
  }
  return {};
}

function fail(message) {
  process.stderr.write(`cypher-lint: ${message}\n`);
  process.exit(2);
}

const input = await readStdin();
let parsed;
try {
  parsed = JSON.parse(input);
} catch (err) {
  fail(`stdin is not JSON: ${err.message}`);
}
const statements = Array.isArray(parsed) ? parsed : parsed?.statements;
const schema = Array.isArray(parsed) ? {} : (parsed?.schema ?? {});
if (!Array.isArray(statements)) fail('expected a JSON list of {name, cypher, params} (or {schema, statements})');

let errors = 0;
let warnings = 0;
for (const [i, st] of statements.entries()) {
  const name = st?.name ?? `#${i}`;
  if (typeof st?.cypher !== 'string' || st.cypher.trim() === '') {
    console.log(`ERROR ${name} 0:0 no Cypher text`);
    errors += 1;
    continue;
  }
  const dbSchema = {
    ...schema,
    parameters: declaredParameters(st.params),
    functions: FUNCTIONS,
    defaultLanguage: 'CYPHER 5',
  };
  const { diagnostics } = lintCypherQuery(st.cypher, dbSchema);
  for (const d of diagnostics) {
    const isError = d.severity === 1;
    if (isError) errors += 1; else warnings += 1;
    const where = `${d.range.start.line + 1}:${d.range.start.character + 1}`;
    console.log(`${isError ? 'ERROR' : 'WARNING'} ${name} ${where} ${d.message.replace(/\s+/g, ' ')}`);
  }
}
console.log(`cypher-lint: ${statements.length} statements, ${errors} errors, ${warnings} warnings`);
process.exit(errors > 0 ? 1 : 0);
