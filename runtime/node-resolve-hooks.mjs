// Module resolution hooks for Rotor's Node.js runtime (registered by node-bootstrap.mjs).
//
// On Lambda, the Node.js 18+ runtimes ship the AWS SDK for JavaScript v3, so a handler may
// `import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'` without bundling it. Here, a bare
// specifier that the function's own code directory cannot resolve is resolved again from Rotor's
// installation (next to this file), which provides the packages Rotor itself has installed.
let fallbackParentURL;

export function initialize(data) {
  fallbackParentURL = data && typeof data.fallbackParentURL === 'string' ? data.fallbackParentURL : undefined;
}

const isBare = (s) => !s.startsWith('.') && !s.startsWith('/') && !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s);

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (e) {
    if (
      fallbackParentURL !== undefined &&
      e &&
      e.code === 'ERR_MODULE_NOT_FOUND' &&
      isBare(specifier) &&
      context.parentURL !== fallbackParentURL
    ) {
      try {
        return await nextResolve(specifier, { ...context, parentURL: fallbackParentURL });
      } catch {
        // Report the original failure, which names the handler's own module.
      }
    }
    throw e;
  }
}
