// Drives each app's Swagger UI in headless Chromium as a person would: the page opens on the client
// group, titled with the app's name and version, and lists its operations (the internal group's
// behind the definition selector), and on a node "Try it out" stores a key with PUT and reads it back
// with GET.
// Screenshots go to the output folder (default target/swagger-ui).
//   node deploy/checks/swagger-ui.mjs [--node URL] [--registry URL] [--out DIR] [--chromium PATH]
import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: {
    node: { type: 'string', default: 'http://localhost:50001' },
    registry: { type: 'string', default: 'http://localhost:50000' },
    out: { type: 'string', default: 'target/swagger-ui' },
    chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
  },
});
const out = resolve(options.out);
await mkdir(out, { recursive: true });

let passed = 0;
let failed = 0;
function check(condition, what) {
  if (condition) {
    passed++;
    console.log(`  ok    ${what}`);
  } else {
    failed++;
    console.log(`  FAIL  ${what}`);
  }
  return condition;
}

const browser = await chromium.launch({
  executablePath: options.chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(20_000);

  /** The operations the page lists, as "METHOD /path", once the selected definition has loaded. */
  async function listedOperations(name, group) {
    await page.locator('.opblock').first().waitFor();
    const operations = await page.locator('.opblock').evaluateAll((blocks) => blocks.map((block) => {
      const method = block.querySelector('.opblock-summary-method')?.textContent?.trim();
      const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path');
      return `${method} ${path}`;
    }));
    await page.screenshot({ path: join(out, `${name}-${group}-operations.png`), fullPage: true });
    return operations;
  }

  /**
   * Opens an app's Swagger UI: it offers the client and the internal group, opens on the client
   * group, titled with the app's name and version. Answers the operations the client group lists.
   */
  async function openSwaggerUi(baseUrl, name, title) {
    console.log(`${name}: ${baseUrl}/swagger-ui.html`);
    const response = await page.goto(`${baseUrl}/swagger-ui.html`, { waitUntil: 'domcontentloaded' });
    check(response && response.ok(), `${name}: Swagger UI answers (${response && response.status()})`);
    const definitions = page.locator('.topbar select');
    await definitions.waitFor();
    const groups = await definitions.locator('option').allTextContents();
    check(groups.length === 2 && groups[0].startsWith('Client API') && groups[1].startsWith('Internal API'),
      `${name}: offers the client group first, then the internal one (${groups.join(' | ')})`);
    const operations = await listedOperations(name, 'client');
    const heading = (await page.locator('.information-container .title').first().textContent()).trim();
    check(heading.startsWith(title) && /\d+\.\d+\.\d+/.test(heading), `${name}: titled with its name and version ("${heading}")`);
    return operations;
  }

  /** Switches to the internal group and answers the operations it lists. */
  async function openInternalGroup(name) {
    const definitions = page.locator('.topbar select');
    const internal = (await definitions.locator('option').allTextContents()).find((group) => group.startsWith('Internal API'));
    await definitions.selectOption({ label: internal });
    await page.locator('.opblock-tag', { hasText: 'Internal' }).first().waitFor();
    return listedOperations(name, 'internal');
  }

  /** Expands an operation, presses "Try it out", fills the parameters and the body, executes it. */
  async function tryItOut(operationId, parameters, body) {
    const operation = page.locator(`#${operationId}`);
    await operation.locator('.opblock-summary').first().click();
    await operation.locator('button.try-out__btn').click();
    for (const [name, value] of Object.entries(parameters)) {
      await operation.locator(`tr[data-param-name="${name}"] input`).fill(value);
    }
    if (body !== undefined) {
      // as a person would: pick text/plain for the body when the document offers it
      const contentType = operation.locator('.opblock-section-request-body select.content-type');
      if (await contentType.count() > 0
          && await contentType.locator('option[value="text/plain"]').count() > 0) {
        await contentType.selectOption('text/plain');
      }
      const file = operation.locator('.opblock-section-request-body input[type="file"]');
      if (await file.count() > 0) {
        await file.setInputFiles({ name: 'value.txt', mimeType: 'text/plain', buffer: Buffer.from(body) });
      } else {
        await operation.locator('.opblock-section-request-body textarea').fill(body);
      }
    }
    await operation.locator('button.execute').click();
    // the server's answer: the first row of the live responses table (the header row says "Code")
    const answer = operation.locator('.live-responses-table tbody tr.response').first();
    await answer.waitFor();
    const status = answer.locator('.response-col_status');
    const responseBody = answer.locator('.response-col_description .response-body, .response-col_description pre.microlight').first();
    const download = answer.locator('.response-col_description a[download], .response-col_description a:has-text("Download file")').first();
    let answerBody = '';
    if (await download.count() > 0) {
      // a binary answer (application/octet-stream): Swagger UI offers it as a download, a blob URL
      const href = await download.getAttribute('href');
      answerBody = await page.evaluate(async (url) => (await fetch(url)).text(), href);
    } else if (await responseBody.count() > 0) {
      answerBody = await responseBody.textContent();
    }
    const headers = answer.locator('.response-col_description .response-headers, .response-col_description pre').last();
    return {
      operation,
      status: (await status.textContent()).trim().split(/\s+/)[0],
      body: answerBody,
      headers: (await headers.count()) > 0 ? (await headers.textContent()) : '',
      requestUrl: (await operation.locator('.request-url pre').first().textContent()).trim(),
    };
  }

  // a node: its public key API, tried out
  const nodeOperations = await openSwaggerUi(options.node, 'node', 'DHT node');
  for (const expected of ['PUT /keys/{key}', 'GET /keys/{key}', 'DELETE /keys/{key}', 'GET /actuator/health/readiness',
    'GET /actuator/ring', 'GET /actuator/prometheus']) {
    check(nodeOperations.includes(expected), `node: lists ${expected}`);
  }
  check(/^\S+ \/keys(\/|$)/.test(nodeOperations[0]), `node: the key operations come first (${nodeOperations[0]})`);
  check(!nodeOperations.some((operation) => operation.includes('/internal/')), 'node: the client group holds no internal operation');
  const keyless = nodeOperations.filter((operation) => /^\S+ \/keys\/?$/.test(operation));
  check(keyless.length === 1 && keyless[0] === 'GET /keys',
    `node: the one operation on /keys is GET, listing and watching in one (the empty-key handler is hidden): ${keyless.join(', ')}`);
  const key = `swagger-ui-${Date.now()}`;
  const value = `hello from Swagger UI ${new Date().toISOString()}`;
  const put = await tryItOut('operations-Keys-put', { key }, value);
  if (!check(['200', '201'].includes(put.status), `node: PUT ${put.requestUrl} through "Try it out" answers ${put.status}`)) {
    console.log(`        the request:  ${(await put.operation.locator('.curl-command').first().textContent()).replace(/\s+/g, ' ')}`);
    console.log(`        the answer:   ${put.body.replace(/\s+/g, ' ')}`);
  }
  check(put.body.includes(`"key": "${key}"`) || put.body.includes(`"key":"${key}"`),
    'node: the PUT answer names the key');
  await put.operation.screenshot({ path: join(out, 'node-put.png') });
  const get = await tryItOut('operations-Keys-get', { key });
  check(get.status === '200', `node: GET ${get.requestUrl} through "Try it out" answers ${get.status}`);
  check(get.body.includes(value), 'node: the GET answer is the value stored by the PUT');
  check(/x-dht-owner: [0-9a-f]{16}/.test(get.headers), 'node: the GET answer names the owner (X-DHT-Owner)');
  await get.operation.screenshot({ path: join(out, 'node-get.png') });
  await page.screenshot({ path: join(out, 'node-after.png'), fullPage: true });
  // leave nothing behind
  await fetch(`${options.node}/keys/${encodeURIComponent(key)}`, { method: 'DELETE' });
  const nodeInternal = await openInternalGroup('node');
  for (const expected of ['POST /internal/join', 'POST /internal/transfer', 'POST /internal/replicas']) {
    check(nodeInternal.includes(expected), `node: the internal group lists ${expected}`);
  }
  check(!nodeInternal.some((operation) => operation.includes('/keys/')), 'node: the internal group holds no key operation');

  // the registry: its membership API listed, the ring read through "Try it out"
  const registryOperations = await openSwaggerUi(options.registry, 'registry', 'DHT registry');
  for (const expected of ['GET /nodes', 'GET /nodes/owner', 'GET /nodes/{id}', 'DELETE /nodes/{id}', 'GET /actuator/health']) {
    check(registryOperations.includes(expected), `registry: lists ${expected}`);
  }
  const ring = await tryItOut('operations-Nodes-ring', {});
  check(ring.status === '200' && ring.body.includes('"nodes"'), `registry: GET /nodes through "Try it out" answers ${ring.status} with the ring`);
  await ring.operation.screenshot({ path: join(out, 'registry-ring.png') });
  const registryInternal = await openInternalGroup('registry');
  for (const expected of ['POST /nodes', 'PUT /nodes/{id}', 'POST /nodes/{id}/ready', 'POST /nodes/{id}/leave']) {
    check(registryInternal.includes(expected), `registry: the internal group lists ${expected}`);
  }
} catch (error) {
  failed++;
  console.log(`  FAIL  ${error.message.split('\n')[0]}`);
  const pages = browser.contexts().flatMap((context) => context.pages());
  if (pages.length > 0) {
    await pages[0].screenshot({ path: join(out, 'failure.png'), fullPage: true }).catch(() => {});
  }
} finally {
  await browser.close();
}
console.log(`screenshots: ${out}`);
console.log(`swagger-ui: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
