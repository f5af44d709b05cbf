// A Stripe sandbox behind a recorder: every request the engine sends, as it arrived on the wire.
import { createStripeEmulator, type StripeEmulator } from '../../../../src/sandbox/stripe/app.ts';
import { serveApp, type ServedApp } from '../../../../src/sandbox/shared/serve-app.ts';

interface WireRequest {
  method: string;
  path: string;
  query: string;
  contentType: string | null;
  body: string;
}

export interface RecordingStripe {
  url: string;
  stripe: StripeEmulator;
  requests: WireRequest[];
  close(): Promise<void>;
}

export async function startRecordingStripe(): Promise<RecordingStripe> {
  const stripe = createStripeEmulator();
  const requests: WireRequest[] = [];
  const served: ServedApp = await serveApp(async (request) => {
    const url = new URL(request.url);
    const body = await request.clone().text();
    if (!url.pathname.startsWith('/__sandbox')) {
      requests.push({
        method: request.method,
        path: url.pathname,
        query: url.search.replace(/^\?/, ''),
        contentType: request.headers.get('content-type'),
        body,
      });
    }
    return stripe.fetch(request);
  });
  return { url: served.url, stripe, requests, close: () => served.close() };
}
