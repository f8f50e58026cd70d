export const CLOUDS = ['public', 'usgov', 'china', 'germany'] as const;
export type Cloud = (typeof CLOUDS)[number];
