/**
 * Completion tokens: which table's ingress a push went to and its place there, in this run of the
 * pipeline. Opaque to clients; a token of an earlier run is told apart (Feldera answers 410).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export interface CompletionToken {
  /** The run that issued it. */
  readonly run: string;
  readonly table: string;
  /** The ingress's push count after the push. */
  readonly pushes: number;
}

const TOKEN_SHAPE = z.strictObject({ run: z.string(), table: z.string(), pushes: z.int().min(0) });

/** Identifies this run in the tokens it issues. */
export const RUN_ID = randomUUID();

export function encodeToken(token: CompletionToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/** The token `text` stands for; undefined when it is not a token. */
export function decodeToken(text: string): CompletionToken | undefined {
  try {
    const result = TOKEN_SHAPE.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
