/**
 * The page's start: read the runtime config (`/config.json`, written per environment), finish a
 * sign-in redirect if this load is one, then show the app.
 */
import { render } from 'preact';
import { parseRuntimeConfig, RUNTIME_CONFIG_FILE } from '../contract/web';
import { App } from './app';
import { SignIn } from './auth';
import './styles.css';

async function start(root: HTMLElement): Promise<void> {
  let config;
  try {
    const response = await fetch(`/${RUNTIME_CONFIG_FILE}`, { cache: 'no-cache' });
    if (!response.ok) throw new Error(`/${RUNTIME_CONFIG_FILE} answered ${response.status}`);
    config = parseRuntimeConfig(await response.json());
  } catch (error) {
    root.textContent = `This page is not set up correctly: ${(error as Error).message}.`;
    return;
  }
  const signIn = config.auth ? new SignIn(config.auth) : undefined;
  let signInProblem: string | undefined;
  try {
    await signIn?.complete();
  } catch (error) {
    signInProblem = (error as Error).message;
  }
  root.textContent = ''; // the "Loading…" placeholder
  render(<App apiBase={config.apiBase} signIn={signIn} signInProblem={signInProblem} pictures={config.images ?? true} />, root);
}

void start(document.getElementById('app') as HTMLElement);
