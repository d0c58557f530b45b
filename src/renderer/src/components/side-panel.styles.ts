import { css } from 'lit'

/** The frame the call's side panels share (people, stats), as the chat panel draws its own. */
export const sidePanelStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }

  .head {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    padding: 0.6rem 0.75rem 0.6rem 1rem;
    border-bottom: 1px solid var(--_border);
  }

  h2 {
    margin: 0;
    font-size: 1rem;
    flex: 1;
    min-width: 0;
  }

  h2:focus {
    outline: none;
  }

  h3 {
    margin: 0.9rem 1rem 0.35rem;
    font-size: 0.8rem;
    font-weight: 600;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--_muted-text);
  }

  .body {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    padding-bottom: 0.75rem;
  }

  .small {
    padding: 0.35rem 0.7rem;
    font-size: 0.85rem;
  }

  .empty {
    margin: 1rem;
    color: var(--_muted-text);
    font-size: 0.9rem;
  }
`
