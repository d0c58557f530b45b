import { css } from 'lit'

export const hostPanelStyles = css`
  :host {
    display: block;
  }

  .card {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 1.25rem;
    display: grid;
    gap: 1rem;
  }

  h2 {
    margin: 0;
    font-size: 1.1rem;
  }

  h3 {
    margin: 0;
    font-size: 0.95rem;
    color: var(--_muted-text);
    font-weight: 600;
  }

  p {
    margin: 0;
  }

  .muted {
    color: var(--_muted-text);
    font-size: 0.9rem;
  }

  form {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr));
    gap: 0.9rem;
    align-items: end;
  }

  .field {
    display: grid;
    gap: 0.3rem;
  }

  .field label {
    font-size: 0.9rem;
    font-weight: 500;
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.6rem;
    align-items: center;
  }

  .hosting {
    display: grid;
    grid-template-columns: minmax(0, 1.4fr) minmax(0, 1fr);
    gap: 1.25rem;
  }

  @media (max-width: 720px) {
    .hosting {
      grid-template-columns: minmax(0, 1fr);
    }
  }

  .addresses {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.5rem;
  }

  .address {
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto;
    gap: 0.4rem 0.6rem;
    align-items: center;
    padding: 0.6rem 0.7rem;
    border: 1px solid var(--_border);
    border-radius: 10px;
    background: var(--_bg);
  }

  .address[aria-current='true'] {
    border-color: var(--_accent);
  }

  .address .where {
    display: grid;
    gap: 0.1rem;
    min-width: 0;
  }

  .address code {
    font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    font-size: 1rem;
    overflow-wrap: anywhere;
  }

  .address .interface {
    font-size: 0.8rem;
    color: var(--_muted-text);
  }

  .address .buttons {
    display: flex;
    flex-wrap: wrap;
    gap: 0.35rem;
    justify-content: end;
  }

  .address button {
    padding: 0.35rem 0.6rem;
    font-size: 0.85rem;
  }

  .qr {
    display: grid;
    gap: 0.5rem;
    justify-items: center;
    text-align: center;
  }

  .qr img {
    width: min(220px, 100%);
    aspect-ratio: 1;
    background: white;
    border-radius: 8px;
    image-rendering: pixelated;
  }

  .people {
    margin: 0;
    padding-left: 1.2rem;
    display: grid;
    gap: 0.2rem;
  }

  .status {
    font-size: 0.85rem;
    color: var(--_ok);
    min-height: 1.2em;
  }

  .secret code {
    font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
  }
`
