/**
 * A guest in the desktop app shares a screen: the in-app picker must answer main's request although host mode (the
 * host panel's module) was never opened. A stand-in for the preload's `window.moim` is installed before the app
 * module loads, so the platform bridge reports the desktop app.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { page } from 'vitest/browser'
import type { ScreenChoice, ScreenPickRequest } from '../../../src/shared/ipc'
import { bridgeOk, installDesktopBridge, mount } from './fixture'

const pickListeners = new Set<(request: ScreenPickRequest) => void>()
const choices: ScreenChoice[] = []

beforeAll(async () => {
  installDesktopBridge({
    screen: {
      onPick: (listener: (request: ScreenPickRequest) => void) => {
        pickListeners.add(listener)
        return () => pickListeners.delete(listener)
      },
      choose: (choice: ScreenChoice) => {
        choices.push(choice)
        return bridgeOk(null)
      }
    }
  })
  await import('../../../src/renderer/src/components/moim-app')
})

describe('moim-app in the desktop app, as a guest', () => {
  it('answers a screen request with the in-app picker although host mode was never opened', async () => {
    await mount('moim-app')
    await expect.poll(() => pickListeners.size).toBe(1)
    expect(customElements.get('moim-host-panel')).toBeUndefined()

    for (const listener of pickListeners) {
      listener({
        requestId: 'r1',
        sources: [{ id: 'screen:0:0', name: 'Entire screen', kind: 'screen', thumbnail: '' }]
      })
    }
    const dialog = page.getByRole('dialog', { name: 'Choose what to share' })
    await expect.element(dialog).toBeVisible()
    await dialog.getByRole('button', { name: 'Share' }).click()
    expect(choices).toEqual([{ requestId: 'r1', sourceId: 'screen:0:0' }])
    // Still a guest: answering the picker did not load host mode either.
    expect(customElements.get('moim-host-panel')).toBeUndefined()
  })
})
