/**
 * Who is talking: the hysteresis on scripted levels, then two real Calls in one page against a real server, where
 * Chromium's fake microphone beeps for the one who is not muted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SPEECH, SpeakerTracker } from '../../../src/renderer/src/core/active-speaker'
import { LocalMedia } from '../../../src/renderer/src/core/local-media'
import { Session } from '../../../src/renderer/src/core/session'
import { SignalingClient } from '../../../src/renderer/src/core/signaling-client'
import { setLogLevel } from '../../../src/shared/logger'
import { startServer } from './server'
import type { TestServer } from './server'

setLogLevel('silent')

const LOUD = 0.3
const QUIET = 0.001
const STEP = SPEECH.intervalMs

/** Feeds `tracker` a level per person at each step, from `script(step)`, and records `speaking` and `active`. */
function run(tracker: SpeakerTracker, steps: number, script: (step: number) => Record<string, number>) {
  const speaking: string[][] = []
  const active: (string | null)[] = []
  for (let step = 0; step < steps; step++) {
    tracker.update(new Map(Object.entries(script(step))), step * STEP, 'me')
    speaking.push([...tracker.state.speaking])
    active.push(tracker.state.active)
  }
  return { speaking, active }
}

describe('SpeakerTracker', () => {
  it('marks someone speaking at once and keeps them marked through the pauses between words', () => {
    const tracker = new SpeakerTracker()
    // Bo talks in bursts: one loud sample, then two quiet ones (750 ms), for 3 s; then silence.
    const { speaking } = run(tracker, 24, (step) => ({
      bo: step < 12 && step % 3 === 0 ? LOUD : QUIET,
      cy: QUIET
    }))
    expect(speaking[0]).toEqual(['bo'])
    // Never unmarked between bursts: no flicker.
    for (let step = 0; step < 12; step++) expect(speaking[step]).toEqual(['bo'])
    // Unmarked once quiet for longer than the hold.
    const quietFrom = 10 // the last loud sample is step 9
    const unmarked = speaking.findIndex((s, step) => step > quietFrom && s.length === 0)
    expect((unmarked - 9) * STEP).toBeGreaterThan(SPEECH.holdMs)
    expect(speaking.at(-1)).toEqual([])
  })

  it('unmarks someone at once when they mute, without the hold, and never marks them while muted', () => {
    const tracker = new SpeakerTracker()
    tracker.update(new Map([['bo', LOUD]]), 0, 'me')
    expect(tracker.state.speaking).toEqual(['bo'])
    // The sample that straddles the press still reads Bo loud; muted is what counts.
    tracker.update(new Map([['bo', LOUD]]), STEP, 'me', new Set(['bo']))
    expect(tracker.state.speaking).toEqual([])
    tracker.update(new Map([['bo', LOUD]]), 2 * STEP, 'me', new Set(['bo']))
    expect(tracker.state.speaking).toEqual([])
    // Unmuted and loud: marked again at once.
    tracker.update(new Map([['bo', LOUD]]), 3 * STEP, 'me')
    expect(tracker.state.speaking).toEqual(['bo'])
  })

  it('needs more to start than to stay: a level between the two starts nobody but keeps a speaker', () => {
    const middle = (SPEECH.start + SPEECH.stay) / 2
    const tracker = new SpeakerTracker()
    const { speaking } = run(tracker, 12, (step) => ({ bo: step === 0 ? LOUD : middle, cy: middle }))
    expect(speaking.every((s) => s.join() === 'bo')).toBe(true)
  })

  it('keeps the active speaker while they talk, hands over when they stop, and stays on them after silence', () => {
    const tracker = new SpeakerTracker()
    const { active } = run(tracker, 30, (step) => ({
      me: LOUD, // our own voice never takes the stage
      bo: step < 10 ? LOUD : QUIET,
      // Cy starts louder while Bo still talks, and goes on after Bo stops.
      cy: step >= 5 && step < 20 ? 0.9 : QUIET
    }))
    expect(active[0]).toBe('bo')
    expect(active.slice(0, 10).every((id) => id === 'bo')).toBe(true)
    // Bo stops at step 10 and is unmarked after the hold: Cy takes over then, not before.
    expect(active[19]).toBe('cy')
    expect(active.indexOf('cy') * STEP).toBeGreaterThan(9 * STEP + SPEECH.holdMs)
    // Everyone silent: Cy stays on the stage.
    expect(active.at(-1)).toBe('cy')
    expect(tracker.state.speaking).toEqual(['me'])
  })

  it('lets go of someone who left', () => {
    const tracker = new SpeakerTracker()
    tracker.update(new Map([['bo', LOUD]]), 0, 'me')
    expect(tracker.state).toEqual({ speaking: ['bo'], active: 'bo' })
    expect(tracker.update(new Map([['me', QUIET]]), STEP, 'me')).toBe(true)
    expect(tracker.state).toEqual({ speaking: [], active: null })
  })
})

describe('Who is talking, in a real call', { timeout: 40_000 }, () => {
  let server: TestServer
  const sessions: Session[] = []
  const players: HTMLAudioElement[] = []

  beforeEach(async () => {
    server = await startServer()
  })

  afterEach(async () => {
    for (const player of players.splice(0)) player.remove()
    for (const session of sessions.splice(0)) session.dispose()
    await server.close()
  })

  async function play(stream: MediaStream): Promise<void> {
    const audio = document.createElement('audio')
    audio.srcObject = stream
    document.body.append(audio)
    players.push(audio)
    await audio.play()
  }

  async function joined(name: string): Promise<Session> {
    const session = new Session({
      call: {
        signaling: new SignalingClient({ requestTimeoutMs: 3_000, connectTimeoutMs: 3_000 }),
        media: new LocalMedia({ video: { width: { ideal: 160 }, height: { ideal: 120 } }, persist: false })
      },
      persist: false
    })
    sessions.push(session)
    const result = await session.join({ name, room: 'den', server: server.address })
    expect(result.ok).toBe(true)
    return session
  }

  it('marks the one whose microphone beeps as speaking and active, and not the muted one', async () => {
    const ann = await joined('Ann')
    const bo = await joined('Bo')
    await bo.call.setMuted(true)
    const annId = ann.call.state.self!.id
    const boId = bo.call.state.self!.id
    await expect.poll(() => bo.call.state.participants[0]?.connection, { timeout: 15_000 }).toBe('connected')
    await expect.poll(() => ann.call.state.participants[0]?.stream ?? null).not.toBeNull()
    // WebRTC counts received audio only while it plays, as each tile's <video> plays it.
    for (const session of [ann, bo]) await play(session.call.state.participants[0]!.stream!)

    await expect.poll(() => bo.call.speakers.state.speaking, { timeout: 10_000 }).toContain(annId)
    expect(bo.call.speakers.state.active).toBe(annId)
    expect(bo.call.speakers.state.speaking).not.toContain(boId)
    // Ann hears nothing from the muted Bo, and her own beeps mark her own tile.
    await expect.poll(() => ann.call.speakers.state.speaking, { timeout: 10_000 }).toEqual([annId])
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    expect(ann.call.speakers.state.speaking).toEqual([annId])
    expect(ann.call.speakers.state.active).toBeNull()
  })
})
