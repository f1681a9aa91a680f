import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWS_REGIONS, isAwsRegion, suggestAwsRegions } from '../../src/genesys/aws-regions.js';
import { GENESYS_REGIONS, UnknownGenesysRegionError, resolveGenesysRegion } from '../../src/genesys/regions.js';

const require = createRequire(import.meta.url);

/** The official SDK's region table, read from its source (`export default { us_east_1: 'mypurecloud.com', … }`). */
function sdkRegionHosts(): Record<string, string> {
  const sdkDir = dirname(require.resolve('purecloud-platform-client-v2/package.json'));
  const text = readFileSync(join(sdkDir, 'src/purecloud-platform-client-v2/PureCloudRegionHosts.js'), 'utf8');
  return Object.fromEntries([...text.matchAll(/^\s*(\w+):\s*'([^']+)'/gm)].map((m) => [m[1]!, m[2]!]));
}

/** The AWS SDK's partition data (regions per partition), as installed. */
async function awsSdkPartitions(): Promise<Record<string, string[]>> {
  const coreDir = dirname(require.resolve('@aws-sdk/core/package.json'));
  const module = (await import(join(coreDir, 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js'))) as {
    partitionsInfo: { partitions: Array<{ id: string; regions: Record<string, unknown> }> };
  };
  return Object.fromEntries(
    module.partitionsInfo.partitions.map((p) => [p.id, Object.keys(p.regions).filter((r) => !r.endsWith('-global'))]),
  );
}

describe('Genesys Cloud regions', () => {
  it('map every region of the official SDK to the same domain', () => {
    const sdk = sdkRegionHosts();
    expect(Object.keys(sdk).length).toBeGreaterThanOrEqual(17);
    for (const [key, domain] of Object.entries(sdk)) expect(GENESYS_REGIONS[key.replace(/_/g, '-')], key).toBe(domain);
    expect(Object.keys(GENESYS_REGIONS).sort()).toEqual(
      Object.keys(sdk)
        .map((k) => k.replace(/_/g, '-'))
        .sort(),
    );
  });

  it('resolve a region name (either spelling) to the API and login hosts', () => {
    expect(resolveGenesysRegion('eu-west-1')).toEqual({
      domain: 'mypurecloud.ie',
      apiBaseUrl: 'https://api.mypurecloud.ie',
      loginBaseUrl: 'https://login.mypurecloud.ie',
    });
    expect(resolveGenesysRegion('AP_SOUTHEAST_2').domain).toBe('mypurecloud.com.au');
    expect(resolveGenesysRegion('us-east-2').domain).toBe('use2.us-gov-pure.cloud');
  });

  it('accept a domain, with or without scheme, api./login. prefix and trailing slash', () => {
    expect(resolveGenesysRegion('mypurecloud.de').apiBaseUrl).toBe('https://api.mypurecloud.de');
    expect(resolveGenesysRegion('https://api.usw2.pure.cloud/').loginBaseUrl).toBe('https://login.usw2.pure.cloud');
    expect(resolveGenesysRegion('login.mypurecloud.jp').domain).toBe('mypurecloud.jp');
  });

  it('reject anything else with close names suggested', () => {
    expect(() => resolveGenesysRegion('eu-west-9')).toThrow(UnknownGenesysRegionError);
    const error = (() => {
      try {
        resolveGenesysRegion('eu-wset-1');
      } catch (e) {
        return e as UnknownGenesysRegionError;
      }
      throw new Error('expected an error');
    })();
    expect(error.suggestions).toContain('eu-west-1');
    expect(error.message).toMatch(/Did you mean "eu-west-1"/);
    expect(() => resolveGenesysRegion('not a region')).toThrow(/Unknown Genesys Cloud region "not a region"/);
  });
});

describe('AWS regions', () => {
  it('are exactly the aws, aws-eusc and aws-us-gov partitions of the installed AWS SDK', async () => {
    const partitions = await awsSdkPartitions();
    const expected = [...partitions.aws!, ...partitions['aws-eusc']!, ...partitions['aws-us-gov']!].sort();
    expect(Object.keys(AWS_REGIONS).sort()).toEqual(expected);
    expect(isAwsRegion('cn-north-1')).toBe(false);
  });

  it('suggest close names for a typo', () => {
    expect(isAwsRegion('us-east-1')).toBe(true);
    expect(isAwsRegion('us-east1')).toBe(false);
    expect(suggestAwsRegions('us-east1')[0]).toBe('us-east-1');
  });
});
