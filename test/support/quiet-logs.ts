import { setLogLevel } from '../../src/shared/logger'

// Tests assert on behaviour, not on log lines; keep the output readable.
setLogLevel(process.env.MOIM_LOG_LEVEL === 'debug' ? 'debug' : 'silent')
