// Draws the Moim icon (three people around a table, on a rounded square) as a 512x512 PNG, without any image
// library or network: `node build/make-icon.mjs` writes build/icon.png (packaging) and resources/icon.png (window).
import { writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const SIZE = 512
const pixels = Buffer.alloc(SIZE * SIZE * 4)

/** Coverage of a shape at (x, y), 4x4 supersampled so edges are smooth. */
function coverage(inside, x, y) {
  let hits = 0
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) if (inside(x + (i + 0.5) / 4, y + (j + 0.5) / 4)) hits++
  return hits / 16
}

function paint(inside, color) {
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const alpha = coverage(inside, x, y) * (color[3] ?? 1)
      if (alpha === 0) continue
      const at = (y * SIZE + x) * 4
      const base = pixels[at + 3] / 255
      const out = alpha + base * (1 - alpha)
      const rgb = typeof color[0] === 'function' ? color[0](x, y) : color
      for (let c = 0; c < 3; c++) {
        pixels[at + c] = Math.round((rgb[c] * alpha + pixels[at + c] * base * (1 - alpha)) / out)
      }
      pixels[at + 3] = Math.round(out * 255)
    }
  }
}

const roundedSquare = (x, y) => {
  const r = 112
  const m = 16
  const cx = Math.min(Math.max(x, m + r), SIZE - m - r)
  const cy = Math.min(Math.max(y, m + r), SIZE - m - r)
  return x >= m && y >= m && x <= SIZE - m && y <= SIZE - m && (x - cx) ** 2 + (y - cy) ** 2 <= r * r
}
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r
const ring = (cx, cy, r, w) => (x, y) => {
  const d = Math.hypot(x - cx, y - cy)
  return d <= r && d >= r - w
}

// Background: a diagonal teal-to-indigo gradient.
const gradient = (x, y) => {
  const t = (x + y) / (2 * SIZE)
  return [Math.round(20 + t * 60), Math.round(170 - t * 90), Math.round(160 + t * 60)]
}
paint(roundedSquare, [gradient])
// The table: a ring in the middle.
paint(ring(256, 296, 92, 22), [255, 255, 255, 0.9])
// Three people: heads around the table.
const people = [
  [256, 150],
  [146, 356],
  [366, 356]
]
for (const [cx, cy] of people) paint(circle(cx, cy, 52), [255, 255, 255])
paint(circle(256, 296, 30), [255, 214, 102])

function crc32(buffer) {
  let crc = ~0
  for (const byte of buffer) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  return ~crc >>> 0
}

function chunk(type, data) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

const header = Buffer.alloc(13)
header.writeUInt32BE(SIZE, 0)
header.writeUInt32BE(SIZE, 4)
header.set([8, 6, 0, 0, 0], 8) // 8-bit RGBA, no interlace
const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1))
for (let y = 0; y < SIZE; y++) pixels.copy(rows, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4)
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(rows, { level: 9 })),
  chunk('IEND', Buffer.alloc(0))
])
for (const path of ['build/icon.png', 'resources/icon.png'])
  writeFileSync(new URL(`../${path}`, import.meta.url), png)
console.log(`wrote build/icon.png and resources/icon.png (${SIZE}x${SIZE}, ${png.length} bytes)`)
