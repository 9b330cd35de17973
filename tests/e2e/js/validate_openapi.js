// Validates the gateway's OpenAPI document with an independent validator
// (@apidevtools/swagger-parser): schema, $refs, parameters of every path.
//
//   node validate_openapi.js FILE
//
// Prints "valid: N paths" and exits 0, or prints the problem and exits 1.
'use strict';
const path = require('path');
const SwaggerParser = require(path.join(process.env.P06_NODE_MODULES, '@apidevtools/swagger-parser'));

SwaggerParser.validate(process.argv[2])
  .then((api) => { console.log(`valid: ${Object.keys(api.paths).length} paths`); })
  .catch((e) => { console.log(`invalid: ${e.message}`); process.exit(1); });
