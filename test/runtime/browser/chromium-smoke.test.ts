/**
 * The browser the sign-in tests rely on works here: Chromium starts through playwright-core,
 * loads a page from a loopback HTTP server, runs its script and submits a form with the keyboard.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>smoke</title></head>
<body>
<form method="post" action="/submitted">
  <label for="word">Word</label><input id="word" name="word">
  <button type="submit">Send</button>
</form>
<p id="script">not run</p>
<script>document.getElementById('script').textContent = 'ran';</script>
</body></html>`;

describe('Chromium through playwright-core', () => {
  let server: Server;
  let base: string;
  let browser: Browser;
  const posted: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.method === 'POST' && req.url === '/submitted') {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          posted.push(body);
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<title>done</title><p id="result">received</p>');
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((done) => server.close(() => done()));
  });

  it('loads a local page, runs its script and posts a form typed with the keyboard', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${base}/`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('smoke');
    expect(await page.textContent('#script')).toBe('ran');

    await page.getByLabel('Word').focus();
    await page.keyboard.type('hello world');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/submitted`);

    expect(await page.textContent('#result')).toBe('received');
    expect(posted).toEqual(['word=hello+world']);
    await page.close();
  });
});
