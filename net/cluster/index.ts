// Skirmish net cluster: many matches per worker process, many workers behind stateless gateways.
// The registry (in memory, or Redis for a cluster) knows which worker hosts which match and hands
// out seats; the gateway matchmakes and proxies Socket.IO; workers heartbeat and admit seats.
// Node only.

export { RegistryError, ID_PATTERN, registryTimings, newMatchId, newSeatToken } from './registry';
export type {
  Registry, RegistryOptions, RegistryStats, RegistryErrorCode, WorkerInfo, WorkerView, MatchInfo, Seat,
  PlaceRequest, Placement, ClaimResult,
} from './registry';
export { MemoryRegistry, createMemoryRegistry } from './memory-registry';
export type { MemoryRegistryOptions } from './memory-registry';
export { RedisRegistry, createRedisRegistry } from './redis-registry';
export type { RedisRegistryOptions } from './redis-registry';
export { createGateway } from './gateway';
export type { Gateway, GatewayOptions, MatchType } from './gateway';
export { SidPins, openPacketSid } from './pins';
export { SeatCodes, readSeat, admitSeat, startHeartbeat } from './worker';
export type { SeatCode, PresentedSeat, Admission, Heartbeat, HeartbeatOptions } from './worker';
