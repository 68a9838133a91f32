/**
 * The data-residency region catalog: every region a brand may be deployed to,
 * the country its data stays in, and the three availability zones we use there.
 *
 * Zones are listed explicitly so that `ec2.Vpc` never asks AWS for them: synth
 * stays offline and deterministic. Where a region's lettered zones are not all
 * offered to new accounts (ap-northeast-1b, ca-central-1c), the catalog lists
 * the ones that are.
 */

export type ResidencyArea = 'Africa' | 'Asia-Pacific' | 'Europe' | 'Middle East' | 'North America' | 'South America';

export interface RegionEntry {
  /** AWS region code, e.g. `eu-central-1`. */
  readonly code: string;
  /** Human name of the location, e.g. `Frankfurt`. */
  readonly location: string;
  /** Country (or territory) the data stays in. */
  readonly country: string;
  /** ISO 3166-1 alpha-2 code of `country`; used in the residency tag. */
  readonly countryCode: string;
  readonly area: ResidencyArea;
  /** The availability zones every environment spans. Three wherever the region is deployable. */
  readonly zones: readonly string[];
  /**
   * Why the region is in the catalog but refused at synth. Only set where the
   * region cannot honour a promise of the design (three zones per environment).
   */
  readonly refusedBecause?: string;
}

function region(code: string, location: string, country: string, countryCode: string, area: ResidencyArea, zoneLetters = 'abc'): RegionEntry {
  return { code, location, country, countryCode, area, zones: [...zoneLetters].map((letter) => `${code}${letter}`) };
}

/** Every region of the reference design's residency table. */
export const REGION_CATALOG: readonly RegionEntry[] = [
  region('af-south-1', 'Cape Town', 'South Africa', 'ZA', 'Africa'),
  region('ap-southeast-4', 'Melbourne', 'Australia', 'AU', 'Asia-Pacific'),
  region('ap-southeast-2', 'Sydney', 'Australia', 'AU', 'Asia-Pacific'),
  region('ap-east-1', 'Hong Kong', 'Hong Kong', 'HK', 'Asia-Pacific'),
  region('ap-south-1', 'Mumbai', 'India', 'IN', 'Asia-Pacific'),
  region('ap-south-2', 'Hyderabad', 'India', 'IN', 'Asia-Pacific'),
  region('ap-southeast-3', 'Jakarta', 'Indonesia', 'ID', 'Asia-Pacific'),
  region('ap-southeast-1', 'Singapore', 'Singapore', 'SG', 'Asia-Pacific'),
  region('ap-northeast-2', 'Seoul', 'South Korea', 'KR', 'Asia-Pacific'),
  // ap-northeast-1b is not offered to accounts created since 2012.
  region('ap-northeast-1', 'Tokyo', 'Japan', 'JP', 'Asia-Pacific', 'acd'),
  region('eu-west-3', 'Paris', 'France', 'FR', 'Europe'),
  region('eu-central-1', 'Frankfurt', 'Germany', 'DE', 'Europe'),
  region('eu-west-1', 'Ireland', 'Ireland', 'IE', 'Europe'),
  region('eu-south-1', 'Milan', 'Italy', 'IT', 'Europe'),
  region('eu-west-2', 'London', 'United Kingdom', 'GB', 'Europe'),
  region('eu-south-2', 'Spain', 'Spain', 'ES', 'Europe'),
  region('eu-north-1', 'Stockholm', 'Sweden', 'SE', 'Europe'),
  region('eu-central-2', 'Zurich', 'Switzerland', 'CH', 'Europe'),
  region('me-south-1', 'Bahrain', 'Bahrain', 'BH', 'Middle East'),
  region('me-central-1', 'UAE', 'United Arab Emirates', 'AE', 'Middle East'),
  // ca-central-1c is not offered to new accounts; ca-central-1d is.
  region('ca-central-1', 'Canada', 'Canada', 'CA', 'North America', 'abd'),
  region('us-west-2', 'Oregon', 'United States', 'US', 'North America'),
  {
    ...region('us-west-1', 'N. California', 'United States', 'US', 'North America', 'ab'),
    // Decision (issue 2): refuse rather than deploy with a weaker posture. Which two
    // lettered zones an account gets differs per account, so even the two-zone layout
    // could not be synthesized deterministically offline.
    refusedBecause:
      'it offers only two availability zones to most accounts, and brandstack promises three zones per environment; ' +
      'choose us-west-2 or us-east-1 for a US residency',
  },
  region('us-east-1', 'N. Virginia', 'United States', 'US', 'North America'),
  region('sa-east-1', 'São Paulo', 'Brazil', 'BR', 'South America'),
];

const BY_CODE = new Map(REGION_CATALOG.map((entry) => [entry.code, entry]));

/** The catalog entry for `code`, or undefined when the region is outside the catalog. */
export function findRegion(code: string): RegionEntry | undefined {
  return BY_CODE.get(code);
}

/** Region codes that can be deployed to (in the catalog and not refused). */
export function deployableRegionCodes(): string[] {
  return REGION_CATALOG.filter((entry) => !entry.refusedBecause).map((entry) => entry.code);
}
