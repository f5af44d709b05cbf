import { describe, expect, it } from 'vitest';
import { fillToolInput } from '../../../src/sandbox/anthropic/tool-input.ts';
import { pickTool } from '../../../src/sandbox/anthropic/tool-picker.ts';
import type { ToolDefinition } from '../../../src/sandbox/anthropic/types.ts';

const tools: ToolDefinition[] = [
  { name: 'list_workflows', description: 'List the workflows that can be run' },
  { name: 'get_run_status', description: 'Show the status of a run' },
  { name: 'approve_step', description: 'Approve or reject a waiting human step' },
];

describe('tool picking', () => {
  it('prefers the tool whose name matches the user words', () => {
    expect(pickTool(tools, 'what is the status of run_42?')?.name).toBe('get_run_status');
    expect(pickTool(tools, 'Which workflows do we have?')?.name).toBe('list_workflows');
    expect(pickTool(tools, 'approve it')?.name).toBe('approve_step');
  });

  it('answers in text under auto when nothing matches, but picks under any and obeys a forced tool', () => {
    expect(pickTool(tools, 'tell me a joke')).toBeUndefined();
    expect(pickTool(tools, 'tell me a joke', { type: 'any' })?.name).toBe('list_workflows');
    expect(pickTool(tools, 'tell me a joke', { type: 'tool', name: 'approve_step' })?.name).toBe('approve_step');
    expect(pickTool(tools, 'approve it', { type: 'none' })).toBeUndefined();
  });
});

describe('tool input filling', () => {
  it('fills emails, amounts with currency, ids and enum values mentioned', () => {
    const schema = {
      type: 'object',
      properties: {
        email: { type: 'string' },
        amount: { type: 'integer' },
        currency: { type: 'string' },
        payment_intent: { type: 'string' },
        decision: { type: 'string', enum: ['approved', 'rejected'] },
        note: { type: 'string' },
      },
    };
    expect(fillToolInput(schema, 'approved: refund $25 for pi_3Abc to ann@example.com')).toEqual({
      email: 'ann@example.com',
      amount: 2500,
      currency: 'usd',
      payment_intent: 'pi_3Abc',
      decision: 'approved',
    });
  });

  it('takes explicit name=value pairs, typed by the schema', () => {
    const schema = { type: 'object', properties: { run_id: { type: 'string' }, limit: { type: 'integer' } } };
    expect(fillToolInput(schema, 'show run_id=abc-123 limit=5')).toEqual({ run_id: 'abc-123', limit: 5 });
  });

  it('fills a workflow name and free-form inputs', () => {
    const schema = { type: 'object', properties: { workflow: { type: 'string' }, inputs: { type: 'object' } } };
    expect(
      fillToolInput(schema, 'start the stripe-payment workflow for jo@example.com with payment_method=pm_card_visa'),
    ).toEqual({
      workflow: 'stripe-payment',
      inputs: { payment_method: 'pm_card_visa', email: 'jo@example.com' },
    });
  });
});
