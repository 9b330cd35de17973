// An independent gRPC client (grpc-js, default limits: 4 MiB per received message)
// that replays the task service's whole event stream and pages through a plan's
// tasks, as another ministry system written in Node would.
//
//   node replay_events.js HOST:PORT PROTO_DIR PLAN
//
// Prints "replayed N events in M messages; listed K tasks in P pages" and exits 0, or
// prints the failure and exits 1.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const grpc = require(path.join(process.env.P06_NODE_MODULES, '@grpc/grpc-js'));
const loader = require(path.join(process.env.P06_NODE_MODULES, '@grpc/proto-loader'));

const [target, protoDir, plan] = process.argv.slice(2);
const definition = loader.loadSync('p06/task/v1/task.proto', {includeDirs: [protoDir], keepCase: true, longs: String});
const tasks = new (grpc.loadPackageDefinition(definition).p06.task.v1.TaskService)(
    target, grpc.credentials.createInsecure());
const caller = new grpc.Metadata();
caller.set('x-p06-subject', 'replay@grpc-js');
caller.set('x-p06-roles', 'viewer');
// The principal's proof (common/grpc/internal_proof.h), computed here independently
// with Node's Ed25519, signed as the operator (who may assert any principal).
// The proof names the service it is for (task).
const key = fs.readFileSync(path.join(process.env.P06_INTERNAL_KEYS_DIR, 'operator.key'));
const expiry = Math.floor(Date.now() / 1000) + 300;
const signature = crypto.sign(null, Buffer.from(`v2\noperator\ntask\n${expiry}\nreplay@grpc-js\n\nviewer`), key);
caller.set('x-p06-proof', `v2.operator.task.${expiry}.${signature.toString('base64url')}`);

function fail(what, e) {
  console.log(`${what} failed: ${e.code} ${e.details}`);
  process.exit(1);
}

function listAll(token, pages, count, done) {
  tasks.ListTasks({parent: plan, page_size: 500, page_token: token}, caller, (e, r) => {
    if (e) return fail('ListTasks', e);
    if (r.next_page_token) return listAll(r.next_page_token, pages + 1, count + r.tasks.length, done);
    done(pages + 1, count + r.tasks.length);
  });
}

let events = 0, messages = 0;
const stream = tasks.WatchEvents({after: '', replay_only: true}, caller);
stream.on('data', (r) => {
  messages++;
  events += r.events.length;
});
stream.on('error', (e) => fail('WatchEvents', e));
stream.on('end', () => listAll('', 0, 0, (pages, count) => {
  console.log(`replayed ${events} events in ${messages} messages; listed ${count} tasks in ${pages} pages`);
  process.exit(0);
}));
