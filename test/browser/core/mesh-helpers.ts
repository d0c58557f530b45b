/** Two or more MeshTransports in one page, wired through an in-memory relay that tests can reorder or drop. */
import { MeshTransport } from '../../../src/renderer/src/core/mesh-transport'
import type { MeshTransportOptions } from '../../../src/renderer/src/core/mesh-transport'
import type { SignalMessage, SignalRequest } from '../../../src/shared/protocol'

export interface RelayedSignal {
  from: string
  to: string
  kind: 'offer' | 'answer' | 'candidate' | 'end-of-candidates' | 'other'
  message: SignalMessage
}

/** Decides what happens to one signal: delivered now, held back (deliver it later with `release`), or dropped. */
export type RelayRule = (signal: RelayedSignal) => 'deliver' | 'hold' | 'drop'

export class Relay {
  readonly meshes = new Map<string, MeshTransport>()
  readonly sent: RelayedSignal[] = []
  readonly held: RelayedSignal[] = []
  rule: RelayRule = () => 'deliver'

  /** A mesh for peer `id`, sending `tracks` (none by default) from the start. */
  create(
    id: string,
    options: Partial<MeshTransportOptions> = {},
    tracks: { audio?: MediaStreamTrack; video?: MediaStreamTrack } = {}
  ): MeshTransport {
    const mesh = new MeshTransport({
      ...options,
      selfId: id,
      send: (request) => {
        this.send(id, request)
        return true
      },
      tracks: { audio: tracks.audio ?? null, video: tracks.video ?? null }
    })
    this.meshes.set(id, mesh)
    return mesh
  }

  count(from: string, kind: RelayedSignal['kind']): number {
    return this.sent.filter((s) => s.from === from && s.kind === kind).length
  }

  /** Delivers the held signals, in the order they were sent. */
  release(filter: (signal: RelayedSignal) => boolean = () => true): void {
    const releasing = this.held.filter(filter)
    for (const signal of releasing) this.held.splice(this.held.indexOf(signal), 1)
    for (const signal of releasing) this.deliver(signal)
  }

  close(): void {
    for (const mesh of this.meshes.values()) mesh.close()
    this.meshes.clear()
  }

  private send(from: string, request: SignalRequest): void {
    const message: SignalMessage = { from }
    if (request.description !== undefined) message.description = request.description
    if (request.candidate !== undefined) message.candidate = request.candidate
    const kind: RelayedSignal['kind'] =
      request.description?.type === 'offer'
        ? 'offer'
        : request.description?.type === 'answer'
          ? 'answer'
          : request.candidate === null
            ? 'end-of-candidates'
            : request.candidate !== undefined
              ? 'candidate'
              : 'other'
    const signal: RelayedSignal = { from, to: request.to, kind, message }
    this.sent.push(signal)
    const decision = this.rule(signal)
    if (decision === 'hold') this.held.push(signal)
    else if (decision === 'deliver') this.deliver(signal)
  }

  private deliver(signal: RelayedSignal): void {
    // Asynchronous like a network, but in order like one Socket.IO connection.
    setTimeout(() => void this.meshes.get(signal.to)?.handleSignal(signal.message), 0)
  }
}

export async function camera(
  width: number,
  height: number,
  deviceLabel = 'fake_device_0'
): Promise<MediaStream> {
  const devices = await navigator.mediaDevices.enumerateDevices()
  const device = devices.find((d) => d.kind === 'videoinput' && d.label === deviceLabel)
  return navigator.mediaDevices.getUserMedia({
    audio: true,
    video: {
      width: { exact: width },
      height: { exact: height },
      deviceId: device ? { exact: device.deviceId } : undefined
    }
  })
}

export async function inboundVideo(
  pc: RTCPeerConnection | undefined
): Promise<RTCInboundRtpStreamStats | undefined> {
  if (pc === undefined) return undefined
  const stats = await pc.getStats()
  for (const report of stats.values()) {
    if (report.type === 'inbound-rtp' && report.kind === 'video') return report as RTCInboundRtpStreamStats
  }
  return undefined
}
