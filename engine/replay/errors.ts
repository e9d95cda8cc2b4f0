/** A replay file that cannot be read: corrupt, truncated before its first checkpoint, or of an unknown version. */
export class ReplayFormatError extends Error {
  constructor(message: string) {
    super(`Skirmish: replay: ${message}`);
    this.name = 'ReplayFormatError';
  }
}
