import type Router from '@koa/router';
import type { AppDeps } from '../deps';

/**
 * A route module adds its routes to the router with what it needs from the injected
 * dependencies; app.ts lists the modules.
 */
export type RouteModule = (router: Router, deps: AppDeps) => void;
