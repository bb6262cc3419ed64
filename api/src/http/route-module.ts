import type Router from '@koa/router';
import type { AppDeps } from '../app';

/**
 * A route module adds its routes to the router with what it needs from the injected
 * dependencies. New features (e.g. enqueueing an image with an injected queue client) are a new
 * module in `extraRoutes`, not an edit to app.ts.
 */
export type RouteModule = (router: Router, deps: AppDeps) => void;
