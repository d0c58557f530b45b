/**
 * The app shell as the desktop app renders it: a stand-in for the preload's `window.moim` is installed before the
 * app module loads, so the platform bridge reports the desktop app (server address field, host mode).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { page } from 'vitest/browser'
import { bridgeOk, installDesktopBridge, mount } from './fixture'

beforeAll(async () => {
  installDesktopBridge({
    recent: {
      list: () => bridgeOk([{ address: '127.0.0.1:47100', room: 'team', lastJoined: 1 }]),
      add: () => bridgeOk([]),
      remove: () => bridgeOk([])
    },
    invite: { pending: () => bridgeOk('moim://127.0.0.1:9/design'), onOpened: () => () => {} }
  })
  await import('../../../src/renderer/src/components/moim-app')
})

describe('moim-app in the desktop app', () => {
  it('shows Join and Host as tabs, with one "Your name" and one "Room" field at a time', async () => {
    await mount('moim-app')
    const join = page.getByRole('tab', { name: 'Join a room' })
    const host = page.getByRole('tab', { name: 'Host a room' })
    await expect.element(join).toHaveAttribute('aria-selected', 'true')
    // Playwright locators are strict: these fail if the host form's fields were on screen too.
    await expect.element(page.getByLabelText('Your name')).toBeVisible()
    await expect.element(page.getByLabelText('Room', { exact: true })).toBeVisible()
    await expect.element(page.getByLabelText('Server address')).toBeVisible()

    await host.click()
    await expect.element(host).toHaveAttribute('aria-selected', 'true')
    await expect.element(page.getByRole('button', { name: 'Host a room' })).toBeVisible()
    await expect.element(page.getByLabelText('Server address')).not.toBeInTheDocument()
    await expect.element(page.getByLabelText('Your name')).toBeVisible()
  })

  // The invite points at a closed loopback port: the app tries it (tests stay on loopback) and the fields fill.
  it('fills the server address and room from the invite link the app was opened with', async () => {
    await mount('moim-app')
    await expect.element(page.getByLabelText('Server address')).toHaveValue('127.0.0.1:9')
    await expect.element(page.getByLabelText('Room', { exact: true })).toHaveValue('design')
  })
})
