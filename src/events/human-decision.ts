/** What a person answers a waiting `human` node: from the API, the page, the chat or the CLI prompt. */
export interface HumanDecision {
  decision: 'approved' | 'rejected';
  comment?: string;
  data?: Record<string, unknown>;
}
