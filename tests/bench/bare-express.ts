/**
 * The yardstick of load a: a bare Express 5 app sending a pre-serialized page (the bytes of the
 * API's own answer, read from BARE_PAGE_FILE) with the same content type, on PORT. Started by the
 * bench as its own process, like an API process, so both are measured the same way.
 */
import { readFileSync } from 'node:fs';
import express from 'express';

const body = readFileSync(process.env.BARE_PAGE_FILE ?? '');
const app = express();
app.get('/page', (_req, res) => {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(body);
});
app.get('/healthz', (_req, res) => {
  res.json({ ok: true });
});
app.listen(Number(process.env.PORT), '127.0.0.1');
