import { describe, expect, it } from 'vitest'
import { page } from 'vitest/browser'
import { readUrlIntent } from '../../../src/renderer/src/core/session'
import '../../../src/renderer/src/components/moim-app'
import { mount } from './fixture'

describe('moim-app', () => {
  it('reads ?room= and ?name= from the page address, ignoring blanks', () => {
    expect(readUrlIntent('?room=standup&name=Ann')).toEqual({ room: 'standup', name: 'Ann' })
    expect(readUrlIntent('?room=%20team%20')).toEqual({ room: 'team', name: null })
    expect(readUrlIntent('?room=&name=')).toEqual({ room: null, name: null })
    expect(readUrlIntent('')).toEqual({ room: null, name: null })
  })

  // The test page is served by Vitest, not by Moim: the app connects to the page's origin as a browser guest
  // would, and must say clearly that this is not a Moim server, where the user is about to act.
  it('tells the user in the lobby when the page’s server is not a Moim server', async () => {
    const app = await mount('moim-app')
    await expect.element(page.getByRole('button', { name: 'Join', exact: true })).toBeVisible()
    await expect.element(page.getByLabelText('Server address')).not.toBeInTheDocument()
    await expect.element(page.getByRole('alert'), { timeout: 10_000 }).toHaveTextContent(/Moim/)
    app.remove()
  })

  it('fills the lobby from an invite link’s ?room= and ?name=', async () => {
    const before = location.href
    history.replaceState(null, '', `${location.pathname}?room=standup&name=Ann`)
    try {
      await mount('moim-app')
      await expect.element(page.getByLabelText('Room', { exact: true })).toHaveValue('standup')
      await expect.element(page.getByLabelText('Your name')).toHaveValue('Ann')
    } finally {
      history.replaceState(null, '', before)
    }
  })
})
