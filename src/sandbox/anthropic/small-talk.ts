// Greetings, thanks and "what can you do?": a short plain answer naming the workflows the system prompt lists.
import { contentText } from './text.ts';
import type { MessagesRequest } from './types.ts';

const GREETING = /^(hi|hello|hey|hiya|yo|good (morning|afternoon|evening)|howdy)\b/i;
const THANKS = /^(thanks|thank you|cheers|ok(ay)?|great|cool|nice)\b/i;
const ABILITIES =
  /\b(what can you do|what do you do|who are you|what are you|help( me)?$|how does this work|what workflows)\b/i;

const MAX_LISTED = 8;

/** `- id — Name: description [inputs: ...]` lines of the system prompt, as "Name (id)". */
function listedWorkflows(request: MessagesRequest): string[] {
  const system = contentText(request.system);
  const lines = system.split('\n');
  const start = lines.findIndex((line) => /workflows/i.test(line) && line.trim().endsWith(':'));
  if (start < 0) return [];
  const listed: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const match = /^- (\S+) — ([^:[]+)/.exec(line.trim());
    if (match) listed.push(`${match[2].trim()} (${match[1]})`);
  }
  return listed;
}

/** The reply to small talk, or undefined when the person asked for something. */
export function smallTalkReply(said: string, request: MessagesRequest): string | undefined {
  const text = said.trim().replace(/[!.?]+$/, '');
  const words = text.split(/\s+/).length;
  const greeting = GREETING.test(text) && words <= 4;
  const thanks = THANKS.test(text) && words <= 4;
  const abilities = ABILITIES.test(text);
  if (!greeting && !thanks && !abilities) return undefined;
  if (thanks && !abilities) return 'You are welcome. Tell me when you want to run something else.';
  return capabilities(request, greeting && !abilities ? 'Hello! ' : '');
}

/** What to say in a conversation to words that ask for nothing it can do: what it can do instead. */
export function notUnderstood(said: string, request: MessagesRequest): string {
  const quoted = said.trim().replace(/\s+/g, ' ');
  const shown = quoted.length > 60 ? `${quoted.slice(0, 59)}…` : quoted;
  return capabilities(request, `I am not sure what to do with "${shown}". `);
}

function capabilities(request: MessagesRequest, opening: string): string {
  const workflows = listedWorkflows(request);
  if (workflows.length === 0)
    return `${opening}I can answer questions, but no workflows are set up for me to run here.`;
  const shown = workflows.slice(0, MAX_LISTED).map((name) => `- ${name}`);
  const more = workflows.length > MAX_LISTED ? [`…and ${workflows.length - MAX_LISTED} more.`] : [];
  return [
    `${opening}I can run these workflows for you:`,
    ...shown,
    ...more,
    'Say what you need, e.g. "Charge john@example.com $25". Anything that spends money waits for your "yes".',
  ].join('\n');
}
