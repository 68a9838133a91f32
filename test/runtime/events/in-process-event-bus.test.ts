import { InProcessEventBus, topicMatches } from '../../../runtime/src/events/in-process-event-bus';
import { makeEvent } from './event-consumer';

test.each([
  ['audit.#', 'audit.acme.client.created', true],
  ['audit.#', 'audit', true],
  ['audit.#', 'security.acme.ip.blocked', false],
  ['audit.*', 'audit.acme.client.created', false],
  ['audit.*.client.*', 'audit.acme.client.created', true],
  ['#.blocked', 'security.acme.ip.blocked', true],
  ['#', 'anything.at.all', true],
  ['security.acme.#', 'security.globex.ip.blocked', false],
  ['audit.acme.client.created', 'audit.acme.client.created', true],
])('binding %s, routing key %s: %s (AMQP topic semantics)', (binding, key, matches) => {
  expect(topicMatches(binding, key)).toBe(matches);
});

test('delivers each event to the subscribers whose binding matches its routing key', async () => {
  const bus = new InProcessEventBus();
  const audit: string[] = [];
  const security: string[] = [];
  bus.subscribe('audit.#', (e) => void audit.push(e.id));
  const unsubscribe = bus.subscribe('security.#', (e) => void security.push(e.id));
  const a = makeEvent({ kind: 'audit' });
  const s = makeEvent({ kind: 'security' });
  await bus.publish([a, s]);
  expect(audit).toEqual([a.id]);
  expect(security).toEqual([s.id]);
  unsubscribe();
  await bus.publish([makeEvent({ kind: 'security' })]);
  expect(security).toEqual([s.id]);
});

test('a failing subscriber fails the publish, as a nack would', async () => {
  const bus = new InProcessEventBus();
  bus.subscribe('#', () => {
    throw new Error('consumer down');
  });
  await expect(bus.publish([makeEvent()])).rejects.toThrow('consumer down');
});
