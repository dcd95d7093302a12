// Sends every request of http-examples/ through Stoplight Prism, a validating proxy that knows
// nothing of this project but the apps' OpenAPI documents, as a user's code generator or API gateway
// would: one `prism proxy <document> <app> --errors` in front of the registry and of each node. Prism
// checks each request against the document and each answer too (status, media type, headers, body),
// and answers a violation itself (422, or 500 for a wrong answer) instead of passing it on.
//
// Passes when no request or answer breaks the document, except the requests an example sends against
// the document on purpose (a comment saying "against the OpenAPI document on purpose" above the
// request line): those Prism must refuse, which shows the document states the rule they break.
// httpyac's own assertions are not judged here (deploy/checks/http-examples.sh does that, without a
// proxy in between): Prism answers the requests sent against the document itself, and it passes
// bodies on as text, so a binary value does not arrive byte for byte.
//
// http-examples/events.http is left out: Prism reads an answer whole before it checks it, and an
// event stream does not end.
//
//   node deploy/checks/openapi-prism.mjs --registry URL --node URL [--node URL ...] --env ENV
//        [--leave] [--out DIR] [--port-offset N]
// Each proxy listens on its app's port plus the offset (default 1000), on 127.0.0.1. With --leave,
// http-examples/leave/leave.http runs last (it makes the third node leave the ring). The documents,
// httpyac's results and Prism's logs are kept in the output folder (default target/openapi-prism).
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ON_PURPOSE = 'against the OpenAPI document on purpose';
const PRISM_ERRORS = 'https://stoplight.io/prism/errors#';

const { values: options } = parseArgs({
  options: {
    registry: { type: 'string', default: 'http://localhost:50000' },
    node: { type: 'string', multiple: true, default: ['http://localhost:50001', 'http://localhost:50002', 'http://localhost:50003'] },
    env: { type: 'string', default: 'local-secured' },
    leave: { type: 'boolean', default: false },
    out: { type: 'string', default: 'target/openapi-prism' },
    'port-offset': { type: 'string', default: '1000' },
  },
});
const checksDir = dirname(fileURLToPath(import.meta.url));
const root = resolve(checksDir, '../..');
const examples = join(root, 'http-examples');
const out = resolve(options.out);
const bin = join(checksDir, 'node_modules', '.bin');
await mkdir(out, { recursive: true });

/** The app's document as it serves it, written to the output folder for Prism to read. */
async function fetchDocument(baseUrl, name) {
  const response = await fetch(`${baseUrl}/v3/api-docs`);
  if (!response.ok) {
    throw new Error(`${baseUrl}/v3/api-docs answered ${response.status}`);
  }
  const file = join(out, `${name}.json`);
  await writeFile(file, await response.text());
  return file;
}

