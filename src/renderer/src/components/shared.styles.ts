import { css } from 'lit'

/**
 * Design tokens and small building blocks shared by every Moim component. Custom properties inherit through
 * shadow roots, so the tokens are declared once on the document (see main.ts) with these values as fallbacks.
 */
export const sharedStyles = css`
  :host {
    --_bg: var(--moim-bg, #111418);
    --_surface: var(--moim-surface, #1a1f26);
    --_surface-2: var(--moim-surface-2, #242a33);
    --_border: var(--moim-border, #323a46);
    --_text: var(--moim-text, #e8ebef);
    --_muted-text: var(--moim-muted-text, #a3adba);
    --_accent: var(--moim-accent, #6aa8ff);
    --_accent-text: var(--moim-accent-text, #0b1220);
    --_danger: var(--moim-danger, #e5484d);
    --_danger-text: var(--moim-danger-text, #ffffff);
    --_warning: var(--moim-warning, #f5b14c);
    --_ok: var(--moim-ok, #46c37b);
    --_radius: 12px;
    --_focus: 0 0 0 3px color-mix(in srgb, var(--_accent) 70%, transparent);
    box-sizing: border-box;
    color: var(--_text);
    /* Korean wraps between words (eojeol), not between any two syllables; long strings still break. */
    word-break: keep-all;
    overflow-wrap: break-word;
    font-family:
      system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      'Noto Sans',
      'Apple SD Gothic Neo',
      'Malgun Gothic',
      'Noto Sans KR',
      'Noto Sans CJK KR',
      sans-serif;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }

  button,
  input,
  select {
    font: inherit;
    color: inherit;
  }

  button {
    cursor: pointer;
    border: 1px solid var(--_border);
    background: var(--_surface-2);
    border-radius: 10px;
    padding: 0.55rem 0.9rem;
  }

  button:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_surface-2) 80%, white);
  }

  button:disabled {
    cursor: default;
    opacity: 0.6;
  }

  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-text);
    font-weight: 600;
  }

  button.primary:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_accent) 85%, white);
  }

  button.danger {
    background: var(--_danger);
    border-color: var(--_danger);
    color: var(--_danger-text);
  }

  button.danger:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_danger) 85%, white);
  }

  input,
  select {
    width: 100%;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: 8px;
    padding: 0.55rem 0.7rem;
  }

  input::placeholder {
    color: color-mix(in srgb, var(--_muted-text) 70%, transparent);
  }

  /* tabindex="-1" marks headings focused by script (for screen readers), which need no ring. */
  :is(button, input, select, a, [tabindex]:not([tabindex='-1'])):focus-visible {
    outline: none;
    box-shadow: var(--_focus);
  }

  input:focus-visible,
  select:focus-visible {
    border-color: var(--_accent);
  }

  .alert {
    margin: 0;
    padding: 0.6rem 0.8rem;
    border-radius: 8px;
    border: 1px solid color-mix(in srgb, var(--_danger) 60%, transparent);
    background: color-mix(in srgb, var(--_danger) 16%, transparent);
    color: var(--_text);
  }

  .notice {
    margin: 0;
    padding: 0.5rem 0.8rem;
    border-radius: 8px;
    border: 1px solid color-mix(in srgb, var(--_warning) 55%, transparent);
    background: color-mix(in srgb, var(--_warning) 14%, transparent);
    color: var(--_text);
  }

  svg.icon {
    width: 1.25rem;
    height: 1.25rem;
    flex: none;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linecap: round;
    stroke-linejoin: round;
    vertical-align: middle;
  }
`
