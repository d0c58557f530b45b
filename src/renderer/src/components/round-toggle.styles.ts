import { css } from 'lit'

/** The call bar's round icon buttons (`.toggle`), shared by the bar and the people controls inside it. */
export const roundToggleStyles = css`
  .toggle {
    position: relative;
    display: inline-grid;
    place-items: center;
    width: 2.9rem;
    height: 2.9rem;
    padding: 0;
    border-radius: 50%;
  }
`
