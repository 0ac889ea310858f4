// The request bodies of the HTTP API, validated at the edge (zod); the OpenAPI document is
// generated from the same schemas.
import { z } from 'zod';
import { COMPILERS, FILE_NAME, KEY_PATTERN, OUTPUTS } from '@omnilisp/worker';

const fileName = z.string().regex(FILE_NAME, 'file names are NAME.omni or lib/NAME.omni');

/** The program: one `source`, or several `files` (NAME.omni, lib/NAME.omni) with an `entry`. */
const program = {
  source: z.string().optional().describe('The program text (shorthand for files: {"main.omni": source}).'),
  files: z
    .record(fileName, z.string())
    .optional()
    .describe('The program and the libraries it imports: NAME.omni files, libraries under lib/.'),
  entry: fileName.optional().describe('The program file among files (default main.omni, or the only top-level file).'),
};

export const Key = z.string().regex(KEY_PATTERN, 'a key is 64 lowercase hex digits');

export const BuildRequest = z
  .strictObject({
    ...program,
    target: z.string().min(1).optional().describe('Target triple (default: the first target the workers build for).'),
    output: z.enum(OUTPUTS).default('executable').describe('executable (gcc/clang) or shared: an object for the JIT host (tcc).'),
    compiler: z.enum(COMPILERS).optional().describe('Default: gcc for executables, tcc for shared objects.'),
    opt: z.union([z.literal(0), z.literal(2)]).default(2),
    static: z.boolean().default(false).describe('A fully static executable.'),
  })
  .describe('A build request.');

export const RunRequest = z
  .strictObject({
    ...program,
    key: Key.optional().describe('Run an already built shared (tcc) artifact instead of source.'),
    stdin: z.string().max(1 << 20).default('').describe('The program\'s standard input (any characters, NUL included).'),
    // an argv entry is a C string: a NUL byte cannot be passed, so it is the client's error (400), not the worker's
    args: z
      .array(z.string().max(4096).regex(/^[^\0]*$/, 'a program argument cannot contain a NUL byte'))
      .max(64)
      .default([])
      .describe('The program\'s command-line arguments (no NUL bytes).'),
    timeoutMs: z.number().int().min(1).optional().describe('Wall-clock limit of the run (default and maximum are configured).'),
  })
  .describe('A run request.');

export type BuildRequest = z.infer<typeof BuildRequest>;
export type RunRequest = z.infer<typeof RunRequest>;
