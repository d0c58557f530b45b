/**
 * Which pages may connect and probe, against a real server: raw WebSocket upgrades and polling handshakes with
 * forged Origin and Host headers (all sent to 127.0.0.1), websocket 101 or refused, polling 200 or 403.
 */
import { request as httpRequest } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import type { SignalingServerOptions } from '../../../src/server/server'
import type { Logger } from '../../../src/shared/logger'
import { closeAll, connect, startServer, upgradeStatus as upgrade } from '../../support/signaling'

afterEach(closeAll)

/** A raw HTTP request to 127.0.0.1 with exactly these headers (fetch would not let a test set Host). */
function send(
  port: number,
  path: string,
  headers: Record<string, string>,
  method = 'GET'
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path, method, headers }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
    })
      .on('error', reject)
      .end()
  })
}

const POLLING = '/socket.io/?EIO=4&transport=polling'

/** Origin and Host as a browser sends them for a page at `http://NAME:PORT` talking to its own server. */
const pageAt = (name: string, port: number): Record<string, string> => ({
  Origin: `http://${name}:${port}`,
  Host: `${name}:${port}`
})

async function server(options: SignalingServerOptions = {}): Promise<number> {
  return (await startServer(options)).port
}

describe('DNS rebinding', () => {
  it('refuses a websocket upgrade from a page whose name only points at this server', async () => {
    const port = await server()
    expect(await upgrade(port, pageAt('evil.example', port))).toBe(400)
  })

  it('refuses a polling handshake from a page whose name only points at this server with 403', async () => {
    const port = await server()
    expect((await send(port, POLLING, pageAt('evil.example', port))).status).toBe(403)
  })

  it('refuses a page of this machine served on another port', async () => {
    const port = await server()
    const other = port === 65_535 ? port - 1 : port + 1
    expect(await upgrade(port, { Origin: `http://127.0.0.1:${other}`, Host: `127.0.0.1:${other}` })).toBe(400)
  })

  it.each(['127.0.0.1', 'localhost', '[::1]', '[::ffff:127.0.0.1]'])(
    'accepts its own page at %s over websocket and polling',
    async (name) => {
      const port = await server()
      expect(await upgrade(port, pageAt(name, port))).toBe(101)
      expect((await send(port, POLLING, pageAt(name, port))).status).toBe(200)
    }
  )

  it('accepts its own page under a name it was told, and only that name', async () => {
    const port = await server({ hostnames: ['Moim.Example.org'] })
    expect(await upgrade(port, pageAt('moim.example.org', port))).toBe(101)
    expect(await upgrade(port, pageAt('other.example.org', port))).toBe(400)
  })

  it('logs a refused handshake once, with its origin and host', async () => {
    const warnings: [string, Record<string, unknown> | undefined][] = []
    const quiet = (): void => undefined
    const logger: Logger = {
      debug: quiet,
      info: quiet,
      error: quiet,
      warn: (message, details) => warnings.push([message, details])
    }
    const port = await server({ logger })
    await upgrade(port, pageAt('evil.example', port))
    expect(warnings).toEqual([
      [
        expect.stringContaining('origin not allowed'),
        expect.objectContaining({ origin: `http://evil.example:${port}`, host: `evil.example:${port}` })
      ]
    ])
  })
})

describe('default origin policy', () => {
  it('refuses a page of another site, over websocket and polling', async () => {
    const port = await server()
    const elsewhere = { Origin: 'http://anywhere.example', Host: `127.0.0.1:${port}` }
    expect(await upgrade(port, elsewhere)).toBe(400)
    expect((await send(port, POLLING, elsewhere)).status).toBe(403)
  })

  it('accepts the desktop app and native clients', async () => {
    const { url, port } = await startServer()
    expect(await upgrade(port, { Origin: 'app://moim', Host: `127.0.0.1:${port}` })).toBe(101)
    await expect(connect(url)).resolves.toMatchObject({ id: expect.any(String) })
  })

  it('accepts any page only when asked to with "*"', async () => {
    const port = await server({ allowedOrigins: '*' })
    expect(await upgrade(port, { Origin: 'http://anywhere.example', Host: `127.0.0.1:${port}` })).toBe(101)
  })
})

describe('identity probe /moim.json', () => {
  it('gives another site no CORS header, so its page cannot read the answer', async () => {
    const port = await server()
    const response = await send(port, '/moim.json', { Origin: 'http://elsewhere.example' })
    expect(response.status).toBe(200)
    expect(response.headers['access-control-allow-origin']).toBeUndefined()
    expect(response.headers.vary).toMatch(/\bOrigin\b/)
  })

  it('lets the desktop app and listed origins read it, echoing their origin', async () => {
    const port = await server({ allowedOrigins: ['https://moim.example.org'] })
    for (const origin of ['app://moim', 'https://moim.example.org']) {
      const response = await send(port, '/moim.json', { Origin: origin })
      expect(response.headers['access-control-allow-origin']).toBe(origin)
      expect(JSON.parse(response.body)).toMatchObject({ app: 'moim' })
    }
  })

  it('answers "*" when every origin is allowed', async () => {
    const port = await server({ allowedOrigins: '*' })
    const response = await send(port, '/moim.json', { Origin: 'http://elsewhere.example' })
    expect(response.headers['access-control-allow-origin']).toBe('*')
  })

  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS'])(
    'answers %s with 405 and Allow: GET, HEAD',
    async (method) => {
      const port = await server()
      const response = await send(port, '/moim.json', { Origin: 'app://moim' }, method)
      expect(response.status).toBe(405)
      expect(response.headers.allow).toBe('GET, HEAD')
      expect(response.headers['access-control-allow-origin']).toBeUndefined()
    }
  )

  it('answers HEAD with the headers and no body', async () => {
    const port = await server()
    const response = await send(port, '/moim.json', {}, 'HEAD')
    expect(response).toMatchObject({ status: 200, body: '' })
    expect(response.headers['content-type']).toMatch(/^application\/json/)
  })
})
