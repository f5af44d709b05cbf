// The chat routes answer bad requests in the server's one error shape, {error: {code, message}}, behind the token.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatModule } from '../../src/server/chat/chat-module.ts';
import { postJson, startFakeServer, type FakeServer } from './support/fake-server.ts';

let server: FakeServer;
beforeEach(async () => {
  const anthropic = () => {
    throw new Error('no model in this test: every request here is refused before a turn starts');
  };
  server = await startFakeServer({ token: 'chat-token', routes: [chatModule({ anthropic })] });
});
afterEach(async () => {
  await server.cleanup();
});

const errorOf = async (response: Response) => ({ status: response.status, body: (await response.json()) as unknown });

describe('chat errors', () => {
  it('says what is wrong, with a code, for each bad request', async () => {
    const cases: Array<[string, RequestInit | undefined, number, string]> = [
      [
        '/api/chat',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad' },
        400,
        'bad-request',
      ],
      ['/api/chat', postJson({ message: '  ' }), 400, 'bad-request'],
      ['/api/chat', postJson({ message: 'x'.repeat(8_001) }), 400, 'message-too-long'],
      ['/api/chat', postJson({ message: 'hi', conversationId: 5 }), 400, 'bad-request'],
      ['/api/chat', postJson({ message: 'hi', conversationId: 'conv_nope' }), 404, 'unknown-conversation'],
      ['/api/chat/confirm', postJson({}), 400, 'bad-request'],
      ['/api/chat/confirm', postJson({ conversationId: 'conv_nope' }), 404, 'unknown-conversation'],
      ['/api/chat/conv_nope', undefined, 404, 'unknown-conversation'],
    ];
    for (const [path, init, status, code] of cases) {
      const answer = await errorOf(await server.api(path, init));
      expect(answer, `${path} ${String(init?.body ?? '')}`.slice(0, 80)).toEqual({
        status,
        body: { error: { code, message: expect.any(String) } },
      });
    }
  });

  it('wants the token on every chat route', async () => {
    for (const [path, init] of [
      ['/api/chat', postJson({ message: 'hi' })],
      ['/api/chat/confirm', postJson({ conversationId: 'conv_nope' })],
      ['/api/chat/conv_nope', undefined],
    ] as const) {
      const response = await fetch(`${server.url}${path}`, init);
      expect(response.status, path).toBe(401);
    }
  });
});
