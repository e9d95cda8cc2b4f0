// The bitECS calls systems need, passed through unchanged, so an embedding game depends on the
// engine's bitECS rather than a second copy. Re-declared rather than re-exported so that each
// carries its documentation here: bitECS's own type declarations have none.
import * as bitecs from 'bitecs';

/** Entities of `world` matching every term: component stores (from `getStore`) or `Not`/`Or`/`And` terms. */
export const query: typeof bitecs.query = bitecs.query;

/** Adds an entity to `world` and returns its id; ids of removed entities are reused. */
export const addEntity: typeof bitecs.addEntity = bitecs.addEntity;

/** Removes an entity and its components; its id may be handed out again, data and all (see `resetStore`). */
export const removeEntity: typeof bitecs.removeEntity = bitecs.removeEntity;

/**
 * Gives an entity a component (its store, from `getStore`); false if it already had it.
 * @throws if `eid` is not an entity of `world`.
 */
export const addComponent: typeof bitecs.addComponent = bitecs.addComponent;

/**
 * Takes components (stores, from `getStore`) away from an entity.
 * @throws if `eid` is not an entity of `world`.
 */
export const removeComponent: typeof bitecs.removeComponent = bitecs.removeComponent;

/** True when the entity has the component (its store, from `getStore`). */
export const hasComponent: typeof bitecs.hasComponent = bitecs.hasComponent;

/** True while `eid` is an entity of `world` (not removed). */
export const entityExists: typeof bitecs.entityExists = bitecs.entityExists;

/** Query term: entities that have none of these components. */
export const Not: typeof bitecs.Not = bitecs.Not;

/** Query term: entities that have at least one of these components. */
export const Or: typeof bitecs.Or = bitecs.Or;

/** Query term: entities that have all of these components. */
export const And: typeof bitecs.And = bitecs.And;
