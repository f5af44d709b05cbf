// Serves the web page: the files in ./static, elkjs and eventsource-parser from node_modules. No build step.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { RUN_EVENT_TYPES } from '../../events/run-event.ts';
import { packageRoot } from '../../util/package-root.ts';

// Beside this module (src/, dist/), or in dist/ when this module is part of the CLI bundle (dist/cli/chunks/).
const besideModule = join(dirname(fileURLToPath(import.meta.url)), 'static');
const STATIC_DIR = existsSync(besideModule)
  ? besideModule
  : join(packageRoot(import.meta.url), 'dist/server/web/static');
const PAGE_FILES = [
  'index.html',
  'app.js',
  'api.js',
  'chat.js',
  'graph.js',
  'timeline.js',
  'inspector.js',
  'styles.css',
  'run-model.js',
  'node-panel.js',
  'json-tree.js',
  'runs-list.js',
  'format.js',
  'statechart.js',
  'svg.js',
];

const require = createRequire(import.meta.url);
const parserDir = dirname(require.resolve('eventsource-parser/stream'));
const VENDOR_FILES: Record<string, string> = {
  'elk.bundled.js': require.resolve('elkjs/lib/elk.bundled.js'),
  'eventsource-parser/stream.js': join(parserDir, 'stream.js'),
  'eventsource-parser/index.js': join(parserDir, 'index.js'),
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const serveFile = async (file: string, cache: string): Promise<Response> =>
  new Response(await readFile(file), {
    headers: {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': cache,
      'x-content-type-options': 'nosniff',
    },
  });

/** The page's list of event types is the server's own (static/run-event-types.d.ts types it for the page). */
const RUN_EVENT_TYPES_MODULE = `export const RUN_EVENT_TYPES = ${JSON.stringify(RUN_EVENT_TYPES)};\n`;

/** GET / and the page's files; only the files listed here are ever read. */
const webRoutes = (): Hono => {
  const app = new Hono();
  const page = () => serveFile(join(STATIC_DIR, 'index.html'), 'no-cache');
  app.get('/', page);
  // Deep links: the page reads the run or workflow from its own address.
  app.get('/runs/:id', page);
  app.get('/workflows/:id', page);
  for (const name of PAGE_FILES) {
    app.get(`/${name}`, () => serveFile(join(STATIC_DIR, name), 'no-cache'));
  }
  app.get('/run-event-types.js', (c) =>
    c.body(RUN_EVENT_TYPES_MODULE, 200, {
      'content-type': CONTENT_TYPES['.js'],
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    }),
  );
  for (const [name, file] of Object.entries(VENDOR_FILES)) {
    app.get(`/vendor/${name}`, () => serveFile(file, 'public, max-age=3600'));
  }
  return app;
};

/** Mounts the page on a server app: `createApp(ctx, {routes: [webModule()]})`. */
export const webModule = (): ((app: Hono) => void) => (app) => {
  app.route('/', webRoutes());
};
