/**
 * Checks real answers against the served OpenAPI document (SPEC §11 "The
 * contract"). The document itself is checked with
 * @seriousme/openapi-schema-validator (the OpenAPI 3.0/3.1/3.2 meta-schemas,
 * tested on the 2,000+ APIs of apis.guru); each answer's body with Ajv's
 * JSON Schema 2020-12 validator, the dialect OpenAPI 3.1 schemas are written
 * in, compiling the document's own schemas (refs resolved inside it). The
 * OpenAPI-level part (which operation, which status, which headers, which
 * media type, the SSE events of `x-sse-events`) is the few lines below.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

export interface RealAnswer {
  status: number;
  headers: Headers;
  /** The body as text ('' for none). */
  text: string;
}

type Json = Record<string, any>;

export class Contract {
  /** `METHOD path status` of every answer checked. */
  readonly seen = new Set<string>();
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  private constructor(readonly document: Json) {
    // Formats stay annotations (as JSON Schema 2020-12 has them by default); everything else is strict.
    this.ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: false });
    // The document is added whole so its `#/components/...` refs resolve: its top-level OpenAPI fields and
    // OpenAPI's schema keywords are known to Ajv as annotations; only the schemas inside are compiled.
    this.ajv.addVocabulary(['openapi', 'info', 'servers', 'paths', 'components', 'webhooks', 'security', 'tags', 'jsonSchemaDialect', 'discriminator', 'xml', 'externalDocs', 'example']);
    this.ajv.addSchema(document as object, 'openapi.json');
  }

  /** Validates the document as OpenAPI; throws with the validator's errors when it is not. */
  static async load(document: Json): Promise<Contract> {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    if (!result.valid) throw new Error(`not a valid OpenAPI document: ${JSON.stringify(result.errors, null, 1).slice(0, 2000)}`);
    if (validator.version !== '3.1') throw new Error(`expected OpenAPI 3.1, got ${validator.version}`);
    return new Contract(document);
  }

  /** Every `METHOD path` the document declares. */
  operations(): string[] {
    const out: string[] = [];
    for (const [path, item] of Object.entries(this.document.paths as Json)) for (const method of Object.keys(item)) out.push(`${method.toUpperCase()} ${path}`);
    return out;
  }

  /** What is wrong with `answer` as the document's answer to `method path` (a template path such as `/agent/v1/conversations/{id}/close`). */
  check(method: string, path: string, answer: RealAnswer): string[] {
    const where = `${method} ${path} → ${answer.status}`;
    const operation = this.document.paths?.[path]?.[method.toLowerCase()];
    if (!operation) return [`${method} ${path} is not in the document`];
    let response = operation.responses?.[String(answer.status)];
    if (!response) return [`${where}: status ${answer.status} is not documented (documented: ${Object.keys(operation.responses).join(', ')})`];
    this.seen.add(`${method} ${path} ${answer.status}`);
    let pointer = `#/paths/${escape(path)}/${method.toLowerCase()}/responses/${answer.status}`;
    if (typeof response.$ref === 'string') {
      // A shared response (components.responses): only local refs are used.
      pointer = response.$ref;
      response = this.document.components.responses[response.$ref.split('/').pop()!];
    }
    const problems = this.checkHeaders(where, pointer, response, answer.headers);
    // A HEAD answer has the GET answer's headers and never a body.
    if (method === 'HEAD') return problems;
    const media = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (!response.content) {
      if (answer.text !== '') problems.push(`${where}: the document says no body, got ${answer.text.length} bytes`);
      return problems;
    }
    if (!Object.hasOwn(response.content, media)) return [...problems, `${where}: content-type ${media || '(none)'} is not one of ${Object.keys(response.content).join(', ')}`];
    const schemaPointer = `${pointer}/content/${escape(media)}/schema`;
    if (media === 'application/json') problems.push(...this.validate(where, schemaPointer, JSON.parse(answer.text)));
    else if (media === 'text/event-stream') problems.push(...this.checkEvents(where, `${pointer}/x-sse-events`, answer.text));
    else problems.push(...this.validate(where, schemaPointer, answer.text));
    return problems;
  }

  private checkHeaders(where: string, pointer: string, response: Json, headers: Headers): string[] {
    const problems: string[] = [];
    for (const [name, spec] of Object.entries((response.headers ?? {}) as Json)) {
      const value = headers.get(name);
      if (value === null) {
        if (spec.required) problems.push(`${where}: header ${name} is required by the document, absent from the answer`);
        continue;
      }
      problems.push(...this.validate(`${where} header ${name}`, `${pointer}/headers/${escape(name)}/schema`, value));
    }
    return problems;
  }

  /** Every event of an SSE body: its data against the event schema, its `event:` name equal to the data's type. */
  private checkEvents(where: string, pointer: string, text: string): string[] {
    const problems: string[] = [];
    for (const block of text.split('\n\n')) {
      const lines = block.split('\n').filter((line) => line !== '' && !line.startsWith(':') && !line.startsWith('retry:'));
      if (lines.length === 0) continue;
      const name = lines.find((line) => line.startsWith('event: '))?.slice(7);
      const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
      let parsed: Json;
      try {
        parsed = JSON.parse(data);
      } catch {
        problems.push(`${where}: an event's data is not JSON: ${data.slice(0, 100)}`);
        continue;
      }
      if (parsed.type !== name) problems.push(`${where}: event: ${name} carries type ${parsed.type}`);
      problems.push(...this.validate(`${where} event ${name}`, pointer, parsed));
    }
    return problems;
  }

  private validate(where: string, pointer: string, value: unknown): string[] {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi.json${pointer}` });
      this.compiled.set(pointer, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error: ErrorObject) => `${where}: ${error.instancePath || '(root)'} ${error.message} ${JSON.stringify(error.params)}`);
  }
}

/** A JSON pointer segment. */
function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
