import { css } from 'lit'

export const lobbyStyles = css`
  :host {
    display: block;
  }

  .layout {
    display: grid;
    grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr);
    gap: 1.5rem;
    max-width: 980px;
    margin: 0 auto;
  }

  @media (max-width: 820px) {
    .layout {
      grid-template-columns: minmax(0, 1fr);
    }
  }

  .card {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 1.25rem;
    display: grid;
    gap: 1rem;
    align-content: start;
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

  form {
    display: grid;
    gap: 0.9rem;
  }

  .field {
    display: grid;
    gap: 0.3rem;
  }

  .field label {
    font-size: 0.9rem;
    font-weight: 500;
  }

  .hint {
    font-size: 0.8rem;
    color: var(--_muted-text);
  }

  input[aria-invalid='true'] {
    border-color: var(--_danger);
  }

  .join {
    justify-self: start;
    min-width: 8rem;
    padding: 0.65rem 1.4rem;
  }

  .preview {
    aspect-ratio: 16 / 9;
  }

  .rooms {
    display: grid;
    gap: 0.4rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .rooms button {
    width: 100%;
    display: flex;
    align-items: center;
    gap: 0.6rem;
    text-align: left;
    background: var(--_bg);
  }

  .rooms .room-name {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-weight: 500;
  }

  .rooms .count {
    color: var(--_muted-text);
    font-variant-numeric: tabular-nums;
    font-size: 0.9rem;
  }

  .rooms .full {
    color: var(--_warning);
    font-size: 0.8rem;
  }

  .empty {
    margin: 0;
    color: var(--_muted-text);
    font-size: 0.9rem;
  }
`
