export interface Readiness {
  /** Listeners bound and a policy loaded. */
  markReady(): void;
  /** Shutting down: /readyz answers 503 from now on. */
  markDraining(): void;
  isReady(): boolean;
}

/** The /readyz state: not ready until started, and never ready again once draining. */
export function createReadiness(): Readiness {
  let ready = false;
  let draining = false;
  return {
    markReady() {
      ready = true;
    },
    markDraining() {
      draining = true;
    },
    isReady() {
      return ready && !draining;
    },
  };
}
