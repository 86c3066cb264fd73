import type { OutgoingMessage, QueueGateway } from '../../lib/clients/queue-gateway.js';

/** Records what a consumer asks of its queues. */
export class FakeQueueGateway implements QueueGateway {
  readonly sent: Array<{ queueUrl: string; messages: OutgoingMessage[] }> = [];
  readonly delayed: Array<{ queueUrl: string; receiptHandle: string; delaySeconds: number }> = [];
  readonly deadLettered: Array<{
    dlqUrl: string;
    message: OutgoingMessage;
    reason: { code: string; message: string };
  }> = [];

  async send(queueUrl: string, messages: readonly OutgoingMessage[]): Promise<void> {
    this.sent.push({ queueUrl, messages: [...messages] });
  }

  async retryLater(queueUrl: string, receiptHandle: string, delaySeconds: number): Promise<void> {
    this.delayed.push({ queueUrl, receiptHandle, delaySeconds });
  }

  async deadLetter(dlqUrl: string, message: OutgoingMessage, reason: { code: string; message: string }): Promise<void> {
    this.deadLettered.push({ dlqUrl, message, reason });
  }
}
