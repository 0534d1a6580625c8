/** SPEC §4 input limits, in one place. MAX_PARTY_SIZE comes from the configuration. */
export const PARTY_LIMITS = {
  nameLength: 128,
  descLength: 2000,
  imageLength: 2048,
  defaultMaxMemberCount: 10,
  names: { maxItems: 50, maxLength: 64 },
  variables: { maxKeys: 50, maxKeyLength: 64, maxValueLength: 1024 },
  dataBytes: 64 * 1024,
} as const;