/** A Prism proxy in front of `upstream`, resolved once it listens; rejected if it exits or takes over a minute. */
function startProxy(document, upstream, name) {
  const port = Number(new URL(upstream).port) + Number(options['port-offset']);
  const log = createWriteStream(join(out, `prism-${name}.log`));
  const prism = spawn(join(bin, 'prism'), ['proxy', document, upstream, '--host', '127.0.0.1', '--port', String(port), '--errors'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  prism.stdout.pipe(log);
  prism.stderr.pipe(log);
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`Prism for ${name} did not listen within 60 s; see ${log.path}`)), 60_000);
    prism.stdout.on('data', (chunk) => {
      if (chunk.toString().includes('Prism is listening')) {
        clearTimeout(timer);
        resolvePromise({ process: prism, url: `http://127.0.0.1:${port}` });
      }
    });
    prism.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism for ${name} exited (${code}); see ${log.path}`));
    });
  });
}

/**
 * httpyac's results for `files`, each request with its answer, sent to the proxies in place of the
 * apps. Written to a file, not read from a pipe: httpyac exits before a pipe has taken all of it.
 */
async function runHttpyac(files, variables, name) {
  const args = ['send', ...files, '--all', '--env', options.env, '--json',
    ...Object.entries(variables).flatMap(([variable, value]) => ['--var', `${variable}=${value}`])];
  const file = join(out, `httpyac-${name}.json`);
  const output = await open(file, 'w');
  try {
    await new Promise((resolvePromise) => {
      spawn(join(bin, 'httpyac'), args, { cwd: root, stdio: ['ignore', output.fd, 'inherit'] }).on('close', resolvePromise);
    });
  } finally {
    await output.close();
  }
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text).requests;
  } catch (error) {
    throw new Error(`httpyac gave no results (${error.message}); see ${file}`);
  }
}

/** Whether the request at `line` of `file` says, in its title or a comment, that it is sent against the document on purpose. */
async function sentOnPurpose(file, line) {
  const lines = (await readFile(file, 'utf8')).split('\n');
  let start = Math.min(line, lines.length - 1);
  while (start > 0 && !lines[start].startsWith('###')) {
    start--;
  }
  let end = start + 1;
  while (end < lines.length && !lines[end].startsWith('###')) {
    end++;
  }
  return lines.slice(start, end).some((text) => text.startsWith('#') && text.includes(ON_PURPOSE));
}

/** Prism's own answers to a request it will not pass on: the document has no such operation, or the request breaks it. */
const REQUEST_REFUSALS = ['NO_PATH_MATCHED_ERROR', 'UNPROCESSABLE_ENTITY', 'UNAUTHORIZED'];

/**
 * What Prism found wrong with one exchange, each finding with the side it is on (request or
 * response): the violations it reports in a header, or the problem it answered instead.
 */
function violationsOf(response) {
  const found = [];
  const header = response.headers?.['sl-violations'];
  if (header) {
    try {
      for (const violation of JSON.parse(header)) {
        const location = violation.location ?? [];
        found.push({ side: location[0] === 'request' ? 'request' : 'response', text: `${location.join('.')}: ${violation.message}` });
      }
    } catch {
      found.push({ side: 'response', text: header });
    }
  }
  let body;
  try {
    body = typeof response.body === 'string' ? JSON.parse(response.body) : response.body;
  } catch {
    body = undefined;
  }
  if (body && typeof body.type === 'string' && body.type.startsWith(PRISM_ERRORS)) {
    const side = REQUEST_REFUSALS.includes(body.type.slice(PRISM_ERRORS.length)) ? 'request' : 'response';
    const validation = body.validation ?? [];
    if (validation.length > 0) {
      // the same violations as the header's, when Prism sent one too
      found.length = 0;
      for (const violation of validation) {
        const location = violation.location ?? [];
        const where = ['request', 'response'].includes(location[0]) ? location : [side, ...location];
        found.push({ side, text: `${where.join('.')}: ${violation.message}` });
      }
    } else {
      found.push({ side, text: `${body.title}${body.detail ? `: ${body.detail}` : ''}` });
    }
  }
  return found;
}

const proxies = [];
let status = 0;
try {
  const registryDocument = await fetchDocument(options.registry, 'registry');
  const nodeDocument = await fetchDocument(options.node[0], 'node');
  const variables = {};
  proxies.push(await startProxy(registryDocument, options.registry, 'registry'));
  variables.registry = proxies[0].url;
  for (const [index, node] of options.node.entries()) {
    const proxy = await startProxy(nodeDocument, node, `node${index + 1}`);
    proxies.push(proxy);
    variables[`node${index + 1}`] = proxy.url;
  }

  const files = (await readdir(examples)).filter((name) => name.endsWith('.http') && name !== 'events.http').sort()
    .map((name) => join('http-examples', name));
  const results = await runHttpyac(files, variables, options.env);
  if (options.leave) {
    results.push(...await runHttpyac([join('http-examples', 'leave', 'leave.http')], variables, `${options.env}-leave`));
  }

  let checked = 0;
  let violations = 0;
  let onPurpose = 0;
  let allowedOnPurpose = 0;
  for (const result of results) {
    const where = `${relative(root, result.fileName)}:${result.line + 1} ${result.title ?? result.name ?? ''}`.trim();
    if (result.summary?.skippedTests > 0 && !result.response) {
      continue;
    }
    checked++;
    if (!result.response) {
      violations++;
      console.log(`  FAIL  ${where}: no answer`);
      continue;
    }
    const request = `${result.response.request?.method} ${new URL(result.response.request?.url).pathname}`;
    const found = violationsOf(result.response);
    if (await sentOnPurpose(result.fileName, result.line)) {
      onPurpose++;
      const refused = found.length > 0 && found.every((finding) => finding.side === 'request');
      if (!refused) {
        allowedOnPurpose++;
        console.log(`  FAIL  ${where}: ${request} is sent against the document on purpose, but the document allows it`);
      }
      continue;
    }
    if (found.length > 0) {
      violations += found.length;
      console.log(`  FAIL  ${where}: ${request} -> ${result.response.statusCode}`);
      for (const finding of found) {
        console.log(`          ${finding.text}`);
      }
    }
  }
  console.log(`openapi-prism (${options.env}): ${checked} requests through Prism, ${violations} violations of the documents; `
    + `${onPurpose} sent against them on purpose, ${onPurpose - allowedOnPurpose} of them refused by Prism`);
  console.log(`documents, httpyac's results and Prism's logs: ${out}`);
  status = violations === 0 && allowedOnPurpose === 0 && checked > 0 ? 0 : 1;
} catch (error) {
  console.log(`  FAIL  ${error.message}`);
  status = 1;
} finally {
  for (const proxy of proxies) {
    proxy.process.kill();
  }
}
process.exit(status);
