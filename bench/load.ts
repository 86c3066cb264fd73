import { Worker } from 'node:worker_threads';
import type { Contact } from './tickets.js';

/** Ticket webhooks for the load worker to post. */
export interface LoadJob {
  url: string;
  firstTicketId: number;
  count: number;
  concurrency: number;
  contacts: Contact[];
}

/** Posts `job.count` signed ticket webhooks from a worker thread; `onProgress` hears how many were accepted. */
export function postTicketsFromWorker(job: LoadJob, onProgress: (done: number) => void): Promise<void> {
  const worker = new Worker(new URL('./load-worker.ts', import.meta.url), { workerData: job });
  return new Promise((resolve, reject) => {
    let finished = false;
    worker.on('message', (message: { done: number; finished?: boolean }) => {
      onProgress(message.done);
      if (message.finished) finished = true;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (finished) resolve();
      else reject(new Error(`The load worker exited with ${code} before it finished`));
    });
  });
}
