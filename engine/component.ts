/** A typed-array constructor a component field can be stored in. */
export type FieldType =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int8ArrayConstructor
  | Int16ArrayConstructor
  | Int32ArrayConstructor
  | Uint8ArrayConstructor
  | Uint16ArrayConstructor
  | Uint32ArrayConstructor;

/** Field name → storage type, e.g. `{ x: Float32Array, y: Float32Array }`. */
export type Schema = Record<string, FieldType>;

/** The per-world storage of a component: one typed array per field, indexed by entity id. */
export type Store<S extends Schema> = { [K in keyof S]: InstanceType<S[K]> };

/** A component definition: a name and a schema. Stores are created per world, so definitions are safe to share. */
export interface ComponentDef<S extends Schema = Schema> {
  /** Its name, for messages and debugging. */
  readonly name: string;
  /** Its fields and their storage types. */
  readonly schema: S;
}

/** Any component definition, whatever its schema. */
export type AnyComponentDef = ComponentDef<any>;

/**
 * What holds component stores: every `EngineWorld`. Stores need only this, so components know
 * nothing of worlds and a world can be built on them.
 */
export interface StoreHost {
  /** Highest entity id + 1 that component stores can hold. */
  readonly capacity: number;
  /** Component stores, one per definition (see `getStore`). */
  readonly stores: Map<AnyComponentDef, unknown>;
}

/** Defines a component. Nothing is allocated until a world first uses it. */
export function defineComponent<S extends Schema>(name: string, schema: S): ComponentDef<S> {
  return Object.freeze({ name, schema });
}

/** Defines a tag component: no data, only presence. */
export function defineTag(name: string): ComponentDef<{}> {
  return defineComponent(name, {});
}

/**
 * The store of `def` in `world`, allocated on first use with the world's capacity.
 * The store object is also the bitECS component: pass it to `query`, `addComponent`, `hasComponent`.
 */
export function getStore<S extends Schema>(world: StoreHost, def: ComponentDef<S>): Store<S> {
  let store = world.stores.get(def) as Store<S> | undefined;
  if (store === undefined) {
    const fresh: Record<string, unknown> = {};
    for (const key of Object.keys(def.schema)) fresh[key] = new def.schema[key]!(world.capacity);
    store = fresh as Store<S>;
    world.stores.set(def, store);
  }
  return store;
}

/** Sets every field of `def` for `eid` to 0 (bitECS never clears data of recycled ids). */
export function resetStore<S extends Schema>(world: StoreHost, eid: number, def: ComponentDef<S>): Store<S> {
  const store = getStore(world, def);
  for (const key in store) (store[key] as { [i: number]: number })[eid] = 0;
  return store;
}
