/**
 * Headless Chromium from Debian (`scripts/chromium.sh` installs it), driven by playwright-core:
 * for the browser tests and `npm run bench:web`. playwright gives every launch a fresh temporary
 * profile (its own --user-data-dir); the flags keep Chromium from reaching out on its own
 * (updates, sync, QUIC, background networking): only the pages we open are fetched.
 */
import * as fs from 'fs';
import { Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumInstalled(): boolean {
  try {
    fs.accessSync(CHROMIUM_PATH, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}
