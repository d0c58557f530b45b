/**
 * Renderer entry: page-wide styles, the UI's language, and the app shell. The styles go in as a constructed
 * stylesheet (`adoptedStyleSheets`) so the CSP needs no 'unsafe-inline'.
 */
import { css } from 'lit'
import { startLanguage } from './localization'
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
      'Apple SD Gothic Neo',
      'Malgun Gothic',
      'Noto Sans KR',
      'Noto Sans CJK KR',
      sans-serif;
    line-height: 1.45;
  }

  /* Until a language other than English has loaded, show nothing rather than English for a moment. */
  html[data-loading-language] moim-app {
    visibility: hidden;
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

// The language's module is fetched while the app shell starts its session.
void startLanguage()
