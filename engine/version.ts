/** The engine's version (package.json's): replays record it so a viewer can tell which engine made them. */
export const ENGINE_VERSION = '0.1.0';
