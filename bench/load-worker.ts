import { parentPort, workerData } from 'node:worker_threads';
import type { LoadJob } from './load.js';
import { forEachConcurrently } from '../lib/concurrency.js';
import { contactFor, send, triggerBody } from './tickets.js';

// A thread of its own, so that generating and signing the load does not take the event loop the
// hub's HTTP ingress and the emulators run on.
const job = workerData as LoadJob;
let done = 0;
const ticker = setInterval(() => parentPort?.postMessage({ done }), 250);
const ids = Array.from({ length: job.count }, (_, i) => job.firstTicketId + i);
await forEachConcurrently(ids, job.concurrency, async (id) => {
  // Every other requester is known by email only, so both ways of finding the Contact are in the mix.
  await send(job.url, triggerBody(id, contactFor(job.contacts, id), id % 2 === 0));
  done += 1;
});
clearInterval(ticker);
parentPort?.postMessage({ done, finished: true });
