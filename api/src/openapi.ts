// The OpenAPI 3.1 description of the HTTP API, served at /v1/openapi.json. Request bodies come
// from the same zod schemas the routes validate with, so the document cannot drift from them.
import { z } from 'zod';
import { RUN_LIMITS } from '@omnilisp/worker';
import { BuildRequest, RunRequest } from './schemas.js';

const json = (schema: object) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({ description, content: json(ref('Error')) });
const keyParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } });

/** Errors every /v1 route can answer. */
const common = {
  '400': error('Invalid request (details lists the problems)'),
  '401': error('Missing or unknown API key'),
  '429': error('Rate limit exceeded (see Retry-After)'),
  '503': error('Redis, the store or the workers are unavailable (see Retry-After)'),
};

const schemaOf = (s: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input' }) as Record<string, unknown>;
  return rest;
};

const diagnostic = {
  type: 'object',
  properties: { file: { type: 'string' }, line: { type: 'integer' }, column: { type: 'integer' }, message: { type: 'string' } },
  required: ['file', 'line', 'column', 'message'],
};

const components = {
  schemas: {
    BuildRequest: schemaOf(BuildRequest),
    RunRequest: schemaOf(RunRequest),
    Diagnostic: diagnostic,
    Error: {
      type: 'object',
      properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} }, required: ['code', 'message'] } },
      required: ['error'],
    },
    Manifest: {
      type: 'object',
      description: 'Everything known about an artifact: key, target, compiler and flags, files, artifact size and SHA-256, versions, diagnostics, timings.',
      properties: {
        key: { type: 'string' },
        target: { type: 'string' },
        output: { type: 'string', enum: ['executable', 'shared'] },
        compiler: { type: 'string', enum: ['gcc', 'clang', 'tcc'] },
        opt: { type: 'integer' },
        static: { type: 'boolean' },
        entry: { type: 'string' },
        files: { type: 'array', items: { type: 'object' } },
        artifact: { type: 'object', properties: { name: { type: 'string' }, bytes: { type: 'integer' }, sha256: { type: 'string' } } },
        versions: { type: 'object' },
        diagnostics: { type: 'array', items: ref('Diagnostic') },
        timings: { type: 'object' },
        createdAt: { type: 'string' },
      },
      required: ['key', 'target', 'output', 'compiler', 'artifact'],
    },
    Build: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        key: { type: 'string' },
        status: { type: 'string', enum: ['queued', 'active', 'completed', 'failed'] },
        progress: {},
        manifest: ref('Manifest'),
        diagnostics: { type: 'array', items: ref('Diagnostic') },
        links: { type: 'object' },
      },
      required: ['id', 'key', 'status'],
    },
    RunResult: {
      type: 'object',
      properties: {
        stdout: { type: 'string' },
        stderr: { type: 'string' },
        exitCode: { type: 'integer' },
        limit: { type: ['string', 'null'], enum: [...RUN_LIMITS, null] },
        truncated: { type: 'boolean' },
        cache: { type: 'string', enum: ['hit', 'miss'] },
        key: { type: 'string' },
        timings: { type: 'object' },
      },
      required: ['stdout', 'stderr', 'exitCode', 'cache'],
    },
  },
  securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key from OMNI_API_KEYS or OMNI_ADMIN_KEYS' } },
};

export function openApiDocument(): object {
  return {
    openapi: '3.1.0',
    info: { title: 'OmniLisp compile-and-cache service', version: '1.0.0', description: 'Compile OmniLisp to native executables or JIT objects, download them, run them in a sandbox.' },
    security: [{ bearer: [] }],
    components,
    paths: {
      '/v1/builds': {
        post: {
          summary: 'Build a program (answered from the store when already built)',
          requestBody: { required: true, content: json(ref('BuildRequest')) },
          responses: {
            '200': { description: 'Already built', content: json(ref('Build')) },
            '202': { description: 'Queued; poll links.self', content: json(ref('Build')) },
            '413': error('Body, source or file count over the limit'),
            '415': error('Body is not application/json'),
            '422': error('The source does not parse (details.diagnostics)'),
            ...common,
          },
        },
      },
      '/v1/builds/{id}': {
        get: {
          summary: 'Status of a build (its id is its key)',
          parameters: [keyParam('id')],
          responses: { '200': { description: 'Status, progress, diagnostics, manifest when done', content: json(ref('Build')) }, '404': error('No such build'), ...common },
        },
      },
      '/v1/artifacts/{key}': {
        get: {
          summary: 'Download an artifact (ETag = its SHA-256; HEAD supported)',
          parameters: [keyParam('key')],
          responses: {
            '200': { description: 'The bytes', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
            '302': { description: 'Redirect to a presigned URL (when OMNI_PRESIGN_DOWNLOADS is set)' },
            '304': { description: 'Not modified (If-None-Match)' },
            '404': error('No such artifact'),
            ...common,
          },
        },
      },
      '/v1/artifacts/{key}/manifest': {
        get: { summary: "An artifact's manifest", parameters: [keyParam('key')], responses: { '200': { description: 'The manifest', content: json(ref('Manifest')) }, '404': error('No such artifact'), ...common } },
      },
      '/v1/run': {
        post: {
          summary: 'Run a program in the sandbox (compiled with tcc when not cached)',
          requestBody: { required: true, content: json(ref('RunRequest')) },
          responses: {
            '200': { description: 'The run (a program stopped by a limit is still a 200: see limit)', content: json(ref('RunResult')) },
            '404': error('No artifact with that key'),
            '413': error('Body or source over the limit'),
            '422': error('The program does not compile (details.diagnostics)'),
            '504': error('No worker finished the run in time'),
            ...common,
          },
        },
      },
      '/v1/targets': { get: { summary: 'What the live workers build: target, compiler, output', responses: { '200': { description: 'The list' }, ...common } } },
      '/v1/cache/stats': { get: { summary: 'Artifact count and bytes, hit/miss counters, queue depth', responses: { '200': { description: 'Statistics' }, ...common } } },
      '/v1/cache': { delete: { summary: 'Delete every artifact and reset the counters (admin key)', responses: { '200': { description: 'How many objects were deleted' }, '403': error('Not an admin key'), ...common } } },
      '/v1/openapi.json': { get: { summary: 'This document', security: [], responses: { '200': { description: 'The OpenAPI 3.1 document' } } } },
      '/healthz': { get: { summary: 'The process is up', security: [], responses: { '200': { description: 'ok' } } } },
      '/readyz': { get: { summary: 'Redis and the store are reachable', security: [], responses: { '200': { description: 'ready' }, '503': { description: 'not ready' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', security: [], responses: { '200': { description: 'text exposition format' } } } },
    },
  };
}
