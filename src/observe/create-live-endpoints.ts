import type { DeniedTracker } from './denied-tracker.js';
import { send, sendJson, type Endpoint } from './create-admin-server.js';
import type { LiveFeed } from './live-feed.js';
import { LIVE_PAGE_CSP, renderLivePage } from './render-live-page.js';

/** /ui (the live page) and /ui/data (what it polls): for labs and first deployments. */
export function createLiveEndpoints(live: LiveFeed, denied: DeniedTracker): Endpoint[] {
  const page = renderLivePage();
  return [
    {
      path: '/ui',
      about: 'live page: decisions per second, top denied and reported destinations, last decisions',
      handle: (res) => {
        res.setHeader('Content-Security-Policy', LIVE_PAGE_CSP);
        res.setHeader('X-Content-Type-Options', 'nosniff');
        send(res, 200, 'text/html; charset=utf-8', page);
      },
    },
    {
      path: '/ui/data',
      about: 'what /ui polls: decision counts, last decisions and denied destinations (JSON)',
      handle: (res) => sendJson(res, { live: live.snapshot(), denied: denied.snapshot() }),
    },
  ];
}
