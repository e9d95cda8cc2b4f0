// The battle game: its rules and its server. The browser entry is game/browser.ts (bundled by build.mjs).
export { defaultRules, rulesForMap, classicType, arenaType, gameTypes } from './rules';
export { startGameServer, clientDir } from './server';
