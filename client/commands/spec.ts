/**
 * The edge half of a command: what the API, the client and the CLI need to offer it. The
 * workflow-safe half (its Update, `decide` and who may run it) lives in `domain/`; both halves
 * carry the same `name`.
 */
import type { z } from 'zod';

export interface CommandCliOption {
  /** The body field the flag fills; dots for nesting (`trainee.name`). */
  readonly field: string;
  readonly description: string;
  readonly required?: boolean;
}

export interface CommandCli {
  /** `--flag value` → body field. */
  readonly options: Readonly<Record<string, CommandCliOption>>;
  /** The body (or the part no flag fills) is read from a JSON file, the last positional argument. */
  readonly file?: boolean;
}

export interface CommandEdge {
  /** The one name: the CLI's verb, the registry's key, the UI form's key (`sign-off`). */
  readonly name: string;
  /** One line, for `--help` and the OpenAPI document. */
  readonly summary: string;
  /** More for the OpenAPI document: what answers 200 with nothing new, which rule codes it may answer. */
  readonly description?: string;
  /** A POST route in Fastify's pattern; its `:params` are the CLI's positional arguments, in order. */
  readonly path: `/v1/programs/:programId${string}`;
  /** The JSON body the route accepts. */
  readonly body: z.ZodType;
  readonly cli: CommandCli;
}

/** What the CLI needs of a command (it sends HTTP; the API validates the body). */
export type CliCommandSpec = Pick<CommandEdge, 'name' | 'summary' | 'path' | 'cli'>;
