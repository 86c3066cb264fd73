import { MixpanelIntent } from '../../lib/clients/mixpanel/intents.js';
import { unpack } from '../../lib/clients/mixpanel/packs.js';
import type { GroupUpdate, MixpanelEvent, ProfileUpdate } from '../../lib/clients/mixpanel/types.js';
import type { OutgoingMessage } from '../../lib/clients/queue-gateway.js';

type Unpacked =
  | { type: 'mixpanel.event'; event: MixpanelEvent }
  | { type: 'mixpanel.profile'; update: ProfileUpdate }
  | { type: 'mixpanel.group'; update: GroupUpdate };

/** The events and updates that mixpanel-queue messages carry, packs opened, in order. */
export function unpackedIntents(messages: readonly OutgoingMessage[]): Unpacked[] {
  return messages.flatMap((message): Unpacked[] => {
    const intent = MixpanelIntent.parse(JSON.parse(message.body));
    switch (intent.type) {
      case 'mixpanel.events':
        return unpack(intent).map((event) => ({ type: 'mixpanel.event', event: event as MixpanelEvent }));
      case 'mixpanel.profiles':
        return unpack(intent).map((update) => ({ type: 'mixpanel.profile', update: update as ProfileUpdate }));
      case 'mixpanel.groups':
        return unpack(intent).map((update) => ({ type: 'mixpanel.group', update: update as GroupUpdate }));
      case 'mixpanel.event':
        return [{ type: intent.type, event: intent.event }];
      default:
        return [{ type: intent.type, update: intent.update }] as Unpacked[];
    }
  });
}
