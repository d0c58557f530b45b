/**
 * Renderer entry: page-wide styles and the app shell. The styles go in as a constructed stylesheet
 * (`adoptedStyleSheets`) so the CSP needs no 'unsafe-inline'.
 */
import { css } from 'lit'
import './components/moim-app'

const pageStyles = css`
  :root {
    color-scheme: dark;
    --moim-bg: #111418;
    background: var(--moim-bg);
    color: #e8ebef;
    font-family:
      system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      'Noto Sans',
      sans-serif;
    line-height: 1.45;
  }

  html,
  body {
    height: 100%;
    margin: 0;
  }

  moim-app {
    display: flex;
    flex-direction: column;
    height: 100%;
  }
`

if (pageStyles.styleSheet)
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, pageStyles.styleSheet]
