// Diagnostics channels the cache publishes on; free when nobody subscribes (undici's pattern).
import { channel } from 'node:diagnostics_channel';

/** `{ path, bytes, durationMs }` after a durable write. */
export const writeChannel = channel('cnikit:cache:write');
/** `{ path, removed }` after a durable removal. */
export const removeChannel = channel('cnikit:cache:remove');
/** `{ from, to, reason }` after a file was moved to quarantine. */
export const quarantineChannel = channel('cnikit:cache:quarantine');
/** `{ removed: string[] }` after stale temp files were swept. */
export const sweepChannel = channel('cnikit:cache:sweep');
