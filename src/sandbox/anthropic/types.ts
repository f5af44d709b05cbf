// The parts of the Messages API the emulator reads and writes, with the API's field names.
interface TextBlock {
  type: 'text';
  text: string;
  citations: null;
}

interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
  caller: { type: 'direct' };
}

export type ReplyBlock = TextBlock | ToolUseBlock;

/** An incoming content block; only the fields the emulator reads are typed. */
export interface RequestBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: string | RequestBlock[];
  is_error?: boolean;
}

interface RequestMessage {
  role: 'user' | 'assistant';
  content: string | RequestBlock[];
}

export interface ToolDefinition {
  name: string;
  description?: string;
  input_schema?: JsonSchema;
}

export interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  format?: string;
  default?: unknown;
}

export type ToolChoice = { type: 'auto' | 'any' | 'none' } | { type: 'tool'; name: string };

export interface MessagesRequest {
  model: string;
  max_tokens: number;
  messages: RequestMessage[];
  system?: string | RequestBlock[];
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  stop_sequences?: string[];
  stream?: boolean;
  temperature?: number;
  metadata?: Record<string, unknown>;
}

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use';

interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  service_tier: 'standard';
}

export interface MessageResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ReplyBlock[];
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  container: null;
  stop_details: null;
  usage: Usage;
}

/** One request the emulator answered, as `GET /__sandbox/state` reports it (no API key). */
export interface AnthropicCallRecord {
  requestId: string;
  at: string;
  path: string;
  status: number;
  stream: boolean;
  fault: string | null;
  /** The parsed request body (model, messages, tools...); null when it was not JSON. */
  body: unknown;
  reply: MessageResponse | null;
}

export interface AnthropicState {
  calls: AnthropicCallRecord[];
}
