// Sends chat messages to a server and gathers the streamed ChatEvents of each turn.
import type { ChatEvent } from '../../../src/server/chat/chat-event.ts';
import { createChatClient, type ChatClient } from '../../../src/server/chat/chat-client.ts';

export interface Chat {
  client: ChatClient;
  say(message: string): Promise<ChatEvent[]>;
  confirm(): Promise<ChatEvent[]>;
}

export const openChat = (url: string, token?: string): Chat => {
  const client = createChatClient({ url, token });
  const gather = async (send: (onEvent: (event: ChatEvent) => void) => Promise<void>) => {
    const events: ChatEvent[] = [];
    await send((event) => events.push(event));
    return events;
  };
  return {
    client,
    say: (message) => gather((onEvent) => client.send(message, onEvent)),
    confirm: () => gather((onEvent) => client.confirm(onEvent)),
  };
};

export const ofType = <T extends ChatEvent['type']>(
  events: ChatEvent[],
  type: T,
): Array<Extract<ChatEvent, { type: T }>> =>
  events.filter((event): event is Extract<ChatEvent, { type: T }> => event.type === type);

export const runEvents = (events: ChatEvent[]) => ofType(events, 'run.event').map((event) => event.event);
