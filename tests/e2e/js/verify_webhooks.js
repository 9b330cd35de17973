// Checks every webhook the receiver logged (deploy/tools/webhook_receiver.py's JSON
// lines: raw body, id, timestamp, signature) with the standardwebhooks npm package,
// an implementation independent of ours, and checks that a tampered body fails.
//
//   node verify_webhooks.js FILE.jsonl whsec_SECRET
//
// Prints "verified N webhooks; tampered bodies refused" and exits 0, or prints the
// first failure and exits 1.
'use strict';
const fs = require('fs');
const path = require('path');
const {Webhook} = require(path.join(process.env.P06_NODE_MODULES, 'standardwebhooks'));

const [file, secret] = process.argv.slice(2);
const wh = new Webhook(secret.replace(/^whsec_/, ''));  // The package takes the base64 key.
let n = 0;
for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
  if (!line) continue;
  const r = JSON.parse(line);
  const headers = {'webhook-id': r.id, 'webhook-timestamp': String(r.timestamp), 'webhook-signature': r.signature};
  try {
    wh.verify(r.raw, headers);
  } catch (e) {
    console.log(`webhook ${r.id} did not verify: ${e.message}`);
    process.exit(1);
  }
  let refused = false;
  try {
    wh.verify(r.raw.replace('"data":', '"data" :'), headers);
  } catch (e) {
    refused = true;
  }
  if (!refused) {
    console.log(`webhook ${r.id}: a tampered body verified`);
    process.exit(1);
  }
  ++n;
}
console.log(`verified ${n} webhooks; tampered bodies refused`);
