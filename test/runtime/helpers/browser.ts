/**
 * The browser the runtime's browser tests drive: Debian's `chromium` package (installed by
 * .ci/run when missing), launched through playwright-core, which bundles no browser of its own.
 * One home for the launch options, so the smoke test and the sign-in test run the same browser.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_LAUNCH_OPTIONS: LaunchOptions = {
  executablePath: CHROMIUM_PATH,
  headless: true,
  args: [
    // Containers run as root without user namespaces; Chromium's sandbox cannot start there.
    '--no-sandbox',
    '--disable-gpu',
    // Loopback only: no QUIC, no background calls to Google services from the test machine.
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

/** Launches Chromium; a missing binary is a setup error that names the fix, not a skipped test. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium package (.ci/run does: apt-get install -y chromium)`);
  }
  return chromium.launch(CHROMIUM_LAUNCH_OPTIONS);
}
