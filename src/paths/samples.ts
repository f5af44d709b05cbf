// Sample values on both sides of each comparison a condition makes: 1001 and 1000 for `amount > 1000`.
import type { Atom } from './cel-atoms.ts';

const otherText = (text: string): string => `<not ${text}>`;

function nudge(value: number, double: boolean | undefined): [number, number] {
  const step = double || !Number.isInteger(value) ? 0.5 : 1;
  return [value - step, value + step];
}

function otherThan(value: unknown, double?: boolean): unknown {
  if (typeof value === 'string') return otherText(value);
  if (typeof value === 'number') return nudge(value, double)[1];
  if (typeof value === 'boolean') return !value;
  return 'value';
}

function outsideList(list: unknown[]): unknown {
  if (list.every((item) => typeof item === 'number')) return Math.max(...(list as number[])) + 1;
  return otherText(list.map(String).join('|'));
}

const listOfSize = (size: number): unknown[] => Array.from({ length: Math.max(0, size) }, () => '');

/** Values of the atom's field that make the comparison true, and false, where the literals allow it. */
export function samplesFor(atom: Atom): unknown[] {
  const [literal] = atom.literals;
  switch (atom.op) {
    case '==':
    case '!=':
      if (atom.size && typeof literal === 'number') return [listOfSize(literal), listOfSize(literal + 1)];
      return [literal, otherThan(literal, atom.double)];
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (typeof literal !== 'number') return [literal];
      const [below, above] = nudge(literal, atom.double && !atom.size);
      // The true side first, then the boundary: `amount > 1000` → 1001, 1000.
      const byOp = {
        '<': [below, literal, above],
        '<=': [literal, above, below],
        '>': [above, literal, below],
        '>=': [literal, below, above],
      };
      const values = byOp[atom.op];
      return atom.size ? values.map(listOfSize) : values;
    }
    case 'in':
      return [...atom.literals, outsideList(atom.literals)];
    case 'contains':
      return [`...${String(literal)}...`, ''];
    case 'startsWith':
      return [`${String(literal)}...`, ''];
    case 'endsWith':
      return [`...${String(literal)}`, ''];
    case 'truthy':
      return [true, false];
  }
}
