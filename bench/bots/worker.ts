// Entry of a bot worker thread (see threads.ts): runs its share of the bots until told to stop.
import { parentPort, workerData } from 'node:worker_threads';
import { startSwarm, type SwarmPlan } from './swarm';
import type { FromWorker, ToWorker } from './threads';

const port = parentPort;
if (port === null) throw new Error('bots: worker.ts runs only as a worker thread');
const swarm = startSwarm(workerData as SwarmPlan);
const send = (message: FromWorker): void => port.postMessage(message);
const timer = setInterval(() => {
  const { bots, connected, connectedNow, dropped, errors, updates } = swarm.tally;
  send({ type: 'progress', progress: { bots, connected, connectedNow, dropped, errors, updates } });
}, 1000);
port.on('message', (message: ToWorker) => {
  if (message.type === 'mark') swarm.tally.mark();
  if (message.type === 'stop') {
    clearInterval(timer);
    swarm.settle();
    send({ type: 'final', data: swarm.tally.data() });
    swarm.stop();
    port.close();
  }
});
