import { css } from 'lit'

/**
 * The call bar's round icon buttons (`.toggle`) and the count badge on their corner (`.badge`, coloured by each
 * user), shared by the bar and the people controls inside it.
 */
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

  .badge {
    position: absolute;
    top: -0.3rem;
    right: -0.3rem;
    min-width: 1.3rem;
    height: 1.3rem;
    padding: 0 0.3rem;
    border-radius: 999px;
    font-size: 0.75rem;
    font-weight: 700;
    line-height: 1.3rem;
    text-align: center;
  }
`
