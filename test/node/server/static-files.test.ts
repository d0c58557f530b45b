import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { closeAll, startServer } from '../../support/signaling'

afterEach(closeAll)

const INDEX = '<!doctype html><title>Moim test page</title>'
const SCRIPT = 'console.log("moim")'
/** Lives next to the served directory: a traversal that reached it would leak this text. */
const SECRET = '{"name":"secret-package-7d1f"}'

let root: string
let webDir: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'moim-static-'))
  webDir = join(root, 'web')
  await mkdir(join(webDir, 'assets'), { recursive: true })
  await writeFile(join(webDir, 'index.html'), INDEX)
  await writeFile(join(webDir, 'assets', 'app-1234.js'), SCRIPT)
  await writeFile(join(root, 'package.json'), SECRET)
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

/** A raw GET that sends `path` exactly as written (fetch would normalise `..` away before sending). */
function get(
  port: number,
  path: string,
  method = 'GET'
): Promise<{ status: number; type: string; body: string }> {
  return getWithHeaders(port, path, method).then(({ status, type, body }) => ({ status, type, body }))
}

/** `get`, also answering the response headers. */
function getWithHeaders(
  port: number,
  path: string,
  method = 'GET'
): Promise<{ status: number; type: string; body: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path, method }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          type: String(response.headers['content-type']),
          body,
          headers: response.headers
        })
      )
    })
      .on('error', reject)
      .end()
  })
}

describe('static web client', () => {
  it('serves index.html at /', async () => {
    const { port } = await startServer({ staticDir: webDir })
    expect(await get(port, '/')).toEqual({ status: 200, type: 'text/html; charset=utf-8', body: INDEX })
  })

  it('serves index.html for an invite link /?room=x', async () => {
    const { port } = await startServer({ staticDir: webDir })
    expect(await get(port, '/?room=lounge')).toMatchObject({ status: 200, body: INDEX })
  })

  it.each([
    ['/standup/', '/?room=standup'],
    ['/team/standup', '/?room=standup'],
    ['/%EB%AA%A8%EC%9E%84', `/?room=${encodeURIComponent('모임')}`],
    ['/standup?name=Ann', '/?name=Ann&room=standup'],
    ['/%F0%9F%98%80/', '/'],
    ['/a/b/', '/?room=b']
  ])('sends a page path %s, which would show a blank page, to %s', async (path, location) => {
    const { port } = await startServer({ staticDir: webDir })
    const { status, headers } = await getWithHeaders(port, path)
    expect(status).toBe(302)
    expect(headers.location).toBe(location)
  })

  it('serves a file under the directory with its content type', async () => {
    const { port } = await startServer({ staticDir: webDir })
    expect(await get(port, '/assets/app-1234.js')).toEqual({
      status: 200,
      type: 'text/javascript; charset=utf-8',
      body: SCRIPT
    })
  })

  it('answers 404 for a missing file with an extension', async () => {
    const { port } = await startServer({ staticDir: webDir })
    expect((await get(port, '/assets/missing.js')).status).toBe(404)
  })

  it('answers 405 to methods other than GET and HEAD', async () => {
    const { port } = await startServer({ staticDir: webDir })
    expect((await get(port, '/', 'POST')).status).toBe(405)
  })

  it('answers HEAD without a body', async () => {
    const { port } = await startServer({ staticDir: webDir })
    expect(await get(port, '/', 'HEAD')).toMatchObject({ status: 200, body: '' })
  })

  it('still answers the identity probe when serving a directory', async () => {
    const { port } = await startServer({ staticDir: webDir })
    const response = await get(port, '/moim.json')
    expect(JSON.parse(response.body)).toMatchObject({ app: 'moim', protocol: 1 })
  })

  it.each([
    ['the page', '/', 'GET'],
    ['an invite link', '/?room=lounge', 'GET'],
    ['a script', '/assets/app-1234.js', 'GET'],
    ['a HEAD of the page', '/', 'HEAD'],
    ['a missing file', '/assets/missing.js', 'GET'],
    ['a refused method', '/', 'POST']
  ])('forbids framing %s by any site, in HTTP headers', async (_label, path, method) => {
    const { port } = await startServer({ staticDir: webDir })
    const { headers } = await getWithHeaders(port, path, method)
    expect(headers['content-security-policy']).toBe("frame-ancestors 'none'")
    expect(headers['x-frame-options']).toBe('DENY')
  })

  it.each([
    '/../package.json',
    '/../../package.json',
    '/%2e%2e/package.json',
    '/%2E%2E/package.json',
    '/..%2fpackage.json',
    '/%2e%2e%2fpackage.json',
    '/assets/../../package.json',
    '/assets/%2e%2e/%2e%2e/package.json',
    '/..%5cpackage.json',
    '/%252e%252e/package.json',
    '//../package.json'
  ])('refuses to serve a file outside the directory via %s', async (path) => {
    const { port } = await startServer({ staticDir: webDir })
    const response = await get(port, path)
    expect(response.body).not.toContain('secret-package')
    expect([400, 403, 404]).toContain(response.status)
  })

  it('refuses an encoded absolute path to a file outside the directory', async () => {
    const { port } = await startServer({ staticDir: webDir })
    const response = await get(port, `/${encodeURIComponent(join(root, 'package.json'))}`)
    expect(response.body).not.toContain('secret-package')
    expect(response.status).toBe(404)
  })

  it('answers 400 to a path with a NUL byte', async () => {
    const { port } = await startServer({ staticDir: webDir })
    expect((await get(port, '/index.html%00.js')).status).toBe(400)
  })

  it('answers 400 to a path that is not valid percent-encoding', async () => {
    const { port } = await startServer({ staticDir: webDir })
    expect((await get(port, '/%E0%A4%A')).status).toBe(400)
  })
})
