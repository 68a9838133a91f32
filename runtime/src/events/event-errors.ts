import { RuntimeError } from '../errors/runtime-error';

/** The broker did not confirm a batch (unreachable, connection lost, nack). The events stay in the outbox. */
export class EventPublishFailed extends RuntimeError {
  readonly code = 'event_publish_failed';
  readonly status = 503;
}
