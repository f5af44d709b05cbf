// Collects located diagnostics while a document is normalized and validated.
import type { Diagnostic, Severity, SourcePosition } from './workflow.ts';

export type DocPath = ReadonlyArray<string | number>;

/** ['edges', 3, 'condition'] → `edges[3].condition`. */
function formatPath(path: DocPath): string {
  return path.reduce<string>(
    (text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment),
    '',
  );
}

export interface Report {
  code: string;
  path: DocPath;
  message: string;
  suggestion?: string;
  /** Where to point; defaults to the path's value in the document. */
  at?: SourcePosition;
  /** Point at the key rather than its value. */
  onKey?: boolean;
}

export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];
  private readonly locate: (path: DocPath, options?: { key?: boolean }) => SourcePosition;

  constructor(locate: (path: DocPath, options?: { key?: boolean }) => SourcePosition) {
    this.locate = locate;
  }

  error(report: Report): void {
    this.add('error', report);
  }

  warning(report: Report): void {
    this.add('warning', report);
  }

  get hasErrors(): boolean {
    return this.diagnostics.some((diagnostic) => diagnostic.severity === 'error');
  }

  private add(severity: Severity, { code, path, message, suggestion, at, onKey }: Report): void {
    const position = at ?? this.locate(path, { key: onKey });
    this.diagnostics.push({
      ...position,
      severity,
      code,
      path: formatPath(path),
      message,
      ...(suggestion ? { suggestion } : {}),
    });
  }
}

/** Diagnostics in reading order: by line, then column. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.line - b.line || a.col - b.col);
}

/** `file:line:col: error: message (suggestion)` */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const hint = diagnostic.suggestion ? ` (${diagnostic.suggestion})` : '';
  return `${diagnostic.file}:${diagnostic.line}:${diagnostic.col}: ${diagnostic.severity}: ${diagnostic.message}${hint}`;
}
