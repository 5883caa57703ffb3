import { join } from 'node:path';
import { FileTokenStore, MemoryTokenStore, type TokenStore } from '../navien/token-store';

/** Process-wide fallback so a redeploy keeps its tokens even without a user directory. */
const memoryStores = new Map<string, MemoryTokenStore>();

/**
 * Tokens live in the Node-RED user directory (never in flows), one 0600 file per login, so
 * they survive redeploys and restarts without a new sign-in.
 */
export function tokenStoreFor(
  userDir: string | undefined,
  email: string,
  apiUrl: string,
): TokenStore {
  if (userDir) return new FileTokenStore(join(userDir, '.navien'), email, apiUrl);
  const key = `${apiUrl}\n${email}`;
  let store = memoryStores.get(key);
  if (!store) {
    store = new MemoryTokenStore();
    memoryStores.set(key, store);
  }
  return store;
}
