import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SessionTokens } from './types';

/** Where a session keeps its tokens between restarts (§1.4: receipt times included). */
export interface TokenStore {
  load(): Promise<SessionTokens | undefined>;
  save(tokens: SessionTokens): Promise<void>;
  clear(): Promise<void>;
}

/** Keeps tokens for the life of the process only. */
export class MemoryTokenStore implements TokenStore {
  private tokens?: SessionTokens;

  load(): Promise<SessionTokens | undefined> {
    return Promise.resolve(this.tokens ? { ...this.tokens } : undefined);
  }

  save(tokens: SessionTokens): Promise<void> {
    this.tokens = { ...tokens };
    return Promise.resolve();
  }

  clear(): Promise<void> {
    this.tokens = undefined;
    return Promise.resolve();
  }
}

interface TokenFile {
  version: 1;
  /** SHA-256 of the normalised e-mail, so a file is never used for another account. */
  emailHash: string;
  apiUrl: string;
  tokens: SessionTokens;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * One private JSON file per (e-mail, API URL). The file name is a hash so the e-mail does not
 * show up in directory listings; writes go through a temp file + rename so a crash never
 * leaves half a file behind.
 */
export class FileTokenStore implements TokenStore {
  readonly filePath: string;
  private readonly emailHash: string;

  constructor(
    private readonly dir: string,
    email: string,
    private readonly apiUrl: string,
  ) {
    this.emailHash = sha256(normaliseEmail(email));
    const name = sha256(`${normaliseEmail(email)}\n${apiUrl}`).slice(0, 32);
    this.filePath = path.join(dir, `navien-tokens-${name}.json`);
  }

  async load(): Promise<SessionTokens | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.filePath, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = JSON.parse(text) as Partial<TokenFile>;
      if (parsed.version !== 1 || parsed.emailHash !== this.emailHash) return undefined;
      if (parsed.apiUrl !== this.apiUrl) return undefined;
      return isSessionTokens(parsed.tokens) ? parsed.tokens : undefined;
    } catch {
      return undefined;
    }
  }

  async save(tokens: SessionTokens): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const content: TokenFile = {
      version: 1,
      emailHash: this.emailHash,
      apiUrl: this.apiUrl,
      tokens,
    };
    const temp = `${this.filePath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await fs.writeFile(temp, JSON.stringify(content), { mode: 0o600, flag: 'wx' });
      // writeFile's mode is masked by the umask; make sure nobody else can read the tokens.
      await fs.chmod(temp, 0o600);
      await fs.rename(temp, this.filePath);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
  }

  async clear(): Promise<void> {
    await fs.rm(this.filePath, { force: true });
  }
}

function isSessionTokens(value: unknown): value is SessionTokens {
  if (!value || typeof value !== 'object') return false;
  const t = value as Record<string, unknown>;
  return (
    typeof t.accessToken === 'string' &&
    typeof t.refreshToken === 'string' &&
    typeof t.authenticationExpiresIn === 'number' &&
    typeof t.issuedAt === 'number' &&
    typeof t.awsIssuedAt === 'number'
  );
}
